"""Issue 18: the register keeps working when the hall's Wi-Fi does not. In Chromium on
the tablet (Playwright's offline mode), a volunteer records an arrival, a departure and
an absence with no connection, sees them waiting, reloads the page and still has the
register, and on coming back online sees them recorded once with their tap times; the
same queue replayed records nothing new. Signing out with taps waiting warns what will
be lost, and afterwards the tablet keeps nothing of the register."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import Booking, Tap
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    assert_accessible,
    assert_fits_a_thumb,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

# What the register keeps on the tablet, read in the page itself.
STORED = """async () => ({
  databases: (await indexedDB.databases()).map((db) => db.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""

# The queue as it is now, to be put back later as a replay.
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("handover-register");
  open.onsuccess = () => {
    const read = open.result.transaction("queue").objectStore("queue").getAll();
    read.onsuccess = () => { open.result.close(); resolve(read.result); };
    read.onerror = () => reject(read.error);
  };
})"""

REPLAY = """(entries) => new Promise((resolve, reject) => {
  const open = indexedDB.open("handover-register");
  open.onsuccess = () => {
    const transaction = open.result.transaction("queue", "readwrite");
    for (const entry of entries) transaction.objectStore("queue").put(entry);
    transaction.oncomplete = () => { open.result.close(); resolve(entries.length); };
    transaction.onerror = () => reject(transaction.error);
  };
})"""


def _family(*, resident, visiting, child):
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name=resident)
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name=visiting)
    ChildFactory(case=case, first_name=child)
    return case


def _starts_by_now():
    """10:00, or the hour now if earlier: run before 09:00, an arrival more than an hour
    before the session would be asked about first (attendance.services.EARLY_BEFORE)."""
    now = timezone.localtime().time().replace(minute=0, second=0, microsecond=0)
    return min(datetime.time(10), now)


@pytest.fixture
def saturday(cast):
    volunteer = cast("volunteer")
    session = ContactSessionFactory(starts_at=_starts_by_now())
    fenn = BookingFactory(
        session=session, case=_family(resident="Saffi", visiting="Corwin", child="Bramble")
    )
    ives = BookingFactory(
        session=session, case=_family(resident="Linnea", visiting="Osric", child="Tamsin")
    )
    return volunteer, fenn, ives


def _open_register_with_its_copy(page, volunteer, booking):
    """Sign in and open today's register; once its service worker runs, open it again so
    that the worker keeps the copy a reload with no connection needs."""
    sign_in(page, volunteer)
    page.goto(f"/sessions/{booking.session_id}/register/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("async () => (await caches.keys()).includes('handover-register')")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")


@pytest.mark.parametrize("orientation", ["tablet", "tablet-landscape"])
def test_taps_made_offline_wait_survive_a_reload_and_are_recorded_once(
    page_at, saturday, orientation
):
    volunteer, fenn, ives = saturday
    page = page_at(orientation)
    _open_register_with_its_copy(page, volunteer, fenn)
    card = page.locator(f"#booking-{fenn.pk}")
    other = page.locator(f"#booking-{ives.pk}")
    banner = page.locator("#queue-banner")

    drawn_at = page.locator("#offline").get_attribute("data-now")
    page.context.set_offline(True)
    before = datetime.datetime.now(datetime.UTC)
    card.get_by_role("button", name="Resident arrived with child", exact=True).click()
    waiting = card.get_by_role("list", name="Waiting to send")
    expect(waiting).to_contain_text("Resident parent arrived with the child: waiting to send")
    expect(banner).to_have_text(
        "1 tap waiting to send. No connection: they will be sent when it is back."
    )
    card.get_by_role("button", name="Resident left", exact=True).click()
    expect(waiting.get_by_role("listitem")).to_have_count(2)
    expect(card).to_contain_text("On site now: child")
    other.get_by_text("Mark absent…").click()
    other.get_by_label("Child unwell", exact=True).check()
    other.get_by_role("button", name="Record absence").click()
    expect(other.get_by_role("list", name="Waiting to send")).to_contain_text(
        "Marked absent: waiting to send"
    )
    expect(other).to_contain_text("Absent (waiting to send)")
    expect(banner).to_contain_text("3 taps waiting to send.")
    assert_accessible(page, f"the register with taps waiting ({orientation})")
    assert_fits_a_thumb(page)
    journey_screenshot(page, f"18-{orientation}-1-waiting")
    assert not Tap.objects.exists()

    # Reloaded with no connection: the copy of the register, and the taps still waiting.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    # The page the server drew before the connection went, from the tablet's copy.
    assert page.locator("#offline").get_attribute("data-now") == drawn_at
    expect(card.get_by_role("heading", level=2)).to_have_text("Bramble")
    still_waiting = card.get_by_role("list", name="Waiting to send").get_by_role("listitem")
    expect(still_waiting).to_have_count(2)
    expect(banner).to_contain_text("3 taps waiting to send.")
    assert_accessible(page, f"the register reloaded offline ({orientation})")
    journey_screenshot(page, f"18-{orientation}-2-reloaded-offline")
    queue = page.evaluate(QUEUE)
    assert [entry.get("kind", entry["action"]) for entry in queue] == [
        "resident_arrived",
        "resident_left",
        "absent",
    ]
    names = ("Saffi", "Corwin", "Bramble", "Linnea", "Osric", "Tamsin")
    assert not any(name in str(queue) for name in names), "the queue holds no names"

    # Back online: sent in the order tapped, each recorded once with its tap time.
    page.context.set_offline(False)
    expect(card.locator("ol.taps").first).to_contain_text("Resident parent left")
    expect(banner).to_be_hidden()
    expect(other).to_contain_text("Absent: Child unwell")
    taps = list(Tap.objects.filter(booking=fenn))
    assert [tap.kind for tap in taps] == [Tap.Kind.RESIDENT_ARRIVED, Tap.Kind.RESIDENT_LEFT]
    for tap, entry in zip(taps, queue, strict=False):
        assert tap.tapped_offline and not tap.clock_corrected
        assert before - datetime.timedelta(seconds=5) <= tap.recorded_at <= tap.received_at
        assert str(tap.token) == entry["key"]
    expect(card).to_contain_text("(tapped offline, arrived")
    ives.refresh_from_db()
    assert ives.status == Booking.Status.ABSENT
    assert_accessible(page, f"the register after sending ({orientation})")
    journey_screenshot(page, f"18-{orientation}-3-recorded")

    # The same queue replayed records nothing new.
    assert page.evaluate(REPLAY, queue) == 3
    page.reload()
    expect(banner).to_be_hidden()
    expect(page.get_by_role("list", name="Waiting to send")).to_have_count(0)
    assert Tap.objects.filter(booking=fenn).count() == 2
    assert Booking.objects.get(pk=ives.pk).history.filter(status="absent").count() == 1

    # An undo is never queued: with no connection the card says so and nothing is undone.
    undo = card.get_by_role("button", name=re.compile(r"^Undo: resident parent left \d\d:\d\d$"))
    page.context.set_offline(True)
    undo.click()
    expect(card.get_by_role("alert")).to_contain_text(
        "Undo needs the connection: nothing was undone."
    )
    assert_accessible(page, f"the register refusing an undo offline ({orientation})")
    assert Tap.objects.live().filter(booking=fenn).count() == 2
    page.context.set_offline(False)
    undo.click()
    expect(card.get_by_role("status").last).to_contain_text("Undone: Resident parent left")
    assert list(Tap.objects.live().filter(booking=fenn).values_list("kind", flat=True)) == [
        Tap.Kind.RESIDENT_ARRIVED
    ]


def test_signing_out_with_taps_waiting_warns_and_leaves_nothing_on_the_tablet(page_at, saturday):
    volunteer, fenn, _ = saturday
    page = page_at("tablet-landscape")
    _open_register_with_its_copy(page, volunteer, fenn)
    stored = page.evaluate(STORED)
    assert "handover-register" in stored["databases"] and stored["caches"]

    # The hall's Wi-Fi lets nothing through to the register: the tap waits.
    page.context.set_offline(True)
    card = page.locator(f"#booking-{fenn.pk}")
    card.get_by_role("button", name="Resident arrived with child", exact=True).click()
    expect(page.locator("#queue-banner")).to_contain_text("1 tap waiting to send.")
    page.route("**/sessions/bookings/**", lambda route: route.abort())
    page.route("**/sessions/register/token/", lambda route: route.abort())
    page.context.set_offline(False)

    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog", name="1 tap has not been sent")
    expect(dialog).to_contain_text("Once you sign out they cannot be sent")
    expect(dialog).to_contain_text("Bramble: Resident parent arrived with the child")
    assert_accessible(page, "the sign-out warning")
    journey_screenshot(page, "18-4-sign-out-warning")
    expect(page.locator("#queue-banner")).to_contain_text("not getting through")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign out and lose them").click()
    page.wait_for_url("**/accounts/**")
    assert page.evaluate(STORED) == {"databases": [], "caches": [], "workers": 0}
    assert not Tap.objects.exists()
    assert_accessible(page, "signed out")


def test_signed_out_meanwhile_the_queue_waits_for_sign_in_and_a_refusal_shows_its_reason(
    page_at, saturday
):
    """While the tablet was offline its sign-in ended, and another tablet marked one of
    the families absent. Back online, the tablet keeps its taps and asks the volunteer
    to sign in again; then the arrival is recorded and the tap for the absent family is
    shown on its card with the server's reason, until the volunteer has seen it."""
    from django.contrib.sessions.models import Session

    from attendance.services import booking_mark_absent
    from tests.conftest import PASSWORD

    volunteer, fenn, ives = saturday
    page = page_at("tablet")
    _open_register_with_its_copy(page, volunteer, fenn)
    card = page.locator(f"#booking-{fenn.pk}")
    other = page.locator(f"#booking-{ives.pk}")
    banner = page.locator("#queue-banner")

    page.context.set_offline(True)
    card.get_by_role("button", name="Resident arrived with child", exact=True).click()
    # "Child left" appears once the arrival waits; it names the person by their place on
    # the list, since the tablet keeps no names.
    card.get_by_text("Child left with…").click()
    card.get_by_label("Child left with").select_option("Sam Doe")
    card.get_by_role("button", name="Child left", exact=True).click()
    expect(card).to_contain_text("Nobody from this family is on site now.")
    other.get_by_role("button", name="Resident arrived with child", exact=True).click()
    expect(banner).to_contain_text("3 taps waiting to send.")
    assert "Sam Doe" not in str(page.evaluate(QUEUE))
    Session.objects.all().delete()  # the sign-in ran out meanwhile
    booking_mark_absent(booking=ives, reason="cancelled_by_family")  # another tablet

    page.context.set_offline(False)
    expect(banner).to_contain_text(
        "3 taps waiting to send. You have been signed out: sign in again and they will be sent."
    )
    assert_accessible(page, "the register asking to sign in again")
    journey_screenshot(page, "18-5-sign-in-again")
    assert not Tap.objects.exists()

    banner.get_by_role("link", name="Sign in again").click()
    page.get_by_label("E-mail address").fill(volunteer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"**/sessions/{fenn.session_id}/register/**")
    expect(card.locator("ol.taps").first).to_contain_text("Child left the centre with Sam Doe")
    refused = other.get_by_role("list", name="Waiting to send")
    expect(refused).to_contain_text(
        "not recorded. This family is marked absent: undo that before recording taps."
    )
    expect(banner).to_have_text("1 tap was not recorded: see the card.")
    assert_accessible(page, "the register with a refused tap")
    journey_screenshot(page, "18-6-refused")
    assert [(tap.booking_id, tap.kind, tap.collected_by) for tap in Tap.objects.all()] == [
        (fenn.pk, Tap.Kind.RESIDENT_ARRIVED, ""),
        (fenn.pk, Tap.Kind.CHILD_COLLECTED, "Sam Doe"),
    ]

    refused.get_by_role("button", name="Seen").click()
    expect(refused).to_have_count(0)
    expect(banner).to_be_hidden()


# Moves the tablet's notes of when things end into the past, as if that time had come.
AGE_TERMS = """(which) => new Promise((resolve, reject) => {
  const open = indexedDB.open("handover-register");
  open.onsuccess = () => {
    const meta = open.result.transaction("meta", "readwrite").objectStore("meta");
    const read = meta.get("terms");
    read.onsuccess = () => {
      meta.put({ ...read.result, [which]: Date.now() - 1000 }, "terms");
      meta.transaction.oncomplete = () => { open.result.close(); resolve(true); };
    };
    read.onerror = () => reject(read.error);
  };
})"""

AGE_COPY = """async () => {
  const cache = await caches.open("handover-register");
  const [request] = await cache.keys();
  const copy = await cache.match(request);
  const headers = new Headers(copy.headers);
  headers.set("X-Kept-Until-Tablet-Time", String(Date.now() - 1000));
  await cache.put(request, new Response(await copy.arrayBuffer(), { headers }));
}"""


def test_what_the_tablet_keeps_goes_when_the_day_or_the_sign_in_ends(page_at, saturday):
    """Checked on the next page load: the queue at the end of the register's day, the
    copy of the page (names) when the sign-in has ended; and the worker serves no copy
    past its time."""
    volunteer, fenn, _ = saturday
    page = page_at("tablet")
    _open_register_with_its_copy(page, volunteer, fenn)
    card = page.locator(f"#booking-{fenn.pk}")

    # The day ends with a tap still waiting: on the next load the queue is gone.
    page.context.set_offline(True)
    card.get_by_role("button", name="Resident arrived with child", exact=True).click()
    expect(page.locator("#queue-banner")).to_contain_text("1 tap waiting to send.")
    page.evaluate(AGE_TERMS, "dayEnds")
    page.route("**/sessions/bookings/**", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#queue-banner")).to_be_hidden()
    assert page.evaluate(QUEUE) == []
    page.unroute("**/sessions/bookings/**")

    # The sign-in ends while the tablet is offline: the copy is deleted on the next load.
    page.reload()
    page.wait_for_function("async () => (await caches.keys()).length === 1")
    page.context.set_offline(True)
    page.evaluate(AGE_TERMS, "sessionEnds")
    page.reload()  # the copy, which the script then deletes
    page.wait_for_function("async () => (await caches.keys()).length === 0")

    # A copy past its time is never served: the page says what the tablet still keeps.
    page.context.set_offline(False)
    page.reload()
    page.wait_for_function("async () => (await caches.keys()).length === 1")
    page.evaluate(AGE_COPY)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")
    expect(page.get_by_text("it keeps no copy of the register now")).to_be_visible()
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert not Tap.objects.exists()


# The register as drawn for a session three hours away: an arrival now is "early".
EARLY = """() => {
  const root = document.getElementById("offline");
  root.dataset.earlyUntil = String(Number(root.dataset.now) + 2 * 60 * 60 * 1000);
}"""


def test_an_early_arrival_tapped_offline_asks_first_and_a_second_tap_queues_it(page_at, saturday):
    """With no connection the card itself asks about an arrival more than an hour before
    the session (the server's page asks when there is one): nothing is queued by the
    first tap, the second within a minute queues it as confirmed, and it is recorded once
    when the connection is back. The session here starts by now, so only the tablet's
    copy is told it is hours away: what the server asks is tested in
    tests/attendance/test_register_undo.py."""
    volunteer, fenn, _ = saturday
    page = page_at("tablet")
    _open_register_with_its_copy(page, volunteer, fenn)
    card = page.locator(f"#booking-{fenn.pk}")
    arrived = card.get_by_role("button", name="Resident arrived with child", exact=True)

    page.context.set_offline(True)
    page.evaluate(EARLY)
    arrived.click()
    expect(card.get_by_role("alert")).to_contain_text(
        "nothing is recorded yet. Tap the arrival again to record it anyway."
    )
    expect(card.get_by_role("list", name="Waiting to send")).to_have_count(0)
    assert page.evaluate(QUEUE) == []
    assert_accessible(page, "the register asking about an early arrival offline")

    arrived.click()
    expect(card.get_by_role("list", name="Waiting to send")).to_contain_text(
        "Resident parent arrived with the child: waiting to send"
    )
    [entry] = page.evaluate(QUEUE)
    assert entry["confirmed"] is True

    page.context.set_offline(False)
    expect(page.locator("#queue-banner")).to_be_hidden()
    assert list(Tap.objects.filter(booking=fenn).values_list("kind", flat=True)) == [
        Tap.Kind.RESIDENT_ARRIVED
    ]
