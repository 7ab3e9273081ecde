"""Taps that survive a dropped connection (issue 18), the server's side: the tablet's
script sends each queued tap with a key it made and the time it was tapped. A key
already recorded answers "already recorded"; a tap the server refuses answers with the
reason; the tablet's time is kept as the time of the event, the server's receipt time
beside it, and a clock that is wrong is corrected and flagged; taps from two tablets
merge by tap time and the warnings are worked out again from the merged timeline."""

import datetime
import re
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from attendance.models import Booking, Tap
from attendance.services import tap_record
from core.models import AuditEvent
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

Kind = Tap.Kind
LONDON = zoneinfo.ZoneInfo("Europe/London")
SATURDAY = datetime.datetime(2027, 3, 13, 10, 30, tzinfo=LONDON)
JSON = {"HTTP_ACCEPT": "application/json"}


def at(hour, minute, day=SATURDAY):
    return day.replace(hour=hour, minute=minute)


def ms(moment):
    return str(int(moment.timestamp() * 1000))


def tap_url(booking):
    return reverse("attendance:register_tap", args=[booking.pk])


def absent_url(booking):
    return reverse("attendance:register_absent", args=[booking.pk])


def register_url(booking):
    return reverse("attendance:register", args=[booking.session_id])


def queued(client, booking, kind, *, key=None, tapped_at=None, offline=True, **extra):
    """A tap as the tablet's script sends it from its queue."""
    data = {"kind": kind, "token": str(key or uuid.uuid4()), **extra}
    if tapped_at is not None:
        data["tapped_at"] = ms(tapped_at)
    if offline:
        data["offline"] = "1"
    return client.post(tap_url(booking), data, **JSON)


@pytest.fixture
def clock():
    with time_machine.travel(SATURDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booking(clock, db):
    case = CaseFactory()
    AdultFactory(case=case, role="resident", first_name="Marigold")
    AdultFactory(case=case, role="visiting", first_name="Ptolemy")
    ChildFactory(case=case, first_name="Quillon")
    return BookingFactory(
        session=ContactSessionFactory(),
        case=case,
        who_may_collect="Marigold Ashcombe, Grandma Odile",
    )


@pytest.fixture
def tablet(clock, client, volunteer):
    client.force_login(volunteer)
    return client


# Idempotency keys.


def test_a_key_already_recorded_answers_already_recorded_and_records_nothing_new(
    tablet, booking, clock
):
    key = uuid.uuid4()
    first = queued(tablet, booking, Kind.RESIDENT_ARRIVED, key=key, tapped_at=at(9, 50))
    clock.move_to(at(10, 40))
    again = queued(tablet, booking, Kind.RESIDENT_ARRIVED, key=key, tapped_at=at(9, 50))

    assert first.status_code == again.status_code == 200
    assert first.json()["outcome"] == "recorded"
    assert first.json()["message"] == "Recorded at 09:50: Resident parent arrived with the child."
    assert again.json()["outcome"] == "already"
    assert again.json()["message"].startswith("Already recorded at 09:50")
    assert Tap.objects.filter(booking=booking).count() == 1
    assert Tap.objects.get().token == key


def test_an_absence_sent_twice_with_its_key_is_recorded_once(tablet, booking):
    key = str(uuid.uuid4())
    data = {"reason": "child_unwell", "token": key}

    first = tablet.post(absent_url(booking), data, **JSON)
    again = tablet.post(absent_url(booking), data, **JSON)

    assert (first.json()["outcome"], again.json()["outcome"]) == ("recorded", "already")
    booking.refresh_from_db()
    assert (booking.status, str(booking.absence_key)) == (Booking.Status.ABSENT, key)
    assert booking.history.filter(status=Booking.Status.ABSENT).count() == 1


# Refused replays, each with its reason.


def test_a_tap_for_a_family_marked_absent_on_another_tablet_is_refused_with_the_reason(
    tablet, booking
):
    tablet.post(absent_url(booking), {"reason": "child_unwell"})

    answer = queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 50))

    assert answer.status_code == 409
    assert answer.json() == {
        "outcome": "refused",
        "message": "This family is marked absent: undo that before recording taps.",
        "booking": booking.pk,
    }
    assert not Tap.objects.exists()


