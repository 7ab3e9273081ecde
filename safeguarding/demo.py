"""Fictional safeguarding records for ``seed_demo``: three concerns at different stages (one
new, one seen, one that became an incident), an open incident with its triage, decision
and an action (and so a safeguarding hold on its case), a closed incident with its
outcome, and three accident book entries (one about an adult, old enough to be due for
disposal).

Runs after ``referrals.demo`` and ``attendance.demo`` (INSTALLED_APPS order), whose
families it uses. Every name and event is invented."""

import datetime

from django.utils import timezone

from centre.models import User
from centre.roles import Role
from centre.services import record_save
from referrals.models import Adult, Case

from .accident_services import accident_record
from .holds import hold_place
from .incident_services import incident_close, incident_decide, incident_open, incident_triage
from .models import Accident, Concern, Hold, Incident, IncidentAction
from .services import _children_copy, _youngest_born_on, concern_mark_seen

DAY = datetime.timedelta(days=1)


def seed(*, actor, today):
    lead = User.objects.filter(is_safeguarding_lead=True, is_active=True).order_by("pk").first()
    lead = lead or actor
    volunteer = _first_user(Role.VOLUNTEER) or actor
    cases = [
        case
        for case in (_case(name) for name in ("Marlow", "Haddad", "Brennan", "Whitfield"))
        if case is not None
    ]
    if len(cases) < 4:
        cases = list(Case.objects.filter(children__isnull=False).distinct().order_by("pk")[:4])
    if not cases:
        return
    marlow, haddad, brennan, whitfield = (cases * 4)[:4]

    _concern(
        marlow,
        raised_by=volunteer,
        at=_at(today - 2 * DAY, 11, 5),
        where="Main hall, by the book corner",
        what=(
            'Fictional: the child said "Dad\'s friend shouts at me when Mum is out" while '
            "we were reading together."
        ),
        done="Listened, did not ask questions, told the staff member on duty.",
    )
    seen = _concern(
        haddad,
        raised_by=actor,
        at=_at(today - 9 * DAY, 10, 40),
        where="Quiet room",
        what="Fictional: a bruise on the child's forearm; the child said it was from football.",
        done="Noted it and told the safeguarding lead before the family left.",
    )
    concern_mark_seen(concern=seen, actor=lead)

    # The open incident, from a concern: triaged, decided, one action so far.
    from_concern = _concern(
        brennan,
        raised_by=actor,
        at=_at(today - 16 * DAY, 11, 20),
        where="Car park, at handover",
        what="Fictional: the visiting parent arrived smelling strongly of alcohol.",
        done="The handover was paused; the resident parent stayed with the child.",
    )
    open_incident = _incident(
        Incident(case=brennan, occurred_on=timezone.localdate(from_concern.occurred_at)),
        concern=from_concern,
        actor=lead,
        summary=from_concern.what_happened,
        type=Incident.Type.CHILD_PROTECTION,
        severity=Incident.Severity.MEDIUM,
        decision="Refer to children's services and suspend contact pending their advice.",
        reasons="A second report of this kind within three months (fictional).",
    )
    _action(open_incident, IncidentAction.Kind.CHILDRENS_SERVICES, today - 15 * DAY, lead)
    _action(open_incident, IncidentAction.Kind.CONTACT_SUSPENDED, today - 15 * DAY, lead)

    # A closed incident, opened directly, with its outcome.
    closed = _incident(
        Incident(case=whitfield, occurred_on=today - 40 * DAY),
        concern=None,
        actor=lead,
        summary="Fictional: a raised argument between the parents in the entrance hall.",
        type=Incident.Type.DOMESTIC_ABUSE,
        severity=Incident.Severity.LOW,
        decision="No referral: record it and keep the arrival times staggered.",
        reasons=(
            "A single argument, no threat made, both parents calm afterwards; the staggered "
            "times already in the plan were not kept that day (fictional)."
        ),
    )
    _action(closed, IncidentAction.Kind.PARENTS_INFORMED, today - 39 * DAY, lead)
    _close(
        closed,
        outcome="Staggered times kept at every session since; no further incident.",
        closed_on=today - 10 * DAY,
        actor=lead,
    )

    # A legal hold on a family from years ago whose records would otherwise be due.
    demir = _case("Demir")
    if demir is not None:
        hold_place(
            hold=Hold(
                case=demir,
                legal_basis=Hold.LegalBasis.CLAIM,
                reason="A claim is expected; keep the file until the solicitor confirms.",
                review_on=today + 90 * DAY,
            ),
            actor=actor,
        )

    # Two accident book entries: a child of a case, and a visitor named in words.
    child = marlow.children.order_by("pk").first()
    accident_record(
        accident=Accident(
            case=marlow,
            child=child,
            person_name="" if child else "A child (fictional)",
            occurred_at=_at(today - 7 * DAY, 10, 25),
            where="Main hall, soft play area",
            what_happened="Slipped on the mat and bumped their chin; no loss of consciousness.",
            first_aid_given="Cold compress for ten minutes.",
            first_aid_by="Tom Lindqvist",
            who_was_told="Both parents at handover, in person.",
        ),
        actor=actor,
    )
    accident_record(
        accident=Accident(
            person_name="Gloria Pemberton (visiting grandparent, fictional)",
            occurred_at=_at(today - 21 * DAY, 11, 50),
            where="Front steps",
            what_happened="Caught a heel on the top step and grazed a hand.",
            first_aid_given="Cleaned the graze and applied a plaster.",
            first_aid_by="Ruth Abbey",
            who_was_told="The centre manager, the same day.",
        ),
        actor=volunteer,
    )
    # An entry about an adult, three years and a few weeks old: past its rule's three
    # years (adult-accident), so the manager's disposal queue shows it due.
    accident_record(
        accident=Accident(
            person_name="Colin Ashdown (a parent's partner, fictional)",
            occurred_at=_at(today - 3 * 365 * DAY - 40 * DAY, 15, 10),
            where="Garden gate",
            what_happened="Trapped a finger in the gate's latch at collection.",
            first_aid_given="Cold water, then a plaster.",
            first_aid_by="Tom Lindqvist",
            who_was_told="Nobody else needed telling; noted the same day.",
        ),
        actor=actor,
    )


