"""How long the retention engine takes over a centre's worth of records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench-retention

Builds a throwaway test database (``<name>_bench_retention``, dropped at the end)
holding N fictional cases (default 20,000; ``BENCH_CASES`` to change), each with its
referral, two adults, a child, 20 bookings (400,000 attendance rows at the default size)
and the history of all of them. Half the cases are closed, and about a third of all of
them are due at the as-of date; some of those are under a legal hold. Then it times, in
the same run:

- the dry-run sweep (``engine.dry_run``) against one hand-written SELECT giving the same
  due and held records;
- the flagging sweep (``services.retention_sweep``) against a hand-written
  INSERT ... SELECT into the queue (rolled back);
- disposing of 1,000 approved cases (fewer where fewer are due; ``services.
  dispose_approved``, in batches of 50 a transaction) against hand-written DELETEs of the
  same rows and their history in one transaction (rolled back). Afterwards the same rows
  must be left as after the SQL: nothing of a disposed family remains.

Each Handover operation is also run once more under ``tracemalloc`` (rolled back where
it writes) for its peak Python memory: timings are taken without it. The disposal's peak
is taken over its first 100 cases (two batches; each batch frees what it took). The
queries of the dry run, and of disposing of 100 cases (rolled back), are counted with a
quarter of the cases seeded and with all of them; the script exits non-zero if either
grows, or if the disposal sends more than 30 queries a case. Last, it says whether the
disposal met its goal: within 20 times the SQL's time, at most 30 queries a case.

``BENCH_SMOKE=1`` (``make bench-smoke``, at a tiny ``BENCH_CASES``) checks that the
benchmark still runs, that the disposal leaves what the SQL leaves and that the query
counts stay flat; its times mean nothing, so it skips ``tracemalloc`` and the time goal.
"""

# ruff: noqa: S608 - every statement is the benchmark's own, built from constants

import os
import sys
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("retention").setLevel(logging.WARNING)  # one line per disposed case

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

AS_OF = date(2026, 6, 30)
BOOKINGS_PER_CASE = 20
DISPOSE = 1000
MEMORY_SAMPLE = 100
# The disposal's goal (issue 16): within this many times the set-based SQL's time, and
# at most this many queries a case.
GOAL_RATIO = 20
GOAL_QUERIES_A_CASE = 30


class Rollback(Exception):
    """Raised to leave a transaction without keeping what it did."""


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


