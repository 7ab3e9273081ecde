from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_trail_expiry_and_no_truncate"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
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
                    ("tap_undone", "Register tap undone"),
                ],
                max_length=20,
            ),
        ),
    ]
