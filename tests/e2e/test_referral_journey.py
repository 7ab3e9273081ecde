"""A staff member takes a self-referral for supported contact from the referral to an
active case, through the browser, at the office computer's size."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .support import (
    assert_assets_loaded,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    save_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


def section(page, heading):
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=heading, level=2, exact=True)
    )


def add_adult(page, *, role, first_name, last_name, confidential=False):
    section(page, "Adults").get_by_role("link", name="Add an adult").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an adult")
    page.get_by_label("Role").select_option(label=role)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Mailing address").fill("1 Fictional Row\nLarchwood")
    page.get_by_label("Postcode").fill("LW1 4AA")
    if confidential:
        page.get_by_label("Contact details confidential from the other party").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The adult is added to the case.")).to_be_visible()


def record_completed_pre_visit(page, *, adult, on, children=()):
    section(page, "Pre-visits").get_by_role("link", name="Record a pre-visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a pre-visit")
    page.get_by_label("Adult visited").select_option(label=adult)
    for child in children:
        page.get_by_label(child, exact=True).check()
    page.get_by_label("Visited on").fill(on)
    page.get_by_label("Ground rules agreed on").fill(on)
    page.get_by_label("Agreement witnessed by").fill("Bob Stanton")
    page.get_by_label("Arrival and departure arrangements agreed", exact=True).check()
    page.get_by_label("Arrival and departure arrangements", exact=True).fill(
        "Arrives at 10:00 by the side door, fifteen minutes apart from the other party."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The pre-visit is recorded.")).to_be_visible()


def test_a_self_referral_for_supported_contact_becomes_an_active_case(desktop_page, cast):
    page = desktop_page
    today = timezone.localdate().isoformat()
    sign_in(page, cast("staff"))

    # The referral.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Where the referral came from").select_option(label="Self-referral")
    page.get_by_label("Service asked for").select_option(label="Supported contact")
    page.get_by_label("Referrer name").fill("Wren Quillfeather")
    page.get_by_label("Frequency requested").select_option(label="Fortnightly")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("The referral is recorded as case HC-")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case HC-")

    # The family.
    add_adult(
        page,
        role="Resident parent or carer",
        first_name="Wren",
        last_name="Quillfeather",
        confidential=True,
    )
    adults = section(page, "Adults")
    expect(adults.get_by_text("Confidential", exact=True)).to_be_visible()
    expect(adults).to_contain_text("never shown on anything the other party may receive")
    add_adult(page, role="Visiting parent", first_name="Idris", last_name="Ashdown")
    section(page, "Children").get_by_role("link", name="Add a child").click()
    page.get_by_label("First name").fill("Juno")
    page.get_by_label("Last name").fill("Quillfeather")
    page.get_by_label("Date of birth").fill("2019-03-08")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The child is added to the case.")).to_be_visible()

    # Accepted, then the pre-visits, one for each parent on their own.
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_text("The referral is accepted.")).to_be_visible()
    page.get_by_role("button", name="Start pre-visits").click()
    expect(page.get_by_text("The case is at the pre-visit stage.")).to_be_visible()
    expect(page.get_by_role("button", name="Make the case active")).to_be_visible()
    record_completed_pre_visit(
        page, adult="Wren Quillfeather", on=today, children=["Juno Quillfeather"]
    )
    record_completed_pre_visit(page, adult="Idris Ashdown", on=today)
    expect(section(page, "Pre-visits").get_by_text("Checklist complete")).to_have_count(2)

    # Active.
    page.get_by_role("button", name="Make the case active").click()
    expect(page.get_by_text("The case is active: contact sessions can be booked.")).to_be_visible()
    summary = section(page, "Summary")
    expect(summary).to_contain_text("Active since")
    expect(summary).to_contain_text("One year after closure")
    expect(page.get_by_role("button", name="Make the case active")).to_have_count(0)

    assert_no_horizontal_scroll(page)
    assert_assets_loaded(page)
    assert_no_csp_violations_or_js_errors(page)
    save_screenshot(page, "case-active-desktop")
