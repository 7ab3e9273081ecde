"""Restriction of processing: reads and writes.

A restriction on an adult or a child of a case restricts the case's records: while it
stands they are read-only for everyone (staff and the manager alike), hidden from the
tablet register and every page a volunteer sees, and the case page carries a banner with
the reason. The manager places and lifts restrictions.

This app's ``declarations.py`` fills the hooks the lower apps own with
``case_write_refusal`` and ``restricted_case_ids`` (the ``CASE_WRITE_GUARD`` and
``REGISTER_EXCLUSION`` hooks), so neither ``referrals`` nor ``attendance`` imports it.

A restriction on a staff member is recorded (the model takes one) but has no effect on
any page yet.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from centre.services import record_save
from referrals.models import Case

from .models import Restriction

# Selectors ------------------------------------------------------------------------


def _on_case(case_or_pk) -> Q:
    pk = getattr(case_or_pk, "pk", case_or_pk)
    return Q(subject_adult__case_id=pk) | Q(subject_child__case_id=pk)


def restricted_case_ids() -> QuerySet:
    """The ids of the cases whose records stand restricted (``.values("pk")``), for use
    as a subquery."""
    standing = Restriction.objects.standing()
    adults = standing.filter(subject_adult__isnull=False).values("subject_adult__case_id")
    children = standing.filter(subject_child__isnull=False).values("subject_child__case_id")
    return Case.objects.filter(Q(pk__in=adults) | Q(pk__in=children)).values("pk")


def case_restrictions(case) -> list[Restriction]:
    """The restrictions standing on the case's adults and children, with their people,
    in one query: what its banner shows."""
    return list(
        Restriction.objects.standing()
        .filter(_on_case(case))
        .select_related("subject_adult", "subject_child", "placed_by")
        .order_by("placed_on", "pk")
    )


def case_write_refusal(case) -> str | None:
    """Why nothing may be written to the case now, or None: the guard the case pages and
    bookings ask (``referrals.restrictions``)."""
    standing = Restriction.objects.standing().filter(_on_case(case))
    restriction = standing.order_by("placed_on", "pk").first()
    if restriction is None:
        return None
    return (
        f"The records of case {case.display_reference} are restricted, since "
        f"{restriction.placed_on:%d/%m/%Y}: they are read-only until the centre manager "
        "lifts the restriction (the reason is on the case page). Nothing has been saved."
    )


def restrictions_for_list() -> QuerySet:
    """Every restriction, standing first (latest placed first), then lifted."""
    return Restriction.objects.select_related(
        "subject_adult", "subject_child", "placed_by", "lifted_by", "request"
    ).order_by(F("lifted_on").desc(nulls_first=True), "-placed_on", "-pk")


# Services -------------------------------------------------------------------------


@transaction.atomic
def restriction_place(*, restriction: Restriction, actor) -> Restriction:
    """Record a restriction on one person, placed today by ``actor``. A person already
    restricted is not restricted twice."""
    restriction.placed_by = actor
    restriction.placed_on = timezone.localdate()
    restriction.lifted_on, restriction.lifted_by, restriction.lift_reason = None, None, ""
    restriction.label_subject()
    subject = {
        f"{name}_id": getattr(restriction, f"{name}_id")
        for name in ("subject_adult", "subject_child", "subject_staff_member")
        if getattr(restriction, f"{name}_id")
    }
    if subject and Restriction.objects.standing().filter(**subject).exists():
        raise ValidationError(
            "A restriction already stands on this person: lift it first, or leave it. "
            "Nothing has been saved."
        )
    return record_save(record=restriction, actor=actor)


@transaction.atomic
def restriction_lift(*, restriction: Restriction, reason: str, actor) -> Restriction:
    """Lift a standing restriction today, with the reason. The records become writable
    and the family returns to the register."""
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_on:
        raise ValidationError(
            f"This restriction was already lifted on {restriction.lifted_on:%d/%m/%Y}."
        )
    if not reason.strip():
        raise ValidationError({"lift_reason": "Give the reason the restriction is lifted."})
    restriction.lifted_on = timezone.localdate()
    restriction.lifted_by = actor
    restriction.lift_reason = reason.strip()
    return record_save(record=restriction, actor=actor)
