"""Writes to the register of privacy requests and to complaints. Each is one transaction.

Every status move is checked against a table of the moves allowed, so a request cannot
be completed twice or reopened by a stale form; the model's ``clean`` then refuses what
no status may hold (a completion without a response, an extension without a reason).
Deciding a request (extending, completing, refusing) is the manager's: the views declare
it, and the services refuse anyone else as well.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from centre.services import record_save
from retention.models import DisposalRecord

from .models import ClarificationPause, Complaint, PrivacyRequest

DECIDE = "privacy_requests.decide_privacyrequest"

Status = PrivacyRequest.Status

# From each status, the statuses a request may move to. Completed and refused are final.
REQUEST_MOVES = {
    Status.RECEIVED: {
        Status.AWAITING,
        Status.IN_PROGRESS,
        Status.EXTENDED,
        Status.COMPLETED,
        Status.REFUSED,
    },
    # Back to extended, once what was awaited arrives, where it had been extended.
    Status.AWAITING: {Status.IN_PROGRESS, Status.EXTENDED, Status.REFUSED},
    Status.IN_PROGRESS: {Status.AWAITING, Status.EXTENDED, Status.COMPLETED, Status.REFUSED},
    Status.EXTENDED: {Status.AWAITING, Status.COMPLETED, Status.REFUSED},
    Status.COMPLETED: set(),
    Status.REFUSED: set(),
}

ComplaintStatus = Complaint.Status

COMPLAINT_MOVES = {
    ComplaintStatus.RECEIVED: {ComplaintStatus.ACKNOWLEDGED},
    ComplaintStatus.ACKNOWLEDGED: {ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED},
    # Investigating again records what more was found.
    ComplaintStatus.INVESTIGATING: {ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED},
    ComplaintStatus.RESOLVED: set(),
}


def _label(choices, value):
    return choices(value).label.lower()


def _check_move(*, record, moves, choices, to, noun):
    current = record.status
    if to in moves[current]:
        return
    now = _label(choices, current)
    if not moves[current]:
        message = f"This {noun} is {now}, which is final: it cannot become {_label(choices, to)}."
    else:
        possible = " or ".join(sorted(_label(choices, s) for s in moves[current]))
        message = (
            f"This {noun} is {now}, so it cannot become {_label(choices, to)}. "
            f"From {now} it can only become {possible}."
        )
    raise ValidationError(message)


def can_move(record, to) -> bool:
    """Whether ``record`` (a request or a complaint) may move to status ``to`` now: the
    detail pages offer only the forms that can succeed."""
    moves = REQUEST_MOVES if isinstance(record, PrivacyRequest) else COMPLAINT_MOVES
    return to in moves[record.status]


def _move_request(privacy_request, to):
    _check_move(record=privacy_request, moves=REQUEST_MOVES, choices=Status, to=to, noun="request")
    privacy_request.status = to


def _move_complaint(complaint, to):
    _check_move(
        record=complaint, moves=COMPLAINT_MOVES, choices=ComplaintStatus, to=to, noun="complaint"
    )
    complaint.status = to


def _require_decider(actor):
    if actor is None or not actor.has_perm(DECIDE):
        raise PermissionDenied("Only the centre manager decides privacy requests.")


def _today():
    return timezone.localdate()


def _not_future(day, field, what):
    if day > _today():
        raise ValidationError({field: f"{what} cannot be in the future."})


def _not_before(day, earliest, field, message):
    if day < earliest:
        raise ValidationError({field: message})


def first_month_ends(privacy_request, today=None) -> datetime.date:
    """The end of the first month, by when a requester must be told of an extension:
    counted as the deadline is (Article 12A(4)), from the same start, with the same
    clarification pauses."""
    return privacy_request.extension_notice_by(today or _today())


def _short(day):
    return date_format(day, "j F Y")


# Privacy requests


@transaction.atomic
def privacy_request_log(*, privacy_request: PrivacyRequest, actor) -> PrivacyRequest:
    """Enter a request on the register as received, with the clock running from the day
    it arrived."""
    if privacy_request.pk:
        raise ValidationError("This request is already on the register.")
    privacy_request.status = Status.RECEIVED
    privacy_request.logged_by = actor
    privacy_request.label_subject()
    record_save(record=privacy_request, actor=actor)
    if privacy_request.is_about_a_named_person:
        _label_named_subject(privacy_request)
    return privacy_request


def _label_named_subject(privacy_request):
    """A named person's label carries the request's own reference ("a person named in
    PR-0007"), known only once it is saved: written to the row and to the history entry
    its saving made, so the log has no second entry for it."""
    privacy_request.label_subject()
    label = privacy_request.subject_label
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(subject_label=label)
    privacy_request.history.filter(id=privacy_request.pk).update(subject_label=label)


@transaction.atomic
def privacy_request_verify_identity(
    *, privacy_request: PrivacyRequest, evidence: str, verified_on: datetime.date, actor
) -> PrivacyRequest:
    """Record what was seen to confirm who the requester is, by whom and when."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: its identity check can no longer change.")
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Say what was seen, for example a passport."})
    if verified_on is None:
        raise ValidationError({"verified_on": "Give the date the identity was checked."})
    _not_future(verified_on, "verified_on", "The identity check")
    _not_before(
        verified_on,
        privacy_request.received_on,
        "verified_on",
        "Identity cannot be checked before the request was received.",
    )
    privacy_request.identity_evidence = evidence.strip()
    privacy_request.identity_verified_on = verified_on
    privacy_request.identity_verified_by = actor
    privacy_request._change_reason = "Identity checked"
    return record_save(record=privacy_request, actor=actor)


