"""The access log: who opened which safeguarding record, and when. The record's kind and
id only, never its content, so the log itself holds no personal data about a family."""

from django.db.models import QuerySet

from centre.models import User

from .models import AccessLog


class Kind:
    """The kinds of record whose opening is logged."""

    INCIDENT = "incident"
    CONCERN = "concern"
    ACCIDENT = "accident"
    DOCUMENT = "document"


def record_access(*, user: User, kind: str, record_id: int) -> AccessLog:
    """Log that ``user`` opened the record. Written on its own (not through
    ``record_save``): an append-only audit row with no history of its own."""
    from core import audit

    audit.record(
        None, audit.Action.READ, kind=f"safeguarding {kind}", object_id=record_id, user=user
    )
    return AccessLog.objects.create(
        user=user, user_id_copy=user.pk, record_kind=kind, record_id=record_id
    )


def accesses_of_record(*, kind: str, record_id: int) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(record_kind=kind, record_id=record_id).select_related("user")


def accesses_by_user(*, user_id: int) -> QuerySet[AccessLog]:
    """By the id copy, so the log of an account since deleted can still be read."""
    return AccessLog.objects.filter(user_id_copy=user_id).select_related("user")
