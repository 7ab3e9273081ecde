"""The forms of the register and of complaints.

A person is chosen by reference, never by name: the select lists "AD-0003 of
HC-2026-0001", and a "Log a privacy request" link on a person's page fixes the choice.
Dates and texts the services check are optional here, so their refusal comes with the
service's own words (one rule, one place).
"""

from django import forms

from centre.forms import CentreModelForm, DateInput

from .models import Complaint, PrivacyRequest

# The form field, the query parameter a person's page links with, and the reference prefix.
SUBJECT_CHOICES = {
    "subject_adult": ("adult", "AD"),
    "subject_child": ("child", "CH"),
    "subject_staff_member": ("staff", "ST"),
}


def subject_model(name):
    """The model a subject field points at, found through the link itself: the register
    reaches into no other app's internals."""
    return PrivacyRequest._meta.get_field(name).related_model


def reference_of(prefix, person):
    """A person as the register names them: "AD-0003 of HC-2026-0001", never by name
    (the same words as ``AboutAPerson.label_subject``)."""
    if prefix == "ST":
        return f"staff member {person.reference}"
    return f"{prefix}-{person.pk:04d} of {person.case.display_reference}"


class _ByReference(forms.ModelChoiceField):
    def __init__(self, queryset, *, prefix, **kwargs):
        self.prefix = prefix
        super().__init__(queryset, required=False, **kwargs)

    def label_from_instance(self, obj):
        return reference_of(self.prefix, obj)


class SubjectFormMixin:
    """Three optional selects, one of which the model insists is chosen. With a person
    given (``subject=("adult", adult)``, from the link on their page) there is nothing to
    choose: the person comes from the link, never from the posted form."""

    def _set_up_subject(self, subject):
        self._fixed_subject = None
        if subject is not None:
            kind, person = subject
            name = next(name for name, (param, _p) in SUBJECT_CHOICES.items() if param == kind)
            self._fixed_subject = (name, person)
            return
        for name, (_param, prefix) in SUBJECT_CHOICES.items():
            people = subject_model(name).objects.order_by("pk")
            if prefix != "ST":
                people = people.select_related("case")
            label = PrivacyRequest._meta.get_field(name).verbose_name
            self.fields[name] = _ByReference(
                people,
                prefix=prefix,
                label=label.capitalize(),
                help_text="Choose one of the three.",
            )

    def _put_subject_on(self, record):
        for name in SUBJECT_CHOICES:
            setattr(record, name, self.cleaned_data.get(name))
        if self._fixed_subject is not None:
            name, person = self._fixed_subject
            setattr(record, name, person)


class PrivacyRequestForm(SubjectFormMixin, CentreModelForm):
    class Meta:
        model = PrivacyRequest
        fields = [
            "right",
            "channel",
            "received_on",
            "details",
            "made_by_subject",
            "requester_name",
            "authority_evidence",
        ]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4}),
            "authority_evidence": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "received_on": "The day it reached the centre, working day or not: the clock "
            "starts then.",
        }

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_subject(subject)
        order = list(SUBJECT_CHOICES) + self.Meta.fields
        self.order_fields([name for name in order if name in self.fields])

    def _post_clean(self):
        self._put_subject_on(self.instance)
        super()._post_clean()


class ComplaintForm(SubjectFormMixin, CentreModelForm):
    class Meta:
        model = Complaint
        fields = ["received_on", "channel", "complainant_name", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_subject(subject)
        order = list(SUBJECT_CHOICES) + self.Meta.fields
        self.order_fields([name for name in order if name in self.fields])

    def _post_clean(self):
        self._put_subject_on(self.instance)
        super()._post_clean()


# The actions on a request's page. Each has its own prefix, so their ids never collide.


class VerifyIdentityForm(forms.Form):
    evidence = forms.CharField(
        label="What was seen",
        max_length=300,
        required=False,
        help_text="For example: passport, checked in person. Do not copy its number.",
    )
    verified_on = forms.DateField(label="Checked on", widget=DateInput(), required=False)


class AwaitForm(forms.Form):
    asked_for = forms.CharField(
        label="What was asked for",
        max_length=100,
        required=False,
        help_text="Identification or clarification. Kept in the request's timeline.",
    )
    asked_on = forms.DateField(
        label="Asked on", widget=DateInput(), required=False, help_text="The clock stops then."
    )


class ResumeForm(forms.Form):
    received_on = forms.DateField(
        label="What was asked for arrived on",
        widget=DateInput(),
        required=False,
        help_text="The clock runs again from then; the deadline moves by the days paused.",
    )


class StartForm(forms.Form):
    pass


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Why the request is complex",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The requester must be given these reasons.",
    )
    told_on = forms.DateField(
        label="Requester told of the extension on",
        widget=DateInput(),
        required=False,
        help_text="Within the first month.",
    )


class CompleteForm(forms.Form):
    response = forms.CharField(
        label="The response",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What was done and sent (for an objection: its outcome and the reasons).",
    )


class RefuseForm(forms.Form):
    exemption = forms.ChoiceField(
        label="Exemption relied on",
        choices=[("", "Choose the exemption")] + PrivacyRequest.Exemption.choices,
        required=False,
    )
    reason = forms.CharField(
        label="Reasons for the refusal",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Given to the requester, with their right to complain to the ICO.",
    )


class AcknowledgeForm(forms.Form):
    acknowledged_on = forms.DateField(label="Acknowledged on", widget=DateInput(), required=False)


class InvestigationForm(forms.Form):
    investigation = forms.CharField(
        label="What the investigation found",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label="The outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Printed in the outcome letter, with the right to complain to the ICO.",
    )
    resolved_on = forms.DateField(label="Outcome given on", widget=DateInput(), required=False)
