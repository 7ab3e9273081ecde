"""The supervised report check as a workflow, through its pages: the author marks a draft
ready, the checkers are told by an e-mail naming no one, a checker returns it with
comments or checks it through a confirmation page, the author is told, and a checked
report is sent through a confirmation page. The author never checks their own report.
A report not sent within the centre's target after its session is flagged overdue."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from attendance.models import ContactSession, ReportRecipient, SupervisedReport
from attendance.report_services import (
    report_create,
    report_due_on,
    report_mark_ready,
    report_recipient_add,
)
from centre.models import Disclosure
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

SESSION_DAY = datetime.date(2026, 11, 28)  # a Saturday
NOON = datetime.time(12, 0)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 15, 0), tick=False):
        yield


@pytest.fixture
def family(db):
    case = CaseFactory()
    AdultFactory(case=case, first_name="Wren", last_name="Quillfeather")
    ChildFactory(case=case, first_name="Juno", last_name="Quillfeather")
    return case


def booking_on(case, day=SESSION_DAY):
    session = ContactSessionFactory(
        date=day, kind=ContactSession.Kind.SUPERVISED, capacity=1, room="Family room"
    )
    return BookingFactory(session=session, case=case)


def write(author, case, day=SESSION_DAY):
    report = SupervisedReport(
        booking=booking_on(case, day),
        who_attended="Juno (child), the visiting parent and the supervisor.",
        started_at=datetime.time(10, 0),
        ended_at=datetime.time(11, 0),
        observations="They built a tower and read a book together.",
    )
    return report_create(report=report, actor=author)


def url(name, *args):
    return reverse(f"attendance:{name}", args=args)


def reload(report):
    return SupervisedReport.objects.get(pk=report.pk)


def test_a_report_is_marked_ready_returned_changed_checked_and_sent(
    client, staff, checker, manager, family, django_capture_on_commit_callbacks
):
    report = write(staff, family)
    report_recipient_add(
        recipient=ReportRecipient(report=report, kind="cafcass", name="Fictional officer"),
        actor=staff,
    )
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_mark_ready", report.pk))

    report = reload(report)
    assert report.status == SupervisedReport.Status.READY and report.ready_at
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([checker.email, manager.email])  # everyone but the author
    for message in mail.outbox:
        text = message.subject + message.body
        for name in ("Wren", "Juno", "Quillfeather", "Bob", "Stanton", family.display_reference):
            assert name not in text
        assert url("report_detail", report.pk) in message.body
    assert "Change the draft" not in client.get(url("report_detail", report.pk)).text

    # The checker returns it with comments; the author is told, and sees them.
    mail.outbox.clear()
    client.force_login(checker)
    assert "Return it with comments" in client.get(url("report_detail", report.pk)).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_return", report.pk), {"comments": "Say when contact ended."})
    report = reload(report)
    assert report.status == SupervisedReport.Status.DRAFT
    assert (report.returned_by, report.return_comments) == (checker, "Say when contact ended.")
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert "returned" in mail.outbox[0].body and "Wren" not in mail.outbox[0].body
    client.force_login(staff)
    assert "Say when contact ended." in client.get(url("report_detail", report.pk)).text
    assert "Say when contact ended." in client.get(url("report_edit", report.pk)).text
    listed = client.get(url("report_list"), {"status": "returned"})
    assert url("report_detail", report.pk) in listed.text

    # The author changes it and marks it ready again: the comments are no longer shown.
    client.post(
        url("report_edit", report.pk),
        {
            "who_attended": "Juno (child), the visiting parent and the supervisor.",
            "started_at": "10:00",
            "ended_at": "11:15",
            "observations": "They built a tower and read a book. Contact ended at 11:15.",
            "concerns": "",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_mark_ready", report.pk))
    report = reload(report)
    assert report.status == SupervisedReport.Status.READY
    assert report.ended_at == datetime.time(11, 15)
    assert "Say when contact ended." not in client.get(url("report_detail", report.pk)).text
    client.force_login(checker)
    ready = client.get(url("report_list"), {"status": "ready"})
    assert url("report_detail", report.pk) in ready.text

    # The checker checks it through the confirmation page.
    mail.outbox.clear()
    first = client.get(url("report_check", report.pk))
    assert "Checking freezes the report" in first.text
    assert reload(report).status == SupervisedReport.Status.READY
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("report_check", report.pk), {"confirm": "yes"})
    report = reload(report)
    assert (report.status, report.checked_by) == (SupervisedReport.Status.CHECKED, checker)
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert "checked" in mail.outbox[0].body and "Juno" not in mail.outbox[0].body
    to_send = client.get(url("report_list"), {"status": "checked"})
    assert url("report_detail", report.pk) in to_send.text

    # The manager sends it through the confirmation page: the first click sends nothing.
    client.force_login(manager)
    first = client.post(url("report_send", report.pk), {"basis": "Consent of both parents"})
    assert "Fictional officer" in first.text and "Cafcass" in first.text
    assert "Nothing has been sent yet" in first.text
    assert reload(report).status == SupervisedReport.Status.CHECKED
    assert not Disclosure.objects.exists()
    client.post(
        url("report_send", report.pk), {"basis": "Consent of both parents", "confirm": "yes"}
    )
    assert reload(report).status == SupervisedReport.Status.SENT
    assert Disclosure.objects.count() == 1


def test_the_author_can_neither_check_nor_return_their_own_report(client, staff, family):
    report = report_mark_ready(report=write(staff, family), actor=staff)
    client.force_login(staff)

    page = client.get(url("report_detail", report.pk))
    returned = client.post(url("report_return", report.pk), {"comments": "Fine by me."})
    checked = client.post(url("report_check", report.pk), {"confirm": "yes"})

    assert "Check this report" not in page.text and "Return it with comments" not in page.text
    assert returned.status_code == checked.status_code == 403
    report = reload(report)
    assert report.status == SupervisedReport.Status.READY and not report.return_comments


def test_the_author_may_withdraw_a_report_nobody_has_checked(client, staff, family):
    report = report_mark_ready(report=write(staff, family), actor=staff)
    client.force_login(staff)

    client.post(url("report_withdraw", report.pk))

    assert reload(report).status == SupervisedReport.Status.DRAFT
    assert "Change the draft" in client.get(url("report_detail", report.pk)).text


def test_only_the_author_marks_a_report_ready(client, staff, checker, family):
    report = write(staff, family)
    client.force_login(checker)

    client.post(url("report_mark_ready", report.pk))

    assert reload(report).status == SupervisedReport.Status.DRAFT


def test_a_checked_report_cannot_be_withdrawn_or_returned(client, staff, checker, family):
    report = report_mark_ready(report=write(staff, family), actor=staff)
    client.force_login(checker)
    client.post(url("report_check", report.pk), {"confirm": "yes"})
    client.post(url("report_return", report.pk), {"comments": "Too late."})
    client.force_login(staff)
    client.post(url("report_withdraw", report.pk))

    report = reload(report)
    assert report.status == SupervisedReport.Status.CHECKED and not report.return_comments


def test_a_return_needs_comments(client, staff, checker, family):
    report = report_mark_ready(report=write(staff, family), actor=staff)
    client.force_login(checker)

    response = client.post(url("report_return", report.pk), {"comments": "  "})

    assert "Say what the author should change." in response.text
    assert reload(report).status == SupervisedReport.Status.READY


def test_the_due_day_counts_working_days_without_bank_holidays():
    # Friday 18 December 2026: 21, 22, 23, 24 December, then Christmas (Friday) and
    # Boxing Day's substitute (Monday 28th) are not working days: the 5th is the 29th.
    assert report_due_on(datetime.date(2026, 12, 18)) == datetime.date(2026, 12, 29)
    assert report_due_on(SESSION_DAY) == datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(datetime.date(2026, 12, 29), False), (datetime.date(2026, 12, 30), True)],
)
def test_a_report_is_overdue_from_the_working_day_after_its_target(
    client, staff, family, today, overdue
):
    with time_machine.travel(datetime.datetime.combine(today, NOON), tick=False):
        report = write(staff, family, day=datetime.date(2026, 12, 18))
        client.force_login(staff)
        page = client.get(url("report_detail", report.pk))
        listed = client.get(url("report_list"))
        filtered = client.get(url("report_list"), {"status": "overdue"})

    assert ("This report is overdue" in page.text) is overdue
    assert ("Overdue</span>" in listed.text) is overdue
    assert (url("report_detail", report.pk) in filtered.text) is overdue


def test_a_sent_report_is_never_overdue(client, staff, family):
    report = write(staff, family, day=datetime.date(2026, 11, 2))
    SupervisedReport.objects.filter(pk=report.pk).update(status=SupervisedReport.Status.SENT)
    client.force_login(staff)

    assert "This report is overdue" not in client.get(url("report_detail", report.pk)).text


# The home card.


def test_the_home_page_lists_what_waits_for_each_person(client, staff, checker, family):
    ready = report_mark_ready(report=write(staff, family), actor=staff)
    unwritten = booking_on(CaseFactory())
    unwritten.session.staff_on_duty.add(checker)

    client.force_login(checker)
    checker_home = client.get(reverse("home"))
    client.force_login(staff)
    author_home = client.get(reverse("home"))

    assert url("report_detail", ready.pk) in checker_home.text
    assert url("report_create", unwritten.pk) in checker_home.text
    assert "Overdue</span>" not in checker_home.text  # 28 November: due 4 December
    assert url("report_detail", ready.pk) not in author_home.text  # never their own
    assert url("report_create", unwritten.pk) not in author_home.text  # not on duty


def _card_queries(user, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from centre.models import User
    from core.cards import cards_for

    [card] = [card for card in cards_for("staff") if card.key == "reports"]
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        figures = card.figures_for(fresh, today)
    return len(queries), figures


def test_the_card_costs_the_same_queries_however_many_reports(staff, checker, manager, family):
    today = datetime.date(2026, 11, 30)
    # One of each thing the card lists (an empty list is not asked for), then more.
    report_mark_ready(report=write(staff, family), actor=staff)
    booking_on(CaseFactory()).session.staff_on_duty.add(checker)
    few = {person.pk: _card_queries(person, today)[0] for person in (staff, checker, manager)}

    for _ in range(4):
        report_mark_ready(report=write(staff, CaseFactory()), actor=staff)
        booking_on(CaseFactory()).session.staff_on_duty.add(checker)
    many = {person.pk: _card_queries(person, today) for person in (staff, checker, manager)}

    assert {pk: count for pk, (count, _) in many.items()} == few
    assert many[checker.pk][1]["reports_to_check_count"] == 5
    assert many[checker.pk][1]["reports_to_write_count"] == 5


def test_the_centre_sets_its_own_target(settings):
    settings.REPORT_TARGET_WORKING_DAYS = 2

    assert report_due_on(datetime.date(2026, 12, 18)) == datetime.date(2026, 12, 22)


def test_a_report_waiting_to_be_checked_prints_as_a_draft(client, staff, family):
    report = report_mark_ready(report=write(staff, family), actor=staff)
    client.force_login(staff)

    printed = client.get(url("report_print", report.pk))
    pdf = client.get(url("report_pdf", report.pk))

    assert "Draft, waiting to be checked. Do not share." in printed.text
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_cases_sessions_tab_links_each_report_and_offers_to_write_a_missing_one(
    client, staff, family
):
    written = report_mark_ready(report=write(staff, family), actor=staff)
    unwritten = booking_on(family, SESSION_DAY - datetime.timedelta(days=7))
    unwritten.status = "attended"
    unwritten.save()
    client.force_login(staff)

    page = client.get(reverse("referrals:case_sessions", args=[family.pk])).text

    assert f'href="{url("report_detail", written.pk)}">Ready for checking' in page
    assert f'href="{url("report_create", unwritten.pk)}">Write the report' in page


def test_someone_who_may_not_read_reports_sees_no_report_column(client, manager, staff, family):
    from django.contrib.auth.models import Permission

    write(staff, family)
    manager.groups.get().permissions.remove(
        Permission.objects.get(codename="view_supervisedreport")
    )
    client.force_login(manager)

    page = client.get(reverse("referrals:case_sessions", args=[family.pk])).text

    assert "Past sessions" in page
    assert "report_detail" not in page and "/reports/" not in page
    assert '<th scope="col">Report</th>' not in page
