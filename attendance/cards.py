"""Attendance's cards on the home pages (``core.cards``; declared in ``declarations.py``):
the day's sessions and who is booked, and the charts of attendance and of places over the
last twelve months. Each is a fixed number of queries, however many sessions there are."""

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import TruncMonth

from centre.charts import Chart, Series, month_labels, month_window

from .models import Booking, ContactSession


def sessions_on(day):
    """The day's sessions, each with ``families`` and ``children`` booked and its
    bookings (``booked``, with their case), in two queries."""
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


def sessions_today(user, today):
    return {"sessions_today": sessions_on(today)}


def attendance_chart(user, today):
    """Each month's sessions that happened: families who came, and those who did not by
    the reason given, in one query. Reasons nobody gave are left out."""
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
    return {"attendance_chart": chart}


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
    made into them: two queries, so the join never counts a session's capacity twice."""
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
    return {"places_chart": chart}
