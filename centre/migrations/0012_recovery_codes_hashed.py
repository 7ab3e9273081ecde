"""Recovery codes stored hashed (issue 17): each code already given, kept until now as
typed, is replaced by its keyed digest (``centre.two_factor.recovery_code_digest``), so the
codes people hold keep working and the database no longer holds them. One way only: a
digest cannot be turned back into its code."""

from django.db import migrations


def hash_codes(apps, schema_editor):
    from centre.two_factor import recovery_code_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        StaticToken.objects.filter(pk=token.pk).update(token=recovery_code_digest(token.token))


class Migration(migrations.Migration):
    dependencies = [
        ("centre", "0011_password_reset_asks"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