def _back_to_work(privacy_request):
    """Once nothing asked for is outstanding, the request goes back to work: extended
    where it had been extended, otherwise in progress."""
    if (
        privacy_request.awaiting_identity
        or privacy_request.pauses.filter(answered_on__isnull=True).exists()
    ):
        return
    _move_request(
        privacy_request,
        Status.EXTENDED if privacy_request.extended_on else Status.IN_PROGRESS,
    )


def _to_awaiting(privacy_request):
    if privacy_request.status != Status.AWAITING:
        _move_request(privacy_request, Status.AWAITING)


@transaction.atomic
def privacy_request_ask_identity(
    *, privacy_request: PrivacyRequest, asked_on: datetime.date, actor
) -> PrivacyRequest:
    """The centre has asked the requester for evidence of their identity (Article
    12(6)). The clock does not pause: when the evidence arrives the month starts again
    from that day (Article 12A(5)). Asking again after evidence arrived (it was not
    enough) waits for the new evidence."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: identity can no longer be asked for.")
    if privacy_request.awaiting_identity:
        raise ValidationError(
            "Identity evidence was already asked for on "
            f"{_short(privacy_request.identity_requested_on)} and has not arrived yet: record "
            "its arrival first."
        )
    _to_awaiting(privacy_request)
    if asked_on is None:
        raise ValidationError({"identity_requested_on": "Give the date it was asked for."})
    _not_future(asked_on, "identity_requested_on", "The date it was asked for")
    _not_before(
        asked_on,
        privacy_request.received_on,
        "identity_requested_on",
        "Identity evidence cannot have been asked for before the request was received "
        f"({_short(privacy_request.received_on)}).",
    )
    if privacy_request.identity_received_on is not None:
        _not_before(
            asked_on,
            privacy_request.identity_received_on,
            "identity_requested_on",
            "Identity evidence cannot be asked for again before the last evidence arrived "
            f"({_short(privacy_request.identity_received_on)}).",
        )
    privacy_request.identity_requested_on = asked_on
    privacy_request.identity_received_on = None
    privacy_request._change_reason = "Identity evidence asked for"
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_identity_received(
    *, privacy_request: PrivacyRequest, received_on: datetime.date, actor
) -> PrivacyRequest:
    """The identity evidence asked for has arrived: the month starts again from that day.
    Checking it (``privacy_request_verify_identity``) is recorded separately."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: its clock can no longer change.")
    if not privacy_request.awaiting_identity:
        raise ValidationError("No identity evidence is awaited for this request: ask for it first.")
    if received_on is None:
        raise ValidationError({"identity_received_on": "Give the date the evidence arrived."})
    _not_future(received_on, "identity_received_on", "The date the evidence arrived")
    _not_before(
        received_on,
        privacy_request.received_on,
        "identity_received_on",
        "Identity evidence cannot have arrived before the request was received "
        f"({_short(privacy_request.received_on)}).",
    )
    _not_before(
        received_on,
        privacy_request.identity_requested_on,
        "identity_received_on",
        "Identity evidence cannot have arrived before it was asked for "
        f"({_short(privacy_request.identity_requested_on)}).",
    )
    privacy_request.identity_received_on = received_on
    _back_to_work(privacy_request)
    privacy_request._change_reason = "Identity evidence received: the month starts again"
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_ask_clarification(
    *, privacy_request: PrivacyRequest, asked_on: datetime.date, asked_for: str = "", actor
) -> ClarificationPause:
    """The centre has asked the requester to clarify what they want (Article 12A(6)):
    the clock stops from ``asked_on``; the days to the answer, both included, do not
    count. One question is open at a time."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: nothing more can be asked.")
    last = privacy_request.pauses.order_by("-asked_on", "-pk").first()
    if last is not None and last.answered_on is None:
        raise ValidationError(
            f"The clarification asked for on {_short(last.asked_on)} has not been answered "
            "yet: record its answer first."
        )
    _to_awaiting(privacy_request)
    if asked_on is None:
        raise ValidationError({"asked_on": "Give the date it was asked for."})
    _not_future(asked_on, "asked_on", "The date it was asked for")
    _not_before(
        asked_on,
        privacy_request.received_on,
        "asked_on",
        "Clarification cannot have been asked for before the request was received "
        f"({_short(privacy_request.received_on)}).",
    )
    if last is not None:
        _not_before(
            asked_on,
            last.answered_on,
            "asked_on",
            "A new question cannot be dated before the answer to the last one arrived "
            f"({_short(last.answered_on)}).",
        )
    pause = ClarificationPause(
        request=privacy_request, asked_on=asked_on, asked_for=(asked_for or "").strip()
    )
    pause.full_clean()
    pause.save()
    privacy_request._change_reason = "Clarification asked for: the clock stops"
    record_save(record=privacy_request, actor=actor)
    return pause


@transaction.atomic
def privacy_request_clarification_answered(
    *, privacy_request: PrivacyRequest, answered_on: datetime.date, actor
) -> ClarificationPause:
    """The answer to the open clarification has arrived: the clock runs again, the
    deadline later by the days from asking to the answer, both included."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: its clock can no longer change.")
    pause = privacy_request.pauses.filter(answered_on__isnull=True).first()
    if pause is None:
        raise ValidationError("No clarification is awaited for this request.")
    if answered_on is None:
        raise ValidationError({"answered_on": "Give the date the answer arrived."})
    _not_future(answered_on, "answered_on", "The date the answer arrived")
    _not_before(
        answered_on,
        pause.asked_on,
        "answered_on",
        f"The answer cannot have arrived before it was asked for ({_short(pause.asked_on)}).",
    )
    pause.answered_on = answered_on
    pause.full_clean()
    pause.save()
    _back_to_work(privacy_request)
    privacy_request._change_reason = "Clarification answered: the clock runs again"
    record_save(record=privacy_request, actor=actor)
    return pause


