"""Journey 2 of issue 9: a volunteer keeps the register on a tablet, upright and turned
sideways: the handover of one family tap by tap, with the warning that keeps the parents
apart, another family marked absent, and a safeguarding concern raised from a card. The
tablet pages are checked by axe, for 44 px targets, and at 200% zoom."""

import datetime
import re
import struct
import zlib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import Tap
from referrals.models import Adult
from safeguarding.models import Concern
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.conftest import PASSWORD
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    PreVisitFactory,
    ProtectiveOrderFactory,
)

from .support import (
    assert_accessible,
    assert_assets_loaded,
    assert_every_page_checked,
    assert_fits_a_thumb,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


def _photograph():
    """A real (if tiny) PNG, so the browser can draw it: a grey-blue square."""

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    size = 16
    rows = b"".join(b"\x00" + b"\x60\x80\xa0" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    return ContentFile(png + chunk(b"IEND", b""), name="photograph.png")


def _family(*, resident, visiting, child, photograph=False):
    case = CaseFactory()
    adult = AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name=resident)
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name=visiting)
    ChildFactory(case=case, first_name=child)
    if photograph:
        PreVisitFactory(case=case, adult=adult, photograph=_photograph())
    return case


def _starts_by_now():
    """10:00, or the hour now if earlier: run before 09:00, an arrival more than an hour
    before the session would be asked about first (attendance.services.EARLY_BEFORE)."""
    now = timezone.localtime().time().replace(minute=0, second=0, microsecond=0)
    return min(datetime.time(10), now)


@pytest.fixture
def morning(cast):
    """Today's session with two families, the volunteer keeping its register, and a
    safeguarding lead to be told of a concern."""
    volunteer = cast("volunteer")
    lead = cast("staff")
    lead.is_safeguarding_lead = True
    lead.save()
    session = ContactSessionFactory(starts_at=_starts_by_now())
    wren = BookingFactory(
        session=session,
        case=_family(resident="Wren", visiting="Idris", child="Juno", photograph=True),
        not_to_collect="Rex Ashdown",
    )
    ProtectiveOrderFactory(case=wren.case, names="Idris")
    oren = BookingFactory(
        session=session, case=_family(resident="Oren", visiting="Tamsin", child="Elowen")
    )
    return volunteer, wren, oren


def _tap(card, name):
    card.get_by_role("button", name=name, exact=True).click()


def check_tablet_page(page, name):
    """What every tablet page must be: accessible, thumb-sized, no sideways scroll."""
    assert_accessible(page, name)
    assert_fits_a_thumb(page)


