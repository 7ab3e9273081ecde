"""The quarterly return to NACCC: the figures for one quarter, each counted by one
aggregate query, so the page costs the same number of queries however much is held.

NACCC's statistical year runs from 1 April to 31 March (its annual statistics are the
four quarterly returns of "1 April to 31 March"), so its quarters are numbered from
April: Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January
to March of the following calendar year. A year is named by the calendar year it starts
in: 2026 is 2026-27. The centre's own financial year (``CentreProfile``) is not used:
it may end on any day, and the returns of every centre must cover the same months.

The figures are counted from the records held now. Records disposed of under the
retention table no longer count, so a quarter's figures can fall years later: the CSV
downloaded when the return is made is the record of what was sent.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from centre.models import StaffMember
from referrals.models import Case, Child, Referral, StatusChange

from .models import Booking, ContactSession

Source = Referral.Source
Reason = Booking.AbsenceReason

# A family that did not come and gave no notice: the parent who was to bring the child,
# or the parent who was to see them, simply did not turn up. Cancellations (by the family
# or the centre), an unwell child and other reasons are absences with notice.
NO_SHOW_REASONS = (Reason.RESIDENT_DID_NOT_BRING, Reason.VISITING_DID_NOT_ATTEND)

# An "other" referral whose stated source mentions mediation is NACCC's mediation: the
# referral form has no source of its own for it.
MEDIATION = Q(source=Source.OTHER, source_other__icontains="mediat")

FIRST_MONTH = 4  # NACCC's year starts in April
QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}


@dataclass(frozen=True)
class Quarter:
    year: int  # the calendar year the NACCC year starts in: 2026 for 2026-27
    number: int  # 1 to 4, Q1 being April to June

    @property
    def first_day(self) -> datetime.date:
        month_index = FIRST_MONTH - 1 + 3 * (self.number - 1)
        return datetime.date(self.year + month_index // 12, month_index % 12 + 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next().first_day - datetime.timedelta(days=1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def label(self) -> str:
        first, last = self.first_day, self.last_day
        return f"Q{self.number} {self.year_label}: {first:%-d %B %Y} to {last:%-d %B %Y}"

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.number}"

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        months = (day.month - FIRST_MONTH) % 12
        year = day.year if day.month >= FIRST_MONTH else day.year - 1
        return cls(year, months // 3 + 1)

    @classmethod
    def last_complete(cls, today: datetime.date | None = None) -> "Quarter":
        return cls.containing(today or timezone.localdate()).previous()


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class Figure:
    key: str  # the CSV's figure column: stable, lower case, never renamed
    label: str
    value: int
    how_counted: str


@dataclass(frozen=True)
class Section:
    title: str
    figures: list[Figure]


def _aware_bounds(quarter: Quarter):
    """The quarter as [start, end) instants in the centre's time zone, for datetimes."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(quarter.first_day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(quarter.next().first_day, datetime.time.min, tzinfo=zone)
    return start, end


