"""Writes about sessions, bookings, the register and supervised reports. Each is one
transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from centre.models import Disclosure, person_reference
from centre.services import record_save
from core import audit
from referrals.models import Adult
from referrals.services import activation_problems

from .models import Booking, ContactSession, ReportRecipient, SupervisedReport, Tap
from .report_services import contact_details_problems, tell_author_on_commit

# A series is set up a year ahead at most: a mistyped year (2106 for 2026) would
# otherwise book, or look for, thousands of sessions in one request.
LONGEST_SERIES = datetime.timedelta(days=366)
SERIES_TOO_LONG = (
    "A series can run for a year at most: choose an end date within a year of the first "
    "session, and set up the rest nearer the time."
)

Kind = Tap.Kind


def _booking_problems(*, session: ContactSession, case) -> list[str]:
    problems = list(activation_problems(case))
    if case.pre_visits.filter(visited_on=session.date).exists():
        problems.append(
            f"{session.date:%d/%m/%Y} is the day of a pre-visit: contact cannot begin on "
            "the same day."
        )
    if session.bookings.filter(case=case).exists():
        problems.append(f"The family is already booked into the session of {session}.")
    elif session.bookings.count() >= session.capacity:
        places = f"{session.capacity} famil{'y' if session.capacity == 1 else 'ies'}"
        problems.append(f"The session of {session} is full ({places}): choose another session.")
    return problems


def pre_visit_not_on_a_session_day(pre_visit) -> list[str]:
    """NACCC: a pre-visit is never on the same day as the family's contact session."""
    if (
        pre_visit.visited_on
        and Booking.objects.filter(
            case_id=pre_visit.case_id, session__date=pre_visit.visited_on
        ).exists()
    ):
        return [
            f"The family has a contact session on {pre_visit.visited_on:%d/%m/%Y}: a "
            "pre-visit cannot be on the same day."
        ]
    return []


@transaction.atomic
def booking_create(*, booking: Booking, actor=None) -> Booking:
    """Book a case into a session, if it has had both pre-visits and the session has
    room. The session is locked while it is counted, so two bookings cannot both take
    its last place."""
    session = ContactSession.objects.select_for_update().get(pk=booking.session_id)
    problems = _booking_problems(session=session, case=booking.case)
    if problems:
        raise ValidationError(problems)
    booking.booked_by = actor
    return record_save(record=booking, actor=actor)


@transaction.atomic
def bookings_repeat(
    *, booking: Booking, every_days: int, until: datetime.date, actor=None
) -> list[Booking]:
    """Book the same family, with the same plan, into the session at the same time and
    place every ``every_days`` (7 or 14) days until ``until``: all of them, or, if any
    date cannot be booked, none, with every reason listed."""
    first = booking.session
    if until < first.date:
        raise ValidationError("The last date cannot be before the first session.")
    if until - first.date > LONGEST_SERIES:
        raise ValidationError({"repeat_until": SERIES_TOO_LONG})
    bookings, problems = [], []
    day = first.date
    while day <= until:
        session = (
            ContactSession.objects.select_for_update()
            .filter(date=day, starts_at=first.starts_at, room=first.room)
            .first()
        )
        if session is None:
            problems.append(f"There is no session on {day:%d/%m/%Y} at {first.starts_at:%H:%M}.")
        else:
            problems += _booking_problems(session=session, case=booking.case)
            copy = Booking(
                **{
                    field.name: getattr(booking, field.name)
                    for field in Booking._meta.concrete_fields
                    if field.name not in ("id", "session")
                },
                session=session,
            )
            bookings.append(copy)
        day += datetime.timedelta(days=every_days)
    if problems:
        raise ValidationError(problems)
    for copy in bookings:
        copy.booked_by = actor
        record_save(record=copy, actor=actor)
    return bookings


