"""Disposal in batches: the approved records are disposed of many to a transaction, with
the same guarantees as one at a time. A batch in which anything fails is rolled back whole
and its records are tried again one at a time; a hold placed on one record after the
approval withdraws that record only; two runs at once never take the same item; and the
queries grow by a few a record, not by a purge a record."""

import dataclasses
import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from attendance.interchange import IMPORTED_ROOM
from attendance.models import Booking, ContactSession
from core.declarations import declarations
from referrals.declarations import cases_dispose
from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

NOW = datetime.datetime(2026, 11, 29, 12, 0)
TODAY = NOW.date()
CLOSED_ON = datetime.date(2025, 10, 1)  # a self-referral: due a year later
LATER = datetime.date(2030, 1, 6)
# A batch's own queries, whatever its size: the items and records locked, the last check
# (a query per kind of hold), and the purge (a query or two per kind of related row and
# of history). About 75 today.
QUERIES_A_BATCH = 100
# What each case adds: its proof, its audit row, its queue item and what other apps add
# to a case (CASE_RECORDS). About 5 today; a purge a case was about 100.
QUERIES_A_CASE = 30


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def closed_case():
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=CLOSED_ON - datetime.timedelta(days=120),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    AdultFactory(case=case, role=Adult.Role.VISITING)
    ChildFactory(case=case)
    BookingFactory(case=case, session=ContactSessionFactory(date=CLOSED_ON))
    return case_close(case=case, closed_on=CLOSED_ON, reason="Fictional: moved on.", actor=None)


def approved_cases(manager, count):
    cases = [closed_case() for _ in range(count)]
    retention_sweep(as_of=LATER)
    assert disposal_approve(actor=manager) == count
    return cases


def dispose(capture):
    with capture(execute=True):
        return dispose_approved(today=LATER)


def with_batch_form(dispose_many):
    """The case's retainable (self-referrals) with ``dispose_many`` swapped in."""
    retainable = declarations.retainable_for("referrals.case", "contact-self")
    swapped = dataclasses.replace(retainable, dispose_many=dispose_many)
    retainables = [swapped if r is retainable else r for r in declarations.retainables]
    return property(lambda _: retainables)


def test_it_disposes_of_the_whole_batch_in_one_call(manager, django_capture_on_commit_callbacks):
    cases = approved_cases(manager, 3)

    counts = dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 3, "withdrawn": 0, "failed": 0}
    assert not Case.objects.filter(pk__in=[case.pk for case in cases]).exists()
    assert not Adult.objects.filter(case_id__in=[case.pk for case in cases]).exists()
    assert not Case.history.filter(id__in=[case.pk for case in cases]).exists()
    assert sorted(DisposalRecord.objects.values_list("object_id", flat=True)) == [
        case.pk for case in cases
    ]
    assert not QueueItem.objects.exists()


def test_a_record_failing_in_a_batch_is_retried_alone_and_the_others_are_disposed_of(
    manager, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    first, failing, last = approved_cases(manager, 3)
    calls = []

    def refuse_one(cases):
        ids = [case.pk for case in cases]
        calls.append(ids)
        cases_dispose(cases)  # the purge runs: the rollback must undo it
        if failing.pk in ids:
            raise RuntimeError("Fictional: the disk is full")

    monkeypatch.setattr(type(declarations), "retainables", with_batch_form(refuse_one))

    counts = dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 2, "withdrawn": 0, "failed": 1}
    # The batch whole, rolled back; then each record in a transaction of its own.
    assert calls == [[first.pk, failing.pk, last.pk], [first.pk], [failing.pk], [last.pk]]
    assert Case.objects.filter(pk=failing.pk).exists()
    assert Adult.objects.filter(case_id=failing.pk).count() == 2
    assert not Case.objects.filter(pk__in=[first.pk, last.pk]).exists()
    item = QueueItem.objects.get()
    assert (item.object_id, item.status) == (failing.pk, QueueItem.Status.APPROVED)
    assert sorted(DisposalRecord.objects.values_list("object_id", flat=True)) == [
        first.pk,
        last.pk,
    ]
    item_ids = f"items={item.pk - 1}-{item.pk + 1}"
    assert f"retention-batch-retried {item_ids} error=RuntimeError" in caplog.text
    assert f"retention-dispose-failed item={item.pk}" in caplog.text


def test_a_constraint_failing_on_one_record_rolls_back_the_batch_not_the_others(
    manager, django_capture_on_commit_callbacks
):
    """A database error aborts the batch's transaction: the batch goes back whole, and
    the records tried alone go, except the one the database refuses."""
    first, failing, last = approved_cases(manager, 3)
    # A hold of a kind no hold provider reports, on an adult: the engine lets the case go
    # and deleting the adult (the hold's link is SET_NULL) breaks the hold's check.
    Hold.objects.create(
        kind=Hold.Kind.PRIVACY_REQUEST,
        adult=failing.adults.first(),
        scope_label="Fictional",
        reason="Fictional.",
    )

    counts = dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 2, "withdrawn": 0, "failed": 1}
    assert Case.objects.filter(pk=failing.pk).exists()
    assert not Case.objects.filter(pk__in=[first.pk, last.pk]).exists()
    assert QueueItem.objects.get().status == QueueItem.Status.APPROVED
    assert DisposalRecord.objects.count() == 2


