"""The access log becomes rows of the one audit trail (core.AuditEvent), then goes.

Since the audit trail began (centre migration 0006) every opening of a safeguarding record
has written both an access-log row and a READ row of the trail of kind ``safeguarding
<kind>``, for the same account and record. So only the openings the trail lacks (those
logged before it began) are copied into it, with their own time and account id; the trail
accepts an INSERT (its trigger refuses only UPDATE and DELETE). Going back, the log is
rebuilt from the trail's safeguarding reads.

The log's permission (safeguarding.view_accesslog) goes with its content type: whoever
may read the audit trail reads the log now."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations

PREFIX = "safeguarding "
COPIED = "copied from the safeguarding access log"


def _key(user_id, kind, record_id):
    return (user_id, kind, record_id)


def log_into_trail(apps, schema_editor):
    AccessLog = apps.get_model("safeguarding", "AccessLog")
    AuditEvent = apps.get_model("core", "AuditEvent")
    in_trail = defaultdict(int)
    reads = AuditEvent.objects.filter(action="read", kind__startswith=PREFIX)
    for user_id, kind, object_id in reads.values_list("user_id", "kind", "object_id"):
        in_trail[_key(user_id, kind, object_id)] += 1
    openings = defaultdict(list)
    for row in AccessLog.objects.order_by("opened_at", "pk"):
        key = _key(row.user_id_copy, f"{PREFIX}{row.record_kind}", row.record_id)
        openings[key].append(row)
    missing = []
    for key, rows in openings.items():
        # The trail's rows pair with the latest openings: the earliest ones predate it.
        for row in rows[: max(len(rows) - in_trail[key], 0)]:
            missing.append(
                AuditEvent(
                    at=row.opened_at,
                    action="read",
                    user_id=row.user_id_copy,
                    kind=key[1],
                    object_id=row.record_id,
                    detail=COPIED,
                )
            )
    AuditEvent.objects.bulk_create(missing, batch_size=1000)


def trail_into_log(apps, schema_editor):
    AccessLog = apps.get_model("safeguarding", "AccessLog")
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = set(User.objects.values_list("pk", flat=True))
    reads = AuditEvent.objects.filter(action="read", kind__startswith=PREFIX).order_by("pk")
    AccessLog.objects.bulk_create(
        (
            AccessLog(
                user_id=event.user_id if event.user_id in users else None,
                user_id_copy=event.user_id,
                record_kind=event.kind.removeprefix(PREFIX),
                record_id=event.object_id,
                opened_at=event.at,
            )
            for event in reads.iterator()
            if event.object_id is not None
        ),
        batch_size=1000,
    )


def forget_the_log_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Its permission, and every group's hold of it, go with it (a cascade).
    ContentType.objects.filter(app_label="safeguarding", model="accesslog").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0003_accident_about_child"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(log_into_trail, trail_into_log),
        migrations.RunPython(forget_the_log_permission, migrations.RunPython.noop),
        migrations.DeleteModel(name="AccessLog"),
    ]
