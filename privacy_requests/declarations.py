"""What privacy requests declare to the retention engine.

- The ``privacy-request`` hold: while a privacy request or a complaint about a person is
  open, nothing about them is disposed of (destroying data a subject access request
  covers is an offence). That is the person the request is about where the centre holds
  them, and every record staff confirmed for an open request (``RequestRecord``): an
  adult, a child or a staff member confirmed is held as such; any other record is held
  through the case or staff member it belongs to (a collection list holds its case).
- ``complaint``: a resolved complaint, a year after its outcome was given.
- ``privacy-request``: a closed request, two years after it was closed, with everything
  that cascades from it (its response pack, pauses and confirmed records) and the erasure
  decisions made under it. Two years covers a complaint about how it was answered, first
  to the centre and then to the ICO (within three months of the last contact, and the
  ICO's own handling), and lets the centre see an earlier request when judging whether a
  new one is manifestly unfounded or excessive.
- What goes with the person rather than the request: once the person a request or a
  restriction is about has been disposed of (their case, their erasure, their HR file),
  a restriction on them goes, and a response pack's copy of them is destroyed, keeping
  that it was released, when and by whom (``PURGED``).
"""

from functools import cache

from django.conf import settings
from django.db.models import Q

from core.declarations import (
    HoldProvider,
    Retainable,
    declarations,
    ids_in,
    own_reference,
    register_hold,
)
from core.purge import purge

from .models import Complaint, PrivacyRequest, RequestRecord

SUBJECTS = {
    "adult": "subject_adult_id",
    "child": "subject_child_id",
    "staff-member": "subject_staff_member_id",
}

# How far a confirmed record is followed to the case or staff member it belongs to
# (a report's recipient: its report, the report's booking, the booking's case).
MOST_STEPS = 3


def _subject_models():
    """The models the engine's subjects are, found through the request's own links."""
    meta = PrivacyRequest._meta
    adult = meta.get_field("subject_adult").related_model
    return {
        adult: "adult",
        meta.get_field("subject_child").related_model: "child",
        meta.get_field("subject_staff_member").related_model: "staff-member",
        adult._meta.get_field("case").related_model: "case",
    }


@cache
def paths_to_subjects(model) -> dict:
    """``{subject: [lookups]}`` from a record of ``model`` to each subject it belongs to,
    within ``MOST_STEPS`` links, through single-valued links only and never through a
    sign-in account (a record is not about the person who wrote it). A longer way is
    kept only while every shorter one may be empty: a report's recipient reaches its case
    through the adult it may be, and always through its report's booking."""
    targets = _subject_models()
    found = {targets[model]: ["pk"]} if model in targets else {}
    certain = set(found)  # subjects a way that is never empty already reaches
    seen, frontier = {model}, [(model, "", True)]
    for _step in range(MOST_STEPS):
        further, reached = [], set()
        for current, prefix, always in frontier:
            for link in current._meta.get_fields():
                if not (getattr(link, "concrete", False) and (link.many_to_one or link.one_to_one)):
                    continue
                related = link.related_model
                if related is None or related._meta.label == settings.AUTH_USER_MODEL:
                    continue
                path, sure = f"{prefix}{link.name}", always and not link.null
                subject = targets.get(related)
                if subject is not None and subject not in certain:
                    found.setdefault(subject, []).append(path)
                    if sure:
                        reached.add(subject)
                if related not in seen:
                    seen.add(related)
                    further.append((related, f"{path}__", sure))
        certain |= reached
        frontier = further
    return found


def _confirmed_subjects():
    """``{subject: [ids querysets]}`` for the records confirmed for open requests, one
    queryset per kind of record declared and subject it reaches."""
    confirmed = RequestRecord.objects.filter(request__status__in=PrivacyRequest.OPEN_STATUSES)
    held = {}
    for declaration in declarations.personal_data:
        model = declaration.model
        ids = confirmed.filter(record_type=declaration.record_type).values("object_id")
        for subject, paths in paths_to_subjects(model).items():
            for path in paths:
                rows = model._base_manager.filter(pk__in=ids, **{f"{path}__isnull": False})
                held.setdefault(subject, []).append(rows.order_by().values(path))
    return held


