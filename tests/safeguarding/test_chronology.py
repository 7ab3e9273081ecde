"""The chronology of a case and of a child merges incidents, concerns raised, absences
and the case's key events in date order, for the lead and the manager only, at a cost
that does not grow with the story."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, ContactSession
from centre.roles import Role
from centre.services import record_save
from referrals.models import StatusChange
from safeguarding.chronology import EntryKind, case_chronology, child_chronology
from safeguarding.incident_services import incident_open
from safeguarding.models import Concern, Incident
from safeguarding.services import concern_raise
from tests.conftest import _person
from tests.referrals.factories import ChildFactory, family_case


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@pytest.fixture
def lead(db):
    return _person("dee.lead@example.test", "Dee Lomax", Role.STAFF, is_safeguarding_lead=True)


@pytest.fixture
def case(db):
    return family_case(last_name="Brackenridge")


def _absence(case, day):
    session = record_save(
        record=ContactSession(
            date=day, starts_at=datetime.time(10), ends_at=datetime.time(12), room="Garden room"
        )
    )
    return record_save(
        record=Booking(
            session=session,
            case=case,
            resident_arrives_at=datetime.time(9, 45),
            resident_collects_at=datetime.time(12),
            visiting_arrives_at=datetime.time(10),
            visiting_leaves_at=datetime.time(11, 45),
            resident_entrance="Front door",
            visiting_entrance="Side door",
            who_may_collect="The resident parent",
            status=Booking.Status.ABSENT,
            absence_reason=Booking.AbsenceReason.CHILD_UNWELL,
        )
    )


def _story(case, *, lead, staff, start=40):
    """A case's story: received (today, by case_create) is moved back to ``start`` days
    ago; then accepted, a concern, an absence and an incident, each a few days apart."""
    case.status_changes.update(changed_at=_at_noon(_days_ago(start)))
    StatusChange.objects.create(
        case=case, from_status="received", to_status="accepted", changed_at=_at_noon(_days_ago(30))
    )
    concern = concern_raise(
        concern=Concern(case=case, occurred_at=_at_noon(_days_ago(20)), what_happened="Fictional."),
        children=case.children.all(),
        actor=staff,
    )
    _absence(case, _days_ago(15))
    incident_open(
        incident=Incident(occurred_on=_days_ago(10), summary="Fictional."),
        concern=concern,
        actor=lead,
    )
    StatusChange.objects.create(
        case=case, from_status="accepted", to_status="active", changed_at=_at_noon(_days_ago(5))
    )


def test_the_case_chronology_merges_the_four_kinds_in_date_order(lead, staff, case):
    _story(case, lead=lead, staff=staff)
    entries = case_chronology(case)
    assert [e.kind for e in entries] == [
        EntryKind.CASE_EVENT,
        EntryKind.CASE_EVENT,
        EntryKind.CONCERN,
        EntryKind.ABSENCE,
        EntryKind.INCIDENT,
        EntryKind.CASE_EVENT,
    ]
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert entries[0].label == "Case referral received"
    assert entries[3].detail == "Child unwell"
    assert entries[4].detail == "Not yet triaged · Open"


def test_the_child_chronology_has_only_what_is_about_the_child(lead, staff, case):
    _story(case, lead=lead, staff=staff)
    sibling = ChildFactory(case=case)
    child = case.children.exclude(pk=sibling.pk).get()
    assert [e.kind for e in child_chronology(child)] == [e.kind for e in case_chronology(case)]
    # The concern and incident were about the first child only; the case's events and
    # absences are the sibling's too.
    assert {e.kind for e in child_chronology(sibling)} == {EntryKind.CASE_EVENT, EntryKind.ABSENCE}


def test_the_chronology_pages_are_for_the_lead_and_the_manager(
    client, lead, manager, staff, volunteer, case
):
    child = case.children.get()
    urls = [
        reverse("safeguarding:case_chronology", args=[case.pk]),
        reverse("safeguarding:child_chronology", args=[child.pk]),
    ]
    for user, status in ((lead, 200), (manager, 200), (staff, 403), (volunteer, 403)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (user, url)


def test_the_chronology_page_shows_the_entries_in_order(client, lead, staff, case):
    _story(case, lead=lead, staff=staff)
    client.force_login(lead)
    text = client.get(reverse("safeguarding:case_chronology", args=[case.pk])).text
    dates = re.findall(r"<td>(\d\d/\d\d/\d{4})</td>", text)
    assert len(dates) == 6
    assert [datetime.datetime.strptime(d, "%d/%m/%Y") for d in dates] == sorted(
        datetime.datetime.strptime(d, "%d/%m/%Y") for d in dates
    )


@pytest.mark.parametrize("page", ["case_chronology", "child_chronology"])
def test_the_chronology_costs_the_same_however_long_the_story(
    client, lead, staff, case, page, queries_stay_flat
):
    child = case.children.get()
    _story(case, lead=lead, staff=staff)
    client.force_login(lead)
    url = reverse(f"safeguarding:{page}", args=[case.pk if page == "case_chronology" else child.pk])
    step = iter(range(100))

    def add_more():
        for _ in range(3):
            n = next(step)
            _absence(case, _days_ago(50 + n))
            concern = concern_raise(
                concern=Concern(
                    case=case, occurred_at=_at_noon(_days_ago(60 + n)), what_happened="Fictional."
                ),
                children=[child],
                actor=staff,
            )
            incident_open(
                incident=Incident(occurred_on=_days_ago(70 + n), summary="Fictional."),
                concern=concern,
                actor=lead,
            )

    # Four queries for the story, the rest the page's own (session, user, badges).
    queries_stay_flat(url, add_more=add_more, most=16)
