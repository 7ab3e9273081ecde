"""What privacy requests declare to the retention engine.

- The ``privacy-request`` hold: while a privacy request or a complaint about a person is
  open, nothing about them is disposed of (destroying data a subject access request
  covers is an offence).
- ``complaint``: a resolved complaint, a year after its outcome was given.
"""

from django.db.models import Q

from retention.purge import purge
from retention.registry import (
    HoldProvider,
    Retainable,
    ids_in,
    own_reference,
    register,
    register_hold,
)

from .models import Complaint, PrivacyRequest

SUBJECTS = {
    "adult": "subject_adult_id",
    "child": "subject_child_id",
    "staff-member": "subject_staff_member_id",
}


def _open_subjects():
    open_requests = PrivacyRequest.objects.open()
    open_complaints = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES)
    return {
        subject: open_requests.filter(**{f"{column}__isnull": False})
        .values(column)
        .union(open_complaints.filter(**{f"{column}__isnull": False}).values(column))
        for subject, column in SUBJECTS.items()
    }


register_hold(HoldProvider("privacy-request", _open_subjects, 3))


def _complaint_held(subjects):
    held = Q(pk__in=[])
    for subject, column in SUBJECTS.items():
        held |= ids_in(subjects, subject, column)
    return held


def _dispose(complaint):
    purge([complaint])


register(
    Retainable(
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
)
