"""Races between the retention engine and everything else, on PostgreSQL with real
concurrent connections: the sweep and a disposal do not overlap (the sweep never flags a
record a disposal is taking), a queue item never outlives its record, and a hold that
loses a race with a disposal answers with a clear page naming the proof of disposal."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from centre.models import DBSCheck, StaffMember
from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention import services
from retention.models import DisposalRecord, QueueItem
from retention.races import DisposedMeanwhileMiddleware
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.models import Hold
from tests.conftest import Client
from tests.factories import DBSCheckFactory, StaffMemberFactory
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
    """An HR file takes the staff member's DBS checks with it: a certificate copy queued
    under its own rule leaves the queue in the same transaction, not at the next sweep."""
    person = StaffMemberFactory(
        started_on=datetime.date(2012, 3, 1), ended_on=datetime.date(2019, 6, 30)
    )
    check = DBSCheckFactory(
        staff_member=person,
        checked_on=datetime.date(2019, 1, 10),
        certificate_copy_held_elsewhere=True,
    )
    retention_sweep()
    assert set(QueueItem.objects.values_list("rule", "object_id")) == {
        ("hr-file", person.pk),
        ("dbs-certificate", check.pk),
    }
    disposal_approve(actor=manager, rule="hr-file")

    assert dispose_approved()["disposed"] == 1
    assert not StaffMember.objects.filter(pk=person.pk).exists()
    assert not DBSCheck.objects.filter(pk=check.pk).exists()
    assert not QueueItem.objects.exists()
    # And the next sweep has nothing to take out.
    assert retention_sweep()["withdrawn"] == 0


# A hold that loses the race.


def waiting_on_a_lock():
    """True once some session of this database waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def hold_form(reason="Fictional: a claim is expected."):
    return {
        "legal_basis": Hold.LegalBasis.CLAIM,
        "reason": reason,
        "review_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    }


@pytest.mark.parametrize("scope", ["case", "adult"])
def test_a_hold_placed_while_the_case_is_disposed_of_names_the_proof(
    postgres, manager, monkeypatch, scope
):
    """The disposal holds the case's lock; the manager's hold waits for it, and once the
    disposal commits the manager is told the case was disposed of a moment ago, with the
    proof of disposal, instead of a server error. Nothing is saved."""
    case = due_case()
    adult = case.adults.get()
    retention_sweep()
    disposal_approve(actor=manager)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(manager)
    url = (
        reverse("safeguarding:hold_place_case", args=[case.pk])
        if scope == "case"
        else reverse("safeguarding:hold_place_adult", args=[adult.pk])
    )
    assert signed_in.get(url).status_code == 200  # the manager opens the form

    disposed, release = threading.Event(), threading.Event()
    real_prove = services._prove

    def prove_then_wait(item, *args, **kwargs):
        real_prove(item, *args, **kwargs)
        disposed.set()  # the case is deleted, not yet committed
        assert release.wait(timeout=30)

    monkeypatch.setattr(services, "_prove", prove_then_wait)
    disposal = threading.Thread(target=lambda: in_another_connection(dispose_approved))
    disposal.start()
    try:
        assert disposed.wait(timeout=30)

        def release_once_the_hold_waits():
            try:
                deadline = time.monotonic() + 20
                while not waiting_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.05)
            finally:
                release.set()
                connection.close()

        releaser = threading.Thread(target=release_once_the_hold_waits)
        releaser.start()
        response = signed_in.post(url, hold_form())
        releaser.join(timeout=30)
    finally:
        release.set()
        disposal.join(timeout=60)

    proof = DisposalRecord.objects.get(object_id=case.pk, record_type="referrals.case")
    assert response.status_code == 409
    page = response.content.decode()
    assert "This case was disposed of a moment ago" in page
    assert f"No. {proof.pk}" in page
    assert case.display_reference in page
    assert "nothing you entered was saved" in page
    assert not Hold.objects.exists()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_any_write_that_fails_on_a_disposed_records_key_names_the_proof(postgres, manager):
    """A write with no lock of its own fails at commit on its foreign key: the same page."""
    case = due_case()
    retention_sweep()
    disposal_approve(actor=manager)
    dispose_approved()
    proof = DisposalRecord.objects.get(object_id=case.pk)
    try:
        with transaction.atomic():
            Hold.objects.create(
                kind=Hold.Kind.LEGAL, case_id=case.pk, scope_label="x", reason="Fictional."
            )
    except IntegrityError as error:
        failure = error
    request = RequestFactory().post("/safeguarding/holds/")
    request.user = manager
    manager.is_verified = lambda: True  # as django-otp's middleware marks it
    response = DisposedMeanwhileMiddleware(lambda r: None).process_exception(request, failure)
    assert response.status_code == 409
    assert f"No. {proof.pk}" in response.content.decode()
    assert (
        DisposedMeanwhileMiddleware(lambda r: None).process_exception(request, ValueError()) is None
    )
