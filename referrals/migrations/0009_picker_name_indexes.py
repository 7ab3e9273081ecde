"""Indexes for the person picker's name prefixes, accents aside
(``UPPER(TRANSLATE(name, accented, plain)) LIKE 'ZOE%'``: ``core.picker.Folded``).

Without them each search read every adult and child, translating each name: most of a
second at 20,000 cases. As in 0002, PostgreSQL uses a B-tree index for LIKE only with a
pattern operator class, so they are created here, on PostgreSQL only; SQLite, the
development default, does without. The index's expression must be the picker's own, to
the letter: ``tests/centre/test_person_picker.py`` checks that PostgreSQL uses them."""

from django.db import migrations

from core.picker import ACCENTED, PLAIN

INDEXES = [
    ("referrals_adult", "first_name"),
    ("referrals_adult", "last_name"),
    ("referrals_child", "first_name"),
    ("referrals_child", "last_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    accented, plain = schema_editor.quote_value(ACCENTED), schema_editor.quote_value(PLAIN)
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_folded ON {table} "
            f"(UPPER(TRANSLATE({column}, {accented}, {plain})) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_folded")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0008_case_review_due_index")]

    operations = [migrations.RunPython(create, drop)]
