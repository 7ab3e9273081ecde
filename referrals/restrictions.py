"""Restriction of processing, as the case pages see it.

While a person's records are restricted (the right to restriction, which
``privacy_requests`` records), their case is read-only: every view that writes to a case
or one of its records asks ``case_write_refusal`` first. Referrals knows nothing of
restrictions themselves: ``privacy_requests`` fills the ``CASE_WRITE_GUARD`` hook
(``core.declarations``) with its guard.
"""

from core.declarations import CASE_WRITE_GUARD, declarations


def case_write_refusal(case) -> str | None:
    """Why nothing may be written to ``case`` now, or None."""
    for guard in declarations.get(CASE_WRITE_GUARD):
        refusal = guard(case)
        if refusal:
            return refusal
    return None
