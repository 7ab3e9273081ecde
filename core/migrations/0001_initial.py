"""The audit trail (centre's) and the files a deletion left to remove (retention's) move
into the base layer, in Django's state only: each keeps its table, its rows and, for the
audit trail, the append-only trigger of centre migration 0006. Centre migration 0009 and
retention migration 0006 forget the old models, also in state only.

The content types are renamed, not replaced, so the permission to read the audit trail
keeps its row (and the groups holding it) and becomes ``core.view_auditevent``."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = [("centre", "auditevent"), ("retention", "pendingfiledeletion")]


def _rename_content_types(apps, *, to_core):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        old, new = ("core", app_label) if not to_core else (app_label, "core")
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_core(apps, schema_editor):
    _rename_content_types(apps, to_core=True)


def content_types_back(apps, schema_editor):
    _rename_content_types(apps, to_core=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("centre", "0008_audit_late_tap"),
        ("retention", "0005_erasure"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("login", "Signed in"),
                                    ("login_failed", "Failed sign-in"),
                                    ("lockout", "Locked out"),
                                    ("logout", "Signed out"),
                                    ("refused", "Refused (403)"),
                                    ("read", "Read"),
                                    ("export", "Export"),
                                    ("approval", "Approval"),
                                    ("disposal", "Disposal"),
                                    ("second_factor", "Passed the second factor"),
                                    ("second_factor_failed", "Wrong second-factor code"),
                                    ("sessions_ended", "Sessions ended"),
                                    ("two_factor_reset", "Two-factor reset"),
                                    ("late_tap", "Register tap sent late"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("role", models.CharField(blank=True, max_length=20)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("kind", models.CharField(blank=True, max_length=100)),
                        ("object_id", models.BigIntegerField(blank=True, null=True)),
                        ("detail", models.CharField(blank=True, max_length=200)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "centre_auditevent",
                        "ordering": ["-at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["kind", "object_id"], name="centre_audit_kind_object"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PendingFileDeletion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "field",
                            models.CharField(help_text="app_label.model.field", max_length=100),
                        ),
                        ("name", models.CharField(max_length=300)),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                    ],
                    options={
                        "db_table": "retention_pendingfiledeletion",
                        "default_permissions": (),
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_core, content_types_back),
    ]
