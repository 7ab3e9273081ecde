"""Erasure requests: the manager decides, for the person's own records, which go into
the disposal queue (for the usual approval) and which the centre must keep, and why.
Routes are in ``urlpatterns`` below; the outcome shows on the request's page
(``erasure_outcomes`` template tag)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from centre.access import requires
from retention.erasure import erasure_queue

from .models import PrivacyRequest

SUBJECTS = (
    ("adult", "subject_adult_id"),
    ("child", "subject_child_id"),
    ("staff-member", "subject_staff_member_id"),
)


def erasure_subject(privacy_request):
    """``(subject, id)`` of the person the request is about, or ``None``."""
    for subject, column in SUBJECTS:
        if getattr(privacy_request, column):
            return subject, getattr(privacy_request, column)
    return None


@requires("privacy_requests.decide_privacyrequest")
@require_POST
def erasure_decide(request, pk):
    privacy_request = get_object_or_404(PrivacyRequest, pk=pk)
    subject = erasure_subject(privacy_request)
    if privacy_request.right != PrivacyRequest.Right.ERASURE or not privacy_request.is_open:
        raise PermissionDenied("Only an open erasure request puts records in the queue.")
    back = redirect(reverse("privacy_requests:request_detail", args=[pk]))
    if subject is None:
        messages.error(request, "The person's records are no longer held: nothing to erase.")
        return back
    if privacy_request.identity_verified_on is None:
        # Erasing at the word of someone whose identity is unchecked could destroy the
        # records of a person who never asked.
        messages.error(
            request, "Record the identity check first: nothing is erased until it is done."
        )
        return back
    decisions = erasure_queue(
        request_reference=privacy_request.reference,
        subject=subject[0],
        subject_id=subject[1],
        actor=request.user,
    )
    queued = sum(1 for d in decisions if d.outcome == d.Outcome.QUEUED)
    kept = len(decisions) - queued
    messages.success(
        request,
        f"{queued} record{'' if queued == 1 else 's'} put in the disposal queue for your "
        f"approval; {kept} kept, with the exemption recorded below.",
    )
    return back


urlpatterns = [path("<int:pk>/erasure/", erasure_decide, name="erasure_decide")]