@pytest.mark.parametrize("orientation", ["tablet", "tablet-landscape"])
def test_a_volunteer_records_a_handover_an_absence_and_a_concern_on_the_tablet(
    page_at, morning, orientation
):
    volunteer, wren, oren = morning
    mail.outbox.clear()
    page = page_at(orientation)
    page.goto("/accounts/login/")
    check_tablet_page(page, "the sign-in page")
    sign_in(page, volunteer)
    check_tablet_page(page, "the volunteer's home")

    page.goto("/sessions/today/")  # one session today: its register opens
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    card = page.locator(f"#booking-{wren.pk}")
    expect(card.get_by_role("heading", level=2)).to_have_text("Juno")
    expect(card).to_contain_text("Must NOT collect: Rex Ashdown")
    expect(card).to_contain_text("An order names: Idris")
    photograph = card.get_by_role("img", name="Photograph of Wren, resident")
    expect(photograph).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photograph.element_handle()
    )
    check_tablet_page(page, "the register")
    assert_assets_loaded(page)
    journey_screenshot(page, f"2-{orientation}-1-register")

    # Arrivals, with the warning when the visiting parent is early.
    _tap(card, "Resident arrived with child")
    expect(page).to_have_url(f"/sessions/{wren.session_id}/register/#booking-{wren.pk}")
    expect(card.get_by_role("status")).to_contain_text("Resident parent arrived with the child")
    expect(card).to_contain_text("On site now: resident parent, child")
    _tap(card, "Visiting arrived")
    expect(card.get_by_role("status")).to_contain_text(
        re.compile(r"Recorded at \d\d:\d\d: Visiting parent arrived")
    )
    expect(card.get_by_role("alert")).to_contain_text("The resident parent is still on site")
    expect(card.get_by_text("The resident parent is still on site")).to_have_count(1)  # once
    check_tablet_page(page, "the register with a warning")
    journey_screenshot(page, f"2-{orientation}-2-warning")

    # Departures, one of them tapped by mistake and undone.
    _tap(card, "Resident left")
    # Sent by the tablet's queue, then the page comes back from the server.
    expect(card.get_by_role("status")).to_contain_text(
        re.compile(r"Recorded at \d\d:\d\d: Resident parent left")
    )
    expect(card).not_to_contain_text("The resident parent is still on site")  # cleared
    undo = card.get_by_role("button", name=re.compile(r"^Undo: resident parent left \d\d:\d\d$"))
    expect(undo).to_be_visible()
    check_tablet_page(page, "the register with an undo")
    journey_screenshot(page, f"2-{orientation}-2b-undo")
    undo.click()
    expect(card.get_by_role("status").last).to_contain_text("Undone: Resident parent left")
    expect(card.locator(".taps s")).to_have_text("Resident parent left")
    expect(card).to_contain_text("The resident parent is still on site")  # back with its reason
    check_tablet_page(page, "the register after an undo")
    _tap(card, "Resident left")
    _tap(card, "Visiting left")
    expect(card).to_contain_text("On site now: child")
    expect(card.get_by_role("button", name="Resident returned")).to_be_visible()

    # The other family has not come.
    other = page.locator(f"#booking-{oren.pk}")
    other.get_by_text("Mark absent…").click()
    check_tablet_page(page, "the register with the absence form open")
    other.get_by_label("Child unwell", exact=True).check()
    other.get_by_role("button", name="Record absence").click()
    expect(other).to_contain_text("Absent: Child unwell")
    expect(other.get_by_role("button", name="Undo absence")).to_be_visible()
    check_tablet_page(page, "the register after the taps")
    journey_screenshot(page, f"2-{orientation}-3-taps-and-absence")

    undone = Tap.objects.get(booking=wren, undone_at__isnull=False)
    assert (undone.kind, undone.undone_by_id) == (Tap.Kind.RESIDENT_LEFT, volunteer.pk)
    assert [tap.kind for tap in Tap.objects.live().filter(booking=wren)] == [
        Tap.Kind.RESIDENT_ARRIVED,
        Tap.Kind.VISITING_ARRIVED,
        Tap.Kind.RESIDENT_LEFT,
        Tap.Kind.VISITING_LEFT,
    ]
    assert {tap.recorded_by_id for tap in Tap.objects.all()} == {volunteer.pk}
    oren.refresh_from_db()
    assert (oren.status, oren.absence_reason) == ("absent", "child_unwell")

    # A concern, from Juno's card.
    card.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raise a safeguarding concern")
    check_tablet_page(page, "the concern form")
    page.get_by_text("Juno", exact=True).click()
    page.get_by_label("Where?").fill("The play room")
    page.get_by_label("What did you see or hear?").fill(
        'Juno said "daddy shouted at me in the car" and started to cry.'
    )
    journey_screenshot(page, f"2-{orientation}-4-concern-form")
    page.get_by_role("button", name="Send to the safeguarding lead").click()
    expect(page.get_by_text("the safeguarding lead has been told")).to_be_visible()
    check_tablet_page(page, "the concern raised")
    journey_screenshot(page, f"2-{orientation}-5-concern-raised")

    concern = Concern.objects.get()
    assert concern.case_id == wren.case_id
    assert [child.first_name for child in concern.children.all()] == ["Juno"]

    # The lead is told, and the e-mail names nobody.
    assert wren.case is not None
    assert "bob.staff@example.test" in {message.to[0] for message in mail.outbox}
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in ("Juno", "Wren", "Idris", "Rex", "Ashdown"):
            assert secret not in text
        assert wren.case.reference not in text

    # The volunteer can never open it again.
    page.goto(f"/safeguarding/concerns/{concern.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is not available to you")
    assert_accessible(page, "the refusal")

    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)


