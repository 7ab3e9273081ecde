"""The staff's session pages: the list (from today on, or past), setting up and changing a
session with the people on duty, and a session's page with its families and their plans."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from attendance.models import ContactSession
from centre.roles import Role
from centre.services import user_create
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory

TODAY = datetime.date(2026, 11, 29)  # a Sunday
SATURDAY = datetime.date(2026, 12, 5)
LIST = reverse("attendance:session_list")
NEW = reverse("attendance:session_create")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def page_of(session):
    return reverse("attendance:session_detail", args=[session.pk])


def form_data(**changes):
    data = {
        "date": "2026-12-05",
        "starts_at": "10:00",
        "ends_at": "12:00",
        "kind": "supported",
        "room": "Main hall",
        "capacity": "6",
        "notes": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Who may use the pages ------------------------------------------------------------


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, db):
    session = ContactSessionFactory()
    for url in (LIST, NEW, page_of(session)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_volunteers_and_people_without_a_role_cannot_open_the_session_pages(
    client, volunteer, outsider
):
    session = ContactSessionFactory()
    edit = reverse("attendance:session_edit", args=[session.pk])
    for person in (volunteer, outsider):
        client.force_login(person)
        for url in (LIST, NEW, page_of(session), edit):
            assert client.get(url).status_code == 403
        assert client.post(NEW, form_data()).status_code == 403
    assert ContactSession.objects.count() == 1


def test_the_list_and_the_session_page_take_no_post(client, staff):
    session = ContactSessionFactory()
    client.force_login(staff)

    assert client.post(LIST).status_code == 405
    assert client.post(page_of(session)).status_code == 405


def test_an_unknown_session_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(reverse("attendance:session_detail", args=[999])).status_code == 404
    assert client.get(reverse("attendance:session_edit", args=[999])).status_code == 404


# The list -------------------------------------------------------------------------


def test_the_list_shows_sessions_from_today_on_soonest_first(client, staff):
    ContactSessionFactory(date=TODAY - datetime.timedelta(days=1), room="Yesterday room")
    ContactSessionFactory(date=SATURDAY, room="Saturday room")
    ContactSessionFactory(date=TODAY, room="Today room")
    client.force_login(staff)

    text = client.get(LIST).text

    assert "Yesterday room" not in text
    assert text.index("Today room") < text.index("Saturday room")


def test_the_past_filter_shows_sessions_before_today_latest_first(client, staff):
    ContactSessionFactory(date=TODAY - datetime.timedelta(days=8), room="Older room")
    ContactSessionFactory(date=TODAY - datetime.timedelta(days=1), room="Yesterday room")
    ContactSessionFactory(date=TODAY, room="Today room")
    client.force_login(staff)

    text = client.get(LIST, {"when": "past"}).text

    assert "Today room" not in text
    assert text.index("Yesterday room") < text.index("Older room")
    assert "Past sessions" in text


def test_the_list_shows_places_taken_and_the_people_on_duty(client, staff, volunteer):
    session = ContactSessionFactory(date=SATURDAY, capacity=2)
    session.staff_on_duty.set([staff])
    session.volunteers_on_duty.set([volunteer])
    BookingFactory(session=session)
    BookingFactory(session=session)
    client.force_login(staff)

    text = client.get(LIST).text

    assert "2 of 2" in text and "Full" in text
    assert staff.full_name in text and volunteer.full_name in text


def test_the_list_costs_the_same_queries_for_three_sessions_as_for_thirty(
    client, staff, volunteer, queries_stay_flat
):
    def sessions(count):
        for day in range(count):
            session = ContactSessionFactory(date=TODAY + datetime.timedelta(days=day))
            session.staff_on_duty.set([staff])
            session.volunteers_on_duty.set([volunteer])
            BookingFactory(session=session)

    sessions(3)
    client.force_login(staff)

    response = queries_stay_flat(LIST, add_more=lambda: sessions(27), most=14)

    assert response.text.count("of 8") == 30


def test_the_past_list_costs_the_same_queries_too(client, staff, queries_stay_flat):
    def sessions(count):
        for day in range(1, count + 1):
            BookingFactory(session=ContactSessionFactory(date=TODAY - datetime.timedelta(days=day)))

    sessions(2)
    client.force_login(staff)

    queries_stay_flat(f"{LIST}?when=past", add_more=lambda: sessions(20), most=14)


# Setting up and changing a session ------------------------------------------------


def test_staff_set_up_a_session_with_the_people_on_duty(client, staff, volunteer):
    client.force_login(staff)

    response = client.post(
        NEW, form_data(staff_on_duty=[staff.pk], volunteers_on_duty=[volunteer.pk])
    )

    session = ContactSession.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(session)
    assert (session.date, session.starts_at, session.room, session.capacity) == (
        SATURDAY,
        datetime.time(10, 0),
        "Main hall",
        6,
    )
    assert list(session.staff_on_duty.all()) == [staff]
    assert list(session.volunteers_on_duty.all()) == [volunteer]
    assert session.history.first().history_user == staff


def test_only_staff_are_offered_as_staff_and_only_volunteers_as_volunteers(
    client, staff, manager, volunteer
):
    client.force_login(manager)

    response = client.post(
        NEW, form_data(staff_on_duty=[volunteer.pk], volunteers_on_duty=[staff.pk])
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "staff_on_duty" in errors and "volunteers_on_duty" in errors
    assert not ContactSession.objects.exists()
    form = client.get(NEW).context["form"]
    assert set(form.fields["staff_on_duty"].queryset) == {staff, manager}
    assert set(form.fields["volunteers_on_duty"].queryset) == {volunteer}


def test_a_session_repeats_every_week_until_a_date(client, staff):
    client.force_login(staff)

    client.post(NEW, form_data(repeat_until="2026-12-26", staff_on_duty=[staff.pk]))

    sessions = ContactSession.objects.order_by("date")
    assert [s.date.day for s in sessions] == [5, 12, 19, 26]
    assert all(list(s.staff_on_duty.all()) == [staff] for s in sessions)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "09:00"}, "ends_at", "A session must end after it starts."),
        ({"kind": "supervised"}, "capacity", "Supervised contact is one family at a time"),
        ({"repeat_until": "2026-12-01"}, "repeat_until", "cannot be before the first"),
        # A mistyped year (2106 for 2026) would otherwise make some four thousand sessions.
        ({"repeat_until": "2106-12-26"}, "repeat_until", "A series can run for a year at most"),
        ({"room": ""}, "room", "This field is required."),
    ],
)
def test_a_session_that_cannot_be_is_not_saved(client, staff, changes, field, message):
    client.force_login(staff)

    response = client.post(NEW, form_data(**changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ContactSession.objects.exists()


def test_staff_change_a_session(client, staff):
    session = ContactSessionFactory(date=SATURDAY)
    client.force_login(staff)

    response = client.post(
        reverse("attendance:session_edit", args=[session.pk]),
        form_data(room="Quiet room", starts_at="13:00", ends_at="15:00"),
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.room, session.starts_at) == ("Quiet room", datetime.time(13, 0))
    edit_form = client.get(reverse("attendance:session_edit", args=[session.pk])).context["form"]
    assert "repeat_until" not in edit_form.fields  # a series is set up, not edited


def test_a_session_cannot_take_fewer_families_than_are_booked(client, staff):
    session = ContactSessionFactory(date=SATURDAY)
    BookingFactory(session=session)
    BookingFactory(session=session)
    client.force_login(staff)

    response = client.post(
        reverse("attendance:session_edit", args=[session.pk]), form_data(capacity="1")
    )

    assert "2 families are booked into this session" in response.text
    session.refresh_from_db()
    assert session.capacity == 8


def test_a_user_who_stopped_being_staff_is_no_longer_offered(client, manager, db):
    leaver = user_create(email="leaver@example.test", full_name="Lee Vere", role=Role.STAFF)
    leaver.is_active = False
    leaver.save()
    client.force_login(manager)

    form = client.get(NEW).context["form"]

    assert leaver not in form.fields["staff_on_duty"].queryset


# The session's page ---------------------------------------------------------------


def test_the_session_page_shows_each_family_with_its_plan_and_status(client, staff):
    session = ContactSessionFactory(date=SATURDAY)
    booking = BookingFactory(session=session, not_to_collect="Rex Ashdown")
    BookingFactory(session=session, status="absent", absence_reason="child_unwell", absence_note="")
    client.force_login(staff)

    response = client.get(page_of(session))

    text = response.text
    assert f"Case {booking.case.display_reference}" in text
    for shown in ("09:45", "11:45", "Front door", "Side door", "Jane Doe, Sam Doe"):
        assert shown in text
    assert "Must not collect the child: Rex Ashdown" in text
    assert "Booked" in text and "Absent" in text and "Child unwell" in text
    assert "2 booked of 8" in text


def test_the_session_page_links_to_the_register_where_it_exists(client, staff):
    session = ContactSessionFactory()
    client.force_login(staff)

    response = client.get(page_of(session))

    if response.context["register_url"]:
        assert reverse("attendance:register", args=[session.pk]) in response.text
        assert "Open the register" in response.text


def test_a_full_session_offers_no_booking(client, staff):
    session = ContactSessionFactory(date=SATURDAY, kind="supervised", capacity=1)
    BookingFactory(session=session)
    client.force_login(staff)

    text = client.get(page_of(session)).text

    assert reverse("attendance:booking_create", args=[session.pk]) not in text
    assert "Full" in text


def test_the_session_page_costs_the_same_queries_however_many_families(
    client, staff, volunteer, queries_stay_flat
):
    session = ContactSessionFactory(capacity=20)
    session.staff_on_duty.set([staff])
    session.volunteers_on_duty.set([volunteer])
    TapFactory(booking=BookingFactory(session=session))
    client.force_login(staff)

    def add_more():
        for _ in range(8):
            TapFactory(booking=BookingFactory(session=session))

    response = queries_stay_flat(page_of(session), add_more=add_more, most=14)

    assert response.text.count("Edit the plan") == 9