def _open_subjects():
    open_requests = PrivacyRequest.objects.open().order_by()
    open_complaints = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES).order_by()
    subjects = {
        subject: [
            open_requests.filter(**{f"{column}__isnull": False}).values(column),
            open_complaints.filter(**{f"{column}__isnull": False}).values(column),
        ]
        for subject, column in SUBJECTS.items()
    }
    for subject, querysets in _confirmed_subjects().items():
        subjects.setdefault(subject, []).extend(querysets)
    return {subject: first.union(*rest) for subject, (first, *rest) in subjects.items()}


register_hold(HoldProvider("privacy-request", _open_subjects, 3))


def _complaint_held(subjects):
    held = Q(pk__in=[])
    for subject, column in SUBJECTS.items():
        held |= ids_in(subjects, subject, column)
    return held


def _dispose(complaint):
    purge([complaint])


COMPLAINT_RETAINED = Retainable(
    kind="complaint",
    rule="complaint",
    records=lambda: Complaint.objects.filter(status=Complaint.Status.RESOLVED),
    clock="resolved_on",
    ref=own_reference("CO"),
    held=_complaint_held,
    dispose=_dispose,
    summary=lambda row: f"Complaint resolved on {row['resolved_on']:%d/%m/%Y}",
    summary_fields=("resolved_on",),
    label="Complaint",
)


def _requests_dispose(requests):
    """Closed requests disposed of together: each with its pack, pauses and confirmed
    records (they cascade) and the erasure decisions made under it (by its reference)."""
    from retention.models import ErasureDecision

    references = [request.reference for request in requests]
    purge([*requests, *ErasureDecision.objects.filter(request_reference__in=references)])


PRIVACY_REQUEST_RETAINED = Retainable(
    kind="privacy-request",
    rule="privacy-request",
    records=lambda: PrivacyRequest.objects.filter(closed_on__isnull=False),
    clock="closed_on",
    ref=own_reference("PR"),
    held=_complaint_held,
    dispose=lambda request: _requests_dispose([request]),
    dispose_many=_requests_dispose,
    summary=lambda row: (
        f"{PrivacyRequest.Right(row['right']).label.split(' (')[0]} request closed on "
        f"{row['closed_on']:%d/%m/%Y}"
    ),
    summary_fields=("right", "closed_on"),
    label="Privacy request",
)


def _gone_subject():
    """Requests and restrictions whose person (an adult, a child, a staff member) the
    centre held, and who has since been disposed of: every subject link is empty, and the
    reference of the person is still on it."""
    return (
        Q(subject_adult__isnull=True, subject_child__isnull=True)
        & Q(subject_staff_member__isnull=True)
        & ~Q(subject_label="")
    )


def forget_gone_subjects(doomed):
    """After a purge: the restrictions on a person now gone go too, and a response pack's
    copy of a person now gone is destroyed. Two queries whatever was purged; a purge of
    restrictions finds none left to forget."""
    from django.utils import timezone

    from .models import ResponsePack, Restriction

    restrictions = list(Restriction.objects.filter(_gone_subject()))
    if restrictions:
        purge(restrictions)
    ResponsePack.objects.filter(
        request__in=PrivacyRequest.objects.filter(_gone_subject()), copy_destroyed_on=None
    ).update(sections=[], copy_destroyed_on=timezone.localdate())


from core.declarations import PURGED  # noqa: E402

declarations.add(PURGED, forget_gone_subjects)


# Records ---------------------------------------------------------------------------------
#
# Each model of privacy_requests declared once (``core.declarations.Record``). A request,
# and what cascades from it, is about the very people whose data it covers: it goes under
# its own rule, with what cascades from it.

from core.declarations import Copy, GoesWith, Record, declare  # noqa: E402

# The people a request is about are named by reference ("AD-0003 of HC-2026-0001"): a
# request and what it decided are kept for their own period after the people have gone.
REQUEST_KEPT = "a request is kept two years after its closure, naming whom it was about"