def _first_user(role):
    return User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()


def _case(resident_last_name):
    return (
        Case.objects.filter(
            adults__role=Adult.Role.RESIDENT,
            adults__last_name=resident_last_name,
            children__isnull=False,
        )
        .distinct()
        .order_by("pk")
        .first()
    )


def _at(day, hour, minute):
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(when, timezone.now() - datetime.timedelta(minutes=1))


def _concern(case, *, raised_by, at, where, what, done):
    """A concern written straight to the database: the demo sends no e-mail."""
    children = list(case.children.order_by("pk")[:1])
    concern = Concern(
        case=case,
        case_reference=case.display_reference,
        children_names=_children_copy(children),
        youngest_child_born_on=_youngest_born_on(children),
        occurred_at=at,
        where=where,
        what_happened=what,
        action_taken=done,
        raised_by=raised_by,
    )
    record_save(record=concern, actor=raised_by)
    concern.children.set(children)
    return concern


def _incident(incident, *, concern, actor, summary, type, severity, decision, reasons):
    """Open (which holds the case), triage and decide, through the incident services."""
    incident.summary = summary
    children = [] if concern else list(incident.case.children.order_by("pk")[:1])
    incident = incident_open(incident=incident, children=children, concern=concern, actor=actor)
    incident_triage(incident=incident, type=type, severity=severity, actor=actor)
    return incident_decide(incident=incident, decision=decision, reasons=reasons, actor=actor)


def _action(incident, kind, on, actor):
    record_save(
        record=IncidentAction(incident=incident, kind=kind, taken_on=on, recorded_by=actor),
        actor=actor,
    )


def _close(incident, *, outcome, closed_on, actor):
    return incident_close(incident=incident, outcome=outcome, closed_on=closed_on, actor=actor)
