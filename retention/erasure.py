"""Erasure: a person's records put through the disposal path at their request.

An app declares which of its records a person can ask to have erased (``Erasable``, in
its own ``declarations.py``, see ``core.declarations``) and why the centre may have
to keep one (its exemptions: an open case, records of court-ordered contact still in
their period, a legal obligation). Holds stand as they do for the schedule: a
safeguarding or legal hold keeps the record. The privacy-request hold does not, since
the request asking for erasure is what places it; instead the ``ERASURE_CHECK`` hook lets the
privacy requests app keep what another open request (a subject access request) covers.

``erasure_queue`` decides each record: exempt ones are kept with the exemption recorded
(``ErasureDecision``), the others go into the disposal queue as erasure items, which the
manager approves like any other and the disposal task disposes of after the same last
check under lock.
"""

from django.db import transaction
from django.utils import timezone

from core.declarations import ERASURE_CHECK, declarations

from .models import ErasureDecision, QueueItem, Rule

HOLD_NAMES = {"safeguarding": "A safeguarding hold stands", "legal": "A legal hold stands"}


def erasable_for(record_type):
    return declarations.erasable_for(record_type)


def reasons_to_keep(erasable, record, *, request_reference=""):
    """Why ``record`` cannot be erased now: the holds on it (safeguarding, legal), the
    app's exemptions, and any other open request about the person."""
    reasons = []
    for kind, subjects in declarations.held_subjects().items():
        if kind not in HOLD_NAMES:
            continue
        reached = erasable.records().filter(pk=record.pk).filter(erasable.held(subjects))
        if reached.exists():
            reasons.append(HOLD_NAMES[kind])
    periods = dict(Rule.objects.values_list("key", "period_months"))
    reasons += erasable.exemptions(record, periods)
    for check in declarations.get(ERASURE_CHECK):
        reasons += check(erasable.subject, record.pk, request_reference)
    return reasons


def erasure_plan(*, request_reference: str, subject: str, subject_id: int) -> list:
    """What deciding the erasure would do, without doing it: ``[(erasable, record, ref,
    reasons to keep it)]`` for each of the person's records; no reasons means it would go
    into the disposal queue. The confirmation page shows this before anything is queued."""
    plan = []
    for erasable in (e for e in declarations.erasables if e.subject == subject):
        record = erasable.records().filter(pk=subject_id).first()
        if record is None:
            continue
        reasons = reasons_to_keep(erasable, record, request_reference=request_reference)
        plan.append((erasable, record, erasable.ref(record), reasons))
    return plan


@transaction.atomic
def erasure_queue(*, request_reference: str, subject: str, subject_id: int, actor) -> list:
    """Decide the erasure of a person's records: each is queued for the manager's
    approval or kept with its exemption. Returns the ``ErasureDecision``s made. Safe to
    run again: a record already queued is not queued twice."""
    decided_by = actor.full_name or actor.email
    decisions = []
    plan = erasure_plan(request_reference=request_reference, subject=subject, subject_id=subject_id)
    for erasable, record, ref, reasons in plan:
        if reasons:
            outcome, exemption = ErasureDecision.Outcome.KEPT, "; ".join(reasons)
        else:
            outcome, exemption = ErasureDecision.Outcome.QUEUED, ""
            QueueItem.objects.get_or_create(
                record_type=erasable.record_type,
                object_id=record.pk,
                action="dispose",
                defaults={
                    "rule": erasable.rule(record),
                    "kind": erasable.kind,
                    "ref": ref,
                    "due_on": timezone.localdate(),
                    "summary": f"{erasable.summary}: erasure asked for in {request_reference}",
                    "reason": "erasure",
                    "request_reference": request_reference,
                },
            )
        decisions.append(
            ErasureDecision.objects.create(
                request_reference=request_reference,
                record_type=erasable.record_type,
                object_id=record.pk,
                kind=erasable.kind,
                ref=ref,
                outcome=outcome,
                exemption=exemption,
                decided_by_name=decided_by,
            )
        )
    return decisions
