"""The load test: 30 people using Handover at once, against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench-load

Builds a throwaway PostgreSQL database (``<name>_load``, dropped at the end) holding N
fictional cases (default 20,000; ``LOAD_CASES`` to change) with the seeding of
``bench/case_search.py``, and today's sessions with eight families booked in each. It
makes one account per simulated user and signs each in the way Django's test client
does (a session made on the server, no sign-in form), with the second factor verified
for staff and the manager. Then it serves the application with gunicorn and
``config/gunicorn.py`` on a free local port, production settings (``DEBUG=False``), and
runs Locust headless (``bench/load/locustfile.py``): ``LOAD_USERS`` users (default 30)
for ``LOAD_DURATION`` (default 2m; e.g. ``20s`` for a quick look).

It prints, for each page, the requests sent, the failures, the median and 95th
percentile time and the database queries one request of it sends, beside the same
figures for ``/health/`` asked by the same users of the same server in the same run, so
the ratio shows what the page itself costs. The goal is no failures and a 95th
percentile under 300 ms for every page on a 2-core machine; the script says whether it
was met, and exits non-zero when a request failed.

Set ``REDIS_URL`` too, as production does, to give the server its Redis cache.
``LOAD_KEEP_DB=1`` keeps the database afterwards. Logs go to ``var/load/``.
"""

import csv
import json
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "load"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # for case_search's seeding
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

USERS = int(os.environ.get("LOAD_USERS", "30"))
DURATION = os.environ.get("LOAD_DURATION", "2m")
CASES = int(os.environ.get("LOAD_CASES", "20000"))
SESSIONS_TODAY = 12  # rooms and times today, eight families each: taps for two minutes
FAMILIES_PER_SESSION = 8
GOAL_MS = 300
BASELINE = "baseline: /health/"

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit(
        "The load test runs against PostgreSQL, the database the centre uses, never SQLite. "
        "Give it a server it may create a database on, for example:\n"
        "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench-load"
    )
# Sessions are signed with the secret key: this process makes them and gunicorn reads
# them, so both share one key, made for this run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# The pool is gunicorn's business (config/gunicorn.py); this process needs one connection.
POOL_SIZE = os.environ.pop("DB_POOL_SIZE", None)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# One line per account signed in and per page counted: not wanted among the figures.
logging.getLogger("axes").setLevel(logging.WARNING)
logging.getLogger("handover.audit").setLevel(logging.WARNING)

from case_search import FIRST, LAST, build  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def load_database_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def seed_sessions_today():
    """Today's sessions, each with eight of the first cases booked in and no tap yet."""
    from datetime import time as clock

    from django.utils import timezone

    from attendance.models import Booking, ContactSession
    from referrals.models import Adult, Case

    sessions = ContactSession.objects.bulk_create(
        ContactSession(
            date=timezone.localdate(),
            starts_at=clock(9 + n % 8),
            ends_at=clock(10 + n % 8),
            room=f"Room {n + 1}",
            capacity=FAMILIES_PER_SESSION,
        )
        for n in range(SESSIONS_TODAY)
    )
    cases = list(Case.objects.order_by("pk")[: SESSIONS_TODAY * FAMILIES_PER_SESSION])
    residents = {
        adult.case_id: adult
        for adult in Adult.objects.filter(case__in=cases, role=Adult.Role.RESIDENT)
    }
    bookings = []
    for n, case in enumerate(cases):
        session = sessions[n // FAMILIES_PER_SESSION]
        hour = session.starts_at.hour
        resident = residents[case.pk]
        bookings.append(
            Booking(
                session=session,
                case=case,
                resident_arrives_at=clock(hour, 0),
                visiting_arrives_at=clock(hour, 15),
                visiting_leaves_at=clock(hour, 40),
                resident_collects_at=clock(hour, 55),
                resident_entrance="Front door",
                visiting_entrance="Garden gate",
                who_may_collect=f"{resident.first_name} {resident.last_name}",
            )
        )
    Booking.objects.bulk_create(bookings)
    return len(bookings)


def make_accounts(users):
    """One account per simulated user (the manager: one), each with a signed-in session;
    staff and the manager with their second factor verified, as after the code step."""
    from importlib import import_module

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from centre.roles import Role
    from centre.services import user_create

    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for role, count in ((Role.MANAGER, 1), (Role.STAFF, users), (Role.VOLUNTEER, users)):
        cookies[role.value] = []
        for n in range(count):
            # No password: these accounts are only ever signed in by the session made here.
            user = user_create(
                email=f"load-{role.value}-{n + 1:02d}@example.test",
                full_name=f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + 3) % len(LAST)]}",
                role=role,
            )
            client = Client()
            client.force_login(user)
            key = client.cookies[settings.SESSION_COOKIE_NAME].value
            if role != Role.VOLUNTEER:
                device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
                session = store(session_key=key)
                session["otp_device_id"] = device.persistent_id
                session.save()
            cookies[role.value].append(key)
    return cookies


