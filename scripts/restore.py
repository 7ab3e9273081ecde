"""``make restore BACKUP=<dir>``: put back a backup made by ``make backup``, then dispose
again of what was disposed of since it was made.

1. Export the proofs of disposal the database holds now (they include every disposal
   since the backup, which the restore is about to lose) to
   ``var/backups/proofs-before-restore-<timestamp>.json``.
2. Restore the database and the uploaded files (the folder emptied first).
3. ``migrate``, in case the backup is older than the code.
4. ``retention_replay --proofs`` that export: what came back goes again.

Stop the web, worker and beat processes first. ``PROOFS=<file>`` replays a copy kept
off-site instead of the export of step 1 (when the database itself was lost).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backup import ROOT, database_restore, django_setup, timestamp, uploads_restore  # noqa: E402


def main():
    if len(sys.argv) != 2 or not sys.argv[1]:
        sys.exit("Usage: make restore BACKUP=var/backups/<timestamp>")
    folder = Path(sys.argv[1])
    if not (folder / "uploads.tar.gz").exists():
        sys.exit(f"{folder} is not a backup made by make backup (no uploads.tar.gz).")
    django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    proofs = os.environ.get("PROOFS")
    if not proofs:
        proofs = ROOT / "var" / "backups" / f"proofs-before-restore-{timestamp()}.json"
        proofs.parent.mkdir(parents=True, exist_ok=True)
        try:
            call_command("retention_proofs_export", output=str(proofs))
        except Exception as error:  # noqa: BLE001 - a lost database has no proofs to give
            sys.exit(
                f"Could not export the current proofs of disposal ({error}). If the database "
                "is lost, give the latest off-site copy: make restore BACKUP=... PROOFS=<file>"
            )
    connections.close_all()
    database_restore(settings.DATABASES["default"], folder)
    uploads_restore(Path(settings.UPLOAD_ROOT), folder)
    print(f"Restored the database and uploaded files from {folder}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("retention_replay", proofs=str(proofs))


if __name__ == "__main__":
    main()