def test_a_hold_placed_on_one_record_of_a_batch_after_approval_withdraws_only_that_one(
    manager, django_capture_on_commit_callbacks
):
    first, held, last = approved_cases(manager, 3)
    hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=TODAY + datetime.timedelta(days=60),
            adult=held.adults.first(),
        ),
        actor=manager,
    )

    counts = dispose(django_capture_on_commit_callbacks)

    assert counts == {"disposed": 2, "withdrawn": 1, "failed": 0}
    assert Case.objects.filter(pk=held.pk).exists()
    assert Adult.objects.filter(case_id=held.pk).count() == 2
    assert not Case.objects.filter(pk__in=[first.pk, last.pk]).exists()
    assert not QueueItem.objects.exists()
    assert sorted(DisposalRecord.objects.values_list("object_id", flat=True)) == [
        first.pk,
        last.pk,
    ]


def test_a_placeholder_session_only_families_of_the_batch_booked_goes_with_them(
    manager, django_capture_on_commit_callbacks
):
    """As if disposed of one after the other: the second family's disposal would find
    the imported session booked by no one else."""
    first, second = closed_case(), closed_case()
    waiting = closed_case()  # due, not approved
    theirs = ContactSessionFactory(date=datetime.date(2025, 3, 8), room=IMPORTED_ROOM)
    shared = ContactSessionFactory(date=datetime.date(2025, 3, 15), room=IMPORTED_ROOM)
    for case in (first, second):
        BookingFactory(case=case, session=theirs)
        BookingFactory(case=case, session=shared)
    BookingFactory(case=waiting, session=shared)
    retention_sweep(as_of=LATER)
    disposal_approve(actor=manager, items=QueueItem.objects.exclude(object_id=waiting.pk))

    assert dispose(django_capture_on_commit_callbacks)["disposed"] == 2

    assert not ContactSession.objects.filter(pk=theirs.pk).exists()
    assert not ContactSession.history.filter(id=theirs.pk).exists()
    assert list(Booking.objects.filter(session=shared).values_list("case_id", flat=True)) == [
        waiting.pk
    ]


def test_batches_follow_one_another_up_to_the_configured_size(
    manager, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.RETENTION_DISPOSAL_BATCH = 2
    cases = approved_cases(manager, 5)
    calls = []

    def counted(batch):
        calls.append(len(batch))
        cases_dispose(batch)

    monkeypatch.setattr(type(declarations), "retainables", with_batch_form(counted))

    assert dispose(django_capture_on_commit_callbacks)["disposed"] == 5
    assert calls == [2, 2, 1]
    assert not Case.objects.filter(pk__in=[case.pk for case in cases]).exists()


@pytest.mark.parametrize("count", [3, 12])
def test_disposing_of_cases_costs_a_few_queries_a_case(
    manager, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    approved_cases(manager, count)

    with django_assert_max_num_queries(QUERIES_A_BATCH + QUERIES_A_CASE * count):
        counts = dispose(django_capture_on_commit_callbacks)

    assert counts["disposed"] == count


def test_the_queries_of_a_batch_grow_by_few_a_case(manager, django_capture_on_commit_callbacks):
    """The batch's own queries (the locks, the last check, the purge) are shared: ten
    more cases in the batch add under ten queries each."""
    approved_cases(manager, 2)
    with CaptureQueriesContext(connection) as two:
        dispose(django_capture_on_commit_callbacks)
    approved_cases(manager, 12)
    with CaptureQueriesContext(connection) as twelve:
        dispose(django_capture_on_commit_callbacks)

    assert DisposalRecord.objects.count() == 14
    assert len(twelve) - len(two) < 10 * 10


def test_disposing_of_a_case_costs_the_same_however_many_items_wait_in_the_queue(
    manager, django_capture_on_commit_callbacks
):
    def dispose_one_case_queued_with(others):
        case = closed_case()
        for _ in range(others):
            closed_case()
        retention_sweep(as_of=LATER)
        disposal_approve(actor=manager, items=QueueItem.objects.filter(object_id=case.pk))
        with CaptureQueriesContext(connection) as queries:
            assert dispose(django_capture_on_commit_callbacks)["disposed"] == 1
        return len(queries)

    few = dispose_one_case_queued_with(1)
    assert QueueItem.objects.count() == 1
    many = dispose_one_case_queued_with(10)
    assert QueueItem.objects.count() == 11

    assert many == few


# Two runs at once, with real connections (PostgreSQL).


def test_a_run_skips_the_items_another_run_holds(
    transactional_db, manager, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks taken by another connection need PostgreSQL")
    taken, first, last = approved_cases(manager, 3)
    item = QueueItem.objects.get(object_id=taken.pk)
    locked, release = threading.Event(), threading.Event()

    def the_other_run():
        try:
            with transaction.atomic():
                QueueItem.objects.select_for_update().get(pk=item.pk)
                locked.set()
                assert release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=the_other_run)
    other.start()
    try:
        assert locked.wait(timeout=30)
        counts = dispose(django_capture_on_commit_callbacks)
    finally:
        release.set()
        other.join(timeout=30)

    assert counts == {"disposed": 2, "withdrawn": 0, "failed": 0}
    assert Case.objects.filter(pk=taken.pk).exists()
    assert QueueItem.objects.get().pk == item.pk
    assert not Case.objects.filter(pk__in=[first.pk, last.pk]).exists()