# The names these services had before Article 12A separated asking for identity from
# asking for clarification: kept, because scripts and tests outside Handover call them.
# Waiting on the requester is now a clarification (identity has its own services).


def privacy_request_await(
    *, privacy_request: PrivacyRequest, asked_on: datetime.date, asked_for: str = "", actor
) -> PrivacyRequest:
    """Ask the requester to clarify their request: ``privacy_request_ask_clarification``."""
    privacy_request_ask_clarification(
        privacy_request=privacy_request, asked_on=asked_on, asked_for=asked_for, actor=actor
    )
    return privacy_request


def privacy_request_resume(
    *, privacy_request: PrivacyRequest, received_on: datetime.date, actor
) -> PrivacyRequest:
    """The answer arrived: ``privacy_request_clarification_answered``."""
    privacy_request_clarification_answered(
        privacy_request=privacy_request, answered_on=received_on, actor=actor
    )
    return privacy_request


@transaction.atomic
def privacy_request_start(*, privacy_request: PrivacyRequest, actor) -> PrivacyRequest:
    _move_request(privacy_request, Status.IN_PROGRESS)
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_extend(
    *, privacy_request: PrivacyRequest, reason: str, told_on: datetime.date, actor
) -> PrivacyRequest:
    """Extend a complex request by two further months (three from the start). The
    requester must be told, with the reasons, within the first month."""
    _require_decider(actor)
    if privacy_request.status == Status.AWAITING:
        raise ValidationError(
            "The centre is waiting for the requester: record what arrived before "
            "extending the request."
        )
    _move_request(privacy_request, Status.EXTENDED)
    if not (reason or "").strip():
        raise ValidationError({"extension_reason": "Give the reason the request is extended."})
    if told_on is None:
        raise ValidationError(
            {"requester_told_of_extension_on": "Give the date the requester was told."}
        )
    _not_future(told_on, "requester_told_of_extension_on", "The date the requester was told")
    _not_before(
        told_on,
        privacy_request.received_on,
        "requester_told_of_extension_on",
        "The requester cannot have been told before the request was received.",
    )
    limit = first_month_ends(privacy_request)
    if told_on > limit:
        raise ValidationError(
            {
                "requester_told_of_extension_on": (
                    "An extension must be told to the requester within the first month, "
                    f"by {_short(limit)}. It is too late to extend this request."
                )
            }
        )
    privacy_request.extension_reason = reason.strip()
    privacy_request.requester_told_of_extension_on = told_on
    privacy_request.extended_on = _today()
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_complete(
    *, privacy_request: PrivacyRequest, response: str, actor
) -> PrivacyRequest:
    _require_decider(actor)
    _move_request(privacy_request, Status.COMPLETED)
    privacy_request.response = (response or "").strip()
    privacy_request.closed_on = _today()
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_refuse(
    *, privacy_request: PrivacyRequest, exemption: str, reason: str, actor
) -> PrivacyRequest:
    _require_decider(actor)
    # A question still open stays unanswered: the request ends without its answer.
    _move_request(privacy_request, Status.REFUSED)
    privacy_request.exemption = exemption or ""
    privacy_request.refusal_reason = (reason or "").strip()
    privacy_request.closed_on = _today()
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_record_child(
    *,
    privacy_request: PrivacyRequest,
    child_age: int | None,
    child_competent: bool | None,
    child_agreed: bool | None,
    best_interests: str,
    actor,
) -> PrivacyRequest:
    """For a request a parent made for a child: the child's age, whether they are
    competent to decide (presumed from 12), whether they agreed, and the best-interests
    decision. Any may be recorded as it becomes known; all are needed before anything is
    released (``PrivacyRequest.release_errors``)."""
    if not privacy_request.is_open:
        raise ValidationError("This request is closed: what was decided for the child stays.")
    if privacy_request.made_by_subject or not (
        privacy_request.subject_child_id or privacy_request.is_about_a_named_person
    ):
        raise ValidationError(
            "This request was not made for a child by someone else: there is nothing to "
            "record about the child's view."
        )
    privacy_request.child_age = child_age
    privacy_request.child_competent = child_competent
    privacy_request.child_agreed = child_agreed
    privacy_request.best_interests = (best_interests or "").strip()
    privacy_request._change_reason = "The child's view recorded"
    return record_save(record=privacy_request, actor=actor)


