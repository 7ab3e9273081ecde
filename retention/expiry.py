"""The end of the audit trail and of the proofs of disposal: seven years after the event,
and after the disposal ran (issue 16).

On PostgreSQL the application's role may not delete a row of either table: it calls the
two functions the migrations made (core 0002, retention 0008), which run with their
owner's rights and delete only the rows past those seven years, the period written into
them. On SQLite, where there are no roles, the same rows are deleted here.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from core.database_role import KEPT_YEARS
from core.models import AuditEvent

from .models import DisposalRecord


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """As PostgreSQL's ``moment - interval 'N years'``: 29 February gives 28 February."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@transaction.atomic
def expire_audit_trail_and_proofs() -> dict:
    """Delete the audit events and the proofs of disposal more than seven years old.
    Returns ``{"audit_events": n, "proofs": n}``. Safe to run twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT handover_expire_audit_trail(), handover_expire_disposal_proofs()"
            )
            audit_events, proofs = cursor.fetchone()
    else:
        cutoff = _years_before(timezone.now(), KEPT_YEARS)
        audit_events = AuditEvent.objects.filter(at__lt=cutoff).delete()[0]
        proofs = DisposalRecord.objects.filter(executed_at__lt=cutoff).delete()[0]
    return {"audit_events": audit_events, "proofs": proofs}
