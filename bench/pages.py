"""What the busiest pages cost the server, and whether their queries grow with the data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench-pages

Builds a throwaway PostgreSQL database (``<name>_bench_pages``, dropped at the end) holding N
fictional cases (default 20,000; ``BENCH_CASES`` to change) with the seeding of
``bench/case_search.py``, a year of daily sessions before today with eight families
booked in each (200 families in turn, attended or absent for a reason), and four sessions
today of eight families, some already arrived. Then, through Django's test client in
this process (no web server: the time is the application's own, from the request to the
response), each page is asked ``BENCH_REPEATS`` times (default 20) by a signed-in
person of the role that uses it, staff and the manager with their second factor verified:

- the case list, a case search (POST), a case page (staff);
- today's sessions and a session's register (a volunteer);
- the home page of each role: the manager's (the dashboard), staff's, a volunteer's;
- the quarterly return (the manager);
- ``/health/``, the baseline: one ``SELECT 1`` and no template, through the same
  middleware (session, user, second factor, audit) as every page.

It prints the median and 95th percentile time of each and its queries, beside the
baseline's. Then it adds ``BENCH_MORE_CASES`` more cases (default 5,000) with their
sessions (a quarter more) and two more sessions today, counts each page's queries again,
and exits non-zero if any page sends more than it did: a page's query count must not grow
with the data (one query per row shown is the bug this catches).

``BENCH_SMOKE=1`` (``make bench-smoke``, at a tiny ``BENCH_CASES``) asks each page twice:
it checks that every page still answers and that the query counts stay flat, and its
times mean nothing. Give it at least 200 cases and 200 more (the families booked in turn).
"""

import os
import statistics
import sys
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # for case_search's seeding
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit(
        "The page benchmark runs against PostgreSQL, the database the centre uses, never "
        "SQLite. Give it a server it may create a database on, for example:\n"
        "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench-pages"
    )

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# One line per account signed in and per sensitive read: not wanted among the figures.
logging.getLogger("axes").setLevel(logging.WARNING)
logging.getLogger("handover.audit").setLevel(logging.WARNING)

import case_search  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "20000"))
MORE_CASES = int(os.environ.get("BENCH_MORE_CASES", "5000"))
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
REPEATS = 2 if SMOKE else int(os.environ.get("BENCH_REPEATS", "20"))
FAMILIES_PER_SESSION = 8
FAMILIES_COMING = 200  # the families booked in turn into the sessions
DAYS_OF_SESSIONS = 365
SESSIONS_TODAY = 4
BASELINE = "baseline: /health/"
ABSENCE_REASONS = ("child_unwell", "visiting_did_not_attend", "cancelled_by_family")


def add_cases(count):
    """``count`` more cases with case_search's seeding, their referrals spread over the
    sources and the last year. Returns their ids."""
    from django.db.models import Max, Value
    from django.db.models.functions import Replace

    from referrals.models import Case, Referral

    # case_search numbers its references from HC-2026-00001 each time: move the cases
    # already held to another year first.
    Case.objects.update(reference=Replace("reference", Value("HC-2026-"), Value("HC-2025-")))
    held_up_to = Case.objects.aggregate(last=Max("pk"))["last"] or 0
    case_search.build(count)
    new = Case.objects.filter(pk__gt=held_up_to)
    sources = [choice for choice, _ in Referral.Source.choices if choice != "other"]
    today = timezone.localdate()
    referrals = list(Referral.objects.filter(case__in=new).only("pk", "case_id"))
    for referral in referrals:
        referral.source = sources[referral.case_id % len(sources)]
        referral.received_on = today - timedelta(days=referral.case_id % 365 + 1)
    Referral.objects.bulk_update(referrals, ["source", "received_on"], batch_size=5000)
    return list(new.order_by("pk").values_list("pk", flat=True))


