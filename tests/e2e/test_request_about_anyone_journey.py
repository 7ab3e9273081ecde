"""Issue 14, requests about anyone: the manager logs a request from a person the centre
does not hold as a record, by the name they gave.

(a) A grandmother held only in a pre-visit's list of who may collect the child asks for
    her data: the search, filled in with her name, finds the collection list; the manager
    confirms it, builds the pack, and releases it.
(b) A former child whose case was disposed of asks: once their identity is checked and
    the search finds nothing, the manager answers "no data held", citing the proof of
    disposal (a reference that does not exist is refused first).

Every person, date and number is invented."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centre.models import Disclosure
from privacy_requests.models import PrivacyRequest, RequestRecord, ResponsePack
from retention.models import DisposalRecord
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.privacy_requests.declared import declare_free_text
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory, PreVisitFactory
from tests.retention.factories import closed_case

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

GRANDMOTHER = "Hesper Quillon"
FORMER_CHILD = "Odo Vellacott"
FORMER_REFERENCE = "HC-2013-0042"


def do(page, action_heading, button, fill=None, select=None):
    """Fill in and send one of the request page's "What you can do" forms."""
    card = page.locator(".card").filter(
        has=page.get_by_role("heading", name=action_heading, level=3)
    )
    for label, value in (fill or {}).items():
        card.get_by_label(label).fill(value)
    for label, value in (select or {}).items():
        card.get_by_label(label).select_option(label=value)
    card.get_by_role("button", name=button).click()


def log_by_name(page, *, name, date_of_birth="", details, what):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    assert_accessible(page, "the register of privacy requests")
    page.get_by_role("link", name="Log a privacy request").click()
    assert_accessible(page, "the form logging a request")
    page.get_by_label("Or: the name of a person the centre does not hold").fill(name)
    if date_of_birth:
        page.get_by_label("Their date of birth, as given").fill(date_of_birth)
    page.get_by_label("Other details given to find them").fill(details)
    page.get_by_label("Right exercised").select_option(label="Access (a subject access request)")
    page.get_by_label("How it arrived").select_option(label="Letter")
    page.get_by_label("What is asked").fill(what)
    page.get_by_role("button", name="Log a privacy request").click()
    expect(page.get_by_text("is on the register. It is due by")).to_be_visible()
    assert_accessible(page, "the request about a named person")
    privacy_request = PrivacyRequest.objects.get()
    # The request is known by its reference only: never by the name, in the address or
    # on the register.
    assert name.split()[-1] not in page.url
    expect(page.locator("main")).to_contain_text(f"a person named in {privacy_request.reference}")
    return privacy_request


@pytest.fixture
def grandmother_in_a_collection_list(cast, monkeypatch):
    cast("manager")
    declare_free_text(monkeypatch)
    case = CaseFactory()
    resident = AdultFactory(
        case=case, role="resident", first_name="Tamsin", last_name="Vell", phone="07700 900 101"
    )
    AdultFactory(case=case, role="visiting", first_name="Corin", last_name="Vell")
    ChildFactory(case=case, first_name="Wynn", last_name="Vell")
    return PreVisitFactory(
        case=case,
        adult=resident,
        who_may_collect=f"Tamsin, or Wynn's grandmother {GRANDMOTHER} (07700 900 314).",
    )


def test_a_grandmother_held_only_in_a_collection_list_gets_her_data(
    desktop_page, cast, grandmother_in_a_collection_list
):
    page = desktop_page
    pre_visit = grandmother_in_a_collection_list
    sign_in(page, cast("manager"))

    privacy_request = log_by_name(
        page,
        name=GRANDMOTHER,
        details="Collects her grandson Wynn; phone 07700 900 314.",
        what="Everything the centre holds about me.",
    )
    expect(page.locator("main")).to_contain_text(GRANDMOTHER)
    do(
        page,
        "Record the identity check",
        "Record the identity check",
        {
            "What was seen": "Fictional passport, seen in person",
            "Checked on": timezone.localdate().isoformat(),
        },
    )
    expect(page.get_by_text("The identity check is recorded with your name.")).to_be_visible()
    journey_screenshot(page, "14a-request-about-a-named-person")

    # The search starts from what she gave, and finds her in the collection list.
    page.get_by_role("link", name="Find everything held about the person").click()
    assert_accessible(page, "the search, filled in with what was given")
    expect(page.get_by_label("Name")).to_have_value(GRANDMOTHER)
    expect(page.get_by_label("Phone")).to_have_value("07700 900 314")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Records found")).to_be_visible()
    assert_accessible(page, "the records found in free text")
    found = page.locator("form").filter(
        has=page.get_by_role("button", name="Confirm: the ticked records are this person's")
    )
    collection_list = found.get_by_role("checkbox", name="who may collect")
    expect(collection_list).to_have_count(1)
    collection_list.check()
    journey_screenshot(page, "14a-found-in-the-collection-list")
    found.get_by_role("button", name="Confirm: the ticked records are this person's").click()
    expect(page.get_by_text("1 record(s) linked to the request")).to_be_visible()
    assert_accessible(page, "the collection list confirmed")
    (link,) = RequestRecord.objects.filter(request=privacy_request)
    assert (link.record_type, link.object_id) == ("referrals.previsit", pre_visit.pk)

    # The pack, built from what was confirmed, reviewed and released.
    page.get_by_role("link", name="The response pack").click()
    assert_accessible(page, "the response pack")
    page.get_by_role("button", name="Build the pack from the confirmed records").click()
    expect(page.get_by_text("The pack is built")).to_be_visible()
    assert_accessible(page, "the pack under review")
    page.get_by_role("button", name="Save the redactions").click()
    expect(page.get_by_text("The redactions are saved.")).to_be_visible()
    page.get_by_role("button", name="Release the pack as reviewed").click()
    # The first click only shows what leaves, to whom and how.
    expect(page.get_by_text("Nothing has been released yet.")).to_be_visible()
    assert not ResponsePack.objects.get(request=privacy_request).is_released
    assert_accessible(page, "the release confirmation")
    journey_screenshot(page, "14a-pack-release-confirm")
    page.get_by_role("button", name=re.compile("^Release the pack to .* now$")).click()
    expect(page.get_by_text("The pack is released and the disclosure recorded.")).to_be_visible()
    assert_accessible(page, "the released pack")
    journey_screenshot(page, "14a-pack-released")

    assert ResponsePack.objects.get(request=privacy_request).is_released
    disclosure = Disclosure.objects.get()
    assert disclosure.what == f"Response to privacy request {privacy_request.reference}"
    assert GRANDMOTHER.split()[-1] not in disclosure.person_label
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)


