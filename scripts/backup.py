"""``make backup``: the database, the uploaded files and the proofs of disposal, into
``BACKUP_DIR`` (default ``var/backups/<timestamp>/``).

- PostgreSQL: ``pg_dump -Fc`` (``database.dump``), read with ``pg_restore``.
- SQLite: a consistent copy through SQLite's backup API (``database.sqlite3``), which a
  plain ``cp`` of a database in use is not.
- ``uploads.tar.gz``: everything under ``UPLOAD_ROOT``.
- ``disposals.json``: every proof of disposal (``retention_proofs_export``).

The functions here are used by ``scripts/restore.py`` and the restore test too.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def is_postgresql(db):
    return "postgresql" in db["ENGINE"]


def _pg_env(db):
    """libpq's variables for the connection, so the password never shows in ``ps``."""
    env = dict(os.environ)
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _tool(name):
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def database_dump(db, folder: Path) -> Path:
    """Write the database ``db`` (a ``DATABASES`` entry) into ``folder``."""
    if is_postgresql(db):
        target = folder / "database.dump"
        subprocess.run(  # noqa: S603 - the arguments come from the settings
            [_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target), "-d", db["NAME"]],
            env=_pg_env(db),
            check=True,
        )
        return target
    target = folder / "database.sqlite3"
    _sqlite_copy(db["NAME"], target)
    return target


def database_restore(db, folder: Path):
    """Replace the database ``db`` with the one backed up in ``folder``. Nothing may be
    connected to it: close Django's connections first."""
    if is_postgresql(db):
        subprocess.run(  # noqa: S603 - the arguments come from the settings
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                db["NAME"],
                str(folder / "database.dump"),
            ],
            env=_pg_env(db),
            check=True,
        )
        return
    _sqlite_copy(folder / "database.sqlite3", db["NAME"])


def _sqlite_copy(source, target):
    """SQLite's online backup: a consistent copy, page by page, under SQLite's locks."""
    with sqlite3.connect(str(source)) as src, sqlite3.connect(str(target)) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def uploads_archive(upload_root: Path, folder: Path) -> Path:
    target = folder / "uploads.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        if upload_root.exists():
            archive.add(upload_root, arcname=".")
    return target


def uploads_restore(upload_root: Path, folder: Path):
    """Empty the uploads folder (not the folder itself: it may be a mounted volume), then
    unpack the backup's files, so that no file outlives the restored database."""
    upload_root.mkdir(parents=True, exist_ok=True)
    for path in sorted(upload_root.rglob("*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
    with tarfile.open(folder / "uploads.tar.gz", "r:gz") as archive:
        archive.extractall(upload_root, filter="data")


def timestamp():
    from django.utils import timezone

    return timezone.localtime().strftime("%Y-%m-%dT%H%M%S")


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and any parent it needs) readable by its owner only: 0700,
    whatever the umask, and even if it was there already."""
    missing = [folder, *[p for p in folder.parents if not p.exists()]]
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    for path in missing:
        path.chmod(PRIVATE_FOLDER)
    return folder


def make_private(folder: Path):
    """Every file under ``folder`` 0600, every folder 0700."""
    folder.chmod(PRIVATE_FOLDER)
    for path in folder.rglob("*"):
        path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def main():
    # Files are created private from the first byte (pg_dump inherits the umask), and set
    # so again at the end whatever made them: a backup holds the centre's most sensitive
    # data.
    os.umask(0o077)
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    folder = Path(os.environ.get("BACKUP_DIR") or ROOT / "var" / "backups" / timestamp())
    private_folder(folder)
    database = database_dump(settings.DATABASES["default"], folder)
    uploads = uploads_archive(Path(settings.UPLOAD_ROOT), folder)
    call_command("retention_proofs_export", output=str(folder / "disposals.json"))
    make_private(folder)
    print(f"Backup written to {folder}: {database.name}, {uploads.name}, disposals.json")
    print("Its files are readable by their owner only (files 0600, the folder 0700).")
    print(
        "It holds personal data: encrypt it before it goes anywhere (README, Backup and restore)."
    )


if __name__ == "__main__":
    main()
