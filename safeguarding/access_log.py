"""Who opened which safeguarding record, and when: rows of the one audit trail
(core.AuditEvent), a READ of kind ``safeguarding <kind>`` with the record's id. The
record's kind and id only, never its content, so the log holds no personal data about a
family; the account's id stays on the row after the account is deleted."""

from django.db.models import F, QuerySet
from django.db.models.functions import Substr

from centre.models import User
from core import audit
from core.models import AuditEvent


class Kind:
    """The kinds of record whose opening is logged."""

    INCIDENT = "incident"
    CONCERN = "concern"
    ACCIDENT = "accident"
    DOCUMENT = "document"

    ALL = (INCIDENT, CONCERN, ACCIDENT, DOCUMENT)


PREFIX = "safeguarding "


def _trail_kind(kind: str) -> str:
    return f"{PREFIX}{kind}"


def record_access(*, user: User, kind: str, record_id: int) -> AuditEvent:
    """Log that ``user`` opened the record: one READ row of the audit trail, and the line
    ``<kind>-view <kind>=<id> user=<id>`` on the ``handover.audit`` logger."""
    return audit.sensitive_read(
        None,
        _trail_kind(kind),
        record_id,
        line=f"{kind}-view {kind}={{id}} user={{user}}",
        user=user,
    )


def _openings(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Newest first, the account joined (None once deleted), and ``record_kind`` the kind
    without the trail's prefix, for the pages' links."""
    return (
        events.filter(action=AuditEvent.Action.READ)
        .select_related("user")
        .annotate(record_kind=Substr(F("kind"), len(PREFIX) + 1))
        .order_by("-at", "-pk")
    )


def accesses_of_record(*, kind: str, record_id: int) -> QuerySet[AuditEvent]:
    return _openings(AuditEvent.objects.filter(kind=_trail_kind(kind), object_id=record_id))


def accesses_by_user(*, user_id: int) -> QuerySet[AuditEvent]:
    """By the account's id, which the trail keeps, so the log of an account since deleted
    can still be read."""
    kinds = [_trail_kind(kind) for kind in Kind.ALL]
    # Through an alias of the column: ``user_id=`` would make Django join the account
    # with an INNER JOIN, and hide every row of an account since deleted.
    events = AuditEvent.objects.alias(reader=F("user_id")).filter(reader=user_id, kind__in=kinds)
    return _openings(events)
