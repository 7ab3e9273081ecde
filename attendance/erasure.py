"""What attendance adds to an adult's erasure: the report distribution entries that name
them (the reports themselves are the case's, and stay)."""

from referrals.erasure import ADULT_ERASURE_EXTRAS

from .models import ReportRecipient


def _recipient_entries(adult):
    return list(ReportRecipient.objects.filter(adult=adult))


ADULT_ERASURE_EXTRAS.append(_recipient_entries)
