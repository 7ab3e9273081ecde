"""Erasure requests: the manager decides, for the person's own records, which go into
the disposal queue (for the usual approval) and which the centre must keep, and why.
Routes are in ``urlpatterns`` below; the outcome shows on the request's page
(``erasure_outcomes`` template tag).

Deciding is confirmed first: the request page's button opens a page listing each record
that would be erased (with a link to look at it), what its disposal would destroy,
counted per kind of row and file, and what is kept; only a POST from that page, naming
the number of records it showed, decides. Any other click decides nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from centre.access import requires
from retention.erasure import erasure_plan, erasure_queue
from retention.models import QueueItem, Rule
from retention.schedule import Action
from retention.selectors import disposal_preview

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


def _confirmation(privacy_request, subject):
    """What deciding would do: the records that would go (each with the page to look at
    it), what their disposal would destroy, and the records kept with the reasons."""
    plan = erasure_plan(
        request_reference=privacy_request.reference, subject=subject[0], subject_id=subject[1]
    )
    rules = {rule.key: str(rule) for rule in Rule.objects.all()}
    erased, kept = [], []
    for erasable, record, ref, reasons in plan:
        row = {
            "kind": erasable.kind.replace("-", " ").capitalize(),
            "ref": ref,
            "rule": rules.get(erasable.rule(record), erasable.rule(record)),
            "summary": erasable.summary,
            "view_url": erasable.view_url(record) if erasable.view_url else None,
            "reasons": reasons,
        }
        (kept if reasons else erased).append(row)
    # Unsaved queue items: the disposal preview counts what approving them would destroy.
    items = [
        QueueItem(
            record_type=erasable.record_type,
            object_id=record.pk,
            action=Action.DISPOSE,
            rule=erasable.rule(record),
            kind=erasable.kind,
        )
        for erasable, record, ref, reasons in plan
        if not reasons
    ]
    return {"erased": erased, "kept": kept, "preview": disposal_preview(items)}


@requires("privacy_requests.decide_privacyrequest")
@require_http_methods(["GET", "POST"])
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
    shown = _confirmation(privacy_request, subject)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    changed = confirmed and request.POST.get("count") != str(len(shown["erased"]))
    if not confirmed or changed:
        return render(
            request,
            "privacy_requests/erasure_confirm.html",
            {"privacy_request": privacy_request, "changed": changed, **shown},
        )
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
