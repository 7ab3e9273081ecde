"""How fast staff find a case among tens of thousands.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench

Builds a throwaway test database (``<name>_bench_search``, dropped at the end) holding N
fictional cases (default 20,000; ``BENCH_CASES`` to change), then times, in the same run:

- Handover's search (``Case.objects.search``): indexed lookups, one subquery per kind;
- the baseline a first version would write: ``icontains`` across the joined adults and
  children with ``distinct()``;
- the person picker (``core.picker.people_find``, cases, adults and children, as a
  privacy request's subject is found), beside the same search with its name indexes
  dropped (in a transaction rolled back after; PostgreSQL only).

It prints the median and 90th percentile of each over repeated runs, side by side. Run
it on PostgreSQL, the database the centre uses; SQLite works but is not what production
sees. Each search's queries are counted with a quarter of the cases seeded and with all of
them, the picker's too; the script exits non-zero if a count grows with the data.

``BENCH_SMOKE=1`` (``make bench-smoke``, at a tiny ``BENCH_CASES``) runs each search
once: it checks that the benchmark still runs and that the query counts stay flat, and
its times mean nothing.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harvey",
    "Isla",
    "Jack",
    "Kofi",
    "Lena",
    "Milo",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Ruby",
    "Sami",
    "Tara",
]
LAST = [
    "Ashdown",
    "Brightwater",
    "Carrow",
    "Dunmore",
    "Elsworth",
    "Fennick",
    "Gorran",
    "Hartwell",
    "Ivesley",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marsden",
    "Northcott",
    "Oakhurst",
    "Pendry",
    "Quarrie",
    "Rudland",
    "Stannard",
    "Thornbury",
]


def letters(n):
    return f"{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}"


def build(count, first=1):
    """``count`` cases numbered from ``first`` with their referral, adults and child."""
    from referrals.models import Adult, Case, Child, Referral

    rng = random.Random(20261128 + first)  # noqa: S311 - repeatable fictional data, not secrets
    cases = Case.objects.bulk_create(
        Case(reference=f"HC-2026-{n:05d}", status="active", retention_rule="contact-court")
        for n in range(first, first + count)
    )
    Referral.objects.bulk_create(
        Referral(case=case, source="self", received_on=date(2026, 1, 1), service="supported")
        for case in cases
    )
    adults, children = [], []
    for n, case in enumerate(cases, start=first - 1):
        # Surnames made unusual with a letter suffix, so most searches find a few families.
        last = f"{rng.choice(LAST)}{letters(n)}"
        for role in ("resident", "visiting"):
            adults.append(
                Adult(
                    case=case,
                    role=role,
                    first_name=rng.choice(FIRST),
                    last_name=last,
                    date_of_birth=date(1975, 1, 1) + timedelta(days=rng.randrange(9000)),
                    postcode=f"EF{n % 90 + 1} {n % 9 + 1}{letters(n).upper()}",
                )
            )
        children.append(
            Child(
                case=case,
                first_name=rng.choice(FIRST),
                last_name=last,
                date_of_birth=date(2012, 1, 1) + timedelta(days=rng.randrange(4000)),
            )
        )
    Adult.objects.bulk_create(adults, batch_size=5000)
    Child.objects.bulk_create(children, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return adults, children


def baseline(term):
    """What a first version would write: contains, across joins, made distinct."""
    from referrals.models import Case

    query = Q(reference__icontains=term) | Q(former_reference__icontains=term)
    for word in term.split():
        query |= (
            Q(adults__first_name__icontains=word)
            | Q(adults__last_name__icontains=word)
            | Q(adults__postcode__icontains=word)
            | Q(children__first_name__icontains=word)
            | Q(children__last_name__icontains=word)
        )
    return Case.objects.filter(query).distinct()


def timed(run, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def search_terms(adult, count):
    return {
        "surname": adult.last_name,
        "first and last name": f"{adult.first_name} {adult.last_name}",
        "postcode": adult.postcode,
        "date of birth": adult.date_of_birth.strftime("%d/%m/%Y"),
        "reference": f"HC-2026-{count // 3:05d}",
    }


def search_queries(terms):
    from referrals.models import Case

    counts = {}
    for label, term in terms.items():
        with CaptureQueriesContext(connection) as captured:
            list(Case.objects.search(term)[:50])
        counts[label] = len(captured)
    return counts


PICKER_KINDS = ("case", "adult", "child")  # a privacy request's subject, say
PICKER_INDEXES = [  # referrals migration 0009
    f"referrals_{table}_{column}_folded"
    for table in ("adult", "child")
    for column in ("first_name", "last_name")
]


def picker_terms(adult, count):
    """What staff type into the person picker: it searches as they type, so the first
    letters of a surname too."""
    return {
        "three letters": adult.last_name[:3],
        "surname": adult.last_name,
        "first and last name": f"{adult.first_name} {adult.last_name}",
        "date of birth": adult.date_of_birth.strftime("%d/%m/%Y"),
        "reference": f"HC-2026-{count // 3:05d}",
    }


def picker_find(term):
    from core.picker import people_find

    return people_find(term, kinds=PICKER_KINDS)


def picker_queries(terms):
    counts = {}
    for label, term in terms.items():
        with CaptureQueriesContext(connection) as captured:
            picker_find(term)
        counts[label] = len(captured)
    return counts


def without_name_indexes(run, repeats):
    """``timed(run)`` with the picker's name indexes dropped, in a transaction rolled back
    after: the same search as a first version without them would run it (PostgreSQL only,
    where the indexes are)."""
    from django.db import transaction

    class Undo(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for index in PICKER_INDEXES:
                cursor.execute(f"DROP INDEX {index}")
            figures = timed(run, repeats)
            raise Undo
    except Undo:
        return figures


def main():
    from referrals.models import Case

    smoke = os.environ.get("BENCH_SMOKE") == "1"
    count = int(os.environ.get("BENCH_CASES", "20000"))
    repeats = 1 if smoke else int(os.environ.get("BENCH_REPEATS", "30"))
    first_size = max(count // 4, 1)
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_search"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        adults, children = build(first_size)
        # The same searches' queries with a quarter of the cases and with all of them.
        early_terms = search_terms(adults[len(adults) // 2], first_size)
        queries_small = search_queries(early_terms)
        early_picker = picker_terms(adults[len(adults) // 2], first_size)
        picker_small = picker_queries(early_picker)
        more_adults, more_children = build(count - first_size, first=first_size + 1)
        adults, children = adults + more_adults, children + more_children
        queries_full = search_queries(early_terms)
        picker_full = picker_queries(early_picker)
        built = time.perf_counter() - started
        terms = search_terms(adults[count // 2], count)
        print(
            f"{count:,} cases ({len(adults):,} adults, {len(children):,} children) on "
            f"{connection.vendor}, built in {built:.1f}s; {repeats} runs each, first 50 rows"
            + ("; smoke run: the times mean nothing" if smoke else "")
        )
        print(
            f"{'search by':<22}{'Handover ms (p50/p90)':>24}{'baseline ms (p50/p90)':>24}"
            f"{'rows':>8}{'queries':>9}"
        )
        for label, term in terms.items():
            ours = timed(lambda t=term: list(Case.objects.search(t)[:50]), repeats)
            theirs = timed(lambda t=term: list(baseline(t)[:50]), repeats)
            rows = Case.objects.search(term).count()
            print(
                f"{label:<22}{ours[0]:>12.2f} / {ours[1]:<9.2f}{theirs[0]:>12.2f} / "
                f"{theirs[1]:<9.2f}{rows:>6}{queries_full[label]:>9}"
            )
        print(
            f"\n{'person picker, by':<22}{'Handover ms (p50/p90)':>24}"
            f"{'no name index (p50/p90)':>26}{'found':>7}{'queries':>9}"
        )
        for label, term in picker_terms(adults[count // 2], count).items():
            ours = timed(lambda t=term: picker_find(t), repeats)
            bare = (
                without_name_indexes(lambda t=term: picker_find(t), repeats)
                if connection.vendor == "postgresql"
                else None
            )
            bare_text = f"{bare[0]:>14.2f} / {bare[1]:<9.2f}" if bare else f"{'n/a':>26}"
            found, more = picker_find(term)
            print(
                f"{label:<22}{ours[0]:>12.2f} / {ours[1]:<9.2f}{bare_text}"
                f"{str(len(found)) + ('+' if more else ''):>7}{picker_full[label]:>9}"
            )
        grew = [label for label in terms if queries_full[label] > queries_small[label]]
        grew += [
            f"the picker by {label}"
            for label in early_picker
            if picker_full[label] > picker_small[label]
        ]
        print()
        print(
            f"search queries with {first_size:,} cases: "
            + ", ".join(f"{queries_small[label]}" for label in terms)
            + f"; with {count:,}: "
            + ", ".join(f"{queries_full[label]}" for label in terms)
            + f"; the picker's with {first_size:,}: "
            + ", ".join(f"{picker_small[label]}" for label in early_picker)
            + f"; with {count:,}: "
            + ", ".join(f"{picker_full[label]}" for label in early_picker)
        )
        print(
            "query count flat: "
            + (f"no, it grew with the data on {', '.join(grew)}" if grew else "yes")
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.exit(1 if grew else 0)


if __name__ == "__main__":
    main()
