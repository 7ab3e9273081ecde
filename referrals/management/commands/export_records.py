"""``export_records [--case REF ...] [-o FILE]``: see "Records interchange" in CONTRACTS.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core import audit
from referrals.interchange import export_json
from referrals.models import Case


def _cases_called(ref):
    """The cases whose former reference, or ours, is ``ref`` (in any case of letters)."""
    return list(Case.objects.filter(Q(former_reference__iexact=ref) | Q(reference__iexact=ref)))


class Command(BaseCommand):
    help = (
        "Export records in the interchange format (contact-centre-records/1): every staff "
        "member, finance record and case, or with --case only the cases named."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case",
            action="append",
            dest="cases",
            metavar="REF",
            help=(
                "Export only this case, by its former reference or ours (HC-2026-0001); "
                "give it again for more. Staff and finance records are then left out."
            ),
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args, cases, output, **options):
        if cases:
            found = {ref: _cases_called(ref) for ref in cases}
            missing = [ref for ref, matches in found.items() if not matches]
            if missing:
                raise CommandError(f"No case has the reference {', '.join(missing)}.")
            cases = [case for matches in found.values() for case in matches]
        text = export_json(cases)
        audit.record(
            None,
            audit.Action.EXPORT,
            kind="cases",
            detail=f"export_records: {len(cases)} case(s)"
            if cases
            else "export_records: every case",
        )
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"Exported to {output}.")
