"""The forecast of what falls due, as the manager's home shows it: counted once a day.

Counting every kind of record against every rule takes the database a while (most of a
second with 20,000 cases), and what falls due within 30, 90 or 365 days barely moves
within a day. So the home page takes the day's count from Django's cache (Redis where it
is configured, each process's memory otherwise), keyed by the day: the nightly sweep
counts it afresh for the new day, the first look of the day counts it where the sweep
has not, and a change to a rule forgets it, so the next look counts it under the new
rule. The forecast page (``retention:forecast``) still counts on each request. Where the
cache does not answer, the forecast is counted on each look (``core.kept``)."""

import datetime

from django.db import connection
from django.utils import timezone

from core.kept import forget, keep, kept

from . import engine

HORIZONS = (30, 90, 365)
KEEP_SECONDS = 2 * 24 * 60 * 60  # a day's count outlives its day; the key moves on anyway


def _key(day: datetime.date) -> str:
    # The database's name too: two databases served by one Redis keep their own counts.
    database = connection.settings_dict["NAME"]
    return f"retention:forecast:{database}:{day.isoformat()}:{'-'.join(map(str, HORIZONS))}"


def forecast_of_the_day(day: datetime.date) -> dict:
    """``engine.forecast(day, HORIZONS)``, counted at most once a day (see above)."""
    return kept(_key(day), lambda: engine.forecast(day, HORIZONS), KEEP_SECONDS)


def forecast_refresh(day: datetime.date | None = None) -> dict:
    """Count ``day``'s forecast (today's by default) and keep it for the day."""
    day = day or timezone.localdate()
    return keep(_key(day), engine.forecast(day, HORIZONS), KEEP_SECONDS)


def forecast_forget(day: datetime.date | None = None) -> None:
    """Forget ``day``'s (today's) count: a rule changed, so it is counted again when next
    looked at."""
    forget(_key(day or timezone.localdate()))
