"""A case is one family's contact arrangement: its referral, the adults and children in
it, the pre-visits, consents, communications and documents."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centre.models import future_date_errors, private_file_field


class RetentionRule(models.TextChoices):
    """The two rows of the privacy policy's retention table that cover case records."""

    CONTACT_COURT = "contact-court", "Three years after closure"
    CONTACT_SELF = "contact-self", "One year after closure"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Case.Status.DECLINED, Case.Status.CLOSED])

    def due_for_review(self, on=None):
        on = on or timezone.localdate()
        return self.filter(status=Case.Status.ACTIVE, next_review_on__lte=on)

    def search(self, term):
        """Cases matching a reference, a person's name, a date of birth or a postcode.

        Each way of matching is an indexed lookup returning case ids (see migration 0002
        for the names), and their union picks the cases: the cost follows the matches,
        not the number of cases held."""
        term = " ".join(term.split())
        if not term:
            return self
        matches = [
            # Our references are stored in capitals; former ones as they came.
            Case.objects.filter(reference=term.upper()).values("pk"),
            Case.objects.filter(former_reference__iexact=term).values("pk"),
        ]
        date = _parse_date(term)
        if date:
            matches.append(Adult.objects.filter(date_of_birth=date).values("case_id"))
            matches.append(Child.objects.filter(date_of_birth=date).values("case_id"))
        postcode = _postcode_key(term)
        if 5 <= len(postcode) <= 8 and any(c.isdigit() for c in postcode):
            matches.append(Adult.objects.filter(postcode_key=postcode).values("case_id"))
        words = [word for word in term.split() if not any(c.isdigit() for c in word)]
        if words:
            for model in (Adult, Child):
                same_person = Q()
                for word in words:
                    same_person &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
                matches.append(model.objects.filter(same_person).values("case_id"))
        return self.filter(pk__in=matches[0].union(*matches[1:]))


