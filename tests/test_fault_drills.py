"""Fault drills (issue 19): what an operator's drills found, each as a test. Logs that
cannot leak, private backups, a hung or closed Redis, an unreachable PostgreSQL with the
production pool, and a restore that checks first. The races of the retention engine are
in tests/retention/test_races.py."""

import contextlib
import datetime
import importlib.util
import io
import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config as GunicornConfig
from gunicorn.glogging import Logger as GunicornLogger

from centre.log_filters import PersonalDataFilter
from config.celery import app
from config.postgresql import base as fail_fast
from core.models import AuditEvent, PendingFileDeletion
from referrals.models import Adult, Case, CaseDocument, Referral
from referrals.services import case_close
from retention import tasks
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.models import Hold
from tests.celery_worker import running_worker
from tests.conftest import Client
from tests.referrals.factories import (
    AdultFactory,
    CaseDocumentFactory,
    CaseFactory,
    ChildFactory,
)

ROOT = Path(__file__).resolve().parent.parent
# Self-referrals closed on this day were due a year later, before any day these run.
CLOSED_ON = datetime.date(2025, 6, 1)
# What a constraint failure would print from the failing row: none of it may be logged.
HOLD_REASON = "Fictional: solicitor for Jane Example rang from 07700 900123"


def due_case():
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=CLOSED_ON - datetime.timedelta(days=90),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    ChildFactory(case=case)
    return case_close(case=case, closed_on=CLOSED_ON, reason="Fictional.", actor=None)


def hold_the_engine_cannot_see(case):
    """A standing hold on the case's adult of a kind no hold provider reports: the
    engine approves the case, and deleting the adult (the hold's link is SET_NULL)
    breaks the hold's check constraint, whose DETAIL prints the hold's row."""
    adult = case.adults.first()
    return Hold.objects.create(
        kind=Hold.Kind.PRIVACY_REQUEST,
        adult=adult,
        scope_label=f"adult AD-{adult.pk:04d} of {case.display_reference}",
        reason=HOLD_REASON,
    )


def leaks(text, hold):
    found = [
        part
        for part in (
            HOLD_REASON,
            "Jane Example",
            "07700 900123",
            hold.scope_label,
            "Failing row contains",
            "DETAIL",
        )
        if part in text
    ]
    return found


