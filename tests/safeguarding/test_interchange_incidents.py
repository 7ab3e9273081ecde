"""A case's incidents in the records interchange: accidents become accident book entries
(one per child, sharing an occurrence), safeguarding incidents become open incidents that
hold their case; both are checked at their JSON paths and exported back to the same items."""

import datetime
import json
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from referrals.models import Case
from safeguarding.holds import held_case_ids
from safeguarding.models import Accident, Hold, Incident, IncidentChild

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def family(*incidents, ref="REF-2023-002"):
    case = {
        "ref": ref,
        "referral": {"source": "self", "received_on": "2023-03-01", "service": "supported"},
        "adults": [
            {"ref": "A", "role": "resident", "first_name": "Ann", "last_name": "Bell"},
            {"ref": "B", "role": "visiting", "first_name": "Ben", "last_name": "Bell"},
        ],
        "children": [
            {"ref": "C", "first_name": "Cal", "last_name": "Bell", "date_of_birth": "2019-05-01"},
            {"ref": "D", "first_name": "Dot", "last_name": "Bell", "date_of_birth": "2021-08-12"},
        ],
    }
    if incidents:
        case["incidents"] = list(incidents)
    return {"format": "contact-centre-records/1", "cases": [case]}


def accident(**changes):
    return {
        "kind": "accident",
        "occurred_on": "2024-05-04",
        "children": ["C", "D"],
        "summary": "Both fell off the bench; bumped heads",
        "action_taken": "Mother told at collection",
    } | changes


def safeguarding(**changes):
    return {
        "kind": "safeguarding",
        "occurred_on": "2024-06-01",
        "children": ["D"],
        "summary": "Disclosure during contact",
        "action_taken": "Referred to MASH the same day",
    } | changes


def import_records(tmp_path, data, *args):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    stdout = StringIO()
    call_command("import_records", str(path), *args, stdout=stdout)
    return stdout.getvalue().strip()


def rejected(tmp_path, data):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    stderr = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", str(path), stderr=stderr)
    return stderr.getvalue().splitlines()


def exported_incidents():
    stdout = StringIO()
    call_command("export_records", stdout=stdout)
    return [case.get("incidents", []) for case in json.loads(stdout.getvalue())["cases"]]


def test_an_accident_becomes_one_entry_per_child_sharing_one_occurrence(db, tmp_path):
    summary = import_records(tmp_path, family(accident()))

    assert "1 incident" in summary
    cal, dot = Accident.objects.order_by("pk")
    assert cal.occurrence == dot.occurrence
    assert (cal.person_name, cal.person_date_of_birth) == ("Cal Bell", datetime.date(2019, 5, 1))
    assert dot.person_name == "Dot Bell"
    assert cal.occurred_at == datetime.datetime(2024, 5, 4, 12, 0, tzinfo=LONDON)
    assert cal.what_happened == "Both fell off the bench; bumped heads"
    assert cal.who_was_told == "Mother told at collection"
    assert cal.first_aid_given == "" and cal.recorded_by is None
    assert cal.case_reference == "REF-2023-002"
    # An accident holds nothing.
    assert Hold.objects.count() == 0


def test_an_accident_naming_no_child_is_one_entry_about_nobody_named(db, tmp_path):
    item = accident()
    del item["children"]

    import_records(tmp_path, family(item))

    assert Accident.objects.get().person_name == "Not recorded in the imported records"
    assert exported_incidents() == [[item]]


def test_an_accident_earlier_today_is_never_placed_in_the_future(db, tmp_path):
    import_records(tmp_path, family(accident(occurred_on="2026-11-29")))

    assert {a.occurred_at for a in Accident.objects.all()} == {NOW}
    assert exported_incidents()[0][0]["occurred_on"] == "2026-11-29"


def test_a_safeguarding_incident_is_opened_with_copies_and_holds_its_case(db, tmp_path):
    import_records(tmp_path, family(safeguarding()))

    incident = Incident.objects.get()
    case = Case.objects.get()
    assert incident.status == Incident.Status.OPEN and incident.opened_by is None
    assert (incident.occurred_on, incident.summary, incident.action_taken) == (
        datetime.date(2024, 6, 1),
        "Disclosure during contact",
        "Referred to MASH the same day",
    )
    assert incident.case == case and incident.case_reference == "REF-2023-002"
    link = IncidentChild.objects.get()
    assert (link.name, link.date_of_birth) == ("Dot Bell", datetime.date(2021, 8, 12))
    hold = Hold.objects.standing().get()
    assert (hold.kind, hold.case, hold.incident) == (Hold.Kind.SAFEGUARDING, case, incident)
    assert case.pk in held_case_ids()


def test_incidents_export_back_to_the_same_items_in_date_order(db, tmp_path):
    items = [
        accident(occurred_on="2023-04-01", children=["D"]),
        accident(),
        safeguarding(),
        safeguarding(occurred_on="2024-07-01", children=["C", "D"], action_taken=""),
    ]
    items[-1].pop("action_taken")
    data = family(*items)

    import_records(tmp_path, data)

    assert exported_incidents() == [items]
    assert Accident.objects.count() == 3 and Incident.objects.count() == 2


def test_importing_again_with_update_adds_nothing(db, tmp_path):
    data = family(accident(), safeguarding())
    import_records(tmp_path, data)

    summary = import_records(tmp_path, data, "--update")

    assert "already up to date" in summary and "2 incidents" in summary
    assert Accident.objects.count() == 2 and Incident.objects.count() == 1
    assert Hold.objects.count() == 1


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (
            accident(occurred_on="2026-12-01"),
            "cases[0].incidents[0].occurred_on: 2026-12-01 is in the future",
        ),
        (
            safeguarding(occurred_on="2024-02-30"),
            "cases[0].incidents[0].occurred_on: 2024-02-30 is not a real date",
        ),
        (
            accident(children=["C", "Z"]),
            "cases[0].incidents[0].children[1]: no child of this case has the ref Z",
        ),
        (
            safeguarding(children=["D", "D"]),
            "cases[0].incidents[0].children[1]: D is listed twice",
        ),
    ],
)
def test_bad_incidents_are_named_by_path_and_nothing_is_written(db, tmp_path, item, problem):
    assert rejected(tmp_path, family(item)) == [problem]
    assert Case.objects.count() == 0
    assert Accident.objects.count() == Incident.objects.count() == Hold.objects.count() == 0
