"""Writes of the staff's session pages: sessions and their rotas, booking a family (once or
as a series) and changing a booking's handover plan. Each is one transaction; the booking
rules themselves (pre-visits, capacity, the day of a pre-visit) are in ``services``."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centre.dates import add_months
from centre.models import User
from centre.roles import Role
from centre.services import record_save
from core.purge import purge
from referrals.models import Adult, Case

from .models import Booking, ContactSession
from .services import LONGEST_SERIES, SERIES_TOO_LONG, booking_create, bookings_repeat

# The centre's usual practice: the resident parent brings the child 15 minutes before the
# session and leaves; the visiting parent leaves 15 minutes before the resident parent
# returns; each comes and goes by their own entrance.
HANDOVER_GAP = datetime.timedelta(minutes=15)
RESIDENT_ENTRANCE = "Front door"
VISITING_ENTRANCE = "Side door"

# How often a series of bookings repeats, in days.
WEEKLY, FORTNIGHTLY = 7, 14


def _shift(time: datetime.time, delta: datetime.timedelta) -> datetime.time:
    moved = datetime.datetime.combine(datetime.date(2000, 1, 2), time) + delta
    return moved.time()


def plan_times(session: ContactSession) -> dict[str, datetime.time]:
    """The usual handover times for ``session``."""
    return {
        "resident_arrives_at": _shift(session.starts_at, -HANDOVER_GAP),
        "visiting_arrives_at": session.starts_at,
        "visiting_leaves_at": _shift(session.ends_at, -HANDOVER_GAP),
        "resident_collects_at": session.ends_at,
    }


def who_may_collect_for(case: Case) -> str:
    """Who may collect the child, as the case's pre-visits recorded it: the resident
    parent's pre-visit first, then any other; the latest first within each."""
    visits = sorted(
        (
            visit
            for visit in case.pre_visits.select_related("adult")
            if visit.who_may_collect.strip()
        ),
        key=lambda visit: (visit.adult.role != Adult.Role.RESIDENT, -visit.visited_on.toordinal()),
    )
    return " ".join(visits[0].who_may_collect.split()) if visits else ""


def plan_defaults(*, session: ContactSession | None = None, case: Case | None = None) -> dict:
    """A handover plan to start from: the usual times for the session, and, for the case,
    the entrances and names of its latest booking or else who may collect from its
    pre-visits."""
    plan = {"resident_entrance": RESIDENT_ENTRANCE, "visiting_entrance": VISITING_ENTRANCE}
    if session is not None:
        plan |= plan_times(session)
    if case is not None:
        latest = case.bookings.order_by("-session__date", "-pk").first()
        if latest is not None:
            plan |= {
                "resident_entrance": latest.resident_entrance,
                "visiting_entrance": latest.visiting_entrance,
                "who_may_collect": latest.who_may_collect,
                "not_to_collect": latest.not_to_collect,
            }
        else:
            plan["who_may_collect"] = who_may_collect_for(case)
    return plan


def _on_duty_problems(*, staff, volunteers) -> dict:
    errors = {}
    wrong = [user.full_name for user in staff if user.role not in (Role.STAFF, Role.MANAGER)]
    if wrong:
        errors["staff_on_duty"] = f"Not a member of staff: {', '.join(wrong)}."
    wrong = [user.full_name for user in volunteers if user.role != Role.VOLUNTEER]
    if wrong:
        errors["volunteers_on_duty"] = f"Not a volunteer: {', '.join(wrong)}."
    return errors


@transaction.atomic
def session_save(
    *,
    session: ContactSession,
    staff: list[User] = (),
    volunteers: list[User] = (),
    actor=None,
) -> ContactSession:
    """Save a session with the people on duty: staff and managers as staff, volunteers
    as volunteers. A session cannot shrink below the families already booked into it."""
    errors = _on_duty_problems(staff=staff, volunteers=volunteers)
    if session.pk:
        booked = session.bookings.count()
        if session.capacity is not None and session.capacity < booked:
            errors["capacity"] = (
                f"{booked} families are booked into this session: it cannot take fewer."
            )
    if errors:
        raise ValidationError(errors)
    record_save(record=session, actor=actor)
    session.staff_on_duty.set(staff)
    session.volunteers_on_duty.set(volunteers)
    return session


@transaction.atomic
def sessions_create_weekly(
    *,
    session: ContactSession,
    until: datetime.date,
    staff: list[User] = (),
    volunteers: list[User] = (),
    actor=None,
) -> list[ContactSession]:
    """The session, and the same session every week after it until ``until``."""
    if until < session.date:
        raise ValidationError({"repeat_until": "The last date cannot be before the first."})
    if until - session.date > LONGEST_SERIES:
        raise ValidationError({"repeat_until": SERIES_TOO_LONG})
    fields = [f.name for f in ContactSession._meta.concrete_fields if f.name not in ("id", "date")]
    created, day = [], session.date
    while day <= until:
        copy = ContactSession(date=day, **{name: getattr(session, name) for name in fields})
        created.append(session_save(session=copy, staff=staff, volunteers=volunteers, actor=actor))
        day += datetime.timedelta(days=WEEKLY)
    return created


@transaction.atomic
def booking_book(
    *,
    booking: Booking,
    repeat_every_days: int | None = None,
    until: datetime.date | None = None,
    actor=None,
) -> list[Booking]:
    """Book ``booking.case`` into ``booking.session`` with its plan, once or every
    ``repeat_every_days`` (7 or 14) until ``until``: all of them or none, with every
    reason listed once. Only an active case is booked."""
    case = booking.case
    if case.status != Case.Status.ACTIVE:
        raise ValidationError(
            f"Only an active case can be booked into sessions: case {case} is at "
            f"“{case.get_status_display()}”."
        )
    try:
        if repeat_every_days:
            if until is None:
                raise ValidationError({"repeat_until": "Say when the series ends."})
            return bookings_repeat(
                booking=booking, every_days=repeat_every_days, until=until, actor=actor
            )
        return [booking_create(booking=booking, actor=actor)]
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        # A series meets the same problem on every date (a missing pre-visit, say): once
        # is enough.
        raise ValidationError(list(dict.fromkeys(error.messages))) from None


@transaction.atomic
def booking_plan_update(*, booking: Booking, actor=None) -> Booking:
    """Save a change to a booking's handover plan."""
    return record_save(record=booking, actor=actor)


# A session no family was ever booked on holds only its date, room, notes and who was on
# duty: it is deleted this long after its date (a booked one goes with its last family).
UNBOOKED_SESSION_KEPT_MONTHS = 12


def unbooked_sessions_expire(today: datetime.date | None = None) -> int:
    """Delete, with their history, the sessions no one was booked on whose date is a year
    or more ago. Returns how many went."""
    today = today or timezone.localdate()
    cutoff = add_months(today, -UNBOOKED_SESSION_KEPT_MONTHS)
    with transaction.atomic():
        sessions = list(
            ContactSession.objects.filter(date__lte=cutoff).exclude(
                pk__in=Booking.objects.values("session_id")
            )
        )
        purge(sessions)
    return len(sessions)
