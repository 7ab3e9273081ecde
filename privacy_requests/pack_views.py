"""Finding a person for a privacy request, and the response pack: building it, reviewing
its redactions, releasing it, printing it and its PDF; and the portability export.

Staff prepare (privacy_requests.change_privacyrequest); only the manager releases
(privacy_requests.decide_privacyrequest). Search terms travel by POST only and are never
logged or stored: the audit trail records that a search was run, by whom, for which
request, and nothing of what was searched for.
"""

import hashlib
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from centre.access import requires
from centre.models import CentreProfile
from core import audit as audit_trail
from core.declarations import EXEMPTIONS

from . import finding
from .models import PrivacyRequest, ResponsePack
from .pack import (
    pack_build,
    pack_ready_to_release,
    pack_redact_phrase,
    pack_release,
    pack_review,
    pack_unredact,
    pack_withhold,
    portability_export,
    recipient_of,
    request_lawful_basis_record,
)
from .pack_pdf import pack_pdf

prepare = requires("privacy_requests.change_privacyrequest")
decide = requires("privacy_requests.decide_privacyrequest")


class FindForm(forms.Form):
    name = forms.CharField(
        required=False, max_length=200, help_text="First and last name, or their beginnings."
    )
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    email = forms.CharField(label="E-mail", required=False, max_length=254)
    phone = forms.CharField(required=False, max_length=40)
    postcode = forms.CharField(required=False, max_length=12)

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not finding.Terms(**cleaned_data):
            raise ValidationError("Give at least one thing to search by.")
        return cleaned_data

    def terms(self):
        return finding.Terms(**self.cleaned_data)


def _privacy_request(pk):
    return get_object_or_404(PrivacyRequest, pk=pk)


def _pack_of(privacy_request):
    return ResponsePack.objects.filter(request=privacy_request).first()


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


@prepare
@require_http_methods(["GET", "POST"])
def person_find(request, pk):
    privacy_request = _privacy_request(pk)
    # About a named person: the search starts from what the requester gave.
    form = FindForm(request.POST or None, initial=finding.terms_given(privacy_request))
    results = None
    if request.method == "POST" and form.is_valid():
        results = finding.person_find(form.terms())
        audit_trail.sensitive_read(
            request,
            "privacy request search",
            privacy_request.pk,
            line="privacy-request-search request={id} user={user}",
        )
    confirmed = finding.confirmed_records(privacy_request)
    ticked = {
        finding.record_key(row["link"].record_type, row["link"].object_id) for row in confirmed
    }
    subject = finding.subject_key(privacy_request)
    if subject:
        ticked.add(subject)
    return render(
        request,
        "privacy_requests/find.html",
        {
            "privacy_request": privacy_request,
            "form": form,
            "results": results,
            "ticked": ticked,
            "confirmed": confirmed,
        },
    )


@prepare
@require_POST
def person_confirm(request, pk):
    privacy_request = _privacy_request(pk)
    linked, unlinked = finding.request_records_confirm(
        request=privacy_request,
        shown=request.POST.getlist("shown"),
        chosen=request.POST.getlist("record"),
        actor=request.user,
    )
    messages.success(request, f"{linked} record(s) linked to the request, {unlinked} unlinked.")
    return redirect("privacy_requests:person_find", pk=privacy_request.pk)


@prepare
@require_safe
def pack_detail(request, pk):
    privacy_request = _privacy_request(pk)
    pack = _pack_of(privacy_request)
    template = "privacy_requests/pack_released.html" if pack and pack.is_released else None
    audit_trail.sensitive_read(
        request,
        "response pack",
        privacy_request.pk,
        line="response-pack-view request={id} user={user}",
    )
    return render(
        request,
        template or "privacy_requests/pack_review.html",
        {
            "privacy_request": privacy_request,
            "pack": pack,
            "has_records": privacy_request.records.exists(),
            "can_release": request.user.has_perm("privacy_requests.decide_privacyrequest"),
            **_review_choices(pack),
        },
    )


