"""A concern keeps its own copy of the youngest child's date of birth, as it keeps the
children's names: a concern about a child comes up for review when that child turns 25
(``child-safeguarding``), and the link to the child goes with the case.

Existing concerns are filled from the link where the child is still there, otherwise from
the copy of the names ("Name (born 01/02/2019)", one line a child), which has carried the
dates since concerns began. A concern about no child keeps no date."""

import datetime
import re

from django.db import migrations, models
from django.db.models import Max

BORN = re.compile(r"\(born (\d{2})/(\d{2})/(\d{4})\)")


def _youngest_in_names(names):
    born = [
        datetime.date(int(year), int(month), int(day)) for day, month, year in BORN.findall(names)
    ]
    return max(born, default=None)


def fill_youngest_child_born_on(apps, schema_editor):
    Concern = apps.get_model("safeguarding", "Concern")
    concerns = Concern.objects.filter(youngest_child_born_on=None).annotate(
        linked=Max("children__date_of_birth")
    )
    for pk, linked, names in concerns.values_list("pk", "linked", "children_names"):
        youngest = linked or _youngest_in_names(names)
        if youngest is not None:
            Concern.objects.filter(pk=pk).update(youngest_child_born_on=youngest)


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0004_access_log_joins_the_audit_trail"),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="youngest_child_born_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalconcern",
            name="youngest_child_born_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_youngest_child_born_on, migrations.RunPython.noop),
    ]