@contextlib.contextmanager
def console_output():
    """What the configured handlers (LOGGING) write, instead of the terminal."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    handlers = [h for h in handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert handlers, "the root logger has no filtered handler"
    saved = [h.setStream(stream) for h in handlers]
    try:
        yield stream
    finally:
        for handler, old in zip(handlers, saved, strict=True):
            handler.setStream(old)


# 1. Logs that cannot leak.


def test_every_handler_of_every_logger_has_the_personal_data_filter():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    unfiltered = [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        # pytest's own capturing handlers are the test run's, not Handover's.
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)  # writes nothing anywhere
        and not any(isinstance(f, PersonalDataFilter) for f in handler.filters)
    ]
    assert unfiltered == []


def test_a_constraint_failure_during_disposal_logs_no_personal_data(db, manager):
    case = due_case()
    hold = hold_the_engine_cannot_see(case)
    retention_sweep()
    item = QueueItem.objects.get(record_type="referrals.case", object_id=case.pk)
    disposal_approve(actor=manager)

    with console_output() as output:
        counts = dispose_approved()
    text = output.getvalue()

    assert counts["failed"] == 1
    assert Case.objects.filter(pk=case.pk).exists()  # the failed disposal rolled back whole
    assert not DisposalRecord.objects.exists()
    # The event, the item's id, the exception's class and where it happened stay.
    assert f"retention-dispose-failed item={item.pk}" in text
    assert "IntegrityError" in text
    assert "retention/services.py" in text
    assert leaks(text, hold) == []


def test_gunicorns_own_log_handlers_get_the_filter(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "4")  # the file sets it when it is missing
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    log = GunicornLogger(GunicornConfig())
    handlers = log.error_log.handlers + log.access_log.handlers
    assert handlers
    conf.on_starting(SimpleNamespace(log=log))
    conf.post_fork(SimpleNamespace(log=log), None)
    for handler in handlers:
        assert [type(f) for f in handler.filters] == [PersonalDataFilter]


def test_a_query_logged_with_its_parameters_keeps_only_its_time(db):
    record = logging.LogRecord(
        "django.db.backends", logging.DEBUG, __file__, 1, "(%.3f) %s; args=%s; alias=%s",
        (0.002, "SELECT 1 WHERE name = 'Jane Example'", ("Jane Example",), "default"),
        None,
    )  # fmt: skip
    record.duration, record.sql, record.params = 0.002, "SELECT ... 'Jane Example'", ("x",)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "(0.002) query [withheld]"
    assert "Jane" not in str(record.sql) + str(record.params)


def test_an_exception_given_as_an_argument_is_logged_as_its_class():
    error = ValueError('invalid input for "Jane Example"\nDETAIL: Key (email)=(j@example.test)')
    logger = logging.getLogger("handover.test")
    with console_output() as output:
        logger.error("import-failed row=%s error=%s", 12, error)
        try:
            raise error
        except ValueError as caught:  # as Celery logs a task's failure
            logger.error("Task raised unexpected: %(exc)s", {"exc": repr(caught)}, exc_info=True)
    text = output.getvalue()
    assert "import-failed row=12 error=ValueError" in text
    assert "Task raised unexpected: ValueError" in text
    assert "Jane" not in text and "example.test" not in text


def test_the_worker_logs_a_failed_disposal_without_personal_data(
    transactional_db, manager, tmp_path
):
    """The same failure in a real Celery worker, whose logging Celery would otherwise set
    up itself, with handlers of its own and no filter."""
    case = due_case()
    hold = hold_the_engine_cannot_see(case)
    retention_sweep()
    disposal_approve(actor=manager)
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log, running_worker(stderr=log) as (queue, _process):
        result = tasks.dispose_approved.apply_async(queue=queue)
        assert result.get(timeout=60)["failed"] == 1
        time.sleep(0.5)  # let the worker's handler flush its lines
    text = log_path.read_text()
    assert "retention-dispose-failed item=" in text
    assert "IntegrityError" in text
    assert leaks(text, hold) == []


# 2. Backups private.


def backup_module():
    spec = importlib.util.spec_from_file_location("backup", ROOT / "scripts" / "backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(
    db, tmp_path, monkeypatch, settings, umask
):
    if connection.vendor != "postgresql":
        pytest.skip("backs up with pg_dump")
    backup = backup_module()
    monkeypatch.setattr(backup, "django_setup", lambda: None)  # Django is set up already
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    (settings.UPLOAD_ROOT / "ab").mkdir(parents=True)
    (settings.UPLOAD_ROOT / "ab" / "order.pdf").write_bytes(b"%PDF-1.4 fictional")
    target = tmp_path / "backups" / "tonight"
    monkeypatch.setenv("BACKUP_DIR", str(target))
    previous = os.umask(umask)
    try:
        backup.main()
    finally:
        os.umask(previous)

    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in target.iterdir()}
    assert modes == {
        "database.dump": 0o600,
        "uploads.tar.gz": 0o600,
        "disposals.json": 0o600,
    }
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700  # made by the backup too


# 3. Redis hung or closed: short timeouts.


@contextlib.contextmanager
def hung_server():
    """A server that accepts connections and never answers: Redis frozen. Yields its
    port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for connection_ in accepted:
            connection_.close()


