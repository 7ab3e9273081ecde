"""Indexes for the case search's name prefixes (``UPPER(name) LIKE UPPER('jan%')``).

PostgreSQL uses a B-tree index for LIKE only with a pattern operator class, which Django
cannot declare portably, so these are created here, on PostgreSQL only. SQLite, the
development default, has no such operator classes and does without."""

from django.db import migrations

INDEXES = [
    ("referrals_adult", "first_name"),
    ("referrals_adult", "last_name"),
    ("referrals_child", "first_name"),
    ("referrals_child", "last_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_prefix "
            f"ON {table} (UPPER({column}) varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_prefix")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
