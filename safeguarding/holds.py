"""Holds: placing and lifting them, and how the retention engine asks what is held.

A hold stops disposal of everything in its scope (a case with all its records, an adult
of a case, or a staff member). A safeguarding incident holds its case automatically; the
manager places legal holds and lifts holds, always with a reason. Each service is one
transaction and saves through ``record_save``, so the hold's history credits the actor.

The retention engine asks once per run::

    held = held_records()          # one query
    if case.pk in held.case_ids: ...   # skip: held
    if adult.pk in held.adult_ids: ...
    if staff_member.pk in held.staff_member_ids: ...

or ``holds_by_case(case_ids)`` for the kinds of hold on each case (one query). A hold on a
case covers every record of that case (its adults, children, bookings, notes and
documents); never dispose of any of them while the case is held.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centre.faults import RecordGone
from centre.models import StaffMember
from centre.services import record_save
from referrals.models import Adult, Case

from .models import Hold, Incident


def safeguarding_hold_reason(incident):
    return f"Safeguarding incident {incident.reference}"


def adult_scope_label(adult):
    return f"adult AD-{adult.pk:04d} of {adult.case.display_reference}"


def scope_label_for(hold):
    """What the hold covers, by reference only: never a name."""
    if hold.case_id:
        return hold.case.display_reference
    if hold.adult_id:
        return adult_scope_label(hold.adult)
    if hold.staff_member_id:
        return f"staff member {hold.staff_member.reference}"
    return ""


@transaction.atomic
def hold_for_incident(*, incident, actor=None):
    """The automatic safeguarding hold on the incident's case. Safe to call again: there is
    at most one standing safeguarding hold per incident. An incident without a case holds
    nothing and gets ``None``."""
    if incident.case_id is None:
        return None
    # Lock the incident so two calls at once cannot both place a hold.
    Incident.objects.select_for_update().filter(pk=incident.pk).exists()
    existing = (
        Hold.objects.standing()
        .filter(kind=Hold.Kind.SAFEGUARDING, incident=incident, case_id=incident.case_id)
        .first()
    )
    if existing is not None:
        return existing
    hold = Hold(
        kind=Hold.Kind.SAFEGUARDING,
        case=incident.case,
        incident=incident,
        reason=safeguarding_hold_reason(incident),
        placed_by=actor,
    )
    hold.scope_label = scope_label_for(hold)
    return record_save(record=hold, actor=actor)


@transaction.atomic
def hold_place(*, hold, actor):
    """Place a legal hold the manager has filled in (its scope, basis, reason and review
    date). The review date is required and cannot be in the past."""
    hold.kind = Hold.Kind.LEGAL
    hold.placed_by = actor
    hold.placed_at = timezone.now()
    hold.lifted_at = None
    errors = {}
    scopes = sum(1 for pk in (hold.case_id, hold.adult_id, hold.staff_member_id) if pk)
    if scopes != 1:
        errors["__all__"] = "A hold covers exactly one case, adult or staff member."
    if hold.review_on is None:
        errors["review_on"] = "Give the date the legal hold is to be reviewed."
    elif hold.review_on < timezone.localdate():
        errors["review_on"] = "The review date cannot be in the past."
    if errors:
        raise ValidationError(errors)
    _lock_scope(hold)
    hold.scope_label = scope_label_for(hold)
    return record_save(record=hold, actor=actor)


def _lock_scope(hold):
    """Lock what the hold covers, the case first (a disposal locks the case it disposes
    of, then deletes its adults), for the rest of the transaction. A hold that gets the
    lock first wins: the disposal, waiting behind it, then finds the record held and
    leaves it. A hold that waited behind a disposal finds the record gone and says so
    (``RecordGone``, answered with the proof of disposal), instead of failing on the
    hold's link at commit."""
    if hold.staff_member_id:
        model, pk = StaffMember, hold.staff_member_id
    else:
        # An adult's case as read when the page was asked for: it may be gone now.
        model, pk = Case, hold.adult.case_id if hold.adult_id else hold.case_id
    if not model._base_manager.select_for_update().filter(pk=pk).exists():
        raise RecordGone(model._meta.label_lower, pk)
    if hold.adult_id and not Adult.objects.select_for_update().filter(pk=hold.adult_id).exists():
        raise RecordGone(Adult._meta.label_lower, hold.adult_id)


@transaction.atomic
def hold_lift(*, hold, reason, actor):
    """Lift a standing hold, with the reason, recording who and when. A hold on a case with
    an open incident stays until the incident is closed. (Only the manager may lift: the
    view's rule says so.)"""
    # Lock the row and read it afresh: two managers lifting at once lift it once.
    Hold.objects.select_for_update().filter(pk=hold.pk).exists()
    hold.refresh_from_db()
    reason = (reason or "").strip()
    if not hold.is_standing:
        raise ValidationError("This hold has already been lifted.", code="lifted")
    if not reason:
        raise ValidationError(
            {"lift_reason": "Give the reason the hold is lifted: a hold is not lifted without one."}
        )
    if hold.case_id and Incident.objects.open().filter(case_id=hold.case_id).exists():
        raise ValidationError(
            "This case has an open safeguarding incident: the hold cannot be lifted until "
            "the incident is closed.",
            code="open_incident",
        )
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    return record_save(record=hold, actor=actor)


@dataclass(frozen=True)
class HeldRecords:
    case_ids: frozenset
    adult_ids: frozenset
    staff_member_ids: frozenset


def held_records():
    """Which cases, adults and staff members are held, from ``Hold.objects.standing()`` in
    one query. The retention engine must not dispose of anything in these sets (a case's
    set covers everything belonging to the case)."""
    rows = Hold.objects.standing().values_list("case_id", "adult_id", "staff_member_id")
    cases, adults, staff = set(), set(), set()
    for case_id, adult_id, staff_member_id in rows:
        if case_id:
            cases.add(case_id)
        if adult_id:
            adults.add(adult_id)
        if staff_member_id:
            staff.add(staff_member_id)
    return HeldRecords(frozenset(cases), frozenset(adults), frozenset(staff))


def held_case_ids():
    """The ids of the cases under a standing hold (one query)."""
    return held_records().case_ids


def holds_by_case(case_ids):
    """``{case_id: [kind, ...]}`` for the standing holds on these cases, in one query.
    Cases with no standing hold are absent. A hold on an adult of a case is not a hold on
    the case: ask ``held_records().adult_ids`` for those."""
    result = {}
    rows = (
        Hold.objects.standing()
        .filter(case_id__in=list(case_ids))
        .order_by("case_id", "placed_at")
        .values_list("case_id", "kind")
    )
    for case_id, kind in rows:
        result.setdefault(case_id, []).append(kind)
    return result