def disposal_proof_find(reference: str):
    """The proof of disposal with this printed reference (any case, spaces around it
    ignored); where several records of one case were disposed of, the case's own."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return (
        DisposalRecord.objects.filter(ref__iexact=reference)
        .order_by(
            models.Case(models.When(kind="case", then=0), default=1),
            "-executed_at",
            "-pk",
        )
        .first()
    )


def no_data_response(proof) -> str:
    """The answer's words: no data is held, and the proof of its disposal."""
    disposed_on = timezone.localtime(proof.executed_at).date()
    return (
        "No personal data about the person this request is about is held by the centre. "
        f"Their records were disposed of on {date_format(disposed_on, 'j F Y')} "
        f'under the retention rule "{proof.get_rule_display()}" '
        f"(proof of disposal: {proof.kind} {proof.ref}, due for disposal on "
        f"{date_format(proof.due_on, 'j F Y')})."
    )


@transaction.atomic
def privacy_request_answer_no_data(
    *, privacy_request: PrivacyRequest, proof_reference: str, actor
) -> PrivacyRequest:
    """Answer a request about a person whose records were disposed of: no data is held,
    citing the proof of disposal (chosen by the reference printed on it). The request is
    completed with that answer. Only where no record of theirs is held or confirmed."""
    _require_decider(actor)
    _move_request(privacy_request, Status.COMPLETED)
    if privacy_request.holds_the_subject:
        raise ValidationError(
            "The centre still holds this person's records: answer the request with them, "
            'not with "no data held".'
        )
    if privacy_request.records.exists():
        raise ValidationError(
            "Records are confirmed as this person's: answer the request with them, not "
            'with "no data held". Unlink them first if they are not the person\'s.'
        )
    if privacy_request.identity_verified_on is None:
        # The answer says the person's records existed and when they went: that is
        # theirs to know, not anyone's who writes in their name.
        raise ValidationError(
            "Check and record the requester's identity first: the answer tells them the "
            "person's records existed and when they were disposed of."
        )
    if not (proof_reference or "").strip():
        raise ValidationError(
            {"disposal_proof": "Give the reference printed on the proof of disposal."}
        )
    proof = disposal_proof_find(proof_reference)
    if proof is None:
        raise ValidationError(
            {
                "disposal_proof": (
                    f"No proof of disposal has the reference {proof_reference.strip()[:64]}. "
                    "Check it against the proofs of disposal under Retention."
                )
            }
        )
    privacy_request.disposal_proof = proof
    privacy_request.response = no_data_response(proof)
    privacy_request.closed_on = _today()
    privacy_request._change_reason = "Answered: no data held"
    return record_save(record=privacy_request, actor=actor)


