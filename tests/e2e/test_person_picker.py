"""Issue 17, people found by name: with JavaScript on, a staff member logging a privacy
request types part of a parent's name (without its accent), the results come as she
types, showing names, roles and cases, and the one she picks is the request's subject.

Every person, date and number is invented."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent
from privacy_requests.models import PrivacyRequest
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def families(cast):
    cast("staff")
    case = CaseFactory()
    zoe = AdultFactory(
        case=case,
        role="resident",
        first_name="Zoë",
        last_name="Brackenridge",
        date_of_birth=datetime.date(1988, 4, 3),
    )
    AdultFactory(case=case, role="visiting", first_name="Idris", last_name="Brackenridge")
    ChildFactory(case=case, first_name="Elowen", last_name="Brackenridge")
    # A namesake in another family, so the case tells them apart.
    AdultFactory(case=CaseFactory(), role="visiting", first_name="Zoe", last_name="Ashdown")
    return zoe


def test_a_parent_found_as_you_type_is_the_requests_subject(desktop_page, cast, families):
    page = desktop_page
    zoe = families
    sign_in(page, cast("staff"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    assert_accessible(page, "the register of privacy requests")
    page.get_by_role("link", name="Log a privacy request").click()
    assert_accessible(page, "the form logging a request")

    page.get_by_label("Who it is about").press_sequentially("zoe")
    results = page.locator("[data-person-picker-results]")
    expect(results.get_by_role("radio")).to_have_count(2)
    expect(results).to_contain_text("Zoë Brackenridge, resident parent or carer, born 3/4/1988")
    expect(results).to_contain_text(f"of case {zoe.case.reference}")
    expect(results).to_contain_text("Zoe Ashdown, visiting parent")
    # Nothing typed went into the address, and no whole page was loaded.
    assert "zoe" not in page.url.lower()
    assert_accessible(page, "the form with the people found")
    journey_screenshot(page, "17-person-picker")

    page.get_by_label("Who it is about").press_sequentially(" brack")
    expect(results.get_by_role("radio")).to_have_count(1)
    results.get_by_role("radio", name=re.compile("Zoë Brackenridge")).check()
    page.get_by_label("Right exercised").select_option(label="Access (a subject access request)")
    page.get_by_label("How it arrived").select_option(label="Letter")
    page.get_by_label("What is asked").fill("A copy of everything the centre holds about me.")
    page.get_by_role("button", name="Log a privacy request").click()

    expect(page.get_by_text("is on the register. It is due by")).to_be_visible()
    assert_accessible(page, "the request")
    assert PrivacyRequest.objects.get().subject_adult == zoe
    # Each search was recorded, by its number of results only.
    assert AuditEvent.objects.filter(kind="person search").exists()
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
