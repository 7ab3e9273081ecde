"""Writes about safeguarding incidents: the designated safeguarding lead's (or the
manager's) work from opening to closure. Each is one transaction: a refusal saves
nothing."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centre.models import User
from centre.services import record_save
from referrals.models import Child

from .holds import hold_for_incident
from .models import Concern, Incident, IncidentAction, IncidentChild
from .services import concern_mark_seen

CLOSED_MESSAGE = "This incident is closed: it can no longer be changed."


def _refuse_if_closed(incident: Incident):
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(CLOSED_MESSAGE, code="closed")


@transaction.atomic
def incident_open(
    *,
    incident: Incident,
    children: Iterable[Child] = (),
    concern: Concern | None = None,
    actor: User,
) -> Incident:
    """Open ``incident``, from ``concern`` or directly for the incident's case, about
    ``children`` (all of that case; from a concern, its children unless others are
    given). The incident keeps copies of the case's reference and of each child's name and
    date of birth, and its case is held from disposal at once."""
    children = list(children)
    if concern is not None:
        incident.concern = concern
        incident.case = concern.case
        if not children:
            children = list(concern.children.all())
    if incident.case is not None and any(c.case_id != incident.case.pk for c in children):
        raise ValidationError(
            {"children": "Choose only children of the family the incident is about."}
        )
    if incident.case is None and concern is None:
        raise ValidationError({"case": "Choose the case the incident is about."})
    incident.case_reference = incident.case.display_reference if incident.case else ""
    incident.status = Incident.Status.OPEN
    incident.opened_by = actor
    record_save(record=incident, actor=actor)
    for child in children:
        record_save(
            record=IncidentChild(
                incident=incident,
                child=child,
                name=child.full_name,
                date_of_birth=child.date_of_birth,
            ),
            actor=actor,
        )
    if concern is not None:
        concern_mark_seen(concern=concern, actor=actor)
    hold_for_incident(incident=incident, actor=actor)
    return incident


@transaction.atomic
def incident_triage(*, incident: Incident, type: str, severity: str, actor: User) -> Incident:
    _refuse_if_closed(incident)
    errors = {}
    if not type:
        errors["type"] = "Choose the type of incident."
    if not severity:
        errors["severity"] = "Choose how severe it is."
    if errors:
        raise ValidationError(errors)
    incident.type = type
    incident.severity = severity
    return record_save(record=incident, actor=actor)


@transaction.atomic
def incident_decide(*, incident: Incident, decision: str, reasons: str, actor: User) -> Incident:
    """Record the decision and its reasons. The reasons are required whatever the
    decision, a decision not to act above all (NSPCC record-keeping guidance)."""
    _refuse_if_closed(incident)
    errors = {}
    if not decision.strip():
        errors["decision"] = "Record the decision, including a decision not to act."
    if not reasons.strip():
        errors["decision_reasons"] = (
            "Give the reasons for the decision, including for a decision not to act."
        )
    if errors:
        raise ValidationError(errors)
    incident.decision = decision
    incident.decision_reasons = reasons
    return record_save(record=incident, actor=actor)


@transaction.atomic
def incident_action_add(*, action: IncidentAction, actor: User) -> IncidentAction:
    """Record an action taken (its model refuses a date in the future)."""
    _refuse_if_closed(action.incident)
    action.recorded_by = actor
    return record_save(record=action, actor=actor)


@transaction.atomic
def incident_close(
    *, incident: Incident, outcome: str, closed_on: datetime.date | None, actor: User
) -> Incident:
    """Close the incident with its outcome. Nothing is saved unless the outcome is
    recorded and the date is neither in the future nor before the incident happened."""
    _refuse_if_closed(incident)
    errors = {}
    if not (outcome or "").strip():
        errors["outcome"] = "Record the outcome before closing the incident."
    if not closed_on:
        errors["closed_on"] = "Give the date the incident was closed."
    elif closed_on > timezone.localdate():
        errors["closed_on"] = "An incident cannot be closed on a date in the future."
    if errors:
        raise ValidationError(errors)
    incident.outcome = outcome
    incident.closed_on = closed_on
    incident.closed_by = actor
    incident.status = Incident.Status.CLOSED
    try:
        return record_save(record=incident, actor=actor)
    except ValidationError:
        # The caller's copy must not look closed when nothing was saved.
        incident.status = Incident.Status.OPEN
        incident.closed_on = incident.closed_by = None
        incident.outcome = ""
        raise
