"""Families the tablet register must not show.

While a person's records are restricted (the right to restriction, which
``privacy_requests`` records), their family's bookings are left off the register and any
page a volunteer sees, and the staff's session page shows them as restricted, without
names. Attendance knows nothing of restrictions themselves: ``privacy_requests`` fills
the ``REGISTER_EXCLUSION`` hook (``core.declarations``).

Each function returns a queryset of case ids (``.values("pk")``), used as a subquery, so
hiding the families costs the register no extra query however many there are.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from core.declarations import REGISTER_EXCLUSION, declarations


def hidden(field="case_id") -> Q | None:
    """A condition on ``field`` (a case id) matching the hidden families, or None when
    nothing is hidden."""
    found = None
    for exclusion in declarations.get(REGISTER_EXCLUSION):
        condition = Q(**{f"{field}__in": exclusion()})
        found = condition if found is None else found | condition
    return found


def on_register(bookings: QuerySet, *, field="case_id") -> QuerySet:
    """``bookings`` without those of hidden families."""
    condition = hidden(field)
    return bookings if condition is None else bookings.exclude(condition)


def mark_restricted(bookings: QuerySet) -> QuerySet:
    """``bookings``, each with ``restricted``: whether the register hides it."""
    condition = hidden("case_id")
    flag = Value(False) if condition is None else ExpressionWrapper(condition, BooleanField())
    return bookings.annotate(restricted=flag)
