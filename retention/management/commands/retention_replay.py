"""``retention_replay --proofs FILE [--dry-run]``: after a restore, dispose again of every
record the proofs (exported before the restore) say was disposed of and that the restore
brought back; put back the proofs the restored database lacks. A record that came back
under a hold is not disposed of: it is reported and the command fails, so that the
operator looks."""

from django.core.management.base import BaseCommand, CommandError

from retention.replay import proofs_read, proofs_replay


class Command(BaseCommand):
    help = "After a restore, dispose again of what was disposed of since the backup."

    def add_arguments(self, parser):
        parser.add_argument(
            "--proofs", required=True, metavar="FILE", help="An export of retention_proofs_export."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing; list what came back."
        )

    def handle(self, *args, proofs, dry_run, **options):
        try:
            loaded = proofs_read(proofs)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the proofs in {proofs}: {error}") from error
        done = "would be disposed again" if dry_run else "disposed again"

        def say(outcome, label):
            if outcome == "disposed":
                self.stdout.write(f"{done}: {label}")
            elif outcome == "held":
                self.stdout.write(f"held: {label} not disposed again")
            else:
                self.stdout.write(f"not the same record: {label}; left alone")

        report = proofs_replay(proofs=loaded, dry_run=dry_run, on_record=say)
        self.stdout.write(
            f"{len(loaded)} proofs read: {len(report.disposed)} {done}, "
            f"{len(report.held)} held, {len(report.mismatched)} not the same record, "
            f"{report.not_back} not back; {report.proofs_restored} proofs put back."
        )
        if report.needs_attention:
            raise CommandError(
                "Some records came back and were not disposed of again: look at each above."
            )