def closed_port():
    """A port where nothing listens (bound, then let go)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture(params=["hung", "closed"])
def broken_redis(request):
    """The URL of a Redis that is hung (accepts, never answers) or closed (refuses)."""
    if request.param == "closed":
        yield f"redis://127.0.0.1:{closed_port()}/0"
        return
    with hung_server() as port:
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def cache_on(settings):
    def point(url):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            }
        }

    return point


@contextlib.contextmanager
def broker_on(url):
    """The Celery app pointed at ``url``, queueing for real, with the production broker
    options."""
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    saved_pools = (app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool, app.amqp._producer_pool = saved_pools
        app.conf.update(saved)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_timeouts_are_well_under_a_second(settings):
    assert settings.REDIS_TIMEOUT_SECONDS <= 0.5
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] <= 0.5
    assert options["socket_timeout"] <= 0.5
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 0.5
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["OPTIONS"] == settings.REDIS_CACHE_OPTIONS


def test_with_redis_hung_or_closed_health_answers_degraded_within_about_a_second(
    db, client, cache_on, broken_redis
):
    client.get("/health/")  # warm: the first request of a process loads the URLs
    cache_on(broken_redis)
    response, took = timed(lambda: client.get("/health/"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable", "status": "degraded"}
    # Half a second of timeout, and the request itself on a busy test machine.
    assert took < 1.5, took


def test_with_redis_hung_or_closed_pages_answer_at_once(manager, cache_on, broken_redis):
    signed_in = Client()
    signed_in.force_login(manager)
    urls = ("/", reverse("retention:queue"), reverse("retention:forecast"))
    usual = {url: timed(lambda url=url: signed_in.get(url))[1] for url in urls}
    cache_on(broken_redis)
    for url in urls:
        response, took = timed(lambda url=url: signed_in.get(url))
        assert response.status_code == 200, url
        # No page needs the cache: at most the timeout more than the page takes anyway.
        assert took < usual[url] + 1.0, (url, took, usual[url])


def test_with_the_broker_hung_or_closed_an_approval_is_kept_within_about_a_second(
    manager, broken_redis, django_capture_on_commit_callbacks, caplog
):
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(manager)
    case = due_case()
    retention_sweep()
    item = QueueItem.objects.get(record_type="referrals.case", object_id=case.pk)
    with broker_on(broken_redis):

        def approve():
            with django_capture_on_commit_callbacks(execute=True):
                return signed_in.post(reverse("retention:approve_all"), {"confirm": "yes"})

        response, took = timed(approve)
    assert (response.status_code, response.url) == (302, reverse("retention:queue"))
    assert took < 1.5, took
    item.refresh_from_db()
    assert item.status == QueueItem.Status.APPROVED
    assert "retention-dispose-not-queued" in caplog.text


def test_docker_composes_health_check_waits_longer_than_health_takes():
    compose = (ROOT / "docker-compose.yml").read_text()
    web = compose.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]
    assert "timeout=3)" in web  # the request's own timeout
    assert "timeout: 5s" in web  # docker's, for the whole check


# 6. Disposal resumes by itself.


def test_the_disposal_runs_every_five_minutes_and_a_late_run_is_dropped(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-dispose-approved"]
    assert entry["task"] == "retention.tasks.dispose_approved"
    schedule = entry["schedule"]
    assert schedule.hour == set(range(24))
    minutes = sorted(schedule.minute)
    gaps = [b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True)]
    assert max(gaps) <= 5
    assert entry["options"]["expires"] < 5 * 60


def test_the_queue_shows_approved_items_waiting_longer_than_expected(manager):
    signed_in = Client()
    signed_in.force_login(manager)
    late, fresh = due_case(), due_case()
    retention_sweep()
    disposal_approve(actor=manager)
    page = signed_in.get(reverse("retention:queue")).content.decode()
    assert "longer than expected" not in page  # just approved: the next run takes it

    QueueItem.objects.filter(object_id=late.pk).update(
        decided_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    page = signed_in.get(reverse("retention:queue")).content.decode()
    assert "1 approved record has waited more than 15 minutes to be disposed of" in page
    assert "docker compose ps" in page
    assert page.count("longer than expected") == 1
    assert fresh.display_reference in page


def wait_for_the_dead_workers_session(timeout=20):
    """PostgreSQL rolls the killed worker's transaction back once it sees the socket
    closed; wait until no other session is left."""
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


def test_a_worker_killed_mid_disposal_delays_it_by_one_run_not_a_night(
    transactional_db, manager, settings
):
    """kill -9 in the middle of disposing of cases with files: each case is whole (with
    its file) or gone (with its file, or its file listed for removal), and the next
    five-minute run, taken by a fresh worker, finishes the batch."""
    cases = []
    for _ in range(30):
        case = due_case()
        CaseDocumentFactory(case=case)
        cases.append(case)
    stored = {
        case.pk: Path(settings.UPLOAD_ROOT) / CaseDocument.objects.get(case=case).file.name
        for case in cases
    }
    assert all(path.exists() for path in stored.values())
    retention_sweep()
    assert disposal_approve(actor=manager) == len(cases)
    # Five cases a transaction: the kill lands between two of them, or inside one.
    worker_env = {"UPLOAD_ROOT": str(settings.UPLOAD_ROOT), "RETENTION_DISPOSAL_BATCH": "5"}

    with running_worker(env=worker_env) as (queue, process):
        tasks.dispose_approved.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while not DisposalRecord.objects.exists():
            assert time.monotonic() < deadline, "the worker disposed of nothing"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    wait_for_the_dead_workers_session()

    pending = set(PendingFileDeletion.objects.values_list("name", flat=True))
    gone = set()
    for case in cases:
        if Case.objects.filter(pk=case.pk).exists():
            assert CaseDocument.objects.filter(case=case).exists()
            assert stored[case.pk].exists()
        else:
            gone.add(case.pk)
            name = str(stored[case.pk].relative_to(settings.UPLOAD_ROOT))
            assert not stored[case.pk].exists() or name in pending
    assert 0 < len(gone) < len(cases), "the worker was killed before or after the batch"
    assert set(DisposalRecord.objects.values_list("object_id", flat=True)) == gone

    # Beat's next run (within five minutes), as beat sends it, to a fresh worker.
    entry = settings.CELERY_BEAT_SCHEDULE["retention-dispose-approved"]
    with running_worker(env=worker_env) as (queue, _process):
        started = time.monotonic()
        result = app.send_task(entry["task"], queue=queue, **entry["options"])
        counts = result.get(timeout=120)
        took = time.monotonic() - started
    assert counts["disposed"] == len(cases) - len(gone)
    assert not Case.objects.filter(pk__in=[case.pk for case in cases]).exists()
    assert not any(path.exists() for path in stored.values())
    assert not PendingFileDeletion.objects.exists()
    assert not QueueItem.objects.exists()
    assert DisposalRecord.objects.count() == len(cases)  # one proof each, none doubled
    assert took < 60


# 7. PostgreSQL unreachable, with the production pool.

# Run in a process of its own, with the production pool configured as docker-compose
# does (DB_POOL_SIZE) and PostgreSQL at the address given: /health/, then a page with a
# session cookie (the session's read is the first touch of the database), then eight
# requests at once. Prints the status and seconds of each. (The server's machine does
# one request at a time per thread; the crowd shares this process's two cores.)
UNREACHABLE_DRILL = """
import json, os, sys, threading, time
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.test import Client

