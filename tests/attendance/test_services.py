"""The rules of sessions, bookings, the register and supervised reports, at the level of
the services every page goes through."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError

from attendance.models import Booking, ContactSession, ReportRecipient, SupervisedReport, Tap
from attendance.report_services import report_mark_ready
from attendance.services import (
    booking_create,
    booking_mark_absent,
    bookings_repeat,
    missed_in_a_row,
    on_site,
    report_check,
    report_send,
    tap_record,
)
from centre.models import Disclosure
from centre.services import record_save
from referrals.models import Adult, Child, PreVisit, Referral
from referrals.services import case_create, pre_visit_save

SATURDAY = datetime.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def ready_case(*, visited_on=datetime.date(2026, 11, 20)):
    """A case whose resident and visiting parents have each had a completed pre-visit."""
    case = case_create(
        referral=Referral(
            source="self", received_on=datetime.date(2026, 11, 2), service="supported"
        )
    )
    for role, first in (("resident", "Jane"), ("visiting", "John")):
        adult = record_save(record=Adult(case=case, role=role, first_name=first, last_name="Doe"))
        pre_visit_save(
            pre_visit=PreVisit(
                case=case,
                adult=adult,
                visited_on=visited_on,
                ground_rules_agreed_on=visited_on,
                ground_rules_witnessed_by="Bob Stanton",
                arrangements_agreed=True,
            )
        )
    record_save(
        record=Child(
            case=case, first_name="Sam", last_name="Doe", date_of_birth=datetime.date(2018, 7, 9)
        )
    )
    return case


def session(day=SATURDAY, capacity=8, kind="supported"):
    return record_save(
        record=ContactSession(
            date=day,
            starts_at=datetime.time(10),
            ends_at=datetime.time(12),
            room="Main hall",
            capacity=capacity,
            kind=kind,
        )
    )


def plan(session, case, **overrides):
    fields = {
        "session": session,
        "case": case,
        "resident_arrives_at": datetime.time(9, 45),
        "visiting_arrives_at": datetime.time(10),
        "visiting_leaves_at": datetime.time(11, 45),
        "resident_collects_at": datetime.time(12),
        "resident_entrance": "Front door",
        "visiting_entrance": "Side door",
        "who_may_collect": "Jane Doe, Grandma Doe",
        "not_to_collect": "Uncle Rick",
    }
    fields.update(overrides)
    return Booking(**fields)


def test_a_family_with_both_pre_visits_is_booked(db, staff):
    booking = booking_create(booking=plan(session(), ready_case()), actor=staff)
    assert booking.status == Booking.Status.BOOKED
    assert booking.booked_by == staff


def test_a_family_without_both_pre_visits_cannot_be_booked(db, staff):
    case = ready_case()
    case.pre_visits.filter(adult__role="visiting").delete()
    with pytest.raises(ValidationError) as error:
        booking_create(booking=plan(session(), case), actor=staff)
    assert error.value.messages == [
        "John Doe (visiting parent) has no completed pre-visit: ground rules agreed and "
        "arrival and departure arrangements agreed."
    ]
    assert not Booking.objects.exists()


def test_contact_cannot_begin_on_the_day_of_a_pre_visit(db, staff):
    case = ready_case(visited_on=datetime.date(2026, 11, 28))
    with pytest.raises(ValidationError, match="28/11/2026 is the day of a pre-visit"):
        booking_create(booking=plan(session(datetime.date(2026, 11, 28)), case), actor=staff)
    booking_create(booking=plan(session(datetime.date(2026, 11, 29)), case), actor=staff)
    assert Booking.objects.count() == 1


def test_a_session_takes_as_many_families_as_its_capacity_and_no_more(db, staff):
    full = session(capacity=2)
    booking_create(booking=plan(full, ready_case()), actor=staff)
    booking_create(booking=plan(full, ready_case()), actor=staff)
    with pytest.raises(ValidationError, match="is full"):
        booking_create(booking=plan(full, ready_case()), actor=staff)
    assert full.bookings.count() == 2


def test_a_plan_that_brings_the_parents_together_is_refused(db, staff):
    with pytest.raises(ValidationError) as error:
        booking_create(
            booking=plan(session(), ready_case(), visiting_leaves_at=datetime.time(12, 5)),
            actor=staff,
        )
    assert error.value.message_dict["visiting_leaves_at"] == [
        "The visiting parent must leave before the resident parent returns."
    ]


def test_a_fortnightly_pattern_books_every_date_or_none(db, staff):
    case = ready_case()
    first = session(SATURDAY)
    session(SATURDAY + datetime.timedelta(days=14))
    # No session on the third date.
    with pytest.raises(ValidationError) as error:
        bookings_repeat(
            booking=plan(first, case),
            every_days=14,
            until=SATURDAY + datetime.timedelta(days=28),
            actor=staff,
        )
    assert error.value.messages == ["There is no session on 02/01/2027 at 10:00."]
    assert not Booking.objects.exists()
    booked = bookings_repeat(
        booking=plan(first, case),
        every_days=14,
        until=SATURDAY + datetime.timedelta(days=14),
        actor=staff,
    )
    assert [b.session.date for b in booked] == [SATURDAY, datetime.date(2026, 12, 19)]


# Taps are made on the session's day, during it: an arrival on another day's register,
# or long before the session, is asked about first (test_register_undo.py).
DURING_THE_SESSION = datetime.datetime(2026, 12, 5, 10, 30, tzinfo=datetime.UTC)


def tap(booking, kind, **extra):
    with time_machine.travel(DURING_THE_SESSION, tick=False):
        return tap_record(booking=booking, kind=kind, token=uuid.uuid4(), **extra)


def test_a_tap_sent_twice_records_once(db, volunteer):
    booking = booking_create(booking=plan(session(), ready_case()))
    token = uuid.uuid4()
    with time_machine.travel(DURING_THE_SESSION, tick=False):
        first = tap_record(
            booking=booking, kind=Tap.Kind.RESIDENT_ARRIVED, token=token, actor=volunteer
        )
        again = tap_record(
            booking=booking, kind=Tap.Kind.RESIDENT_ARRIVED, token=token, actor=volunteer
        )
    assert first.pk == again.pk
    assert Tap.objects.count() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED


def test_the_visiting_parent_arriving_while_the_resident_is_on_site_warns(db, volunteer):
    booking = booking_create(booking=plan(session(), ready_case()))
    tap(booking, Tap.Kind.RESIDENT_ARRIVED)
    early = tap(booking, Tap.Kind.VISITING_ARRIVED)
    assert early.warning.startswith("The resident parent is still on site")
    tap(booking, Tap.Kind.RESIDENT_LEFT)
    tap(booking, Tap.Kind.VISITING_LEFT)
    on_time = tap(booking, Tap.Kind.VISITING_ARRIVED)
    assert on_time.warning == ""
    assert on_site(booking.taps.all()) == {"child", "visiting"}


@pytest.mark.parametrize(
    ("collector", "warns"),
    [
        ("Jane Doe", ""),
        ("grandma doe", ""),
        ("Uncle Rick", "must not collect"),
        ("A neighbour", "is not on the list"),
    ],
)
def test_a_child_leaving_with_someone_not_allowed_warns(db, collector, warns):
    booking = booking_create(booking=plan(session(), ready_case()))
    tap(booking, Tap.Kind.RESIDENT_ARRIVED)
    left = tap(booking, Tap.Kind.CHILD_COLLECTED, collected_by=collector)
    assert (warns in left.warning) if warns else left.warning == ""


def test_an_absence_needs_a_reason_and_other_needs_a_note(db, staff):
    booking = booking_create(booking=plan(session(), ready_case()))
    with pytest.raises(ValidationError):
        booking_mark_absent(booking=booking, reason="other", note="", actor=staff)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    booking_mark_absent(booking=booking, reason="child_unwell", actor=staff)
    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason) == ("absent", "child_unwell")


def test_a_family_recorded_arriving_cannot_be_marked_absent(db, staff):
    booking = booking_create(booking=plan(session(), ready_case()))
    tap(booking, Tap.Kind.RESIDENT_ARRIVED)
    with pytest.raises(ValidationError, match="recorded arriving"):
        booking_mark_absent(booking=booking, reason="child_unwell", actor=staff)


@pytest.mark.parametrize(
    ("statuses", "missed"),
    [
        (["absent", "absent", "attended", "absent"], 2),
        (["absent", "absent", "absent"], 3),
        (["attended", "absent", "absent", "absent"], 0),
        ([], 0),
    ],
)
def test_missed_sessions_are_counted_from_the_latest_back(statuses, missed):
    bookings = [Booking(status=status) for status in statuses]
    assert missed_in_a_row(bookings) == missed


def report_for(author, *, court_ordered=False):
    booking = booking_create(booking=plan(session(kind="supervised", capacity=1), ready_case()))
    return record_save(
        record=SupervisedReport(
            booking=booking,
            author=author,
            who_attended="Sam and his father",
            started_at=datetime.time(10),
            ended_at=datetime.time(11, 45),
            observations="Warm greeting; they played a board game together.",
            court_ordered=court_ordered,
        )
    )


def test_the_author_cannot_check_their_own_report(db, staff, manager):
    report = report_for(staff)
    with pytest.raises(ValidationError, match="someone other than its author"):
        report_check(report=report, actor=staff)
    report.refresh_from_db()
    assert report.status == SupervisedReport.Status.DRAFT
    report = report_check(report=report_mark_ready(report=report, actor=staff), actor=manager)
    assert (report.status, report.checked_by) == ("checked", manager)


def test_a_draft_cannot_be_sent(db, staff):
    report = report_for(staff)
    record_save(record=ReportRecipient(report=report, kind="cafcass", name="Cafcass officer"))
    with pytest.raises(ValidationError, match="Only a checked report"):
        report_send(report=report, basis="Court order", actor=staff)
    assert not Disclosure.objects.exists()


def test_a_court_ordered_report_goes_only_to_those_the_order_names(db, staff, manager):
    report = report_for(staff, court_ordered=True)
    record_save(
        record=ReportRecipient(
            report=report, kind="court", name="Family Court", named_in_order=True
        )
    )
    record_save(record=ReportRecipient(report=report, kind="solicitor", name="Fenwick & Co"))
    report_check(report=report_mark_ready(report=report, actor=staff), actor=manager)
    with pytest.raises(ValidationError, match="Not named: Fenwick & Co"):
        report_send(report=report, basis="Court order of 01/10/2026", actor=manager)
    assert not Disclosure.objects.exists()
    report.recipients.filter(name="Fenwick & Co").delete()
    report_send(report=report, basis="Court order of 01/10/2026", actor=manager)
    disclosure = Disclosure.objects.get()
    assert (disclosure.recipient, disclosure.basis, disclosure.disclosed_by) == (
        "Family Court",
        "Court order of 01/10/2026",
        manager,
    )
    assert disclosure.what == "Supervised contact report of 05/12/2026"
    assert disclosure.case_reference == report.booking.case.reference


def test_a_pre_visit_cannot_be_recorded_on_the_day_of_a_booked_session(db, staff):
    case = ready_case()
    booking_create(booking=plan(session(SATURDAY), case), actor=staff)
    resident = case.adults.get(role="resident")
    with pytest.raises(ValidationError) as error:
        pre_visit_save(pre_visit=PreVisit(case=case, adult=resident, visited_on=SATURDAY))
    assert error.value.message_dict["visited_on"] == [
        "The family has a contact session on 05/12/2026: a pre-visit cannot be on the same day."
    ]
    assert case.pre_visits.count() == 2
