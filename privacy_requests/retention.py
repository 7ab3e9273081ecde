"""The ``privacy-request`` hold: while a privacy request or complaint about a person is
open, nothing about them is disposed of (destroying data a subject access request
covers is an offence)."""

from retention.registry import HoldProvider, register_hold

from .models import PrivacyRequest


def _open_request_subjects():
    open_requests = PrivacyRequest.objects.open()
    return {
        "adult": open_requests.filter(subject_adult__isnull=False).values("subject_adult_id"),
        "child": open_requests.filter(subject_child__isnull=False).values("subject_child_id"),
        "staff-member": open_requests.filter(subject_staff_member__isnull=False).values(
            "subject_staff_member_id"
        ),
    }


register_hold(HoldProvider("privacy-request", _open_request_subjects, 3))