def search_terms(adults, count=200):
    """What staff type: surnames, full names, postcodes, dates of birth (all fictional)."""
    step = max(len(adults) // count, 1)
    terms = []
    for n, adult in enumerate(adults[::step][:count]):
        terms.append(
            [
                adult.last_name,
                f"{adult.first_name} {adult.last_name}",
                adult.postcode,
                adult.date_of_birth.strftime("%d/%m/%Y"),
            ][n % 4]
        )
    return terms


# One request of each page, to count its queries (and to stop early if one is broken).
PAGES = {
    "manager: home (dashboard)": ("manager", "get", "/", None),
    "manager: retention queue": ("manager", "get", "/retention/", None),
    "manager: privacy requests": ("manager", "get", "/privacy-requests/", None),
    "staff: home": ("staff", "get", "/", None),
    "staff: case list": ("staff", "get", "/cases/", None),
    "staff: case page": ("staff", "get", "/cases/{case}/", None),
    "staff: case search (POST)": ("staff", "post", "/cases/", "term"),
    "volunteer: home": ("volunteer", "get", "/", None),
    "volunteer: today's sessions": ("volunteer", "get", "/sessions/today/", None),
    "volunteer: register": ("volunteer", "get", "/sessions/{session}/register/", None),
    "volunteer: register tap (POST)": (
        "volunteer",
        "post",
        "/sessions/bookings/{booking}/tap/",
        "tap",
    ),
    BASELINE: ("staff", "get", "/health/", None),
}


def count_queries(plan):
    """The queries one request of each page sends, through the test client, in this
    process. The tap is recorded on the last family of the last session and undone."""
    import uuid

    from attendance.models import Booking, Tap

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    booking = Booking.objects.order_by("-pk").first()
    values = {
        "case": (plan["case_ids"][0] + plan["case_ids"][1]) // 2,
        "session": booking.session_id,
        "booking": booking.pk,
    }
    counts = {}
    for name, (role, method, path, body) in PAGES.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = plan["sessions"][role][0]
        data = {
            None: None,
            "term": {"term": plan["search_terms"][0]},
            "tap": {"kind": Tap.Kind.RESIDENT_ARRIVED, "token": str(uuid.uuid4())},
        }[body]
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path.format(**values), data)
        expected = 302 if name.endswith("tap (POST)") else 200
        if response.status_code != expected:
            sys.exit(f"{name}: {path} answered {response.status_code}, not {expected}")
        counts[name] = len(queries)
    Tap.objects.filter(booking=booking).delete()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.BOOKED)
    return counts


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url, port):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no HTTPS redirect, cookies not HTTPS-only.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
        "STATIC_ROOT": str(OUT / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    env.pop("DB_POOL_SIZE", None)
    if POOL_SIZE:
        env["DB_POOL_SIZE"] = POOL_SIZE
    return env


def start_gunicorn(env, port, log):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode}): see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /health/ within a minute: see {log.name}")


def warm_up(port, plan, rounds=4):
    """Ask for each page a few times before measuring, so the figures are of a server
    that has been up a while (templates compiled, pools filled), as in production."""
    for _ in range(rounds):
        for role, _method, path, _body in PAGES.values():
            if _method != "get":
                continue
            path = path.format(case=plan["case_ids"][0], session=plan["first_session"])
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Cookie": f"{plan['cookie_name']}={plan['sessions'][role][0]}"},
            )
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - our own http URL
                pass


def cpu_seconds(server, database):
    """CPU time used so far by gunicorn (its master and workers) and by the PostgreSQL
    backends serving the load database, to tell the server's own use of the cores from
    that of anything else on the machine."""
    import psutil  # installed with Locust

    gunicorn = psutil.Process(server.pid)
    used = {"gunicorn": 0.0, "PostgreSQL": 0.0}
    for process in [gunicorn, *gunicorn.children(recursive=True)]:
        times = process.cpu_times()
        used["gunicorn"] += times.user + times.system
    for process in psutil.process_iter(["cmdline"]):
        title = " ".join(process.info["cmdline"] or [])
        if title.startswith("postgres:") and f" {database} " in title:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            used["PostgreSQL"] += times.user + times.system
    return used