def on_site(taps) -> set[str]:
    """Who is at the centre now, from a booking's taps in order: "resident", "visiting"
    and "child"."""
    present = set()
    for tap in taps:
        if tap.kind in (Kind.RESIDENT_ARRIVED, Kind.RESIDENT_RETURNED):
            present |= {"resident", "child"} if tap.kind == Kind.RESIDENT_ARRIVED else {"resident"}
        elif tap.kind == Kind.RESIDENT_LEFT:
            present.discard("resident")
        elif tap.kind == Kind.VISITING_ARRIVED:
            present.add("visiting")
        elif tap.kind == Kind.VISITING_LEFT:
            present.discard("visiting")
        elif tap.kind == Kind.CHILD_COLLECTED:
            present -= {"child", "resident"}
    return present


def _names(text):
    return [name.strip().lower() for name in text.replace(";", ",").split(",") if name.strip()]


def _warning(booking: Booking, kind, present, collected_by) -> str:
    if kind == Kind.VISITING_ARRIVED and "resident" in present:
        return (
            "The resident parent is still on site: keep the visiting parent apart until "
            "the resident parent has left."
        )
    if kind == Kind.CHILD_COLLECTED:
        who = collected_by.strip().lower()
        if not who:
            return "Nobody was recorded as collecting the child."
        if any(name in who or who in name for name in _names(booking.not_to_collect)):
            return f"{collected_by} must not collect the child. Tell the staff member on duty now."
        if not any(name in who or who in name for name in _names(booking.who_may_collect)):
            return (
                f"{collected_by} is not on the list of who may collect the child. Tell the "
                "staff member on duty now."
            )
    if kind == Kind.RESIDENT_RETURNED and "visiting" in present:
        return "The visiting parent has not left yet: keep the resident parent apart."
    return ""


# A tablet's clock may be this far from the server's before its time is not believed.
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)
# A tap that reaches the server this long after it was tapped came late: the audit trail
# says so.
LATE_AFTER = datetime.timedelta(minutes=1)


def _event_time(*, booking: Booking, tapped_at, tapped_offline: bool, received_at):
    """When the tap happened, and whether the tablet's time had to be replaced.

    A tap sent at once is believed within ``CLOCK_TOLERANCE`` of its arrival; one that
    waited offline may be older, but never later than its arrival nor on another day
    than the register's."""
    if tapped_at is None:
        return received_at, False
    if tapped_at > received_at + CLOCK_TOLERANCE:
        return received_at, True
    if not tapped_offline and received_at - tapped_at > CLOCK_TOLERANCE:
        return received_at, True
    if timezone.localdate(tapped_at) != booking.session.date:
        return received_at, True
    return min(tapped_at, received_at), False


def warnings_recompute(booking: Booking) -> list[Tap]:
    """Each tap's warning from the taps before it in order of tap time, so that taps
    from two tablets, one of them sent late, read as one timeline. Returns the taps in
    that order; only those whose warning changed are written. Undone taps are not in the
    timeline: a warning that came only from a mistaken tap goes with it."""
    taps = list(booking.taps.live().order_by("recorded_at", "pk"))
    changed = []
    for number, tap in enumerate(taps):
        warning = _warning(booking, tap.kind, on_site(taps[:number]), tap.collected_by)
        if warning != tap.warning:
            tap.warning = warning
            changed.append(tap)
    Tap.objects.bulk_update(changed, ["warning"])
    return taps


def _booking_refusal(booking: Booking) -> str:
    if booking.status == Booking.Status.ABSENT:
        return "This family is marked absent: undo that before recording taps."
    return ""


# An arrival this long before the session starts, or on a register not today's, is asked
# about before it is recorded: a tap on the wrong session or the wrong day.
EARLY_BEFORE = datetime.timedelta(hours=1)
ARRIVALS = (Kind.RESIDENT_ARRIVED, Kind.VISITING_ARRIVED)


class ArrivalToConfirm(ValidationError):
    """Raised, recording nothing, for an arrival that needs a second deliberate tap."""


