"""Screenshots of each main page (issue 17), for people to look at: the office pages at
1366 by 900 pixels, the laptop the centre has, and the tablet register at 768 by 1024. They
go where the e2e run leaves its artifacts (``test-artifacts/e2e/pages/`` unless
``E2E_ARTIFACTS_DIR`` says otherwise). Pages are reached by the name of their address, so
the test follows the pages as they change; each is checked by axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    ARTIFACTS_DIR,
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    save_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
FOLDER = ARTIFACTS_DIR / "pages"


@pytest.fixture
def booked_family(cast):
    """A family with a case and a booking in today's session, so that the case, the
    session and the register have something to show."""
    cast("manager")
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name="Wren")
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name="Idris")
    ChildFactory(case=case, first_name="Juno")
    return BookingFactory(session=ContactSessionFactory(), case=case)


def _shoot(page, url, name):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, name)
    path = save_screenshot(page, name, folder=FOLDER)
    assert path.stat().st_size > 0


def test_a_screenshot_of_each_main_page_of_the_manager_at_1366_pixels(page_at, cast, booked_family):
    page = page_at(LAPTOP)
    sign_in(page, cast("manager"))
    pages = [
        ("home", [], "manager-home"),
        ("referrals:case_list", [], "case-list"),
        ("referrals:case_detail", [booked_family.case.pk], "case"),
        ("attendance:session_list", [], "sessions"),
        ("attendance:session_detail", [booked_family.session.pk], "session"),
        ("attendance:report_list", [], "reports"),
        ("attendance:quarterly_return", [], "quarterly-return"),
        ("safeguarding:concern_list", [], "concerns"),
        ("safeguarding:incident_list", [], "incidents"),
        ("safeguarding:accident_list", [], "accident-book"),
        ("safeguarding:hold_list", [], "holds"),
        ("retention:queue", [], "retention-queue"),
        ("privacy_requests:register", [], "privacy-requests"),
        ("centre:staff_list", [], "staff-register"),
        ("centre:finance_list", [], "finance-records"),
        ("centre:audit_list", [], "audit-trail"),
    ]
    for name, args, file_name in pages:
        _shoot(page, reverse(name, args=args), file_name)
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)


def test_a_screenshot_of_the_staff_home_at_1366_pixels(page_at, cast, booked_family):
    page = page_at(LAPTOP)
    sign_in(page, cast("staff"))
    _shoot(page, reverse("home"), "staff-home")
    assert_every_page_checked(page)


def test_a_screenshot_of_the_volunteers_home_and_the_tablet_register_at_768_by_1024(
    page_at, cast, booked_family
):
    page = page_at("tablet")
    sign_in(page, cast("volunteer"))
    _shoot(page, reverse("home"), "volunteer-home-tablet")
    # One session today: its register opens.
    _shoot(page, reverse("attendance:register_today"), "register-tablet")
    expect(page.locator("main")).to_contain_text("Juno")
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
