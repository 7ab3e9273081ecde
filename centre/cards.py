"""The centre's own cards on the manager's home (``core.cards``; declared in
``declarations.py``): whether the centre's details are filled in, and the people who work
here (staff counts, DBS certificate copies held, DBS checks due for renewal, the finance
records)."""

from django.db.models import Count, Max, Q

from .dates import add_months
from .models import CentreProfile, DBSCheck, FinanceRecord, StaffMember

DBS_RENEW_AFTER_MONTHS = 36


def centre_details(user, today):
    """The centre's profile: the page asks for it until the privacy notice can be
    written from it."""
    return {"profile": CentreProfile.load()}


def dbs_cutoff(today):
    """A check made on or before this day is three years old or more."""
    return add_months(today, -DBS_RENEW_AFTER_MONTHS)


def dbs_renewal_due(today):
    """Current staff and volunteers whose latest DBS check is three years old or more
    (on its third anniversary it is due), oldest first, with ``last_checked_on``."""
    return list(
        StaffMember.objects.current()
        .annotate(last_checked_on=Max("dbs_checks__checked_on"))
        .filter(last_checked_on__lte=dbs_cutoff(today))
        .order_by("last_checked_on", "last_name", "first_name", "pk")
    )


def people(user, today):
    """Current staff and volunteers counted (one query), DBS certificate copies still
    held (one), the finance records (one) and the DBS checks due for renewal (one)."""
    staff = StaffMember.objects.current()
    return {
        "staff_counts": staff.aggregate(
            total=Count("pk"),
            volunteers=Count("pk", filter=Q(role=StaffMember.Role.VOLUNTEER)),
            no_agreement=Count("pk", filter=Q(confidentiality_agreement_signed_on__isnull=True)),
        ),
        "certificate_copies_held": DBSCheck.objects.filter(
            ~Q(certificate_copy="")
            | Q(certificate_copy_held_elsewhere=True, certificate_destroyed_on__isnull=True)
        ).count(),
        "finance_record_count": FinanceRecord.objects.count(),
        "dbs_renewal_due": dbs_renewal_due(today),
        "dbs_cutoff": dbs_cutoff(today),
    }