def _parse_date(text):
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Referral received"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        PRE_VISITS = "pre_visits", "Pre-visits"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    former_reference = models.CharField(
        max_length=64,
        blank=True,
        help_text="The reference this case had in the centre's earlier records, if any.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    declined_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=300, blank=True)
    activated_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(
        null=True, blank=True, help_text="Every active case is reviewed six-monthly."
    )
    retention_rule = models.CharField(
        max_length=20, choices=RetentionRule.choices, default=RetentionRule.CONTACT_COURT
    )
    retention_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # The case list, newest first: without it every page sorts every case.
            models.Index(fields=["-created_at", "-id"], name="case_newest_first"),
            models.Index(fields=["retention_rule"]),
            # The six-monthly reviews due, counted and listed on the home pages.
            models.Index(fields=["status", "next_review_on"], name="case_review_due"),
            models.Index(Upper("former_reference"), name="case_former_ref_upper"),
        ]

    def __str__(self):
        return self.display_reference

    @property
    def display_reference(self):
        """The former reference where the case was imported, otherwise ours."""
        return self.former_reference or self.reference

    @property
    def is_open(self):
        return self.status not in (self.Status.DECLINED, self.Status.CLOSED)

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"closed_on": "The closure date"})
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """Who moved a case from one status to another, when, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} to {self.to_status}"


class Referral(models.Model):
    class Source(models.TextChoices):
        SELF = "self", "Self-referral"
        CAFCASS = "cafcass", "Cafcass"
        SOLICITOR = "solicitor", "Family solicitor"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        COURT = "court", "Court"
        OTHER = "other", "Other"

    class Service(models.TextChoices):
        SUPPORTED = "supported", "Supported contact"
        SUPERVISED = "supervised", "Supervised contact"
        HANDOVER = "handover", "Handover only"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"
        OTHER = "other", "Other"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_other = models.CharField("other source", max_length=200, blank=True)
    received_on = models.DateField()
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField("referrer's e-mail address", blank=True)
    referrer_phone = models.CharField("referrer's phone", max_length=40, blank=True)
    referrer_address = models.TextField("referrer's address", blank=True)
    service = models.CharField("service asked for", max_length=20, choices=Service.choices)
    court_order = models.BooleanField("there is a court order", default=False)
    court_order_type = models.CharField(max_length=200, blank=True)
    court_order_date = models.DateField(null=True, blank=True)
    court_order_copy = private_file_field("copy of the court order")
    cafcass_involved = models.BooleanField("Cafcass is involved", default=False)
    risk_domestic_abuse = models.BooleanField("domestic abuse", default=False)
    risk_substance_misuse = models.BooleanField("substance misuse", default=False)
    risk_abduction = models.BooleanField("abduction risk", default=False)
    risk_mental_health = models.BooleanField("mental health", default=False)
    risk_other = models.BooleanField("other risk", default=False)
    risk_notes = models.TextField("notes on the risks disclosed", blank=True)
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=100, blank=True)
    access_needs = models.TextField(blank=True)
    frequency_requested = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    days_requested = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    RISK_FIELDS = (
        "risk_domestic_abuse",
        "risk_substance_misuse",
        "risk_abduction",
        "risk_mental_health",
        "risk_other",
    )

    def __str__(self):
        return f"Referral for {self.case}"

    @property
    def risks(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.RISK_FIELDS
            if getattr(self, name)
        ]

    def clean(self):
        super().clean()
        errors = future_date_errors(
            self,
            {"received_on": "The date received", "court_order_date": "The date of the order"},
        )
        if self.source == self.Source.OTHER and not self.source_other:
            errors["source_other"] = "Say where the referral came from."
        if not self.court_order and (
            self.court_order_type or self.court_order_date or self.court_order_copy
        ):
            errors["court_order"] = "Tick this if there is a court order, or clear its details."
        if self.interpreter_needed and not self.interpreter_language:
            errors["interpreter_language"] = "Say which language the interpreter is needed for."
        if errors:
            raise ValidationError(errors)


class ProtectiveOrder(models.Model):
    """A non-molestation, prohibited steps or exclusion order, and whom it names."""

    class Kind(models.TextChoices):
        NON_MOLESTATION = "non_molestation", "Non-molestation order"
        PROHIBITED_STEPS = "prohibited_steps", "Prohibited steps order"
        EXCLUSION = "exclusion", "Exclusion order"
        OTHER = "other", "Other order"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protective_orders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    names = models.CharField(
        "who it names", max_length=300, help_text="The people the order restrains or protects."
    )
    made_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} naming {self.names}"

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"made_on": "The date the order was made"})
        if self.made_on and self.expires_on and self.expires_on < self.made_on:
            errors["expires_on"] = "An order cannot expire before it was made."
        if errors:
            raise ValidationError(errors)


def _postcode_key(postcode):
    return postcode.replace(" ", "").upper()


class Adult(models.Model):
    class Role(models.TextChoices):
        RESIDENT = "resident", "Resident parent or carer"
        VISITING = "visiting", "Visiting parent"
        OTHER = "other", "Other adult allowed to attend"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="adults")
    former_reference = models.CharField(max_length=64, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    relationship = models.CharField(
        "relationship to the children", max_length=100, blank=True, help_text="For example mother."
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    phone_other = models.CharField("other phone", max_length=40, blank=True)
    address = models.TextField("mailing address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # The postcode without spaces, upper case: what the search looks up, by index.
    postcode_key = models.GeneratedField(
        expression=Upper(Replace("postcode", Value(" "), Value(""))),
        output_field=models.CharField(max_length=10),
        db_persist=True,
        db_index=True,
    )
    has_parental_responsibility = models.BooleanField(
        "has parental responsibility", null=True, blank=True
    )
    contact_details_confidential = models.BooleanField(
        "contact details confidential from the other party",
        default=False,
        help_text=(
            "Their address, postcode, phone numbers and e-mail address are then never shown "
            "on anything the other party may receive."
        ),
    )
    never_disclose = models.TextField(
        "never to reach the other party",
        blank=True,
        help_text=(
            "For a confidential adult: other words that must never reach the other party, "
            "one per line (a new partner's name, a school, a workplace, a town)."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        # Resident, then visiting, then other adults: the order staff read a family in.
        ordering = [
            models.Case(
                models.When(role="resident", then=0),
                models.When(role="visiting", then=1),
                default=2,
            ),
            "last_name",
            "first_name",
        ]
        # Name prefix searches use the PostgreSQL-only indexes of migrations 0002 and 0009.
        indexes = [
            models.Index(fields=["date_of_birth"]),
            # The person picker finds a former reference typed in any case.
            models.Index(Upper("former_reference"), name="adult_former_ref_upper"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"date_of_birth": "A date of birth"})
        short = [
            line.strip()
            for line in (self.never_disclose or "").splitlines()
            if 0 < len(line.strip()) < 3
        ]
        if short:
            errors["never_disclose"] = (
                "Each line needs at least three letters, or it would hide too much: "
                + ", ".join(f"'{line}'" for line in short)
                + "."
            )
        if errors:
            raise ValidationError(errors)


class Child(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    former_reference = models.CharField(max_length=64, blank=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    needs = models.TextField(
        blank=True,
        help_text=(
            "Support the child needs at the centre. Medical needs go on the pre-visit, "
            "only with consent."
        ),
    )
    interests = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date_of_birth", "first_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(Upper("former_reference"), name="child_former_ref_upper"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"date_of_birth": "A child's date of birth"})
        if errors:
            raise ValidationError(errors)


class Consent(models.Model):
    """Explicit consent to record special category information (medical needs, for
    example). Withdrawing it removes the information it covered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="consents_given")
    scope = models.CharField(
        "what it covers",
        max_length=300,
        help_text="For example: Sam's allergies and medication, to keep Sam safe at sessions.",
    )
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on"]

    def __str__(self):
        return f"Consent from {self.given_by} to record {self.scope}"

    @property
    def is_active(self):
        return self.withdrawn_on is None

    def clean(self):
        super().clean()
        errors = future_date_errors(
            self,
            {"given_on": "The date consent was given", "withdrawn_on": "The date of withdrawal"},
        )
        if self.given_by_id and self.case_id and self.given_by.case_id != self.case_id:
            errors["given_by"] = "Consent must come from an adult in this case."
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given."
        if errors:
            raise ValidationError(errors)


