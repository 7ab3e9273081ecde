"""A supervised session of world.case with its report (a draft, written by a supervisor
who is none of the conftest cast) and distribution list, a second supervised session
still waiting for its report, and the samples of the reports' URLs."""

import datetime

ORDER = 40


def build(world):
    from django.utils import timezone

    from attendance.models import ContactSession, ReportRecipient, SupervisedReport
    from attendance.report_services import report_create, report_recipient_add
    from centre.roles import Role
    from centre.services import user_create
    from tests.attendance.factories import BookingFactory, ContactSessionFactory

    last_week = timezone.localdate() - datetime.timedelta(days=7)
    supervised = {"kind": ContactSession.Kind.SUPERVISED, "capacity": 1, "room": "Family room"}
    world.supervised_session = ContactSessionFactory(date=last_week, **supervised)
    world.supervised_booking = BookingFactory(session=world.supervised_session, case=world.case)
    world.unreported_booking = BookingFactory(
        session=ContactSessionFactory(date=last_week - datetime.timedelta(days=7), **supervised),
        case=world.case,
    )
    world.report_author = user_create(
        email="erin.supervisor@example.test", full_name="Erin Sefton", role=Role.STAFF
    )
    world.report = report_create(
        report=SupervisedReport(
            booking=world.supervised_booking,
            who_attended="The visiting parent, the child and the supervisor.",
            started_at=datetime.time(10, 0),
            ended_at=datetime.time(11, 45),
            observations="They played with the train set and read two books together.",
            court_ordered=True,
        ),
        actor=world.report_author,
    )
    world.report_recipient = report_recipient_add(
        recipient=ReportRecipient(
            report=world.report,
            kind=ReportRecipient.Kind.PARENT,
            adult=world.resident,
            named_in_order=True,
        ),
        actor=world.report_author,
    )
    report_recipient_add(
        recipient=ReportRecipient(
            report=world.report,
            kind=ReportRecipient.Kind.CAFCASS,
            name="Fictional Cafcass officer",
            named_in_order=True,
        ),
        actor=world.report_author,
    )


def _report(world):
    return {"pk": world.report.pk}


SAMPLES = {
    "attendance:report_create": lambda world: {"pk": world.unreported_booking.pk},
    "attendance:report_detail": _report,
    "attendance:report_edit": _report,
    "attendance:report_recipient_add": _report,
    "attendance:report_recipient_remove": lambda world: {
        "pk": world.report.pk,
        "recipient_pk": world.report_recipient.pk,
    },
    "attendance:report_mark_ready": _report,
    "attendance:report_withdraw": _report,
    "attendance:report_return": _report,
    "attendance:report_check": _report,
    "attendance:report_send": _report,
    "attendance:report_print": _report,
    "attendance:report_pdf": _report,
}
