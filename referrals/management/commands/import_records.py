"""``import_records FILE.json [--update]``: see "Records interchange" in CONTRACTS.md."""

from django.core.management.base import BaseCommand, CommandError

from referrals.interchange import ImportRejected, import_file


class Command(BaseCommand):
    help = (
        "Import records in the interchange format (contact-centre-records/1): all of them "
        "in one transaction, or, if anything is wrong, none, with every problem listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.json")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update records whose ref is already held, instead of rejecting the file.",
        )

    def handle(self, *args, file, update, **options):
        try:
            result = import_file(file, update=update)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            count = len(rejected.problems)
            raise CommandError(
                f"Nothing was imported: {count} problem{'' if count == 1 else 's'} in {file}."
            ) from None
        self.stdout.write(result.summary())
