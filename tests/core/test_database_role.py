"""The application's own database role (issue 16): on PostgreSQL, a role granted as
production grants it (``manage.py grant_app_role``) works on every table but may only add
to the audit trail and the proofs of disposal, cannot switch off what guards them, and
removes their rows only through the expiry functions, only past seven years.

Each test makes a role of its own with a random name, connects as it over a separate
psycopg connection (so the rows it is shown are committed: ``transactional_db``), and
drops it afterwards."""

import datetime
import io
import os
import secrets
import shutil
import subprocess

import psycopg
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.models import AuditEvent
from retention import tasks
from retention.models import DisposalRecord
from tests.retention.factories import disposal_proof

APPEND_ONLY = {"centre_auditevent": "at", "retention_disposalrecord": "executed_at"}
DAY = datetime.timedelta(days=1)


def seven_years_before(moment):
    """As PostgreSQL's ``moment - interval '7 years'``."""
    try:
        return moment.replace(year=moment.year - 7)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 7, day=28)


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")


@pytest.fixture
def make_role(postgres):
    """``make_role(granted=True)`` -> a psycopg connection (autocommit) as a new role that
    may log in, given the application's privileges by ``grant_app_role`` unless
    ``granted`` is False."""
    made = []

    def make(*, granted=True):
        role = f"handover_test_app_{secrets.token_hex(4)}"
        password = secrets.token_hex(16)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        made.append(role)
        if granted:
            call_command("grant_app_role", role, stdout=io.StringIO())
        database = connection.settings_dict
        app = psycopg.connect(
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            dbname=database["NAME"],
            user=role,
            password=password,
            autocommit=True,
        )
        made.append(app)
        return app

    yield make
    for item in reversed(made):
        if isinstance(item, str):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP OWNED BY {item}")
                cursor.execute(f"DROP ROLE {item}")
        else:
            item.close()


def an_event(at=None):
    return AuditEvent.objects.create(
        action=AuditEvent.Action.LOGIN, role="staff", at=at or timezone.now()
    )


def a_proof(executed_at=None):
    return disposal_proof(executed_at or timezone.now())


def refused(app, statement):
    """Run ``statement`` as the app; True when PostgreSQL refuses it for want of privilege."""
    try:
        app.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_app_role_can_neither_rewrite_nor_empty_nor_unguard_an_append_only_table(
    make_role, table
):
    event, proof = an_event(), a_proof()
    app = make_role()

    attempts = {
        "UPDATE": f"UPDATE {table} SET kind = 'rewritten'",  # noqa: S608 - our constants
        "DELETE": f"DELETE FROM {table}",  # noqa: S608
        "TRUNCATE": f"TRUNCATE {table}",
        "DISABLE TRIGGER": f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        "replica": "SET session_replication_role = replica",
    }

    assert {name: refused(app, sql) for name, sql in attempts.items()} == dict.fromkeys(
        attempts, True
    )
    event.refresh_from_db()
    proof.refresh_from_db()
    assert (event.kind, proof.kind) == ("", "case")
    assert (AuditEvent.objects.count(), DisposalRecord.objects.count()) == (1, 1)


def test_the_app_role_adds_to_and_reads_the_audit_trail_and_the_proofs(make_role):
    app = make_role()

    app.execute(
        "INSERT INTO centre_auditevent (at, action, role, kind, detail) "
        "VALUES (now(), 'read', 'staff', 'referrals.case', '')"
    )
    app.execute(
        "INSERT INTO retention_disposalrecord (rule, kind, action, record_type, object_id, ref,"
        " due_on, approved_by_name, approved_at, executed_at, reason, trace_check)"
        " VALUES ('contact-self', 'case', 'dispose', 'referrals.case', 7, 'HC-2020-0007',"
        " '2020-01-01', 'Alice Mercer', now(), now(), 'retention', '')"
    )

    assert app.execute("SELECT action, kind FROM centre_auditevent").fetchall() == [
        ("read", "referrals.case")
    ]
    assert app.execute("SELECT ref FROM retention_disposalrecord").fetchall() == [("HC-2020-0007",)]
    assert AuditEvent.objects.get().kind == "referrals.case"


def test_the_app_role_does_ordinary_work_on_the_other_tables(make_role):
    app = make_role()

    app.execute("INSERT INTO retention_sweeplock (name) VALUES ('probe')")
    app.execute("UPDATE retention_sweeplock SET last_as_of = '2026-12-04' WHERE name = 'probe'")
    assert app.execute(
        "SELECT last_as_of FROM retention_sweeplock WHERE name = 'probe'"
    ).fetchone() == (datetime.date(2026, 12, 4),)
    app.execute("DELETE FROM retention_sweeplock WHERE name = 'probe'")
    assert not app.execute("SELECT 1 FROM retention_sweeplock WHERE name = 'probe'").fetchall()


