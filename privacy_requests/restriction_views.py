"""Restriction of processing: the manager places a restriction on an adult or a child of
a case (from the case page) and lifts it with a reason; staff and the manager see the
list of restrictions, standing and lifted. Its routes are in ``urlpatterns`` below; no
URL carries personal data."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from centre.access import requires
from centre.forms import CentreModelForm
from core.pages import form_page
from referrals.models import Adult, Child
from referrals.views.common import case_url

from . import restrictions
from .models import PrivacyRequest, Restriction

PLACE = "privacy_requests.add_restriction"
LIFT = "privacy_requests.change_restriction"
VIEW = "privacy_requests.view_restriction"


class RestrictionForm(CentreModelForm):
    class Meta:
        model = Restriction
        fields = ["reason", "request"]
        labels = {"request": "The privacy request it answers"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            "Shown on the banner of the case page to everyone who opens it. Say why, "
            "without naming anyone else."
        )
        choices = self.fields["request"]
        choices.queryset = requests
        choices.required = False
        choices.help_text = "Optional: the request for restriction this answers, if any."
        choices.label_from_instance = lambda request: (
            f"{request.get_right_display()}, received {request.received_on:%d/%m/%Y} "
            f"({request.get_status_display().lower()})"
        )


class LiftForm(forms.Form):
    lift_reason = forms.CharField(
        label="Why the restriction is lifted",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the restriction: for example, the accuracy check is done.",
    )


# The shared form page, with a way back.
RESTRICTION_FORM = "privacy_requests/restriction_form.html"


INTRO = (
    "While the restriction stands, every record of this family's case is read-only, for "
    "staff and the manager alike; the family is left off the tablet register and every "
    "page a volunteer sees; and the case page carries a banner with the reason. Only the "
    "centre manager can lift it."
)


def _place(request, *, person, subject):
    case = person.case
    requests = PrivacyRequest.objects.filter(**{subject: person}).order_by("-received_on")
    form = RestrictionForm(
        request.POST if request.method == "POST" else None,
        instance=Restriction(**{subject: person}),
        requests=requests,
    )

    def on_valid(form):
        restrictions.restriction_place(restriction=form.save(commit=False), actor=request.user)
        messages.success(
            request,
            f"The records of case {case.display_reference} are restricted: read-only, and "
            "off the register, until the restriction is lifted.",
        )
        return case_url(case)

    return form_page(
        request,
        form=form,
        template=RESTRICTION_FORM,
        title=f"Restrict the records of {person.full_name} ({case.display_reference})",
        intro=INTRO,
        back_url=case_url(case),
        submit_label="Restrict the records",
        on_valid=on_valid,
    )


@requires(PLACE)
@require_http_methods(["GET", "POST"])
def restriction_place_adult(request, pk):
    adult = get_object_or_404(Adult.objects.select_related("case"), pk=pk)
    return _place(request, person=adult, subject="subject_adult")


@requires(PLACE)
@require_http_methods(["GET", "POST"])
def restriction_place_child(request, pk):
    child = get_object_or_404(Child.objects.select_related("case"), pk=pk)
    return _place(request, person=child, subject="subject_child")


@requires(LIFT)
@require_http_methods(["GET", "POST"])
def restriction_lift(request, pk):
    restriction = get_object_or_404(Restriction, pk=pk)
    back_url = reverse("privacy_requests:restriction_list")
    if restriction.lifted_on:
        messages.info(
            request, f"This restriction was already lifted on {restriction.lifted_on:%d/%m/%Y}."
        )
        return redirect(back_url)
    form = LiftForm(request.POST if request.method == "POST" else None)

    def on_valid(form):
        restrictions.restriction_lift(
            restriction=restriction, reason=form.cleaned_data["lift_reason"], actor=request.user
        )
        messages.success(
            request,
            f"The restriction on {restriction.subject_label} is lifted: the records can be "
            "changed again and the family is back on the register.",
        )
        case = restriction.subject and getattr(restriction.subject, "case_id", None)
        return case_url(case) if case else back_url

    return form_page(
        request,
        form=form,
        template=RESTRICTION_FORM,
        title=f"Lift the restriction on {restriction.subject_label}",
        intro=f"Restricted since {restriction.placed_on:%d/%m/%Y}: {restriction.reason}",
        back_url=back_url,
        submit_label="Lift the restriction",
        on_valid=on_valid,
    )


@requires(VIEW)
@require_GET
def restriction_list(request):
    every = list(restrictions.restrictions_for_list())
    return render(
        request,
        "privacy_requests/restriction_list.html",
        {
            "standing": [row for row in every if not row.lifted_on],
            "lifted": [row for row in every if row.lifted_on],
        },
    )


urlpatterns = [
    path("restrictions/", restriction_list, name="restriction_list"),
    path(
        "restrictions/adults/<int:pk>/new/",
        restriction_place_adult,
        name="restriction_place_adult",
    ),
    path(
        "restrictions/children/<int:pk>/new/",
        restriction_place_child,
        name="restriction_place_child",
    ),
    path("restrictions/<int:pk>/lift/", restriction_lift, name="restriction_lift"),
]
