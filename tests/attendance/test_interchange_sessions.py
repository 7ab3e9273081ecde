"""A case's sessions in the records interchange: imported as one placeholder session and
one booking each, checked at their JSON paths, and exported back to the same items."""

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from attendance import interchange as attendance_interchange
from attendance.models import Booking, ContactSession
from attendance.selectors import case_attendance
from core.declarations import CASE_SECTION, declarations
from referrals import interchange
from referrals.interchange import case_sections, export_data, validate
from referrals.models import Case
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.referrals.factories import family_case

TODAY = datetime.date(2026, 11, 29)
PACKAGE = Path(interchange.__file__).parent


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def example_without_incidents():
    data = json.loads((PACKAGE / "example.json").read_text(encoding="utf-8"))
    for case in data["cases"]:
        del case["incidents"]
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
        "pre_visits": [
            {"adult": "A", "visited_on": "2023-03-10"},
            {"adult": "B", "visited_on": "2023-03-11"},
        ],
    }
    case.update(changes)
    return case


def records(*cases):
    return {"format": "contact-centre-records/1", "cases": list(cases)}


def write(tmp_path, data):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def import_records(tmp_path, data, *args):
    stdout = StringIO()
    call_command("import_records", write(tmp_path, data), *args, stdout=stdout)
    return stdout.getvalue().strip()


def rejected(tmp_path, data, *args):
    stderr = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", write(tmp_path, data), *args, stderr=stderr)
    return stderr.getvalue().splitlines()


def export_records(*args):
    stdout = StringIO()
    call_command("export_records", *args, stdout=stdout)
    data = json.loads(stdout.getvalue())
    del data["exported_at"]
    return data


def nothing_written():
    return not (
        Case.objects.exists() or ContactSession.objects.exists() or Booking.objects.exists()
    )


# Importing ------------------------------------------------------------------------


def test_the_example_without_its_incidents_imports_its_sessions(db, tmp_path):
    summary = import_records(tmp_path, example_without_incidents())

    assert summary == (
        "Imported 1 staff member (1 DBS check, 2 documents), 1 finance record, "
        "1 case (2 adults, 1 child, 2 pre-visits, 3 sessions)."
    )
    case = Case.objects.get()
    bookings = list(case.bookings.select_related("session").order_by("pk"))
    assert [(b.session.date, b.status, b.absence_reason) for b in bookings] == [
        (datetime.date(2022, 1, 29), "attended", ""),
        (datetime.date(2022, 2, 12), "absent", "child_unwell"),
        (datetime.date(2022, 2, 26), "attended", ""),
    ]


def test_each_imported_session_is_its_own_placeholder_session_of_the_case_kind(db, tmp_path):
    import_records(tmp_path, example_without_incidents())  # a supervised referral

    sessions = list(ContactSession.objects.order_by("date"))
    assert len(sessions) == 3
    for session in sessions:
        assert session.room == "Imported from earlier records"
        assert (session.starts_at, session.ends_at) == (
            datetime.time(10, 0),
            datetime.time(12, 0),
        )
        assert session.kind == "supervised" and session.capacity == 1
        assert "placeholders" in session.notes
    booking = Booking.objects.first()
    assert booking.who_may_collect == "Not recorded in the earlier records"
    assert booking.resident_entrance == booking.visiting_entrance == "Not recorded"


def test_an_absence_without_a_reason_is_imported_as_other_and_exported_without_one(db, tmp_path):
    sessions = [
        {"date": "2023-04-01", "attended": False},
        {"date": "2023-04-08", "attended": False, "absence_reason": "other"},
        {"date": "2023-04-15", "attended": False, "absence_reason": "other", "notes": "Flood"},
        {"date": "2023-04-22", "attended": True, "notes": "Went well"},
    ]
    data = records(self_referral(sessions=sessions))
    import_records(tmp_path, data)

    absences = Booking.objects.filter(status="absent").order_by("pk")
    assert [(b.absence_reason, b.absence_note, b.notes) for b in absences] == [
        ("other", "Imported without a reason", ""),
        ("other", "Imported from earlier records: no note given", ""),
        ("other", "Imported from earlier records: no note given", "Flood"),
    ]
    assert export_records() == data


