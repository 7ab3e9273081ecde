"""The register of privacy requests with its statutory clock, and complaints.

Staff log and prepare a request; the manager decides it (extends, completes, refuses).
Every action on a request or complaint is a POST to its own URL, declared with the one
permission it needs, so the URL access tests walk each. Requests and complaints go by id
and people by reference: no URL or register row carries a name.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from centre.access import requires, rule_of
from centre.models import CentreProfile
from core.pages import add_service_errors, form_page

from . import forms, services
from .models import Complaint, PrivacyRequest
from .selectors import OPEN, WEEK, complaints_unacknowledged, due_this_week, overdue

PER_PAGE = 50

VIEW = "privacy_requests.view_privacyrequest"
ADD = "privacy_requests.add_privacyrequest"
CHANGE = "privacy_requests.change_privacyrequest"
DECIDE = services.DECIDE
VIEW_COMPLAINT = "privacy_requests.view_complaint"
ADD_COMPLAINT = "privacy_requests.add_complaint"
CHANGE_COMPLAINT = "privacy_requests.change_complaint"

Status = PrivacyRequest.Status

# The register's filters (the manager's home card counts the first two: selectors).
REQUEST_FILTERS = {
    "week": ("Due this week", due_this_week),
    "overdue": ("Overdue", overdue),
    "open": ("Open", lambda today: Q(status__in=OPEN)),
    "closed": ("Closed", lambda today: ~Q(status__in=OPEN)),
}

COMPLAINT_FILTERS = {
    "unacknowledged": ("Not acknowledged within 30 days", complaints_unacknowledged),
    "open": ("Open", lambda today: Q(status__in=Complaint.OPEN_STATUSES)),
    "resolved": ("Outcome given", lambda today: Q(status=Complaint.Status.RESOLVED)),
}


def _filtered(request, queryset, filters, today):
    show = request.GET.get("show", "")
    if show in filters:
        queryset = queryset.filter(filters[show][1](today))
    else:
        show = ""
    return queryset, show


def _filter_links(filters, show):
    links = [{"key": "", "label": "All", "current": show == ""}]
    for key, (label, _q) in filters.items():
        links.append({"key": key, "label": label, "current": show == key})
    return links


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# The register


@requires(VIEW)
@require_safe
def register(request):
    """Open requests first, soonest deadline first; then the closed ones. Three queries
    whatever its length: every row's subject is the stored reference, never a join, and
    the clarification pauses behind each deadline come in one more."""
    today = timezone.localdate()
    requests = (
        PrivacyRequest.objects.annotate(
            closed=Case(When(status__in=OPEN, then=Value(0)), default=Value(1))
        )
        .prefetch_related("pauses")
        .order_by("closed", "due_on", "pk")
    )
    requests, show = _filtered(request, requests, REQUEST_FILTERS, today)
    page = _page(request, requests)
    for row in page.object_list:
        running = row.is_open and not row.clock_stopped
        row.overdue = running and row.due_on < today
        row.due_soon = running and today <= row.due_on <= today + WEEK
        if row.is_open:
            row.current_due = row.current_due_on(today)
            row.steps = row.deadline_steps(today)
    return render(
        request,
        "privacy_requests/register.html",
        {
            "page": page,
            "show": show,
            "filters": _filter_links(REQUEST_FILTERS, show),
            "heading": REQUEST_FILTERS[show][0] if show else "",
            "today": today,
        },
    )


def _subject_from(request):
    """The person a "Log a privacy request" link names (``?adult=``, ``?child=`` or
    ``?staff=``), or None for a free choice."""
    for name, (param, _prefix) in forms.SUBJECT_CHOICES.items():
        value = request.GET.get(param)
        if value:
            if not value.isdigit():
                raise Http404
            person = get_object_or_404(forms.subject_model(name), pk=value)
            return param, person
    return None


def _log_page(request, *, form, log, title, intro, back_url, done):
    """Log what the form holds through ``log`` (a service), then go to the record's page
    saying ``done(record)``."""

    def on_valid(form):
        record = log(form.save(commit=False))
        messages.success(request, done(record))
        return record_url(record)

    return form_page(
        request,
        form=form,
        on_valid=on_valid,
        title=title,
        intro=intro,
        back_url=back_url,
        submit_label=title,
    )


def record_url(record):
    if isinstance(record, Complaint):
        return reverse("privacy_requests:complaint_detail", args=[record.pk])
    return reverse("privacy_requests:request_detail", args=[record.pk])


def _about(subject):
    if subject is None:
        return ""
    kind, person = subject
    prefix = dict(forms.SUBJECT_CHOICES.values())[kind]
    return forms.reference_of(prefix, person)


@requires(ADD)
@require_http_methods(["GET", "POST"])
def request_create(request):
    subject = _subject_from(request)
    form = forms.PrivacyRequestForm(
        request.POST if request.method == "POST" else None,
        subject=subject,
        initial={"received_on": timezone.localdate()},
    )
    about = _about(subject)
    return _log_page(
        request,
        form=form,
        log=lambda record: services.privacy_request_log(privacy_request=record, actor=request.user),
        title="Log a privacy request",
        intro=(f"About {about}. " if about else "")
        + "The clock starts on the day the request was received. Staff log and prepare "
        "requests; the centre manager decides them.",
        back_url=reverse("privacy_requests:register"),
        done=lambda record: (
            f"Privacy request {record.reference} is on the register. It is due by "
            f"{date_format(record.due_on, 'j F Y')}."
        ),
    )


def _timeline(record):
    """The record's history, oldest first: who changed what, and when."""
    entries = []
    previous = None
    history = record.history.select_related("history_user").order_by("history_date", "history_id")
    labels = {field.name: field.verbose_name for field in record._meta.fields}
    for entry in history:
        if previous is None:
            changed = []
        else:
            changed = [
                str(labels.get(change.field, change.field))
                for change in entry.diff_against(previous).changes
                if change.field not in ("subject_label",)
            ]
        entries.append(
            {
                "when": entry.history_date,
                "user": entry.history_user,
                "status": entry.get_status_display(),
                "action": "Logged" if entry.history_type == "+" else "Changed",
                "changed": changed,
                "reason": entry.history_change_reason or "",
            }
        )
        previous = entry
    return entries


