"""Issue 17: the manager decides an erasure request through its confirmation page. The
first click lists the record that would be erased (with a link to look at it), what its
disposal would destroy and what is kept, and decides nothing; only the second step,
which names the number, puts the record in the disposal queue."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centre.services import record_save
from privacy_requests.models import PrivacyRequest
from referrals.models import Adult
from retention.models import ErasureDecision, QueueItem
from tests.retention.factories import closed_case

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def erasure_request(cast):
    case = closed_case(timezone.localdate() - datetime.timedelta(days=200), rule="contact-self")
    adult = case.adults.get(role=Adult.Role.RESIDENT)
    return record_save(
        record=PrivacyRequest(
            subject_adult=adult,
            right=PrivacyRequest.Right.ERASURE,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=timezone.localdate() - datetime.timedelta(days=1),
            details="Fictional: please delete my details.",
            identity_evidence="Fictional passport",
            identity_verified_on=timezone.localdate(),
        )
    )


def test_the_manager_confirms_an_erasure_with_what_it_destroys(desktop_page, cast, erasure_request):
    page = desktop_page
    adult = erasure_request.subject_adult
    sign_in(page, cast("manager"))

    page.goto(f"/privacy-requests/{erasure_request.pk}/")
    assert_accessible(page, "the erasure request")
    page.get_by_role("button", name="Decide what is erased and what is kept").click()

    # The first click shows what would go, and decides nothing.
    expect(page.get_by_text("Nothing has been decided yet.")).to_be_visible()
    main = page.locator("main")
    expect(main.get_by_role("link", name=f"AD-{adult.pk:04d} of")).to_have_attribute(
        "href", f"/cases/{adult.case_id}/"
    )
    expect(main).to_contain_text("What will be destroyed once the disposal is approved")
    expect(main).to_contain_text("A proof of disposal for each record erased")
    assert not QueueItem.objects.exists()
    assert not ErasureDecision.objects.exists()
    assert Adult.objects.filter(pk=adult.pk).exists()
    assert_accessible(page, "the erasure confirmation")
    journey_screenshot(page, "17-erasure-confirmation")

    # The second, deliberate step names the number.
    main.get_by_role("button", name="Put 1 record in the disposal queue to be erased").click()
    expect(page.get_by_text("1 record put in the disposal queue for your approval")).to_be_visible()
    assert_accessible(page, "the request after the erasure decision")
    item = QueueItem.objects.get()
    assert (item.reason, item.request_reference) == ("erasure", erasure_request.reference)
    assert Adult.objects.filter(pk=adult.pk).exists()  # destroyed only once approved
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
