"""The forms of the case pages. Each ModelForm's model ``clean()`` does the checking that
matters (dates in the future, consent for medical needs); the forms narrow the choices to
the case in hand, so nobody can pick a person from another family."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from centre.dates import add_months
from centre.forms import CentreModelForm, DateInput
from centre.models import User
from centre.roles import Role

from .models import (
    Adult,
    Case,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
    Referral,
    RetentionRule,
)


def _rows(rows):
    return forms.Textarea(attrs={"rows": rows})


def _any(choices, label="Any"):
    return [("", label), *choices]


class CaseFilterForm(forms.Form):
    """The case list's filters. None of them is personal, so they travel in the URL."""

    status = forms.ChoiceField(required=False, choices=_any(Case.Status.choices))
    source = forms.ChoiceField(required=False, choices=_any(Referral.Source.choices))
    service = forms.ChoiceField(required=False, choices=_any(Referral.Service.choices))
    retention = forms.ChoiceField(
        label="Retention class", required=False, choices=_any(RetentionRule.choices)
    )
    review_due = forms.BooleanField(label="Six-monthly review due", required=False)

    def filter(self, cases):
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        lookups = {
            "status": data["status"],
            "referral__source": data["source"],
            "referral__service": data["service"],
            "retention_rule": data["retention"],
        }
        cases = cases.filter(**{field: value for field, value in lookups.items() if value})
        if data["review_due"]:
            cases = cases.due_for_review()
        return cases

    @property
    def is_filtering(self):
        return self.is_valid() and any(self.cleaned_data.values())


