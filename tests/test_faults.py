"""Faults: PostgreSQL down answers a plain 503 and leaves nothing half written; Redis down
loses no write, and the nightly beat run does the work the queue could not take. Beat
runs once, and Redis's visibility timeout outlasts the longest task."""

import datetime
import importlib
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError, connection
from django.urls import reverse

from config.celery import app
from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention import tasks
from retention.models import DisposalRecord, QueueItem
from retention.services import retention_sweep
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.conftest import Client
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

ROOT = Path(__file__).resolve().parent.parent
CLOSED_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens here


def database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def failing_on(fragment):
    """A database that fails at the first statement containing ``fragment``: the
    connection lost half-way through a write."""

    def wrapper(execute, sql, params, many, context):
        if fragment in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture
def signed_in(manager):
    # Django's own 500 handling must run, as in production, not re-raise into the test.
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


# PostgreSQL down.


@pytest.mark.parametrize("url", ["/", reverse("retention:queue")])
def test_with_the_database_down_a_page_is_a_plain_503(signed_in, url, caplog):
    with connection.execute_wrapper(database_down):
        response = signed_in.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Handover is not available just now" in page
    for leak in ("Traceback", "OperationalError", "Connection refused", 'File "'):
        assert leak not in page
    # One line, naming the path, not the exception's message (which may quote a query).
    lines = [r.getMessage() for r in caplog.records if r.name == "centre.faults"]
    assert lines and all("Connection refused" not in line for line in lines)
    assert lines[0].startswith("database-unavailable error=OperationalError")


def test_a_failure_outside_the_view_is_a_503_too(signed_in):
    """The session is saved by its middleware after the view has answered: a database
    lost at that moment is caught by Django's 500 handling, and still answers 503."""
    with connection.execute_wrapper(failing_on("django_session")):
        response = signed_in.get(reverse("retention:queue"))
    assert response.status_code == 503
    assert "Traceback" not in response.content.decode()


def test_a_write_cut_off_half_way_leaves_nothing_half_written(signed_in, manager):
    item = QueueItem.objects.create(
        rule="contact-self",
        kind="case",
        action="dispose",
        record_type="referrals.case",
        object_id=1,
        ref="C-2023-1",
        due_on=datetime.date(2026, 1, 1),
        summary="Case closed on 02/11/2022",
    )
    # The approval marks the item, then writes its audit row: the database goes there.
    with connection.execute_wrapper(failing_on('INSERT INTO "centre_auditevent"')):
        response = signed_in.post(reverse("retention:approve_all"), {"confirm": "yes"})
    assert response.status_code == 503
    item.refresh_from_db()
    assert item.status == QueueItem.Status.DUE
    assert item.decided_by_id is None


# Redis (the broker) down.


@pytest.fixture
def broker_down():
    """The Celery app pointed at a port where nothing listens, queueing for real."""
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    # The app caches its connection pools: start afresh on the closed port, and put the
    # real ones back afterwards (nothing was ever connected, so nothing needs closing).
    saved_pools = (app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None
    app.conf.broker_url = CLOSED_BROKER
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app._pool, app.amqp._producer_pool = saved_pools
        app.conf.update(saved)


def due_case():
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=datetime.date(2025, 6, 1),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    ChildFactory(case=case)
    BookingFactory(case=case, session=ContactSessionFactory(date=datetime.date(2025, 9, 1)))
    return case_close(
        case=case, closed_on=datetime.date(2025, 10, 1), reason="Fictional.", actor=None
    )


def test_with_redis_down_an_approval_is_kept_and_the_nightly_run_disposes(
    manager, broker_down, django_capture_on_commit_callbacks, caplog
):
    with time_machine.travel(datetime.datetime(2030, 1, 6, 12, 0), tick=False):
        signed_in = Client(raise_request_exception=False)
        signed_in.force_login(manager)
        case = due_case()
        retention_sweep()
        item = QueueItem.objects.get(object_id=case.pk, record_type="referrals.case")

        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(reverse("retention:approve_all"), {"confirm": "yes"})
        took = time.monotonic() - started

        # Not a 500: the approval is saved and the manager is back at the queue.
        assert (response.status_code, response.url) == (302, reverse("retention:queue"))
        assert took < 5  # the request did not hang on the broker
        item.refresh_from_db()
        assert item.status == QueueItem.Status.APPROVED
        assert "retention-dispose-not-queued" in caplog.text

        # 02:30: beat's run of the task finds the approval in the database.
        with django_capture_on_commit_callbacks(execute=True):
            tasks.dispose_approved()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not QueueItem.objects.filter(pk=item.pk).exists()
    assert DisposalRecord.objects.filter(ref=item.ref).exists()


def test_with_redis_down_pages_do_not_need_the_cache(signed_in, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_BROKER,
        }
    }
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert signed_in.get("/").status_code == 200
    assert signed_in.get(reverse("retention:queue")).status_code == 200


# One scheduler, and a visibility timeout longer than any task.


def test_the_visibility_timeout_outlasts_the_longest_task():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = [
        getattr(task, "time_limit", None) or 0
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    ]
    assert timeout >= max([3600, getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 0, *limits])


def test_the_periodic_tasks_are_only_in_the_beat_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= {"retention.tasks.sweep", "retention.tasks.dispose_approved"}
    for name in scheduled:  # each names a real task
        module, _, function = name.rpartition(".")
        assert hasattr(importlib.import_module(module), function), name
    # No second schedule anywhere: not in code (on_after_configure, add_periodic_task)...
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or path.parts[-2] == "tests":
            continue
        text = path.read_text()
        assert "add_periodic_task" not in text, path
        assert "beat_schedule" not in text.replace("CELERY_BEAT_SCHEDULE", ""), path


def test_docker_compose_runs_exactly_one_beat():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert compose.count("celery -A config beat") == 1
    commands = [line for line in compose.splitlines() if line.strip().startswith("command:")]
    # No worker embeds a second scheduler.
    assert not [c for c in commands if " --beat" in c or " -B" in c]
    beat = compose.split("\n  beat:\n", 1)[1].split("\n  db:\n", 1)[0]
    assert "replicas: 1" in beat