def test_an_absence_after_an_arrival_from_another_tablet_is_refused_with_the_reason(
    tablet, booking
):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, offline=False)

    answer = tablet.post(
        absent_url(booking), {"reason": "child_unwell", "token": str(uuid.uuid4())}, **JSON
    )

    assert answer.status_code == 409
    assert answer.json()["message"] == "Someone from this family has been recorded arriving."
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED


def test_an_absence_already_marked_from_another_tablet_is_refused_naming_its_reason(
    tablet, booking
):
    tablet.post(absent_url(booking), {"reason": "child_unwell", "token": str(uuid.uuid4())})

    answer = tablet.post(
        absent_url(booking),
        {"reason": "cancelled_by_family", "token": str(uuid.uuid4())},
        **JSON,
    )

    assert answer.status_code == 409
    assert "marked absent on another tablet already: Child unwell" in answer.json()["message"]
    booking.refresh_from_db()
    assert booking.absence_reason == "child_unwell"


def test_a_tap_for_a_booking_cancelled_meanwhile_is_refused_with_the_reason(tablet, booking):
    url = tap_url(booking)
    booking.delete()

    answer = tablet.post(url, {"kind": Kind.RESIDENT_ARRIVED, "token": uuid.uuid4()}, **JSON)

    assert answer.status_code == 409
    assert answer.json()["message"].startswith("This family's booking was cancelled")
    assert not Tap.objects.exists()


def test_a_tap_sent_after_the_registers_day_is_over_is_refused_as_closed(
    tablet, booking, clock, volunteer
):
    clock.move_to(at(0, 5, SATURDAY + datetime.timedelta(days=1)))
    tablet.force_login(volunteer)  # signed in again after midnight

    answer = queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 50))

    assert answer.status_code == 409
    assert answer.json()["message"] == (
        "The register of Saturday 13 March is closed: the day is over. Nothing was "
        "recorded: tell the staff member on duty."
    )
    assert not Tap.objects.exists()


def test_a_tap_with_a_time_that_cannot_be_read_is_refused_and_saves_nothing(tablet, booking):
    answer = tablet.post(
        tap_url(booking),
        {"kind": Kind.RESIDENT_ARRIVED, "token": uuid.uuid4(), "tapped_at": "half past"},
        **JSON,
    )

    assert answer.status_code == 409
    assert answer.json()["message"] == (
        "The time of that tap could not be read. Nothing was recorded."
    )
    assert not Tap.objects.exists()


# Tap time and receipt time.


def test_a_tap_sent_late_keeps_its_tap_time_with_the_receipt_time_beside_it(
    tablet, booking, clock, volunteer
):
    clock.move_to(at(10, 20))

    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 48))

    recorded = Tap.objects.get()
    assert recorded.recorded_at == at(9, 48)
    assert recorded.received_at == at(10, 20)
    assert recorded.tapped_offline and not recorded.clock_corrected
    html = tablet.get(register_url(booking)).text
    assert (
        "<time>09:48</time> Resident parent arrived with the child "
        '<span class="late">(tapped offline, arrived 10:20)</span>'
    ) in html
    # The manager sees in the audit trail which taps came late, by ids and times alone.
    event = AuditEvent.objects.get(kind="late-tap")
    assert (event.object_id, event.user_id) == (recorded.pk, volunteer.pk)
    assert event.detail == (
        f"booking {booking.pk} resident_arrived: tapped 09:48, arrived 10:20, tapped offline"
    )
    assert "Marigold" not in event.detail and "Quillon" not in event.detail


