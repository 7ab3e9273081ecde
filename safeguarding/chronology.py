"""The chronology of a case or of a child: incidents, concerns raised, absences and the
case's key events, merged in date order. One query per kind, however long the story."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking
from referrals.models import Case, Child, StatusChange

from .models import Concern, Incident


class EntryKind:
    CASE_EVENT = "case_event"
    CONCERN = "concern"
    ABSENCE = "absence"
    INCIDENT = "incident"


# On the same day: the case's own events first, then what was seen, then what was done.
_SAME_DAY_ORDER = {
    EntryKind.CASE_EVENT: 0,
    EntryKind.ABSENCE: 1,
    EntryKind.CONCERN: 2,
    EntryKind.INCIDENT: 3,
}


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str
    label: str
    detail: str
    url: str = ""

    @property
    def sort_key(self):
        return (self.date, _SAME_DAY_ORDER[self.kind])


def _incident_entries(incidents):
    return [
        Entry(
            date=incident.occurred_on,
            kind=EntryKind.INCIDENT,
            label=f"Incident {incident.reference}",
            detail=" · ".join(
                part
                for part in (
                    incident.get_type_display() or "Not yet triaged",
                    incident.get_status_display(),
                )
                if part
            ),
            url=reverse("safeguarding:incident_detail", args=[incident.pk]),
        )
        for incident in incidents
    ]


def _concern_entries(concerns):
    return [
        Entry(
            date=timezone.localdate(concern.occurred_at),
            kind=EntryKind.CONCERN,
            label=f"Concern {concern.reference} raised",
            detail=concern.get_status_display(),
            url=reverse("safeguarding:concern_detail", args=[concern.pk]),
        )
        for concern in concerns
    ]


def _absence_entries(bookings):
    return [
        Entry(
            date=booking.session.date,
            kind=EntryKind.ABSENCE,
            label="Absent from contact",
            detail=" · ".join(
                part
                for part in (booking.get_absence_reason_display(), booking.absence_note)
                if part
            ),
        )
        for booking in bookings
    ]


def _case_event_entries(changes):
    return [
        Entry(
            date=timezone.localdate(change.changed_at),
            kind=EntryKind.CASE_EVENT,
            label=f"Case {Case.Status(change.to_status).label.lower()}",
            detail=change.reason,
        )
        for change in changes
    ]


def _merged(*groups):
    return sorted((entry for group in groups for entry in group), key=lambda e: e.sort_key)


def case_chronology(case: Case) -> list[Entry]:
    """Everything of ``case`` in date order, oldest first (four queries)."""
    return _merged(
        _incident_entries(Incident.objects.filter(case=case)),
        _concern_entries(Concern.objects.filter(case=case)),
        _absence_entries(
            Booking.objects.filter(case=case, status=Booking.Status.ABSENT).select_related(
                "session"
            )
        ),
        _case_event_entries(StatusChange.objects.filter(case=case)),
    )


def child_chronology(child: Child) -> list[Entry]:
    """Everything about ``child`` in date order: the incidents and concerns about the
    child, and the absences and key events of the child's case (four queries)."""
    return _merged(
        _incident_entries(Incident.objects.filter(children__child=child).distinct()),
        _concern_entries(Concern.objects.filter(children=child).distinct()),
        _absence_entries(
            Booking.objects.filter(
                case_id=child.case_id, status=Booking.Status.ABSENT
            ).select_related("session")
        ),
        _case_event_entries(StatusChange.objects.filter(case_id=child.case_id)),
    )
