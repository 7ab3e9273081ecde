"""The case page's "Sessions and attendance": every session of the family, past and to
come, with what the register recorded (arrival and departure from the taps, absences with
the policy's reasons), the counts, and the warning when the family has missed the centre's
number of sessions in a row; in the same number of queries however many sessions."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Tap
from attendance.selectors import case_attendance
from centre.services import record_save
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.factories import CentreProfileFactory
from tests.referrals.factories import family_case

TODAY = datetime.date(2026, 11, 29)
WARNING = "sessions in a row: please review the case"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def page_of(case):
    """The sessions tab of the case's page."""
    return reverse("referrals:case_sessions", args=[case.pk])


def section(html):
    start = html.index('id="sessions"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else None]


def at(day, hour, minute):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def booking_on(case, days_ago, status="booked", reason="", note="", **extra):
    day = TODAY - datetime.timedelta(days=days_ago)
    return BookingFactory(
        case=case,
        session=ContactSessionFactory(date=day),
        status=status,
        absence_reason=reason,
        absence_note=note,
        **extra,
    )


def history(case, outcomes):
    """Bookings a week apart, oldest first: "A" attended, "X" absent."""
    for weeks_ago, outcome in zip(range(len(outcomes), 0, -1), outcomes, strict=True):
        if outcome == "A":
            booking_on(case, weeks_ago * 7, "attended")
        else:
            booking_on(case, weeks_ago * 7, "absent", "visiting_did_not_attend")


@pytest.fixture
def case(db):
    return family_case()


# The review warning, across its boundary ------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "warns"),
    [
        ("AXX", False),  # two in a row: not yet
        ("AXXX", True),  # three in a row: review
        ("XXAX", False),  # an attendance in between starts the count again
        ("XXXA", False),  # ... and so does one after
        ("XXXXX", True),  # more than three still warns
    ],
)
def test_the_warning_shows_from_the_third_missed_session_in_a_row(
    client, staff, case, outcomes, warns
):
    history(case, outcomes)
    client.force_login(staff)

    text = section(client.get(page_of(case)).text)

    assert (WARNING in text) is warns
    if warns:
        missed = len(outcomes) - len(outcomes.rstrip("X")) if outcomes[-1] == "X" else 0
        assert f"missed {missed} sessions in a row: please review the case" in text


def test_the_number_of_sessions_before_a_review_is_the_centre_s(client, staff, case):
    CentreProfileFactory(missed_sessions_before_review=2)
    history(case, "AXX")
    client.force_login(staff)

    assert "missed 2 sessions in a row: please review the case" in client.get(page_of(case)).text


def test_sessions_still_to_come_and_unrecorded_ones_do_not_break_the_run(case):
    history(case, "AXXX")
    booking_on(case, 3)  # past, but the register was never kept
    booking_on(case, -6)  # next Saturday
    booking_on(case, -13, "absent", "cancelled_by_family")  # cancelled ahead of the day

    attendance = case_attendance(case, today=TODAY)

    assert (attendance.missed_in_a_row, attendance.needs_review) == (3, True)
    assert (attendance.attended, attendance.absences) == (1, 3)
    assert len(attendance.upcoming) == 2 and len(attendance.past) == 5


def test_an_absence_recorded_today_counts_today(case):
    history(case, "AXX")
    BookingFactory(
        case=case,
        session=ContactSessionFactory(date=TODAY),
        status="absent",
        absence_reason="child_unwell",
    )

    assert case_attendance(case, today=TODAY).missed_in_a_row == 3


# What the section shows -----------------------------------------------------------


def test_it_shows_past_sessions_with_taps_and_absences_and_the_ones_to_come(client, staff, case):
    attended = booking_on(case, 14, "attended", notes="Played with Lego")
    day = attended.session.date
    TapFactory(booking=attended, kind=Tap.Kind.RESIDENT_ARRIVED, recorded_at=at(day, 9, 44))
    TapFactory(booking=attended, kind=Tap.Kind.VISITING_ARRIVED, recorded_at=at(day, 10, 2))
    TapFactory(booking=attended, kind=Tap.Kind.CHILD_COLLECTED, recorded_at=at(day, 12, 3))
    booking_on(case, 7, "absent", "other", "Snowed in")
    coming = booking_on(case, -6)
    client.force_login(staff)

    text = section(client.get(page_of(case)).text)

    assert 'id="sessions">Sessions and attendance</h2>' in text
    assert "15/11/2026" in text and "09:44" in text and "12:03" in text
    assert "Played with Lego" in text
    assert "Other: Snowed in" in text
    assert coming.session.date.strftime("%d/%m/%Y") in text
    assert text.index("Sessions to come") < text.index("05/12/2026") < text.index("Past sessions")


def test_it_counts_attendances_and_absences_by_the_policy_s_reasons(client, staff, case):
    booking_on(case, 35, "attended")
    booking_on(case, 28, "absent", "child_unwell")
    booking_on(case, 21, "attended")
    booking_on(case, 14, "absent", "child_unwell")
    booking_on(case, 7, "absent", "cancelled_by_centre")
    client.force_login(staff)

    text = section(client.get(page_of(case)).text)

    assert 'Sessions attended</dt><dd class="col-sm-8">2</dd>' in text
    assert "<li>Child unwell: 2</li>" in text
    assert "<li>Cancelled by the centre: 1</li>" in text
    assert "Resident parent did not bring the child" not in text
    assert WARNING not in text


def test_a_case_with_no_sessions_says_so(client, staff, case):
    client.force_login(staff)

    text = section(client.get(page_of(case)).text)

    assert "not booked into any session to come" in text
    assert "No past sessions recorded." in text
    assert "Book into a session" not in text  # the case is not active


def test_the_sessions_have_their_own_tab_of_the_case_page(client, staff, case):
    client.force_login(staff)

    text = client.get(page_of(case)).text

    assert 'id="sessions"' in text
    assert 'id="pre-visits"' not in text and 'id="consents"' not in text


def test_an_active_case_offers_booking_to_staff(client, staff, case):
    case.status = "active"
    record_save(record=case)
    client.force_login(staff)

    text = section(client.get(page_of(case)).text)

    assert reverse("attendance:case_booking_create", args=[case.pk]) in text


def test_the_section_costs_the_same_queries_however_many_sessions(
    client, staff, case, queries_stay_flat
):
    history(case, "AX")
    client.force_login(staff)

    def add_more():
        for days in range(30, 90, 7):
            booking = booking_on(case, days, "attended")
            TapFactory(booking=booking)
            TapFactory(booking=booking, kind=Tap.Kind.CHILD_COLLECTED)
        booking_on(case, -6)
        booking_on(case, -13)

    queries_stay_flat(page_of(case), add_more=add_more, most=30)


def test_the_case_page_with_sessions_stays_within_its_query_budget(client, staff, case):
    history(case, "AXXX")
    client.force_login(staff)
    client.get(page_of(case))

    with CaptureQueriesContext(connection) as queries:
        client.get(page_of(case))
    attendance_queries = [
        q
        for q in queries.captured_queries
        if "attendance_" in q["sql"] or "centreprofile" in q["sql"]
    ]
    assert len(attendance_queries) <= 3
