"""Holds: the manager's list, placing a legal hold on a case, an adult or a staff member
(from their page, or from the list, found by name with the person picker), and lifting a
hold with a reason. Staff see a case's holds only on the case page
(``safeguarding_holds`` template tag). Routes are in ``urlpatterns`` below."""

from django import forms
from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from centre.access import requires
from centre.forms import CentreModelForm
from centre.models import StaffMember
from core.pages import form_page
from core.picker import PersonPickerField, PickerFormMixin
from referrals.models import Adult, Case
from referrals.views.common import CASE_FORM, case_url

from .holds import adult_scope_label, hold_lift, hold_place
from .models import Hold

LIFTED_SHOWN = 100


class LegalHoldForm(CentreModelForm):
    class Meta:
        model = Hold
        fields = ["legal_basis", "reason", "review_on"]
        labels = {"legal_basis": "What the hold rests on"}
        help_texts = {
            "reason": "What the hold is for, in a sentence. Do not name anyone.",
            "review_on": "When the manager will check whether the hold is still needed.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].required = True
        self.fields["legal_basis"].error_messages["required"] = "Say what the legal hold rests on."
        self.fields["review_on"].required = True
        self.fields["review_on"].error_messages["required"] = (
            "Give the date the legal hold is to be reviewed."
        )
        self.fields["reason"].error_messages["required"] = "Give the reason for the hold."


# A picker's kind, and the hold's field for it.
HOLD_ON = {"case": "case", "adult": "adult", "staff": "staff_member"}


class LegalHoldChoiceForm(PickerFormMixin, LegalHoldForm):
    """A legal hold placed from the list: what it stands on (a case, an adult of a case
    or a staff member) is found by name, date of birth or reference."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"] = PersonPickerField(
            kinds=tuple(HOLD_ON),
            label="What the hold is on",
            help_text="A family's case, one adult of a case, or a staff member: type a name, "
            "a date of birth (for example 3/4/2019) or a reference, then Find, and choose.",
            error_messages={
                "required": "Find the case, adult or staff member the hold is on, and choose one."
            },
        )
        self.order_fields(["on", *LegalHoldForm.Meta.fields])
        self.picker_set_up()

    def _post_clean(self):
        chosen = self.cleaned_data.get("on")
        if chosen:
            kind, record = chosen
            setattr(self.instance, HOLD_ON[kind], record)
        super()._post_clean()


class LiftHoldForm(forms.Form):
    lift_reason = forms.CharField(
        label="Why the hold is lifted",
        widget=forms.Textarea(attrs={"rows": 3}),
        # The service refuses a blank reason, with its own message: one rule, one place.
        required=False,
    )


@requires("safeguarding.view_hold")
@require_safe
def hold_list(request):
    holds = Hold.objects.select_related("placed_by", "lifted_by", "adult").order_by(
        F("lifted_at").desc(nulls_first=True), "-placed_at", "-pk"
    )
    standing = list(holds.filter(lifted_at__isnull=True))
    lifted = list(holds.filter(lifted_at__isnull=False)[:LIFTED_SHOWN])
    return render(
        request,
        "safeguarding/hold_list.html",
        {"standing": standing, "lifted": lifted, "lifted_shown": LIFTED_SHOWN},
    )


def _place(request, *, hold, title, back_url, case=None):
    form = LegalHoldForm(request.POST if request.method == "POST" else None, instance=hold)

    def on_valid(form):
        placed = hold_place(hold=form.save(commit=False), actor=request.user)
        messages.success(request, f"A legal hold now stands on {placed.scope_label}.")
        return back_url

    return form_page(
        request,
        form=form,
        title=title,
        back_url=back_url,
        on_valid=on_valid,
        template=CASE_FORM,
        case=case,
        intro="Nothing in the hold's scope can be disposed of while it stands.",
        submit_label="Place the hold",
    )


@requires("safeguarding.add_hold")
@require_http_methods(["GET", "POST"])
def hold_place_found(request):
    """Place a legal hold on a case, an adult or a staff member found by name."""
    hold = Hold(kind=Hold.Kind.LEGAL)
    form = LegalHoldChoiceForm(request.POST if request.method == "POST" else None, instance=hold)
    back_url = reverse("safeguarding:hold_list")

    def on_valid(form):
        placed = hold_place(hold=form.save(commit=False), actor=request.user)
        messages.success(request, f"A legal hold now stands on {placed.scope_label}.")
        return back_url

    return form_page(
        request,
        form=form,
        title="Place a legal hold",
        back_url=back_url,
        on_valid=on_valid,
        intro="Nothing in the hold's scope can be disposed of while it stands.",
        submit_label="Place the hold",
    )


@requires("safeguarding.add_hold")
@require_http_methods(["GET", "POST"])
def hold_place_case(request, pk):
    case = get_object_or_404(Case, pk=pk)
    return _place(
        request,
        hold=Hold(case=case, kind=Hold.Kind.LEGAL),
        title=f"Place a legal hold on case {case.display_reference}",
        back_url=case_url(case, "holds"),
        case=case,
    )


@requires("safeguarding.add_hold")
@require_http_methods(["GET", "POST"])
def hold_place_adult(request, pk):
    adult = get_object_or_404(Adult.objects.select_related("case"), pk=pk)
    return _place(
        request,
        hold=Hold(adult=adult, kind=Hold.Kind.LEGAL),
        title=f"Place a legal hold on {adult_scope_label(adult)}",
        back_url=case_url(adult.case, "holds"),
        case=adult.case,
    )


@requires("safeguarding.add_hold")
@require_http_methods(["GET", "POST"])
def hold_place_staff(request, pk):
    staff_member = get_object_or_404(StaffMember, pk=pk)
    return _place(
        request,
        hold=Hold(staff_member=staff_member, kind=Hold.Kind.LEGAL),
        title=f"Place a legal hold on staff member {staff_member.reference}",
        back_url=reverse("centre:staff_detail", args=[staff_member.pk]),
    )


@requires("safeguarding.lift_hold")
@require_http_methods(["GET", "POST"])
def hold_lift_view(request, pk):
    hold = get_object_or_404(Hold.objects.select_related("case", "adult"), pk=pk)
    case_id = hold.case_id or (hold.adult.case_id if hold.adult_id else None)
    back_url = case_url(case_id, "holds") if case_id else reverse("safeguarding:hold_list")
    form = LiftHoldForm(request.POST if request.method == "POST" else None)

    def on_valid(form):
        hold_lift(hold=hold, reason=form.cleaned_data["lift_reason"], actor=request.user)
        messages.success(request, f"The hold on {hold.scope_label} is lifted.")
        return back_url

    return form_page(
        request,
        form=form,
        title=f"Lift the {hold.get_kind_display().lower()} hold on {hold.scope_label}",
        back_url=back_url,
        on_valid=on_valid,
        intro="Once lifted, the records in its scope follow the retention rules again. "
        "The lifting is recorded with your name and reason.",
        submit_label="Lift the hold",
    )


urlpatterns = [
    path("holds/", hold_list, name="hold_list"),
    path("holds/new/", hold_place_found, name="hold_place_found"),
    path("holds/case/<int:pk>/new/", hold_place_case, name="hold_place_case"),
    path("holds/adult/<int:pk>/new/", hold_place_adult, name="hold_place_adult"),
    path("holds/staff/<int:pk>/new/", hold_place_staff, name="hold_place_staff"),
    path("holds/<int:pk>/lift/", hold_lift_view, name="hold_lift"),
]
