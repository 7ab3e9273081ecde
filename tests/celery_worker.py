"""A real Celery worker, started for the tests that are about tasks.

It runs as a separate process against the same Redis broker and the same (test)
PostgreSQL database as the test, and listens on a queue of its own so that parallel runs
never take each other's tasks.
"""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running_worker(*, stderr=None, env=None):
    """Start a worker on a queue of its own; yield ``(queue, process)``. The process is
    the test's to kill; it is stopped at the end if still running. ``stderr`` (a file)
    captures its log; ``env`` adds environment variables."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the real-worker tests need Redis")
    if connection.vendor != "postgresql":
        pytest.skip("the worker must share the test database, which needs PostgreSQL")
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    queue = f"test-{uuid.uuid4().hex[:12]}"
    name = f"{queue}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            **(env or {}),
            "DATABASE_URL": database_url,
            "CELERY_TASK_ALWAYS_EAGER": "False",
        },
        stderr=stderr,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        yield queue, worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


@pytest.fixture
def celery_worker_queue(transactional_db):
    """Start a worker; yield the name of the queue it takes tasks from."""
    with running_worker() as (queue, _process):
        yield queue
