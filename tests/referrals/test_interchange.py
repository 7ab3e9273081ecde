"""The records interchange: ``import_records`` takes a whole file or nothing and names
every problem by its JSON path; ``export_records`` writes the same format back, so that an
imported file exports to the same records; an export made for one party never carries the
other party's confidential contact details."""

import copy
import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from centre.models import DBSCheck, FinanceRecord, ParentalLeave, StaffDocument, StaffMember
from centre.services import record_save
from referrals import interchange
from referrals.interchange import export_data, export_json, validate
from referrals.interchange.validation import load_schema
from referrals.models import (
    Adult,
    Case,
    Child,
    PreVisit,
    ReferenceCounter,
    Referral,
    RetentionRule,
    StatusChange,
)
from referrals.services import case_create, case_decline, pre_visit_save
from tests.factories import (
    DBSCheckFactory,
    FinanceRecordFactory,
    ParentalLeaveFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
    pdf_file,
)

TODAY = datetime.date(2026, 11, 29)
PACKAGE = Path(interchange.__file__).parent
SHARED = Path(settings.BASE_DIR).parent / "shared" / "import-format"
MODELS = (
    StaffMember,
    DBSCheck,
    StaffDocument,
    ParentalLeave,
    FinanceRecord,
    Case,
    Referral,
    Adult,
    Child,
    PreVisit,
    StatusChange,
    ReferenceCounter,
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def example():
    return json.loads((PACKAGE / "example.json").read_text(encoding="utf-8"))


def example_without_sessions_or_incidents():
    data = example()
    for case in data["cases"]:
        del case["sessions"], case["incidents"]
    return data


def self_referral(ref="REF-2023-002", **changes):
    case = {
        "ref": ref,
        "referral": {"source": "self", "received_on": "2023-03-01", "service": "supported"},
        "adults": [
            {"ref": "A", "role": "resident", "first_name": "Ann", "last_name": "Bell"},
            {"ref": "B", "role": "visiting", "first_name": "Ben", "last_name": "Bell"},
        ],
        "children": [
            {"ref": "C", "first_name": "Cal", "last_name": "Bell", "date_of_birth": "2019-05-01"}
        ],
    }
    case.update(changes)
    return case


def records(*cases, **lists):
    return {"format": "contact-centre-records/1", "cases": list(cases), **lists}


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


NOTHING = {model.__name__: 0 for model in MODELS}


def write(tmp_path, data, name="records.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def import_records(tmp_path, data, *args):
    stdout = StringIO()
    call_command("import_records", str(write(tmp_path, data)), *args, stdout=stdout)
    return stdout.getvalue().strip()


def rejected(tmp_path, data, *args):
    """The problems printed, one per line, for a file that must be rejected."""
    stderr = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", str(write(tmp_path, data)), *args, stderr=stderr)
    return stderr.getvalue().splitlines()


def export_records(*args):
    stdout = StringIO()
    call_command("export_records", *args, stdout=stdout)
    return stdout.getvalue()


def without_exported_at(data):
    return {key: value for key, value in data.items() if key != "exported_at"}


# Importing ------------------------------------------------------------------------


def test_it_imports_a_valid_file_and_says_what_it_created_in_one_line(db, tmp_path):
    summary = import_records(tmp_path, example_without_sessions_or_incidents())

    assert summary == (
        "Imported 1 staff member (1 DBS check, 2 documents), 1 finance record, "
        "1 case (2 adults, 1 child, 2 pre-visits)."
    )
    member = StaffMember.objects.get()
    assert (member.reference, member.full_name, member.paid) == ("STAFF-007", "Priya Shah", False)
    assert member.ended_on == datetime.date(2024, 8, 31)
    assert sorted(member.documents.values_list("former_reference", flat=True)) == [
        "DOC-1",
        "DOC-2",
    ]
    assert FinanceRecord.objects.get().reference == "FIN-2020-PAYE"
    case = Case.objects.get()
    assert case.display_reference == "REF-2022-014"
    assert case.reference == "HC-2022-0001"
    assert [(a.former_reference, a.full_name) for a in case.adults.order_by("pk")] == [
        ("P1", "Jane Doe"),
        ("P2", "John Roe"),
    ]
    assert case.pre_visits.get(adult__former_reference="P2").visited_on == datetime.date(
        2022, 1, 16
    )


def test_a_case_with_a_closure_date_is_imported_closed_with_its_history_marked_imported(
    db, tmp_path
):
    import_records(tmp_path, example_without_sessions_or_incidents())

    case = Case.objects.get()
    assert case.status == Case.Status.CLOSED
    assert case.closed_on == datetime.date(2022, 9, 30)
    assert case.closure_reason == "Final hearing; contact moved to the community"
    assert list(case.status_changes.values_list("from_status", "to_status", "reason")) == [
        ("", "received", "Imported"),
        ("received", "closed", "Imported"),
    ]


@pytest.mark.parametrize(
    ("pre_visits", "status"),
    [
        ([{"adult": "A", "visited_on": "2023-03-10"}, {"adult": "B", "visited_on": "2023-03-11"}],
         Case.Status.ACTIVE),
        ([{"adult": "A", "visited_on": "2023-03-10"}], Case.Status.PRE_VISITS),
        ([], Case.Status.RECEIVED),
    ],
)  # fmt: skip
def test_an_open_case_is_imported_at_the_status_its_pre_visits_show(
    db, tmp_path, pre_visits, status
):
    import_records(tmp_path, records(self_referral(pre_visits=pre_visits)))

    case = Case.objects.get()
    assert case.status == status
    assert case.closed_on is None
    # An active case taken over from another system is reviewed straight away.
    assert case.next_review_on == (TODAY if status == Case.Status.ACTIVE else None)
    assert set(case.status_changes.values_list("reason", flat=True)) == {"Imported"}


def test_imported_cases_get_the_retention_class_their_referral_calls_for(db, tmp_path):
    court = self_referral("REF-COURT")
    court["referral"] |= {"source": "cafcass", "court_order": True, "cafcass_involved": True}
    import_records(tmp_path, records(court, self_referral("REF-SELF")))

    assert Case.objects.get(former_reference="REF-COURT").retention_rule == (
        RetentionRule.CONTACT_COURT
    )
    assert Case.objects.get(former_reference="REF-SELF").retention_rule == (
        RetentionRule.CONTACT_SELF
    )


def test_a_certificate_copy_the_file_mentions_is_recorded_as_held_outside_handover(db, tmp_path):
    data = example_without_sessions_or_incidents()
    second = {"checked_on": "2023-01-10", "certificate_number": "0099", "decision": "pending"}
    data["staff"][0]["dbs_checks"].append(second)
    import_records(tmp_path, data)

    with_copy, without = DBSCheck.objects.order_by("pk")
    assert not with_copy.certificate_copy
    assert with_copy.certificate_copy_held_elsewhere and with_copy.has_certificate_copy
    assert not without.certificate_copy_held_elsewhere and not without.has_certificate_copy
    assert without.level == DBSCheck.Level.ENHANCED  # the model's default, as none was given


def test_a_referral_from_another_source_records_where_it_came_from(db, tmp_path):
    case = self_referral()
    case["referral"] |= {"source": "other", "referrer_organisation": "Citizens Advice"}
    import_records(tmp_path, records(case))

    assert Referral.objects.get().source_other == "Citizens Advice"


# Rejecting ------------------------------------------------------------------------


def test_it_lists_every_problem_with_its_path_and_writes_nothing(db, tmp_path):
    data = example_without_sessions_or_incidents()
    second_case = copy.deepcopy(data["cases"][0])
    second_case["pre_visits"][1]["adult"] = "P9"
    second_case["adults"][1]["email"] = "not-an-email"  # only the model can tell
    data["cases"].append(second_case)  # ... with the same ref as the first
    first_case = data["cases"][0]
    first_case["children"][0]["date_of_birth"] = "2031-01-01"
    first_case["adults"][1]["role"] = "parent"
    first_case["adults"][0]["nickname"] = "Janey"
    staff = data["staff"][0]
    staff["dbs_checks"][0]["checked_on"] = "2023-02-30"
    del staff["role"]
    staff["parental_leave"] = [{"starts_on": "2020-01-06"}]

    problems = rejected(tmp_path, data)

    assert problems == [
        "cases[0].adults[0].nickname: is not a field of this format",
        'cases[0].adults[1].role: "parent" is not one of resident, visiting, other',
        "cases[0].children[0].date_of_birth: 2031-01-01 is in the future",
        "cases[1].adults[1].email: Enter an e-mail address in the form name@example.org.",
        "cases[1].pre_visits[1].adult: no adult of this case has the ref P9",
        "cases[1].ref: REF-2022-014 is already the ref of cases[0]",
        "staff[0].dbs_checks[0].checked_on: 2023-02-30 is not a real date",
        "staff[0].parental_leave[0]: give child_born_on or adopted_on: the record is kept "
        "for a time counted from one of them",
        "staff[0].role: is required but missing",
    ]
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(format="contact-centre-records/2"),
         'format: must be "contact-centre-records/1", not "contact-centre-records/2"'),
        (lambda d: d.update(exported_at="yesterday"),
         'exported_at: "yesterday" is not a date and time such as 2026-03-15T09:30:00+00:00'),
        (lambda d: d["staff"][0].update(ended_on="2019-03-31"),
         "staff[0].ended_on: 2019-03-31 is before the start date, 2019-04-01"),
        (lambda d: d["staff"][0].update(started_on="2027-01-04", ended_on="2027-02-01"),
         "staff[0].started_on: 2027-01-04 is in the future"),
        (lambda d: d["staff"][0]["documents"][1].update(ref="DOC-1"),
         "staff[0].documents[1].ref: DOC-1 is already the ref of staff[0].documents[0]"),
        (lambda d: d["staff"][0].update(parental_leave=[
            {"starts_on": "2021-05-01", "ends_on": "2021-04-01", "child_born_on": "2021-04-20"}]),
         "staff[0].parental_leave[0].ends_on: 2021-04-01 is before the leave starts, 2021-05-01"),
        (lambda d: d["finance_records"].append(copy.deepcopy(d["finance_records"][0])),
         "finance_records[1].ref: FIN-2020-PAYE is already the ref of finance_records[0]"),
        (lambda d: d["finance_records"][0].update(spans_later_years_until="2019-03-31"),
         "finance_records[0].spans_later_years_until: 2019-03-31 must be a later year end "
         "than financial_year_end, 2020-03-31"),
        (lambda d: d["cases"][0].update(closed_on="2021-12-31"),
         "cases[0].closed_on: 2021-12-31 is before the referral was received, 2022-01-05"),
        (lambda d: d["cases"][0].update(closed_on="2027-01-01"),
         "cases[0].closed_on: 2027-01-01 is in the future"),
        (lambda d: d["cases"][0].pop("closed_on"),
         "cases[0].closure_reason: is given but closed_on is not"),
        (lambda d: d["cases"][0]["children"].append(copy.deepcopy(d["cases"][0]["children"][0])),
         "cases[0].children[1].ref: K1 is already the ref of cases[0].children[0]"),
        (lambda d: d["cases"][0]["referral"].update(received_on="2022-13-01"),
         "cases[0].referral.received_on: 2022-13-01 is not a real date"),
        (lambda d: d["cases"][0]["pre_visits"][0].update(visited_on="15/01/2022"),
         'cases[0].pre_visits[0].visited_on: "15/01/2022" is not a date in the form YYYY-MM-DD'),
        (lambda d: d["cases"][0].update(children=[]),
         "cases[0].children: must list at least one"),
        (lambda d: d["cases"][0]["referral"].update(court_order="yes"),
         'cases[0].referral.court_order: "yes" is not true or false'),
    ],
)  # fmt: skip
def test_each_rule_of_the_format_is_checked(db, tmp_path, change, problem):
    data = example_without_sessions_or_incidents()
    change(data)

    assert rejected(tmp_path, data) == [problem]
    assert counts() == NOTHING