def _mentions(field, kept=""):
    """Copies in ``field`` of the reference of whom it is about (see retention.traces)."""
    return tuple(
        Copy(field, of=of, holds="mention", kept=kept)
        for of in ("referrals.case", "referrals.adult", "referrals.child", "centre.staffmember")
    )


declare(
    Record(
        "privacy_requests.complaint",
        retention=(COMPLAINT_RETAINED,),
        read_by=("manager", "staff"),
        copies=_mentions("subject_label", kept="a complaint is kept for its own period"),
    )
)
declare(
    Record(
        "privacy_requests.privacyrequest",
        retention=(PRIVACY_REQUEST_RETAINED,),
        read_by=("manager", "staff"),
        copies=_mentions("subject_label", kept=REQUEST_KEPT),
    )
)
declare(
    Record(
        "privacy_requests.restriction",
        retention=GoesWith(
            "referrals.adult",
            "goes with the person it restricted (an adult or a child of a case, or a staff "
            "member), whatever disposes of them: it outlives the request it came from",
        ),
        read_by=("manager", "staff"),
        copies=_mentions("subject_label"),
    )
)
declare(
    Record(
        "privacy_requests.clarificationpause",
        retention=GoesWith("privacy_requests.privacyrequest", "cascades from its request"),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "privacy_requests.requestrecord",
        retention=GoesWith(
            "privacy_requests.privacyrequest",
            "cascades from its request; a record unticked when the finder's results are "
            "confirmed is deleted at once",
        ),
        read_by=("manager", "staff"),
        copies=(
            Copy("object_id", holds="key", type_field="record_type", kept=REQUEST_KEPT),
            *_mentions("label", kept=REQUEST_KEPT),
        ),
    )
)
declare(
    Record(
        "privacy_requests.responsepack",
        retention=GoesWith(
            "privacy_requests.privacyrequest",
            "cascades from its request (it holds a copy of all the pack gave the person); "
            "its copy is destroyed earlier if the person goes first, keeping that it was "
            "released, when and by whom",
        ),
        read_by=("manager", "staff"),
        # Its copy of the person goes with them (the PURGED hook above empties it).
        copies=(
            *_mentions("sections"),
            Copy("sections", of="referrals.adult", holds="name"),
        ),
    )
)


# Erasure ---------------------------------------------------------------------------------

# Erasure waits for any other open request about the person that covers their data
# (access or portability): destroying what a subject access request covers is an offence.

from core.declarations import ERASURE_CHECK  # noqa: E402

COLUMNS = {
    "adult": "subject_adult_id",
    "child": "subject_child_id",
    "staff-member": "subject_staff_member_id",
}
COVERING = (PrivacyRequest.Right.ACCESS, PrivacyRequest.Right.PORTABILITY)


def _other_open_requests(subject, subject_id, request_reference):
    column = COLUMNS.get(subject)
    if column is None:
        return []
    others = PrivacyRequest.objects.open().filter(right__in=COVERING, **{column: subject_id})
    return [
        f"{request.reference}, a request for a copy of their data, is still open"
        for request in others
        if request.reference != request_reference
    ]


declarations.add(ERASURE_CHECK, _other_open_requests)


# Hooks this app fills --------------------------------------------------------------------

from core.declarations import CASE_WRITE_GUARD, REGISTER_EXCLUSION  # noqa: E402

from .restrictions import case_write_refusal, restricted_case_ids  # noqa: E402

# While a restriction stands its case is read-only and its family off the register.
declarations.add(CASE_WRITE_GUARD, case_write_refusal)
declarations.add(REGISTER_EXCLUSION, restricted_case_ids)


# Home cards
# The manager's: requests due this week and overdue, complaints unacknowledged.
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD  # noqa: E402

from . import cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "privacy-requests",
        roles=("manager",),
        order=55,
        template="home/cards/privacy_requests.html",
        figures=cards.privacy_figures,
        counts=cards.privacy_counts,
    ),
)
