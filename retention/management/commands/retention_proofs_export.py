"""``retention_proofs_export -o FILE``: every proof of disposal, as JSON. Made beside each
backup and before each restore, so that ``retention_replay`` can dispose again of what a
restore brings back. The proofs hold no personal data: copy them off-site nightly."""

from django.core.management.base import BaseCommand

from retention.replay import proofs_write


class Command(BaseCommand):
    help = "Export every proof of disposal to a JSON file (for retention_replay after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, output, **options):
        count = proofs_write(output)
        self.stdout.write(f"{count} proofs of disposal written to {output}")
