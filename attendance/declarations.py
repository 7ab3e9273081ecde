"""What attendance adds to a case's disposal: the disclosure log entries about it (those of
its sent reports name the people the reports went to; an entry kept for accountability is
stripped to references instead), and the sessions no other family booked that are past
(or were made for its imported attendance): a session goes with the last family booked
on it. Its bookings, taps and reports cascade from the case by
themselves. A session no one ever booked is deleted a year after its date
(``attendance.tasks.unbooked_sessions_expire``)."""

from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from centre.disclosures import disclosures_about_cases, disclosures_leaving
from centre.models import Disclosure
from core.declarations import ADULT_RECORDS, CASE_ACTIVITY, CASE_RECORDS, declarations

from .interchange import IMPORTED_ROOM
from .models import Booking, ContactSession, SupervisedReport


def _case_extras(cases):
    reports = SupervisedReport.objects.filter(booking__case__in=cases).values("pk")
    # Every disclosure log entry about them, by their references (by hand, a response
    # pack) or their reports; those kept for accountability are stripped, not taken.
    references = [ref for case in cases for ref in (case.reference, case.former_reference)]
    disclosures = disclosures_leaving(
        Disclosure.objects.filter(
            Q(record_label="supervised-report", record_id__in=reports)
            | disclosures_about_cases(references)
        )
    )
    # Each session is checked through the bookings index for a booking of a family not
    # disposed of with these, never by reading every booking of every other case.
    booked_by_others = Booking.objects.filter(session=OuterRef("pk")).exclude(case__in=cases)
    sessions = (
        ContactSession.objects.filter(Q(room=IMPORTED_ROOM) | Q(date__lt=timezone.localdate()))
        .filter(pk__in=Booking.objects.filter(case__in=cases).values("session_id"))
        .exclude(Exists(booked_by_others))
    )
    return [*disclosures, *sessions]


declarations.add(CASE_RECORDS, _case_extras)


def _case_activity():
    """The dates of attendance's records on a case (``CASE_ACTIVITY``): a booking made,
    changed or marked, the date of the latest session booked, a tap on the register and a
    report written, checked or sent."""
    from referrals.declarations import latest

    case = OuterRef("pk")
    return [
        latest(Booking.history.filter(case_id=case), "history_date"),
        Subquery(
            Booking.objects.filter(case=case)
            .order_by("-session__date")
            .values("session__date")[:1],
            output_field=DateField(),
        ),
        latest(Tap.objects.filter(booking__case=case), "recorded_at"),
        latest(SupervisedReport.history.filter(booking__case=case), "history_date"),
    ]


declarations.add(CASE_ACTIVITY, _case_activity)


# Personal data, for privacy requests ---------------------------------------------------

from core.declarations import PersonalData  # noqa: E402
from referrals.declarations import CONTACT_BASIS, CONTACT_PURPOSE, CONTACT_RULES  # noqa: E402

from .models import ReportRecipient, Tap  # noqa: E402

BOOKING_PERSONAL_DATA = PersonalData(
    kind="Session booking",
    records=lambda: Booking.objects.select_related("session", "case"),
    describe=lambda booking: (
        f"Session of {booking.session.date:%d/%m/%Y} for {booking.case.display_reference}"
    ),
    # The handover plan's times and entrances keep the parents apart: they are
    # the centre's, and each parent's are the other's business, so they stay out.
    pack_fields=(
        ("session__date", "Session on"),
        ("status", "Attendance"),
        ("absence_reason", "Why the family did not come"),
        ("absence_note", "Absence note"),
        ("who_may_collect", "Who may collect the child"),
        ("not_to_collect", "Who must not collect the child"),
        ("notes", "Notes"),
    ),
    links={"case": "case"},
    category="Your family's sessions and attendance",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="Centre staff and volunteers, on the register",
    retention=CONTACT_RULES,
    portable_fields=("session__date", "status", "absence_reason"),
)
TAP_PERSONAL_DATA = PersonalData(
    kind="Arrival or departure",
    records=lambda: Tap.objects.select_related("booking__case", "booking__session"),
    describe=lambda tap: (
        f"Register entry of {tap.booking.session.date:%d/%m/%Y} "
        f"for {tap.booking.case.display_reference}"
    ),
    pack_fields=(
        ("kind", "What happened"),
        ("recorded_at", "When"),
        ("collected_by", "Collected by"),
        ("warning", "Warning shown"),
    ),
    links={"case": "booking__case"},
    category="Arrivals and departures on the register",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="Centre staff and volunteers, on the register",
    retention=CONTACT_RULES,
)
REPORT_PERSONAL_DATA = PersonalData(
    kind="Supervised contact report",
    records=lambda: SupervisedReport.objects.select_related("booking__session", "booking__case"),
    describe=lambda report: (
        f"Report of the session of {report.booking.session.date:%d/%m/%Y} "
        f"for {report.booking.case.display_reference}"
    ),
    pack_fields=(
        ("booking__session__date", "Session on"),
        ("status", "Status"),
        ("who_attended", "Who attended"),
        ("started_at", "Contact began"),
        ("ended_at", "Contact ended"),
        ("observations", "What was observed"),
        ("concerns", "Concerns"),
        ("court_ordered", "Ordered by a court"),
        ("sent_at", "Sent on"),
    ),
    links={"case": "booking__case"},
    category="Reports of supervised sessions",
    purpose="To report what happened at supervised contact to those entitled to it",
    lawful_basis=CONTACT_BASIS + "; where a court ordered the report, a legal obligation",
    source="The staff member who supervised the session",
    retention=CONTACT_RULES,
)
RECIPIENT_PERSONAL_DATA = PersonalData(
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
        ("report__booking__session__date", "Report of the session on"),
        ("name", "Name"),
        ("kind", "Who they are"),
        ("named_in_order", "Named in the court order"),
    ),
    links={"adult": "adult"},
    category="The reports sent to you",
    purpose="To send supervised contact reports to those entitled to them",
    lawful_basis=CONTACT_BASIS,
    source="Centre staff",
    retention=CONTACT_RULES,
)