def add_sessions(case_ids, *, days, sessions_today):
    """A session on each of ``days`` days before today and ``sessions_today`` today, each
    with eight of the first 200 of ``case_ids`` booked in (so each family has a history):
    past ones marked attended (or, one in four, absent for a reason), today's with the
    first family of each arrived."""
    from attendance.models import Booking, ContactSession, Tap

    today = timezone.localdate()
    sessions = ContactSession.objects.bulk_create(
        [
            ContactSession(
                date=today - timedelta(days=n + 1),
                starts_at=clock(10),
                ends_at=clock(12),
                room="Main hall",
                capacity=FAMILIES_PER_SESSION,
            )
            for n in range(days)
        ]
        + [
            ContactSession(
                date=today,
                starts_at=clock(9 + n),
                ends_at=clock(10 + n),
                room=f"Room {n + 1}",
                capacity=FAMILIES_PER_SESSION,
            )
            for n in range(sessions_today)
        ]
    )
    bookings = []
    for s, session in enumerate(sessions):
        hour = session.starts_at.hour
        for f in range(FAMILIES_PER_SESSION):
            n = s * FAMILIES_PER_SESSION + f
            past, absent = session.date < today, n % 4 == 3
            bookings.append(
                Booking(
                    session=session,
                    case_id=case_ids[n % FAMILIES_COMING],
                    resident_arrives_at=clock(hour - 1, 45),
                    visiting_arrives_at=clock(hour, 0),
                    visiting_leaves_at=clock(hour, 45),
                    resident_collects_at=clock(hour, 55),
                    resident_entrance="Front door",
                    visiting_entrance="Garden gate",
                    who_may_collect="The resident parent",
                    status=("absent" if absent else "attended") if past else "booked",
                    absence_reason=ABSENCE_REASONS[n % 3] if past and absent else "",
                )
            )
    bookings = Booking.objects.bulk_create(bookings, batch_size=5000)
    Tap.objects.bulk_create(
        Tap(booking=booking, kind=Tap.Kind.RESIDENT_ARRIVED)
        for booking in bookings[-sessions_today * FAMILIES_PER_SESSION :][::FAMILIES_PER_SESSION]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return sessions[-1]


def signed_in(role):
    """A client signed in as a new account of ``role``, past the second factor where the
    role needs one (as tests/conftest.py's client is)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from centre import two_factor
    from centre.services import user_create

    user = user_create(
        email=f"bench-{role}@example.test", full_name=f"Bench {role.title()}", role=role
    )
    client = Client()
    client.force_login(user)
    if two_factor.is_required_for(user):
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def pages(case_id, session_id, term):
    """Each page: who asks, how, where and with what."""
    return {
        BASELINE: ("staff", "get", reverse("health"), None),
        "case list": ("staff", "get", reverse("referrals:case_list"), None),
        "case search (POST)": ("staff", "post", reverse("referrals:case_list"), {"term": term}),
        "case page": ("staff", "get", reverse("referrals:case_detail", args=[case_id]), None),
        "today's sessions": ("volunteer", "get", reverse("attendance:register_today"), None),
        "register": ("volunteer", "get", reverse("attendance:register", args=[session_id]), None),
        "manager's home (dashboard)": ("manager", "get", reverse("home"), None),
        "staff's home": ("staff", "get", reverse("home"), None),
        "volunteer's home": ("volunteer", "get", reverse("home"), None),
        "quarterly return": ("manager", "get", reverse("attendance:quarterly_return"), None),
    }


def ask(client, method, url, data):
    response = getattr(client, method)(url, data)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}, not 200")
    return response


def count_queries(clients, plan):
    counts = {}
    for name, (role, method, url, data) in plan.items():
        with CaptureQueriesContext(connection) as queries:
            ask(clients[role], method, url, data)
        counts[name] = len(queries)
    return counts


def measure(clients, plan):
    """Median and 95th percentile milliseconds of each page, the pages taken in turn each
    round so a noisy moment on a shared machine falls on all of them alike."""
    samples = {name: [] for name in plan}
    for role, method, url, data in plan.values():
        for _ in range(2):  # warm: templates compiled, caches filled
            ask(clients[role], method, url, data)
    for _ in range(REPEATS):
        for name, (role, method, url, data) in plan.items():
            started = time.perf_counter()
            ask(clients[role], method, url, data)
            samples[name].append((time.perf_counter() - started) * 1000)
    return {
        name: (statistics.median(times), statistics.quantiles(times, n=20)[-1])
        for name, times in samples.items()
    }


def main():
    from referrals.models import Adult, Case

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_pages"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from django.core.cache import cache

    cache.clear()  # the day's counts kept by an earlier run are not this database's
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        started = time.perf_counter()
        case_ids = add_cases(CASES)
        session = add_sessions(case_ids, days=DAYS_OF_SESSIONS, sessions_today=SESSIONS_TODAY)
        seeded = time.perf_counter() - started
        # A family booked into a session today, with a year of sessions behind it.
        booked = (DAYS_OF_SESSIONS + SESSIONS_TODAY) * FAMILIES_PER_SESSION
        case_id = case_ids[booked % FAMILIES_COMING - 1]
        term = Adult.objects.filter(case_id=case_ids[len(case_ids) // 2]).first().last_name
        plan = pages(case_id, session.pk, term)
        clients = {role: signed_in(role) for role in ("manager", "staff", "volunteer")}
        before = count_queries(clients, plan)
        times = measure(clients, plan)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        from attendance.models import Booking, ContactSession

        print(
            f"{Case.objects.count():,} cases, {ContactSession.objects.count():,} sessions, "
            f"{Booking.objects.count():,} bookings on PostgreSQL {pg_version}, "
            f"{os.cpu_count()} cores; seeded in {seeded:.0f}s; {REPEATS} requests a page "
            "through the test client" + ("; smoke run: the times mean nothing" if SMOKE else "")
        )

        more_ids = add_cases(MORE_CASES)
        add_sessions(more_ids, days=DAYS_OF_SESSIONS // 4, sessions_today=2)
        after = count_queries(clients, plan)
        print(
            f"then {Case.objects.count():,} cases, {ContactSession.objects.count():,} "
            f"sessions, {Booking.objects.count():,} bookings\n"
        )
        base_p50, base_p95 = times[BASELINE]
        header = ("page", "p50 ms", "p95 ms", "p50 / baseline", "queries", "queries after")
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" for _ in header) + " |")
        grew = []
        for name in plan:
            p50, p95 = times[name]
            if after[name] > before[name]:
                grew.append(name)
            print(
                f"| {name} | {p50:.0f} | {p95:.0f} | {p50 / base_p50:.1f} | "
                f"{before[name]} | {after[name]} |"
            )
        print()
        if grew:
            print("query count flat: no, it grew with the data on " + ", ".join(grew))
        else:
            print("query count flat: yes, on every page")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.exit(1 if grew else 0)


if __name__ == "__main__":
    main()
