"""What attendance adds to a case's disposal: the disclosure log entries of its sent
reports (they name the people the reports went to), and the sessions made for its
imported attendance that no other family booked. Its bookings, taps and reports
cascade from the case by themselves."""

from django.db.models import Exists, OuterRef

from centre.models import Disclosure
from referrals.retention import CASE_DISPOSAL_EXTRAS

from .interchange import IMPORTED_ROOM
from .models import Booking, ContactSession, SupervisedReport


def _case_extras(case):
    reports = SupervisedReport.objects.filter(booking__case=case).values("pk")
    disclosures = Disclosure.objects.filter(record_label="supervised-report", record_id__in=reports)
    # Each session is checked through the bookings index for another family's booking,
    # never by reading every booking of every other case.
    booked_by_others = Booking.objects.filter(session=OuterRef("pk")).exclude(case=case)
    sessions = ContactSession.objects.filter(
        room=IMPORTED_ROOM, pk__in=Booking.objects.filter(case=case).values("session_id")
    ).exclude(Exists(booked_by_others))
    return [*disclosures, *sessions]


CASE_DISPOSAL_EXTRAS.append(_case_extras)
