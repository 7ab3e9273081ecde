"""Safeguarding records: for now, the concerns anyone at the centre raises about a child.

Safeguarding records are the centre's most sensitive and the ones it keeps longest: each
outlives the case it came from, so it keeps copies of the labels it needs to make sense
on its own."""

import datetime

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
