"""Journey 3 of issue 9: the safeguarding lead triages a concern a volunteer raised from
the register (journey 2 raises one through the tablet): an incident is opened from it,
triaged and decided, and the family's case shows the safeguarding hold that now stops
its records being disposed of."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Adult
from safeguarding.models import Concern, Hold, Incident
from safeguarding.services import concern_raise
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    assert_no_horizontal_scroll,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def concern(cast):
    """A concern the volunteer raised this morning from Juno's card on the register."""
    volunteer = cast("volunteer")
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name="Wren", last_name="Quillfeather")
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name="Idris", last_name="Ashdown")
    ChildFactory(case=case, first_name="Juno", last_name="Quillfeather")
    booking = BookingFactory(session=ContactSessionFactory(), case=case)
    return concern_raise(
        concern=Concern(
            booking=booking,
            case=case,
            occurred_at=timezone.now() - datetime.timedelta(hours=1),
            where="The play room",
            what_happened='Juno said "daddy shouted at me in the car" and started to cry.',
        ),
        children=case.children.all(),
        actor=volunteer,
    )


def test_the_safeguarding_lead_triages_a_concern_and_the_case_shows_its_hold(
    desktop_page, cast, concern
):
    page = desktop_page
    lead = cast("staff")
    lead.is_safeguarding_lead = True
    lead.save()
    sign_in(page, lead)

    # The concern, from the list of concerns.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safeguarding").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("concerns")
    assert_accessible(page, "the list of concerns")
    page.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_text("daddy shouted at me in the car")).to_be_visible()
    assert_accessible(page, "the concern")
    journey_screenshot(page, "3-concern")

    # Triage: an incident opened from the concern, then its type, severity and decision.
    page.get_by_role("link", name="Open an incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Open an incident from {concern.reference}"
    )
    expect(page.get_by_text("Opening an incident places a safeguarding hold")).to_be_visible()
    assert_accessible(page, "the form opening an incident")
    page.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_role("link", name="Triage and decision")).to_be_visible()
    assert_accessible(page, "the new incident")
    page.get_by_role("link", name="Triage and decision").click()
    assert_accessible(page, "the triage form")
    page.get_by_label("Type").select_option(label="Child protection concern")
    page.get_by_label("Severity").select_option(label="Medium")
    page.get_by_label("Decision", exact=True).fill(
        "Speak with the resident parent at collection; refer to children's services if "
        "it happens again."
    )
    page.get_by_label("Reasons for the decision").fill(
        "A single remark, no injury seen; the child settled during the session."
    )
    journey_screenshot(page, "3-triage-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Triage and decision")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Child protection concern")
    assert_accessible(page, "the triaged incident")
    journey_screenshot(page, "3-incident-triaged")

    incident = Incident.objects.get()
    assert (incident.concern_id, incident.type, incident.severity) == (
        concern.pk,
        Incident.Type.CHILD_PROTECTION,
        Incident.Severity.MEDIUM,
    )

    # The case shows the hold.
    page.locator("main").get_by_role("link", name=concern.case.display_reference).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(concern.case.display_reference)
    holds = page.locator("section").filter(
        has=page.get_by_role("heading", name="Holds", level=2, exact=True)
    )
    expect(holds).to_contain_text("A hold stands: nothing in its scope can be disposed of.")
    expect(holds).to_contain_text("Safeguarding hold")
    holds.scroll_into_view_if_needed()
    assert_accessible(page, "the case with its hold")
    journey_screenshot(page, "3-case-with-hold")
    assert Hold.objects.filter(lifted_at__isnull=True).count() == 1

    assert_no_horizontal_scroll(page)
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