# The actions on a request, each a POST to its own URL.


@dataclass(frozen=True)
class Action:
    name: str
    form_class: type
    permission: str
    heading: str
    submit: str
    is_available: Callable
    run: Callable  # (record, cleaned_data, actor) -> the success message
    names: dict | None = None
    for_complaint: bool = False


def _due(record):
    return date_format(record.due_on, "j F Y")


REQUEST_ACTIONS = [
    Action(
        "verify",
        forms.VerifyIdentityForm,
        CHANGE,
        "Record the identity check",
        "Record the identity check",
        lambda r: r.is_open,
        lambda r, data, actor: (
            services.privacy_request_verify_identity(
                privacy_request=r,
                evidence=data["evidence"],
                verified_on=data["verified_on"],
                actor=actor,
            )
            and "The identity check is recorded with your name."
        ),
        {"identity_evidence": "evidence", "identity_verified_on": "verified_on"},
    ),
    Action(
        "start",
        forms.StartForm,
        CHANGE,
        "Start work on the request",
        "Start work",
        lambda r: r.status == Status.RECEIVED,
        lambda r, data, actor: (
            services.privacy_request_start(privacy_request=r, actor=actor)
            and f"Work on {r.reference} has started. It is due by {_due(r)}."
        ),
    ),
    Action(
        "ask_identity",
        forms.AskIdentityForm,
        CHANGE,
        "Ask for evidence of identity",
        "Record that identity was asked for",
        lambda r: r.is_open and not r.awaiting_identity,
        lambda r, data, actor: (
            services.privacy_request_ask_identity(
                privacy_request=r, asked_on=data["asked_on"], actor=actor
            )
            and "Identity evidence is asked for. The month starts again on the day it arrives."
        ),
        {"identity_requested_on": "asked_on"},
    ),
    Action(
        "identity_received",
        forms.IdentityReceivedForm,
        CHANGE,
        "The identity evidence has arrived",
        "Start the month from then",
        lambda r: r.is_open and r.awaiting_identity,
        lambda r, data, actor: (
            services.privacy_request_identity_received(
                privacy_request=r, received_on=data["received_on"], actor=actor
            )
            and f"The month starts again from {date_format(r.identity_received_on, 'j F Y')}. "
            f"{r.reference} is due by {_due(r)}."
        ),
        {"identity_received_on": "received_on"},
    ),
    # Their URLs keep the names "await" and "resume" they had before Article 12A.
    Action(
        "await",
        forms.AwaitForm,
        CHANGE,
        "Ask the requester to clarify their request",
        "Stop the clock",
        lambda r: r.is_open and r.open_pause is None,
        lambda r, data, actor: (
            services.privacy_request_ask_clarification(
                privacy_request=r,
                asked_on=data["asked_on"],
                asked_for=data["asked_for"],
                actor=actor,
            )
            and f"The clock is stopped from {date_format(data['asked_on'], 'j F Y')} until "
            "the answer arrives."
        ),
    ),
    Action(
        "resume",
        forms.ResumeForm,
        CHANGE,
        "The answer to the clarification has arrived",
        "Start the clock again",
        lambda r: r.is_open and r.open_pause is not None,
        lambda r, data, actor: (
            services.privacy_request_clarification_answered(
                privacy_request=r, answered_on=data["answered_on"], actor=actor
            )
            and f"The clock runs again. {r.reference} is now due by {_due(r)}."
        ),
    ),
    Action(
        "extend",
        forms.ExtendForm,
        DECIDE,
        "Extend a complex request",
        "Extend by two months",
        lambda r: r.status != Status.AWAITING and services.can_move(r, Status.EXTENDED),
        lambda r, data, actor: (
            services.privacy_request_extend(
                privacy_request=r, reason=data["reason"], told_on=data["told_on"], actor=actor
            )
            and f"{r.reference} is extended. It is now due by {_due(r)}."
        ),
        {"extension_reason": "reason", "requester_told_of_extension_on": "told_on"},
    ),
    Action(
        "complete",
        forms.CompleteForm,
        DECIDE,
        "Complete the request",
        "Complete the request",
        lambda r: services.can_move(r, Status.COMPLETED),
        lambda r, data, actor: (
            services.privacy_request_complete(
                privacy_request=r, response=data["response"], actor=actor
            )
            and f"{r.reference} is completed."
        ),
    ),
    Action(
        "refuse",
        forms.RefuseForm,
        DECIDE,
        "Refuse the request",
        "Refuse the request",
        lambda r: services.can_move(r, Status.REFUSED),
        lambda r, data, actor: (
            services.privacy_request_refuse(
                privacy_request=r,
                exemption=data["exemption"],
                reason=data["reason"],
                actor=actor,
            )
            and f"{r.reference} is refused, relying on: {r.get_exemption_display()}."
        ),
        {"refusal_reason": "reason"},
    ),
    Action(
        "child",
        forms.ChildForm,
        CHANGE,
        "The child's view",
        "Record the child's view",
        lambda r: (
            r.is_open
            and not r.made_by_subject
            and bool(r.subject_child_id or r.is_about_a_named_person)
        ),
        lambda r, data, actor: (
            services.privacy_request_record_child(
                privacy_request=r,
                child_age=data["child_age"],
                child_competent=data["child_competent"],
                child_agreed=data["child_agreed"],
                best_interests=data["best_interests"],
                actor=actor,
            )
            and "What was decided for the child is recorded."
        ),
    ),
    Action(
        "no_data",
        forms.NoDataForm,
        DECIDE,
        "Answer: no data held",
        "Answer that no data is held",
        lambda r: (
            services.can_move(r, Status.COMPLETED)
            and r.is_about_a_named_person
            and not r.records.exists()
        ),
        lambda r, data, actor: (
            services.privacy_request_answer_no_data(
                privacy_request=r, proof_reference=data["proof_reference"], actor=actor
            )
            and f"{r.reference} is answered: no data held, citing the proof of disposal of "
            f"{r.disposal_proof.ref}."
        ),
        {"disposal_proof": "proof_reference"},
    ),
]