class CaseSearchForm(forms.Form):
    """A name, reference, date of birth or postcode: personal data, so it is only ever
    sent by POST and never appears in a URL, a log line or the browser's history."""

    # Not marked required (a search box with an asterisk reads as a form to fill in): an
    # empty search is answered by clean_term instead.
    term = forms.CharField(
        label="Search cases",
        required=False,
        max_length=200,
        help_text="A name, a case reference, a date of birth (dd/mm/yyyy) or a postcode.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_term(self):
        term = self.cleaned_data["term"]
        if not term:
            raise forms.ValidationError(
                "Type a name, a case reference, a date of birth or a postcode to search for.",
                code="required",
            )
        return term


class ReferralForm(CentreModelForm):
    class Meta:
        model = Referral
        fields = [
            "source",
            "source_other",
            "received_on",
            "referrer_name",
            "referrer_organisation",
            "referrer_email",
            "referrer_phone",
            "referrer_address",
            "service",
            "court_order",
            "court_order_type",
            "court_order_date",
            "court_order_copy",
            "cafcass_involved",
            "risk_domestic_abuse",
            "risk_substance_misuse",
            "risk_abduction",
            "risk_mental_health",
            "risk_other",
            "risk_notes",
            "interpreter_needed",
            "interpreter_language",
            "access_needs",
            "frequency_requested",
            "days_requested",
            "notes",
        ]
        labels = {
            "source": "Where the referral came from",
            "source_other": "If other, where",
            "received_on": "Date received",
        }
        help_texts = {
            "court_order_type": "For example: child arrangements order.",
            "days_requested": "For example: Saturday mornings.",
        }
        widgets = {
            "referrer_address": _rows(3),
            "risk_notes": _rows(3),
            "access_needs": _rows(2),
            "notes": _rows(3),
        }


class AdultForm(CentreModelForm):
    class Meta:
        model = Adult
        fields = [
            "role",
            "relationship",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "phone_other",
            "address",
            "postcode",
            "has_parental_responsibility",
            "contact_details_confidential",
            "never_disclose",
        ]
        widgets = {"address": _rows(3), "never_disclose": _rows(3)}


class ChildForm(CentreModelForm):
    class Meta:
        model = Child
        fields = ["first_name", "last_name", "date_of_birth", "needs", "interests"]
        widgets = {"needs": _rows(3), "interests": _rows(2)}

    def clean_date_of_birth(self):
        """A child of a case is under 18 on the day the referral was received. (Checked
        where staff type it; records imported from an older system are checked by the
        import's own rules.)"""
        born = self.cleaned_data["date_of_birth"]
        case = self.instance.case if self.instance.case_id else None
        referral = getattr(case, "referral", None) if case else None
        if born and referral and add_months(born, 18 * 12) <= referral.received_on:
            raise forms.ValidationError(
                "A child of a case is under 18 when the referral is received "
                f"({referral.received_on:%d/%m/%Y}): check the date of birth, or add them "
                "as an adult.",
                code="adult",
            )
        return born


class ProtectiveOrderForm(CentreModelForm):
    class Meta:
        model = ProtectiveOrder
        fields = ["kind", "names", "made_on", "expires_on", "notes"]
        widgets = {"notes": _rows(3)}


def _centre_staff(also=None):
    """People who may conduct a pre-visit: current staff and the manager, and ``also``
    (whoever conducted it already, even if they have since left)."""
    people = Q(is_active=True, groups__name__in=[Role.STAFF, Role.MANAGER])
    if also is not None:
        people |= Q(pk=also)
    return User.objects.filter(people).distinct().order_by("full_name")


class PreVisitForm(CentreModelForm):
    class Meta:
        model = PreVisit
        fields = [
            "adult",
            "children",
            "visited_on",
            "conducted_by",
            "ground_rules_agreed_on",
            "ground_rules_witnessed_by",
            "arrangements_agreed",
            "arrangements",
            "who_may_collect",
            "photo_id_seen",
            "photograph",
            "medical_needs",
            "medical_consent",
            "emergency_contact",
            "child_interests",
            "risks_disclosed",
            "privacy_notice_version",
            "notes",
        ]
        labels = {"adult": "Adult visited", "children": "Children who came"}
        help_texts = {
            "adult": "Each adult has their own pre-visit, apart from the other party.",
            "children": "The children usually come with the resident parent.",
        }
        widgets = {
            "children": forms.CheckboxSelectMultiple,
            "arrangements": _rows(3),
            "who_may_collect": _rows(2),
            "medical_needs": _rows(3),
            "emergency_contact": _rows(2),
            "child_interests": _rows(2),
            "risks_disclosed": _rows(3),
            "notes": _rows(3),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["adult"].queryset = case.adults.all()
        fields["children"].queryset = case.children.all()
        fields["conducted_by"].queryset = _centre_staff(also=self.instance.conducted_by_id)
        consents = case.consents.filter(withdrawn_on__isnull=True).select_related("given_by")
        fields["medical_consent"].queryset = consents
        fields["medical_consent"].label_from_instance = lambda consent: (
            f"{consent.given_by.full_name}: {consent.scope} (given {consent.given_on:%d/%m/%Y})"
        )
        fields["medical_consent"].help_text = (
            "Needed before any medical needs are recorded. Only consents from this case that "
            "are still in force are listed."
        )


class ConsentForm(CentreModelForm):
    class Meta:
        model = Consent
        fields = ["given_by", "scope", "given_on"]
        labels = {"given_by": "Given by"}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = case.adults.all()


class CommunicationForm(CentreModelForm):
    class Meta:
        model = Communication
        fields = ["occurred_on", "kind", "direction", "with_whom", "summary"]
        widgets = {"summary": _rows(4)}


class CaseDocumentForm(CentreModelForm):
    class Meta:
        model = CaseDocument
        fields = ["kind", "title", "file"]


class DeclineForm(forms.Form):
    prefix = "decline"

    reason = forms.CharField(
        label="Reason for declining",
        widget=_rows(3),
        help_text="The referrer is told why; keep it factual.",
    )


def _today():
    return timezone.localdate()


class CloseForm(forms.Form):
    prefix = "close"

    closed_on = forms.DateField(label="Date closed", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="Reason for closing", widget=_rows(3))


class ReviewForm(forms.Form):
    prefix = "review"

    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=DateInput(),
        initial=_today,
        help_text="The next review falls due six months after this date.",
    )

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on > _today():
            raise forms.ValidationError("The date of the review cannot be in the future.")
        return reviewed_on


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label="Date withdrawn", widget=DateInput(), initial=_today)

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        if withdrawn_on > _today():
            raise forms.ValidationError("The date consent was withdrawn cannot be in the future.")
        if withdrawn_on < self.consent.given_on:
            raise forms.ValidationError(
                "Consent cannot be withdrawn before the date it was given "
                f"({self.consent.given_on:%d/%m/%Y})."
            )
        return withdrawn_on