def test_incidents_must_name_children_of_their_case(db):
    data = example()
    data["cases"][0]["incidents"][0]["children"] = ["K1", "K7"]

    assert "cases[0].incidents[0].children[1]: no child of this case has the ref K7" in [
        str(problem) for problem in validate(data, today=TODAY)
    ]


def test_the_example_file_is_imported_whole(db, tmp_path):
    # Sessions (tests/attendance/test_interchange_sessions.py) and incidents
    # (tests/safeguarding/test_interchange_incidents.py) are imported with the rest.
    summary = import_records(tmp_path, example())

    assert summary.startswith(
        "Imported 1 staff member (1 DBS check, 2 documents), 1 finance record, "
        "1 case (2 adults, 1 child, 2 pre-visits, "
    )
    assert "3 sessions" in summary and "1 incident" in summary
    assert Case.objects.count() == 1


def test_a_rejected_import_leaves_no_file_behind(db, tmp_path):
    data = example_without_sessions_or_incidents()
    data["cases"][0]["adults"][1]["email"] = "john.roe.example.com"

    assert rejected(tmp_path, data) == [
        "cases[0].adults[1].email: Enter an e-mail address in the form name@example.org."
    ]
    assert counts() == NOTHING
    upload_root = Path(settings.UPLOAD_ROOT)
    assert not upload_root.exists() or not any(p.is_file() for p in upload_root.rglob("*"))


