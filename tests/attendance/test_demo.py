"""seed_demo shows a newcomer sessions: Saturday mornings four weeks back and four ahead,
the active families booked, what the register recorded, a family flagged for review, and
a session today with three families and the demo volunteer on duty."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from attendance.models import Booking, ContactSession
from attendance.selectors import case_attendance
from centre.models import User
from referrals.models import Case

SUNDAY = datetime.datetime(2026, 11, 29, 8, 0)
SATURDAY = datetime.datetime(2026, 12, 5, 8, 0)


@pytest.fixture(params=[SUNDAY, SATURDAY], ids=["on-a-sunday", "on-a-saturday"])
def seeded(request, db, settings):
    settings.DEBUG = True
    with time_machine.travel(request.param, tick=False):
        call_command("seed_demo")
        yield request.param.date()


def test_attendance_seeds_after_the_cases_it_books():
    names = [config.name for config in apps.get_app_configs()]

    assert names.index("referrals") < names.index("attendance")


def test_saturday_sessions_run_four_weeks_back_and_four_ahead(seeded):
    today = seeded
    saturdays = ContactSession.objects.filter(date__week_day=7)

    supported = saturdays.filter(kind="supported", room="Main hall")
    supervised = saturdays.filter(kind="supervised", room="Quiet room")
    assert supported.count() == supervised.count() >= 8
    assert supported.filter(date__lt=today).count() == 4
    assert supported.filter(date__gt=today).count() >= 3
    assert min(s.date for s in supported) >= today - datetime.timedelta(weeks=4)
    assert max(s.date for s in supported) <= today + datetime.timedelta(weeks=4)


def test_today_has_a_session_with_three_families_and_the_volunteer_on_duty(seeded):
    session = ContactSession.objects.get(date=seeded, kind="supported")

    assert session.bookings.filter(status="booked").count() == 3
    volunteer = User.objects.get(email="volunteer@example.org")
    assert volunteer in session.volunteers_on_duty.all()


def test_every_active_family_is_booked_and_past_attendances_have_taps(seeded):
    for case in Case.objects.filter(status="active"):
        assert case.bookings.exists(), case
    attended = Booking.objects.filter(status="attended")
    assert attended.exists()
    assert all(booking.taps.count() >= 2 for booking in attended)
    assert not Booking.objects.filter(status="attended", session__date__gte=seeded).exists()
    assert set(
        Booking.objects.filter(status="absent").values_list("absence_reason", flat=True)
    ) >= {"child_unwell", "visiting_did_not_attend", "other"}


def test_one_family_has_missed_three_in_a_row_and_its_case_page_says_so(seeded, client):
    flagged = [
        case
        for case in Case.objects.filter(status="active")
        if case_attendance(case, today=seeded).needs_review
    ]
    assert len(flagged) == 1

    client.force_login(User.objects.get(email="staff@example.org"))
    page = client.get(reverse("referrals:case_sessions", args=[flagged[0].pk])).text
    assert "missed 3 sessions in a row: please review the case" in page


def test_the_last_supervised_report_waits_for_the_manager_to_check_it(seeded):
    from attendance.models import SupervisedReport

    reports = list(SupervisedReport.objects.order_by("booking__session__date"))
    assert reports, "the past supervised sessions have their reports"
    last = reports[-1]
    assert last.status == SupervisedReport.Status.READY
    assert last.author.role == "staff"
    assert all(report.status == SupervisedReport.Status.CHECKED for report in reports[:-1])
    manager = User.objects.get(email="manager@example.org")
    assert last.author != manager