@pytest.mark.parametrize("orientation", ["tablet", "tablet-landscape"])
def test_the_tablet_pages_work_at_200_percent_zoom(page_at, morning, orientation):
    """At 200% the tablet is 384 by 512 CSS px upright (512 by 384 turned): nothing
    scrolls sideways, every action is still 44 px and can be reached and used."""
    volunteer, wren, oren = morning
    page = page_at(orientation, zoom=2)
    page.goto("/accounts/login/")
    check_tablet_page(page, "the sign-in page at 200%")
    sign_in(page, volunteer)
    check_tablet_page(page, "the volunteer's home at 200%")

    page.goto(f"/sessions/{wren.session_id}/register/")
    check_tablet_page(page, "the register at 200%")
    journey_screenshot(page, f"2-{orientation}-zoom-200-register")
    card = page.locator(f"#booking-{wren.pk}")
    _tap(card, "Resident arrived with child")
    expect(card.get_by_role("status")).to_contain_text("Resident parent arrived")
    other = page.locator(f"#booking-{oren.pk}")
    other.get_by_text("Mark absent…").click()
    check_tablet_page(page, "the absence form at 200%")
    other.get_by_label("Other", exact=True).check()
    other.get_by_label("Note (needed for Other)").fill("Fictional: the car broke down.")
    other.get_by_role("button", name="Record absence").click()
    expect(other).to_contain_text("Absent: Other")

    card.get_by_role("link", name="Raise a safeguarding concern").click()
    check_tablet_page(page, "the concern form at 200%")
    send = page.get_by_role("button", name="Send to the safeguarding lead")
    send.scroll_into_view_if_needed()
    expect(send).to_be_in_viewport()
    journey_screenshot(page, f"2-{orientation}-zoom-200-concern-form")
    assert_every_page_checked(page)


def test_the_register_works_with_javascript_off(browser, live_server, morning):
    """Every button is a form that posts: nothing on the register needs a script."""
    volunteer, wren, _ = morning
    context = browser.new_context(
        viewport={"width": 768, "height": 1024},
        base_url=live_server.url,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(volunteer.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.goto(f"/sessions/{wren.session_id}/register/")
        card = page.locator(f"#booking-{wren.pk}")
        _tap(card, "Resident arrived with child")
        expect(card.get_by_role("status")).to_contain_text("Resident parent arrived")
    finally:
        context.close()
    assert Tap.objects.filter(booking=wren).count() == 1


def test_an_arrival_on_tomorrows_register_is_asked_about_before_it_is_recorded(page_at, cast):
    """Staff may open another day's register; an arrival on it asks first, and the first
    tap records nothing."""
    staff = cast("staff")
    tomorrow = BookingFactory(
        session=ContactSessionFactory(date=timezone.localdate() + datetime.timedelta(days=1)),
        case=_family(resident="Wren", visiting="Idris", child="Juno"),
    )
    page = page_at("tablet")
    sign_in(page, staff)
    page.goto(f"/sessions/{tomorrow.session_id}/register/")
    expect(page.locator("main")).to_contain_text("This register is not today's.")
    check_tablet_page(page, "tomorrow's register")
    card = page.locator(f"#booking-{tomorrow.pk}")

    _tap(card, "Resident arrived with child")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the arrival?")
    expect(page.get_by_role("alert")).to_contain_text("This register is tomorrow's")
    assert not Tap.objects.exists()
    check_tablet_page(page, "the question before an arrival on tomorrow's register")
    journey_screenshot(page, "2-tablet-6-arrival-tomorrow")

    page.get_by_role("link", name="No, back to the register").click()
    expect(card).to_contain_text("Not arrived yet.")
    assert not Tap.objects.exists()

    _tap(card, "Resident arrived with child")
    page.get_by_role("button", name="Yes, record: Resident arrived with child").click()
    expect(card.get_by_role("status")).to_contain_text("Resident parent arrived with the child")
    assert Tap.objects.get().booking_id == tomorrow.pk
    assert_every_page_checked(page)
