"""The main navigation of issue 17, in Chromium: a handful of sections in one row at 1366
pixels for each role (the manager has the most), and on a section's pages a bar of the
section's own pages, the current one marked. Every page visited is checked by axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    sign_in,
)

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}

# Tops and bottoms of each thing in the header's main row: the brand, each section's link,
# the person's name and role, "Your sign-in" and "Sign out".
_ROW = """() => {
  const nav = document.querySelector('nav[aria-label="Main"]');
  const parts = [
    nav.querySelector('.navbar-brand'),
    ...nav.querySelectorAll('.site-sections > li'),
    ...nav.querySelectorAll('.site-account > *'),
  ];
  return {
    height: nav.getBoundingClientRect().height,
    parts: parts.map((el) => {
      const box = el.getBoundingClientRect();
      return {text: el.innerText.trim(), top: box.top, bottom: box.bottom, offsetTop: el.offsetTop};
    }),
    sections: [...nav.querySelectorAll('.site-sections > li')].map((li) => li.offsetTop),
  };
}"""

SECTIONS_OF = {
    "manager": ["Today", "Cases", "Sessions", "Safeguarding", "Privacy", "Centre"],
    "lead": ["Today", "Cases", "Sessions", "Safeguarding", "Privacy"],
    "staff": ["Today", "Cases", "Sessions", "Privacy"],
    "volunteer": ["Home", "Today's register"],
}


@pytest.fixture
def person(cast):
    def of(role):
        if role != "lead":
            return cast(role)
        lead = cast("staff")
        lead.is_safeguarding_lead = True
        lead.save()
        return lead

    return of


@pytest.mark.parametrize("role", ["manager", "lead", "staff", "volunteer"])
def test_the_main_navigation_fits_one_row_at_1366_pixels_for_each_role(role, page_at, person):
    page = page_at(LAPTOP)
    sign_in(page, person(role))

    main = page.get_by_role("navigation", name="Main")
    expect(main.locator(".site-sections > li")).to_have_text(SECTIONS_OF[role])
    expect(main.get_by_role("button", name="Sign out")).to_be_visible()
    row = page.evaluate(_ROW)
    assert len(set(row["sections"])) == 1, f"the sections wrap onto more lines: {row['parts']}"
    # Everything in the row overlaps one band of height: nothing went onto a second line.
    top = max(part["top"] for part in row["parts"])
    bottom = min(part["bottom"] for part in row["parts"])
    assert top < bottom, f"the header is more than one row as {role}: {row['parts']}"
    assert row["height"] < 72, f"the header is {row['height']} px high as {role}"
    assert_no_horizontal_scroll(page)
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)


# Each section, and the pages the manager sees in its bar.
PAGES_OF = {
    "Today": ["Home", "Today's register"],
    "Sessions": ["Sessions", "Reports", "Quarterly return"],
    "Safeguarding": ["Safeguarding concerns", "Incidents", "Accident book", "Holds"],
    "Privacy": ["Privacy requests", "Retention"],
    "Centre": ["Staff register", "Finance records", "Centre details", "Audit trail"],
}


def test_a_sections_pages_show_in_a_bar_on_its_pages_with_the_current_one_marked(page_at, person):
    page = page_at(LAPTOP)
    sign_in(page, person("manager"))
    main = page.get_by_role("navigation", name="Main")

    for section, pages in PAGES_OF.items():
        main.get_by_role("link", name=section, exact=True).click()
        expect(main.get_by_role("link", name=section, exact=True)).to_have_attribute(
            "aria-current", "true"
        )
        bar = page.get_by_role("navigation", name=f"{section} section")
        expect(bar.get_by_role("link")).to_have_text(pages)
        expect(bar.get_by_role("link", name=pages[0], exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert_accessible(page, f"the first page of {section}")
        if section == "Today":
            continue  # today's register is the tablet's page, with a header of its own
        last = pages[-1]
        bar.get_by_role("link", name=last, exact=True).click()
        expect(bar.get_by_role("link", name=last, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(bar.locator('[aria-current="page"]')).to_have_count(1)
        expect(main.get_by_role("link", name=section, exact=True)).to_have_attribute(
            "aria-current", "true"
        )
        assert_accessible(page, f"{last}, in {section}")

    # A section of one page has no bar.
    main.get_by_role("link", name="Cases", exact=True).click()
    expect(page).to_have_url(reverse("referrals:case_list"))
    expect(page.locator(".site-subnav")).to_have_count(0)
    assert_accessible(page, "the case list")
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)


def test_a_volunteer_keeps_the_two_links_they_had_and_no_bar(page_at, person):
    page = page_at(LAPTOP)
    sign_in(page, person("volunteer"))

    main = page.get_by_role("navigation", name="Main")
    expect(main.get_by_role("link", name="Home", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(".site-subnav")).to_have_count(0)
    assert_every_page_checked(page)
