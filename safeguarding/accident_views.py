"""The accident book: its list, recording an accident, and one entry's page.

Anyone at the centre may have to record an accident; reading the book is for the
designated safeguarding lead and the manager (each entry names a person and says how they
were hurt). Every opening of an entry is in the audit trail, by ids only."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from centre.access import requires_or_safeguarding_lead
from core.pages import form_page
from core.picker import PersonPickerField, PickerFormMixin
from referrals.models import Case, Child

from .access_log import Kind, record_access
from .accident_services import CHILD_OF_ANOTHER_CASE, NO_ONE_NAMED, accident_record
from .forms import LocalDateTimeInput
from .models import Accident

ACCIDENTS_PER_PAGE = 50

read_accidents = requires_or_safeguarding_lead("safeguarding.view_accident")
record_accidents = requires_or_safeguarding_lead("safeguarding.add_accident")


class AccidentForm(PickerFormMixin, forms.ModelForm):
    """Who (a child of an open case, found by name or date of birth with the person
    picker, or a person named in words), when, where, what happened, first aid and by
    whom, who was told; the case is optional, and a child's is taken when none is chosen."""

    class Meta:
        model = Accident
        fields = [
            "case",
            "child",
            "person_name",
            "person_date_of_birth",
            "occurred_at",
            "where",
            "what_happened",
            "first_aid_given",
            "first_aid_by",
            "who_was_told",
        ]
        labels = {
            "person_name": "Or, someone else who was hurt",
            "person_date_of_birth": "Their date of birth, if a child",
            "occurred_at": "When did it happen?",
            "where": "Where?",
            "what_happened": "What happened?",
            "first_aid_given": "First aid given",
            "who_was_told": "Who was told?",
        }
        help_texts = {
            "person_name": "Their name, if they are not a child of a case (a parent, a visitor).",
            "who_was_told": "For a child: which parent or carer was told, and when.",
        }
        error_messages = {
            "what_happened": {"required": "Say what happened."},
            "occurred_at": {
                "required": "Say when it happened.",
                "invalid": "Give the date and time it happened.",
            },
        }
        widgets = {
            "occurred_at": LocalDateTimeInput(),
            "person_date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "first_aid_given": forms.Textarea(attrs={"rows": 2}),
            "who_was_told": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_cases = Case.objects.open()
        self.fields["case"] = PersonPickerField(
            kinds=("case",),
            within={"case": list(open_cases.values_list("pk", flat=True))},
            required=False,
            label="Which case, if any?",
            help_text="Leave it if you choose a child below (their case is taken) or if "
            "the accident was to no family's member. Type a name, a date of birth or a case "
            "reference, then Find.",
        )
        self.fields["child"] = PersonPickerField(
            kinds=("child",),
            within={
                "child": list(
                    Child.objects.filter(case__in=open_cases).values_list("pk", flat=True)
                )
            },
            required=False,
            label="Which child was hurt?",
            help_text="Type their name or date of birth, then Find. Their name and date of "
            "birth are kept with the entry.",
        )
        self.order_fields(self.Meta.fields)
        self.fields["person_name"].required = False
        if not self.is_bound and not self.initial.get("occurred_at"):
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        self.picker_set_up()

    def clean_case(self):
        chosen = self.cleaned_data.get("case")
        return chosen[1] if chosen else None

    def clean_child(self):
        chosen = self.cleaned_data.get("child")
        return chosen[1] if chosen else None

    def clean(self):
        cleaned_data = super().clean()
        child, case = cleaned_data.get("child"), cleaned_data.get("case")
        named = (cleaned_data.get("person_name") or "").strip()
        if child is None and not named and not {"child", "person_name"} & set(self.errors):
            self.add_error("person_name", NO_ONE_NAMED)
        if child is not None and case is not None and child.case_id != case.pk:
            self.add_error("child", CHILD_OF_ANOTHER_CASE)
        return cleaned_data


@read_accidents
@require_safe
def accident_list(request):
    # Everything shown is on the entry itself (the copies): one query for the page.
    accidents = Accident.objects.only(
        "pk", "occurred_at", "person_name", "case_reference", "where", "occurrence"
    )
    page = Paginator(accidents, ACCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "safeguarding/accident_list.html", {"page": page})


@record_accidents
@require_http_methods(["GET", "POST"])
def accident_create(request):
    form = AccidentForm(request.POST if request.method == "POST" else None)

    def on_valid(form):
        accident = accident_record(accident=form.save(commit=False), actor=request.user)
        return reverse("safeguarding:accident_detail", args=[accident.pk])

    return form_page(
        request,
        form=form,
        on_valid=on_valid,
        template="safeguarding/accident_form.html",
        title="Record an accident",
        intro="Record an accident or injury at the centre as soon as you can.",
        back_url=reverse("safeguarding:accident_list"),
        submit_label="Record the accident",
    )


@read_accidents
@require_safe
def accident_detail(request, pk):
    accident = get_object_or_404(Accident.objects.select_related("case", "recorded_by"), pk=pk)
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    record_access(user=request.user, kind=Kind.ACCIDENT, record_id=accident.pk)
    others = Accident.objects.filter(occurrence=accident.occurrence).exclude(pk=accident.pk)
    return render(
        request,
        "safeguarding/accident_detail.html",
        {"accident": accident, "others": others.only("pk", "person_name")},
    )


urlpatterns = [
    path("accidents/", accident_list, name="accident_list"),
    path("accidents/new/", accident_create, name="accident_create"),
    path("accidents/<int:pk>/", accident_detail, name="accident_detail"),
]