@pytest.fixture
def disposed_case(cast):
    """A court-ordered case closed in 2022, due in 2025 and disposed of through the
    queue: all that remains of it is its proof of disposal."""
    manager = cast("manager")
    as_of = datetime.date(2026, 6, 1)
    closed_case(datetime.date(2022, 4, 30), former_reference=FORMER_REFERENCE)
    retention_sweep(as_of=as_of)
    disposal_approve(actor=manager)
    assert dispose_approved(today=as_of)["disposed"] >= 1
    return DisposalRecord.objects.get(kind="case", ref=FORMER_REFERENCE)


def test_a_former_child_whose_case_was_disposed_of_is_told_no_data_is_held(
    desktop_page, cast, disposed_case
):
    page = desktop_page
    sign_in(page, cast("manager"))

    privacy_request = log_by_name(
        page,
        name=FORMER_CHILD,
        date_of_birth="2008-05-01",
        details=f"Came to the centre as a child, 2013 to 2015; case {FORMER_REFERENCE}.",
        what="Whatever the centre still holds about my visits as a child.",
    )
    do(
        page,
        "Record the identity check",
        "Record the identity check",
        {
            "What was seen": "Fictional driving licence, seen in person",
            "Checked on": timezone.localdate().isoformat(),
        },
    )
    expect(page.get_by_text("The identity check is recorded with your name.")).to_be_visible()

    page.get_by_role("link", name="Find everything held about the person").click()
    assert_accessible(page, "the search for a former child")
    expect(page.get_by_label("Name")).to_have_value(FORMER_CHILD)
    expect(page.get_by_label("Date of birth")).to_have_value("2008-05-01")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Nothing was found.")).to_be_visible()
    assert_accessible(page, "nothing found")
    journey_screenshot(page, "14b-nothing-found")
    page.get_by_role("link", name="on the request's page").click()
    assert_accessible(page, "the request, to answer it")

    # A reference that is on no proof is refused, and nothing is saved.
    do(
        page,
        "Answer: no data held",
        "Answer that no data is held",
        {"Reference on the proof of disposal": "HC-2013-9999"},
    )
    # Listed once at the top, linked to the field, and said again beside the field.
    problem = "No proof of disposal has the reference HC-2013-9999."
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    link = summary.get_by_role("link", name=problem)
    expect(link).to_be_visible()
    field = link.get_attribute("href")
    expect(page.locator(field)).to_be_visible()
    expect(page.locator("main strong").filter(has_text=problem)).to_be_visible()
    assert_accessible(page, "the answer refused")
    assert PrivacyRequest.objects.get().status == PrivacyRequest.Status.RECEIVED

    do(
        page,
        "Answer: no data held",
        "Answer that no data is held",
        {"Reference on the proof of disposal": FORMER_REFERENCE},
    )
    expect(page.get_by_text("is answered: no data held")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("No personal data about the person this request is about")
    expect(main).to_contain_text(f"Case {FORMER_REFERENCE}: disposed of on")
    expect(main).to_contain_text(disposed_case.get_rule_display())
    assert_accessible(page, "the request answered: no data held")
    journey_screenshot(page, "14b-no-data-held")

    privacy_request.refresh_from_db()
    assert privacy_request.status == PrivacyRequest.Status.COMPLETED
    assert privacy_request.disposal_proof == disposed_case
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
