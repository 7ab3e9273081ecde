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
from ..selectors import case_for_tab, case_history, cases_for_list, pre_visits_by_adult
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


# The tabs of a case's page: (tab, URL name, label, template). The overview keeps the
# name ``case_detail``.
TABS = (
    ("overview", "referrals:case_detail", "Overview", "referrals/case_detail.html"),
    ("people", "referrals:case_people", "People", "referrals/case_people.html"),
    ("pre-visits", "referrals:case_pre_visits", "Pre-visits", "referrals/case_pre_visits.html"),
    ("sessions", "referrals:case_sessions", "Sessions and reports", "referrals/case_sessions.html"),
    ("records", "referrals:case_records", "Records", "referrals/case_records.html"),
    ("history", "referrals:case_history", "History", "referrals/case_history.html"),
)


def _moves(case, problems):
    """The statuses the case may move to now: ``active`` too from received or accepted
    when nothing stands in the way (the service passes through the steps between)."""
    moves = {str(status) for status in services.TRANSITIONS[case.status]}
    if case.status in services.ACTIVATE_FROM and not problems:
        moves.add(str(Case.Status.ACTIVE))
    return moves


def _next_step(user, case, moves, problems, review_state):
    """The one move the records allow next, for the header's primary button; None when
    there is none for this person."""
    Status = Case.Status
    change = user.has_perm("referrals.change_case")
    if change and Status.ACTIVE in moves and not problems:
        return {
            "label": "Make the case active",
            "url": reverse("referrals:case_activate", args=[case.pk]),
            "post": True,
            "status": "active",
            "why": "Both pre-visits are complete: the case can become active in one step.",
        }
    if change and case.status == Status.RECEIVED:
        return {
            "label": "Accept the referral",
            "url": reverse("referrals:case_accept", args=[case.pk]),
            "post": True,
            "status": "accepted",
        }
    if change and case.status == Status.ACCEPTED:
        return {
            "label": "Start pre-visits",
            "url": reverse("referrals:case_start_pre_visits", args=[case.pk]),
            "post": True,
            "status": "pre_visits",
        }
    if case.status == Status.PRE_VISITS:
        if not case.adults.all() and user.has_perm("referrals.add_adult"):
            return {
                "label": "Add an adult",
                "url": reverse("referrals:adult_create", args=[case.pk]),
            }
        if case.adults.all() and user.has_perm("referrals.add_previsit"):
            return {
                "label": "Record a pre-visit",
                "url": reverse("referrals:pre_visit_create", args=[case.pk]),
            }
    if case.status == Status.ACTIVE and review_state and change:
        return {"label": "Record the six-monthly review", "url": case_url(case, "review")}
    return None


def _case_tab(request, pk, tab, **context):
    """One tab of a case's page: the header (names, status, holds and restrictions, the
    next step), the tab bar, and what the tab shows, loaded by ``case_for_tab``."""
    case = case_for_tab(pk, tab)
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    audit.sensitive_read(request, "case", case.pk, line="case-view case={id} user={user}")
    problems = services.activation_problems(case) if case.status in services.ACTIVATE_FROM else []
    moves = _moves(case, problems)
    review_state = _review_state(case, timezone.localdate())
    user = request.user
    tabs = [
        {"label": label, "url": reverse(name, args=[case.pk]), "current": key == tab}
        for key, name, label, _template in TABS
        if key != "sessions" or user.has_perm("attendance.view_booking")
    ]
    template = next(template for key, _n, _l, template in TABS if key == tab)
    return render(
        request,
        template,
        {
            "case": case,
            "tab": tab,
            "tab_label": next(item["label"] for item in tabs if item["current"]),
            "tabs": tabs,
            "moves": moves,
            "activation_problems": problems,
            "review_state": review_state,
            "next_step": _next_step(user, case, moves, problems, review_state),
            **{name: value(case) if callable(value) else value for name, value in context.items()},
        },
    )


@requires("referrals.view_case")
def case_detail(request, pk):
    """The overview: summary, status, what is missing and the moves."""
    return _case_tab(
        request,
        pk,
        "overview",
        decline_form=DeclineForm(),
        close_form=CloseForm(),
        review_form=ReviewForm(),
    )


@requires("referrals.view_case")
def case_people(request, pk):
    """Adults, children and protective orders."""
    return _case_tab(request, pk, "people", pre_visits_by_adult=pre_visits_by_adult)


@requires("referrals.view_case")
def case_pre_visits(request, pk):
    return _case_tab(request, pk, "pre-visits", pre_visits_by_adult=pre_visits_by_adult)


@requires("referrals.view_case")
def case_sessions(request, pk):
    """Sessions and their reports, from attendance's part of the page."""
    return _case_tab(request, pk, "sessions")


@requires("referrals.view_case")
def case_records(request, pk):
    """The referral, consents, communications, documents and disclosures."""
    return _case_tab(request, pk, "records", referral=lambda case: getattr(case, "referral", None))


@requires("referrals.view_case")
def case_history_page(request, pk):
    """The status history and the change history."""
    return _case_tab(request, pk, "history", history=case_history)


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
