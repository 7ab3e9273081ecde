from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist

from core import plausible
from core.picker import PersonPickerField, PickerFormMixin, people_describe

from .models import (
    CentreProfile,
    DBSCheck,
    Disclosure,
    FinanceRecord,
    ParentalLeave,
    PrivacyNoticeVersion,
    StaffDocument,
    StaffMember,
    User,
    person_reference,
)


class DateInput(forms.DateInput):
    """The browser's own date picker; it always sends ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PrivateFileInput(forms.ClearableFileInput):
    """Uploaded files have no public URL; a file is "initial" when one is held."""

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class CentreModelForm(forms.ModelForm):
    """Every model form of the centre's records: dates picked from a calendar, uploads
    kept private, and what is typed plausible (``core.plausible``): a name or reference
    with no hidden or text-reversing characters, free text of a fitting size."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):  # decimals and floats too
                self._limit_number(name, field)
            elif isinstance(field, forms.DateField):
                field.widget = DateInput()
            elif isinstance(field, forms.FileField):
                field.widget = PrivateFileInput()
            elif isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
                if field.max_length is None:
                    field.widget.attrs.setdefault("maxlength", plausible.FREE_TEXT_LIMIT)
            elif isinstance(field, forms.CharField):
                field.validators.append(plausible.validate_visible)

    def _limit_number(self, name, field):
        """The range the model field declares (``plausible.within``), or else its
        column's, on the form field, with a message saying what to type."""
        try:
            validators = self._meta.model._meta.get_field(name).validators
        except FieldDoesNotExist:
            validators = field.validators
        plausible.limit_number(field, validators)

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            value = cleaned_data.get(name)
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, forms.Textarea)
                and field.max_length is None
                and (message := plausible.too_long_error(value))
            ):
                self.add_error(name, message)
        return cleaned_data


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That e-mail address and password do not match an account. Check them and try "
            "again; passwords are case-sensitive."
        ),
        "inactive": "This account has been switched off. Please speak to the centre manager.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Your code",
        max_length=40,
        strip=True,
        help_text=(
            "The six digits your authenticator app shows for Handover, or one of your "
            "recovery codes."
        ),
        error_messages={"required": "Type the code your authenticator app shows."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class CentreProfileForm(CentreModelForm):
    class Meta:
        model = CentreProfile
        fields = [
            "name",
            "address",
            "postcode",
            "phone",
            "email",
            "controller_name",
            "controller_role",
            "ico_registration_number",
            "financial_year_end_day",
            "financial_year_end_month",
            "volunteers_use_two_factor",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class StaffMemberForm(CentreModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "address",
            "postcode",
            "date_of_birth",
            "role",
            "job_title",
            "paid",
            "started_on",
            "ended_on",
            "confidentiality_agreement_signed_on",
            "former_reference",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = self.instance.user if self.instance.pk else None
        if user is not None:
            if not email:
                raise forms.ValidationError(
                    "This person signs in with their e-mail address, so it cannot be blank."
                )
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                raise forms.ValidationError("Another account already signs in with this address.")
        return email


class DBSCheckForm(CentreModelForm):
    class Meta:
        model = DBSCheck
        fields = [
            "checked_on",
            "certificate_number",
            "level",
            "decision",
            "outcome",
            "certificate_copy",
            "certificate_copy_held_elsewhere",
        ]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once destroyed, a certificate copy may never come back.
        if self.instance.certificate_destroyed_on:
            del self.fields["certificate_copy"]
            del self.fields["certificate_copy_held_elsewhere"]


class StaffDocumentForm(CentreModelForm):
    class Meta:
        model = StaffDocument
        fields = ["category", "title", "file", "last_used_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ParentalLeaveForm(CentreModelForm):
    class Meta:
        model = ParentalLeave
        fields = ["starts_on", "ends_on", "child_born_on", "adopted_on", "disability_allowance"]


class FinanceRecordForm(CentreModelForm):
    class Meta:
        model = FinanceRecord
        fields = [
            "description",
            "category",
            "financial_year_end",
            "spans_later_years_until",
            "file",
            "former_reference",
        ]


class SignInAccessForm(forms.Form):
    """The manager's choices about a staff member's account."""

    is_active = forms.BooleanField(
        label="Can sign in",
        required=False,
        initial=True,
        help_text="Untick to stop this person signing in. Their records stay.",
    )
    is_safeguarding_lead = forms.BooleanField(
        label="Designated safeguarding lead",
        required=False,
        help_text="Sees and acts on every safeguarding concern raised at the centre.",
    )


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker; it sends ISO date-times."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DisclosureForm(PickerFormMixin, CentreModelForm):
    """A disclosure recorded by hand. Whom it is about comes from the link it was opened
    from (a reference, never a name); opened from the log, with ``choose``, the family or
    the person is found by name, date of birth or reference (the person picker), and the
    log keeps their references only."""

    # The model's default suits records written without a choice; by hand, staff choose.
    basis_kind = forms.ChoiceField(
        label="Lawful basis",
        choices=[("", "Choose the basis")] + Disclosure.Basis.choices,
        error_messages={"required": "Choose the lawful basis the disclosure was made on."},
    )

    class Meta:
        model = Disclosure
        fields = [
            "case_reference",
            "recipient",
            "recipient_type",
            "what",
            "disclosed_at",
            "basis_kind",
            "basis",
            "person_told",
        ]
        labels = {"case_reference": "Case reference", "recipient": "To whom"}
        help_texts = {
            "case_reference": "The case's reference, for example HC-2026-0001.",
            "recipient": "The organisation or person it went to, for example Family Court at "
            "Exeter.",
            "disclosed_at": "When it was sent or handed over.",
            "person_told": "Whether the person the information is about knows it was shared.",
        }
        error_messages = {
            "recipient": {"required": "Say to whom the information was disclosed."},
            "what": {"required": "Say what was disclosed (not its content)."},
            "disclosed_at": {"required": "Give the date and time of the disclosure."},
        }
        widgets = {"disclosed_at": DateTimeInput(), "person_told": forms.RadioSelect}

    def __init__(self, *args, choose=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].required = False
        self.fields[
            "basis"
        ].help_text = "Optional: the order and its date, or who consented and when."
        if choose:
            self.fields["about"] = PersonPickerField(
                kinds=("case", "adult", "child"),
                required=False,
                label="Whom it is about",
                help_text="A family, or one adult or child of it: type a name, a date of "
                "birth (for example 3/4/2019) or a reference, then Find, and choose.",
            )
            self.fields["case_reference"].label = "Or: the reference of a case no longer held"
            self.fields["case_reference"].help_text = "For example HC-2019-0001."
            self.order_fields(["about", *self.Meta.fields])
        self.picker_set_up()

    def clean(self):
        data = super().clean()
        chosen = data.get("about")
        if chosen:
            found = people_describe(*chosen)
            if found.kind == "case":
                data["case_reference"] = found.reference
            else:
                # By reference only: "AD-0003 of HC-2026-0001", never a name.
                data["case_reference"] = found.case_reference
                self.instance.person_kind = found.kind
                self.instance.person_id = found.pk
                self.instance.person_label = person_reference(
                    found.kind, found.pk, found.case_reference
                )
        return data


class DisclosureFilterForm(forms.Form):
    """The log is filtered by a case's reference only: a reference is not personal data."""

    case = forms.CharField(label="Case reference", max_length=64, required=False)


class PrivacyNoticeVersionForm(CentreModelForm):
    class Meta:
        model = PrivacyNoticeVersion
        fields = ["version", "published_on", "changes"]
        widgets = {"changes": forms.Textarea(attrs={"rows": 4})}