# Complaints


@transaction.atomic
def complaint_log(*, complaint: Complaint, actor) -> Complaint:
    if complaint.pk:
        raise ValidationError("This complaint is already logged.")
    complaint.status = ComplaintStatus.RECEIVED
    complaint.logged_by = actor
    complaint.label_subject()
    return record_save(record=complaint, actor=actor)


def acknowledged_late(complaint: Complaint) -> bool:
    return bool(complaint.acknowledged_on and complaint.acknowledged_on > complaint.acknowledge_by)


@transaction.atomic
def complaint_acknowledge(
    *, complaint: Complaint, acknowledged_on: datetime.date, actor
) -> Complaint:
    """Record the acknowledgement. One later than 30 days is still recorded (it happened)
    and ``acknowledged_late`` says so."""
    _move_complaint(complaint, ComplaintStatus.ACKNOWLEDGED)
    if acknowledged_on is None:
        raise ValidationError({"acknowledged_on": "Give the date the complaint was acknowledged."})
    complaint.acknowledged_on = acknowledged_on
    return record_save(record=complaint, actor=actor)


@transaction.atomic
def complaint_record_investigation(*, complaint: Complaint, investigation: str, actor) -> Complaint:
    _move_complaint(complaint, ComplaintStatus.INVESTIGATING)
    if not (investigation or "").strip():
        raise ValidationError({"investigation": "Say what the investigation found."})
    complaint.investigation = investigation.strip()
    return record_save(record=complaint, actor=actor)


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, outcome: str, resolved_on: datetime.date, actor
) -> Complaint:
    _move_complaint(complaint, ComplaintStatus.RESOLVED)
    if resolved_on is not None and complaint.acknowledged_on:
        _not_before(
            resolved_on,
            complaint.acknowledged_on,
            "resolved_on",
            "The outcome cannot be given before the complaint was acknowledged.",
        )
    complaint.outcome = (outcome or "").strip()
    complaint.resolved_on = resolved_on
    return record_save(record=complaint, actor=actor)