ComplaintStatus = Complaint.Status


def _acknowledged_message(complaint, data, actor):
    services.complaint_acknowledge(
        complaint=complaint, acknowledged_on=data["acknowledged_on"], actor=actor
    )
    if services.acknowledged_late(complaint):
        return (
            f"The acknowledgement of {complaint.reference} is recorded, but it is late: "
            f"complaints must be acknowledged within 30 days, by "
            f"{date_format(complaint.acknowledge_by, 'j F Y')}."
        )
    return f"The acknowledgement of {complaint.reference} is recorded."


COMPLAINT_ACTIONS = [
    Action(
        "acknowledge",
        forms.AcknowledgeForm,
        CHANGE_COMPLAINT,
        "Acknowledge the complaint",
        "Record the acknowledgement",
        lambda c: services.can_move(c, ComplaintStatus.ACKNOWLEDGED),
        _acknowledged_message,
        for_complaint=True,
    ),
    Action(
        "investigation",
        forms.InvestigationForm,
        CHANGE_COMPLAINT,
        "Record the investigation",
        "Record what was found",
        lambda c: services.can_move(c, ComplaintStatus.INVESTIGATING),
        lambda c, data, actor: (
            services.complaint_record_investigation(
                complaint=c, investigation=data["investigation"], actor=actor
            )
            and "What the investigation found is recorded."
        ),
        for_complaint=True,
    ),
    Action(
        "resolve",
        forms.ResolveForm,
        CHANGE_COMPLAINT,
        "Give the outcome",
        "Record the outcome",
        lambda c: services.can_move(c, ComplaintStatus.RESOLVED),
        lambda c, data, actor: (
            services.complaint_resolve(
                complaint=c, outcome=data["outcome"], resolved_on=data["resolved_on"], actor=actor
            )
            and f"The outcome of {c.reference} is recorded. Print the outcome letter to send it."
        ),
        for_complaint=True,
    ),
]


