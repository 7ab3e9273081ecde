"""A real Celery worker killed in the middle of a disposal batch: each record went
completely or not at all, and the next run finishes the batch."""

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from attendance.models import Booking
from centre.services import record_save
from referrals.models import Adult, Case, Child, Referral
from retention import tasks
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.celery_worker import running_worker
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

ROOT = Path(__file__).resolve().parents[2]
CASES = 40
BOOKINGS_PER_CASE = 4
CLOSED_ON = datetime.date(2025, 1, 6)  # self-referral: due 2026-01-06


@pytest.fixture
def worker(transactional_db):
    """A worker this test may kill: yields ``(queue, process)``. It disposes of five
    records a transaction, so the batch of approvals takes several and the kill lands
    between two of them, or inside one."""
    with running_worker(env={"RETENTION_DISPOSAL_BATCH": "5"}) as started:
        yield started


def due_case(sessions):
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=CLOSED_ON - datetime.timedelta(days=200),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    AdultFactory(case=case, role=Adult.Role.VISITING)
    ChildFactory(case=case)
    for session in sessions:
        booking = BookingFactory(case=case, session=session)
        TapFactory(booking=booking)
    case.status, case.closed_on = Case.Status.CLOSED, CLOSED_ON
    case.closure_reason = "Fictional: contact moved on."
    return record_save(record=case)


def rows_of(case_pk):
    return [
        Case.objects.filter(pk=case_pk).count(),
        Adult.objects.filter(case_id=case_pk).count(),
        Child.objects.filter(case_id=case_pk).count(),
        Booking.objects.filter(case_id=case_pk).count(),
        Case.history.filter(id=case_pk).count(),
        Referral.history.filter(case_id=case_pk).count(),
        Adult.history.filter(case_id=case_pk).count(),
        Child.history.filter(case_id=case_pk).count(),
        Booking.history.filter(case_id=case_pk).count(),
    ]


def wait_for_the_dead_workers_connection(timeout=20):
    """PostgreSQL ends the killed worker's session (and rolls back its transaction) once
    it notices the socket closed; wait until no other session is left."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
    pytest.fail("the killed worker's database session did not end")


def test_killing_the_worker_mid_batch_leaves_no_partial_record(worker, manager):
    queue, process = worker
    sessions = [
        ContactSessionFactory(date=CLOSED_ON - datetime.timedelta(days=7 * week), capacity=50)
        for week in range(1, BOOKINGS_PER_CASE + 1)
    ]
    cases = [due_case(sessions) for _ in range(CASES)]
    full = {case.pk: rows_of(case.pk) for case in cases}
    assert all(all(counts) for counts in full.values())
    assert retention_sweep()["flagged"] == CASES
    # Its own task goes to the default queue, which no worker of this test listens to.
    assert disposal_approve(actor=manager) == CASES

    tasks.dispose_approved.apply_async(queue=queue)
    deadline = time.monotonic() + 60
    while not DisposalRecord.objects.exists():
        assert time.monotonic() < deadline, "the worker disposed of nothing"
        assert process.poll() is None, "the worker stopped by itself"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    wait_for_the_dead_workers_connection()

    gone = []
    for case in cases:
        counts = rows_of(case.pk)
        assert counts in (full[case.pk], [0] * len(counts)), (case.pk, counts)
        if counts[0] == 0:
            gone.append(case.pk)
    records = DisposalRecord.objects.all()
    assert sorted(records.values_list("object_id", flat=True)) == sorted(gone)
    assert 0 < len(gone) < CASES, "the worker was killed before or after the batch"
    assert set(QueueItem.objects.values_list("object_id", flat=True)) == (
        {case.pk for case in cases} - set(gone)
    )
    assert set(QueueItem.objects.values_list("status", flat=True)) == {QueueItem.Status.APPROVED}

    counts = dispose_approved()

    assert counts == {"disposed": CASES - len(gone), "withdrawn": 0, "failed": 0}
    assert all(not any(rows_of(case.pk)) for case in cases)
    assert DisposalRecord.objects.count() == CASES
    assert not QueueItem.objects.exists()
