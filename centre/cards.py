"""The centre's own cards on the manager's home (``core.cards``; declared in
``declarations.py``): whether the centre's details are filled in, and the people who work
here (staff counts, DBS certificate copies held, DBS checks due for renewal, the finance
records)."""

from django.db.models import Max, Q

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


def people_counts(user, today):
    """Current staff and volunteers, DBS certificate copies still held, finance records."""
    staff = StaffMember.objects.current()
    return {
        "total": staff,
        "volunteers": staff.filter(role=StaffMember.Role.VOLUNTEER),
        "no_agreement": staff.filter(confidentiality_agreement_signed_on__isnull=True),
        "certificate_copies_held": DBSCheck.objects.filter(
            ~Q(certificate_copy="")
            | Q(certificate_copy_held_elsewhere=True, certificate_destroyed_on__isnull=True)
        ),
        "finance_records": FinanceRecord.objects.all(),
    }


def people(user, today, counted):
    """The counts (``people_counts``, counted with the page's), and the DBS checks due
    for renewal (one query)."""
    return {
        "staff_counts": {name: counted[name] for name in ("total", "volunteers", "no_agreement")},
        "certificate_copies_held": counted["certificate_copies_held"],
        "finance_record_count": counted["finance_records"],
        "dbs_renewal_due": dbs_renewal_due(today),
        "dbs_cutoff": dbs_cutoff(today),
    }