def test_a_file_that_is_not_json_is_rejected(db, tmp_path):
    path = tmp_path / "records.json"
    path.write_text('{"format": ', encoding="utf-8")
    stderr = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem in"):
        call_command("import_records", str(path), stderr=stderr)
    assert "is not valid JSON" in stderr.getvalue()


# Importing again ------------------------------------------------------------------


def test_importing_the_same_file_twice_reports_conflicts_and_writes_nothing(db, tmp_path):
    data = example_without_sessions_or_incidents()
    import_records(tmp_path, data)
    before = counts()

    assert rejected(tmp_path, data) == [
        "cases[0].ref: a case with the ref REF-2022-014 is already in Handover: import with "
        "--update to update it, or take it out of the file",
        "finance_records[0].ref: a finance record with the ref FIN-2020-PAYE is already in "
        "Handover: import with --update to update it, or take it out of the file",
        "staff[0].ref: a staff member with the ref STAFF-007 is already in Handover: import "
        "with --update to update it, or take it out of the file",
    ]
    assert counts() == before


def test_with_update_it_updates_what_is_held_and_duplicates_nothing(db, tmp_path):
    data = example_without_sessions_or_incidents()
    import_records(tmp_path, data)
    data["staff"][0]["first_name"] = "Priyanka"
    data["staff"][0]["documents"].append({"ref": "DOC-3", "category": "other", "title": "Note"})
    data["finance_records"].append(
        {"ref": "FIN-2021-PAYE", "description": "PAYE 2020/21", "financial_year_end": "2021-03-31"}
    )
    data["cases"][0]["adults"][0]["phone"] = "07700 900999"

    summary = import_records(tmp_path, data, "--update")

    assert summary == (
        "Imported: created 1 document, 1 finance record; updated 1 staff member, 1 adult; "
        "already up to date: 1 DBS check, 2 documents, 1 finance record, "
        "1 case (1 adult, 1 child, 2 pre-visits)."
    )
    assert StaffMember.objects.get().first_name == "Priyanka"
    assert Adult.objects.get(former_reference="P1").phone == "07700 900999"
    assert StaffDocument.objects.count() == 3
    assert (Case.objects.count(), Adult.objects.count(), PreVisit.objects.count()) == (1, 2, 2)
    assert DBSCheck.objects.count() == 1


