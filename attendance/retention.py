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


# Personal data, for privacy requests ---------------------------------------------------

from retention.registry import PersonalData, register_personal_data  # noqa: E402

from .models import ReportRecipient  # noqa: E402

register_personal_data(
    PersonalData(
        kind="Report recipient",
        records=lambda: ReportRecipient.objects.select_related(
            "report__booking__session", "report__booking__case"
        ),
        describe=lambda recipient: (
            f"Recipient of the report of {recipient.report.booking.session.date:%d/%m/%Y} "
            f"for {recipient.report.booking.case.display_reference}"
        ),
        name_fields=("name",),
        pack_fields=(
            ("name", "Name"),
            ("kind", "Who they are"),
            ("named_in_order", "Named in the court order"),
        ),
    )
)
