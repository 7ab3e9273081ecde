"""Gunicorn's settings for Handover, sized for the machine the centre runs on: 2 cores.

    gunicorn config.wsgi:application -c config/gunicorn.py

The Docker image and docker-compose.yml use this file; ``bench/load/run.py`` serves the
load test with it, so the figures in bench/README.md are for exactly these settings. Each
value can be changed from the environment without editing the file (a bigger machine:
``WEB_CONCURRENCY`` and ``GUNICORN_THREADS``).

Why these numbers:

- A request is mostly Python (templates, forms, the ORM) with short waits on PostgreSQL.
  Python runs one thread at a time per process, so one process per core keeps both cores
  busy; more processes than cores would only take turns on them (and PostgreSQL, on the
  same machine in docker-compose.yml, needs CPU too).
- Threads cover the waits: while one thread waits on the database or the network, another
  renders. Four per process is enough to hide the waits of pages that run in tens of
  milliseconds; more would only queue inside the process instead of in front of it.
- Each thread needs at most one database connection at a time, so each process's psycopg
  pool holds as many connections as it has threads (``DB_POOL_SIZE``, see
  config/settings.py): 2 x 4 = 8 connections in all, far below PostgreSQL's default of
  100, with room for the Celery worker, beat and a ``manage.py`` shell. A smaller pool
  would make threads wait for a connection; a larger one would hold connections no
  thread can use.
"""

import os
import sys
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# One process per core (see above). Gunicorn's own variable, so hosting platforms that
# set it are obeyed.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread: a pool of threads in each process, each request on its own thread. Sync
# workers would need a process for every request served at once (each with its own
# copy of the application and its own database connections).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The pool follows the threads unless it is set on purpose (docker-compose.yml sets it to
# the same number). Read by config/settings.py in each worker, which inherits this.
os.environ.setdefault("DB_POOL_SIZE", str(threads))

# A worker silent for this long is killed and replaced: far beyond any page the load test
# measures (bench/README.md, "Load test"), soon enough to stop a stuck process.
timeout = 30
# On a restart or a deploy, requests under way get this long to finish.
graceful_timeout = 30
# The reverse proxy in front reuses its connections to gunicorn; a few seconds keep them
# open between a page and the next without tying threads up.
keepalive = 5
# A fresh process now and then bounds any slow growth of memory; the jitter stops both
# processes restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# Access log lines carry request lines (URLs), which hold no personal data here: search
# terms go by POST and records go by id.
accesslog = "-"
errorlog = "-"
# The heartbeat file on memory, not on the container's overlay disk, where a slow write
# can make a healthy worker look stuck.
# /dev/shm is private to the container (and to this machine's user processes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


# Gunicorn's own loggers (its error log, with the traceback of a request that failed
# outside Django, and the access log) have handlers gunicorn makes itself: each gets the
# filter that keeps personal data out of the logs (centre/log_filters.py), in the master
# at start and on a reload, and in each worker.


def _filter_gunicorn_logs(server):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from centre.log_filters import PersonalDataFilter

    for log in (server.log.error_log, server.log.access_log):
        for handler in log.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(PersonalDataFilter())


def on_starting(server):
    _filter_gunicorn_logs(server)


def on_reload(server):
    _filter_gunicorn_logs(server)


def post_fork(server, worker):
    _filter_gunicorn_logs(server)