def test_importing_an_unchanged_file_with_update_changes_nothing(db, tmp_path):
    data = example_without_sessions_or_incidents()
    import_records(tmp_path, data)
    before = counts()
    history_before = StaffMember.history.count() + Adult.history.count() + Case.history.count()

    summary = import_records(tmp_path, data, "--update")

    assert summary == (
        "Imported: already up to date: 1 staff member (1 DBS check, 2 documents), "
        "1 finance record, 1 case (2 adults, 1 child, 2 pre-visits)."
    )
    assert counts() == before
    assert history_before == (
        StaffMember.history.count() + Adult.history.count() + Case.history.count()
    )


def test_with_update_an_open_case_is_closed_as_the_file_says(db, tmp_path):
    import_records(tmp_path, records(self_referral()))
    closed = self_referral(closed_on="2024-01-31", closure_reason="Moved away")

    import_records(tmp_path, records(closed), "--update")

    case = Case.objects.get()
    assert (case.status, case.closed_on, case.closure_reason) == (
        Case.Status.CLOSED,
        datetime.date(2024, 1, 31),
        "Moved away",
    )
    assert case.status_changes.last().reason == "Imported"


def test_with_update_an_import_does_not_reopen_a_closed_case(db, tmp_path):
    import_records(tmp_path, records(self_referral(closed_on="2024-01-31")))

    assert rejected(tmp_path, records(self_referral()), "--update") == [
        "cases[0].closed_on: is missing, but the case was closed in Handover on 2024-01-31; "
        "an import does not reopen a case"
    ]
    assert Case.objects.get().status == Case.Status.CLOSED


