"""Restriction of processing, as the case pages see it.

While a person's records are restricted (the right to restriction, which
``privacy_requests`` records), their case is read-only: every view that writes to a case
or one of its records asks ``case_write_refusal`` first. Referrals knows nothing of
restrictions themselves: ``privacy_requests`` adds its guard to ``CASE_WRITE_GUARDS`` when
the project starts.
"""

from collections.abc import Callable

# Functions ``(case) -> str | None``: why writes to the case are refused now (a sentence
# for the page), or None.
CASE_WRITE_GUARDS: list[Callable[[object], str | None]] = []


def case_write_refusal(case) -> str | None:
    """Why nothing may be written to ``case`` now, or None."""
    for guard in CASE_WRITE_GUARDS:
        refusal = guard(case)
        if refusal:
            return refusal
    return None
