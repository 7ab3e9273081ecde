"""A case's ``sessions`` in the records interchange format (``../shared/import-format``),
imported and exported for ``referrals.interchange`` through its registry of case sections.

How an imported session is held
-------------------------------
An item of the format has only a date, whether the family attended, the reason it did not
and notes: no time, no room, no other family. Each item becomes its own ContactSession
and one Booking of the case in it:

- the session: the item's date; the room "Imported from earlier records", which marks it
  everywhere it is shown; placeholder times, 10:00 to 12:00, said to be placeholders in
  its notes; the kind the case's referral asks for (supervised or supported); capacity 1.
  Sessions are not shared between families or items: the earlier records do not say who
  was there together, and merging families by date would invent it (and a supervised
  session holds one family only);
- the booking: the placeholder plan that goes with those times (09:45, 10:00, 11:45,
  12:00), entrances and collectors "Not recorded"; status attended or absent.

Absence reasons are the policy's, Booking.AbsenceReason, in the format's words. An absence
with no reason is still a missed session: it is imported as "other" with the note
"Imported without a reason" (rejecting it would turn away a schema-valid file for leaving
out an optional key) and exported again without a reason. The model asks for a note on
every "other" absence; an imported one with no note of its own gets a placeholder, never
exported. Notes go to the booking's notes. A note written in Handover on an absence is
exported at the head of the item's ``notes``, so nothing recorded is lost in an export.

Only bookings with an outcome (attended or absent) are exported, in the order they were
made, so a file imported into an empty database exports to the same items. With
``--update``, an item matches the case's first not yet matched booking on its date; one
whose export already equals the item is left alone.

Rules beyond the schema: an attended session cannot lie in the future (an absence may: a
cancellation ahead of the day), and an attended session has no absence reason.
"""

import datetime

from django.db.models import Prefetch

from centre.services import record_save
from referrals.interchange.case_sections import (
    CREATED,
    UNCHANGED,
    UPDATED,
    CaseSection,
    SectionImport,
)
from referrals.interchange.validation import DATE_SHAPE, parse_date
from referrals.models import Case, Referral

from .models import Booking, ContactSession

KEY = "sessions"
KEY_KIND = "session"  # what the import summary counts: "3 sessions"
IMPORTED_ROOM = "Imported from earlier records"
IMPORTED_SESSION_NOTES = (
    "Imported from earlier records, which give only the date: the times are placeholders."
)
STARTS, ENDS = datetime.time(10, 0), datetime.time(12, 0)
IMPORTED_PLAN = {
    "resident_arrives_at": datetime.time(9, 45),
    "visiting_arrives_at": STARTS,
    "visiting_leaves_at": datetime.time(11, 45),
    "resident_collects_at": ENDS,
    "resident_entrance": "Not recorded",
    "visiting_entrance": "Not recorded",
    "who_may_collect": "Not recorded in the earlier records",
}
WITHOUT_A_REASON = "Imported without a reason"
OTHER_WITHOUT_A_NOTE = "Imported from earlier records: no note given"
PLACEHOLDER_NOTES = {WITHOUT_A_REASON, OTHER_WITHOUT_A_NOTE}
NOTES_JOIN = "\n\n"

Status, Reason = Booking.Status, Booking.AbsenceReason


# Validation ----------------------------------------------------------------------


def validate_sessions(items, *, path, case, today):
    """``(path, reason)`` for each problem the schema cannot see in a case's sessions."""
    for index, item in enumerate(items):
        item_path = (*path, index)
        value = item.get("date")
        date = parse_date(value)
        if isinstance(value, str) and DATE_SHAPE.match(value) and date is None:
            yield (*item_path, "date"), f"{value} is not a real date"
        if item.get("attended") is not True:
            continue
        if date is not None and date > today:
            yield (*item_path, "date"), f"{value} is in the future"
        if "absence_reason" in item:
            yield (
                (*item_path, "absence_reason"),
                "is given but attended is true: a session the family attended has no "
                "absence reason",
            )


# Export --------------------------------------------------------------------------

EXPORTED = "interchange_sessions"


def _exported_bookings():
    bookings = Booking.objects.filter(status__in=[Status.ATTENDED, Status.ABSENT])
    return bookings.select_related("session").order_by("pk")


