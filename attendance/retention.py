"""What attendance adds to a case's disposal: the disclosure log entries of its sent
reports (they name the people the reports went to), and the sessions made for its
imported attendance that no other family booked. Its bookings, taps and reports
cascade from the case by themselves."""

from centre.models import Disclosure
from referrals.retention import CASE_DISPOSAL_EXTRAS

from .interchange import IMPORTED_ROOM
from .models import Booking, ContactSession, SupervisedReport


def _case_extras(case):
    reports = SupervisedReport.objects.filter(booking__case=case).values("pk")
    disclosures = Disclosure.objects.filter(record_label="supervised-report", record_id__in=reports)
    sessions = ContactSession.objects.filter(room=IMPORTED_ROOM, bookings__case=case).exclude(
        pk__in=Booking.objects.exclude(case=case).values("session_id")
    )
    return [*disclosures, *sessions.distinct()]


CASE_DISPOSAL_EXTRAS.append(_case_extras)
