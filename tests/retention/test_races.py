"""Races between the retention engine and everything else, on PostgreSQL with real
concurrent connections: the sweep and a disposal do not overlap (the sweep never flags a
record a disposal is taking), a queue item never outlives its record, and a hold that
loses a race with a disposal answers with a clear page naming the proof of disposal."""

import datetime
import threading

import pytest
from django.db import connection

from centre.models import StaffDocument, StaffMember
from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention import services
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.factories import StaffDocumentFactory, StaffMemberFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

# Self-referrals closed on this day were due a year later, before any day these run.
CLOSED_ON = datetime.date(2025, 6, 1)


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions and row locks need PostgreSQL")


def due_case():
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=CLOSED_ON - datetime.timedelta(days=90),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    ChildFactory(case=case)
    return case_close(case=case, closed_on=CLOSED_ON, reason="Fictional.", actor=None)


def in_another_connection(work):
    """Run ``work`` to its end (its commit) in a thread with its own connection."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as error:  # pragma: no cover - reported by the caller
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection is stuck"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# The sweep and the disposal.


def test_a_disposal_committing_during_the_sweep_is_not_flagged_again(
    postgres, manager, monkeypatch
):
    """The drill's race: the sweep has found the case due when the disposal of that
    case commits (the case and its queue item gone). The sweep must not flag it again."""
    gone, other = due_case(), due_case()
    retention_sweep()
    disposal_approve(actor=manager, items=QueueItem.objects.filter(object_id=gone.pk))

    real_assess = services.engine.assess
    sweeping = threading.current_thread()
    disposed = {}

    def assess_while_the_disposal_commits(*args, **kwargs):
        findings = real_assess(*args, **kwargs)
        if threading.current_thread() is sweeping and not disposed:
            # The sweep holds what it found; now the worker's disposal commits.
            disposed.update(in_another_connection(dispose_approved))
        return findings

    monkeypatch.setattr(services.engine, "assess", assess_while_the_disposal_commits)
    counts = retention_sweep()

    assert disposed["disposed"] == 1
    assert not Case.objects.filter(pk=gone.pk).exists()
    assert counts["flagged"] == 0
    assert list(QueueItem.objects.values_list("object_id", flat=True)) == [other.pk]
    assert DisposalRecord.objects.filter(object_id=gone.pk).count() == 1


def test_the_sweep_leaves_an_approved_item_approved(postgres, manager):
    case = due_case()
    retention_sweep()
    disposal_approve(actor=manager)
    counts = retention_sweep()
    assert (counts["flagged"], counts["withdrawn"]) == (0, 0)
    item = QueueItem.objects.get(object_id=case.pk)
    assert (item.status, item.decided_by_name) == (QueueItem.Status.APPROVED, "Alice Mercer")


def test_a_queue_item_never_outlives_its_record(postgres, manager):
    """An HR file takes the staff member's documents with it: a document queued under
    its own rule leaves the queue in the same transaction, not at the next sweep."""
    person = StaffMemberFactory(
        started_on=datetime.date(2012, 3, 1), ended_on=datetime.date(2019, 6, 30)
    )
    document = StaffDocumentFactory(
        staff_member=person, category="training", last_used_on=datetime.date(2020, 1, 10)
    )
    retention_sweep()
    assert set(QueueItem.objects.values_list("rule", "object_id")) == {
        ("hr-file", person.pk),
        ("staff-other", document.pk),
    }
    disposal_approve(actor=manager, rule="hr-file")

    assert dispose_approved()["disposed"] == 1
    assert not StaffMember.objects.filter(pk=person.pk).exists()
    assert not StaffDocument.objects.filter(pk=document.pk).exists()
    assert not QueueItem.objects.exists()
    # And the next sweep has nothing to take out.
    assert retention_sweep()["withdrawn"] == 0
