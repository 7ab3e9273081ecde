"""Retention's card on the manager's home (``core.cards``; declared in
``declarations.py``): the records awaiting a decision in the disposal queue, the queue by
rule and the forecast of what falls due, rule by rule, in the policy's order."""

from dataclasses import dataclass

from .forecasts import HORIZONS, forecast_of_the_day
from .models import Rule
from .services import queue_summary

APPROVE_DISPOSAL = "retention.approve_disposal"
FORECAST_HORIZONS = HORIZONS


@dataclass(frozen=True)
class QueueRow:
    rule: object
    awaiting: int
    postponed: int
    approved: int
    forecast: tuple[int, ...]  # due within each of FORECAST_HORIZONS days


def retention_figures(user, today):
    """For those who may decide the queue (``None`` for anyone else): how many records
    await a decision and the queue by rule (the queue summary's one query), the rules', and the
    forecast of the day (``forecasts``: counted once a day, not on each look)."""
    if not user.has_perm(APPROVE_DISPOSAL):
        return None
    summary = queue_summary()
    forecast = forecast_of_the_day(today)
    rows = []
    for rule in Rule.objects.all():
        counts = summary.get(rule.key, {})
        rows.append(
            QueueRow(
                rule=rule,
                awaiting=counts.get("awaiting", 0),
                postponed=counts.get("postponed", 0),
                approved=counts.get("approved", 0),
                forecast=tuple(forecast[days].get(rule.key, 0) for days in FORECAST_HORIZONS),
            )
        )
    totals = tuple(sum(row.forecast[i] for row in rows) for i in range(len(FORECAST_HORIZONS)))
    return {
        # The queue summary counts what awaits a decision as the queue does (due, or put
        # off until today or before): its total is the queue's, without another query.
        "awaiting_decision": sum(row.awaiting for row in rows),
        "queue": rows,
        "queue_awaiting": sum(row.awaiting for row in rows),
        "forecast_totals": totals,
        "forecast_horizons": FORECAST_HORIZONS,
    }