def run_locust(host, sessions_file):
    prefix = OUT / "locust"
    with open(OUT / "locust.log", "w") as log:
        subprocess.run(  # noqa: S603 - the arguments are the script's own
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "10",
                "-t",
                DURATION,
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_SESSIONS_FILE": str(sessions_file)},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,  # Locust exits 1 when a request failed: the table says so
        )
    with open(f"{prefix}_stats.csv", newline="") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def report(stats, queries):
    order = [BASELINE, *(name for name in PAGES if name != BASELINE)]
    base_p95 = float(stats[BASELINE]["95%"]) if BASELINE in stats else None
    print(
        f"{'page':<34}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p95 / baseline':>16}{'queries':>9}"
    )
    missed = []
    for name in [*order, "Aggregated"]:
        row = stats.get(name)
        if row is None:
            print(f"{name:<34}{'(not requested)':>34}")
            continue
        p50, p95 = float(row["50%"]), float(row["95%"])
        ratio = f"{p95 / base_p95:.1f}x" if base_p95 else "-"
        label = "all requests" if name == "Aggregated" else name
        print(
            f"{label:<34}{int(row['Request Count']):>9}{int(row['Failure Count']):>9}"
            f"{p50:>8.0f}{p95:>8.0f}{ratio:>16}{queries.get(name, ''):>9}"
        )
        if name != "Aggregated" and p95 >= GOAL_MS:
            missed.append(f"{name} (p95 {p95:.0f} ms)")
    failures = int(stats["Aggregated"]["Failure Count"])
    print(
        f"goal (no failures, every p95 under {GOAL_MS} ms): "
        + ("met" if not failures and not missed else "MISSED")
        + (f"; {failures} failed requests (see var/load/locust_failures.csv)" if failures else "")
        + (f"; over {GOAL_MS} ms: {', '.join(missed)}" if missed else "")
    )
    return failures


def main():
    from django.db.models import Max, Min

    from attendance.models import ContactSession
    from referrals.models import Case

    OUT.mkdir(parents=True, exist_ok=True)
    old_name = connection.settings_dict["NAME"]
    load_name = f"{old_name}_load"
    connection.settings_dict["TEST"]["NAME"] = load_name
    keep = os.environ.get("LOAD_KEEP_DB") == "1"
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    # The signed-in sessions of the run's accounts: readable by this user only, and gone
    # at the end with the database that holds them.
    sessions_file = OUT / "sessions.json"
    try:
        adults, _ = build(CASES)
        booked = seed_sessions_today()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        ids = Case.objects.aggregate(low=Min("pk"), high=Max("pk"))
        plan = {
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
            "sessions": make_accounts(USERS),
            "case_ids": [ids["low"], ids["high"]],
            "search_terms": search_terms(adults),
            "first_session": ContactSession.objects.order_by("pk").first().pk,
        }
        sessions_file.touch()
        sessions_file.chmod(0o600)
        sessions_file.write_text(json.dumps(plan))
        queries = count_queries(plan)
        seeded = time.perf_counter() - started

        port = free_port()
        env = server_environment(load_database_url(load_name), port)
        with open(OUT / "gunicorn.log", "w") as log:
            server = start_gunicorn(env, port, log)
            warm_up(port, plan)
            load_before = os.getloadavg()[0]
            cpu_before, clock_before = cpu_seconds(server, load_name), time.monotonic()
            stats = run_locust(f"http://127.0.0.1:{port}", sessions_file)
            cpu_after, clock_after = cpu_seconds(server, load_name), time.monotonic()
            load_after = os.getloadavg()[0]
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            server = None

        # What the server was sized with: config/gunicorn.py read as gunicorn read it.
        sizing = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
        print(
            f"{CASES:,} cases, {booked} families on {SESSIONS_TODAY} registers today, "
            f"PostgreSQL {pg_version}, {os.cpu_count()} cores; seeded in {seeded:.0f}s"
        )
        print(
            f"gunicorn: {sizing['workers']} workers x {sizing['threads']} threads "
            f"({sizing['worker_class']}), a pool of {POOL_SIZE or sizing['threads']} database "
            f"connections in each; Locust: {USERS} users "
            f"for {DURATION}, 1 to 3 s between requests"
        )
        # Anything else running on the machine shares its cores with the server.
        print(
            f"load average (1 min) before the run {load_before:.1f}, at its end {load_after:.1f}; "
            "cores used by "
            + ", ".join(
                f"{name} {(cpu_after[name] - cpu_before[name]) / (clock_after - clock_before):.2f}"
                for name in cpu_after
            )
        )
        failures = report(stats, queries)
    finally:
        sessions_file.unlink(missing_ok=True)
        if server is not None:
            # The master stops its workers on SIGTERM; a kill would leave them behind.
            server.terminate()
            server.wait(timeout=60)
        if keep:
            print(f"Kept the database {load_name}.")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
