"""Journey 4 of issue 9: the manager sees a self-referral case that is due in the disposal
queue, opens the approval, sees what it destroys (nothing is approved by that first
click), confirms it, a real Celery worker (over Redis, on the test's PostgreSQL
database) disposes of it, and the proof of disposal appears; a case under a legal hold, due on the
same day, is never in the queue.

The clock is moved by dates, not by waiting: both cases closed on a fixed day long ago,
and the sweep runs as of the day the one-year rule for self-referrals made them due."""

import datetime
import time
from functools import partial

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention import tasks
from retention.models import DisposalRecord, QueueItem
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e

CLOSED_ON = datetime.date(2025, 1, 6)
DUE_ON = datetime.date(2026, 1, 6)  # self-referral: one year after closure
WORKER_TIMEOUT_S = 60


def closed_self_referral(*, actor, resident):
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=CLOSED_ON - datetime.timedelta(days=120),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name=resident)
    AdultFactory(case=case, role=Adult.Role.VISITING)
    ChildFactory(case=case)
    BookingFactory(case=case, session=ContactSessionFactory(date=CLOSED_ON))
    return case_close(
        case=case, closed_on=CLOSED_ON, reason="Fictional: contact moved on.", actor=actor
    )


@pytest.fixture
def disposals_go_to_the_test_worker(celery_worker_queue, monkeypatch):
    """The approval queues its task as in production; only the queue is the test
    worker's own, so a parallel run's worker never takes it."""
    task = tasks.dispose_approved
    monkeypatch.setattr(task, "apply_async", partial(task.apply_async, queue=celery_worker_queue))


@pytest.fixture
def two_closed_cases(cast):
    manager = cast("manager")
    due = closed_self_referral(actor=manager, resident="Wren")
    held = closed_self_referral(actor=manager, resident="Oren")
    hold_place(
        hold=Hold(
            case=held,
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=datetime.date.today() + datetime.timedelta(days=60),
        ),
        actor=manager,
    )
    call_command("retention_sweep", "--as-of", DUE_ON.isoformat(), verbosity=0)
    return due, held


def test_the_manager_approves_a_due_case_and_a_real_worker_disposes_of_it_with_proof(
    desktop_page, cast, two_closed_cases, disposals_go_to_the_test_worker
):
    page = desktop_page
    due, held = two_closed_cases
    sign_in(page, cast("manager"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    assert_accessible(page, "the register of privacy requests")
    page.get_by_role("navigation", name="Privacy section").get_by_role(
        "link", name="Retention"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disposal queue")
    queue = page.locator("main")
    expect(queue.get_by_role("cell", name=due.reference, exact=True)).to_be_visible()
    expect(queue).not_to_contain_text(held.reference)
    assert_accessible(page, "the disposal queue")
    journey_screenshot(page, "4-disposal-queue")

    # The reference leads to the case itself, so the manager can look before deciding.
    expect(queue.get_by_role("link", name=due.reference, exact=True)).to_have_attribute(
        "href", f"/cases/{due.pk}/"
    )

    # The first click only shows what the approval destroys: nothing is approved yet.
    queue.get_by_role("link", name=f"Approve case {due.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Approve case {due.reference}")
    confirmation = page.locator("main")
    expect(confirmation.get_by_role("link", name=due.reference, exact=True)).to_be_visible()
    expect(confirmation).to_contain_text("What will be destroyed")
    expect(confirmation).to_contain_text("Cases")
    expect(confirmation).to_contain_text("A proof of disposal for each record")
    expect(confirmation).not_to_contain_text(held.reference)
    assert QueueItem.objects.get(ref=due.reference).status == QueueItem.Status.DUE
    assert Case.objects.filter(pk=due.pk).exists()
    assert_accessible(page, "the confirmation of a disposal")
    journey_screenshot(page, "4-disposal-confirmation")

    # The second, deliberate step approves.
    confirmation.get_by_role("button", name="Approve the disposal of 1 record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disposal queue")
    expect(page.get_by_role("status").first).to_contain_text("approved")
    assert_accessible(page, "the queue after the approval")
    journey_screenshot(page, "4-approved")

    # The worker picks the task up from Redis; the proof appears once it has done.
    deadline = time.monotonic() + WORKER_TIMEOUT_S
    while Case.objects.filter(pk=due.pk).exists():
        assert time.monotonic() < deadline, "the worker did not dispose of the case"
        time.sleep(0.2)
    page.get_by_role("link", name="Proofs of disposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proofs of disposal")
    proofs = page.locator("main")
    expect(proofs.get_by_role("cell", name=due.reference, exact=True)).to_be_visible()
    expect(proofs).to_contain_text("Alice Mercer")  # who approved it
    expect(proofs).not_to_contain_text(held.reference)
    assert_accessible(page, "the proofs of disposal")
    journey_screenshot(page, "4-proof-of-disposal")

    assert DisposalRecord.objects.filter(ref=due.reference).exists()
    assert Case.objects.filter(pk=held.pk).exists()
    assert not QueueItem.objects.filter(ref=held.reference).exists()
    assert_no_csp_violations_or_js_errors(page)
    assert_every_page_checked(page)
