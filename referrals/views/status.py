"""Moving a case through its statuses, and its six-monthly review. Each is a POST from the
case page; a move the case cannot make is explained and changes nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from centre.access import requires
from core.pages import form_page

from .. import services
from ..forms import CloseForm, DeclineForm, ReviewForm
from ..models import Case
from ..restrictions import case_write_refusal
from .common import CASE_FORM, case_url, refuse_while_restricted

Status = Case.Status

# What each move is called in the sentence "This case cannot be ... now".
_MOVE_NAMES = {
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "declined",
    Status.PRE_VISITS: "moved to pre-visits",
    Status.ACTIVE: "made active",
    Status.CLOSED: "closed",
}


def _refuse_unless_allowed(request, case, to_status):
    """The page offers only the moves the case can make, but it may be out of date:
    someone else may have moved the case since it was loaded. No move while the case's
    records are restricted."""
    if refusal := case_write_refusal(case):
        messages.error(request, refusal)
        return True
    if to_status in services.TRANSITIONS[case.status]:
        return False
    if to_status == Status.ACTIVE and case.status in services.ACTIVATE_FROM:
        return False  # through the statuses in between, when the records allow
    messages.error(
        request,
        f"This case is {case.get_status_display().lower()}, so it cannot be "
        f"{_MOVE_NAMES[to_status]} now. Nothing has changed.",
    )
    return True


def _report(request, error: ValidationError, headline=""):
    if headline:
        messages.error(request, headline)
    for message in error.messages:
        messages.error(request, message)


def _simple_move(request, pk, *, to_status, service, done):
    case = get_object_or_404(Case, pk=pk)
    if not _refuse_unless_allowed(request, case, to_status):
        try:
            service(case=case, actor=request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, done)
    return redirect(case_url(case, "status"))


@requires("referrals.change_case")
@require_POST
def case_accept(request, pk):
    return _simple_move(
        request,
        pk,
        to_status=Status.ACCEPTED,
        service=services.case_accept,
        done="The referral is accepted. Arrange the pre-visits next.",
    )


@requires("referrals.change_case")
@require_POST
def case_start_pre_visits(request, pk):
    return _simple_move(
        request,
        pk,
        to_status=Status.PRE_VISITS,
        service=services.case_start_pre_visits,
        done="The case is at the pre-visit stage.",
    )


@requires("referrals.change_case")
@require_POST
def case_activate(request, pk):
    case = get_object_or_404(Case, pk=pk)
    if not _refuse_unless_allowed(request, case, Status.ACTIVE):
        try:
            services.case_activate(case=case, actor=request.user)
        except ValidationError as error:
            _report(request, error, headline="The case cannot become active yet. Still to do:")
        else:
            messages.success(request, "The case is active: contact sessions can be booked.")
    return redirect(case_url(case, "status"))


def _move_with_form(request, pk, *, form_class, to_status, title, move, done, submit_label):
    """A move that needs a few words (and a date) first. Its form is on the case page;
    this page shows it again when something in it needs correcting."""
    case = get_object_or_404(Case, pk=pk)
    if _refuse_unless_allowed(request, case, to_status):
        return redirect(case_url(case, "status"))
    form = form_class(request.POST if request.method == "POST" else None)

    def on_valid(form):
        move(case, form.cleaned_data)
        messages.success(request, done)
        return case_url(case, "status")

    return form_page(
        request,
        form=form,
        title=f"{title}: {case}",
        template=CASE_FORM,
        case=case,
        back_url=case_url(case, "status"),
        on_valid=on_valid,
        submit_label=submit_label,
    )


@requires("referrals.change_case")
@require_http_methods(["GET", "POST"])
def case_decline(request, pk):
    return _move_with_form(
        request,
        pk,
        form_class=DeclineForm,
        to_status=Status.DECLINED,
        title="Decline the referral",
        move=lambda case, data: services.case_decline(
            case=case, reason=data["reason"], actor=request.user
        ),
        done="The referral is declined.",
        submit_label="Decline the referral",
    )


@requires("referrals.change_case")
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    return _move_with_form(
        request,
        pk,
        form_class=CloseForm,
        to_status=Status.CLOSED,
        title="Close the case",
        move=lambda case, data: services.case_close(
            case=case, closed_on=data["closed_on"], reason=data["reason"], actor=request.user
        ),
        done="The case is closed. Its retention period runs from the date closed.",
        submit_label="Close the case",
    )


@requires("referrals.change_case")
@require_http_methods(["GET", "POST"])
def case_review(request, pk):
    case = get_object_or_404(Case, pk=pk)
    if refused := refuse_while_restricted(request, case):
        return refused
    form = ReviewForm(request.POST if request.method == "POST" else None)

    def on_valid(form):
        case_reviewed = services.case_review_record(
            case=case, reviewed_on=form.cleaned_data["reviewed_on"], actor=request.user
        )
        messages.success(
            request,
            "The six-monthly review is recorded. The next is due on "
            f"{case_reviewed.next_review_on:%d/%m/%Y}.",
        )
        return case_url(case, "summary")

    return form_page(
        request,
        form=form,
        title=f"Record the six-monthly review: {case}",
        template=CASE_FORM,
        case=case,
        back_url=case_url(case, "summary"),
        on_valid=on_valid,
        submit_label="Record the review",
    )