def _arrival_question(booking: Booking, kind, recorded_at) -> str:
    if kind not in ARRIVALS:
        return ""
    session = booking.session
    today = timezone.localdate()
    tapped = timezone.localtime(recorded_at)
    if session.date != today:
        when = "tomorrow's" if session.date == today + datetime.timedelta(days=1) else "not today's"
        return (
            f"This register is {when}: it is for {session.date:%A %-d %B}. "
            f"Record the arrival on it anyway?"
        )
    starts = datetime.datetime.combine(
        session.date, session.starts_at, tzinfo=timezone.get_current_timezone()
    )
    if tapped < starts - EARLY_BEFORE:
        return (
            f"It is {tapped:%H:%M} and this session starts at {session.starts_at:%H:%M}: "
            "record the arrival anyway?"
        )
    return ""


@transaction.atomic
def tap_record(
    *,
    booking: Booking,
    kind,
    token,
    actor=None,
    collected_by="",
    tapped_at: datetime.datetime | None = None,
    tapped_offline: bool = False,
    received_at: datetime.datetime | None = None,
    confirmed: bool = False,
) -> Tap:
    """Record one tap on the register. The same token (a button's, or the key the
    tablet made) twice records once: the first tap is returned. Taps from several
    tablets never overwrite each other, and warnings are worked out again from all of
    them in order of tap time.

    ``tapped_at`` is the tablet's time of the tap; ``tapped_offline`` says it waited on
    the tablet for the connection. A time the tablet cannot have right (see
    ``_event_time``) is replaced by the time the tap arrived, and flagged.

    An arrival more than ``EARLY_BEFORE`` before the session starts (by its tap time, so
    a tap queued within the hour is not questioned), or on a register not today's,
    raises ``ArrivalToConfirm`` and records nothing unless ``confirmed``."""
    existing = Tap.objects.filter(token=token).first()
    if existing is not None:
        if existing.booking_id != booking.pk:
            raise ValidationError("That button belongs to another family's card.")
        return existing
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    refusal = _booking_refusal(booking)
    if refusal:
        raise ValidationError(refusal)
    received_at = received_at or timezone.now()
    recorded_at, corrected = _event_time(
        booking=booking, tapped_at=tapped_at, tapped_offline=tapped_offline, received_at=received_at
    )
    question = _arrival_question(booking, kind, recorded_at)
    if question and not confirmed:
        raise ArrivalToConfirm(question)
    tap = Tap(
        booking=booking,
        kind=kind,
        token=token,
        recorded_at=recorded_at,
        received_at=received_at,
        tapped_offline=tapped_offline,
        clock_corrected=corrected,
        tablet_time=tapped_at if corrected else None,
        recorded_by=actor,
        collected_by=collected_by,
    )
    tap.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            tap.save()
    except IntegrityError:  # the same tap, arriving at the same moment from a retry
        return Tap.objects.get(token=token)
    for merged in warnings_recompute(booking):
        if merged.pk == tap.pk:
            tap.warning = merged.warning
    if booking.status == Booking.Status.BOOKED:
        booking.status = Booking.Status.ATTENDED
        record_save(record=booking, actor=actor)
    late = received_at - recorded_at
    if tapped_offline or corrected or late > LATE_AFTER:
        # Ids and times only: the manager sees which taps came late, and by how much.
        audit.record(
            None,
            audit.Action.LATE_TAP,
            kind="late-tap",
            object_id=tap.pk,
            user=actor,
            detail=(
                f"booking {booking.pk} {kind}: tapped {timezone.localtime(recorded_at):%H:%M}, "
                f"arrived {timezone.localtime(received_at):%H:%M}"
                + (", tapped offline" if tapped_offline else "")
                + (", tablet clock corrected" if corrected else "")
            ),
        )
    return tap


# How long a tap can be undone after it reached the server: long enough to notice a
# mistaken tap at the door, short enough that the register is not rewritten later.
UNDO_WINDOW = datetime.timedelta(minutes=5)


def tap_undo_ends(tap: Tap) -> datetime.datetime:
    return (tap.received_at or tap.recorded_at) + UNDO_WINDOW


