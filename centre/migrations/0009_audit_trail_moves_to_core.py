"""The audit trail moves to the base layer (core migration 0001): centre forgets the model
in Django's state only. The table ``centre_auditevent``, its rows and its append-only
trigger (migration 0006) stay as they are, now core.AuditEvent's."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("centre", "0008_audit_late_tap"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
        ),
    ]