def test_the_manager_finds_the_late_taps_in_the_audit_trail(tablet, booking, clock, manager):
    clock.move_to(at(10, 20))
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 48))
    queued(tablet, booking, Kind.VISITING_ARRIVED, tapped_at=at(10, 20), offline=False)
    tablet.force_login(manager)

    html = tablet.get(reverse("centre:audit_list"), {"kind": "late-tap"}).text

    # One row, the resident's arrival tapped offline; the visiting arrival came in time.
    assert html.count("made a register tap that reached Handover late") == 1
    assert "tapped 09:48, arrived 10:20, tapped offline" in html
    assert f"booking {booking.pk} visiting_arrived" not in html


def test_a_tap_sent_at_once_makes_no_late_tap_in_the_audit_trail(tablet, booking):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(10, 30), offline=False)

    assert Tap.objects.get().recorded_at == at(10, 30)
    assert not AuditEvent.objects.filter(kind="late-tap").exists()


@pytest.mark.parametrize(
    ("tablet_says", "offline", "corrected"),
    [
        (at(10, 25), False, False),  # five minutes slow while online: believed
        (at(10, 24), False, True),  # six minutes slow while online: corrected
        (at(10, 36), False, True),  # six minutes fast
        (at(10, 36), True, True),  # a tap from the future, even one that waited
        (at(9, 10), True, False),  # an hour and twenty minutes in the queue
        (at(23, 50, SATURDAY - datetime.timedelta(days=1)), True, True),  # another day
    ],
)
def test_a_tablet_clock_more_than_five_minutes_out_is_corrected_and_flagged(
    tablet, booking, tablet_says, offline, corrected
):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=tablet_says, offline=offline)

    recorded = Tap.objects.get()
    assert recorded.clock_corrected is corrected
    assert recorded.recorded_at == (SATURDAY if corrected else tablet_says)
    assert recorded.received_at == SATURDAY
    assert recorded.tablet_time == (tablet_says if corrected else None)


def test_the_register_says_when_the_tablets_clock_was_corrected(tablet, booking):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(8, 0), offline=False)

    html = tablet.get(register_url(booking)).text

    assert (
        "<time>10:30</time> Resident parent arrived with the child "
        '<span class="late">(the tablet\'s clock said 08:00: the time it arrived is shown)'
    ) in html
    assert "corrected" in AuditEvent.objects.get(kind="late-tap").detail


# Two tablets.


def test_taps_from_two_tablets_merge_by_tap_time_and_warnings_follow_the_merged_timeline(
    client, booking, clock, volunteer, staff
):
    """Tablet A (online) records the visiting parent arriving at 10:02: no warning, as
    far as the server knows. Tablet B (offline since 09:40) recorded the resident parent
    arriving at 09:50; when it is sent at 10:10 the merged timeline has the resident
    parent on site when the visiting parent came, and both registers warn."""
    clock.move_to(at(10, 2))
    tap_record(booking=booking, kind=Kind.VISITING_ARRIVED, token=uuid.uuid4(), actor=staff)
    assert Tap.objects.get().warning == ""

    clock.move_to(at(10, 10))
    client.force_login(volunteer)
    queued(client, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 50))

    taps = list(Tap.objects.filter(booking=booking))
    assert [(t.kind, t.recorded_at) for t in taps] == [
        (Kind.RESIDENT_ARRIVED, at(9, 50)),
        (Kind.VISITING_ARRIVED, at(10, 2)),
    ]
    assert taps[1].warning.startswith("The resident parent is still on site")
    for person in (volunteer, staff):  # what each tablet shows on its next load
        client.force_login(person)
        card = client.get(register_url(booking)).text
        card = card[card.index(f'id="booking-{booking.pk}"') :]
        assert re.search(
            r"<li><time>10:02</time> <strong>The resident parent is still on site", card
        ), person
        # Said once: the tap's warning stands for "both parents are on site".
        assert "Both parents are on site now: keep them apart." not in card


