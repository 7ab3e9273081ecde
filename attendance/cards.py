"""Attendance's cards on the home pages (``core.cards``; declared in ``declarations.py``):
the day's sessions and who is booked, and the charts of attendance and of places over the
last twelve months. Each is a fixed number of queries, however many sessions there are."""

import functools

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from centre.charts import Chart, Series, month_labels, month_window
from core.cards import counted_once_a_day
from referrals.models import Adult, Child, PreVisit

from .models import Booking, ContactSession

PARENTS = ("resident", "visiting")  # referrals.Adult.Role: the adults who each need a pre-visit


def _count(queryset, counted="pk"):
    """A correlated count of ``queryset`` (already filtered on an ``OuterRef``), 0 for none."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(_group=Value(1))
            .annotate(n=Count(counted, distinct=True))
            .values("n")[:1]
        ),
        0,
    )


def _missing(session):
    """What stands between ``session`` and a family's contact, most pressing first: nobody
    on duty, families whose pre-visits are not complete, handover plans not filled in."""
    missing = []
    if not session.staff_count:
        missing.append("no staff member on duty")
    if not session.volunteer_count:
        missing.append("no volunteer on duty")
    unvisited = [b for b in session.booked if b.parents_visited < b.parents]
    if unvisited:
        missing.append(
            f"pre-visits not complete for {len(unvisited)} "
            f"famil{'y' if len(unvisited) == 1 else 'ies'}"
        )
    unplanned = [b for b in session.booked if b.plan_missing]
    if unplanned:
        missing.append(
            f"handover plan not complete for {len(unplanned)} "
            f"famil{'y' if len(unplanned) == 1 else 'ies'}"
        )
    return missing


@functools.cache
def _bookings_with_what_they_lack():
    """Bookings with their case's reference, its children, how many of its parents there
    are and have completed their pre-visit, and whether the handover plan lacks an
    entrance or who may collect. Built once: the same for every day and person, and
    building its three subqueries costs the home page more than running them."""
    case = OuterRef("case_id")
    return (
        Booking.objects.select_related("case")
        .only("session_id", "case_id", "status", "case__reference", "case__former_reference")
        .annotate(
            children=_count(Child.objects.filter(case=case)),
            parents=_count(Adult.objects.filter(case=case, role__in=PARENTS)),
            parents_visited=_count(
                PreVisit.objects.filter(
                    case=case,
                    adult__role__in=PARENTS,
                    ground_rules_agreed_on__isnull=False,
                    arrangements_agreed=True,
                ),
                "adult",
            ),
            plan_missing=ExpressionWrapper(
                Q(resident_entrance="") | Q(visiting_entrance="") | Q(who_may_collect=""),
                output_field=BooleanField(),
            ),
        )
        .order_by("resident_arrives_at", "pk")
    )


_ON_DUTY = ContactSession.staff_on_duty.through.objects.filter(contactsession=OuterRef("pk"))
_VOLUNTEERING = ContactSession.volunteers_on_duty.through.objects.filter(
    contactsession=OuterRef("pk")
)


@functools.cache
def _sessions_with_who_is_on_duty():
    """Sessions with how many staff and volunteers are on duty, earliest first: built once,
    as the bookings are."""
    return (
        ContactSession.objects.only("date", "starts_at", "ends_at", "kind", "room", "capacity")
        .annotate(staff_count=_count(_ON_DUTY), volunteer_count=_count(_VOLUNTEERING))
        .order_by("starts_at", "pk")
    )


def sessions_on(day, user=None):
    """The day's sessions, each with ``families`` and ``children`` booked, whether ``user``
    is on duty (``mine``), its bookings (``booked``, with their case's reference, each with
    its ``children``, how many of its parents there are and have completed their pre-visit,
    and whether its handover plan lacks an entrance or who may collect) and what is still
    ``missing``: two queries, reading only the columns the card shows."""
    sessions = _sessions_with_who_is_on_duty().filter(date=day)
    if user is not None and user.pk:
        mine = Exists(_ON_DUTY.filter(user=user.pk)) | Exists(_VOLUNTEERING.filter(user=user.pk))
        sessions = sessions.annotate(mine=ExpressionWrapper(mine, output_field=BooleanField()))
    else:
        sessions = sessions.annotate(mine=Value(False))
    bookings = _bookings_with_what_they_lack().all()  # a copy: the one built is kept as it is
    sessions = list(
        sessions.prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="booked"))
    )
    for each in sessions:
        # A case is booked into a session once (``Booking``'s constraint), so these are
        # the families and children booked, counted without a join over every child.
        each.families = len(each.booked)
        each.children = sum(booking.children for booking in each.booked)
        each.missing = _missing(each)
    return sessions


def sessions_today(user, today):
    return {"sessions_today": sessions_on(today, user)}


def attendance_chart(user, today):
    """Each month's sessions that happened: families who came, and those who did not by
    the reason given, in one query at the day's first look (``counted_once_a_day``).
    Reasons nobody gave are left out."""
    return {
        "attendance_chart": counted_once_a_day(
            "attendance-chart", today, lambda: _attendance(today)
        )
    }


def _attendance(today):
    months, window = month_window(today)
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
    full, short = month_labels(months)
    chart = Chart(
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
    return chart


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


def places_chart(user, today):
    """Each month's places (the sessions' capacity, in families) against the bookings
    made into them: two queries (so the join never counts a session's capacity twice),
    at the day's first look (``counted_once_a_day``)."""
    return {"places_chart": counted_once_a_day("places-chart", today, lambda: _places(today))}


def _places(today):
    months, window = month_window(today)
    places = _per_month(ContactSession.objects, "date", window, Sum("capacity"))
    booked = _per_month(Booking.objects, "session__date", window, Count("pk"))
    full, short = month_labels(months)
    chart = Chart(
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
    return chart
