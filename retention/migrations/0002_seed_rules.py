"""Seed the retention rules from the privacy policy's table, and the sweep's lock row."""

from django.db import migrations

from retention.seed import seed_rules


def seed(apps, schema_editor):
    seed_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