def test_the_app_role_can_take_a_backup_with_pg_dump(make_role, tmp_path):
    """``make backup`` runs pg_dump as whatever DATABASE_URL names: it reads every table
    and sequence."""
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    an_event()
    app = make_role()
    dump = tmp_path / "database.dump"

    subprocess.run(
        ["pg_dump", "-Fc", "-f", str(dump), "-d", app.info.dbname],
        env={
            **os.environ,
            "PGHOST": app.info.host,
            "PGPORT": str(app.info.port),
            "PGUSER": app.info.user,
            "PGPASSWORD": app.info.password,
        },
        check=True,
        capture_output=True,
    )
    assert dump.stat().st_size > 0


def test_the_expiry_functions_remove_rows_past_seven_years_and_keep_those_a_day_younger(
    make_role,
):
    now = timezone.now()
    boundary = seven_years_before(now)
    old_event, young_event = an_event(boundary - DAY), an_event(boundary + DAY)
    old_proof, young_proof = a_proof(boundary - DAY), a_proof(boundary + DAY)
    app = make_role()

    assert app.execute("SELECT handover_expire_audit_trail()").fetchone() == (1,)
    assert app.execute("SELECT handover_expire_disposal_proofs()").fetchone() == (1,)

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young_event.pk]
    assert list(DisposalRecord.objects.values_list("pk", flat=True)) == [young_proof.pk]
    assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert not DisposalRecord.objects.filter(pk=old_proof.pk).exists()
    # Run again, nothing more goes.
    assert app.execute("SELECT handover_expire_audit_trail()").fetchone() == (0,)


def test_a_role_not_granted_cannot_call_the_expiry_functions(make_role):
    stranger = make_role(granted=False)

    assert refused(stranger, "SELECT handover_expire_audit_trail()")
    assert refused(stranger, "SELECT handover_expire_disposal_proofs()")


def test_the_truncate_trigger_holds_even_for_a_role_given_the_privilege_by_mistake(
    make_role,
):
    an_event(), a_proof()
    app = make_role()
    with connection.cursor() as cursor:  # GRANT ALL, say
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {app.info.user}")

    for table in APPEND_ONLY:
        with pytest.raises(psycopg.errors.RaiseException, match=f"{table} may not be truncated"):
            app.execute(f"TRUNCATE {table} CASCADE")
    assert (AuditEvent.objects.count(), DisposalRecord.objects.count()) == (1, 1)


def test_the_owner_may_still_truncate_as_the_test_suite_does(postgres):
    an_event(), a_proof()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE centre_auditevent, retention_disposalrecord CASCADE")
        assert (AuditEvent.objects.count(), DisposalRecord.objects.count()) == (0, 0)
        transaction.set_rollback(True)
    assert (AuditEvent.objects.count(), DisposalRecord.objects.count()) == (1, 1)


def test_the_owner_may_delete_an_event_past_seven_years_but_no_younger_one(postgres):
    boundary = seven_years_before(timezone.now())
    old, young = an_event(boundary - DAY), an_event(boundary + DAY)

    AuditEvent.objects.filter(pk=old.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=young.pk).delete()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


@pytest.mark.parametrize(
    "role, reason",
    [("postgres", "is a superuser"), ("handover_no_such_role", "there is no role")],
)
def test_granting_refuses_a_superuser_and_a_role_that_does_not_exist(postgres, role, reason):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'")
        if role == "postgres" and cursor.fetchone() != (True,):
            pytest.skip("no superuser named postgres here")
    with pytest.raises(CommandError, match=reason):
        call_command("grant_app_role", role)


def test_granting_refuses_a_role_that_owns_a_table(make_role):
    app = make_role(granted=False)
    role = app.info.user
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
    app.execute("CREATE TABLE handover_test_owned (id int)")

    with pytest.raises(CommandError, match="owns 1 object"):
        call_command("grant_app_role", role)


# The nightly task, on PostgreSQL through the functions, on SQLite with the ORM.


def test_the_nightly_task_removes_events_and_proofs_past_seven_years_not_a_day_younger(
    transactional_db,
):
    boundary = seven_years_before(timezone.now())
    an_event(boundary - DAY), a_proof(boundary - DAY)
    young_event, young_proof = an_event(boundary + DAY), a_proof(boundary + DAY)

    assert tasks.expire_audit_trail_and_proofs() == {"audit_events": 1, "proofs": 1}

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young_event.pk]
    assert list(DisposalRecord.objects.values_list("pk", flat=True)) == [young_proof.pk]
    assert tasks.expire_audit_trail_and_proofs() == {"audit_events": 0, "proofs": 0}


def test_the_expiry_is_scheduled_every_night_at_half_past_two():
    entry = settings.CELERY_BEAT_SCHEDULE["expire-audit-trail-and-proofs"]
    assert entry["task"] == "retention.tasks.expire_audit_trail_and_proofs"
    assert entry["schedule"] == crontab(hour=2, minute=30)
