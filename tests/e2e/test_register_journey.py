"""A volunteer keeps the register on a tablet held upright: the handover of one family,
tap by tap, with the warning that keeps the parents apart, and another family marked
absent; then the same register with the tablet turned."""

import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from attendance.models import Tap
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    PreVisitFactory,
    ProtectiveOrderFactory,
)

from .support import (
    assert_assets_loaded,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    save_screenshot,
    sign_in,
    small_tap_targets,
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


@pytest.fixture
def morning(cast):
    """Today's session with two families, and the volunteer keeping its register."""
    volunteer = cast("volunteer")
    session = ContactSessionFactory()
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


def test_a_volunteer_keeps_the_register_of_a_handover_in_a_few_taps(page_at, morning):
    volunteer, wren, oren = morning
    page = page_at("tablet")
    sign_in(page, volunteer)

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
    assert small_tap_targets(page, within="main") == []
    assert small_tap_targets(page, within="header") == []
    assert_no_horizontal_scroll(page)
    assert_assets_loaded(page)
    save_screenshot(page, "register-tablet-1-start")

    _tap(card, "Resident arrived with child")
    expect(page).to_have_url(f"/sessions/{wren.session_id}/register/#booking-{wren.pk}")
    expect(card.get_by_role("status")).to_contain_text("Resident parent arrived with the child")
    expect(card).to_contain_text("On site now: resident parent, child")

    # The visiting parent is early: the resident parent has not gone yet.
    _tap(card, "Visiting arrived")
    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("The resident parent is still on site")
    expect(card).to_contain_text("Both parents are on site now: keep them apart.")
    save_screenshot(page, "register-tablet-2-warning")

    _tap(card, "Resident left")
    _tap(card, "Visiting left")
    expect(card).to_contain_text("On site now: child")
    expect(card.get_by_role("button", name="Resident returned")).to_be_visible()

    # The other family has not come.
    other = page.locator(f"#booking-{oren.pk}")
    other.get_by_text("Mark absent…").click()
    other.get_by_label("Why they did not come").select_option(label="Child unwell")
    other.get_by_role("button", name="Record absence").click()
    expect(other).to_contain_text("Absent: Child unwell")
    expect(other.get_by_role("button", name="Undo absence")).to_be_visible()

    assert [tap.kind for tap in Tap.objects.filter(booking=wren)] == [
        Tap.Kind.RESIDENT_ARRIVED,
        Tap.Kind.VISITING_ARRIVED,
        Tap.Kind.RESIDENT_LEFT,
        Tap.Kind.VISITING_LEFT,
    ]
    assert {tap.recorded_by_id for tap in Tap.objects.all()} == {volunteer.pk}
    oren.refresh_from_db()
    assert (oren.status, oren.absence_reason) == ("absent", "child_unwell")

    assert small_tap_targets(page, within="main") == []
    assert_no_horizontal_scroll(page)
    assert_no_csp_violations_or_js_errors(page)
    save_screenshot(page, "register-tablet-3-done")


def test_the_register_fits_a_tablet_turned_sideways(page_at, morning):
    volunteer, wren, _ = morning
    page = page_at("tablet-landscape")
    sign_in(page, volunteer)

    page.goto(f"/sessions/{wren.session_id}/register/")
    _tap(page.locator(f"#booking-{wren.pk}"), "Resident arrived with child")

    expect(page.locator(f"#booking-{wren.pk}").get_by_role("status")).to_be_visible()
    assert small_tap_targets(page, within="main") == []
    assert_no_horizontal_scroll(page)
    assert_assets_loaded(page)
    save_screenshot(page, "register-tablet-landscape")


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
        sign_in(page, volunteer)
        page.goto(f"/sessions/{wren.session_id}/register/")
        card = page.locator(f"#booking-{wren.pk}")
        _tap(card, "Resident arrived with child")
        expect(card.get_by_role("status")).to_contain_text("Resident parent arrived")
    finally:
        context.close()
    assert Tap.objects.filter(booking=wren).count() == 1