def test_the_same_date_twice_is_two_sessions(db, tmp_path):
    sessions = [
        {"date": "2023-04-01", "attended": True},
        {"date": "2023-04-01", "attended": False, "absence_reason": "cancelled_by_centre"},
    ]
    data = records(self_referral(sessions=sessions))
    import_records(tmp_path, data)

    assert ContactSession.objects.count() == Booking.objects.count() == 2
    assert export_records() == data


def test_imported_absences_count_towards_the_review_warning(db, tmp_path):
    sessions = [
        {"date": "2023-04-01", "attended": True},
        {"date": "2023-04-08", "attended": False, "absence_reason": "visiting_did_not_attend"},
        {"date": "2023-04-15", "attended": False},
        {"date": "2023-04-22", "attended": False, "absence_reason": "child_unwell"},
    ]
    import_records(tmp_path, records(self_referral(sessions=sessions)))

    attendance = case_attendance(Case.objects.get(), today=TODAY)
    assert (attendance.attended, attendance.absences, attendance.missed_in_a_row) == (1, 3, 3)
    assert attendance.needs_review


# Rejecting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session", "problem"),
    [
        ({"date": "2026-12-05", "attended": True},
         "cases[0].sessions[1].date: 2026-12-05 is in the future"),
        ({"date": "2023-04-08", "attended": True, "absence_reason": "child_unwell"},
         "cases[0].sessions[1].absence_reason: is given but attended is true: a session the "
         "family attended has no absence reason"),
        ({"date": "2023-02-30", "attended": False},
         "cases[0].sessions[1].date: 2023-02-30 is not a real date"),
        ({"date": "08/04/2023", "attended": False},
         'cases[0].sessions[1].date: "08/04/2023" is not a date in the form YYYY-MM-DD'),
        ({"date": "2023-04-08", "attended": "yes"},
         'cases[0].sessions[1].attended: "yes" is not true or false'),
        ({"date": "2023-04-08", "attended": False, "absence_reason": "ill"},
         'cases[0].sessions[1].absence_reason: "ill" is not one of child_unwell, '
         "resident_did_not_bring, visiting_did_not_attend, cancelled_by_centre, "
         "cancelled_by_family, other"),
        ({"attended": False}, "cases[0].sessions[1].date: is required but missing"),
    ],
)  # fmt: skip
def test_each_rule_for_sessions_is_checked_at_its_path(db, tmp_path, session, problem):
    sessions = [{"date": "2023-04-01", "attended": True}, session]

    assert rejected(tmp_path, records(self_referral(sessions=sessions))) == [problem]
    assert nothing_written()


def test_an_absence_may_lie_ahead_a_cancellation_before_the_day(db, tmp_path):
    sessions = [{"date": "2026-12-05", "attended": False, "absence_reason": "cancelled_by_family"}]
    import_records(tmp_path, records(self_referral(sessions=sessions)))

    assert Booking.objects.get().status == "absent"


def test_a_case_whose_referral_fails_still_has_its_sessions_checked(db, tmp_path):
    case = self_referral(
        sessions=[
            {"date": "2023-04-01", "attended": True},
            {"date": "2026-12-24", "attended": True},
        ]
    )
    case["referral"]["referrer_email"] = "not-an-email"

    assert rejected(tmp_path, records(case)) == [
        "cases[0].referral.referrer_email: Enter an e-mail address in the form name@example.org.",
        "cases[0].sessions[1].date: 2026-12-24 is in the future",
    ]
    assert nothing_written()


def test_the_example_without_its_incidents_round_trips_exactly(db, tmp_path):
    data = example_without_incidents()
    import_records(tmp_path, data)

    assert export_records() == data


