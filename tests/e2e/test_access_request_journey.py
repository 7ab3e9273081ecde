"""Journey 5 of issue 9: the manager logs a subject access request from a parent, records
the identity check, finds everything held about her, reviews the redactions that keep the
other parent's confidential details out of her pack, and releases it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centre.models import Disclosure
from privacy_requests.models import PrivacyRequest, ResponsePack
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    CommunicationFactory,
)

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

# The other parent, whose contact details are confidential from the one asking.
OTHER = {
    "first_name": "Barnaby",
    "last_name": "Thistlewick",
    "phone": "07700 900 777",
    "address": "12 Hiddenmoor Lane\nSecretbury",
    "postcode": "ZX1 2YY",
}


@pytest.fixture
def parents(cast):
    cast("manager")
    case = CaseFactory()
    asker = AdultFactory(
        case=case,
        role="visiting",
        first_name="Marigold",
        last_name="Pennyworth",
        email="marigold@example.test",
    )
    other = AdultFactory(case=case, role="resident", contact_details_confidential=True, **OTHER)
    ChildFactory(case=case, first_name="Pip", last_name="Pennyworth")
    CommunicationFactory(
        case=case,
        with_whom="Marigold Pennyworth",
        summary="Asked whether Barnaby Thistlewick would be at 12 Hiddenmoor Lane on Saturday.",
    )
    return asker, other


def do(page, action_heading, button, fill=None):
    """Fill in and send one of the request page's "What you can do" forms."""
    card = page.locator(".card").filter(
        has=page.get_by_role("heading", name=action_heading, level=3)
    )
    for label, value in (fill or {}).items():
        card.get_by_label(label).fill(value)
    card.get_by_role("button", name=button).click()


def test_the_manager_logs_a_subject_access_request_and_releases_the_reviewed_pack(
    desktop_page, cast, parents
):
    page = desktop_page
    asker, other = parents
    sign_in(page, cast("manager"))

    # Logged about the parent, found by her name (the register never names people).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    assert_accessible(page, "the register of privacy requests")
    page.get_by_role("link", name="Log a privacy request").click()
    assert_accessible(page, "the form logging a request")
    page.get_by_label("Who it is about").press_sequentially("marigold penny")
    page.get_by_role("radio", name=re.compile("Marigold Pennyworth, visiting parent")).check()
    page.get_by_label("Right exercised").select_option(label="Access (a subject access request)")
    page.get_by_label("How it arrived").select_option(label="Letter")
    page.get_by_label("What is asked").fill("A copy of everything the centre holds about me.")
    journey_screenshot(page, "5-request-form")
    page.get_by_role("button", name="Log a privacy request").click()
    expect(page.get_by_text("is on the register. It is due by")).to_be_visible()
    assert_accessible(page, "the request")
    privacy_request = PrivacyRequest.objects.get()

    do(
        page,
        "Record the identity check",
        "Record the identity check",
        {
            "What was seen": "Fictional driving licence, photo matched",
            "Checked on": timezone.localdate().isoformat(),
        },
    )
    expect(page.get_by_text("The identity check is recorded with your name.")).to_be_visible()
    do(page, "Start work on the request", "Start work")
    assert_accessible(page, "the request at work")
    journey_screenshot(page, "5-request")

    # Finding the person: everything held about her, confirmed as hers.
    page.get_by_role("link", name="Find everything held about the person").click()
    assert_accessible(page, "the search for the person")
    page.get_by_label("Name").fill("Marigold Pennyworth")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Records found")).to_be_visible()
    assert_accessible(page, "the records found")
    found = page.locator("form").filter(
        has=page.get_by_role("button", name="Confirm: the ticked records are this person's")
    )
    for record in found.get_by_role("checkbox").all():
        label = record.evaluate("box => box.labels[0].innerText")
        if "Marigold" in label or f"AD-{asker.pk:04d}" in label:
            record.check()
    journey_screenshot(page, "5-person-found")
    found.get_by_role("button", name="Confirm: the ticked records are this person's").click()
    expect(page.get_by_text("record(s) linked to the request")).to_be_visible()
    assert_accessible(page, "the records confirmed")

    # The pack: built, its redactions reviewed, released.
    page.get_by_role("link", name="The response pack").click()
    assert_accessible(page, "the response pack")
    page.get_by_role("button", name="Build the pack from the confirmed records").click()
    expect(page.get_by_text("The pack is built: review the redactions marked.")).to_be_visible()
    main = page.locator("main")
    expect(main.locator("mark, .redaction, input[type=checkbox]:checked").first).to_be_attached()
    assert_accessible(page, "the pack under review")
    journey_screenshot(page, "5-pack-review")
    page.get_by_label("Redact these words wherever they appear").fill("Saturday")
    page.get_by_role("button", name="Redact them").click()
    expect(page.get_by_text("Redacted in")).to_be_visible()
    page.get_by_role("button", name="Save the redactions").click()
    expect(page.get_by_text("The redactions are saved.")).to_be_visible()
    assert_accessible(page, "the reviewed pack")
    page.get_by_role("button", name="Release the pack as reviewed").click()
    # The first click only shows what leaves, to whom and how.
    expect(page.get_by_text("Nothing has been released yet.")).to_be_visible()
    assert not ResponsePack.objects.get(request=privacy_request).is_released
    assert_accessible(page, "the release confirmation")
    journey_screenshot(page, "5-pack-release-confirm")
    page.get_by_role("button", name=re.compile("^Release the pack to .* now$")).click()
    expect(page.get_by_text("The pack is released and the disclosure recorded.")).to_be_visible()
    for secret in ("Barnaby", "Thistlewick", "07700 900 777", "Hiddenmoor", "ZX1 2YY"):
        expect(main).not_to_contain_text(secret)
    expect(main).to_contain_text("Marigold")
    assert_accessible(page, "the released pack")
    journey_screenshot(page, "5-pack-released")

    pack = ResponsePack.objects.get(request=privacy_request)
    assert pack.is_released
    disclosure = Disclosure.objects.get()
    assert disclosure.what == f"Response to privacy request {privacy_request.reference}"
    assert disclosure.case_reference == asker.case.display_reference
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
