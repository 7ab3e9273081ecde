"""The rule for complaints about the use of personal data (issue 7): a year after the
outcome. ``seed_rules`` adds the rows that are missing and leaves the others alone."""

from django.db import migrations

from retention.seed import seed_rules


def seed(apps, schema_editor):
    seed_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("retention", "0003_complaint_rule_key")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
