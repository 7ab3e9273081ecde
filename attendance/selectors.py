"""Reads for the session pages and the case page's attendance. Each loads what its page
shows in a fixed number of queries, however many sessions, bookings or taps there are."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from centre.models import CentreProfile, User
from referrals.models import Adult, Case

from .models import Booking, ContactSession, Tap
from .restrictions import mark_restricted
from .services import missed_in_a_row

PARENT_ROLES = (Adult.Role.RESIDENT, Adult.Role.VISITING)


def _on_duty():
    people = User.objects.only("full_name", "email").order_by("full_name")
    return (
        Prefetch("staff_on_duty", queryset=people),
        Prefetch("volunteers_on_duty", queryset=people),
    )


def _parents(prefix=""):
    """The parents' names as ``case.parents``."""
    parents = Adult.objects.filter(role__in=PARENT_ROLES).only(
        "case_id", "role", "first_name", "last_name"
    )
    return Prefetch(f"{prefix}adults", queryset=parents, to_attr="parents")


def sessions_for_list(*, past: bool = False, today: datetime.date | None = None) -> QuerySet:
    """Sessions from today on, soonest first; or, with ``past``, those before today,
    latest first. Each with its number of bookings (``booked``) and the people on duty."""
    today = today or timezone.localdate()
    sessions = ContactSession.objects.annotate(booked=Count("bookings")).prefetch_related(
        *_on_duty()
    )
    if past:
        return sessions.filter(date__lt=today).order_by("-date", "-starts_at", "-pk")
    return sessions.filter(date__gte=today).order_by("date", "starts_at", "pk")


def session_for_page(pk) -> ContactSession:
    """One session with the people on duty and its bookings (``session.booked_families``),
    each with its case and the parents' names, and ``restricted`` where the family's
    records are restricted (the page then shows no names)."""
    bookings = mark_restricted(
        Booking.objects.select_related("case").prefetch_related(_parents("case__"))
    )
    sessions = ContactSession.objects.prefetch_related(
        *_on_duty(), Prefetch("bookings", queryset=bookings, to_attr="booked_families")
    )
    return get_object_or_404(sessions, pk=pk)


def bookable_cases(*, session: ContactSession | None = None) -> QuerySet:
    """Active cases, with their parents' names; those already booked into ``session``
    are left out."""
    cases = Case.objects.filter(status=Case.Status.ACTIVE)
    if session is not None and session.pk:
        cases = cases.exclude(bookings__session=session)
    return cases.prefetch_related(_parents()).order_by("reference")


def bookable_sessions(*, case: Case | None = None, today=None) -> QuerySet:
    """Sessions from today on with a place left, soonest first, with their number of
    bookings; those the case is booked into already are left out."""
    today = today or timezone.localdate()
    sessions = ContactSession.objects.filter(date__gte=today)
    if case is not None:
        sessions = sessions.exclude(bookings__case=case)
    return (
        sessions.annotate(booked=Count("bookings"))
        .filter(booked__lt=F("capacity"))
        .order_by("date", "starts_at", "pk")
    )


# The case page --------------------------------------------------------------------


@dataclass
class BookingLine:
    """One of the case's bookings as its page shows it."""

    booking: Booking
    arrived_at: datetime.datetime | None = None
    left_at: datetime.datetime | None = None
    taps: list[Tap] = field(default_factory=list)

    @property
    def session(self):
        return self.booking.session


@dataclass
class CaseAttendance:
    upcoming: list[BookingLine]
    past: list[BookingLine]
    attended: int
    absences: int
    # (reason's label, count), in the order of Booking.AbsenceReason; reasons with none
    # are left out.
    absences_by_reason: list[tuple[str, int]]
    missed_in_a_row: int
    review_after: int

    @property
    def needs_review(self) -> bool:
        return bool(self.review_after) and self.missed_in_a_row >= self.review_after


def _line(booking) -> BookingLine:
    taps = list(booking.taps.all())
    collected = [tap for tap in taps if tap.kind == Tap.Kind.CHILD_COLLECTED]
    return BookingLine(
        booking=booking,
        taps=taps,
        arrived_at=taps[0].recorded_at if taps else None,
        left_at=(collected or taps)[-1].recorded_at if taps else None,
    )


def case_attendance(case: Case, *, today: datetime.date | None = None) -> CaseAttendance:
    """The case's sessions, past and to come, with what the register recorded, each
    supervised session's report (``booking.report``) and the counts the review rule reads,
    in three queries.

    A session is past once its day has begun and the register shows an outcome, or once
    its day is over; a family is flagged for review when its most recent past sessions
    are ``CentreProfile.missed_sessions_before_review`` absences in a row."""
    today = today or timezone.localdate()
    bookings = list(
        Booking.objects.filter(case=case)
        .select_related("session", "report")
        .prefetch_related(
            Prefetch("taps", queryset=Tap.objects.live().order_by("recorded_at", "pk"))
        )
        .order_by("session__date", "session__starts_at", "pk")
    )
    past, upcoming = [], []
    for booking in bookings:
        date = booking.session.date
        done = date < today or (date == today and booking.status != Booking.Status.BOOKED)
        (past if done else upcoming).append(_line(booking))
    outcomes = [line.booking for line in past if line.booking.status != Booking.Status.BOOKED]
    absent = [booking for booking in outcomes if booking.status == Booking.Status.ABSENT]
    reasons = Counter(booking.absence_reason for booking in absent)
    return CaseAttendance(
        upcoming=upcoming,
        past=list(reversed(past)),
        attended=len(outcomes) - len(absent),
        absences=len(absent),
        absences_by_reason=[
            (label, reasons[value])
            for value, label in Booking.AbsenceReason.choices
            if reasons[value]
        ],
        missed_in_a_row=missed_in_a_row(reversed(outcomes)),
        review_after=CentreProfile.load().missed_sessions_before_review,
    )
