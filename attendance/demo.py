"""Fictional sessions for ``seed_demo``: Saturday mornings for the last four weeks and the
coming four (supported contact in the Main hall, supervised contact in the Quiet room), the
active families booked into them, what the register recorded at the past ones, and a
session today with three families booked so the tablet register has something to show.

Runs after ``referrals.demo`` (INSTALLED_APPS order), whose two active families it books.
It adds two families of its own, active for longer, so the past weeks have a history: one
that comes most weeks, and one that has missed its last three sessions, which the case
page flags for review. Every name is invented."""

import datetime

from django.utils import timezone

from centre.models import User
from centre.roles import Role
from centre.services import record_save
from referrals.models import Adult, Case, Child, PreVisit, Referral
from referrals.services import (
    case_accept,
    case_activate,
    case_create,
    case_start_pre_visits,
    pre_visit_save,
)

from .models import Booking, ContactSession, SupervisedReport, Tap
from .report_services import report_create, report_mark_ready
from .services import booking_create, booking_mark_absent, report_check
from .session_services import plan_defaults, session_save

SATURDAY = 5
MAIN_HALL, QUIET_ROOM = "Main hall", "Quiet room"
WEEK = datetime.timedelta(weeks=1)
# The Haddad family's prohibited steps order names the visiting parent.
PROTECTED = {"not_to_collect": "Omar Haddad"}

# (resident, visiting, child and age, source): families active for six weeks before today.
FAMILIES = [
    (("Sophie", "Marlow", "mother"), ("Daniel", "Marlow", "father"), ("Freya", 7), "self"),
    (("Jade", "Whitfield", "mother"), ("Ryan", "Cole", "father"), ("Alfie", 5), "solicitor"),
]


def seed(*, actor, today):
    volunteer = _first_user(Role.VOLUNTEER)
    manager = _first_user(Role.MANAGER)
    regular, missing = [
        _family(row, index, actor=actor, today=today) for index, row in enumerate(FAMILIES)
    ]
    brennan = _active_case("Brennan")
    haddad = _active_case("Haddad")

    saturdays = _saturdays(today)
    supported, supervised = {}, {}
    for number, day in enumerate(saturdays):
        volunteers = [volunteer] if volunteer and (number % 2 == 0 or day == today) else []
        supported[day] = _session(day, 10, 12, MAIN_HALL, 8, [actor], volunteers, actor)
        supervised[day] = _session(
            day,
            10,
            11,
            QUIET_ROOM,
            1,
            [actor],
            [],
            actor,
            kind=ContactSession.Kind.SUPERVISED,
            notes="Supervised contact: the supervisor writes the report afterwards.",
        )
    if today in supported:
        today_session = supported[today]
        today_session.volunteers_on_duty.set([volunteer] if volunteer else [])
    else:
        # An after-school session, so the register has families today whatever the day.
        today_session = _session(
            today,
            16,
            18,
            MAIN_HALL,
            8,
            [manager or actor],
            [volunteer] if volunteer else [],
            actor,
            notes="After-school session.",
        )

    past = [day for day in saturdays if day < today]
    # The regular family: comes every week but one, when the child was unwell.
    for day in past:
        if day == past[1]:
            _absent(_book(supported[day], regular, actor), "child_unwell", "", actor)
        else:
            _attended(_book(supported[day], regular, actor), volunteer)
    # The family that has stopped coming: came once, then missed three in a row.
    reasons = [
        ("visiting_did_not_attend", ""),
        ("visiting_did_not_attend", ""),
        ("other", "Father rang at 09:30: his car had broken down."),
    ]
    for day in past[:-3]:
        _attended(_book(supported[day], missing, actor), volunteer)
    for day, (reason, note) in zip(past[-3:], reasons, strict=True):
        _absent(_book(supported[day], missing, actor), reason, note, actor)
    # The families from the referrals demo, from the day they became active.
    supervised_bookings = []
    for case, sessions, plan in ((brennan, supported, {}), (haddad, supervised, PROTECTED)):
        if case is None:
            continue
        for day in past:
            if day > case.activated_on:
                booking = _book(sessions[day], case, actor, **plan)
                _attended(booking, volunteer)
                if sessions is supervised:
                    supervised_bookings.append(booking)
    _reports(supervised_bookings, actor)

    # Today: three families at the door.
    for case in (regular, missing, brennan):
        if case is not None:
            _book(today_session, case, actor)
    # The weeks to come.
    for day in (day for day in saturdays if day > today):
        _book(supported[day], regular, actor)
        if brennan is not None:
            _book(supported[day], brennan, actor)
        if haddad is not None:
            _book(supervised[day], haddad, actor, **PROTECTED)
    if haddad is not None and today in supervised:
        _book(supervised[today], haddad, actor, **PROTECTED)


def _reports(bookings, author):
    """The past supervised sessions' reports, written by the staff member on duty: the
    last marked ready and waiting for the manager to check it (their home lists it, and
    they are told by e-mail), any older ones checked and waiting to be sent."""
    for number, booking in enumerate(bookings):
        report = report_create(
            report=SupervisedReport(
                booking=booking,
                author=author,
                who_attended="The father and his daughter; the supervisor.",
                started_at=booking.visiting_arrives_at or datetime.time(10, 5),
                ended_at=datetime.time(10, 55),
                observations="A warm session: they drew together and read two books. "
                "The father kept to the ground rules throughout.",
            ),
            actor=author,
        )
        report_mark_ready(report=report, actor=author)
        if number < len(bookings) - 1:
            checker = _first_user(Role.MANAGER)
            if checker is not None:
                report_check(report=report, actor=checker)


