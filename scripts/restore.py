"""``make restore BACKUP=<dir>``: put back a backup made by ``make backup``, then dispose
again of what was disposed of since it was made, keeping the audit trail written since.

0. Check first: on PostgreSQL, refuse while anything else is connected to the database
   (the web application, the worker, beat, a shell), naming what is connected, unless
   ``FORCE=1`` (then those connections are ended before the restore).
1. Export the proofs of disposal the database holds now (they include every disposal
   since the backup, which the restore is about to lose) to
   ``var/backups/proofs-before-restore-<timestamp>.json``, and the audit trail to
   ``var/backups/audit-before-restore-<timestamp>.json`` (both readable by their owner
   only: the audit trail holds network addresses).
2. Restore the database and the uploaded files (the folder emptied first).
3. ``migrate``, in case the backup is older than the code.
4. Put back every audit event the restored database does not have (those written since
   the backup: who approved and who disposed of what), with their own ids and times.
5. ``retention_replay --proofs`` that export: what came back goes again.

``PROOFS=<file>`` replays a copy kept off-site instead of the export of step 1 (when the
database itself was lost; its audit trail since the backup is then lost with it).

Where the database and files are restored by other means (docker compose, README), the
steps around it run alone: ``--before FOLDER`` (0 and 1, into FOLDER) and ``--after
FOLDER`` (3 to 5, from the newest exports in FOLDER).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backup import (  # noqa: E402
    ROOT,
    database_restore,
    django_setup,
    is_postgresql,
    make_private,
    private_folder,
    timestamp,
    uploads_restore,
)

AUDIT_FORMAT = "handover-audit-trail/1"
AUDIT_FIELDS = (
    "id",
    "at",
    "action",
    "user_id",
    "role",
    "ip_address",
    "kind",
    "object_id",
    "detail",
)


def other_connections():
    """``[(application name, client address), ...]`` of every other session connected
    to this PostgreSQL database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(nullif(application_name, ''), 'unnamed'), "
            "coalesce(host(client_addr), 'local') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def end_other_connections():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def check_nothing_is_connected(db, force):
    """Refuse (exit) while the application is connected to the database, unless forced."""
    if not is_postgresql(db):
        print("SQLite: stop the web, worker and beat processes yourself before restoring.")
        return
    connected = other_connections()
    if not connected:
        return
    if not force:
        names = ", ".join(f"{name} ({address})" for name, address in connected)
        sys.exit(
            f"Refusing to restore: {len(connected)} other connection(s) to the database "
            f"{db['NAME']} are open: {names}. Stop the application first "
            "(docker compose stop web worker beat), or run again with FORCE=1 to end "
            "those connections and restore anyway."
        )
    ended = end_other_connections()
    print(f"FORCE=1: ended {ended} other connection(s) to the database {db['NAME']}.")


def audit_trail_export(path: Path) -> int:
    from core.models import AuditEvent

    events = []
    for event in AuditEvent.objects.order_by("pk").values(*AUDIT_FIELDS):
        event["at"] = event["at"].isoformat()
        events.append(event)
    path.write_text(json.dumps({"format": AUDIT_FORMAT, "events": events}))
    path.chmod(0o600)
    return len(events)


def audit_trail_put_back(path: Path) -> int:
    """Insert the exported events the restored database lacks, with their own ids, and
    move the id sequence past them. Returns how many were put back."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils.dateparse import parse_datetime

    from core.models import AuditEvent

    data = json.loads(path.read_text())
    if data.get("format") != AUDIT_FORMAT:
        raise ValueError(f"{path} is not an export of the audit trail ({AUDIT_FORMAT})")
    with transaction.atomic():
        present = set(AuditEvent.objects.values_list("pk", flat=True))
        missing = [
            AuditEvent(**{**event, "at": parse_datetime(event["at"])})
            for event in data["events"]
            if event["id"] not in present
        ]
        for event in missing:
            event.full_clean(exclude=["user"], validate_unique=False)
        AuditEvent.objects.bulk_create(missing, batch_size=1000)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
                cursor.execute(statement)
    return len(missing)


def before(db, exports: Path, *, proofs=None, force=False):
    """Check, then export what the restore would lose. Returns ``(proofs, audit)``: the
    proofs file to replay, and the audit trail's export (None if the database is lost)."""
    from django.core.management import call_command

    try:
        check_nothing_is_connected(db, force)
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - a lost database cannot be asked
        if not proofs:
            sys.exit(
                f"Could not read the database ({type(error).__name__}). If it is lost, give "
                "the latest off-site copy of the proofs: make restore BACKUP=... PROOFS=<file>"
            )
        print("The database cannot be read: its audit trail since the backup is lost.")
        return proofs, None
    private_folder(exports)
    stamp = timestamp()
    if not proofs:
        proofs = exports / f"proofs-before-restore-{stamp}.json"
        call_command("retention_proofs_export", output=str(proofs))
    audit = exports / f"audit-before-restore-{stamp}.json"
    print(f"Exported {audit_trail_export(audit)} audit events to {audit}")
    make_private(exports)
    return proofs, audit


def after(proofs, audit):
    """Once the database is restored: migrate, put the audit trail back, replay."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if audit is not None:
        print(f"Put back {audit_trail_put_back(Path(audit))} audit events written since the backup")
    call_command("retention_replay", proofs=str(proofs))


def _latest(folder: Path, prefix):
    found = sorted(folder.glob(f"{prefix}-*.json"))
    return found[-1] if found else None


USAGE = (
    "Usage: make restore BACKUP=var/backups/<timestamp> [FORCE=1] [PROOFS=<file>]\n"
    "   or: python scripts/restore.py --before FOLDER  (check, then export to FOLDER)\n"
    "   or: python scripts/restore.py --after FOLDER   (once restored: migrate, audit, replay)"
)


def main():
    arguments = sys.argv[1:]
    if not arguments or not arguments[-1]:
        sys.exit(USAGE)
    os.umask(0o077)
    force, proofs = os.environ.get("FORCE") == "1", os.environ.get("PROOFS") or None
    if arguments[0] in ("--before", "--after"):
        # The steps around a restore made by other means (docker compose: README).
        if len(arguments) != 2:
            sys.exit(USAGE)
        exports = Path(arguments[1])
        django_setup()
        from django.conf import settings

        if arguments[0] == "--before":
            before(settings.DATABASES["default"], exports, proofs=proofs, force=force)
            return
        found = proofs or _latest(exports, "proofs-before-restore")
        if found is None:
            sys.exit(f"No proofs-before-restore-*.json in {exports}: give PROOFS=<file>.")
        after(found, _latest(exports, "audit-before-restore"))
        return
    if len(arguments) != 1:
        sys.exit(USAGE)
    folder = Path(arguments[0])
    if not (folder / "uploads.tar.gz").exists():
        sys.exit(f"{folder} is not a backup made by make backup (no uploads.tar.gz).")
    django_setup()
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]
    proofs, audit = before(db, ROOT / "var" / "backups", proofs=proofs, force=force)
    connections.close_all()
    database_restore(db, folder)
    uploads_restore(Path(settings.UPLOAD_ROOT), folder)
    print(f"Restored the database and uploaded files from {folder}")
    after(proofs, audit)


if __name__ == "__main__":
    main()