def _review_choices(pack):
    """The items the reviewer may withhold, and the confidential details still redacted
    (which only the manager may release, with a reason)."""
    if pack is None or pack.is_released:
        return {}
    withholdable, confidential = [], []
    for section in pack.sections:
        if section.get("information"):
            continue
        for item in section["items"]:
            where = f"{section['title']}: {item['label']}"
            if not item.get("withheld"):
                withholdable.append({"id": item["id"], "label": where})
            if item["confidential"] and item["redact"]:
                confidential.append({"id": item["id"], "label": f"{where} (all of it)"})
            for part in item["parts"]:
                if part["confidential"] and part["redact"] and not item["redact"]:
                    text = part["text"] if len(part["text"]) <= 40 else part["text"][:39] + "…"
                    confidential.append({"id": part["id"], "label": f"{where}: “{text}”"})
    return {
        "withholdable": withholdable,
        "confidential": confidential,
        "exemptions": list(EXEMPTIONS.items()),
    }


@prepare
@require_POST
def pack_build_view(request, pk):
    privacy_request = _privacy_request(pk)
    try:
        pack_build(request=privacy_request, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "The pack is built: review the redactions marked.")
    return redirect("privacy_requests:pack", pk=privacy_request.pk)


@prepare
@require_POST
def pack_review_view(request, pk):
    privacy_request = _privacy_request(pk)
    pack = get_object_or_404(ResponsePack, request=privacy_request)
    try:
        phrase = request.POST.get("phrase", "").strip()
        if phrase:
            count = pack_redact_phrase(pack=pack, phrase=phrase, actor=request.user)
            messages.success(request, f"Redacted in {count} place(s).")
        else:
            pack_review(
                pack=pack,
                items=[i for i in request.POST.getlist("item") if i.isdigit()],
                parts=[p for p in request.POST.getlist("part") if p.isdigit()],
                actor=request.user,
            )
            messages.success(request, "The redactions are saved.")
    except ValidationError as error:
        _errors(request, error)
    return redirect("privacy_requests:pack", pk=privacy_request.pk)


def _on_pack(request, pk, service, done, **arguments):
    """Run ``service`` on the request's pack with ``arguments``; say ``done`` or what was
    wrong, and go back to the pack."""
    privacy_request = _privacy_request(pk)
    pack = get_object_or_404(ResponsePack, request=privacy_request)
    try:
        service(pack=pack, actor=request.user, **arguments)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, done)
    return redirect("privacy_requests:pack", pk=privacy_request.pk)


@prepare
@require_POST
def pack_withhold_view(request, pk):
    return _on_pack(
        request,
        pk,
        pack_withhold,
        "The item is withheld, with its exemption recorded.",
        item_id=request.POST.get("item", ""),
        exemption=request.POST.get("exemption", ""),
    )


@decide
@require_POST
def pack_unredact_view(request, pk):
    return _on_pack(
        request,
        pk,
        pack_unredact,
        "The detail is released, with your reason recorded.",
        entry_id=request.POST.get("entry", ""),
        reason=request.POST.get("reason", ""),
    )


