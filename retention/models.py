"""The retention schedule as data, the disposal queue, and the proof of disposal.

Nothing here holds the content of a record: a queue item and a disposal record carry the
record's kind, reference and dates, and a summary written to reveal nothing sensitive.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from core.plausible import within

from .schedule import ACTIONS, TRIGGERS, Action, RuleKey, describe_period


class Rule(models.Model):
    """One row of the privacy policy's retention table. The key and what starts its clock
    are code; the period and the policy's wording are data. ``keeping`` is the policy's
    wording of how long, with ``{period}`` (and ``{extended_period}``) where the period
    goes, so the public notice always states the period the sweep applies."""

    key = models.CharField(max_length=30, choices=RuleKey.choices, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(editable=False)
    records = models.TextField("the records it covers, in the policy's words")
    keeping = models.TextField("how long they are kept, in the policy's words")
    # A hundred years is longer than any record is kept; a longer period is a slip.
    period_months = models.PositiveIntegerField(
        "period in months",
        help_text="How long after the clock starts the records fall due.",
        validators=within(1, 1200, "a period in months"),
    )
    extended_period_months = models.PositiveIntegerField(
        "longer period in months",
        null=True,
        blank=True,
        help_text="Parental leave only: the period when the child receives a disability allowance.",
        validators=within(1, 1200, "a period in months"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        default_permissions = ("change", "view")

    def __str__(self):
        return self.get_key_display()

    @property
    def trigger(self):
        return TRIGGERS[self.key]

    @property
    def action(self):
        return ACTIONS[self.key]

    @property
    def period(self):
        return describe_period(self.period_months)

    @property
    def extended_period(self):
        if self.extended_period_months is None:
            return ""
        return describe_period(self.extended_period_months)

    def keeping_html(self):
        """The policy's wording of the period, with the periods in bold."""
        text = conditional_escape(self.keeping)
        for placeholder, value in (
            ("{period}", self.period),
            ("{extended_period}", self.extended_period),
        ):
            text = text.replace(placeholder, format_html("<strong>{}</strong>", value))
        return mark_safe(text)  # noqa: S308 - escaped above; only our own tags added

    def clean(self):
        super().clean()
        errors = {}
        if self.period_months is not None and self.period_months < 1:
            errors["period_months"] = "A period is at least one month."
        if "{period}" not in self.keeping:
            errors["keeping"] = "Keep {period} in the wording: the notice shows the period there."
        if "{extended_period}" in self.keeping and not self.extended_period_months:
            errors["keeping"] = "Only a rule with a longer period can show {extended_period}."
        if self.key == RuleKey.PARENTAL_LEAVE and not self.extended_period_months:
            errors["extended_period_months"] = (
                "Give the period for a child who receives a disability allowance."
            )
        if errors:
            raise ValidationError(errors)


class QueueItemQuerySet(models.QuerySet):
    def awaiting_decision(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            models.Q(status=QueueItem.Status.DUE)
            | models.Q(status=QueueItem.Status.POSTPONED, postponed_until__lte=today)
        )

    def postponed(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=QueueItem.Status.POSTPONED, postponed_until__gt=today)

    def approved(self):
        return self.filter(status=QueueItem.Status.APPROVED)


class QueueItem(models.Model):
    """A record the sweep found due. It stays until the manager's approved disposal has
    run, or until the record is no longer due or becomes held (the next sweep takes it
    out). ``record_type`` and ``object_id`` say which record; nothing else identifies it."""

    class Status(models.TextChoices):
        DUE = "due", "Awaiting a decision"
        POSTPONED = "postponed", "Postponed"
        APPROVED = "approved", "Approved"

    rule = models.CharField(max_length=30, choices=RuleKey.choices)
    kind = models.CharField(max_length=30)
    action = models.CharField(max_length=10, choices=Action.choices)
    record_type = models.CharField(max_length=60, editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    ref = models.CharField("reference", max_length=64)
    due_on = models.DateField()
    summary = models.CharField(max_length=200)
    flagged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    postponed_until = models.DateField(null=True, blank=True)
    postpone_reason = models.TextField(blank=True)
    reason = models.CharField(
        max_length=20,
        choices=[("retention", "Retention schedule"), ("erasure", "Erasure request")],
        default="retention",
        help_text="Why it is in the queue: its period has ended, or its person asked for erasure.",
    )
    request_reference = models.CharField(
        "privacy request", max_length=20, blank=True, help_text="For an erasure: the request."
    )

    objects = QueueItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "ref", "pk"]
        default_permissions = ("view",)
        permissions = [("approve_disposal", "Can approve or postpone disposal")]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id", "action"], name="queue_item_once_per_record"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(decided_at__isnull=False, decided_by_name__gt=""),
                name="queue_item_approved_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["status", "rule"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.kind} {self.ref}"


class DisposalRecord(models.Model):
    """Proof of disposal, kept for seven years: what rule disposed of which record (by
    kind and reference), when it was due, who approved it and when it ran. Never any of
    the record's content. ``record_type`` and ``object_id`` let a restore find and
    dispose again anything a backup brings back."""

    rule = models.CharField(max_length=30, choices=RuleKey.choices)
    kind = models.CharField(max_length=30)
    action = models.CharField(max_length=10, choices=Action.choices)
    record_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    ref = models.CharField("reference", max_length=64)
    due_on = models.DateField()
    approved_by_id_copy = models.PositiveBigIntegerField(null=True, blank=True)
    approved_by_name = models.CharField(max_length=200)
    approved_at = models.DateTimeField()
    executed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(
        max_length=30,
        default="retention",
        help_text="Why it was disposed of: the retention schedule, or an erasure request.",
    )
    # The check made after the disposal, through the declarations, that no row of any
    # declared model still refers to what was disposed of: how many rows it found (None:
    # no check was made, as for a review that kept the record) and, where any, of which
    # kinds. Kinds and counts only, never content.
    traces_found = models.PositiveIntegerField(null=True, blank=True)
    trace_check = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-executed_at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["executed_at"]),
            models.Index(fields=["record_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.kind} {self.ref}"


class ErasureDecision(models.Model):
    """What an erasure request decided for one record: put in the disposal queue, or kept
    with the exemption the centre relies on. Like a proof of disposal it names the
    record by kind and reference only."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Put in the disposal queue for the manager's approval"
        KEPT = "kept", "Kept: an exemption applies"

    request_reference = models.CharField("privacy request", max_length=20, db_index=True)
    record_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    ref = models.CharField("reference", max_length=100)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    exemption = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["request_reference", "pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.kind} {self.ref}"


class SweepLock(models.Model):
    """One row, locked for the length of a flagging sweep, so only one sweep runs at a
    time: the database serialises them, whatever starts them."""

    name = models.CharField(max_length=30, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_as_of = models.DateField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Retention {self.name} lock"
