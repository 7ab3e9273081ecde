"""Privacy requests and complaints: who they are about, the right exercised, and where
they stand. While one is open, the records of the person it is about are held: the
retention engine must not destroy what a request may cover (``privacy_requests.retention``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class PrivacyRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=PrivacyRequest.OPEN_STATUSES)


class PrivacyRequest(models.Model):
    class Right(models.TextChoices):
        ACCESS = "access", "Access (a subject access request)"
        RECTIFICATION = "rectification", "Rectification"
        ERASURE = "erasure", "Erasure"
        RESTRICTION = "restriction", "Restriction of processing"
        OBJECTION = "objection", "Objection"
        PORTABILITY = "portability", "Data portability"
        AUTOMATED = "automated", "Objection to automated decisions"
        COMPLAINT = "complaint", "A complaint about how we use information"

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

    OPEN_STATUSES = (Status.RECEIVED, Status.AWAITING, Status.IN_PROGRESS, Status.EXTENDED)

    right = models.CharField("right exercised", max_length=20, choices=Right.choices)
    channel = models.CharField("how it arrived", max_length=20, choices=Channel.choices)
    received_on = models.DateField()
    # Who the request is about: one person the centre holds records on. The links are
    # SET_NULL so a closed request outlives the records; an open one holds them, and a
    # check constraint stops them being deleted under it.
    subject_adult = models.ForeignKey(
        "referrals.Adult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    subject_child = models.ForeignKey(
        "referrals.Child",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    subject_staff_member = models.ForeignKey(
        "centre.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closed_on = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        default_permissions = ("add", "change", "view")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["received", "awaiting", "in_progress", "extended"])
                | models.Q(subject_adult__isnull=False)
                | models.Q(subject_child__isnull=False)
                | models.Q(subject_staff_member__isnull=False),
                name="open_privacy_request_has_a_subject",
            )
        ]

    def __str__(self):
        return f"Privacy request PR-{self.pk:04d}" if self.pk else "New privacy request"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def clean(self):
        super().clean()
        errors = {}
        subjects = [self.subject_adult_id, self.subject_child_id, self.subject_staff_member_id]
        if sum(1 for s in subjects if s) != 1:
            errors["__all__"] = "A request is about exactly one person the centre holds records on."
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = "A request cannot be received in the future."
        if errors:
            raise ValidationError(errors)
