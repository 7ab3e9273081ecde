"""seed_demo adds fictional safeguarding records: concerns at different stages, an open
incident (triaged, holding its case) and a closed one with its outcome, and accident book
entries."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from safeguarding.models import Accident, Concern, Hold, Incident


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_safeguarding_seeds_after_referrals_and_attendance():
    names = [config.name for config in apps.get_app_configs()]
    assert names.index("referrals") < names.index("attendance") < names.index("safeguarding")


def test_seed_demo_adds_concerns_incidents_holds_and_accidents(seeded):
    assert set(Concern.objects.values_list("status", flat=True)) == {"new", "seen"}
    open_incident = Incident.objects.open().get()
    assert open_incident.type and open_incident.severity and open_incident.decision_reasons
    assert open_incident.children.exists()
    closed = Incident.objects.get(status=Incident.Status.CLOSED)
    assert closed.outcome and closed.closed_on
    held = Hold.objects.standing().filter(kind=Hold.Kind.SAFEGUARDING)
    assert held.filter(case=open_incident.case).exists()
    accidents = Accident.objects.all()
    assert accidents.count() == 3
    about_a_child = accidents.get(child__isnull=False)
    assert about_a_child.person_name == about_a_child.child.full_name
    assert about_a_child.person_date_of_birth == about_a_child.child.date_of_birth


def test_the_demos_old_accident_to_an_adult_waits_in_the_disposal_queue(seeded):
    from retention.models import QueueItem

    old = Accident.objects.get(person_name__startswith="Colin Ashdown")

    assert not old.about_child
    assert QueueItem.objects.filter(rule="adult-accident", object_id=old.pk).exists()