# Erasure ---------------------------------------------------------------------------------

# What attendance adds to an adult's erasure: the report distribution entries that name
# them (the reports themselves are the case's, and stay).


def _recipient_entries(adult):
    return list(ReportRecipient.objects.filter(adult=adult))


declarations.add(ADULT_RECORDS, _recipient_entries)


# Records ---------------------------------------------------------------------------------
#
# Each model of attendance declared once (``core.declarations.Record``). The order
# matters: the access pack shows its sections in the order the personal data is declared.

from core.declarations import GoesWith, Record, declare  # noqa: E402

declare(
    Record(
        "attendance.booking",
        retention=GoesWith(
            "referrals.case", "cascades from its case, which its rule disposes of whole"
        ),
        personal_data=(BOOKING_PERSONAL_DATA,),
        # The register on the tablet is the family's bookings.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "attendance.tap",
        retention=GoesWith(
            "attendance.booking", "cascades from its booking, which goes with its case"
        ),
        personal_data=(TAP_PERSONAL_DATA,),
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "attendance.supervisedreport",
        retention=GoesWith(
            "attendance.booking",
            "cascades from its booking, which goes with its case; the disclosure log's "
            "entries of its sending go with the case too (CASE_RECORDS)",
        ),
        personal_data=(REPORT_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "attendance.reportrecipient",
        retention=GoesWith(
            "attendance.supervisedreport",
            "cascades from its report, which goes with its case; an adult's erasure takes "
            "the entries naming them (ADULT_RECORDS)",
        ),
        personal_data=(RECIPIENT_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "attendance.contactsession",
        retention=GoesWith(
            "referrals.case",
            "A session's date, room and notes, and which staff and volunteers were on duty. "
            "A past session goes with the last case booked on it (CASE_RECORDS), as does "
            "one made for a case's imported attendance; a session no one booked is deleted "
            "by a nightly task a year after its date",
        ),
        # Volunteers open today's sessions on the tablet.
        read_by=("manager", "staff", "volunteer"),
    )
)


# Hooks this app fills --------------------------------------------------------------------

from core.declarations import CASE_SECTION, PRE_VISIT_CHECK  # noqa: E402

from . import interchange  # noqa: E402
from .services import pre_visit_not_on_a_session_day  # noqa: E402

# A case's sessions travel with it in the records interchange format; referrals imports
# and exports them through this section, knowing nothing of attendance.
declarations.add(CASE_SECTION, interchange.section())
# A pre-visit is never on the day of one of the family's contact sessions.
declarations.add(PRE_VISIT_CHECK, pre_visit_not_on_a_session_day)


# Home cards
# The manager's: today's sessions, and the charts of attendance and of places (the
# attendance chart opens the page's charts).
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD  # noqa: E402

from . import cards, report_cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "reports",
        roles=("manager", "staff"),
        order=15,
        template="home/cards/reports.html",
        figures=report_cards.reports,
        counts=report_cards.reports_counts,
    ),
)

declarations.add(
    HOME_CARD,
    Card(
        "sessions-today",
        roles=("manager", "staff"),
        order=30,
        template="home/cards/sessions_today.html",
        figures=cards.sessions_today,
    ),
)
declarations.add(
    HOME_CARD,
    Card(
        "attendance-chart",
        roles=("manager",),
        order=90,
        template="home/cards/attendance_chart.html",
        figures=cards.attendance_chart,
    ),
)
declarations.add(
    HOME_CARD,
    Card(
        "places-chart",
        roles=("manager",),
        order=94,
        template="home/cards/places_chart.html",
        figures=cards.places_chart,
    ),
)
