"""Safeguarding records: for now, the concerns anyone at the centre raises about a child.

Safeguarding records are the centre's most sensitive and the ones it keeps longest: each
outlives the case it came from, so it keeps copies of the labels it needs to make sense
on its own."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from attendance.models import Booking
from referrals.models import Case, Child

# The "when" of a concern is typed to the minute, often from a tablet's or a watch's
# idea of the time: a few minutes ahead is a slip, not a concern dated in the future.
FUTURE_ALLOWANCE = datetime.timedelta(minutes=5)


class ConcernQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=Concern.Status.NEW)


class Concern(models.Model):
    """A worry about a child, in the words of the person who raised it. The designated
    safeguarding lead triages it (a later piece of work builds on ``status``)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        SEEN = "seen", "Seen"

    # SET_NULL, not CASCADE or PROTECT: the concern must outlive its case, and must not
    # stop the case being disposed of when its own time comes. ``case_reference`` keeps
    # the case's reference for when the case has gone.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    case_reference = models.CharField(max_length=64, blank=True, editable=False)
    children = models.ManyToManyField(Child, blank=True, related_name="concerns")
    # The children's names and dates of birth as they were when the concern was raised.
    # The links above vanish when the case and its children are disposed of, but a
    # safeguarding record must still say whom it is about (the date of birth tells apart
    # two children of the same name, and is what the record's own retention runs from).
    # A copy, as the accident book keeps its own, not a reference that can break.
    children_names = models.TextField(blank=True, editable=False)
    # The youngest child's date of birth, copied with the names: a concern about a child
    # comes up for review when that child turns 25 (``child-safeguarding``), long after
    # the link to the child has gone with the case.
    youngest_child_born_on = models.DateField(null=True, blank=True, editable=False)
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        help_text="The session booking it was raised from, on the register.",
    )
    occurred_at = models.DateTimeField("when", default=timezone.now)
    where = models.CharField(max_length=200, blank=True)
    what_happened = models.TextField(
        "what was seen or said",
        help_text="In the person's own words, as far as you can remember them.",
        error_messages={"blank": "Say what was seen or said, in the person's own words."},
    )
    others_present = models.TextField("who else was there", blank=True)
    action_taken = models.TextField("what was done at once", blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)

    history = HistoricalRecords(m2m_fields=[children])
    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status"])]
        # Safeguarding records are never deleted from a screen: disposal, when it comes,
        # is the retention engine's.
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Safeguarding concern {self.reference}"

    @property
    def reference(self):
        return f"SC-{self.pk:04d}" if self.pk else "SC-new"

    def clean(self):
        super().clean()
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now() + FUTURE_ALLOWANCE:
            errors["occurred_at"] = ValidationError(
                "A concern cannot be about something that has not happened yet: check the "
                "date and time.",
                code="future",
            )
        if self.booking_id and self.case_id and self.booking.case_id != self.case_id:
            errors["case"] = ValidationError(
                "The booking it was raised from is for another case.", code="other_case"
            )
        if errors:
            raise ValidationError(errors)


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Incident.Status.OPEN)


class Incident(models.Model):
    """A safeguarding matter the designated safeguarding lead has opened, from a concern
    or directly: triage, the decision and its reasons, actions, outcome and closure.

    Like a concern it outlives its case: the case and children links may vanish, the
    copies (``case_reference`` and the ``IncidentChild`` rows) stay."""

    class Type(models.TextChoices):
        CHILD_PROTECTION = "child_protection", "Child protection concern"
        ALLEGATION = "allegation", "Allegation against staff or a volunteer"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        IMMEDIATE = "immediate", "Immediate risk of harm"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    case_reference = models.CharField(max_length=64, blank=True, editable=False)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    occurred_on = models.DateField("date it happened")
    summary = models.TextField("what happened")
    action_taken = models.TextField("what was done at once", blank=True)
    type = models.CharField(max_length=30, choices=Type.choices, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    decision = models.TextField(blank=True)
    decision_reasons = models.TextField(
        "reasons for the decision",
        blank=True,
        help_text="Including the reasons for a decision not to act.",
    )
    outcome = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["case", "status"])]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Safeguarding incident {self.reference}"

    @property
    def reference(self):
        return f"SI-{self.pk:04d}" if self.pk else "SI-new"

    def clean(self):
        super().clean()
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "An incident cannot be dated in the future."
        if self.status == self.Status.CLOSED:
            if not self.outcome.strip():
                errors["outcome"] = "Record the outcome before closing the incident."
            if not self.closed_on:
                errors["closed_on"] = "Give the date the incident was closed."
        if self.closed_on and self.occurred_on and self.closed_on < self.occurred_on:
            errors["closed_on"] = "An incident cannot close before it happened."
        if errors:
            raise ValidationError(errors)