def _action_forms(user, record, actions, bound=None):
    shown = []
    for action in actions:
        if not user.has_perm(action.permission) or not action.is_available(record):
            continue
        form = bound if bound is not None and bound.prefix == action.name else None
        form = form or action.form_class(prefix=action.name)
        kind = "complaint" if action.for_complaint else "request"
        url_name = f"privacy_requests:{kind}_{action.name}"
        shown.append(
            {
                "action": action,
                "form": form,
                "url": reverse(url_name, args=[record.pk]),
            }
        )
    return shown


def _get_request(pk):
    return get_object_or_404(
        PrivacyRequest.objects.select_related(
            "subject_adult", "subject_child", "identity_verified_by", "logged_by", "disposal_proof"
        ).prefetch_related("pauses"),
        pk=pk,
    )


def _get_complaint(pk):
    return get_object_or_404(
        Complaint.objects.select_related("subject_adult", "subject_child", "logged_by"), pk=pk
    )


# The pages the other parts of the register keep for a request (finding the person, the
# response pack), linked by name and shown only to those their own rules admit.
REQUEST_PAGES = [
    ("privacy_requests:person_find", "Find everything held about the person", None),
    (
        "privacy_requests:pack",
        "The response pack",
        {PrivacyRequest.Right.ACCESS, PrivacyRequest.Right.PORTABILITY},
    ),
]


def _request_pages(user, privacy_request):
    links = []
    for name, label, rights in REQUEST_PAGES:
        if rights and privacy_request.right not in rights:
            continue
        try:
            url = reverse(name, args=[privacy_request.pk])
        except NoReverseMatch:
            continue
        rule = rule_of(resolve(url).func)
        if rule is not None and rule.allows(user):
            links.append({"label": label, "url": url})
    return links


def _request_page(request, privacy_request, bound=None):
    today = timezone.localdate()
    current_due_on = privacy_request.current_due_on(today)
    clock_stopped = privacy_request.clock_stopped
    return render(
        request,
        "privacy_requests/request_detail.html",
        {
            "privacy_request": privacy_request,
            "today": today,
            "current_due_on": current_due_on,
            "first_month_ends": services.first_month_ends(privacy_request, today),
            "clock_stopped": clock_stopped,
            "open_pause": privacy_request.open_pause,
            "pauses": privacy_request.pauses.all(),
            "deadline_steps": privacy_request.deadline_steps(today),
            "overdue": privacy_request.is_open and not clock_stopped and current_due_on < today,
            "days_left": (current_due_on - today).days,
            "timeline": _timeline(privacy_request),
            "actions": _action_forms(request.user, privacy_request, REQUEST_ACTIONS, bound),
            "pages": _request_pages(request.user, privacy_request),
        },
    )


def _complaint_page(request, complaint, bound=None):
    today = timezone.localdate()
    return render(
        request,
        "privacy_requests/complaint_detail.html",
        {
            "complaint": complaint,
            "today": today,
            "acknowledgement_overdue": complaint.status == ComplaintStatus.RECEIVED
            and complaint.acknowledge_by < today,
            "acknowledged_late": services.acknowledged_late(complaint),
            "timeline": _timeline(complaint),
            "actions": _action_forms(request.user, complaint, COMPLAINT_ACTIONS, bound),
        },
    )