def session_item(booking: Booking) -> dict:
    """One booking as an item of the format."""
    item = {"date": booking.session.date.isoformat(), "attended": booking.status == Status.ATTENDED}
    notes = [booking.notes]
    if booking.status == Status.ABSENT:
        no_reason = (
            booking.absence_reason == Reason.OTHER and booking.absence_note == WITHOUT_A_REASON
        )
        if not no_reason:
            item["absence_reason"] = booking.absence_reason
        if booking.absence_note not in PLACEHOLDER_NOTES:
            notes.insert(0, booking.absence_note)
    notes = NOTES_JOIN.join(note for note in notes if note)
    if notes:
        item["notes"] = notes
    return item


def export_sessions(case: Case) -> list[dict]:
    bookings = getattr(case, EXPORTED, None)
    if bookings is None:
        bookings = _exported_bookings().filter(case=case)
    return [session_item(booking) for booking in bookings]


# Import --------------------------------------------------------------------------


def _outcome(item) -> dict:
    """The booking's status, absence and notes that ``item`` records."""
    notes = item.get("notes", "")
    if item["attended"]:
        return {"status": Status.ATTENDED, "absence_reason": "", "absence_note": "", "notes": notes}
    reason = item.get("absence_reason")
    note = ""
    if reason is None:
        reason, note = Reason.OTHER, WITHOUT_A_REASON
    elif reason == Reason.OTHER:
        note = OTHER_WITHOUT_A_NOTE
    return {"status": Status.ABSENT, "absence_reason": reason, "absence_note": note, "notes": notes}


def _kind(case) -> str:
    referral = getattr(case, "referral", None) if case is not None else None
    if referral is not None and referral.service == Referral.Service.SUPERVISED:
        return ContactSession.Kind.SUPERVISED
    return ContactSession.Kind.SUPPORTED


def _written(item) -> dict:
    """``item`` as an export would write it: without empty notes."""
    return {key: value for key, value in item.items() if value != ""}


def import_sessions(section: SectionImport) -> None:
    case = section.case
    unmatched = []
    if section.case_saved:
        unmatched = list(case.bookings.select_related("session").order_by("pk"))
    for index, item in enumerate(section.items):
        path = (*section.path, index)
        date = parse_date(item.get("date"))
        if date is None:
            continue  # validation has said why
        booking = next((b for b in unmatched if b.session.date == date), None)
        if booking is not None:
            unmatched.remove(booking)
            _import_into(section, path, booking, item)
        else:
            _import_new(section, path, case, date, item)


def _import_into(section, path, booking, item):
    if session_item(booking) == _written(item):
        section.save(path, booking, None, keys=(), kind=KEY_KIND, action=UNCHANGED)
        return
    for field, value in _outcome(item).items():
        setattr(booking, field, value)
    section.save(
        path,
        booking,
        lambda: record_save(record=booking),
        keys=("absence_reason", "notes"),
        kind=KEY_KIND,
        action=UPDATED,
    )


def _import_new(section, path, case, date, item):
    session = ContactSession(
        date=date,
        starts_at=STARTS,
        ends_at=ENDS,
        kind=_kind(case),
        room=IMPORTED_ROOM,
        capacity=1,
        notes=IMPORTED_SESSION_NOTES,
    )
    saved = section.save(
        path,
        session,
        lambda: record_save(record=session),
        keys=("date",),
        parents=[("case", case)],
        action=CREATED,
    )
    booking = Booking(session=session, case=case, **IMPORTED_PLAN, **_outcome(item))
    section.save(
        path,
        booking,
        lambda: record_save(record=booking),
        keys=("absence_reason", "notes"),
        parents=[("case", case), ("session", session if saved else None)],
        kind=KEY_KIND,
        action=CREATED,
    )


def section() -> CaseSection:
    """This app's part of a case in the interchange format (declared in
    ``declarations.py``)."""
    return CaseSection(
        KEY,
        nouns=(KEY_KIND, "sessions"),
        validate=validate_sessions,
        import_=import_sessions,
        export=export_sessions,
        prefetch=(Prefetch("bookings", queryset=_exported_bookings(), to_attr=EXPORTED),),
    )
