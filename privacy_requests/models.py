"""Privacy requests, complaints and restrictions: the centre's side of the rights its
privacy notice promises.

A request or complaint is about one person the centre holds records on (an adult or a
child of a case, or a staff member). While one is open, that person's records are held:
the retention engine must not destroy what a request may cover
(``privacy_requests.retention``). The subject links are SET_NULL, so a closed request
outlives the records, and a check constraint stops them being deleted under an open one.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.plausible import too_early_error, within

from . import deadlines

SUBJECT_FIELDS = ("subject_adult", "subject_child", "subject_staff_member")


def _has_a_subject_while(statuses, name, *, named=False):
    condition = (
        ~models.Q(status__in=statuses)
        | models.Q(subject_adult__isnull=False)
        | models.Q(subject_child__isnull=False)
        | models.Q(subject_staff_member__isnull=False)
    )
    if named:
        condition |= ~models.Q(subject_name="")
    return models.CheckConstraint(condition=condition, name=name)


class AboutAPerson(models.Model):
    """What a request, a complaint and a restriction share: who it is about."""

    subject_adult = models.ForeignKey(
        "referrals.Adult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
        verbose_name="adult of a case",
    )
    subject_child = models.ForeignKey(
        "referrals.Child",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
        verbose_name="child of a case",
    )
    subject_staff_member = models.ForeignKey(
        "centre.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
        verbose_name="staff member",
    )
    subject_label = models.CharField(
        "about",
        max_length=100,
        editable=False,
        default="",
        help_text="A reference, never a name, kept for when the records have gone.",
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.subject_adult or self.subject_child or self.subject_staff_member

    def subject_errors(self):
        chosen = sum(1 for name in SUBJECT_FIELDS if getattr(self, f"{name}_id"))
        if chosen != 1:
            return {"__all__": "Choose the one person the centre holds records on it is about."}
        return {}

    def label_subject(self):
        if self.subject_adult_id:
            adult = self.subject_adult
            self.subject_label = f"AD-{adult.pk:04d} of {adult.case.display_reference}"
        elif self.subject_child_id:
            child = self.subject_child
            self.subject_label = f"CH-{child.pk:04d} of {child.case.display_reference}"
        elif self.subject_staff_member_id:
            self.subject_label = f"staff member {self.subject_staff_member.reference}"


class PrivacyRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=PrivacyRequest.OPEN_STATUSES)


class PrivacyRequest(AboutAPerson):
    class Right(models.TextChoices):
        ACCESS = "access", "Access (a subject access request)"
        RECTIFICATION = "rectification", "Rectification"
        ERASURE = "erasure", "Erasure"
        RESTRICTION = "restriction", "Restriction of processing"
        OBJECTION = "objection", "Objection"
        PORTABILITY = "portability", "Data portability"
        AUTOMATED = "automated", "Objection to automated decisions"

    class Channel(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "E-mail"
        IN_PERSON = "in_person", "In person"
        TELEPHONE = "telephone", "Telephone"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        AWAITING = "awaiting", "Awaiting identity or clarification"
        IN_PROGRESS = "in_progress", "In progress"
        EXTENDED = "extended", "Extended"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused"

    class Exemption(models.TextChoices):
        MANIFESTLY_UNFOUNDED = "unfounded", "Manifestly unfounded"
        EXCESSIVE = "excessive", "Manifestly excessive"
        THIRD_PARTY = "third_party", "It would disclose information about someone else"
        SAFEGUARDING = "safeguarding", "Safeguarding: disclosure would put someone at risk"
        LEGAL_PROCEEDINGS = "legal", "Legal proceedings, a court order or legal privilege"
        LEGAL_OBLIGATION = "obligation", "A legal obligation to keep the data"
        OTHER = "other", "Another exemption (say which)"

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        CONTRACT = "contract", "A contract with the person"
        LEGITIMATE_INTERESTS = "legitimate", "The centre's legitimate interests"
        LEGAL_OBLIGATION = "obligation", "A legal obligation"
        VITAL_INTERESTS = "vital", "Vital interests"
        PUBLIC_TASK = "public_task", "A public task"

    PORTABLE_BASES = (LawfulBasis.CONSENT, LawfulBasis.CONTRACT)

    OPEN_STATUSES = (Status.RECEIVED, Status.AWAITING, Status.IN_PROGRESS, Status.EXTENDED)

    right = models.CharField("right exercised", max_length=20, choices=Right.choices)
    channel = models.CharField("how it arrived", max_length=20, choices=Channel.choices)
    received_on = models.DateField()
    details = models.TextField(
        "what is asked",
        blank=True,
        help_text="In the requester's words where possible (for rectification: what is wrong).",
    )
    made_by_subject = models.BooleanField(
        "made by the person themselves",
        default=True,
        help_text="Untick when someone acts for them (a solicitor, a parent for a child).",
    )
    requester_name = models.CharField("who asked, if not the person", max_length=200, blank=True)
    authority_evidence = models.TextField(
        "proof of their authority to act",
        blank=True,
        help_text="What was seen: a signed authority, a court order, parental responsibility.",
    )
    # Who the request is about, when the centre holds them only in free text or not at
    # all (a referrer, a grandparent who collects, a former child whose case has gone):
    # as the requester gave them. Personal data, used to find records and never shown
    # in a list, a URL or a log.
    subject_name = models.CharField(
        "name of the person it is about, as given",
        max_length=200,
        blank=True,
        help_text=(
            "Only where the centre does not hold them as a person of a case or a staff member."
        ),
    )
    subject_date_of_birth = models.DateField("their date of birth, as given", null=True, blank=True)
    subject_details = models.TextField(
        "other details given to find them",
        blank=True,
        help_text="Addresses, phone numbers, how they knew the centre, the years they came.",
    )
    # A request made for a child by someone with parental responsibility.
    child_age = models.PositiveSmallIntegerField(
        "the child's age when the request was made",
        null=True,
        blank=True,
        validators=within(
            0,
            17,
            "the child's age in years",
            message="A child is under 18: enter their age in years, from 0 to 17. For someone "
            "of 18 or over, leave the child's age blank.",
        ),
    )
    child_competent = models.BooleanField(
        "the child is competent to decide for themselves",
        null=True,
        blank=True,
        help_text="The ICO presumes a child of 12 or over is, unless there is reason to doubt it.",
    )
    child_agreed = models.BooleanField(
        "the child agreed to the request being made for them", null=True, blank=True
    )
    best_interests = models.TextField(
        "the best-interests decision",
        blank=True,
        help_text="Why answering the parent is, or is not, in the child's best interests.",
    )
    identity_evidence = models.CharField("identity: what was seen", max_length=300, blank=True)
    identity_requested_on = models.DateField(
        "identity evidence asked for on", null=True, blank=True
    )
    identity_received_on = models.DateField(
        "identity evidence received on",
        null=True,
        blank=True,
        help_text="Where the centre asked for it, the month starts again from this day.",
    )
    identity_verified_on = models.DateField("identity checked on", null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField("why the request is complex", blank=True)
    requester_told_of_extension_on = models.DateField(
        "requester told of the extension on", null=True, blank=True
    )
    # The deadline, kept in step by ``save`` so the register can sort by it. The days of
    # a clarification not yet answered are not in it yet: see ``current_due_on``.
    due_on = models.DateField(null=True, blank=True, editable=False)
    response = models.TextField(
        "the response",
        blank=True,
        help_text="What was done and sent (for an objection: its outcome and the reasons).",
    )
    lawful_basis = models.CharField(
        "lawful basis of the processing the request is about",
        max_length=20,
        choices=LawfulBasis.choices,
        blank=True,
        help_text="Portability (Article 20) applies only to data processed by consent or contract.",
    )
    disposal_proof = models.ForeignKey(
        "retention.DisposalRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the person's records were disposed of: the proof cited in the answer.",
    )
    exemption = models.CharField(max_length=20, choices=Exemption.choices, blank=True)
    refusal_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        default_permissions = ("add", "change", "view")
        permissions = [("decide_privacyrequest", "Can decide privacy requests")]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            _has_a_subject_while(
                ["received", "awaiting", "in_progress", "extended"],
                "open_privacy_request_has_a_subject",
                named=True,
            )
        ]

    def __str__(self):
        return f"Privacy request {self.reference}"

    def save(self, *args, **kwargs):
        # A derived column, not a decision: whatever saves the request, the deadline
        # stored is the one its dates give (its answered clarifications read afresh, so
        # a pause just closed counts whatever the caller holds in memory).
        if self.received_on:
            answered = self.pauses.filter(answered_on__isnull=False) if self.pk else []
            self.due_on = deadlines.statutory_due_date(
                self.received_on,
                identity_received_on=self.identity_received_on,
                pauses=[(pause.asked_on, pause.answered_on) for pause in answered],
                extended=self.extended_on is not None,
            )
        super().save(*args, **kwargs)

    @property
    def reference(self):
        return f"PR-{self.pk:04d}" if self.pk else "PR-new"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    # Who it is about: a person the centre holds, or one named by the requester.

    @property
    def holds_the_subject(self):
        return any(getattr(self, f"{name}_id") for name in SUBJECT_FIELDS)

    @property
    def is_about_a_named_person(self):
        """About someone the centre holds only in free text, or no longer holds: by the
        name the requester gave."""
        return bool(self.subject_name.strip()) and not self.holds_the_subject

    def subject_errors(self):
        """Exactly one of: a person the centre holds records on, or a named person."""
        held = sum(1 for name in SUBJECT_FIELDS if getattr(self, f"{name}_id"))
        named = bool(self.subject_name.strip())
        errors = {}
        if held > 1 or (held and named):
            errors["__all__"] = (
                "A request is about one person: choose the person the centre holds records "
                "on, or give the name of someone it does not hold, not both."
            )
        elif not held and not named:
            errors["__all__"] = (
                "Say who the request is about: choose the person the centre holds records "
                "on, or give their name as the requester gave it."
            )
        elif not named and (self.subject_date_of_birth or self.subject_details.strip()):
            errors["subject_name"] = (
                "A date of birth or details are only for a person named by the requester: "
                "give their name, or leave those blank when choosing a person the centre holds."
            )
        return errors

    def label_subject(self):
        """A reference, never a name. A named person is "a person named in PR-0007",
        so the request needs its id first (``privacy_request_log`` labels it once saved)."""
        super().label_subject()
        if self.is_about_a_named_person:
            self.subject_label = f"a person named in {self.reference}" if self.pk else ""

    # A request made for a child by a parent (or anyone else with parental responsibility).

    @property
    def is_for_a_child(self):
        """Made by someone else for a child: a child of a case, or a named person whose
        age as a child is given."""
        if self.made_by_subject:
            return False
        return bool(self.subject_child_id) or (
            self.is_about_a_named_person and self.child_age is not None
        )

    @property
    def child_presumed_competent(self):
        """The ICO presumes a child of 12 or over can decide for themselves."""
        return self.child_age is not None and self.child_age >= 12

    def _child_errors(self):
        errors = {}
        if self.child_age is None:
            return errors
        if self.subject_adult_id or self.subject_staff_member_id:
            errors["child_age"] = (
                "The child's age is only for a request about a child: leave it blank for an "
                "adult or a staff member."
            )
        # An age of 18 or over is refused by the field's own range (``within``).
        return errors

    def release_errors(self):
        """What stops anything being released (a pack, an answer) to a parent asking for
        a child: the child's age, competence, agreement (where competent) and the
        best-interests decision must be recorded, and a competent child who did not agree
        is not answered through the parent. Empty where nothing stops it."""
        if not self.is_for_a_child:
            return {}
        missing = []
        if self.child_age is None:
            missing.append("the child's age")
        if self.child_competent is None:
            missing.append("whether the child is competent to decide")
        if self.child_competent and self.child_agreed is None:
            missing.append("whether the child agreed")
        if not self.best_interests.strip():
            missing.append("the best-interests decision")
        if missing:
            listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            return {
                "__all__": (
                    "This request was made for a child by someone else. Before anything is "
                    f"released, record {listed}."
                )
            }
        if self.child_competent and self.child_agreed is False:
            return {
                "__all__": (
                    "The child is competent to decide and did not agree: the request cannot "
                    "be answered to the person who made it for them."
                )
            }
        return {}

    # The clock of Article 12A (``deadlines``). Identity evidence asked for and not yet
    # arrived means the month has not started; a clarification not yet answered stops
    # the clock. Each reads the request's pauses through ``pauses.all()``, so a list
    # that prefetches them costs one query however long it is.

    @property
    def awaiting_identity(self):
        return self.identity_requested_on is not None and self.identity_received_on is None

    @property
    def open_pause(self):
        """The clarification asked for and not yet answered, if any."""
        if not self.pk:
            return None
        return next((p for p in self.pauses.all() if p.answered_on is None), None)

    @property
    def clock_stopped(self):
        """Whether no deadline runs today: the identity evidence asked for has not arrived
        (the month has not started), or a clarification asked for within the deadline is
        unanswered. A question asked after the deadline had passed stops nothing."""
        if self.awaiting_identity:
            return True
        pause = self.open_pause
        return pause is not None and pause.asked_on <= self.due_on

    def _clock(self, today, *, open_pauses_to_today=True):
        """The deadline's arguments as they stand on ``today``: evidence still awaited
        counted as if it arrived today, an open clarification as if answered today."""
        identity_received_on = self.identity_received_on
        if self.awaiting_identity:
            identity_received_on = max(today, self.received_on)
        pauses = []
        for pause in self.pauses.all() if self.pk else []:
            answered_on = pause.answered_on
            if answered_on is None and open_pauses_to_today:
                answered_on = max(today, pause.asked_on)
            pauses.append((pause.asked_on, answered_on))
        return {"identity_received_on": identity_received_on, "pauses": pauses}

    def current_due_on(self, today=None):
        """The deadline as it stands today: were the evidence awaited, or the answer to an
        open clarification, to arrive today, the request would be due by this day."""
        today = today or timezone.localdate()
        return deadlines.statutory_due_date(
            self.received_on, extended=self.extended_on is not None, **self._clock(today)
        )

    def deadline_steps(self, today=None):
        """How ``current_due_on`` is reached, step by step in plain words."""
        today = today or timezone.localdate()
        clock = self._clock(today, open_pauses_to_today=False)
        steps = deadlines.deadline_steps(
            self.received_on, extended=self.extended_on is not None, today=today, **clock
        )
        if self.awaiting_identity:
            # The evidence has not arrived: say so, instead of the step that says it did.
            if clock["identity_received_on"] > self.received_on:
                del steps[1]
            asked = self.identity_requested_on
            steps.insert(
                1,
                f"Identity evidence asked for on {asked.day} {asked:%B %Y} has not arrived: "
                "the month starts again on the day it does. Counted as if it arrived today, "
                f"{today.day} {today:%B %Y}.",
            )
        return steps

    def extension_notice_by(self, today=None):
        """The last day the requester may be told of an extension: the end of the first
        month, counted from the same start with the same pauses (Article 12A(4))."""
        today = today or timezone.localdate()
        return deadlines.extension_notice_due_date(self.received_on, **self._clock(today))

    def _identity_clock_errors(self, today):
        errors = {}
        for field, what in (
            ("identity_requested_on", "Identity evidence cannot be asked for"),
            ("identity_received_on", "Identity evidence cannot arrive"),
        ):
            day = getattr(self, field)
            if day and day > today:
                errors[field] = f"{what} in the future."
            elif day and self.received_on and day < self.received_on:
                errors[field] = f"{what} before the request was received."
        received, requested = self.identity_received_on, self.identity_requested_on
        if received and "identity_received_on" not in errors:
            if requested is None:
                errors["identity_received_on"] = (
                    "Identity evidence starts the month again only when the centre asked "
                    "for it: record the day it was asked for first."
                )
            elif received < requested:
                errors["identity_received_on"] = (
                    "Identity evidence cannot arrive before it was asked for."
                )
        return errors

    def clean(self):
        super().clean()
        errors = self.subject_errors()
        today = timezone.localdate()
        if self.received_on and self.received_on > today:
            errors["received_on"] = "A request cannot be received in the future."
        elif message := too_early_error("received_on", "The date received", self.received_on):
            errors["received_on"] = message
        if self.subject_date_of_birth and self.subject_date_of_birth > today:
            errors["subject_date_of_birth"] = "A date of birth cannot be in the future."
        elif message := too_early_error(
            "subject_date_of_birth", "A date of birth", self.subject_date_of_birth
        ):
            errors["subject_date_of_birth"] = message
        errors.update(self._child_errors())
        if self.status == self.Status.COMPLETED:
            for name, message in self.release_errors().items():
                errors[name] = [*([errors[name]] if name in errors else []), message]
        if not self.made_by_subject and not self.requester_name.strip():
            errors["requester_name"] = "Say who made the request for the person."
        if not self.made_by_subject and not self.authority_evidence.strip():
            errors["authority_evidence"] = (
                "Say what shows they may act for the person before anything is released."
            )
        if self.identity_verified_on and self.identity_verified_on > today:
            errors["identity_verified_on"] = "Identity cannot be checked in the future."
        errors.update(self._identity_clock_errors(today))
        if self.status == self.Status.EXTENDED and not self.extension_reason.strip():
            errors["extension_reason"] = "Give the reason the request is extended."
        if self.status == self.Status.COMPLETED and not self.response.strip():
            errors["response"] = "Record the response before completing the request."
        if self.status == self.Status.REFUSED:
            if not self.exemption:
                errors["exemption"] = "Say which exemption the refusal relies on."
            if not self.refusal_reason.strip():
                errors["refusal_reason"] = "Give the reasons for the refusal."
        if errors:
            raise ValidationError(errors)


class Complaint(AboutAPerson):
    """A formal complaint about how the centre uses someone's personal data."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        INVESTIGATING = "investigating", "Being investigated"
        RESOLVED = "resolved", "Outcome given"

    OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING)
    ACKNOWLEDGE_WITHIN_DAYS = 30

    received_on = models.DateField()
    channel = models.CharField(
        "how it arrived", max_length=20, choices=PrivacyRequest.Channel.choices
    )
    complainant_name = models.CharField(
        "who complained, if not the person", max_length=200, blank=True
    )
    summary = models.TextField("what the complaint is about")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    acknowledged_on = models.DateField(null=True, blank=True)
    investigation = models.TextField("what the investigation found", blank=True)
    outcome = models.TextField(blank=True)
    resolved_on = models.DateField("outcome given on", null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "pk"]
        default_permissions = ("add", "change", "view")
        constraints = [
            _has_a_subject_while(
                ["received", "acknowledged", "investigating"], "open_complaint_has_a_subject"
            )
        ]

    def __str__(self):
        return f"Complaint {self.reference}"

    @property
    def reference(self):
        return f"CO-{self.pk:04d}" if self.pk else "CO-new"

    @property
    def acknowledge_by(self):
        return self.received_on + datetime.timedelta(days=self.ACKNOWLEDGE_WITHIN_DAYS)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def clean(self):
        super().clean()
        errors = self.subject_errors()
        today = timezone.localdate()
        for field, label in (
            ("received_on", "A complaint cannot be received in the future."),
            ("acknowledged_on", "An acknowledgement cannot be dated in the future."),
            ("resolved_on", "An outcome cannot be dated in the future."),
        ):
            if getattr(self, field) and getattr(self, field) > today:
                errors[field] = label
        if "received_on" not in errors and (
            message := too_early_error("received_on", "The date received", self.received_on)
        ):
            errors["received_on"] = message
        if self.acknowledged_on and self.received_on and self.acknowledged_on < self.received_on:
            errors["acknowledged_on"] = "A complaint cannot be acknowledged before it arrived."
        if self.status == self.Status.RESOLVED:
            if not self.outcome.strip():
                errors["outcome"] = "Record the outcome before closing the complaint."
            if not self.resolved_on:
                errors["resolved_on"] = "Give the date the outcome was sent."
        if errors:
            raise ValidationError(errors)


class RestrictionQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(lifted_on__isnull=True)


class Restriction(AboutAPerson):
    """Processing of a person's records is restricted: hidden from volunteers, read-only
    for staff, with the reason on a banner, until lifted."""

    request = models.ForeignKey(
        PrivacyRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restrictions",
    )
    reason = models.TextField(help_text="Shown on the banner of the person's records.")
    placed_on = models.DateField(default=timezone.localdate)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_on", "-pk"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Restriction on {self.subject_label}"

    def clean(self):
        super().clean()
        errors = self.subject_errors()
        if not self.reason.strip():
            errors["reason"] = "Give the reason for the restriction: it is shown on the banner."
        if self.lifted_on and not self.lift_reason.strip():
            errors["lift_reason"] = "Give the reason the restriction is lifted."
        if errors:
            raise ValidationError(errors)


class ClarificationPause(models.Model):
    """The centre asked the requester to clarify their request (Article 12A(3)): the days
    from asking to the answer, both included, do not count towards the deadline."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="pauses")
    asked_on = models.DateField("clarification asked for on")
    asked_for = models.CharField("what was asked", max_length=200, blank=True)
    answered_on = models.DateField("answer received on", null=True, blank=True)

    class Meta:
        ordering = ["asked_on", "pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_on__isnull=True)
                | models.Q(answered_on__gte=models.F("asked_on")),
                name="pause_answered_after_asked",
            )
        ]

    def __str__(self):
        return f"Clarification asked on {self.asked_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.asked_on and self.answered_on and self.answered_on < self.asked_on:
            raise ValidationError(
                {"answered_on": "The answer cannot have arrived before it was asked for."}
            )


class RequestRecord(models.Model):
    """A record staff confirmed is about the request's person (found by
    ``privacy_requests.finding``). It keeps the record's reference, never its content, so
    it outlives the record."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="records")
    record_type = models.CharField(max_length=100, help_text='"app.model"')
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=100)
    label = models.CharField(max_length=200, help_text="A reference, never a name.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["request", "record_type", "object_id"], name="one_link_per_record"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.label}"


class ResponsePack(models.Model):
    """The response to an access request as it was built, reviewed and released: a
    snapshot, so what the reviewer marked is exactly what is released.

    ``sections`` is ``[{"title", "items": [{"label", "parts": [{"id", "text", "redact",
    "reason"}]}]}]``: each item is a field or a line of the pack, in parts so that a name
    inside free text can be redacted without the rest. Part ids are unique in the pack.
    Once released (``released_at``) it never changes.
    """

    request = models.OneToOneField(
        PrivacyRequest, on_delete=models.CASCADE, related_name="response_pack"
    )
    sections = models.JSONField(default=list)
    built_at = models.DateTimeField(default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disclosure = models.ForeignKey(
        "centre.Disclosure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the person the pack is about was disposed of (their case, or an erasure) before
    # the request's own period ended, the pack's copy of them went with them: ``sections``
    # is emptied and this says when. That a pack was released, when and by whom stays.
    copy_destroyed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Response pack for {self.request.reference}"

    @property
    def is_released(self):
        return self.released_at is not None

    def parts(self):
        for section in self.sections:
            for item in section["items"]:
                yield from item["parts"]

    @property
    def redaction_count(self):
        return sum(1 for part in self.parts() if part["redact"])
