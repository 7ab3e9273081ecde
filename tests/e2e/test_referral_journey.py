"""Journey 1 of issue 9: a member of staff receives a Cafcass referral with a court order,
records both pre-visits and books the family into fortnightly sessions, through the
browser at the office computer's size. axe checks every page on the way."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import Booking
from referrals.models import Case
from tests.attendance.factories import ContactSessionFactory
from tests.factories import PDF_BYTES

from .support import (
    assert_accessible,
    assert_assets_loaded,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


def section(page, heading):
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=heading, level=2, exact=True)
    )


def open_tab(page, label):
    """One tab of the case's page, from its tab bar."""
    tabs = page.get_by_role("navigation", name="Parts of this case")
    tabs.get_by_role("link", name=label, exact=True).click()
    expect(tabs.locator('[aria-current="page"]')).to_have_text(label)
    assert_accessible(page, f"the case's {label.lower()} tab")


def add_adult(page, *, role, first_name, last_name, confidential=False):
    section(page, "Adults").get_by_role("link", name="Add an adult").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an adult")
    assert_accessible(page, "the form to add an adult")
    page.get_by_label("Role").select_option(label=role)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Mailing address").fill("1 Fictional Row\nLarchwood")
    page.get_by_label("Postcode").fill("LW1 4AA")
    if confidential:
        page.get_by_label("Contact details confidential from the other party").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The adult is added to the case.")).to_be_visible()
    assert_accessible(page, "the case page")


def record_completed_pre_visit(page, *, adult, on, children=()):
    section(page, "Pre-visits").get_by_role("link", name="Record a pre-visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a pre-visit")
    assert_accessible(page, "the pre-visit form")
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


def saturdays_ahead(count):
    """The next ``count`` Saturdays after today."""
    today = timezone.localdate()
    first = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return [first + datetime.timedelta(weeks=week) for week in range(count)]


@pytest.fixture
def saturday_sessions(cast):
    """Saturday mornings in the main hall for the next six weeks."""
    cast("staff")
    return [ContactSessionFactory(date=day) for day in saturdays_ahead(6)]


def test_a_cafcass_referral_with_a_court_order_becomes_a_case_booked_fortnightly(
    desktop_page, cast, saturday_sessions
):
    page = desktop_page
    today = timezone.localdate().isoformat()
    sign_in(page, cast("staff"))

    # The referral, from Cafcass, with a copy of the court order.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    assert_accessible(page, "the case list")
    page.get_by_role("link", name="New referral").click()
    assert_accessible(page, "the referral form")
    page.get_by_label("Where the referral came from").select_option(label="Cafcass")
    page.get_by_label("Service asked for").select_option(label="Supported contact")
    page.get_by_label("Referrer name").fill("Priya Fenwick")
    page.get_by_label("Referrer organisation").fill("Cafcass (fictional office)")
    page.get_by_label("There is a court order").check()
    page.get_by_label("Court order type").fill("Child arrangements order")
    page.get_by_label("Court order date").fill("2026-09-14")
    page.get_by_label("Copy of the court order").set_input_files(
        {"name": "order.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Cafcass is involved").check()
    page.get_by_label("Frequency requested").select_option(label="Fortnightly")
    journey_screenshot(page, "1-referral-form")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("The referral is recorded as case HC-")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case HC-")
    assert_accessible(page, "the new case")
    open_tab(page, "Records")
    referral = section(page, "Referral")
    expect(referral).to_contain_text("Cafcass")
    expect(referral).to_contain_text("Yes: Child arrangements order")
    with page.expect_download() as download:
        referral.get_by_role("link", name="Download the copy of the court order").click()
    assert download.value.path().read_bytes() == PDF_BYTES
    journey_screenshot(page, "1-case-referred")

    # The family.
    open_tab(page, "People")
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
    assert_accessible(page, "the form to add a child")
    page.get_by_label("First name").fill("Juno")
    page.get_by_label("Last name").fill("Quillfeather")
    page.get_by_label("Date of birth").fill("2019-03-08")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The child is added to the case.")).to_be_visible()

    # Accepted (the header's next step), then the pre-visits, one for each parent on
    # their own.
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_text("The referral is accepted.")).to_be_visible()
    open_tab(page, "Pre-visits")
    record_completed_pre_visit(
        page, adult="Wren Quillfeather", on=today, children=["Juno Quillfeather"]
    )
    record_completed_pre_visit(page, adult="Idris Ashdown", on=today)
    expect(section(page, "Pre-visits").get_by_text("Checklist complete")).to_have_count(2)
    assert_accessible(page, "the case with both pre-visits")
    journey_screenshot(page, "1-pre-visits-recorded")

    # Both pre-visits complete: the next step is to make the case active, in one move from
    # accepted. Then booked every other Saturday for five weeks.
    page.get_by_role("button", name="Make the case active").click()
    expect(page.get_by_text("The case is active: contact sessions can be booked.")).to_be_visible()
    open_tab(page, "History")
    history = section(page, "Status history")
    expect(history.get_by_role("cell", name="Pre-visits", exact=True)).to_have_count(2)
    open_tab(page, "Sessions and reports")
    page.get_by_role("link", name="Book into a session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book case HC-")
    assert_accessible(page, "the booking form")
    first, *_, fifth, _sixth = saturday_sessions
    page.get_by_role("combobox", name=re.compile(r"^Session")).select_option(value=str(first.pk))
    page.get_by_role("textbox", name=re.compile(r"^Who may collect")).fill("Wren Quillfeather")
    page.get_by_label("Repeat", exact=True).select_option(label="Every fortnight")
    page.get_by_label("Repeat until").fill(fifth.date.isoformat())
    journey_screenshot(page, "1-booking-form")
    page.get_by_role("button", name="Book the family").click()
    expect(page.get_by_text("is booked into 3 sessions")).to_be_visible()
    assert_accessible(page, "the case's sessions")
    journey_screenshot(page, "1-booked-fortnightly")

    case = Case.objects.get()
    assert case.referral.source == "cafcass"
    assert case.referral.court_order and case.referral.court_order_copy
    moves = case.status_changes.order_by("pk").values_list("to_status", flat=True)
    assert list(moves) == ["received", "accepted", "pre_visits", "active"]
    booked = Booking.objects.filter(case=case).order_by("session__date")
    assert [booking.session.date for booking in booked] == [
        saturday_sessions[0].date,
        saturday_sessions[2].date,
        saturday_sessions[4].date,
    ]

    assert_no_horizontal_scroll(page)
    assert_assets_loaded(page)
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