def test_a_late_tap_that_ends_a_clash_takes_the_warning_away(booking, clock, staff):
    """The resident parent left at 10:00 (sent late); the visiting parent arrived at
    10:05: the warning given at 10:05 no longer holds."""
    clock.move_to(at(9, 50))
    tap_record(booking=booking, kind=Kind.RESIDENT_ARRIVED, token=uuid.uuid4(), actor=staff)
    clock.move_to(at(10, 5))
    visiting = tap_record(
        booking=booking, kind=Kind.VISITING_ARRIVED, token=uuid.uuid4(), actor=staff
    )
    assert visiting.warning

    clock.move_to(at(10, 12))
    tap_record(
        booking=booking,
        kind=Kind.RESIDENT_LEFT,
        token=uuid.uuid4(),
        actor=staff,
        tapped_at=at(10, 0),
        tapped_offline=True,
    )

    visiting.refresh_from_db()
    assert visiting.warning == ""


# Who collected, without a name kept on the tablet.


def test_a_queued_child_left_names_the_person_by_their_place_on_the_list(tablet, booking):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 50))

    queued(
        tablet,
        booking,
        Kind.CHILD_COLLECTED,
        tapped_at=at(10, 25),
        collect="1",
        collect_count="2",
    )

    collected = Tap.objects.get(kind=Kind.CHILD_COLLECTED)
    assert collected.collected_by == "Grandma Odile"
    assert collected.warning == ""


def test_a_queued_child_left_is_refused_when_the_list_changed_since(tablet, booking):
    queued(tablet, booking, Kind.RESIDENT_ARRIVED, tapped_at=at(9, 50))
    Booking.objects.filter(pk=booking.pk).update(who_may_collect="Marigold Ashcombe")

    answer = queued(
        tablet, booking, Kind.CHILD_COLLECTED, collect="1", collect_count="2", offline=False
    )

    assert answer.status_code == 409
    assert "The list of who may collect the child changed" in answer.json()["message"]
    assert not Tap.objects.filter(kind=Kind.CHILD_COLLECTED).exists()


# What the script needs from the server.


def test_a_fresh_token_comes_with_the_servers_time_and_when_the_sign_in_ends(tablet, booking):
    answer = tablet.get(reverse("attendance:register_token"), **JSON)

    assert answer.status_code == 200
    body = answer.json()
    assert len(body["csrf"]) == 64
    assert body["now"] == int(SATURDAY.timestamp() * 1000)
    assert body["session_ends"] == body["now"] + 30 * 60 * 1000


