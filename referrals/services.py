"""Writes about cases. Each is one transaction; each status move checks it is allowed and
records who made it and when."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centre.dates import add_months
from centre.services import record_save
from core.declarations import PRE_VISIT_CHECK, declarations

from .models import (
    Adult,
    Case,
    Consent,
    PreVisit,
    ReferenceCounter,
    Referral,
    RetentionRule,
    StatusChange,
)

Status = Case.Status

# Where each status may go next.
TRANSITIONS = {
    Status.RECEIVED: {Status.ACCEPTED, Status.DECLINED, Status.CLOSED},
    Status.ACCEPTED: {Status.PRE_VISITS, Status.CLOSED},
    Status.PRE_VISITS: {Status.ACTIVE, Status.CLOSED},
    Status.ACTIVE: {Status.CLOSED},
    Status.DECLINED: set(),
    Status.CLOSED: set(),
}

REVIEW_EVERY_MONTHS = 6


def retention_class_for(referral: Referral) -> tuple[str, str]:
    """Which row of the retention table covers the case, and why.

    The one-year row covers only supported contact (or handover) on a self-referral with
    no court order and no Cafcass involvement; everything else falls under the three-year
    row, the safe reading of the policy."""
    reasons = []
    if referral.source != Referral.Source.SELF:
        reasons.append(f"referred by {referral.get_source_display().lower()}")
    if referral.court_order:
        reasons.append("there is a court order")
    if referral.cafcass_involved:
        reasons.append("Cafcass is involved")
    if referral.service == Referral.Service.SUPERVISED:
        reasons.append("supervised contact")
    if reasons:
        return RetentionRule.CONTACT_COURT, (
            f"Kept three years after closure: {', '.join(reasons)}."
        )
    service = referral.get_service_display().lower()
    return RetentionRule.CONTACT_SELF, (
        f"Kept one year after closure: a self-referral for {service} with no court order "
        "and no Cafcass involvement."
    )


def _next_reference(year):
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HC-{year}-{counter.last:04d}"


@transaction.atomic
def case_create(*, referral: Referral, actor=None, former_reference: str = "") -> Case:
    """Open a case from a new referral (status: received)."""
    referral.full_clean(exclude=["case"])
    case = Case(
        reference=_next_reference(referral.received_on.year),
        former_reference=former_reference,
    )
    case.retention_rule, case.retention_reason = retention_class_for(referral)
    record_save(record=case, actor=actor)
    referral.case = case
    record_save(record=referral, actor=actor)
    StatusChange.objects.create(case=case, to_status=case.status, changed_by=actor)
    return case


@transaction.atomic
def referral_update(*, referral: Referral, actor=None) -> Referral:
    """Save the referral and recompute the case's retention class from it."""
    record_save(record=referral, actor=actor)
    case = referral.case
    rule, reason = retention_class_for(referral)
    if (case.retention_rule, case.retention_reason) != (rule, reason):
        case.retention_rule, case.retention_reason = rule, reason
        record_save(record=case, actor=actor)
    return referral


def _move(case: Case, to_status, *, actor, reason=""):
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_status not in TRANSITIONS[case.status]:
        raise ValidationError(
            f"A case at “{case.get_status_display()}” cannot move to "
            f"“{Status(to_status).label}”. Nothing has changed."
        )
    StatusChange.objects.create(
        case=case, from_status=case.status, to_status=to_status, changed_by=actor, reason=reason
    )
    case.status = to_status
    case.status_changed_at = timezone.now()
    return case


@transaction.atomic
def case_accept(*, case: Case, actor) -> Case:
    case = _move(case, Status.ACCEPTED, actor=actor)
    return record_save(record=case, actor=actor)


@transaction.atomic
def case_decline(*, case: Case, reason: str, actor) -> Case:
    if not reason.strip():
        raise ValidationError("Give the reason the referral is declined.")
    case = _move(case, Status.DECLINED, actor=actor, reason=reason)
    case.declined_reason = reason
    # A declined referral's records are kept as a closed case's are: the clock starts now.
    case.closed_on = timezone.localdate()
    return record_save(record=case, actor=actor)


@transaction.atomic
def case_start_pre_visits(*, case: Case, actor) -> Case:
    case = _move(case, Status.PRE_VISITS, actor=actor)
    return record_save(record=case, actor=actor)


