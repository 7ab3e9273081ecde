"""The case list and search, a new referral, the case page and its referral."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from centre.access import requires
from centre.downloads import file_download
from core import audit
from core.pages import form_page

from .. import services
from ..forms import CaseFilterForm, CaseSearchForm, CloseForm, DeclineForm, ReferralForm, ReviewForm
from ..models import Case, Referral
from ..selectors import case_for_page, case_history, cases_for_list, pre_visits_by_adult
from .common import CASE_FORM, case_url, refuse_while_restricted

CASES_PER_PAGE = 50


@requires("referrals.view_case")
@require_http_methods(["GET", "POST"])
def case_list(request):
    """Filters come by GET (they are not personal); a search term only ever by POST, so
    no name, date of birth or postcode ends up in a URL."""
    filters = CaseFilterForm(request.GET)
    cases = filters.filter(Case.objects.all())
    page_number = request.GET.get("page")
    term = ""
    if request.method == "POST":
        search = CaseSearchForm(request.POST)
        if search.is_valid():
            term = search.cleaned_data["term"]
            cases = cases.search(term)
            page_number = search.cleaned_data["page"]
    else:
        search = CaseSearchForm()
    page = Paginator(cases_for_list(cases), CASES_PER_PAGE).get_page(page_number)
    if term:
        # The term is personal data: the trail and its log say only that someone searched.
        results = page.paginator.count
        audit.sensitive_read(
            request,
            "case search",
            None,
            line="case-search user={user} results={results}",
            detail=f"{results} result(s)",
            results=results,
        )
    return render(
        request,
        "referrals/case_list.html",
        {
            "page": page,
            "filters": filters,
            "search": search,
            "term": term,
            "searching": bool(term),
        },
    )


@requires("referrals.add_case")
@require_http_methods(["GET", "POST"])
def case_create(request):
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ReferralForm(*data, instance=Referral(received_on=timezone.localdate()))

    def on_valid(form):
        case = services.case_create(referral=form.save(commit=False), actor=request.user)
        messages.success(request, f"The referral is recorded as case {case.reference}.")
        return case_url(case)

    return form_page(
        request,
        form=form,
        title="New referral",
        intro=(
            "Record the referral as it came in. Its source, the service asked for, any court "
            "order and Cafcass involvement decide how long the case is kept."
        ),
        back_url=reverse("referrals:case_list"),
        on_valid=on_valid,
        submit_label="Record the referral",
    )


def _review_state(case, today):
    if case.status != Case.Status.ACTIVE or not case.next_review_on:
        return ""
    if case.next_review_on < today:
        return "overdue"
    if case.next_review_on == today:
        return "due"
    return ""


@requires("referrals.view_case")
def case_detail(request, pk):
    case = case_for_page(pk)
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    audit.sensitive_read(request, "case", case.pk, line="case-view case={id} user={user}")
    today = timezone.localdate()
    moves = {str(status) for status in services.TRANSITIONS[case.status]}
    activation_problems = services.activation_problems(case) if Case.Status.ACTIVE in moves else []
    return render(
        request,
        "referrals/case_detail.html",
        {
            "case": case,
            "referral": getattr(case, "referral", None),
            "pre_visits_by_adult": pre_visits_by_adult(case),
            "history": case_history(case),
            "moves": moves,
            "activation_problems": activation_problems,
            "review_state": _review_state(case, today),
            "decline_form": DeclineForm(),
            "close_form": CloseForm(),
            "review_form": ReviewForm(),
        },
    )


@requires("referrals.change_referral")
@require_http_methods(["GET", "POST"])
def referral_edit(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("case"), case_id=pk)
    if refused := refuse_while_restricted(request, referral.case):
        return refused
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ReferralForm(*data, instance=referral)

    def on_valid(form):
        referral = services.referral_update(referral=form.save(commit=False), actor=request.user)
        messages.success(
            request,
            "The referral is saved. Retention: "
            f"{referral.case.get_retention_rule_display().lower()}.",
        )
        return case_url(referral.case, "referral")

    return form_page(
        request,
        form=form,
        title=f"Edit the referral: {referral.case}",
        intro="Changing the source, the service, the court order or Cafcass involvement "
        "may change how long the case is kept.",
        template=CASE_FORM,
        case=referral.case,
        back_url=case_url(referral.case, "referral"),
        on_valid=on_valid,
    )


@requires("referrals.view_referral")
def court_order_download(request, pk):
    referral = get_object_or_404(Referral, case_id=pk)
    return file_download(request, referral, "court_order_copy", "court-order")