def test_signed_out_the_token_sends_the_script_to_sign_in(client, booking):
    answer = client.get(reverse("attendance:register_token"), **JSON)

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_a_queued_tap_with_an_old_csrf_token_is_refused_by_the_csrf_check(booking, volunteer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(volunteer)
    refused = strict.post(
        tap_url(booking),
        {"kind": Kind.RESIDENT_ARRIVED, "token": uuid.uuid4()},
        HTTP_X_CSRFTOKEN="stale" * 8,
        **JSON,
    )
    token = strict.get(reverse("attendance:register_token")).json()["csrf"]
    accepted = strict.post(
        tap_url(booking),
        {"kind": Kind.RESIDENT_ARRIVED, "token": uuid.uuid4()},
        HTTP_X_CSRFTOKEN=token,
        **JSON,
    )

    assert refused.status_code == 403
    assert accepted.json()["outcome"] == "recorded"


def test_todays_register_carries_the_script_and_the_times_it_keeps_things_until(tablet, booking):
    response = tablet.get(register_url(booking))
    html = response.text

    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 1
    assert 'src="/static/js/register-offline.js"' in scripts[0]
    assert re.search(r'nonce="[^"]+"', scripts[0])
    day_ends = datetime.datetime(2027, 3, 14, tzinfo=LONDON)
    assert f'data-day-ends="{ms(day_ends)}"' in html
    assert f'data-session-ends="{ms(SATURDAY + datetime.timedelta(minutes=30))}"' in html
    assert response["X-Register-Keep-Until"] == ms(SATURDAY + datetime.timedelta(minutes=30))
    assert f'data-booking="{booking.pk}" data-done=""' in html


def test_another_days_register_has_no_script_and_no_copy_is_kept(client, staff, booking, clock):
    clock.move_to(at(10, 0, SATURDAY + datetime.timedelta(days=2)))
    client.force_login(staff)

    response = client.get(register_url(booking))

    assert response.status_code == 200
    assert "<script" not in response.text
    assert "X-Register-Keep-Until" not in response


def test_the_service_worker_is_served_from_the_project_for_the_registers_pages(db, client):
    response = client.get(reverse("attendance:register_worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert reverse("attendance:register_worker") == "/sessions/register-worker.js"
    assert b"caches.open" in response.content


def test_signing_out_tells_the_browser_to_delete_what_the_site_kept(tablet):
    response = tablet.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_scripts_fetch_nothing_from_outside_the_project():
    from django.contrib.staticfiles import finders

    for name in ("js/register-offline.js", "js/register-worker.js"):
        with open(finders.find(name), encoding="utf-8") as file:
            source = file.read()
        assert not re.search(r"https?://", source), name
        assert "import" not in re.sub(r"//.*|/\*.*?\*/", "", source, flags=re.S), name


def test_the_register_with_its_script_stays_under_150_kb_over_the_wire(clock, client, volunteer):
    """A full session (eight families, each with taps and warnings) with everything the
    page loads: its stylesheet, the script, the worker and the icon. Counted without
    compression, so the wire carries no more than this."""
    session = ContactSessionFactory(capacity=8)
    for number in range(8):
        case = CaseFactory()
        AdultFactory(case=case, role="resident", first_name=f"Resident{number}")
        AdultFactory(case=case, role="visiting", first_name=f"Visiting{number}")
        ChildFactory(case=case, first_name=f"Child{number}")
        booking = BookingFactory(
            session=session,
            case=case,
            who_may_collect="Marigold Ashcombe, Grandma Odile, Uncle Peregrine Vantablack",
            not_to_collect="Rex Ashdown",
        )
        for kind in (Kind.RESIDENT_ARRIVED, Kind.VISITING_ARRIVED):
            tap_record(booking=booking, kind=kind, token=uuid.uuid4(), tapped_offline=True)
    client.force_login(volunteer)

    page = client.get(reverse("attendance:register", args=[session.pk]))
    assets = re.findall(r'(?:src|href)="(/static/[^"]+|/sessions/register-worker\.js)"', page.text)
    assets.append(reverse("attendance:register_worker"))
    sizes = {"page": len(page.content)}
    from django.contrib.staticfiles import finders

    for url in set(assets):
        if url.startswith("/static/"):
            with open(finders.find(url.removeprefix("/static/")), "rb") as file:
                sizes[url] = len(file.read())
        else:
            sizes[url] = len(client.get(url).content)

    assert "/static/js/register-offline.js" in sizes and "/static/css/register.css" in sizes
    assert sum(sizes.values()) < 150 * 1024, sizes


def test_the_script_uses_the_registers_own_words_for_each_kind_of_tap():
    """The script draws the buttons that come next, and lists waiting taps, while the
    server cannot: its words must be the register's."""
    from django.contrib.staticfiles import finders

    from attendance.views.register import BUTTON_LABELS, PLAN_ORDER

    with open(finders.find("js/register-offline.js"), encoding="utf-8") as file:
        source = file.read()
    for kind in PLAN_ORDER:
        line = f'["{kind.value}", "{BUTTON_LABELS[kind]}", "{kind.label}"]'
        assert line in source, line