def test_a_case_with_no_sessions_exports_no_sessions_key(db, tmp_path):
    data = records(self_referral())
    import_records(tmp_path, data)
    BookingFactory(case=Case.objects.get())  # booked, no outcome yet: not in the format

    exported = export_records()
    assert "sessions" not in exported["cases"][0]
    assert exported == data


def test_sessions_recorded_in_handover_export_import_and_export_again_the_same(db, tmp_path):
    case = family_case()
    for days, status, reason, note in [
        (21, "attended", "", ""),
        (14, "absent", "other", "Car broke down"),
        (7, "absent", "child_unwell", ""),
    ]:
        session = ContactSessionFactory(date=TODAY - datetime.timedelta(days=days))
        booking = BookingFactory(
            case=case,
            session=session,
            status=status,
            absence_reason=reason,
            absence_note=note,
            notes="Calm handover" if status == "attended" else "",
        )
        if status == "attended":
            TapFactory(booking=booking)
    BookingFactory(case=case, session=ContactSessionFactory(date=TODAY))  # no outcome yet
    first = export_records()
    assert first["cases"][0]["sessions"] == [
        {"date": "2026-11-08", "attended": True, "notes": "Calm handover"},
        {"date": "2026-11-15", "attended": False, "absence_reason": "other",
         "notes": "Car broke down"},
        {"date": "2026-11-22", "attended": False, "absence_reason": "child_unwell"},
    ]  # fmt: skip
    assert validate(first, today=TODAY) == []

    for model in (Case, ContactSession):
        model.objects.all().delete()
    import_records(tmp_path, first)

    assert export_records() == first


def test_with_update_unchanged_sessions_stay_and_changed_ones_are_updated(db, tmp_path):
    data = example_without_incidents()
    import_records(tmp_path, data)
    history = Booking.history.count()

    summary = import_records(tmp_path, data, "--update")
    assert "1 case (2 adults, 1 child, 2 pre-visits, 3 sessions)" in summary
    assert summary.startswith("Imported: already up to date:")
    assert Booking.history.count() == history

    sessions = data["cases"][0]["sessions"]
    sessions[2] = {"date": "2022-02-26", "attended": False, "absence_reason": "other"}
    sessions.append({"date": "2022-03-12", "attended": True})
    summary = import_records(tmp_path, data, "--update")

    assert "created 1 session" in summary and "updated 1 session" in summary
    assert Booking.objects.count() == ContactSession.objects.count() == 4
    assert export_records() == data


def test_an_export_for_one_party_carries_the_case_sessions(db, tmp_path):
    import_records(tmp_path, example_without_incidents())
    john = Case.objects.get().adults.get(former_reference="P2")

    assert len(export_data(for_adult=john)["cases"][0]["sessions"]) == 3


def test_the_export_reads_sessions_in_one_query_for_any_number_of_cases(
    db, django_assert_max_num_queries
):
    for _ in range(3):
        BookingFactory(status="attended")

    with django_assert_max_num_queries(20) as few:
        export_data()
    for _ in range(5):
        BookingFactory(status="attended")
    with django_assert_max_num_queries(len(few.captured_queries)):
        export_data()


def test_referrals_knows_the_sessions_only_through_the_registry():
    section = case_sections.get("sessions")

    assert section is not None and section.export is attendance_interchange.export_sessions
    referrals_app = PACKAGE.parent
    importing = re.compile(r"^\s*(from|import)\s+attendance\b", re.MULTILINE)
    assert not [path for path in referrals_app.rglob("*.py") if importing.search(path.read_text())]


def test_without_a_handler_the_sessions_are_refused_as_before(db, tmp_path, monkeypatch):
    others = [s for s in declarations.get(CASE_SECTION) if s.key != "sessions"]
    monkeypatch.setitem(declarations._hooks, CASE_SECTION.name, others)
    data = records(self_referral(sessions=[{"date": "2023-04-01", "attended": True}]))

    assert rejected(tmp_path, data) == [
        "cases[0].sessions: attendance records cannot be imported yet: this version of "
        "Handover has no session register"
    ]
    assert nothing_written()
