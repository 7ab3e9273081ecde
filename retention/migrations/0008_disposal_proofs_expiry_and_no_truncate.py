"""The proofs of disposal cannot be emptied, and end seven years after their disposal ran
(issue 16), on PostgreSQL: the TRUNCATE trigger of core migration 0002 guards their table
(so ``grant_app_role`` gives the application's role only SELECT and INSERT on it), and
``handover_expire_disposal_proofs()``, run with its owner's rights, deletes the proofs
whose ``executed_at`` is more than seven years past and nothing else. The nightly task
``retention.tasks.expire_audit_trail_and_proofs`` calls it; the sweep no longer deletes
proofs itself, which the application's role could not."""

from django.db import migrations

from core.database_role import current_schema, expire_function, on_postgresql


def forwards(connection):
    return [
        "CREATE TRIGGER retention_disposalrecord_no_truncate "
        "BEFORE TRUNCATE ON retention_disposalrecord "
        "FOR EACH STATEMENT EXECUTE FUNCTION handover_refuse_truncate()",
        *expire_function(
            name="handover_expire_disposal_proofs",
            table="retention_disposalrecord",
            column="executed_at",
            schema=current_schema(connection),
        ),
    ]


def backwards(connection):
    return [
        "DROP FUNCTION IF EXISTS handover_expire_disposal_proofs()",
        "DROP TRIGGER IF EXISTS retention_disposalrecord_no_truncate ON retention_disposalrecord",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_trail_expiry_and_no_truncate"),
        ("retention", "0007_rules_for_every_record"),
    ]

    operations = [on_postgresql(forwards, backwards)]