# Exporting ------------------------------------------------------------------------


def test_exporting_an_imported_file_gives_back_the_same_records(db, tmp_path):
    data = example_without_sessions_or_incidents()
    import_records(tmp_path, data)

    exported = json.loads(export_records())

    assert without_exported_at(exported) == data
    assert datetime.datetime.fromisoformat(exported["exported_at"]).tzinfo is not None


def test_the_example_file_imported_into_an_empty_database_exports_to_itself(db, tmp_path):
    data = example()
    import_records(tmp_path, data)

    assert without_exported_at(json.loads(export_records())) == data


def test_records_made_in_handover_export_import_and_export_again_the_same(db, tmp_path):
    member = StaffMemberFactory(first_name="Ola", paid=True, ended_on=datetime.date(2026, 12, 31))
    DBSCheckFactory(staff_member=member, outcome="")
    DBSCheckFactory(staff_member=member, certificate_copy=pdf_file())
    ParentalLeaveFactory(staff_member=member, ends_on=datetime.date(2027, 1, 31))
    StaffDocumentFactory(staff_member=member, notes="Kept on file")
    FinanceRecordFactory(spans_later_years_until=datetime.date(2026, 3, 31))
    case = case_create(
        referral=Referral(
            source="solicitor",
            received_on=datetime.date(2026, 10, 1),
            service="supported",
            referrer_email="office@solicitors.example.test",
            notes="Prefers Saturdays",
        )
    )
    adult = record_save(record=Adult(case=case, role="resident", first_name="A", last_name="B"))
    record_save(
        record=Child(
            case=case, first_name="C", last_name="B", date_of_birth=datetime.date(2020, 1, 1)
        )
    )
    pre_visit_save(
        pre_visit=PreVisit(case=case, adult=adult, visited_on=datetime.date(2026, 10, 9))
    )
    declined = case_create(
        referral=Referral(source="self", received_on=datetime.date(2026, 11, 2), service="handover")
    )
    record_save(record=Adult(case=declined, role="visiting", first_name="D", last_name="E"))
    record_save(
        record=Child(
            case=declined, first_name="F", last_name="E", date_of_birth=datetime.date(2021, 2, 2)
        )
    )
    case_decline(case=declined, reason="Outside our area", actor=None)
    first = without_exported_at(json.loads(export_records()))
    assert validate(first, today=TODAY) == []
    assert [c.get("has_certificate_copy") for c in first["staff"][0]["dbs_checks"]] == [None, True]
    assert first["cases"][0]["adults"][0]["ref"] == f"AD-{adult.pk:04d}"
    assert first["cases"][1]["closure_reason"] == "Referral declined: Outside our area"

    for model in (Case, StaffMember, FinanceRecord, ReferenceCounter):
        model.objects.all().delete()
    import_records(tmp_path, first)

    assert without_exported_at(json.loads(export_records())) == first


