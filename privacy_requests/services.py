"""Writes to the register of privacy requests and to complaints. Each is one transaction.

Every status move is checked against a table of the moves allowed, so a request cannot
be completed twice or reopened by a stale form; the model's ``clean`` then refuses what
no status may hold (a completion without a response, an extension without a reason).
Deciding a request (extending, completing, refusing) is the manager's: the views declare
it, and the services refuse anyone else as well.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from centre.services import record_save

from . import deadlines
from .models import Complaint, PrivacyRequest

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
    Status.AWAITING: {Status.IN_PROGRESS, Status.REFUSED},
    Status.IN_PROGRESS: {Status.AWAITING, Status.EXTENDED, Status.COMPLETED, Status.REFUSED},
    Status.EXTENDED: {Status.COMPLETED, Status.REFUSED},
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


def _end_pause(privacy_request, resumed_on):
    privacy_request.paused_days += (resumed_on - privacy_request.paused_since).days
    privacy_request.paused_since = None


def first_month_ends(privacy_request) -> datetime.date:
    """The end of the first month, by when a requester must be told of an extension:
    the statutory due date, later by any days the clock has already been paused."""
    return deadlines.due_date(privacy_request.received_on, paused_days=privacy_request.paused_days)


# Privacy requests


@transaction.atomic
def privacy_request_log(*, privacy_request: PrivacyRequest, actor) -> PrivacyRequest:
    """Enter a request on the register as received, with the clock running from the day
    it arrived."""
    if privacy_request.pk:
        raise ValidationError("This request is already on the register.")
    privacy_request.status = Status.RECEIVED
    privacy_request.logged_by = actor
    privacy_request.paused_days = 0
    privacy_request.paused_since = None
    privacy_request.label_subject()
    return record_save(record=privacy_request, actor=actor)


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


@transaction.atomic
def privacy_request_await(
    *, privacy_request: PrivacyRequest, asked_on: datetime.date, asked_for: str = "", actor
) -> PrivacyRequest:
    """The centre has asked for identification or clarification: the clock stops from
    ``asked_on`` until what was asked for arrives."""
    _move_request(privacy_request, Status.AWAITING)
    if asked_on is None:
        raise ValidationError({"asked_on": "Give the date it was asked for."})
    _not_future(asked_on, "asked_on", "The date it was asked for")
    _not_before(
        asked_on,
        privacy_request.received_on,
        "asked_on",
        "It cannot have been asked for before the request was received.",
    )
    privacy_request.paused_since = asked_on
    privacy_request._change_reason = (asked_for.strip() or "Waiting for the requester")[:100]
    return record_save(record=privacy_request, actor=actor)


@transaction.atomic
def privacy_request_resume(
    *, privacy_request: PrivacyRequest, received_on: datetime.date, actor
) -> PrivacyRequest:
    """What was asked for has arrived: the clock runs again, the deadline later by the
    days it stood still."""
    _move_request(privacy_request, Status.IN_PROGRESS)
    if received_on is None:
        raise ValidationError({"received_on": "Give the date it arrived."})
    _not_future(received_on, "received_on", "The date it arrived")
    _not_before(
        received_on,
        privacy_request.paused_since,
        "received_on",
        "It cannot have arrived before it was asked for "
        f"({date_format(privacy_request.paused_since, 'j F Y')}).",
    )
    _end_pause(privacy_request, received_on)
    privacy_request._change_reason = "The clock runs again"
    return record_save(record=privacy_request, actor=actor)


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
                    f"by {date_format(limit, 'j F Y')}. It is too late to extend this request."
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
    _move_request(privacy_request, Status.REFUSED)
    if privacy_request.paused_since is not None:
        _end_pause(privacy_request, _today())
    privacy_request.exemption = exemption or ""
    privacy_request.refusal_reason = (reason or "").strip()
    privacy_request.closed_on = _today()
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