def activation_problems(case: Case) -> list[str]:
    """What still stands between the case and its first contact session."""
    problems = []
    adults = list(case.adults.all())
    visits = list(case.pre_visits.all())
    for role in (Adult.Role.RESIDENT, Adult.Role.VISITING):
        people = [adult for adult in adults if adult.role == role]
        if not people:
            problems.append(f"The case has no {role.label.lower()}.")
        for adult in people:
            done = [v for v in visits if v.adult_id == adult.pk and v.is_complete]
            if not done:
                problems.append(
                    f"{adult.full_name} ({role.label.lower()}) has no completed pre-visit: "
                    "ground rules agreed and arrival and departure arrangements agreed."
                )
    if not case.children.exists():
        problems.append("The case has no children.")
    return problems


# The steps from a new referral to an active case. A case whose records already allow
# it (both pre-visits complete) is made active in one move from any of the first three:
# it passes through each status in between, each recorded in its status history, so the
# history and every report reading it still see the policy's steps.
ROUTE_TO_ACTIVE = (Status.RECEIVED, Status.ACCEPTED, Status.PRE_VISITS, Status.ACTIVE)
ACTIVATE_FROM = frozenset(ROUTE_TO_ACTIVE[:-1])


@transaction.atomic
def case_activate(*, case: Case, actor, on: datetime.date | None = None) -> Case:
    """Make the case active: from received or accepted too, through the statuses in
    between in the same transaction, when nothing stands in the way."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status in ACTIVATE_FROM:
        for step in ROUTE_TO_ACTIVE[ROUTE_TO_ACTIVE.index(case.status) + 1 : -1]:
            case = _move(case, step, actor=actor)
            case = record_save(record=case, actor=actor)
    case = _move(case, Status.ACTIVE, actor=actor)
    problems = activation_problems(case)
    if problems:
        raise ValidationError(problems)  # the atomic block undoes the move
    case.activated_on = on or timezone.localdate()
    case.next_review_on = add_months(case.activated_on, REVIEW_EVERY_MONTHS)
    return record_save(record=case, actor=actor)


@transaction.atomic
def case_close(*, case: Case, closed_on: datetime.date, reason: str, actor) -> Case:
    if not reason.strip():
        raise ValidationError("Give the reason the case is closed.")
    if closed_on < case.referral.received_on:
        raise ValidationError("A case cannot close before its referral was received.")
    case = _move(case, Status.CLOSED, actor=actor, reason=reason)
    case.closed_on = closed_on
    case.closure_reason = reason
    case.next_review_on = None
    return record_save(record=case, actor=actor)


@transaction.atomic
def case_review_record(*, case: Case, reviewed_on: datetime.date, actor) -> Case:
    """The six-monthly review is done: the next falls six months on."""
    if case.status != Status.ACTIVE:
        raise ValidationError("Only an active case has six-monthly reviews.")
    if reviewed_on > timezone.localdate():
        raise ValidationError("A review cannot be recorded for a day still to come.")
    case.next_review_on = add_months(reviewed_on, REVIEW_EVERY_MONTHS)
    return record_save(record=case, actor=actor)


@transaction.atomic
def pre_visit_save(*, pre_visit: PreVisit, children=(), actor=None) -> PreVisit:
    if any(child.case_id != pre_visit.case_id for child in children):
        raise ValidationError({"children": "Only this case's children can come to its pre-visit."})
    # Checks the apps built on referrals add (attendance: never on a session day).
    problems = [
        problem for check in declarations.get(PRE_VISIT_CHECK) for problem in check(pre_visit)
    ]
    if problems:
        raise ValidationError({"visited_on": problems})
    record_save(record=pre_visit, actor=actor)
    pre_visit.children.set(children)
    return pre_visit


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date, actor) -> Consent:
    """Withdrawing consent removes the information it covered, from the records and from
    their history, so nothing of it remains to be read."""
    if consent.withdrawn_on:
        raise ValidationError("This consent was withdrawn already.")
    consent.withdrawn_on = withdrawn_on
    record_save(record=consent, actor=actor)
    for pre_visit in PreVisit.objects.filter(medical_consent=consent):
        pre_visit.medical_needs = ""
        pre_visit.medical_consent = None
        record_save(record=pre_visit, actor=actor)
        pre_visit.history.update(medical_needs="")
    return consent
