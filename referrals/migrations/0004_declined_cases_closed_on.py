"""A declined referral's retention clock starts on the day it was declined: give the
cases declined so far that date as their closure."""

from django.db import migrations
from django.utils import timezone


def date_declined_cases(apps, schema_editor):
    Case = apps.get_model("referrals", "Case")
    for case in Case.objects.filter(status="declined", closed_on__isnull=True):
        case.closed_on = timezone.localtime(case.status_changed_at).date()
        case.save(update_fields=["closed_on"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_adult_order_and_help")]

    operations = [migrations.RunPython(date_declined_cases, migrations.RunPython.noop)]
