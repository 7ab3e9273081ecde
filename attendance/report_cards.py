"""The figures of the reports card on the manager's and staff's home pages: the supervised
sessions past without a report (for staff, those they were on duty for), the reports
ready for this person to check (never their own), those returned to them with comments,
and the checked reports waiting to be sent. The four counts (``reports_counts``) are
counted with the page's other counts, in one query; each list is asked for only when its
count is not 0, cut at ``SHOWN`` rows, and each item is flagged when overdue, so the card
costs the same number of queries however many reports the centre holds."""

from centre.roles import Role
from core.cards import SHOWN

from .models import Booking, ContactSession, SupervisedReport
from .report_services import report_due_on

Status = SupervisedReport.Status


def _flag(items, date_of, today):
    for item in items:
        due_on = report_due_on(date_of(item))
        item.report_due_on = due_on
        item.report_overdue = today > due_on
    return items


def _unwritten(user, today):
    """Supervised sessions past without a report: for staff, those they were on duty for;
    for the manager, all."""
    unwritten = Booking.objects.filter(
        session__kind=ContactSession.Kind.SUPERVISED,
        session__date__lte=today,
        report__isnull=True,
    )
    if user.role != Role.MANAGER:
        unwritten = unwritten.filter(session__staff_on_duty=user)
    return unwritten


def reports_counts(user, today):
    """What the card counts, with the page's other counts (``None`` for anyone who may not
    read reports)."""
    if not user.has_perm("attendance.view_supervisedreport"):
        return None
    return {
        "ready": SupervisedReport.objects.filter(status=Status.READY).exclude(author=user),
        "returned": SupervisedReport.objects.filter(status=Status.DRAFT, author=user).exclude(
            return_comments=""
        ),
        "to_send": SupervisedReport.objects.filter(status=Status.CHECKED),
        "unwritten": _unwritten(user, today),
    }


def reports(user, today, counted):
    may_write = user.has_perm("attendance.add_supervisedreport")
    may_check = user.has_perm("attendance.check_supervisedreport")
    may_send = user.has_perm("attendance.send_supervisedreport")
    unwritten = _unwritten(user, today)
    listed = SupervisedReport.objects.select_related("booking__session", "booking__case")
    oldest_first = ("booking__session__date", "booking__session__starts_at", "pk")

    def session_date(report):
        return report.booking.session.date

    figures = {
        "reports_to_write": [],
        "reports_to_write_count": counted["unwritten"] if may_write else 0,
        "reports_to_check": [],
        "reports_to_check_count": counted["ready"] if may_check else 0,
        "reports_returned": [],
        "reports_returned_count": counted["returned"],
        "reports_to_send": [],
        "reports_to_send_count": counted["to_send"] if may_send else 0,
        "reports_may_check": may_check,
        "reports_may_send": may_send,
    }
    if may_write and counted["unwritten"]:
        figures["reports_to_write"] = _flag(
            list(
                unwritten.select_related("session", "case").order_by(
                    "session__date", "session__starts_at", "pk"
                )[:SHOWN]
            ),
            lambda booking: booking.session.date,
            today,
        )
    if may_check and counted["ready"]:
        figures["reports_to_check"] = _flag(
            list(
                listed.filter(status=Status.READY)
                .exclude(author=user)
                .order_by(*oldest_first)[:SHOWN]
            ),
            session_date,
            today,
        )
    if counted["returned"]:
        figures["reports_returned"] = _flag(
            list(
                listed.filter(status=Status.DRAFT, author=user)
                .exclude(return_comments="")
                .order_by(*oldest_first)[:SHOWN]
            ),
            session_date,
            today,
        )
    if may_send and counted["to_send"]:
        figures["reports_to_send"] = _flag(
            list(listed.filter(status=Status.CHECKED).order_by(*oldest_first)[:SHOWN]),
            session_date,
            today,
        )
    return figures