@requires(VIEW)
@require_safe
def request_detail(request, pk):
    return _request_page(request, _get_request(pk))


def _action_view(action):
    get_record, show_page = (
        (_get_complaint, _complaint_page) if action.for_complaint else (_get_request, _request_page)
    )

    def view(request, pk):
        record = get_record(pk)
        form = action.form_class(request.POST, prefix=action.name)
        if form.is_valid():
            try:
                message = action.run(record, form.cleaned_data, request.user)
            except ValidationError as error:
                add_service_errors(form, error, action.names)
            else:
                messages.success(request, message)
                return redirect(record_url(record))
        # Nothing was saved: show the record as it stands, with the refusal.
        record = get_record(pk)
        if not action.is_available(record):
            messages.error(request, " ".join(form.non_field_errors()) or "Nothing was changed.")
            return redirect(record_url(record))
        return show_page(request, record, bound=form)

    kind = "complaint" if action.for_complaint else "request"
    view.__name__ = view.__qualname__ = f"{kind}_{action.name}"
    view.__doc__ = f"{action.heading} (POST only)."
    return requires(action.permission)(require_POST(view))


# Complaints


@requires(VIEW_COMPLAINT)
@require_safe
def complaint_list(request):
    today = timezone.localdate()
    complaints = Complaint.objects.annotate(
        closed=Case(When(status__in=Complaint.OPEN_STATUSES, then=Value(0)), default=Value(1))
    ).order_by("closed", "received_on", "pk")
    complaints, show = _filtered(request, complaints, COMPLAINT_FILTERS, today)
    page = _page(request, complaints)
    for row in page.object_list:
        row.acknowledgement_overdue = (
            row.status == ComplaintStatus.RECEIVED and row.acknowledge_by < today
        )
        row.acknowledged_late = services.acknowledged_late(row)
    return render(
        request,
        "privacy_requests/complaint_list.html",
        {
            "page": page,
            "show": show,
            "filters": _filter_links(COMPLAINT_FILTERS, show),
            "heading": COMPLAINT_FILTERS[show][0] if show else "",
        },
    )


@requires(ADD_COMPLAINT)
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    subject = _subject_from(request)
    form = forms.ComplaintForm(
        request.POST if request.method == "POST" else None,
        subject=subject,
        initial={"received_on": timezone.localdate()},
    )
    about = _about(subject)
    return _log_page(
        request,
        form=form,
        log=lambda record: services.complaint_log(complaint=record, actor=request.user),
        title="Log a complaint",
        intro=(f"About {about}. " if about else "")
        + "A formal complaint about how the centre uses someone's personal data. It must "
        "be acknowledged within 30 days.",
        back_url=reverse("privacy_requests:complaint_list"),
        done=lambda record: (
            f"Complaint {record.reference} is logged. Acknowledge it by "
            f"{date_format(record.acknowledge_by, 'j F Y')}."
        ),
    )


@requires(VIEW_COMPLAINT)
@require_safe
def complaint_detail(request, pk):
    return _complaint_page(request, _get_complaint(pk))


@requires(VIEW_COMPLAINT)
@require_safe
def complaint_letter(request, pk):
    """The outcome letter, printable, stating the right to complain to the ICO."""
    complaint = _get_complaint(pk)
    if complaint.status != ComplaintStatus.RESOLVED:
        messages.info(request, "The outcome letter is ready once the outcome is recorded.")
        return redirect(record_url(complaint))
    return render(
        request,
        "privacy_requests/complaint_letter.html",
        {"complaint": complaint, "centre": CentreProfile.load()},
    )


urlpatterns = [
    path("", register, name="register"),
    path("new/", request_create, name="request_create"),
    path("<int:pk>/", request_detail, name="request_detail"),
    *(
        path(f"<int:pk>/{action.name}/", _action_view(action), name=f"request_{action.name}")
        for action in REQUEST_ACTIONS
    ),
    path("complaints/", complaint_list, name="complaint_list"),
    path("complaints/new/", complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/letter/", complaint_letter, name="complaint_letter"),
    *(
        path(
            f"complaints/<int:pk>/{action.name}/",
            _action_view(action),
            name=f"complaint_{action.name}",
        )
        for action in COMPLAINT_ACTIONS
    ),
]