def quarterly_return(quarter: Quarter) -> list[Section]:
    """Every figure of the return for ``quarter``, in six queries whatever the data."""
    first, last = quarter.first_day, quarter.last_day
    in_quarter = {"session__date__gte": first, "session__date__lte": last}

    referrals = Referral.objects.filter(received_on__gte=first, received_on__lte=last).aggregate(
        total=Count("pk"),
        self_referral=Count("pk", filter=Q(source=Source.SELF)),
        solicitor=Count("pk", filter=Q(source=Source.SOLICITOR)),
        cafcass=Count("pk", filter=Q(source=Source.CAFCASS)),
        mediation=Count("pk", filter=MEDIATION),
        local_authority=Count("pk", filter=Q(source=Source.LOCAL_AUTHORITY)),
        court=Count("pk", filter=Q(source=Source.COURT)),
        other=Count("pk", filter=Q(source=Source.OTHER) & ~MEDIATION),
    )

    start, end = _aware_bounds(quarter)
    decisions = StatusChange.objects.filter(changed_at__gte=start, changed_at__lt=end).aggregate(
        accepted=Count("case", distinct=True, filter=Q(to_status=Case.Status.ACCEPTED)),
        declined=Count("case", distinct=True, filter=Q(to_status=Case.Status.DECLINED)),
    )

    places = ContactSession.objects.filter(date__gte=first, date__lte=last).aggregate(
        sessions=Count("pk"), places=Sum("capacity", default=0)
    )

    attended = Q(status=Booking.Status.ATTENDED)
    bookings = Booking.objects.filter(**in_quarter).aggregate(
        booked=Count("pk"),
        attended=Count("pk", filter=attended),
        no_shows=Count(
            "pk", filter=Q(status=Booking.Status.ABSENT, absence_reason__in=NO_SHOW_REASONS)
        ),
        families=Count("case", distinct=True, filter=attended),
    )

    # Children belong to the case, not the booking: every child of a family who came.
    children = Child.objects.filter(
        case__in=Booking.objects.filter(attended, **in_quarter).values("case")
    ).aggregate(children=Count("pk"))

    people = StaffMember.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first), started_on__lte=last
    ).aggregate(
        volunteers=Count("pk", filter=Q(role=StaffMember.Role.VOLUNTEER)),
        staff=Count("pk", filter=~Q(role=StaffMember.Role.VOLUNTEER)),
    )

    received = "Referrals with a date received in the quarter"
    return [
        Section(
            "Referrals by source",
            [
                Figure(
                    "referrals_self",
                    "Self",
                    referrals["self_referral"],
                    f"{received}, from Self-referral.",
                ),
                Figure(
                    "referrals_solicitor",
                    "Solicitor",
                    referrals["solicitor"],
                    f"{received}, from Family solicitor.",
                ),
                Figure(
                    "referrals_cafcass",
                    "Cafcass",
                    referrals["cafcass"],
                    f"{received}, from Cafcass.",
                ),
                Figure(
                    "referrals_mediation",
                    "Mediation",
                    referrals["mediation"],
                    f"{received}, from Other, where the source given mentions mediation.",
                ),
                Figure(
                    "referrals_local_authority",
                    "Local authority",
                    referrals["local_authority"],
                    f"{received}, from Local authority.",
                ),
                Figure("referrals_court", "Court", referrals["court"], f"{received}, from Court."),
                Figure(
                    "referrals_other",
                    "Other",
                    referrals["other"],
                    f"{received}, from Other, except those counted as mediation.",
                ),
                Figure(
                    "referrals_total",
                    "All referrals",
                    referrals["total"],
                    f"{received}, from any source.",
                ),
            ],
        ),
        Section(
            "Decisions and no-shows",
            [
                Figure(
                    "accepted",
                    "Accepted",
                    decisions["accepted"],
                    "Referrals accepted in the quarter (the day the case moved to Accepted), "
                    "whenever they were received.",
                ),
                Figure(
                    "declined",
                    "Declined",
                    decisions["declined"],
                    "Referrals declined in the quarter (the day the case moved to Declined), "
                    "whenever they were received.",
                ),
                Figure(
                    "no_shows",
                    "No-shows",
                    bookings["no_shows"],
                    "Bookings in sessions in the quarter marked absent because the resident "
                    "parent did not bring the child or the visiting parent did not attend: "
                    "no notice given. Cancellations, an unwell child and other reasons are "
                    "not counted.",
                ),
            ],
        ),
        Section(
            "Sessions",
            [
                Figure(
                    "sessions_held",
                    "Sessions",
                    places["sessions"],
                    "Contact sessions dated in the quarter.",
                ),
                Figure(
                    "places_available",
                    "Places available",
                    places["places"],
                    "The families each session in the quarter could take, added up (a "
                    "supervised session takes one).",
                ),
                Figure(
                    "places_booked",
                    "Places booked",
                    bookings["booked"],
                    "Bookings in sessions in the quarter, whether the family came or not.",
                ),
                Figure(
                    "places_attended",
                    "Places attended",
                    bookings["attended"],
                    "Bookings in sessions in the quarter marked attended.",
                ),
            ],
        ),
        Section(
            "Children and families served",
            [
                Figure(
                    "children_served",
                    "Children",
                    children["children"],
                    "Children of the families counted below, each once (a booking is "
                    "for the family, so every child of the case counts).",
                ),
                Figure(
                    "families_served",
                    "Families",
                    bookings["families"],
                    "Cases with at least one booking marked attended in a session in the "
                    "quarter, each once.",
                ),
            ],
        ),
        Section(
            "Volunteers and staff",
            [
                Figure(
                    "volunteers",
                    "Volunteers",
                    people["volunteers"],
                    "People on the staff register as volunteers who were with the centre "
                    "on at least one day of the quarter (started on or before its last day, "
                    "not ended before its first).",
                ),
                Figure(
                    "staff",
                    "Staff",
                    people["staff"],
                    "People on the staff register as staff or centre manager, counted the "
                    "same way.",
                ),
            ],
        ),
    ]