def test_a_case_with_no_people_yet_exports_but_the_format_will_not_take_it_back(db, tmp_path):
    case_create(
        referral=Referral(source="self", received_on=datetime.date(2026, 11, 2), service="handover")
    )
    exported = json.loads(export_records())
    assert (exported["cases"][0]["adults"], exported["cases"][0]["children"]) == ([], [])

    Case.objects.all().delete()
    assert rejected(tmp_path, exported) == [
        "cases[0].adults: must list at least one",
        "cases[0].children: must list at least one",
    ]


def test_export_with_case_holds_only_the_cases_named(db, tmp_path):
    data = example_without_sessions_or_incidents()
    data["cases"].append(self_referral())
    import_records(tmp_path, data)
    ours = case_create(
        referral=Referral(source="self", received_on=datetime.date(2026, 11, 2), service="handover")
    )

    exported = json.loads(export_records("--case", ours.reference, "--case", "REF-2023-002"))

    assert [case["ref"] for case in exported["cases"]] == ["REF-2023-002", ours.reference]
    assert "staff" not in exported and "finance_records" not in exported
    # An imported case is found by the reference Handover gave it too.
    imported = Case.objects.get(former_reference="REF-2022-014")
    exported = json.loads(export_records("--case", imported.reference.lower()))
    assert [case["ref"] for case in exported["cases"]] == ["REF-2022-014"]


def test_export_with_an_unknown_case_writes_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="No case has the reference REF-404"):
        export_records("--case", "REF-404", "-o", str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()


def test_export_to_a_file_writes_the_records_there(db, tmp_path):
    data = example_without_sessions_or_incidents()
    import_records(tmp_path, data)
    out = tmp_path / "export.json"

    assert export_records("-o", str(out)).strip() == f"Exported to {out}."
    assert without_exported_at(json.loads(out.read_text(encoding="utf-8"))) == data


# Two households -------------------------------------------------------------------


CONFIDENTIAL = ("jane.doe@example.net", "07700 900123", "1 Example Road, London", "E4 6AA")


@pytest.fixture
def jane_and_john(db, tmp_path):
    import_records(tmp_path, example_without_sessions_or_incidents())
    jane = Adult.objects.get(former_reference="P1")
    jane.email = CONFIDENTIAL[0]
    jane.contact_details_confidential = True
    record_save(record=jane)
    return jane, Adult.objects.get(former_reference="P2")


def test_an_export_for_the_other_party_never_holds_confidential_contact_details(jane_and_john):
    jane, john = jane_and_john

    for_john = export_json(for_adult=john)

    for detail in CONFIDENTIAL:
        assert detail not in for_john
    assert "Jane" in for_john  # her name is not a contact detail
    assert "john.roe@example.com" in for_john  # his own are his
    assert "STAFF-007" not in for_john and "FIN-2020-PAYE" not in for_john
    assert validate(json.loads(for_john), today=TODAY) == []


def test_the_full_export_and_one_for_that_same_adult_hold_her_contact_details(jane_and_john):
    jane, john = jane_and_john

    for text in (export_json(), export_json(for_adult=jane), export_records()):
        for detail in CONFIDENTIAL:
            assert detail in text


def test_an_export_for_a_party_covers_the_cases_asked_for(jane_and_john, tmp_path):
    jane, john = jane_and_john
    import_records(tmp_path, records(self_referral()))
    other = Case.objects.get(former_reference="REF-2023-002")

    assert [c["ref"] for c in export_data(for_adult=john)["cases"]] == ["REF-2022-014"]
    both = export_data(Case.objects.order_by("pk"), for_adult=john)
    assert [c["ref"] for c in both["cases"]] == ["REF-2022-014", other.display_reference]
    assert "address" not in both["cases"][0]["adults"][0]


# The format's files ---------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the project")
@pytest.mark.parametrize("name", ["schema.json", "example.json"])
def test_the_packaged_copies_of_the_format_are_identical_to_the_published_ones(name):
    assert (PACKAGE / name).read_bytes() == (SHARED / name).read_bytes()


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(load_schema())
