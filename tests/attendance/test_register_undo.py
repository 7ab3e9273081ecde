"""Undo of the last tap on a family's card: for a few minutes, once however often it is
sent, never silently (the tap stays, marked undone with who and when, and the audit
trail has a row), and refused after the window. Arrivals long before the session, or on
a register not today's, ask first and record nothing until confirmed."""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Booking, Tap
from core.models import AuditEvent
from tests.attendance.factories import BookingFactory, ContactSessionFactory

Kind = Tap.Kind
LONDON = zoneinfo.ZoneInfo("Europe/London")
# Ten past ten in the morning, today: the factory's session runs 10:00 to 12:00.
DAY = datetime.date(2026, 11, 12)
TEN_PAST_TEN = datetime.datetime.combine(DAY, datetime.time(10, 10), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def in_the_session():
    with time_machine.travel(TEN_PAST_TEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booking(db):
    return BookingFactory(session=ContactSessionFactory(date=DAY), not_to_collect="")


@pytest.fixture
def signed_in(client, volunteer):
    client.force_login(volunteer)
    return client


def register_url(booking):
    return reverse("attendance:register", args=[booking.session_id])


def card_url(booking):
    return f"{register_url(booking)}#booking-{booking.pk}"


def tap(client, booking, kind, **extra):
    data = {"kind": kind, "token": str(uuid.uuid4()), **extra}
    return client.post(reverse("attendance:register_tap", args=[booking.pk]), data)


def undo(client, booking, tap_id, token=None):
    data = {"tap": str(tap_id), "token": str(token or uuid.uuid4())}
    return client.post(reverse("attendance:register_undo_tap", args=[booking.pk]), data)


def card(client, booking):
    html = client.get(register_url(booking)).text
    return html[html.index(f'id="booking-{booking.pk}"') :]


def test_the_card_offers_to_undo_its_last_tap_naming_it(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    tap(signed_in, booking, Kind.VISITING_ARRIVED)

    html = card(signed_in, booking)

    assert "Undo: visiting parent arrived 10:10" in html
    assert html.count('action="/sessions/bookings/') >= 1
    assert "Undo: resident parent arrived" not in html  # only the last tap


def test_an_undo_within_the_window_undoes_the_tap_and_keeps_it_marked(
    signed_in, booking, volunteer
):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    tap(signed_in, booking, Kind.VISITING_ARRIVED)
    visiting = Tap.objects.get(kind=Kind.VISITING_ARRIVED)
    signed_in.get(register_url(booking))  # the taps' messages are read

    response = undo(signed_in, booking, visiting.pk)

    assert response["Location"] == card_url(booking)
    visiting.refresh_from_db()
    assert visiting.undone_at == timezone.now()
    assert visiting.undone_by == volunteer
    html = card(signed_in, booking)
    assert "Undone: Visiting parent arrived at 10:10." in html
    assert "<s>Visiting parent arrived</s>" in html and "(undone at 10:10)" in html
    assert 'value="visiting_arrived"' in html  # the button is back
    assert "Both parents are on site" not in html  # its warning went with it
    assert "The resident parent is still on site" not in html


def test_an_undo_is_in_the_audit_trail_by_ids_only(signed_in, booking, volunteer):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    arrived = Tap.objects.get()

    undo(signed_in, booking, arrived.pk)

    event = AuditEvent.objects.get(action=AuditEvent.Action.TAP_UNDONE)
    assert (event.kind, event.object_id, event.user_id) == ("tap-undone", arrived.pk, volunteer.pk)
    assert event.detail == f"booking {booking.pk} resident_arrived of 10:10 undone at 10:10"


def test_undoing_the_only_arrival_makes_the_family_expected_again(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED

    undo(signed_in, booking, Tap.objects.get().pk)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    html = card(signed_in, booking)
    assert "Not arrived yet." in html
    assert "Mark absent" in html


def test_the_same_undo_sent_twice_undoes_once(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    tap(signed_in, booking, Kind.VISITING_ARRIVED)
    visiting = Tap.objects.get(kind=Kind.VISITING_ARRIVED)
    token = uuid.uuid4()

    undo(signed_in, booking, visiting.pk, token)
    second = undo(signed_in, booking, visiting.pk, token)

    assert second["Location"] == card_url(booking)
    assert list(Tap.objects.live().values_list("kind", flat=True)) == [Kind.RESIDENT_ARRIVED]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TAP_UNDONE).count() == 1
    assert "Already undone: Visiting parent arrived at 10:10." in card(signed_in, booking)


def test_a_second_undo_button_does_not_undo_the_tap_before(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    arrived = Tap.objects.get()
    undo(signed_in, booking, arrived.pk)

    undo(signed_in, booking, arrived.pk)  # a stale button, another token

    assert Tap.objects.get().undo_key is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TAP_UNDONE).count() == 1
    assert "That tap was undone already at 10:10." in card(signed_in, booking)


def test_only_the_last_tap_can_be_undone(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    tap(signed_in, booking, Kind.VISITING_ARRIVED)
    first = Tap.objects.get(kind=Kind.RESIDENT_ARRIVED)

    undo(signed_in, booking, first.pk)

    assert Tap.objects.live().count() == 2
    assert "Only the last tap on the card can be undone" in card(signed_in, booking)


def test_an_undo_is_refused_after_the_window_and_the_button_is_gone(
    signed_in, booking, in_the_session
):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    arrived = Tap.objects.get()
    signed_in.get(register_url(booking))  # the message of the tap is read

    in_the_session.move_to(TEN_PAST_TEN + services.UNDO_WINDOW)
    assert "Undo: resident parent arrived" in card(signed_in, booking)  # the last minute

    in_the_session.move_to(TEN_PAST_TEN + services.UNDO_WINDOW + datetime.timedelta(seconds=1))
    assert "Undo:" not in card(signed_in, booking)
    undo(signed_in, booking, arrived.pk)

    arrived.refresh_from_db()
    assert arrived.undone_at is None
    assert "A tap can be undone for 5 minutes only. Nothing was undone" in card(signed_in, booking)


def test_an_undo_of_another_familys_tap_is_refused(signed_in, booking):
    other = BookingFactory(session=booking.session)
    tap(signed_in, other, Kind.RESIDENT_ARRIVED)

    undo(signed_in, booking, Tap.objects.get().pk)

    assert Tap.objects.live().count() == 1
    assert "not on this family&#x27;s card" in card(signed_in, booking)


def test_undo_takes_only_post_and_a_signed_in_volunteer(client, signed_in, booking):
    url = reverse("attendance:register_undo_tap", args=[booking.pk])
    assert signed_in.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"tap": "1", "token": str(uuid.uuid4())}).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TAP_UNDONE).exists()


# Arrivals long before the session, or on a register not today's.


def test_an_arrival_long_before_the_session_asks_first_and_records_nothing(
    signed_in, booking, in_the_session
):
    in_the_session.move_to(datetime.datetime.combine(DAY, datetime.time(5, 20), tzinfo=LONDON))
    token = str(uuid.uuid4())

    response = tap(signed_in, booking, Kind.RESIDENT_ARRIVED, token=token)

    assert response.status_code == 200
    assert not Tap.objects.exists()
    html = response.text
    assert "It is 05:20 and this session starts at 10:00: record the arrival anyway?" in html
    assert 'name="confirmed" value="1"' in html and token in html

    tap(signed_in, booking, Kind.RESIDENT_ARRIVED, token=token, confirmed="1")

    assert Tap.objects.get().recorded_at.astimezone(LONDON).time() == datetime.time(5, 20)


def test_an_arrival_within_the_hour_is_not_asked_about(signed_in, booking, in_the_session):
    in_the_session.move_to(datetime.datetime.combine(DAY, datetime.time(9, 0), tzinfo=LONDON))

    response = tap(signed_in, booking, Kind.VISITING_ARRIVED)

    assert response.status_code == 302
    assert Tap.objects.count() == 1


def test_an_arrival_queued_within_the_hour_is_not_asked_about_when_it_arrives(
    signed_in, booking, in_the_session
):
    tapped = datetime.datetime.combine(DAY, datetime.time(9, 30), tzinfo=LONDON)
    in_the_session.move_to(tapped + datetime.timedelta(minutes=20))

    response = signed_in.post(
        reverse("attendance:register_tap", args=[booking.pk]),
        {
            "kind": Kind.RESIDENT_ARRIVED,
            "token": str(uuid.uuid4()),
            "tapped_at": str(int(tapped.timestamp() * 1000)),
            "offline": "1",
        },
        headers={"Accept": "application/json"},
    )

    assert response.json()["outcome"] == "recorded"


def test_a_queued_early_arrival_is_refused_unless_confirmed(signed_in, booking, in_the_session):
    tapped = datetime.datetime.combine(DAY, datetime.time(6, 0), tzinfo=LONDON)
    in_the_session.move_to(tapped + datetime.timedelta(minutes=2))
    data = {
        "kind": Kind.RESIDENT_ARRIVED,
        "token": str(uuid.uuid4()),
        "tapped_at": str(int(tapped.timestamp() * 1000)),
        "offline": "1",
    }
    url = reverse("attendance:register_tap", args=[booking.pk])

    first = signed_in.post(url, data, headers={"Accept": "application/json"})
    assert first.json()["outcome"] == "refused"
    assert "It is 06:00 and this session starts at 10:00" in first.json()["message"]
    assert not Tap.objects.exists()

    second = signed_in.post(url, {**data, "confirmed": "1"}, headers={"Accept": "application/json"})
    assert second.json()["outcome"] == "recorded"


def test_staff_are_asked_before_an_arrival_on_tomorrows_register(client, staff):
    tomorrow = BookingFactory(session=ContactSessionFactory(date=DAY + datetime.timedelta(days=1)))
    client.force_login(staff)
    token = str(uuid.uuid4())

    first = tap(client, tomorrow, Kind.RESIDENT_ARRIVED, token=token)

    assert first.status_code == 200
    assert not Tap.objects.exists()
    assert "This register is tomorrow&#x27;s" in first.text
    tap(client, tomorrow, Kind.RESIDENT_ARRIVED, token=token, confirmed="1")
    assert Tap.objects.count() == 1


def test_departures_are_never_asked_about(signed_in, booking, in_the_session):
    in_the_session.move_to(datetime.datetime.combine(DAY, datetime.time(5, 20), tzinfo=LONDON))
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED, confirmed="1")

    response = tap(signed_in, booking, Kind.RESIDENT_LEFT)

    assert response.status_code == 302
    assert Tap.objects.count() == 2
