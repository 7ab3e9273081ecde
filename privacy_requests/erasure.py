"""Erasure waits for any other open request about the person that covers their data
(access or portability): destroying what a subject access request covers is an offence."""

from retention.erasure import ERASURE_CHECKS

from .models import PrivacyRequest

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


ERASURE_CHECKS.append(_other_open_requests)
