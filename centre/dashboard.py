"""The manager's dashboard: the day's sessions, the work waiting, what the law's clocks
say is due, and the last twelve months in charts.

Every figure is an aggregate query (or a short list cut off at ``SHOWN``), so the page
costs the same number of queries however many cases, sessions or concerns the centre
holds. ``centre`` depends on no other app at import time: each one is imported inside
``manager_dashboard``, and each app's own query functions are used where it has them
(``retention``'s queue summary and forecast, the privacy register's "due this week" and
"overdue")."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from .charts import Chart, Series
from .dates import add_months
from .models import StaffMember

SHOWN = 10  # rows in each list; the count beside it says how many there are
MONTHS = 12  # the charts' window: this month and the eleven before it
DBS_RENEW_AFTER_MONTHS = 36
FORECAST_HORIZONS = (30, 90, 365)


@dataclass(frozen=True)
class CaseCounts:
    referrals_waiting: int
    pre_visits_due: int
    reviews_due: int


@dataclass(frozen=True)
class QueueRow:
    rule: object
    awaiting: int
    postponed: int
    approved: int
    forecast: tuple[int, ...]  # due within each of FORECAST_HORIZONS days


@dataclass
class Dashboard:
    today: datetime.date
    sessions_today: list
    cases: CaseCounts
    referrals_waiting: list
    pre_visits_due: list
    new_concerns: int
    open_incidents: int
    # Only for the designated safeguarding lead; ``None`` for anyone else.
    concern_list: list | None
    incident_list: list | None
    holds_in_force: int
    holds_by_kind: list[tuple[str, int]]
    queue: list[QueueRow]
    forecast_totals: tuple[int, ...]
    privacy_due_this_week: list
    privacy_overdue: list
    dbs_renewal_due: list
    dbs_cutoff: datetime.date
    attendance_chart: Chart
    referrals_chart: Chart
    places_chart: Chart
    forecast_horizons: tuple[int, ...] = FORECAST_HORIZONS

    @property
    def queue_awaiting(self):
        return sum(row.awaiting for row in self.queue)


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``months`` calendar months ending with ``today``'s."""
    this_month = today.replace(day=1)
    return [add_months(this_month, n) for n in range(1 - months, 1)]


def manager_dashboard(user, *, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    months = month_starts(today)
    window = (months[0], add_months(months[-1], 1))  # [first day, first day after)
    return Dashboard(
        today=today,
        sessions_today=sessions_on(today),
        cases=case_counts(today),
        referrals_waiting=referrals_waiting(),
        pre_visits_due=pre_visits_due(),
        **safeguarding_figures(user),
        **retention_figures(today),
        **privacy_figures(today),
        dbs_renewal_due=dbs_renewal_due(today),
        dbs_cutoff=dbs_cutoff(today),
        attendance_chart=attendance_chart(months, window),
        referrals_chart=referrals_chart(window),
        places_chart=places_chart(months, window),
    )


# Today and the cases waiting ------------------------------------------------------


def sessions_on(day):
    """The day's sessions, each with ``families`` and ``children`` booked and its
    bookings (``booked``, with their case), in two queries."""
    from attendance.models import Booking, ContactSession

    bookings = Booking.objects.select_related("case").order_by("resident_arrives_at", "pk")
    return list(
        ContactSession.objects.filter(date=day)
        .annotate(
            families=Count("bookings", distinct=True),
            children=Count("bookings__case__children", distinct=True),
        )
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="booked"))
        .order_by("starts_at", "pk")
    )


def case_counts(today):
    """Referrals received and not yet decided, accepted cases whose pre-visits are still
    to be done, and active cases whose six-monthly review is due: one query."""
    from referrals.models import Case

    Status = Case.Status
    return CaseCounts(
        **Case.objects.aggregate(
            referrals_waiting=Count("pk", filter=Q(status=Status.RECEIVED)),
            pre_visits_due=Count("pk", filter=Q(status__in=[Status.ACCEPTED, Status.PRE_VISITS])),
            reviews_due=Count("pk", filter=Q(status=Status.ACTIVE, next_review_on__lte=today)),
        )
    )


def referrals_waiting():
    """The longest-waiting referrals first."""
    from referrals.models import Case

    return list(
        Case.objects.filter(status=Case.Status.RECEIVED)
        .select_related("referral")
        .order_by("referral__received_on", "pk")[:SHOWN]
    )


def pre_visits_due():
    """Accepted cases still at their pre-visits, longest waiting first, each with how many
    parents it has (``parents``) and how many have completed a pre-visit (``visited``)."""
    from referrals.models import Adult, Case

    parents = (Adult.Role.RESIDENT, Adult.Role.VISITING)
    return list(
        Case.objects.filter(status__in=[Case.Status.ACCEPTED, Case.Status.PRE_VISITS])
        .annotate(
            parents=Count("adults", filter=Q(adults__role__in=parents), distinct=True),
            visited=Count(
                "pre_visits__adult",
                filter=Q(
                    pre_visits__ground_rules_agreed_on__isnull=False,
                    pre_visits__arrangements_agreed=True,
                    pre_visits__adult__role__in=parents,
                ),
                distinct=True,
            ),
        )
        .order_by("status_changed_at", "pk")[:SHOWN]
    )


# Safeguarding ---------------------------------------------------------------------


