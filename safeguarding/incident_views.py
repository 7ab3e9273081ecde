"""Safeguarding incidents: the designated safeguarding lead's and the manager's pages, the
chronology of a case and of a child, and the manager's access log.

Only the lead and the manager may open anything here. Every page that shows an incident
logs the opening (safeguarding.access_log)."""

from django import forms
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from centre.access import requires, requires_or_safeguarding_lead
from centre.forms import DateInput
from centre.models import User
from core.pages import form_page
from core.picker import PersonPickerField, PickerFormMixin
from referrals.models import Case, Child

from .access_log import Kind, accesses_by_user, accesses_of_record, record_access
from .chronology import case_chronology, child_chronology
from .incident_services import (
    incident_action_add,
    incident_close,
    incident_decide,
    incident_open,
    incident_triage,
)
from .models import Concern, Incident, IncidentAction

INCIDENTS_PER_PAGE = 50
ACCESSES_PER_PAGE = 100

read_incidents = requires_or_safeguarding_lead("safeguarding.view_incident")
open_incidents = requires_or_safeguarding_lead("safeguarding.add_incident")
change_incidents = requires_or_safeguarding_lead("safeguarding.change_incident")
# The access log is rows of the audit trail: whoever may read the trail reads it.
read_access_log = requires("core.view_auditevent")


# Forms -------------------------------------------------------------------------------


class ChildWithBirthDate(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} (born {obj.date_of_birth:%d/%m/%Y}), {obj.case.display_reference}"


class IncidentOpenForm(PickerFormMixin, forms.ModelForm):
    """Opening an incident. From a concern, the concern's case and its children are
    offered. Otherwise the case is found by name, date of birth or reference (the person
    picker), or comes from the page it was opened from, and its children are offered once
    it is chosen: never a list of every family or every child."""

    class Meta:
        model = Incident
        fields = ["case", "occurred_on", "summary", "action_taken"]
        widgets = {"occurred_on": DateInput()}

    children = ChildWithBirthDate(
        queryset=Child.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The children the incident is about.",
        error_messages={
            "invalid_choice": "Choose only children of the family the incident is about."
        },
    )

    def __init__(self, *args, case=None, from_concern=False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_concern:
            del self.fields["case"]
        else:
            self.fields["case"] = PersonPickerField(
                kinds=("case",),
                label="Which case is it about?",
                help_text="Type a parent's or child's name, a date of birth or the case "
                "reference, then Find, and choose the family.",
            )
            if self.is_bound:
                case = self.picked("case")
            elif case is not None:
                self.initial["case"] = ("case", case)
        if case is None:
            del self.fields["children"]
        else:
            self.fields["children"].queryset = case.children.order_by("first_name", "pk")
        self.order_fields(["case", "children"])
        self.picker_set_up()

    def clean_case(self):
        chosen = self.cleaned_data.get("case")
        return chosen[1] if chosen else None


class IncidentTriageForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["type", "severity", "decision", "decision_reasons"]
        help_texts = {
            "decision": "Leave blank until decided. A decision not to act is a decision.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].required = True
        self.fields["severity"].required = True


class IncidentActionForm(forms.ModelForm):
    class Meta:
        model = IncidentAction
        fields = ["kind", "taken_on", "notes"]
        widgets = {"taken_on": DateInput()}
        labels = {"kind": "Action", "taken_on": "Date taken"}


class IncidentCloseForm(forms.Form):
    # Not required here: the service refuses a closure without an outcome, in its words.
    outcome = forms.CharField(widget=forms.Textarea, required=False)
    closed_on = forms.DateField(label="Date closed", widget=DateInput(), required=False)


# Pages -------------------------------------------------------------------------------


def incident_for_page(pk, *, user):
    """An incident for its page, its opening logged. The views' rules admit only those
    who may read every incident (the lead and the manager)."""
    incident = get_object_or_404(
        Incident.objects.select_related("case", "concern", "opened_by", "closed_by"), pk=pk
    )
    record_access(user=user, kind=Kind.INCIDENT, record_id=incident.pk)
    return incident


def _detail_url(incident):
    return reverse("safeguarding:incident_detail", args=[incident.pk])


@read_incidents
@require_safe
def incident_list(request):
    show = request.GET.get("show", "")
    incidents = Incident.objects.all()
    if show in (Incident.Status.OPEN, Incident.Status.CLOSED):
        incidents = incidents.filter(status=show)
    incidents = incidents.annotate(
        closed_last=models.Case(
            models.When(status=Incident.Status.OPEN, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
    ).order_by("closed_last", "-occurred_on", "-pk")
    page = Paginator(incidents, INCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "safeguarding/incident_list.html",
        {
            "page": page,
            "show": show,
            "filters": [("", "All"), ("open", "Open"), ("closed", "Closed")],
        },
    )


def _open_page(request, *, form, concern=None, title):
    def on_valid(form):
        incident = incident_open(
            incident=form.save(commit=False),
            children=form.cleaned_data.get("children") or [],
            concern=concern,
            actor=request.user,
        )
        return _detail_url(incident)

    return form_page(
        request,
        form=form,
        title=title,
        back_url=(
            reverse("safeguarding:concern_detail", args=[concern.pk])
            if concern
            else reverse("safeguarding:incident_list")
        ),
        on_valid=on_valid,
        intro="Opening an incident places a safeguarding hold on its case.",
        submit_label="Open the incident",
    )


@open_incidents
@require_http_methods(["GET", "POST"])
def incident_open_from_concern(request, pk):
    concern = get_object_or_404(Concern.objects.select_related("case"), pk=pk)
    record_access(user=request.user, kind=Kind.CONCERN, record_id=concern.pk)
    form = IncidentOpenForm(
        request.POST if request.method == "POST" else None,
        instance=Incident(),
        case=concern.case,
        from_concern=True,
        initial={
            "occurred_on": timezone.localdate(concern.occurred_at),
            "summary": concern.what_happened,
            "action_taken": concern.action_taken,
            "children": list(concern.children.all()),
        },
    )
    return _open_page(
        request, form=form, concern=concern, title=f"Open an incident from {concern.reference}"
    )


@open_incidents
@require_http_methods(["GET", "POST"])
def incident_create(request):
    pk = request.GET.get("case", "")
    case = Case.objects.filter(pk=pk).first() if pk.isdigit() else None
    form = IncidentOpenForm(
        request.POST if request.method == "POST" else None,
        instance=Incident(),
        case=case,
        initial={"occurred_on": timezone.localdate()},
    )
    return _open_page(request, form=form, title="Open a safeguarding incident")


@read_incidents
@require_safe
def incident_detail(request, pk):
    incident = incident_for_page(pk, user=request.user)
    return render(
        request,
        "safeguarding/incident_detail.html",
        {
            "incident": incident,
            "children": incident.children.all(),
            "actions": incident.actions.select_related("recorded_by"),
        },
    )


@change_incidents
@require_http_methods(["GET", "POST"])
def incident_triage_view(request, pk):
    incident = incident_for_page(pk, user=request.user)
    form = IncidentTriageForm(request.POST if request.method == "POST" else None, instance=incident)

    def on_valid(form):
        data = form.cleaned_data
        # Triage and decision together, or neither.
        with transaction.atomic():
            incident_triage(
                incident=incident, type=data["type"], severity=data["severity"], actor=request.user
            )
            if data["decision"].strip() or data["decision_reasons"].strip():
                incident_decide(
                    incident=incident,
                    decision=data["decision"],
                    reasons=data["decision_reasons"],
                    actor=request.user,
                )
        return _detail_url(incident)

    return form_page(
        request,
        form=form,
        title=f"Triage and decision: {incident.reference}",
        back_url=_detail_url(incident),
        on_valid=on_valid,
        intro="Record the reasons for the decision, including for a decision not to act.",
    )


@change_incidents
@require_http_methods(["GET", "POST"])
def incident_action_add_view(request, pk):
    incident = incident_for_page(pk, user=request.user)
    form = IncidentActionForm(
        request.POST if request.method == "POST" else None,
        instance=IncidentAction(incident=incident),
        initial={"taken_on": timezone.localdate()},
    )

    def on_valid(form):
        incident_action_add(action=form.save(commit=False), actor=request.user)
        return _detail_url(incident)

    return form_page(
        request,
        form=form,
        title=f"Add an action: {incident.reference}",
        back_url=_detail_url(incident),
        on_valid=on_valid,
    )


@change_incidents
@require_http_methods(["GET", "POST"])
def incident_close_view(request, pk):
    incident = incident_for_page(pk, user=request.user)
    form = IncidentCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": timezone.localdate()},
    )

    def on_valid(form):
        incident_close(
            incident=incident,
            outcome=form.cleaned_data["outcome"],
            closed_on=form.cleaned_data["closed_on"],
            actor=request.user,
        )
        return _detail_url(incident)

    return form_page(
        request,
        form=form,
        title=f"Close {incident.reference}",
        back_url=_detail_url(incident),
        on_valid=on_valid,
        intro="Record the outcome. A closed incident can no longer be changed.",
        submit_label="Close the incident",
    )


# Chronology --------------------------------------------------------------------------


@read_incidents
@require_safe
def case_chronology_view(request, pk):
    case = get_object_or_404(Case, pk=pk)
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "title": f"Chronology of case {case.display_reference}",
            "case": case,
            "entries": case_chronology(case),
        },
    )


@read_incidents
@require_safe
def child_chronology_view(request, pk):
    child = get_object_or_404(Child.objects.select_related("case"), pk=pk)
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "title": f"Chronology of {child.full_name}",
            "case": child.case,
            "entries": child_chronology(child),
        },
    )