@transaction.atomic
def tap_undo(*, booking: Booking, tap_id: int, key, actor=None, now=None) -> Tap:
    """Undo the last tap on a family's card within ``UNDO_WINDOW`` of its reaching the
    server. The tap is kept, marked undone with who and when (the register's history and
    the audit trail show both); the card is worked out again without it. The same
    ``key`` (the Undo button's token) twice undoes once: the undone tap is returned."""
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    done = Tap.objects.filter(undo_key=key).first()
    if done is not None:
        if done.pk != tap_id or done.booking_id != booking.pk:
            raise ValidationError("That Undo button belongs to another tap.")
        return done
    tap = booking.taps.filter(pk=tap_id).first()
    if tap is None:
        raise ValidationError("That tap is not on this family's card. Nothing was undone.")
    if tap.undone_at is not None:
        raise ValidationError(
            f"That tap was undone already at {timezone.localtime(tap.undone_at):%H:%M}."
        )
    last = booking.taps.live().order_by("recorded_at", "pk").last()
    if last is None or last.pk != tap.pk:
        raise ValidationError(
            "Only the last tap on the card can be undone, and another was recorded since. "
            "Nothing was undone: tell the staff member on duty."
        )
    now = now or timezone.now()
    if now > tap_undo_ends(tap):
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        raise ValidationError(
            f"A tap can be undone for {minutes} minutes only. Nothing was undone: tell the "
            "staff member on duty, who can correct the record."
        )
    tap.undone_at = now
    tap.undone_by = actor
    tap.undo_key = key
    tap.full_clean(validate_unique=False)
    tap.save(update_fields=["undone_at", "undone_by", "undo_key"])
    warnings_recompute(booking)
    if booking.status == Booking.Status.ATTENDED and not booking.taps.live().exists():
        booking.status = Booking.Status.BOOKED
        record_save(record=booking, actor=actor)
    # Ids and times only, as for a late tap.
    audit.record(
        None,
        audit.Action.TAP_UNDONE,
        kind="tap-undone",
        object_id=tap.pk,
        user=actor,
        detail=(
            f"booking {booking.pk} {tap.kind} of "
            f"{timezone.localtime(tap.recorded_at):%H:%M} undone at "
            f"{timezone.localtime(now):%H:%M}"
        ),
    )
    return tap


