"""The clock of Article 12A: the days a request's clock stood still become clarification
pauses, one row each, and ``paused_days`` and ``paused_since`` go.

Each pause is rebuilt from the request's history: the change that set ``paused_since``
says when it was asked for (its change reason said what), the change that cleared it and
added to ``paused_days`` when the answer arrived. A pause still open stays open. Where
the history no longer tells the dates, one pause from the day of receipt is written that
counts exactly the days the old clock had counted (so the old deadline stands), and its
"what was asked" says the dates are not known. The deadline stored is then worked out
afresh by Article 12A's rule, under which both the day of asking and the day of the
answer count: a rebuilt pause moves it one day further than the old clock did.
"""

import datetime

from django.db import migrations

from privacy_requests.deadlines import statutory_due_date

DAY = datetime.timedelta(days=1)
UNKNOWN = "Converted from the old clock: the dates of this pause were not recorded"


def _pauses_from_history(history):
    """``[(asked_on, answered_on or None, asked_for)]`` from the request's history rows,
    oldest first, and the days those pauses account for."""
    pauses, accounted, open_since, reason, previous_days = [], 0, None, "", 0
    for row in history:
        if row.paused_since is not None and open_since is None:
            open_since, reason = row.paused_since, (row.history_change_reason or "")
        elif row.paused_since is None and open_since is not None:
            days = max(row.paused_days - previous_days, 0)
            pauses.append((open_since, open_since + days * DAY, reason))
            accounted += days
            open_since = None
        previous_days = row.paused_days
    return pauses, accounted, open_since, reason


def forwards(apps, schema_editor):
    PrivacyRequest = apps.get_model("privacy_requests", "PrivacyRequest")
    History = apps.get_model("privacy_requests", "HistoricalPrivacyRequest")
    ClarificationPause = apps.get_model("privacy_requests", "ClarificationPause")
    requests = PrivacyRequest.objects.filter(paused_days__gt=0) | PrivacyRequest.objects.filter(
        paused_since__isnull=False
    )
    for request in requests.order_by("pk"):
        history = History.objects.filter(id=request.pk).order_by("history_date", "history_id")
        pauses, accounted, open_since, reason = _pauses_from_history(history)
        missing = request.paused_days - accounted
        if missing > 0:
            # Dates lost: a pause counting the same days (both ends included), so the
            # deadline it gave is kept.
            answered_on = request.received_on + (missing - 1) * DAY
            pauses.append((request.received_on, answered_on, UNKNOWN))
        for asked_on, answered_on, asked_for in pauses:
            ClarificationPause.objects.create(
                request=request,
                asked_on=asked_on,
                answered_on=answered_on,
                asked_for=(asked_for or "Identification or clarification")[:200],
            )
        if request.paused_since is not None:
            ClarificationPause.objects.create(
                request=request,
                asked_on=request.paused_since,
                answered_on=None,
                asked_for=(reason or "Identification or clarification")[:200],
            )
        answered = ClarificationPause.objects.filter(request=request, answered_on__isnull=False)
        request.due_on = statutory_due_date(
            request.received_on,
            identity_received_on=request.identity_received_on,
            pauses=[(p.asked_on, p.answered_on) for p in answered],
            extended=request.extended_on is not None,
        )
        request.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy_requests", "0004_subjects_clock_portability"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="historicalprivacyrequest", name="paused_days"),
        migrations.RemoveField(model_name="historicalprivacyrequest", name="paused_since"),
        migrations.RemoveField(model_name="privacyrequest", name="paused_days"),
        migrations.RemoveField(model_name="privacyrequest", name="paused_since"),
    ]
