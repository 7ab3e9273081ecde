"""The base layer's own records: the audit trail and the files a deletion left to remove.

Both keep the tables their apps first created (``centre_auditevent`` with its append-only
trigger, centre migration 0006; ``retention_pendingfiledeletion``): the models moved
into core in state only (core migration 0001), so no row was copied or rewritten.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One line of the audit trail: who (an account's id and role), when, from where and
    what (a kind and an id), never the content of what was done or read.

    Append-only: on PostgreSQL a trigger refuses every UPDATE and DELETE of a row (centre
    migration 0006). The account is a foreign key without a database constraint and with
    ``DO_NOTHING``, so deleting a user neither deletes nor rewrites (which the trigger
    would refuse) the rows that mention them: the id stays, and the manager's page shows
    the account's current name only while it exists.
    """

    class Action(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Signed out"
        REFUSED = "refused", "Refused (403)"
        READ = "read", "Read"
        EXPORT = "export", "Export"
        APPROVAL = "approval", "Approval"
        DISPOSAL = "disposal", "Disposal"
        SECOND_FACTOR = "second_factor", "Passed the second factor"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Wrong second-factor code"
        SESSIONS_ENDED = "sessions_ended", "Sessions ended"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset"
        LATE_TAP = "late_tap", "Register tap sent late"
        TAP_UNDONE = "tap_undone", "Register tap undone"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    role = models.CharField(max_length=20, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=100, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "centre_auditevent"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "object_id"], name="centre_audit_kind_object")]

    def __str__(self):
        target = f" {self.kind} {self.object_id or ''}".rstrip() if self.kind else ""
        return f"{self.get_action_display()}{target} at {self.at:%Y-%m-%d %H:%M}"


class PendingFileDeletion(models.Model):
    """A stored file whose record has been deleted, written in the deletion's own
    transaction (core.purge). Files are removed after the transaction commits; if the
    worker dies first, the next disposal run removes what is left. The name is a
    generated one."""

    field = models.CharField(max_length=100, help_text="app_label.model.field")
    name = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "retention_pendingfiledeletion"
        default_permissions = ()

    def __str__(self):
        return self.name
