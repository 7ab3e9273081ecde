"""Each role signs in through the real form and lands on a home page made for it, at the
sizes the centre uses: the office computer and a tablet on the hall table."""

import pytest
from playwright.sync_api import expect

from .support import (
    assert_accessible,
    assert_assets_loaded,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    save_screenshot,
    sign_in,
    small_tap_targets,
)

pytestmark = pytest.mark.e2e

GREETINGS = {
    "manager": "Good to see you, {first_name}",
    "staff": "Good to see you, {first_name}",
    "volunteer": "Hello, {first_name}",
}
# The Centre section (staff register, finance records, centre details, audit trail).
MANAGER_ONLY_LINKS = ("Centre",)


def main_navigation(page):
    return page.get_by_role("navigation", name="Main")


@pytest.mark.parametrize("size", ["desktop", "tablet"])
@pytest.mark.parametrize("role", ["manager", "staff", "volunteer"])
def test_each_role_signs_in_to_a_home_page_that_greets_them_and_fits_the_screen(
    role, size, page_at, cast
):
    user = cast(role)
    page = page_at(size)

    sign_in(page, user)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    first_name = user.full_name.split()[0]
    expect(heading).to_have_text(GREETINGS[role].format(first_name=first_name))

    navigation = main_navigation(page)
    home = "Home" if role == "volunteer" else "Today"
    expect(navigation.get_by_role("link", name=home, exact=True)).to_be_visible()
    expect(navigation.get_by_role("button", name="Sign out")).to_be_visible()
    for label in MANAGER_ONLY_LINKS:
        link = navigation.get_by_role("link", name=label, exact=True)
        if role == "manager":
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)

    assert_no_horizontal_scroll(page)
    assert_assets_loaded(page)
    assert_no_csp_violations_or_js_errors(page)
    save_screenshot(page, f"{role}-{size}")


def test_every_button_and_link_on_the_volunteers_tablet_home_is_big_enough_for_a_thumb(
    tablet_page, cast
):
    sign_in(tablet_page, cast("volunteer"))

    expect(tablet_page.locator("main").get_by_role("button")).not_to_have_count(0)
    assert small_tap_targets(tablet_page, within="main") == []


def test_a_visitor_is_sent_to_sign_in_and_a_wrong_password_does_not_sign_them_in(
    desktop_page, cast
):
    page = desktop_page
    staff = cast("staff")

    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Handover")

    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill("not-the-right-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_text("do not match an account")).to_have_count(1)
    expect(page).to_have_url("/accounts/login/?next=/")
    expect(main_navigation(page).get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page, "the sign-in page with its error")
    assert_no_csp_violations_or_js_errors(page)
    save_screenshot(page, "sign-in-refused-desktop")

    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")


# The homes lead the day: what is urgent comes first, and the figures after it.
STAFF_SECTIONS = ["Today, ", "Cases waiting on the centre"]
MANAGER_SECTIONS = [
    "Today, ",
    "Cases waiting on the centre",
    "Retention",
    "Privacy requests and complaints",
    "Safeguarding",
    "People who work here",
    "The last twelve months",
]


@pytest.mark.parametrize(
    ("role", "sections"), [("staff", STAFF_SECTIONS), ("manager", MANAGER_SECTIONS)]
)
def test_the_staff_and_manager_homes_put_the_days_tasks_before_the_figures(
    role, sections, desktop_page, cast
):
    page = desktop_page

    sign_in(page, cast(role))  # axe checks the home page on the way in

    headings = page.locator("main").get_by_role("heading", level=2).all_inner_texts()
    found = [next((h for h in headings if h.startswith(s)), None) for s in sections]
    assert None not in found, f"missing among {headings}"
    assert [headings.index(h) for h in found] == sorted(headings.index(h) for h in found)
    expect(page.get_by_text("No sessions today. Set up the coming sessions")).to_be_visible()
    assert_no_csp_violations_or_js_errors(page)