# Access log --------------------------------------------------------------------------

LOGGED_KINDS = set(Kind.ALL)


@read_access_log
@require_safe
def access_log_record(request, kind, record_id):
    if kind not in LOGGED_KINDS:
        raise Http404
    accesses = accesses_of_record(kind=kind, record_id=record_id)
    return render(
        request,
        "safeguarding/access_log.html",
        {
            "title": f"Who opened {kind} {record_id}",
            "page": Paginator(accesses, ACCESSES_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


@read_access_log
@require_safe
def access_log_user(request, pk):
    user = User.objects.filter(pk=pk).first()
    if user is None and not accesses_by_user(user_id=pk).exists():
        raise Http404
    who = user.full_name if user else f"user {pk} (account deleted)"
    return render(
        request,
        "safeguarding/access_log.html",
        {
            "title": f"Safeguarding records opened by {who}",
            "page": Paginator(accesses_by_user(user_id=pk), ACCESSES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
        },
    )


urlpatterns = [
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/new/", incident_create, name="incident_create"),
    path(
        "concerns/<int:pk>/open-incident/",
        incident_open_from_concern,
        name="incident_open_from_concern",
    ),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/triage/", incident_triage_view, name="incident_triage"),
    path("incidents/<int:pk>/actions/new/", incident_action_add_view, name="incident_action_add"),
    path("incidents/<int:pk>/close/", incident_close_view, name="incident_close"),
    path("cases/<int:pk>/chronology/", case_chronology_view, name="case_chronology"),
    path("children/<int:pk>/chronology/", child_chronology_view, name="child_chronology"),
    path(
        "access-log/records/<slug:kind>/<int:record_id>/",
        access_log_record,
        name="access_log_record",
    ),
    path("access-log/users/<int:pk>/", access_log_user, name="access_log_user"),
]