def ask(path):
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    started = time.monotonic()
    status = client.get(path).status_code
    return status, time.monotonic() - started

# Warm up (the first request of a process imports the URLs and templates), then let the
# failure it met be forgotten, so that each timing below asks PostgreSQL again.
ask("/health/")
time.sleep(1.2)
results = {"health": ask("/health/")}
time.sleep(1.2)
results["cases"] = ask("/cases/")
time.sleep(1.2)
crowd = []
threads = [threading.Thread(target=lambda: crowd.append(ask("/cases/"))) for _ in range(8)]
started = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
results["crowd"] = crowd
results["crowd_took"] = time.monotonic() - started
print(json.dumps(results))
"""


def unreachable_drill(port):
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", UNREACHABLE_DRILL],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/handover",
            "DB_POOL_SIZE": "4",
            "DEBUG": "True",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("fault", ["closed", "hung"])
def test_with_postgresql_unreachable_the_pool_answers_503_within_about_a_second(fault):
    if fault == "closed":
        results = unreachable_drill(closed_port())
    else:
        with hung_server() as port:
            results = unreachable_drill(port)
    assert results["health"][0] == 503
    assert results["cases"][0] == 503
    assert {status for status, _took in results["crowd"]} == {503}
    # Was 10.5 s for /health/, 20 s for a page, up to 50 s in a crowd.
    assert results["health"][1] < 1.5, results
    assert results["cases"][1] < 1.5, results
    assert max(took for _status, took in results["crowd"]) < 2.5, results


def test_the_pool_takes_a_ready_connection_without_asking_postgresql_again(monkeypatch):
    """A connection ready in the pool is taken at once; PostgreSQL is asked whether it
    answers only when the pool has none (so a healthy server sees no extra traffic)."""
    asked = []
    monkeypatch.setattr(fail_fast, "answers", lambda *args: asked.append(args) or True)

    class Ready:
        def getconn(self, timeout=None):
            return "connection"

    pool = fail_fast.FailFastPool(Ready(), alias="drill", host="127.0.0.1", port=5432)
    assert pool.getconn() == "connection"
    assert asked == []


def test_postgresql_answers_the_probe(db):
    if connection.vendor != "postgresql":
        pytest.skip("asks a PostgreSQL server")
    host, port = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    assert fail_fast.answers(host or "/var/run/postgresql", port or 5432)
    with hung_server() as port:
        started = time.monotonic()
        assert not fail_fast.answers("127.0.0.1", port)
        assert time.monotonic() - started < 1
    assert not fail_fast.answers("127.0.0.1", closed_port())


# 8. A restore that checks first and keeps the audit trail.


def restore_module():
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("restore", ROOT / "scripts" / "restore.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def open_another_connection(application_name):
    """A connection such as the web application holds."""
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        application_name=application_name,
    )


def case_is_gone(case):
    return not (
        Case.objects.filter(pk=case.pk).exists() or Case.history.filter(id=case.pk).exists()
    )


def test_restore_refuses_while_connected_keeps_the_audit_trail_and_replays_once(
    transactional_db, manager, tmp_path, monkeypatch, capsys
):
    if connection.vendor != "postgresql":
        pytest.skip("restores with pg_dump and pg_restore")
    backup, restore = backup_module(), restore_module()
    for module in (backup, restore):
        monkeypatch.setattr(module, "django_setup", lambda: None)  # set up already
    monkeypatch.setattr(restore, "ROOT", tmp_path)  # its exports go under tmp_path/var
    gone, kept = due_case(), due_case()
    retention_sweep()
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backup"))
    backup.main()
    last_backed_up = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # After the backup: the manager approves one case and a worker disposes of it.
    disposal_approve(actor=manager, items=QueueItem.objects.filter(object_id=gone.pk))
    dispose_approved()
    since = list(
        AuditEvent.objects.filter(pk__gt=last_backed_up)
        .order_by("pk")
        .values_list("pk", "action", "user_id", "kind", "object_id")
    )
    assert {event[1] for event in since} >= {"approval", "disposal"}
    monkeypatch.setattr(sys, "argv", ["restore.py", str(tmp_path / "backup")])

    web = open_another_connection("handover-web")
    try:
        with pytest.raises(SystemExit) as refused:
            restore.main()
        message = str(refused.value)
        assert "Refusing to restore: 1 other connection(s)" in message
        assert "handover-web" in message and "FORCE=1" in message
        assert case_is_gone(gone)  # nothing was restored

        monkeypatch.setenv("FORCE", "1")
        restore.main()
        assert "ended 1 other connection(s)" in capsys.readouterr().out
        with pytest.raises(psycopg.OperationalError):  # the server ended it
            web.execute("SELECT 1")
    finally:
        web.close()

    # The restore brought the case back; the replay disposed of it again, once.
    assert case_is_gone(gone)
    assert Case.objects.filter(pk=kept.pk).exists()
    assert DisposalRecord.objects.filter(object_id=gone.pk).count() == 1
    # Who approved and who disposed of what since the backup survived the restore.
    kept_events = AuditEvent.objects.filter(pk__in=[e[0] for e in since]).order_by("pk")
    assert list(kept_events.values_list("pk", "action", "user_id", "kind", "object_id")) == since
    exports = sorted((tmp_path / "var" / "backups").iterdir())
    assert {stat.S_IMODE(path.stat().st_mode) for path in exports} == {0o600}
    # New events follow on after the kept ones.
    assert AuditEvent.objects.create(action="login").pk > since[-1][0]

    # A second replay does nothing.
    proofs = next(path for path in exports if path.name.startswith("proofs-before-restore"))
    before = list(DisposalRecord.objects.values())
    call_command("retention_replay", "--proofs", str(proofs))
    assert "disposed again:" not in capsys.readouterr().out
    assert list(DisposalRecord.objects.values()) == before
