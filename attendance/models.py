"""Contact sessions, the families booked into them with their handover plans, what the
volunteers record at the door, and the reports that follow supervised contact."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centre.dates import add_months
from core.plausible import too_early_error, within
from referrals.models import Adult, Case

# How far ahead a session may be set up: a year typed wrong (9999) is refused.
SESSIONS_AHEAD_MONTHS = 24


class ContactSession(models.Model):
    """A contact session at the centre: a time, a room and the people on duty."""

    class Kind(models.TextChoices):
        SUPPORTED = "supported", "Supported contact (several families)"
        SUPERVISED = "supervised", "Supervised contact (one family)"

    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUPPORTED)
    room = models.CharField("room or area", max_length=100)
    capacity = models.PositiveSmallIntegerField(
        "families it can take",
        default=8,
        help_text="Bookings stop when it is full.",
        validators=within(1, 50, "a number of families"),
    )
    staff_on_duty = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_as_staff"
    )
    volunteers_on_duty = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_as_volunteer"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[staff_on_duty, volunteers_on_duty])

    class Meta:
        ordering = ["date", "starts_at"]
        indexes = [models.Index(fields=["date", "starts_at"])]
        permissions = [("use_register", "Can keep the register of a session on a tablet")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.starts_at:%H:%M} in {self.room}"

    def clean(self):
        super().clean()
        if self.date and self.date > add_months(timezone.localdate(), SESSIONS_AHEAD_MONTHS):
            raise ValidationError(
                {
                    "date": "Sessions can be set up at most two years ahead: check the year, "
                    "or set this one up nearer the time."
                }
            )
        if self.date and (message := too_early_error("date", "A session's date", self.date)):
            raise ValidationError({"date": message})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})
        if self.kind == self.Kind.SUPERVISED and self.capacity and self.capacity > 1:
            raise ValidationError(
                {"capacity": "Supervised contact is one family at a time: capacity 1."}
            )


class Booking(models.Model):
    """A case booked into a session, with its handover plan: the times and entrances that
    keep the parents apart, and who may (and may not) collect the child."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"

    class AbsenceReason(models.TextChoices):
        # The policy's "absence reasons", in the import format's words.
        CHILD_UNWELL = "child_unwell", "Child unwell"
        RESIDENT_DID_NOT_BRING = "resident_did_not_bring", "Resident parent did not bring the child"
        VISITING_DID_NOT_ATTEND = "visiting_did_not_attend", "Visiting parent did not attend"
        CANCELLED_BY_CENTRE = "cancelled_by_centre", "Cancelled by the centre"
        CANCELLED_BY_FAMILY = "cancelled_by_family", "Cancelled by the family"
        OTHER = "other", "Other"

    session = models.ForeignKey(ContactSession, on_delete=models.CASCADE, related_name="bookings")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bookings")
    resident_arrives_at = models.TimeField(
        "resident parent arrives with the child", help_text="Usually 15 minutes before."
    )
    resident_collects_at = models.TimeField("resident parent returns to collect the child")
    visiting_arrives_at = models.TimeField("visiting parent arrives")
    visiting_leaves_at = models.TimeField(
        "visiting parent leaves",
        help_text="Usually 15 minutes before the resident parent returns.",
    )
    resident_entrance = models.CharField("resident parent's entrance", max_length=100)
    visiting_entrance = models.CharField("visiting parent's entrance", max_length=100)
    who_may_collect = models.CharField(
        "who may collect the child", max_length=300, help_text="Names, as volunteers see them."
    )
    not_to_collect = models.CharField(
        "who must not collect the child",
        max_length=300,
        blank=True,
        help_text="Shown as a warning at the door.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    absence_reason = models.CharField(max_length=30, choices=AbsenceReason.choices, blank=True)
    absence_note = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    # The key the tablet made for the tap that marked the family absent, so that an
    # absence sent again (a queued tap replayed) is recorded once.
    absence_key = models.UUIDField(null=True, blank=True, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["session__date", "session__starts_at", "resident_arrives_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="one_booking_per_session")
        ]

    def __str__(self):
        return f"{self.case} at {self.session}"

    def clean(self):
        super().clean()
        errors = {}
        leaves, returns = self.visiting_leaves_at, self.resident_collects_at
        if leaves and returns and leaves >= returns:
            errors["visiting_leaves_at"] = (
                "The visiting parent must leave before the resident parent returns."
            )
        arrives, hands_over = self.visiting_arrives_at, self.resident_arrives_at
        if arrives and hands_over and arrives <= hands_over:
            errors["visiting_arrives_at"] = (
                "The visiting parent must arrive after the resident parent has handed over "
                f"the child: choose a time after {hands_over:%H:%M}."
            )
        if self.status == self.Status.ABSENT and not self.absence_reason:
            errors["absence_reason"] = "Give the reason the family did not come."
        if self.absence_reason == self.AbsenceReason.OTHER and not self.absence_note:
            errors["absence_note"] = "Say what happened."
        if errors:
            raise ValidationError(errors)


class TapQuerySet(models.QuerySet):
    def live(self):
        """The taps that stand: not undone."""
        return self.filter(undone_at__isnull=True)


class Tap(models.Model):
    """One tap on the register: someone arrived or left, at a time, on a tablet.

    Each tap carries the token of the button that sent it, or the key the tablet made
    for it, so a tap sent twice (a poor connection, a double press, a queue replayed) is
    recorded once, and two tablets never overwrite each other: each only adds rows.

    ``recorded_at`` is when it happened: the tablet's tap time for a tap sent late, the
    server's time otherwise. ``received_at`` is when the server got it; a tablet whose
    clock was wrong has its time replaced by ``received_at`` and ``clock_corrected`` set,
    with what the tablet said kept in ``tablet_time``."""

    class Kind(models.TextChoices):
        RESIDENT_ARRIVED = "resident_arrived", "Resident parent arrived with the child"
        RESIDENT_LEFT = "resident_left", "Resident parent left"
        VISITING_ARRIVED = "visiting_arrived", "Visiting parent arrived"
        VISITING_LEFT = "visiting_left", "Visiting parent left"
        RESIDENT_RETURNED = "resident_returned", "Resident parent returned"
        CHILD_COLLECTED = "child_collected", "Child left the centre"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="taps")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    token = models.UUIDField(unique=True, default=uuid.uuid4)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collected_by = models.CharField(
        "collected by", max_length=150, blank=True, help_text="For a child leaving: with whom."
    )
    warning = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    tapped_offline = models.BooleanField(
        default=False, help_text="Tapped while the tablet had no connection, and sent later."
    )
    clock_corrected = models.BooleanField(default=False)
    tablet_time = models.DateTimeField(null=True, blank=True)
    # A mistaken tap is undone, never deleted: the row stays with who undid it and when,
    # so the register's history shows both the tap and its undoing.
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undo_key = models.UUIDField(
        unique=True, null=True, blank=True, help_text="The Undo button's token: undone once."
    )

    objects = TapQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} at {timezone.localtime(self.recorded_at):%H:%M}"