@contextmanager
def counting():
    """Count the queries sent, without keeping them (a disposal sends tens of thousands)."""
    counter = {"queries": 0}

    def wrapper(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def timed(run):
    with counting() as counter:
        started = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - started
    return elapsed, counter["queries"], result


def peak_memory(run):
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- Seeding -----------------------------------------------------------------------------


def sessions_build(count):
    from attendance.models import ContactSession

    sessions = ContactSession.objects.bulk_create(
        (
            ContactSession(
                date=date(2019, 1, 5) + timedelta(days=n % 2500),
                starts_at=clock(10),
                ends_at=clock(12),
                room=f"Room {n % 4 + 1}",
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    return sessions[0].pk


def history_copy(model):
    """Write a creation ("+") history row for every row of ``model`` that has none."""
    history = model.history.model
    columns = ", ".join(
        connection.ops.quote_name(f.column) for f in model._meta.concrete_fields if not f.generated
    )
    table, history_table = model._meta.db_table, history._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history_table} ({columns}, history_date, history_type) "
            f"SELECT {columns}, now(), '+' FROM {table} "
            f"WHERE id > (SELECT coalesce(max(id), 0) FROM {history_table})"
        )


def build(start, stop, first_session, session_count):
    """Cases ``start`` to ``stop - 1`` with their people, bookings, holds and history."""
    from attendance.models import Booking
    from referrals.models import Adult, Case, Child, Referral
    from safeguarding.models import Hold

    cases = []
    for n in range(start, stop):
        closed = n % 2 == 1
        cases.append(
            Case(
                reference=f"RB-{n:06d}",
                status="closed" if closed else "active",
                closed_on=date(2021, 1, 1) + timedelta(days=n * 37 % 2000) if closed else None,
                retention_rule="contact-self" if n % 4 == 1 else "contact-court",
                activated_on=date(2019, 1, 1),
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    Referral.objects.bulk_create(
        (
            Referral(case=case, source="self", received_on=date(2019, 1, 1), service="supported")
            for case in cases
        ),
        batch_size=5000,
    )
    adults = Adult.objects.bulk_create(
        (
            Adult(
                case=case,
                role=role,
                first_name="Fictional",
                last_name=f"Parent{index}",
                date_of_birth=date(1980, 1, 1),
                postcode="EF1 2GH",
            )
            for index, case in enumerate(cases)
            for role in ("resident", "visiting")
        ),
        batch_size=5000,
    )
    Child.objects.bulk_create(
        (
            Child(
                case=case,
                first_name="Fictional",
                last_name=f"Child{index}",
                date_of_birth=date(2016, 1, 1),
            )
            for index, case in enumerate(cases)
        ),
        batch_size=5000,
    )
    # Legal holds: one closed case in 50 held directly, one in 80 through an adult.
    holds = []
    for index, (n, case) in enumerate(zip(range(start, stop), cases, strict=True)):
        if n % 50 == 1:
            holds.append(Hold(case=case, scope_label=case.reference))
        if n % 80 == 3:
            holds.append(Hold(adult=adults[2 * index], scope_label=case.reference))
    for hold in holds:
        hold.kind = "legal"
        hold.reason = "Fictional"
        hold.legal_basis = "court_order"
        hold.review_on = date(2027, 1, 1)
    Hold.objects.bulk_create(holds, batch_size=5000)

    # 20 bookings a case, each in a different session, written by the database.
    stride = session_count // BOOKINGS_PER_CASE
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO attendance_booking (session_id, case_id, resident_arrives_at, "
            "resident_collects_at, visiting_arrives_at, visiting_leaves_at, resident_entrance, "
            "visiting_entrance, who_may_collect, not_to_collect, status, absence_reason, "
            "absence_note, notes) "
            "SELECT %s + (c.id + k * %s) %% %s, c.id, '09:45', '11:45', '10:00', '11:30', "
            "'Front door', 'Side door', 'The resident parent', '', 'attended', '', '', '' "
            "FROM referrals_case c CROSS JOIN generate_series(0, %s) k "
            "WHERE c.id BETWEEN %s AND %s",
            [
                first_session,
                stride,
                session_count,
                BOOKINGS_PER_CASE - 1,
                cases[0].pk,
                cases[-1].pk,
            ],
        )
    for model in (Case, Referral, Adult, Child, Booking):
        history_copy(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(holds)


def counts():
    from attendance.models import Booking
    from referrals.models import Adult, Case, Child, Referral

    return {
        "cases": Case.objects.count(),
        "referrals": Referral.objects.count(),
        "adults": Adult.objects.count(),
        "children": Child.objects.count(),
        "bookings": Booking.objects.count(),
        "history": sum(model.history.count() for model in _tracked_models()),
    }


def _tracked_models():
    from attendance.models import Booking
    from referrals.models import Adult, Case, Child, Referral

    return (Case, Referral, Adult, Child, Booking)


# -- The hand-written SQL ----------------------------------------------------------------

# Every closed case past its rule's period, with its due date and whether a standing
# hold (on the case or one of its adults) or an open privacy request stops it.
DUE_SQL = """
SELECT c.id, COALESCE(NULLIF(c.former_reference, ''), c.reference) AS ref, c.retention_rule,
       (c.closed_on + make_interval(months => r.period_months))::date AS due_on, c.closed_on,
       (EXISTS (SELECT 1 FROM safeguarding_hold h
                WHERE h.lifted_at IS NULL AND h.case_id = c.id)
        OR EXISTS (SELECT 1 FROM safeguarding_hold h JOIN referrals_adult a ON a.id = h.adult_id
                   WHERE h.lifted_at IS NULL AND a.case_id = c.id)
        OR EXISTS (SELECT 1 FROM privacy_requests_privacyrequest p
                   LEFT JOIN referrals_adult a ON a.id = p.subject_adult_id
                   LEFT JOIN referrals_child ch ON ch.id = p.subject_child_id
                   WHERE p.status = ANY(%(open)s) AND c.id IN (a.case_id, ch.case_id))) AS held
FROM referrals_case c JOIN retention_rule r ON r.key = c.retention_rule
WHERE c.closed_on IS NOT NULL
  AND c.closed_on <= CASE c.retention_rule WHEN 'contact-self' THEN %(self)s::date
                                           ELSE %(court)s::date END
"""


def sql_params():
    from privacy_requests.models import PrivacyRequest
    from retention import engine

    cutoffs, _extended = engine.cutoffs_for(engine.load_rules(), AS_OF)
    return {
        "self": cutoffs["contact-self"],
        "court": cutoffs["contact-court"],
        "open": [str(status) for status in PrivacyRequest.OPEN_STATUSES],
    }


def sql_dry_run(params):
    with connection.cursor() as cursor:
        cursor.execute(DUE_SQL + " ORDER BY due_on, ref", params)
        rows = cursor.fetchall()
    due = [row for row in rows if not row[5]]
    held = [row for row in rows if row[5]]
    return due, held


def sql_sweep(params):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM retention_queueitem q WHERE q.record_type = 'referrals.case' "
            f"AND q.object_id NOT IN (SELECT id FROM ({DUE_SQL}) d WHERE NOT d.held)",
            params,
        )
        cursor.execute(
            "INSERT INTO retention_queueitem (rule, kind, action, record_type, object_id, ref, "
            "due_on, summary, flagged_at, status, decided_by_name, postpone_reason, reason, "
            "request_reference) "
            "SELECT d.retention_rule, 'case', 'dispose', 'referrals.case', d.id, d.ref, d.due_on, "
            "'Case closed on ' || to_char(d.closed_on, 'DD/MM/YYYY'), now(), 'due', '', '', "
            "'retention', '' "
            f"FROM ({DUE_SQL}) d WHERE NOT d.held "
            "ON CONFLICT (record_type, object_id, action) DO NOTHING",
            params,
        )
        return cursor.rowcount


# The disposal of the approved cases, by hand: every row that cascades from them, and
# the history of each (history rows found by the case or booking they belonged to, so
# those of rows deleted earlier go too), in one transaction.
DISPOSE_SQL = [
    "CREATE TEMP TABLE doomed_case ON COMMIT DROP AS SELECT object_id AS id "
    "FROM retention_queueitem WHERE status = 'approved' AND record_type = 'referrals.case'",
    "CREATE TEMP TABLE doomed_booking ON COMMIT DROP AS "
    "SELECT id FROM attendance_historicalbooking WHERE case_id IN (SELECT id FROM doomed_case) "
    "UNION SELECT id FROM attendance_booking WHERE case_id IN (SELECT id FROM doomed_case)",
    "DELETE FROM attendance_historicalreportrecipient WHERE report_id IN "
    "(SELECT id FROM attendance_historicalsupervisedreport "
    "WHERE booking_id IN (SELECT id FROM doomed_booking))",
    "DELETE FROM attendance_reportrecipient WHERE report_id IN (SELECT id FROM "
    "attendance_supervisedreport WHERE booking_id IN (SELECT id FROM doomed_booking))",
    "DELETE FROM attendance_historicalsupervisedreport "
    "WHERE booking_id IN (SELECT id FROM doomed_booking)",
    "DELETE FROM attendance_supervisedreport WHERE booking_id IN (SELECT id FROM doomed_booking)",
    "DELETE FROM attendance_tap WHERE booking_id IN (SELECT id FROM doomed_booking)",
    "UPDATE safeguarding_concern SET booking_id = NULL "
    "WHERE booking_id IN (SELECT id FROM doomed_booking)",
    "DELETE FROM attendance_historicalbooking WHERE id IN (SELECT id FROM doomed_booking)",
    "DELETE FROM attendance_booking WHERE case_id IN (SELECT id FROM doomed_case)",
    "DELETE FROM referrals_previsit_children WHERE previsit_id IN "
    "(SELECT id FROM referrals_previsit WHERE case_id IN (SELECT id FROM doomed_case))",
    *[
        f"DELETE FROM referrals_{table} WHERE case_id IN (SELECT id FROM doomed_case)"
        for table in (
            "historicalprevisit",
            "previsit",
            "historicalconsent",
            "consent",
            "historicalcommunication",
            "communication",
            "historicalcasedocument",
            "casedocument",
            "historicalprotectiveorder",
            "protectiveorder",
            "statuschange",
        )
    ],
    "DELETE FROM safeguarding_concern_children WHERE child_id IN "
    "(SELECT id FROM referrals_child WHERE case_id IN (SELECT id FROM doomed_case))",
    "UPDATE safeguarding_incidentchild SET child_id = NULL WHERE child_id IN "
    "(SELECT id FROM referrals_child WHERE case_id IN (SELECT id FROM doomed_case))",
    "UPDATE safeguarding_accident SET child_id = NULL WHERE child_id IN "
    "(SELECT id FROM referrals_child WHERE case_id IN (SELECT id FROM doomed_case))",
    "UPDATE privacy_requests_privacyrequest SET subject_child_id = NULL WHERE subject_child_id "
    "IN (SELECT id FROM referrals_child WHERE case_id IN (SELECT id FROM doomed_case))",
    "UPDATE privacy_requests_privacyrequest SET subject_adult_id = NULL WHERE subject_adult_id "
    "IN (SELECT id FROM referrals_adult WHERE case_id IN (SELECT id FROM doomed_case))",
    "UPDATE safeguarding_hold SET adult_id = NULL WHERE adult_id "
    "IN (SELECT id FROM referrals_adult WHERE case_id IN (SELECT id FROM doomed_case))",
    *[
        f"DELETE FROM referrals_{table} WHERE case_id IN (SELECT id FROM doomed_case)"
        for table in (
            "historicalchild",
            "child",
            "historicaladult",
            "adult",
            "historicalreferral",
            "referral",
        )
    ],
    *[
        f"UPDATE safeguarding_{table} SET case_id = NULL WHERE case_id IN "
        "(SELECT id FROM doomed_case)"
        for table in ("concern", "incident", "accident", "hold")
    ],
    "DELETE FROM referrals_historicalcase WHERE id IN (SELECT id FROM doomed_case)",
    "DELETE FROM referrals_case WHERE id IN (SELECT id FROM doomed_case)",
    "INSERT INTO retention_disposalrecord (rule, kind, action, record_type, object_id, ref, "
    "due_on, approved_by_id_copy, approved_by_name, approved_at, executed_at, reason, "
    "trace_check) "
    "SELECT rule, kind, action, record_type, object_id, ref, due_on, decided_by_id, "
    "decided_by_name, decided_at, now(), 'retention', '' FROM retention_queueitem "
    "WHERE status = 'approved'",
    "DELETE FROM retention_queueitem WHERE status = 'approved'",
]


def sql_dispose():
    with connection.cursor() as cursor:
        for statement in DISPOSE_SQL:
            cursor.execute(statement)


# -- The run -----------------------------------------------------------------------------


def dry_run_queries():
    from retention import engine

    with CaptureQueriesContext(connection) as captured:
        engine.dry_run(AS_OF)
    return len(captured.captured_queries)


def run_only(run):
    """``peak_memory``'s stand-in in a smoke run: runs, measures nothing."""
    run()


def disposal_queries(cases):
    """The queries sent disposing of the first ``cases`` cases the sweep flags under the
    self-referral rule, all of it rolled back. (One rule, so that each batch is checked
    and purged in one group whatever the size: a batch of two rules' cases takes two.)"""
    from retention import services
    from retention.models import QueueItem

    with rolled_back():
        services.retention_sweep(as_of=AS_OF)
        flagged = QueueItem.objects.filter(rule="contact-self").order_by("pk")
        chosen = list(flagged.values_list("pk", flat=True)[:cases])
        QueueItem.objects.filter(pk__in=chosen).update(
            status="approved", decided_by_name="Bench Manager", decided_at=timezone.now()
        )
        with counting() as counter:
            disposed = services.dispose_approved(today=AS_OF)
    if disposed["disposed"] != cases:
        sys.exit(f"Disposing of {cases} cases to count their queries: {disposed}")
    return counter["queries"]


def mib(size):
    return "-" if size is None else f"{size / 2**20:.1f} MiB"


def main():
    from referrals.models import Case
    from retention import engine, services
    from retention.models import DisposalRecord, QueueItem

    smoke = os.environ.get("BENCH_SMOKE") == "1"
    measure_memory = run_only if smoke else peak_memory
    count = int(os.environ.get("BENCH_CASES", "20000"))
    first_size = max(count // 4, 1)
    session_count = max(count // 10 // BOOKINGS_PER_CASE, 1) * BOOKINGS_PER_CASE
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_retention"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        first_session = sessions_build(session_count)
        holds = build(1, first_size + 1, first_session, session_count)
        queries_small = dry_run_queries()
        # The same number of cases disposed of, with a quarter of the data and with all.
        counted = min(MEMORY_SAMPLE, max(count // 40, 1))
        disposal_small = disposal_queries(counted)
        holds += build(first_size + 1, count + 1, first_session, session_count)
        queries_full = dry_run_queries()
        disposal_full = disposal_queries(counted)
        built = time.perf_counter() - started
        seeded = counts()
        print(
            f"{seeded['cases']:,} cases, {seeded['bookings']:,} attendance rows, "
            f"{seeded['history']:,} history rows, {holds:,} legal holds on {connection.vendor}, "
            f"built in {built:.1f}s; as of {AS_OF:%d/%m/%Y}"
            + ("; smoke run: the times mean nothing" if smoke else "")
        )

        params = sql_params()
        rows = []

        # The dry run.
        ours_s, ours_q, report = timed(lambda: engine.dry_run(AS_OF))
        theirs_s, theirs_q, (due, held) = timed(lambda: sql_dry_run(params))
        if (len(report["due"]), len(report["held"])) != (len(due), len(held)):
            sys.exit(
                f"The dry run and the SQL disagree: {len(report['due'])}/{len(report['held'])} "
                f"due/held against {len(due)}/{len(held)}"
            )
        memory = measure_memory(lambda: engine.dry_run(AS_OF))
        rows.append(
            (
                f"dry-run sweep ({len(due):,} due, {len(held):,} held)",
                ours_s,
                theirs_s,
                ours_q,
                theirs_q,
                memory,
            )
        )

        # The flagging sweep: the SQL and a run under tracemalloc, rolled back; then ours.
        with rolled_back():
            theirs_s, theirs_q, flagged_sql = timed(lambda: sql_sweep(params))
        with rolled_back():
            memory = measure_memory(lambda: services.retention_sweep(as_of=AS_OF))
        ours_s, ours_q, result = timed(lambda: services.retention_sweep(as_of=AS_OF))
        if result["flagged"] != flagged_sql:
            sys.exit(f"The sweep flagged {result['flagged']}, the SQL {flagged_sql}")
        rows.append(
            (
                f"flagging sweep ({result['flagged']:,} flagged)",
                ours_s,
                theirs_s,
                ours_q,
                theirs_q,
                memory,
            )
        )

        # Disposal of 1,000 approved cases: the same cases each time.
        chosen = list(QueueItem.objects.order_by("pk").values_list("pk", flat=True)[:DISPOSE])
        QueueItem.objects.filter(pk__in=chosen).update(
            status="approved", decided_by_name="Bench Manager", decided_at=timezone.now()
        )
        doomed = list(QueueItem.objects.filter(pk__in=chosen).values_list("object_id", flat=True))
        before = counts()
        with rolled_back():
            theirs_s, theirs_q, _ = timed(sql_dispose)
            after_sql = counts()
        with rolled_back():
            # Memory over the first 100 (each batch frees what it took).
            QueueItem.objects.filter(pk__in=chosen[MEMORY_SAMPLE:]).update(status="due")
            memory = measure_memory(lambda: services.dispose_approved(today=AS_OF))
        ours_s, ours_q, disposed = timed(lambda: services.dispose_approved(today=AS_OF))
        after = counts()
        if disposed["disposed"] != len(chosen) or after != after_sql:
            sys.exit(f"Disposal differs: {disposed}, rows left {after} against SQL {after_sql}")
        if Case.objects.filter(pk__in=doomed).exists():
            sys.exit("Disposed cases are still there")
        if DisposalRecord.objects.count() != len(chosen) or QueueItem.objects.approved():
            sys.exit("A disposed case has no proof, or an approved item is left")
        gone = {key: before[key] - after[key] for key in before}
        rows.append(
            (
                f"disposing {len(chosen):,} cases in batches of "
                f"{settings.RETENTION_DISPOSAL_BATCH} ({gone['bookings']:,} bookings, "
                f"{gone['history']:,} history rows)",
                ours_s,
                theirs_s,
                ours_q,
                theirs_q,
                memory,
            )
        )

        width = max(len(row[0]) for row in rows) + 2
        print(
            f"{'operation':<{width}}{'Handover':>11}{'SQL':>10}{'ratio':>8}"
            f"{'queries':>10}{'SQL q.':>8}{'peak memory':>14}"
        )
        for label, ours_s, theirs_s, ours_q, theirs_q, memory in rows:
            print(
                f"{label:<{width}}{ours_s:>10.2f}s{theirs_s:>9.2f}s{ours_s / theirs_s:>7.1f}x"
                f"{ours_q:>10,}{theirs_q:>8,}{mib(memory):>14}"
            )
        flat = queries_full <= queries_small
        print(
            f"dry-run queries: {queries_small} with {first_size:,} cases, {queries_full} with "
            f"{count:,}; query count flat: {'yes' if flat else 'no'}"
        )
        disposal_flat = disposal_full <= disposal_small
        print(
            f"disposal queries for {counted:,} cases: {disposal_small:,} with {first_size:,} "
            f"cases, {disposal_full:,} with {count:,}; query count flat: "
            f"{'yes' if disposal_flat else 'no'}"
        )
        a_case = ours_q / len(chosen)
        ratio = ours_s / theirs_s
        within = a_case <= GOAL_QUERIES_A_CASE
        if smoke:
            print(
                f"disposal goal: {a_case:.1f} queries a case (at most {GOAL_QUERIES_A_CASE}): "
                f"{'met' if within else 'not met'}; no time goal in a smoke run"
            )
        else:
            met = within and ratio <= GOAL_RATIO and len(chosen) == DISPOSE
            print(
                f"disposal goal: {len(chosen):,} cases in {ratio:.1f}x the SQL's time (at "
                f"most {GOAL_RATIO}x) with {a_case:.1f} queries a case (at most "
                f"{GOAL_QUERIES_A_CASE}): {'met' if met else 'not met'}"
            )
        if not (flat and disposal_flat and within):
            sys.exit(1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
