"""The forms of the register and of complaints.

A person is found by name, date of birth or reference with the person picker
(``core.picker``), which shows names and cases to the one choosing; the register itself
names them by reference only. A "Log a privacy request" link on a person's page fixes the
choice.
Dates and texts the services check are optional here, so their refusal comes with the
service's own words (one rule, one place).
"""

from django import forms

from centre.forms import CentreModelForm, DateInput
from core import plausible
from core.picker import PersonPickerField, PickerFormMixin

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


# The picker's kinds are the query parameters a person's page links with.
PICKER_FIELD = "subject"
PICKER_KINDS = tuple(param for param, _prefix in SUBJECT_CHOICES.values())


class SubjectFormMixin(PickerFormMixin):
    """One person picker (an adult, a child or a staff member), the person stored on the
    model field of their kind, which the model insists is given. With a person given
    (``subject=("adult", adult)``, from the link on their page) there is nothing to
    choose: the person comes from the link, never from the posted form."""

    def _set_up_subject(self, subject):
        self._fixed_subject = None
        if subject is not None:
            kind, person = subject
            name = next(name for name, (param, _p) in SUBJECT_CHOICES.items() if param == kind)
            self._fixed_subject = (name, person)
            return
        self.fields[PICKER_FIELD] = PersonPickerField(
            kinds=PICKER_KINDS,
            required=False,
            label="Who it is about",
            help_text="An adult or child of a case, or a staff member: type their name, "
            "date of birth (for example 3/4/2019) or reference, then Find, and choose them.",
        )

    def _put_subject_on(self, record):
        for name in SUBJECT_CHOICES:
            setattr(record, name, None)
        chosen = self.cleaned_data.get(PICKER_FIELD)
        if chosen:
            kind, person = chosen
            name = next(name for name, (param, _p) in SUBJECT_CHOICES.items() if param == kind)
            setattr(record, name, person)
        if self._fixed_subject is not None:
            name, person = self._fixed_subject
            setattr(record, name, person)


class YesNoNotYet(forms.NullBooleanSelect):
    """Yes, no, or not decided yet (a question answered later, before anything is released)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Not decided yet"), ("true", "Yes"), ("false", "No")]


# A person the centre does not hold (or no longer holds), as the requester gave them.
NAMED_SUBJECT_FIELDS = ["subject_name", "subject_date_of_birth", "subject_details"]
# A request made by a parent for a child.
CHILD_FIELDS = ["child_age", "child_competent", "child_agreed", "best_interests"]
CHILD_WIDGETS = {
    "child_competent": YesNoNotYet(),
    "child_agreed": YesNoNotYet(),
    "best_interests": forms.Textarea(attrs={"rows": 3}),
}


class PrivacyRequestForm(SubjectFormMixin, CentreModelForm):
    """Who it is about is one of: a person the centre holds (found with the picker), or a
    person named by the requester (a grandparent in a collection list, a former child
    whose case has gone). The name is used only to find their records."""

    class Meta:
        model = PrivacyRequest
        fields = [
            *NAMED_SUBJECT_FIELDS,
            "right",
            "channel",
            "received_on",
            "details",
            "made_by_subject",
            "requester_name",
            "authority_evidence",
            *CHILD_FIELDS,
        ]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4}),
            "authority_evidence": forms.Textarea(attrs={"rows": 3}),
            "subject_details": forms.Textarea(attrs={"rows": 3}),
            **CHILD_WIDGETS,
        }
        labels = {
            "subject_name": "Or: the name of a person the centre does not hold",
        }
        help_texts = {
            "received_on": "The day it reached the centre, working day or not: the clock "
            "starts then.",
            "subject_name": "As the requester gave it, where they are not a person of a case "
            "or a staff member: someone named in a collection list, a referrer, a former child "
            "whose records have gone. Used to find their records; never shown in a list.",
            "child_age": "Only for a request made for a child by a parent or someone else "
            "with parental responsibility. The rest can be recorded later, but before "
            "anything is released.",
        }

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_subject(subject)
        if subject is not None:
            # The person comes from the link: there is no one else to name.
            for name in NAMED_SUBJECT_FIELDS:
                del self.fields[name]
            if subject[0] != "child":
                for name in CHILD_FIELDS:
                    del self.fields[name]
        else:
            self.fields[PICKER_FIELD].help_text += " Or give the name below."
        self.order_fields([PICKER_FIELD, *self.Meta.fields])
        self.picker_set_up()

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
        self.order_fields([PICKER_FIELD, *self.Meta.fields])
        self.picker_set_up()

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


class AskIdentityForm(forms.Form):
    asked_on = forms.DateField(
        label="Identity evidence asked for on",
        widget=DateInput(),
        required=False,
        help_text="The clock does not stop: the month starts again on the day the evidence "
        "arrives.",
    )


class IdentityReceivedForm(forms.Form):
    received_on = forms.DateField(
        label="The evidence arrived on",
        widget=DateInput(),
        required=False,
        help_text="The month starts again from this day. Record the check itself under "
        '"Record the identity check".',
    )


class AwaitForm(forms.Form):
    """Asking the requester to clarify their request: the clock stops."""

    asked_for = forms.CharField(
        label="What was asked",
        max_length=200,
        required=False,
        help_text="For example: which years of session notes. Kept with the request.",
    )
    asked_on = forms.DateField(
        label="Asked on", widget=DateInput(), required=False, help_text="The clock stops then."
    )


class ResumeForm(forms.Form):
    """The answer to a clarification has arrived: the clock runs again."""

    answered_on = forms.DateField(
        label="The answer arrived on",
        widget=DateInput(),
        required=False,
        help_text="The days from asking to the answer, both included, do not count.",
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
        help_text="Within the first month, counted as the deadline is (the page shows by when).",
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


class ChildForm(forms.Form):
    """The child's age, whether they can decide for themselves, whether they agreed, and
    the best-interests decision, for a request a parent made for them. The model says
    what is wrong (one rule, one place)."""

    child_age = plausible.limit_number(
        forms.IntegerField(label="The child's age when the request was made", required=False),
        PrivacyRequest._meta.get_field("child_age").validators,
    )
    child_competent = forms.NullBooleanField(
        label="The child is competent to decide for themselves",
        widget=YesNoNotYet(),
        required=False,
        help_text="The ICO presumes a child of 12 or over is, unless there is reason to doubt it.",
    )
    child_agreed = forms.NullBooleanField(
        label="The child agreed to the request being made for them",
        widget=YesNoNotYet(),
        required=False,
    )
    best_interests = forms.CharField(
        label="The best-interests decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Why answering the parent is, or is not, in the child's best interests.",
    )


class NoDataForm(forms.Form):
    proof_reference = forms.CharField(
        label="Reference on the proof of disposal",
        max_length=64,
        required=False,
        help_text="The case or record reference printed on the proof (Retention, proofs of "
        "disposal), for example HC-2019-0004.",
    )
