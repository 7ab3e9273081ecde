"""Django's PostgreSQL backend, with a connection pool that fails fast.

With ``DB_POOL_SIZE`` set, each server process takes its connections from a psycopg pool.
When PostgreSQL cannot be reached, the pool keeps trying to connect in the background
and a request asking it for a connection waits the pool's whole timeout, once for every
time the request touches the database: 10 to 50 seconds a request in the drills, so
docker-compose's health check and the proxy gave up before reading the 503.

Here a request waits on the pool only when PostgreSQL is known to answer:

- a connection ready in the pool is taken at once (the usual case: the pool holds one
  connection per thread);
- otherwise PostgreSQL is asked first, in at most ``REACHABLE_TIMEOUT_SECONDS``, whether
  it answers at all: the first message of its protocol (an SSL request, one byte in
  reply), then the connection is closed before anything else is said, which PostgreSQL
  does not log. Refused, unroutable or hung (accepting and never answering), the request
  fails at once with ``OperationalError``, which ``centre.faults`` turns into the 503;
- a failure (no answer, or no connection from the pool within its timeout) is remembered
  for ``FAILED_FOR_SECONDS``: meanwhile the request's next touches of the database, and
  other requests, fail at once instead of asking again.
"""

import socket
import struct
import threading
import time

import psycopg
from django.db.backends.postgresql import base

REACHABLE_TIMEOUT_SECONDS = 0.5
FAILED_FOR_SECONDS = 1.0
# The pool hands over a connection it holds ready within this; otherwise it has none.
READY_WITHIN_SECONDS = 0.005
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)
_failed_until = {}
_lock = threading.Lock()


def answers(host, port, timeout=REACHABLE_TIMEOUT_SECONDS):
    """True if a PostgreSQL server answers at ``host``:``port`` (or the Unix socket in
    the folder ``host``) within ``timeout`` seconds."""
    try:
        if host.startswith("/"):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            probe.settimeout(timeout)
            probe.connect(f"{host}/.s.PGSQL.{port}")
        else:
            probe = socket.create_connection((host, int(port)), timeout=timeout)
        with probe:
            probe.settimeout(timeout)
            probe.sendall(_SSL_REQUEST)
            return probe.recv(1) in (b"S", b"N")
    except OSError:
        return False


class FailFastPool:
    """The process's psycopg pool, asked as the module's docstring says."""

    def __init__(self, pool, *, alias, host, port):
        self._pool = pool
        self._alias = alias
        self._host = host
        self._port = port

    def __getattr__(self, name):
        return getattr(self._pool, name)

    def _fail(self, reason):
        with _lock:
            _failed_until[self._alias] = time.monotonic() + FAILED_FOR_SECONDS
        raise psycopg.OperationalError(f"PostgreSQL is unreachable ({reason})")

    def getconn(self, timeout=None):
        try:
            return self._pool.getconn(timeout=READY_WITHIN_SECONDS)
        except psycopg.OperationalError:  # PoolTimeout: no connection ready
            pass
        if time.monotonic() < _failed_until.get(self._alias, 0):
            raise psycopg.OperationalError("PostgreSQL was unreachable a moment ago")
        # Several hosts (a libpq list) are left to the pool to try.
        if self._host is not None and not answers(self._host, self._port):
            self._fail("no answer")
        try:
            return self._pool.getconn(timeout=timeout)
        except psycopg.OperationalError:
            self._fail("no connection from the pool in time")


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = base.DatabaseWrapper.pool.fget(self)
        if pool is None:
            return None
        host = self.settings_dict.get("HOST") or "/var/run/postgresql"
        if "," in host:
            host = None
        return FailFastPool(
            pool, alias=self.alias, host=host, port=self.settings_dict.get("PORT") or 5432
        )