class SupervisedReport(models.Model):
    """The supervising staff member's report of a supervised session. Someone other than
    the author checks it before it goes out: a draft, marked ready for checking by its
    author, then checked (or returned to a draft with the checker's comments), then sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for checking"
        CHECKED = "checked", "Checked"
        SENT = "sent", "Sent"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_written"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    who_attended = models.TextField()
    started_at = models.TimeField("contact began")
    ended_at = models.TimeField("contact ended")
    observations = models.TextField(
        "what was observed", help_text="A summary of what happened, not a verbatim record."
    )
    concerns = models.TextField("any concerns", blank=True)
    court_ordered = models.BooleanField(
        "ordered by a court",
        default=False,
        help_text="It may then go only to the people the order names.",
    )
    ready_at = models.DateTimeField("marked ready for checking", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comments = models.TextField(
        "the checker's comments",
        blank=True,
        help_text="Why the checker returned it, shown to the author until it is ready again.",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_checked",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-booking__session__date"]
        permissions = [
            ("check_supervisedreport", "Can quality-check another person's report"),
            ("send_supervisedreport", "Can send a checked report to its distribution list"),
        ]

    def __str__(self):
        return f"Report of {self.booking}"

    def clean(self):
        super().clean()
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            raise ValidationError({"ended_at": "Contact must end after it began."})


class ReportRecipient(models.Model):
    """Someone on a report's distribution list."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        CAFCASS = "cafcass", "Cafcass"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        SOLICITOR = "solicitor", "Solicitor"
        COURT = "court", "Court"
        OTHER = "other", "Other"

    report = models.ForeignKey(
        SupervisedReport, on_delete=models.CASCADE, related_name="recipients"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    adult = models.ForeignKey(
        Adult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a parent: which one (their confidential details stay out of it).",
    )
    named_in_order = models.BooleanField(
        "named in the court order",
        default=False,
        help_text="A court-ordered report goes only to the people the order names.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"