class PreVisit(models.Model):
    """The mandatory pre-visit, one for each adult separately (the child comes with the
    resident parent), with the centre's checklist."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pre_visits")
    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="pre_visits")
    children = models.ManyToManyField(Child, blank=True, related_name="pre_visits")
    visited_on = models.DateField()
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground_rules_agreed_on = models.DateField("ground rules agreed on", null=True, blank=True)
    ground_rules_witnessed_by = models.CharField(
        "agreement witnessed by", max_length=200, blank=True
    )
    arrangements_agreed = models.BooleanField(
        "arrival and departure arrangements agreed", default=False
    )
    arrangements = models.TextField("arrival and departure arrangements", blank=True)
    who_may_collect = models.TextField("who may collect the child", blank=True)
    photo_id_seen = models.BooleanField("photo identification seen", default=False)
    photograph = private_file_field(
        "photograph for identification at handover",
        help_text="Optional. A photo (JPEG or PNG) or a PDF, up to 10 MB; volunteers see it "
        "at handover.",
    )
    medical_needs = models.TextField(
        "medical needs and allergies",
        blank=True,
        help_text="Special category information: record it only with explicit consent.",
    )
    medical_consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        # RESTRICT, not PROTECT: a consent cannot be deleted from under its pre-visit,
        # but both go when their case is disposed of.
        on_delete=models.RESTRICT,
        related_name="pre_visits",
        verbose_name="consent to record medical needs",
    )
    emergency_contact = models.TextField(blank=True)
    child_interests = models.TextField("the child's interests", blank=True)
    risks_disclosed = models.TextField("any risks disclosed", blank=True)
    privacy_notice_version = models.CharField(
        "privacy notice given (version)",
        max_length=50,
        blank=True,
        help_text="The version or date of the privacy notice handed over.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visited_on", "pk"]

    def __str__(self):
        return f"Pre-visit with {self.adult} on {self.visited_on:%d/%m/%Y}"

    @property
    def is_complete(self):
        return bool(self.ground_rules_agreed_on and self.arrangements_agreed)

    def clean(self):
        super().clean()
        errors = future_date_errors(
            self,
            {
                "visited_on": "A pre-visit date",
                "ground_rules_agreed_on": "The date the ground rules were agreed",
            },
        )
        if self.adult_id and self.case_id and self.adult.case_id != self.case_id:
            errors["adult"] = "The adult must belong to this case."
        if self.ground_rules_agreed_on and not self.ground_rules_witnessed_by:
            errors["ground_rules_witnessed_by"] = "Say who witnessed the agreement."
        consent = self.medical_consent if self.medical_consent_id else None
        if consent and consent.case_id != self.case_id:
            errors["medical_consent"] = "The consent must be one given in this case."
        elif self.medical_needs and not (consent and consent.is_active):
            errors["medical_consent"] = (
                "Medical needs can be recorded only with explicit consent: record the consent "
                "first, then choose it here."
            )
        if errors:
            raise ValidationError(errors)


class Communication(models.Model):
    """A telephone call, e-mail, letter or conversation about the case."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Telephone call"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Letter"
        CONVERSATION = "conversation", "Conversation"
        OTHER = "other", "Other"

    class Direction(models.TextChoices):
        INCOMING = "in", "Incoming"
        OUTGOING = "out", "Outgoing"
        NONE = "none", "Not applicable"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="communications")
    occurred_on = models.DateField("date")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    with_whom = models.CharField("with whom", max_length=200)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        errors = future_date_errors(self, {"occurred_on": "The date"})
        if errors:
            raise ValidationError(errors)


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        COURT_ORDER = "court_order", "Court order"
        REFERRAL_FORM = "referral_form", "Referral form"
        LETTER = "letter", "Letter"
        REPORT = "report", "Report"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = private_file_field(blank=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title


class ReferenceCounter(models.Model):
    """The last case number given out in each year, so references run HC-2026-0001,
    HC-2026-0002 and so on without gaps or clashes."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
