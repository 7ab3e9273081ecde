"""The disclosure log and the privacy notice's versions.

Disclosures are added by hand from a case page (``?case=<display reference>``, and
``person_kind``/``person_id`` when the link is beside one person): references, never
names, travel in the URL. Opened from the log, the family or person is found by name
with the person picker.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_safe

from .access import requires
from .disclosures import disclosure_log, disclosure_record, notice_version_publish
from .forms import DisclosureFilterForm, DisclosureForm, PrivacyNoticeVersionForm
from .models import Disclosure, PrivacyNoticeVersion, person_reference

DISCLOSURES_PER_PAGE = 50


def _person_of(params):
    """``(kind, id)`` from a query string, or None when it names no person properly."""
    kind = params.get("person_kind", "")
    person_id = params.get("person_id", "")
    if kind in Disclosure.PersonKind.values and person_id.isdigit() and int(person_id) > 0:
        return kind, int(person_id)
    return None


def _safe_next(request):
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def log_url(*, case_reference="", person=None):
    query = {}
    if case_reference:
        query["case"] = case_reference
    if person:
        query.update(person_kind=person[0], person_id=person[1])
    url = reverse("centre:disclosure_list")
    return f"{url}?{urlencode(query)}" if query else url


@requires("centre.view_disclosure")
@require_safe
def disclosure_list(request):
    filter_form = DisclosureFilterForm(request.GET or None)
    case_reference = filter_form.cleaned_data["case"].strip() if filter_form.is_valid() else ""
    person = _person_of(request.GET)
    disclosures = disclosure_log(
        case_reference=case_reference,
        person_kind=person[0] if person else "",
        person_id=person[1] if person else None,
    )
    page = Paginator(disclosures, DISCLOSURES_PER_PAGE).get_page(request.GET.get("page"))
    filters = {key: value for key, value in request.GET.items() if key != "page"}
    return render(
        request,
        "centre/disclosure_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "case_reference": case_reference,
            "person_label": person_reference(*person, case_reference) if person else "",
            "page_query": urlencode(filters),
            "add_url": (
                reverse("centre:disclosure_create") + "?" + urlencode({"case": case_reference})
                if case_reference
                else reverse("centre:disclosure_create")
            ),
        },
    )


@requires("centre.add_disclosure")
@require_http_methods(["GET", "POST"])
def disclosure_create(request):
    case_reference = request.GET.get("case", "").strip()[:64]
    person = _person_of(request.GET)
    back_url = _safe_next(request) or log_url(case_reference=case_reference)
    now = timezone.now().replace(second=0, microsecond=0)
    form = DisclosureForm(
        request.POST or None,
        initial={"case_reference": case_reference, "disclosed_at": now},
        # Opened from the log, not from a case's page: the family or person is found.
        choose=not case_reference,
    )
    if request.method == "POST" and form.is_valid():
        disclosure = form.save(commit=False)
        if person:
            disclosure.person_kind, disclosure.person_id = person
            disclosure.person_label = person_reference(*person, disclosure.case_reference)
        disclosure_record(disclosure=disclosure, actor=request.user)
        messages.success(request, "The disclosure is recorded.")
        return redirect(back_url)
    about = person_reference(*person, case_reference) if person else case_reference
    return render(
        request,
        "centre/disclosure_form.html",
        {"form": form, "about": about, "back_url": back_url},
    )


@requires("centre.add_privacynoticeversion")
@require_http_methods(["GET", "POST"])
def notice_version_list(request):
    form = PrivacyNoticeVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = notice_version_publish(version=form.save(commit=False), actor=request.user)
        messages.success(request, f"{version} is recorded.")
        return redirect("centre:notice_version_list")
    return render(
        request,
        "centre/notice_version_list.html",
        {
            "form": form,
            "versions": PrivacyNoticeVersion.objects.select_related("created_by"),
            "current": PrivacyNoticeVersion.current(),
        },
    )


urlpatterns = [
    path("disclosures/", disclosure_list, name="disclosure_list"),
    path("disclosures/new/", disclosure_create, name="disclosure_create"),
    path("privacy-notice/versions/", notice_version_list, name="notice_version_list"),
]