class IncidentChild(models.Model):
    """A child an incident is about, with copies of the name and date of birth that
    outlive the child's case (the review at 25 runs from the date of birth)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="incident_links"
    )
    name = models.CharField(max_length=300)
    date_of_birth = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class IncidentAction(models.Model):
    class Kind(models.TextChoices):
        CHILDRENS_SERVICES = "childrens_services", "Referred to children's services or MASH"
        POLICE = "police", "Police informed"
        CAFCASS_OR_COURT = "cafcass_or_court", "Cafcass or the court informed"
        CONTACT_SUSPENDED = "contact_suspended", "Contact suspended"
        PARENTS_INFORMED = "parents_informed", "Parents informed"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    taken_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.taken_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.taken_on and self.taken_on > timezone.localdate():
            raise ValidationError({"taken_on": "An action cannot be dated in the future."})


class Accident(models.Model):
    """An entry in the accident book. One entry concerns one person; entries written
    together for the same event share an ``occurrence``. An entry about a child keeps its
    own copy of the child's name and date of birth: it is kept indefinitely and outlives
    the case it came from."""

    occurrence = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="accidents"
    )
    case_reference = models.CharField(max_length=64, blank=True, editable=False)
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="accidents"
    )
    person_name = models.CharField("who was hurt", max_length=300)
    # Set when the entry is written about a child of a case: it is then kept indefinitely
    # and reviewed when the child turns 25, even after the child link has gone.
    about_child = models.BooleanField(default=False, editable=False)
    person_date_of_birth = models.DateField("their date of birth", null=True, blank=True)
    occurred_at = models.DateTimeField("when")
    where = models.CharField(max_length=200, blank=True)
    what_happened = models.TextField()
    first_aid_given = models.TextField(blank=True)
    first_aid_by = models.CharField("first aid given by", max_length=200, blank=True)
    who_was_told = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "pk"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Accident of {timezone.localtime(self.occurred_at):%d/%m/%Y}"

    def clean(self):
        super().clean()
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now() + FUTURE_ALLOWANCE:
            errors["occurred_at"] = "An accident cannot be recorded before it happens."
        if self.person_date_of_birth and self.person_date_of_birth > timezone.localdate():
            errors["person_date_of_birth"] = "A date of birth cannot be in the future."
        if errors:
            raise ValidationError(errors)


class HoldQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(lifted_at__isnull=True)


class Hold(models.Model):
    """Stops disposal of everything in its scope: a case (with all its records), an adult
    of a case, or a staff member. The retention engine asks
    ``Hold.objects.standing()`` which records are held, in one query."""

    class Kind(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding"
        LEGAL = "legal", "Legal"
        PRIVACY_REQUEST = "privacy-request", "Privacy request"

    class LegalBasis(models.TextChoices):
        COURT_ORDER = "court_order", "A court order"
        POLICE_REQUEST = "police_request", "A police request"
        SEARCH_WARRANT = "search_warrant", "A search warrant"
        CLAIM = "claim", "A claim"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="holds"
    )
    adult = models.ForeignKey(
        "referrals.Adult", null=True, blank=True, on_delete=models.SET_NULL, related_name="holds"
    )
    staff_member = models.ForeignKey(
        "centre.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holds",
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="holds"
    )
    scope_label = models.CharField(max_length=100, editable=False)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices, blank=True)
    reason = models.TextField()
    review_on = models.DateField("review on", null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["lifted_at", "case"])]
        default_permissions = ("add", "change", "view")
        permissions = [("lift_hold", "Can lift a hold")]
        # A standing hold has exactly one scope. Its links are SET_NULL, so deleting what a
        # standing hold covers breaks this constraint and fails: a safety net under the
        # retention engine, which never disposes of held records.
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, adult__isnull=True, staff_member__isnull=True)
                    | models.Q(case__isnull=True, adult__isnull=False, staff_member__isnull=True)
                    | models.Q(case__isnull=True, adult__isnull=True, staff_member__isnull=False)
                    | models.Q(lifted_at__isnull=False)
                ),
                name="hold_has_one_scope_while_standing",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} hold on {self.scope_label}"

    @property
    def is_standing(self):
        return self.lifted_at is None

    def clean(self):
        super().clean()
        errors = {}
        if not self.reason.strip():
            errors["reason"] = "Give the reason for the hold."
        if self.kind == self.Kind.LEGAL and not self.legal_basis:
            errors["legal_basis"] = "Say what the legal hold rests on."
        if self.lifted_at and not self.lift_reason.strip():
            errors["lift_reason"] = "Give the reason the hold is lifted."
        if errors:
            raise ValidationError(errors)