def _pack_version(pack):
    """A short fingerprint of the pack's content: the release confirmed is of the pack
    shown, not of one rebuilt or re-reviewed meanwhile."""
    content = json.dumps(pack.sections, sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def _release_summary(pack):
    """What leaves with the pack, section by section: items given, passages redacted,
    items withheld."""
    sections = []
    for section in pack.sections:
        items = section["items"]
        withheld = sum(1 for item in items if item.get("withheld") and item["redact"])
        sections.append(
            {
                "title": section["title"],
                "given": len(items) - withheld,
                "redacted": sum(
                    1
                    for item in items
                    if not item.get("withheld")
                    and (item["redact"] or any(part["redact"] for part in item["parts"]))
                ),
                "withheld": withheld,
            }
        )
    return sections


@decide
@require_http_methods(["GET", "POST"])
def pack_release_view(request, pk):
    """The first click shows what leaves, to whom and how; only a POST from that page with
    ``confirm`` for the pack it showed releases it. Anything else releases nothing."""
    privacy_request = _privacy_request(pk)
    pack = get_object_or_404(ResponsePack, request=privacy_request)
    if pack.is_released:
        return redirect("privacy_requests:pack", pk=privacy_request.pk)
    version = _pack_version(pack)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    changed = confirmed and request.POST.get("version") != version
    if confirmed and not changed:
        return _on_pack(
            request, pk, pack_release, "The pack is released and the disclosure recorded."
        )
    try:
        pack_ready_to_release(pack)
        stopped = []
    except ValidationError as error:
        stopped = error.messages
    sections = _release_summary(pack)
    return render(
        request,
        "privacy_requests/pack_release_confirm.html",
        {
            "privacy_request": privacy_request,
            "pack": pack,
            "version": version,
            "changed": changed,
            "stopped": stopped,
            "recipient": recipient_of(privacy_request),
            "records": privacy_request.records.order_by("kind", "label"),
            "sections": sections,
            "given": sum(section["given"] for section in sections),
            "withheld": sum(section["withheld"] for section in sections),
        },
    )


@prepare
@require_safe
def pack_print(request, pk):
    privacy_request = _privacy_request(pk)
    pack = _pack_of(privacy_request)
    if pack is None:
        return redirect("privacy_requests:pack", pk=privacy_request.pk)
    audit_trail.sensitive_read(
        request,
        "response pack",
        privacy_request.pk,
        line="response-pack-print request={id} user={user}",
    )
    return render(
        request,
        "privacy_requests/pack_print.html",
        {"privacy_request": privacy_request, "pack": pack, "centre": CentreProfile.objects.first()},
    )


@prepare
@require_safe
def pack_pdf_view(request, pk):
    privacy_request = _privacy_request(pk)
    pack = _pack_of(privacy_request)
    if pack is None:
        return redirect("privacy_requests:pack", pk=privacy_request.pk)
    centre = CentreProfile.objects.first()
    audit_trail.sensitive_read(
        request,
        "response pack pdf",
        privacy_request.pk,
        line="response-pack-pdf request={id} user={user}",
    )
    response = HttpResponse(
        pack_pdf(pack, centre_name=centre.name if centre else ""), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="response-{privacy_request.reference}.pdf"'
    )
    return response


@prepare
@require_POST
def request_lawful_basis_view(request, pk):
    privacy_request = _privacy_request(pk)
    try:
        request_lawful_basis_record(
            request=privacy_request,
            lawful_basis=request.POST.get("lawful_basis", ""),
            actor=request.user,
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "The lawful basis is recorded.")
    return redirect("privacy_requests:request_detail", pk=privacy_request.pk)


@decide
@require_POST
def portability_export_view(request, pk):
    privacy_request = _privacy_request(pk)
    try:
        text = portability_export(request=privacy_request, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("privacy_requests:pack", pk=privacy_request.pk)
    audit_trail.record(
        request, audit_trail.Action.EXPORT, kind="portability", object_id=privacy_request.pk
    )
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="records-{privacy_request.reference}.json"'
    )
    return response


urlpatterns = [
    path("<int:pk>/find/", person_find, name="person_find"),
    path("<int:pk>/find/confirm/", person_confirm, name="person_confirm"),
    path("<int:pk>/pack/", pack_detail, name="pack"),
    path("<int:pk>/pack/build/", pack_build_view, name="pack_build"),
    path("<int:pk>/pack/review/", pack_review_view, name="pack_review"),
    path("<int:pk>/pack/withhold/", pack_withhold_view, name="pack_withhold"),
    path("<int:pk>/pack/unredact/", pack_unredact_view, name="pack_unredact"),
    path("<int:pk>/pack/release/", pack_release_view, name="pack_release"),
    path("<int:pk>/pack/print/", pack_print, name="pack_print"),
    path("<int:pk>/pack.pdf", pack_pdf_view, name="pack_pdf"),
    path("<int:pk>/export.json", portability_export_view, name="portability_export"),
    path("<int:pk>/lawful-basis/", request_lawful_basis_view, name="request_lawful_basis"),
]