def _first_user(role):
    return User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()


def _active_case(resident_last_name):
    return (
        Case.objects.filter(
            status=Case.Status.ACTIVE,
            adults__role=Adult.Role.RESIDENT,
            adults__last_name=resident_last_name,
        )
        .order_by("pk")
        .first()
    )


def _saturdays(today):
    """Every Saturday from four weeks before today to four weeks after."""
    last = today - datetime.timedelta(days=(today.weekday() - SATURDAY) % 7)
    first = last - 3 * WEEK if last < today else last - 4 * WEEK
    days, day = [], first
    while day <= today + 4 * WEEK:
        days.append(day)
        day += WEEK
    return days


def _session(day, start, end, room, capacity, staff, volunteers, actor, **fields):
    session = ContactSession(
        date=day,
        starts_at=datetime.time(start),
        ends_at=datetime.time(end),
        room=room,
        capacity=capacity,
        **fields,
    )
    return session_save(session=session, staff=staff, volunteers=volunteers, actor=actor)


def _book(session, case, actor, **plan):
    booking = Booking(
        session=session, case=case, **(plan_defaults(session=session, case=case) | plan)
    )
    return booking_create(booking=booking, actor=actor)


def _at(day, time, minutes=0):
    moment = datetime.datetime.combine(day, time) + datetime.timedelta(minutes=minutes)
    return timezone.make_aware(moment)


def _attended(booking, volunteer):
    """What the register recorded: everyone in and out at about the planned times."""
    day = booking.session.date
    resident = booking.case.adults.get(role=Adult.Role.RESIDENT)
    for kind, time, minutes, collected_by in [
        (Tap.Kind.RESIDENT_ARRIVED, booking.resident_arrives_at, -2, ""),
        (Tap.Kind.RESIDENT_LEFT, booking.resident_arrives_at, 4, ""),
        (Tap.Kind.VISITING_ARRIVED, booking.visiting_arrives_at, 1, ""),
        (Tap.Kind.VISITING_LEFT, booking.visiting_leaves_at, 0, ""),
        (Tap.Kind.RESIDENT_RETURNED, booking.resident_collects_at, -1, ""),
        (Tap.Kind.CHILD_COLLECTED, booking.resident_collects_at, 3, resident.full_name),
    ]:
        record_save(
            record=Tap(
                booking=booking,
                kind=kind,
                recorded_at=_at(day, time, minutes),
                recorded_by=volunteer,
                collected_by=collected_by,
            )
        )
    booking.status = Booking.Status.ATTENDED
    return record_save(record=booking, actor=volunteer)


def _absent(booking, reason, note, actor):
    return booking_mark_absent(booking=booking, reason=reason, note=note, actor=actor)


def _family(row, index, *, actor, today):
    """An active case of six weeks' standing, through the same services as the pages."""
    resident, visiting, (child, age), source = row
    case = case_create(
        referral=Referral(
            source=source,
            received_on=today - datetime.timedelta(days=70 + index),
            service=Referral.Service.SUPPORTED,
            referrer_name="" if source == "self" else "A. Fictional-Solicitor",
            referrer_organisation="" if source == "self" else "Fenwick & Co (fictional)",
            frequency_requested="weekly",
            days_requested="Saturday mornings",
        ),
        actor=actor,
    )
    adults = []
    for number, ((first, last, relationship), role) in enumerate(
        [(resident, Adult.Role.RESIDENT), (visiting, Adult.Role.VISITING)]
    ):
        adults.append(
            record_save(
                record=Adult(
                    case=case,
                    role=role,
                    relationship=relationship,
                    first_name=first,
                    last_name=last,
                    date_of_birth=datetime.date(1988 + index, number + 5, 9),
                    email=f"{first.lower()}.{last.lower()}@example.org",
                    phone=f"07700 900{300 + index * 2 + number:03d}",
                    address=f"{20 + index} Pretend Street\nElmfield",
                    postcode=f"EF{index + 7} {number + 2}ZZ",
                ),
                actor=actor,
            )
        )
    children = [
        record_save(
            record=Child(
                case=case,
                first_name=child,
                last_name=resident[1],
                date_of_birth=datetime.date(today.year - age, 3 + index, 21),
                interests="Football and drawing",
            ),
            actor=actor,
        )
    ]
    case = case_accept(case=case, actor=actor)
    case = case_start_pre_visits(case=case, actor=actor)
    for number, adult in enumerate(adults):
        day = today - datetime.timedelta(days=50 - number)
        pre_visit_save(
            pre_visit=PreVisit(
                case=case,
                adult=adult,
                visited_on=day,
                conducted_by=actor,
                ground_rules_agreed_on=day,
                ground_rules_witnessed_by=actor.full_name,
                arrangements_agreed=True,
                arrangements="Resident parent by the front door 15 minutes before; visiting "
                "parent by the side door.",
                who_may_collect=f"{adult.full_name}, June {adult.last_name} (grandmother)"
                if adult.role == Adult.Role.RESIDENT
                else "",
                photo_id_seen=True,
                privacy_notice_version="2026-01",
            ),
            children=children if adult.role == Adult.Role.RESIDENT else [],
            actor=actor,
        )
    return case_activate(case=case, actor=actor, on=today - datetime.timedelta(days=45))