def safeguarding_figures(user):
    """Counts for everyone who sees the dashboard; the concerns and incidents themselves
    only for the designated safeguarding lead, whose work they are."""
    from safeguarding.models import Concern, Hold, Incident

    holds = dict(
        Hold.objects.standing().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    counts = Concern.objects.aggregate(
        new=Count("pk", filter=Q(status=Concern.Status.NEW)),
    )
    figures = {
        "new_concerns": counts["new"],
        "open_incidents": Incident.objects.open().count(),
        "holds_in_force": sum(holds.values()),
        "holds_by_kind": [
            (label, holds[kind]) for kind, label in Hold.Kind.choices if holds.get(kind)
        ],
        "concern_list": None,
        "incident_list": None,
    }
    if user.is_safeguarding_lead:
        figures["concern_list"] = list(Concern.objects.new().order_by("raised_at", "pk")[:SHOWN])
        figures["incident_list"] = list(
            Incident.objects.open().order_by("occurred_on", "pk")[:SHOWN]
        )
    return figures


# Retention ------------------------------------------------------------------------


def retention_figures(today):
    """The disposal queue by rule and the forecast of what falls due, rule by rule, in
    the policy's order: the queue summary's one query, the rules', and the forecast's
    (a count per rule and horizon, however many records)."""
    from retention import engine
    from retention.models import Rule
    from retention.services import queue_summary

    summary = queue_summary()
    forecast = engine.forecast(today, FORECAST_HORIZONS)
    rows = []
    for rule in Rule.objects.all():
        counts = summary.get(rule.key, {})
        rows.append(
            QueueRow(
                rule=rule,
                awaiting=counts.get("awaiting", 0),
                postponed=counts.get("postponed", 0),
                approved=counts.get("approved", 0),
                forecast=tuple(forecast[days].get(rule.key, 0) for days in FORECAST_HORIZONS),
            )
        )
    totals = tuple(sum(row.forecast[i] for row in rows) for i in range(len(FORECAST_HORIZONS)))
    return {"queue": rows, "forecast_totals": totals}


# Privacy requests -----------------------------------------------------------------


def privacy_figures(today):
    """The requests behind the home card's counts, soonest deadline first, by reference
    only (never a name)."""
    from privacy_requests.models import PrivacyRequest
    from privacy_requests.views import due_this_week, overdue

    requests = PrivacyRequest.objects.only("pk", "right", "received_on", "due_on", "status")
    return {
        "privacy_due_this_week": list(
            requests.filter(due_this_week(today)).order_by("due_on", "pk")[:SHOWN]
        ),
        "privacy_overdue": list(requests.filter(overdue(today)).order_by("due_on", "pk")[:SHOWN]),
    }


# Staff ----------------------------------------------------------------------------


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


# Charts ---------------------------------------------------------------------------


def _month_labels(months):
    full = tuple(date_format(month, "F Y") for month in months)
    short = tuple(date_format(month, "M Y") for month in months)
    return full, short


def attendance_chart(months, window):
    """Each month's sessions that happened: families who came, and those who did not by
    the reason given, in one query. Reasons nobody gave are left out."""
    from attendance.models import Booking

    rows = (
        Booking.objects.filter(
            session__date__gte=window[0],
            session__date__lt=window[1],
            status__in=[Booking.Status.ATTENDED, Booking.Status.ABSENT],
        )
        .annotate(month=TruncMonth("session__date"))
        .values("month", "status", "absence_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        key = "attended" if row["status"] == Booking.Status.ATTENDED else row["absence_reason"]
        counts[(row["month"], key)] = counts.get((row["month"], key), 0) + row["n"]
    columns = [("attended", "Attended")] + [
        (reason, f"Absent: {label}")
        for reason, label in Booking.AbsenceReason.choices
        if any(key == reason for _, key in counts)
    ]
    full, short = _month_labels(months)
    return Chart(
        key="chart-attendance",
        title="Attendance and absences by month, over the last 12 months",
        categories=full,
        axis_labels=short,
        category_heading="Month",
        stacked=True,
        series=tuple(
            Series(label, tuple(counts.get((month, key), 0) for month in months))
            for key, label in columns
        ),
    )


def referrals_chart(window):
    """Referrals received in the last twelve months, by where they came from: one query."""
    from referrals.models import Referral

    counts = dict(
        Referral.objects.filter(received_on__gte=window[0], received_on__lt=window[1])
        .values_list("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
        .order_by()
    )
    sources = Referral.Source.choices
    return Chart(
        key="chart-referrals",
        title="Referrals by source, over the last 12 months",
        categories=tuple(label for _, label in sources),
        category_heading="Source",
        series=(Series("Referrals", tuple(counts.get(value, 0) for value, _ in sources)),),
    )


def _per_month(queryset, date_field, window, total):
    """``{first day of the month: total}`` over ``window``, in one query."""
    return dict(
        queryset.filter(**{f"{date_field}__gte": window[0], f"{date_field}__lt": window[1]})
        .annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(n=total)
        .values_list("month", "n")
        .order_by()
    )


def places_chart(months, window):
    """Each month's places (the sessions' capacity, in families) against the bookings
    made into them: two queries, so the join never counts a session's capacity twice."""
    from attendance.models import Booking, ContactSession

    places = _per_month(ContactSession.objects, "date", window, Sum("capacity"))
    booked = _per_month(Booking.objects, "session__date", window, Count("pk"))
    full, short = _month_labels(months)
    return Chart(
        key="chart-places",
        title="Places in sessions against places booked, by month",
        categories=full,
        axis_labels=short,
        category_heading="Month",
        series=(
            Series("Places available", tuple(places.get(month, 0) for month in months)),
            Series("Places booked", tuple(booked.get(month, 0) for month in months)),
        ),
        unit="families",
    )
