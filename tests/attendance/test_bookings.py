"""Booking a family into a session, from the session's page or from the case's, with a
handover plan that starts from the centre's usual practice; once or as a weekly or
fortnightly series, all or nothing; every refusal from the services shown on the form with
nothing saved. Then changing the plan, and recording an absence."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from attendance import selectors
from attendance.models import Booking
from attendance.session_services import plan_defaults, plan_times, who_may_collect_for
from centre.services import record_save
from referrals.models import Adult, Case
from referrals.services import case_accept, case_activate, case_close, case_start_pre_visits
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.referrals.factories import PreVisitFactory, family_case

TODAY = datetime.date(2026, 11, 29)  # a Sunday
SATURDAY = datetime.date(2026, 12, 5)
VISITED = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def active_case(*, last_name="Quillfeather", who_may_collect="Jane Doe or Nan Doe", on=VISITED):
    """An active case whose parents have each had a completed pre-visit."""
    case = family_case(last_name=last_name)
    for adult in case.adults.all():
        PreVisitFactory(
            case=case,
            adult=adult,
            visited_on=on,
            ground_rules_agreed_on=on,
            who_may_collect=who_may_collect if adult.role == Adult.Role.RESIDENT else "",
        )
    case_accept(case=case, actor=None)
    case_start_pre_visits(case=case, actor=None)
    return case_activate(case=case, actor=None, on=on)


BLANK_TIMES = dict.fromkeys(
    ["resident_arrives_at", "visiting_arrives_at", "visiting_leaves_at", "resident_collects_at"], ""
)


def saturday_session(day=SATURDAY, **fields):
    return ContactSessionFactory(date=day, **fields)


def book_url(session):
    return reverse("attendance:booking_create", args=[session.pk])


def case_book_url(case):
    return reverse("attendance:case_booking_create", args=[case.pk])


def plan(**changes):
    data = {
        "resident_arrives_at": "09:45",
        "visiting_arrives_at": "10:00",
        "visiting_leaves_at": "11:45",
        "resident_collects_at": "12:00",
        "resident_entrance": "Front door",
        "visiting_entrance": "Side door",
        "who_may_collect": "Jane Doe",
        "not_to_collect": "",
        "notes": "",
        "repeat": "",
        "repeat_until": "",
    }
    data.update(changes)
    return data


def errors_of(response):
    form = response.context["form"]
    return {field: " ".join(messages) for field, messages in form.errors.items()}


# The usual plan -------------------------------------------------------------------


def test_the_usual_plan_follows_the_session_times(db):
    session = saturday_session(starts_at=datetime.time(14, 0), ends_at=datetime.time(16, 0))

    assert plan_times(session) == {
        "resident_arrives_at": datetime.time(13, 45),
        "visiting_arrives_at": datetime.time(14, 0),
        "visiting_leaves_at": datetime.time(15, 45),
        "resident_collects_at": datetime.time(16, 0),
    }


def test_who_may_collect_comes_from_the_pre_visits_then_from_the_last_booking(db):
    case = active_case(who_may_collect="Jane Doe\nor  Nan Doe")
    assert who_may_collect_for(case) == "Jane Doe or Nan Doe"
    assert plan_defaults(case=case)["who_may_collect"] == "Jane Doe or Nan Doe"

    BookingFactory(case=case, who_may_collect="Jane Doe only", resident_entrance="Back gate")

    defaults = plan_defaults(case=case)
    assert (defaults["who_may_collect"], defaults["resident_entrance"]) == (
        "Jane Doe only",
        "Back gate",
    )


# Booking from the session's page --------------------------------------------------


def test_the_session_form_offers_only_active_cases_not_yet_booked_and_the_usual_times(
    client, staff
):
    session = saturday_session()
    ready = active_case()
    booked = active_case(last_name="Ashdown")
    BookingFactory(session=session, case=booked)
    family_case()  # received, not active
    client.force_login(staff)

    form = client.get(book_url(session)).context["form"]

    assert form.fields["case"].within == {"case": [ready.pk]}
    assert {name: form.initial[name] for name in plan_times(session)} == plan_times(session)
    assert "session" not in form.fields


def test_staff_book_a_family_and_who_may_collect_comes_from_its_pre_visit(client, staff):
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    response = client.post(book_url(session), plan(case=f"case:{case.pk}", who_may_collect=""))

    assert response.status_code == 302
    assert response["Location"].endswith("#bookings")
    booking = Booking.objects.get()
    assert (booking.session, booking.case, booking.status) == (session, case, "booked")
    assert booking.who_may_collect == "Jane Doe or Nan Doe"
    assert booking.booked_by == staff
    assert booking.history.first().history_user == staff


def test_the_case_in_the_address_is_picked_with_its_plan_filled_in(client, staff):
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    form = client.get(book_url(session), {"case": case.pk}).context["form"]

    assert form.initial["case"] == f"case:{case.pk}"
    assert form.initial["who_may_collect"] == "Jane Doe or Nan Doe"


def test_a_family_whose_pre_visits_name_nobody_must_have_someone_named(client, staff):
    session = saturday_session()
    case = active_case(who_may_collect="")
    client.force_login(staff)

    response = client.post(book_url(session), plan(case=f"case:{case.pk}", who_may_collect=""))

    assert "pre-visits do not say who may collect" in errors_of(response)["who_may_collect"]
    assert not Booking.objects.exists()


# Booking from the case's page -----------------------------------------------------


def test_the_case_form_offers_sessions_from_today_on_that_the_family_is_not_in(client, staff):
    case = active_case()
    saturday_session(day=TODAY - datetime.timedelta(days=1))
    today = saturday_session(day=TODAY)
    later = saturday_session()
    BookingFactory(case=case, session=saturday_session(day=SATURDAY + datetime.timedelta(7)))
    client.force_login(staff)

    form = client.get(case_book_url(case)).context["form"]

    assert list(form.fields["session"].queryset) == [today, later]
    # The plan starts from the family's latest booking.
    assert form.initial["who_may_collect"] == "Jane Doe, Sam Doe"
    assert "case" not in form.fields


def test_times_left_blank_follow_the_session_chosen(client, staff):
    case = active_case()
    session = saturday_session(starts_at=datetime.time(14, 0), ends_at=datetime.time(16, 0))
    client.force_login(staff)
    times = dict.fromkeys(plan_times(session), "") | {"visiting_leaves_at": "15:30"}

    response = client.post(case_book_url(case), plan(session=session.pk, **times))

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:case_sessions", args=[case.pk]) + "#sessions"
    booking = Booking.objects.get()
    assert (
        booking.resident_arrives_at,
        booking.visiting_arrives_at,
        booking.visiting_leaves_at,
        booking.resident_collects_at,
    ) == (datetime.time(13, 45), datetime.time(14, 0), datetime.time(15, 30), datetime.time(16))


def test_a_case_that_is_not_active_is_not_booked(client, staff):
    session = saturday_session()
    case = active_case()
    case_close(case=case, closed_on=TODAY, reason="Moved away", actor=staff)
    client.force_login(staff)

    response = client.post(case_book_url(case), plan(session=session.pk))

    assert "Only an active case can be booked" in response.text
    assert "Closed" in response.text
    assert not Booking.objects.exists()


# Series ---------------------------------------------------------------------------


@pytest.mark.parametrize(("repeat", "days"), [("7", [5, 12, 19, 26]), ("14", [5, 19])])
def test_a_series_books_every_week_or_fortnight_until_a_date(client, staff, repeat, days):
    first, *_ = [saturday_session(day=SATURDAY + datetime.timedelta(weeks=w)) for w in range(4)]
    case = active_case()
    client.force_login(staff)

    response = client.post(
        book_url(first), plan(case=f"case:{case.pk}", repeat=repeat, repeat_until="2026-12-26")
    )

    assert response.status_code == 302
    booked = case.bookings.order_by("session__date")
    assert [b.session.date.day for b in booked] == days
    assert {b.who_may_collect for b in booked} == {"Jane Doe"}


def test_a_series_with_any_date_that_cannot_be_booked_books_none_and_lists_each(client, staff):
    first = saturday_session()
    full = saturday_session(
        day=SATURDAY + datetime.timedelta(weeks=1), kind="supervised", capacity=1
    )
    BookingFactory(session=full)
    # No session at all on the 19th.
    case = active_case()
    client.force_login(staff)

    response = client.post(
        book_url(first), plan(case=f"case:{case.pk}", repeat="7", repeat_until="2026-12-19")
    )

    text = response.text
    assert "is full (1 family): choose another session." in text
    assert "There is no session on 19/12/2026 at 10:00." in text
    assert "Nothing has been saved yet." in text
    assert not case.bookings.exists()


def test_a_series_runs_for_a_year_at_most(client, staff):
    """A mistyped year would otherwise look for some four thousand sessions in one post
    and list each one missing."""
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    response = client.post(
        book_url(session), plan(case=f"case:{case.pk}", repeat="7", repeat_until="2106-12-19")
    )

    assert "A series can run for a year at most" in errors_of(response)["repeat_until"]
    assert not Booking.objects.exists()


def test_a_series_needs_an_end(client, staff):
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    response = client.post(book_url(session), plan(case=f"case:{case.pk}", repeat="7"))

    assert errors_of(response)["repeat_until"] == "Say when the series ends."
    assert not Booking.objects.exists()


# What the services refuse ---------------------------------------------------------


def test_the_visiting_parent_must_leave_before_the_resident_parent_returns(client, staff):
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    response = client.post(
        book_url(session), plan(case=f"case:{case.pk}", visiting_leaves_at="12:05")
    )

    assert response.status_code == 200
    assert errors_of(response)["visiting_leaves_at"] == (
        "The visiting parent must leave before the resident parent returns."
    )
    assert not Booking.objects.exists()


def test_the_visiting_parent_arrives_after_the_handover_and_is_told_the_time_to_choose(
    client, staff
):
    session = saturday_session()
    case = active_case()
    client.force_login(staff)

    response = client.post(
        book_url(session),
        plan(case=f"case:{case.pk}", resident_arrives_at="09:45", visiting_arrives_at="09:30"),
    )

    assert errors_of(response)["visiting_arrives_at"] == (
        "The visiting parent must arrive after the resident parent has handed over the "
        "child: choose a time after 09:45."
    )
    assert not Booking.objects.exists()


def test_a_full_session_takes_no_more_families(client, staff):
    session = saturday_session(kind="supervised", capacity=1)
    BookingFactory(session=session)
    case = active_case()
    client.force_login(staff)

    response = client.post(book_url(session), plan(case=f"case:{case.pk}"))

    assert errors_of(response)["__all__"] == (
        f"The session of {session} is full (1 family): choose another session."
    )
    assert not case.bookings.exists()


def test_a_full_session_is_not_offered_for_booking_from_the_case(client, staff):
    full = saturday_session(kind="supervised", capacity=1)
    BookingFactory(session=full)
    open_place = saturday_session(day=SATURDAY + datetime.timedelta(weeks=1))

    assert list(selectors.bookable_sessions()) == [open_place]


def test_a_case_without_both_completed_pre_visits_is_not_booked(client, staff):
    session = saturday_session()
    case = active_case()
    # Imported cases are active with pre-visits whose checklist was never recorded.
    visit = case.pre_visits.get(adult__role="visiting")
    visit.arrangements_agreed = False
    record_save(record=visit)
    client.force_login(staff)

    response = client.post(book_url(session), plan(case=f"case:{case.pk}"))

    assert "(visiting parent) has no completed pre-visit" in errors_of(response)["__all__"]
    assert not Booking.objects.exists()


def test_contact_does_not_begin_on_the_day_of_a_pre_visit(client, staff):
    session = saturday_session(day=TODAY, starts_at=datetime.time(15), ends_at=datetime.time(17))
    case = active_case(on=TODAY)  # the pre-visits were this morning
    client.force_login(staff)

    response = client.post(case_book_url(case), plan(session=session.pk, **BLANK_TIMES))

    assert response.status_code == 200
    assert "29/11/2026 is the day of a pre-visit" in response.text
    assert not Booking.objects.exists()


def test_booking_needs_the_add_permission(client, volunteer, outsider):
    session = saturday_session()
    case = active_case()
    for person in (volunteer, outsider):
        client.force_login(person)
        assert client.get(book_url(session)).status_code == 403
        assert client.post(book_url(session), plan(case=f"case:{case.pk}")).status_code == 403
        assert client.post(case_book_url(case), plan(session=session.pk)).status_code == 403
    assert not Booking.objects.exists()


def test_an_unknown_session_or_case_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(reverse("attendance:booking_create", args=[999])).status_code == 404
    assert client.get(reverse("attendance:case_booking_create", args=[999])).status_code == 404


def test_a_case_from_the_address_that_is_not_active_is_not_picked(client, staff):
    session = saturday_session()
    case = family_case()
    client.force_login(staff)

    form = client.get(book_url(session), {"case": case.pk}).context["form"]

    assert form.initial.get("case") is None
    assert Case.objects.get(pk=case.pk).status == "received"


# Changing the plan, recording an absence ------------------------------------------


def test_staff_change_a_booking_plan(client, staff):
    booking = BookingFactory(session=saturday_session())
    client.force_login(staff)
    url = reverse("attendance:booking_edit", args=[booking.pk])

    response = client.post(url, plan(visiting_leaves_at="11:30", not_to_collect="Rex Ashdown"))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.visiting_leaves_at, booking.not_to_collect) == (
        datetime.time(11, 30),
        "Rex Ashdown",
    )


def test_a_changed_plan_that_brings_the_parents_together_is_not_saved(client, staff):
    booking = BookingFactory(session=saturday_session())
    client.force_login(staff)
    url = reverse("attendance:booking_edit", args=[booking.pk])

    response = client.post(url, plan(visiting_leaves_at="12:00"))

    assert (
        "must leave before the resident parent returns" in errors_of(response)["visiting_leaves_at"]
    )
    response = client.post(url, plan(visiting_arrives_at="11:50"))
    assert errors_of(response)["visiting_leaves_at"] == (
        "The visiting parent must leave after arriving."
    )
    booking.refresh_from_db()
    assert booking.visiting_leaves_at == datetime.time(11, 45)


def test_staff_record_a_cancellation_with_its_reason(client, staff):
    booking = BookingFactory(session=saturday_session())
    client.force_login(staff)

    response = client.post(
        reverse("attendance:booking_absence", args=[booking.pk]),
        {"reason": "cancelled_by_family", "note": "Rang on Thursday"},
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason, booking.absence_note) == (
        "absent",
        "cancelled_by_family",
        "Rang on Thursday",
    )


def test_an_other_absence_without_a_note_is_not_saved(client, staff):
    booking = BookingFactory(session=saturday_session())
    client.force_login(staff)

    response = client.post(
        reverse("attendance:booking_absence", args=[booking.pk]), {"reason": "other", "note": ""}
    )

    assert response.status_code == 200
    assert errors_of(response)["note"] == "Say what happened."
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_a_family_recorded_arriving_cannot_be_marked_absent(client, staff):
    booking = BookingFactory(session=saturday_session())
    TapFactory(booking=booking)
    client.force_login(staff)

    response = client.post(
        reverse("attendance:booking_absence", args=[booking.pk]),
        {"reason": "child_unwell", "note": ""},
    )

    assert "has been recorded arriving" in response.text
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_changing_a_booking_needs_the_change_permission(client, volunteer):
    booking = BookingFactory(session=saturday_session())
    client.force_login(volunteer)

    for name in ("attendance:booking_edit", "attendance:booking_absence"):
        url = reverse(name, args=[booking.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "other", "note": "x"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_the_booking_pages_take_only_get_and_post(client, staff):
    booking = BookingFactory(session=saturday_session())
    client.force_login(staff)

    for url in (
        reverse("attendance:booking_edit", args=[booking.pk]),
        reverse("attendance:booking_absence", args=[booking.pk]),
        book_url(booking.session),
    ):
        assert client.put(url).status_code == 405
