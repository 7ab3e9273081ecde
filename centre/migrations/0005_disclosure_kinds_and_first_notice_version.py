"""Give the disclosures recorded before the choices their kind and basis, and seed the
first version of the privacy notice."""

import datetime

from django.db import migrations

# What report_send wrote as recipient_kind: ReportRecipient.get_kind_display().
RECIPIENT_TYPES = {
    "parent": "person",
    "cafcass": "cafcass",
    "local authority": "local_authority",
    "solicitor": "solicitor",
    "court": "court",
    "police": "police",
}


def basis_kind_of(basis):
    words = basis.lower()
    if "court" in words:
        return "court_order"
    if "consent" in words:
        return "consent"
    if "vital" in words:
        return "vital_interests"
    if "legitimate" in words:
        return "legitimate_interests"
    return "legal_obligation"


def classify_disclosures(apps, schema_editor):
    Disclosure = apps.get_model("centre", "Disclosure")
    for disclosure in Disclosure.objects.all():
        disclosure.recipient_type = RECIPIENT_TYPES.get(
            disclosure.recipient_kind.strip().lower(), "other"
        )
        disclosure.basis_kind = basis_kind_of(disclosure.basis)
        # A parent who was sent the report knows of it; for anyone else nobody recorded.
        disclosure.person_told = "yes" if disclosure.recipient_type == "person" else "not_yet"
        disclosure.save(update_fields=["recipient_type", "basis_kind", "person_told"])


def seed_first_version(apps, schema_editor):
    PrivacyNoticeVersion = apps.get_model("centre", "PrivacyNoticeVersion")
    PrivacyNoticeVersion.objects.get_or_create(
        version="2026-01",
        defaults={"published_on": datetime.date(2026, 1, 1), "changes": "First version."},
    )


class Migration(migrations.Migration):
    dependencies = [("centre", "0004_disclosure_log_and_notice_versions")]

    operations = [
        migrations.RunPython(classify_disclosures, migrations.RunPython.noop),
        migrations.RunPython(seed_first_version, migrations.RunPython.noop),
    ]
