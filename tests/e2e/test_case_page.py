"""The case page can be taken in (issue 17): with the demo's largest case, the overview
fits under 1,500 pixels at the laptop's 1366 x 900, and every tab is reached from the tab
bar, marked as the current one and checked by axe."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from referrals.models import Case

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
TABS = ["People", "Pre-visits", "Sessions and reports", "Records", "History", "Overview"]


def largest_case():
    """The demo case with the most records of its own."""

    def size(case):
        return sum(
            manager.count()
            for manager in (
                case.adults,
                case.children,
                case.pre_visits,
                case.consents,
                case.communications,
                case.documents,
                case.protective_orders,
                case.status_changes,
            )
        )

    return max(Case.objects.all(), key=size)


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return largest_case()


def test_the_overview_of_the_largest_case_fits_and_every_tab_is_reachable(demo, page_at, cast):
    page = page_at(LAPTOP)
    sign_in(page, cast("manager"))

    page.goto(f"/cases/{demo.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {demo.reference}")
    assert_accessible(page, "the case's overview")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 1500, f"the overview of {demo.reference} is {height} px high"
    journey_screenshot(page, "17-case-overview")

    tabs = page.get_by_role("navigation", name="Parts of this case")
    for label in TABS:
        tabs.get_by_role("link", name=label, exact=True).click()
        current = tabs.locator('[aria-current="page"]')
        expect(current).to_have_text(label)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {demo.reference}")
        assert_accessible(page, f"the case's {label.lower()} tab")
        assert_no_horizontal_scroll(page)

    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
