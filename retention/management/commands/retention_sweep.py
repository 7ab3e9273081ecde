"""``retention_sweep [--as-of DATE] [--dry-run] [--json]``: see "Retention dry run" in
CONTRACTS.md. Without ``--dry-run`` it flags into the disposal queue what is due, as the
nightly job does; it never deletes anything itself."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retention import engine
from retention.services import SweepAlreadyRunning, retention_sweep


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date like 2026-03-15.") from None


class Command(BaseCommand):
    help = (
        "Apply the retention schedule: flag what is due into the disposal queue for the "
        "manager to approve, or with --dry-run only list it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="Apply the schedule as on this day (today)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing; list what is due and held."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="With --dry-run: print the contract's one JSON object and nothing else.",
        )

    def handle(self, *args, as_of, dry_run, json, **options):
        as_of = _date(as_of) if as_of is not None else timezone.localdate()
        if json and not dry_run:
            raise CommandError("--json goes with --dry-run.")
        if dry_run:
            report = engine.dry_run(as_of)
            if json:
                self.stdout.write(_json(report))
            else:
                self._print_dry_run(report, as_of)
            return
        try:
            counts = retention_sweep(as_of=as_of)
        except SweepAlreadyRunning as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Retention sweep as of {as_of:%Y-%m-%d}: {counts['flagged']} newly due, "
            f"{counts['withdrawn']} taken out of the queue, {counts['queued']} in the queue."
        )

    def _print_dry_run(self, report, as_of):
        self.stdout.write(f"Retention dry run as of {as_of:%Y-%m-%d} (nothing is changed)")
        self.stdout.write(f"Due: {len(report['due'])}")
        for entry in report["due"]:
            self.stdout.write(
                f"  {entry['due_on']}  {entry['action']:<8} {entry['kind']:<15} "
                f"{entry['ref']:<20} {entry['rule']}"
            )
        self.stdout.write(f"Held back: {len(report['held'])}")
        for entry in report["held"]:
            self.stdout.write(
                f"  {entry['due_on']}  {entry['kind']:<15} {entry['ref']:<20} {entry['rule']} "
                f"(held: {', '.join(entry['holds'])})"
            )
        self.stdout.write("Falling due later:")
        for days, counts in engine.forecast(as_of).items():
            listed = ", ".join(f"{rule} {count}" for rule, count in counts.items() if count)
            self.stdout.write(f"  within {days} days: {listed or 'nothing'}")


def _json(report):
    return json.dumps(report, indent=2)
