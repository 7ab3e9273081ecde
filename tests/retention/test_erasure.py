"""Erasure: a person's own record goes through the disposal path (the manager approves,
the last check under lock decides), or is kept with the exemption recorded."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from referrals.models import Adult, Case
from retention.erasure import erasure_queue
from retention.models import DisposalRecord, ErasureDecision, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.holds import hold_for_incident, hold_place
from safeguarding.models import Hold
from tests.retention.factories import (
    closed_case,
    incident_about,
    open_case,
    privacy_request,
    staff_member,
)
from tests.retention.search import tables_containing

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=200)


def _erase(adult, manager, reference="PR-0042"):
    return erasure_queue(
        request_reference=reference, subject="adult", subject_id=adult.pk, actor=manager
    )


def _dispose(capture):
    with capture(execute=True):
        return dispose_approved()


def test_an_adult_of_a_closed_self_referral_is_queued_then_erased_when_the_manager_approves(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case(LONG_AGO, rule="contact-self")
    adult = case.adults.get(role=Adult.Role.VISITING)
    adult.last_name = "Quillbramble"
    adult.save()

    [decision] = _erase(adult, manager)

    assert decision.outcome == ErasureDecision.Outcome.QUEUED
    item = QueueItem.objects.get()
    assert (item.reason, item.request_reference, item.kind) == ("erasure", "PR-0042", "adult")
    assert Adult.objects.filter(pk=adult.pk).exists()  # nothing goes before approval

    disposal_approve(actor=manager)
    counts = _dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 1, "withdrawn": 0, "failed": 0}
    assert not Adult.objects.filter(pk=adult.pk).exists()
    assert not Adult.history.filter(id=adult.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()  # the case is the others' too
    proof = DisposalRecord.objects.get()
    assert (proof.reason, proof.kind, proof.approved_by_name) == (
        "erasure",
        "adult",
        manager.full_name,
    )
    if connection.vendor == "postgresql":
        assert tables_containing("Quillbramble") == {}


def test_the_nightly_sweep_leaves_an_erasure_item_in_the_queue(manager):
    case = closed_case(LONG_AGO, rule="contact-self")
    _erase(case.adults.first(), manager)

    retention_sweep()

    assert QueueItem.objects.filter(reason="erasure").count() == 1


@pytest.mark.parametrize(
    ("make_case", "kept_because"),
    [
        (lambda: open_case(), "The case is open"),
        (lambda: closed_case(LONG_AGO, rule="contact-court"), "court order"),
    ],
    ids=["open case", "court-ordered contact in its three years"],
)
def test_a_record_the_centre_must_keep_is_kept_with_the_exemption_recorded(
    manager, make_case, kept_because
):
    case = make_case()

    [decision] = _erase(case.adults.first(), manager)

    assert decision.outcome == ErasureDecision.Outcome.KEPT
    assert kept_because in decision.exemption
    assert not QueueItem.objects.exists()


def test_a_safeguarding_hold_keeps_the_record(manager):
    case = closed_case(LONG_AGO, rule="contact-self")
    hold_for_incident(incident=incident_about(case, datetime.date(2018, 3, 3)), actor=manager)

    [decision] = _erase(case.adults.first(), manager)

    assert decision.outcome == ErasureDecision.Outcome.KEPT
    assert decision.exemption == "A safeguarding hold stands"


def test_another_open_access_request_about_the_person_keeps_the_record(manager):
    case = closed_case(LONG_AGO, rule="contact-self")
    adult = case.adults.first()
    access = privacy_request(subject_adult=adult)

    # The erasure request's own reference must not be the access request's (PR-0042
    # would be, when 41 requests came before it in the run).
    [decision] = _erase(adult, manager, reference=f"PR-{access.pk + 1:04d}")

    assert decision.outcome == ErasureDecision.Outcome.KEPT
    assert access.reference in decision.exemption


def test_a_hold_placed_after_approval_stops_the_erasure_and_says_why(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case(LONG_AGO, rule="contact-self")
    adult = case.adults.first()
    _erase(adult, manager)
    disposal_approve(actor=manager)
    hold_place(
        hold=Hold(
            case=case,
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=TODAY + datetime.timedelta(days=30),
        ),
        actor=manager,
    )

    counts = _dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 0, "withdrawn": 1, "failed": 0}
    assert Adult.objects.filter(pk=adult.pk).exists()
    assert not QueueItem.objects.exists()
    last = ErasureDecision.objects.latest("pk")
    assert (last.outcome, last.exemption) == ("kept", "A legal hold stands")


def test_a_staff_file_is_kept_for_six_years_after_the_last_day_then_erasable(manager):
    recent = staff_member(ended_on=TODAY - datetime.timedelta(days=400))
    old = staff_member(ended_on=TODAY - datetime.timedelta(days=365 * 7))

    [kept] = erasure_queue(
        request_reference="PR-0007", subject="staff-member", subject_id=recent.pk, actor=manager
    )
    [queued] = erasure_queue(
        request_reference="PR-0008", subject="staff-member", subject_id=old.pk, actor=manager
    )

    assert kept.outcome == "kept" and "legal obligation" in kept.exemption.lower()
    assert queued.outcome == "queued"
    assert QueueItem.objects.get().object_id == old.pk


def test_asking_twice_queues_the_record_once(manager):
    case = closed_case(LONG_AGO, rule="contact-self")
    adult = case.adults.first()

    _erase(adult, manager)
    _erase(adult, manager)

    assert QueueItem.objects.count() == 1