@transaction.atomic
def booking_mark_absent(*, booking: Booking, reason, note="", actor=None, key=None) -> Booking:
    """Mark the family absent. With ``key`` (made by the tablet for a queued tap), the
    same absence sent again changes nothing."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if key is not None and booking.absence_key == key and booking.status == Booking.Status.ABSENT:
        return booking
    if booking.taps.live().exists():
        raise ValidationError("Someone from this family has been recorded arriving.")
    if key is not None and booking.status == Booking.Status.ABSENT:
        raise ValidationError(
            "This family was marked absent on another tablet already: "
            f"{booking.get_absence_reason_display()}."
        )
    booking.status = Booking.Status.ABSENT
    booking.absence_reason = reason
    booking.absence_note = note
    booking.absence_key = key
    return record_save(record=booking, actor=actor)


@transaction.atomic
def booking_undo_absence(*, booking: Booking, actor=None) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.ABSENT:
        raise ValidationError("This family is not marked absent.")
    booking.status = Booking.Status.BOOKED
    booking.absence_reason = ""
    booking.absence_note = ""
    booking.absence_key = None
    return record_save(record=booking, actor=actor)


def missed_in_a_row(bookings) -> int:
    """How many of the family's most recent past sessions, one after another, they
    missed (``bookings`` newest first, absences and attendances only)."""
    count = 0
    for booking in bookings:
        if booking.status != Booking.Status.ABSENT:
            break
        count += 1
    return count


# Supervised contact reports.


def _refuse_what_must_not_go(report: SupervisedReport):
    """Checked again when the report is checked and when it is sent: a parent may have
    asked since it was written that words never reach the other party."""
    problems = contact_details_problems(
        texts={
            name: getattr(report, name) for name in ("who_attended", "observations", "concerns")
        },
        case=report.booking.case,
    )
    if problems:
        raise ValidationError(
            [
                f"{SupervisedReport._meta.get_field(field).verbose_name.capitalize()}: {problem}"
                for field, problem in problems.items()
            ]
        )


@transaction.atomic
def report_check(*, report: SupervisedReport, actor, request=None) -> SupervisedReport:
    """Someone other than the author checks a report its author has marked ready, before
    it can go out: it is then frozen. The author is told, by an e-mail naming no one."""
    report = SupervisedReport.objects.select_for_update().get(pk=report.pk)
    if report.author_id == actor.pk:
        raise ValidationError("A report must be checked by someone other than its author.")
    if report.status == SupervisedReport.Status.DRAFT:
        raise ValidationError(
            "This report is a draft: its author has not marked it ready for checking yet."
        )
    if report.status != SupervisedReport.Status.READY:
        raise ValidationError(f"This report is {report.get_status_display().lower()} already.")
    _refuse_what_must_not_go(report)
    report.status = SupervisedReport.Status.CHECKED
    report.checked_by = actor
    report.checked_at = timezone.now()
    record_save(record=report, actor=actor)
    tell_author_on_commit(report, "checked", request=request)
    return report


@transaction.atomic
def report_send(*, report: SupervisedReport, basis: str, actor) -> SupervisedReport:
    """Send a checked report to its distribution list, recording each disclosure. A
    court-ordered report goes only to the people the order names."""
    report = SupervisedReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SupervisedReport.Status.CHECKED:
        raise ValidationError("Only a checked report can be sent.")
    recipients = list(report.recipients.all())
    if not recipients:
        raise ValidationError("Add at least one person to the distribution list.")
    if report.court_ordered:
        outside = [r.name for r in recipients if not r.named_in_order]
        if outside:
            raise ValidationError(
                "This report was ordered by a court and may go only to the people the order "
                f"names. Not named: {', '.join(outside)}."
            )
    if not basis.strip():
        raise ValidationError("Say on what basis the report is shared.")
    _refuse_what_must_not_go(report)
    report.status = SupervisedReport.Status.SENT
    report.sent_by = actor
    report.sent_at = timezone.now()
    record_save(record=report, actor=actor)
    case = report.booking.case
    for recipient in recipients:
        # A parent on the list is the person the disclosure is about, and is told by
        # receiving it; the others learn of a report to a court or Cafcass from the centre.
        adult = recipient.adult if recipient.kind == ReportRecipient.Kind.PARENT else None
        Disclosure.objects.create(
            disclosed_at=report.sent_at,
            disclosed_by=actor,
            recipient=recipient.name,
            recipient_kind=recipient.get_kind_display(),
            # The other kinds of recipient share their values with the log's.
            recipient_type=(
                Disclosure.RecipientType.PERSON
                if recipient.kind == ReportRecipient.Kind.PARENT
                else Disclosure.RecipientType(recipient.kind)
            ),
            what=f"Supervised contact report of {report.booking.session.date:%d/%m/%Y}",
            basis_kind=(
                Disclosure.Basis.COURT_ORDER if report.court_ordered else Disclosure.Basis.CONSENT
            ),
            basis=basis,
            person_told=(
                Disclosure.PersonTold.YES
                if recipient.kind == ReportRecipient.Kind.PARENT
                else Disclosure.PersonTold.NOT_YET
            ),
            case_reference=case.display_reference,
            person_kind=Disclosure.PersonKind.ADULT if adult else "",
            person_id=adult.pk if adult else None,
            person_label=(
                person_reference("adult", adult.pk, case.display_reference) if adult else ""
            ),
            record_label="supervised-report",
            record_id=report.pk,
        )
    return report


def recipient_for_adult(adult: Adult) -> ReportRecipient:
    return ReportRecipient(kind=ReportRecipient.Kind.PARENT, name=adult.full_name, adult=adult)
