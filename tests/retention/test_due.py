"""The retention schedule lists exactly what is due, on the exact boundary day: for every
rule the day before ``due_on`` the record is not listed and on ``due_on`` it is, with its
rule, kind, reference, date and action; holds and open privacy requests keep it under
``held`` until they end; an HR file falls due on its own date whatever later staff
records are kept (they keep their own dates, tests/retention/test_hr_file_stub.py); the
reference is the former one where imported; the example import file gives exactly what
the rules say; and the dry run's query count does not grow with the records."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy_requests.models import PrivacyRequest
from referrals import interchange
from referrals.models import Adult
from retention.engine import assess, dry_run, forecast
from retention.models import Rule
from safeguarding.holds import hold_for_incident, hold_lift, hold_place
from safeguarding.models import Hold, Incident, IncidentChild
from tests.referrals.factories import ChildFactory

from .factories import (
    accident_about,
    closed_case,
    dbs_check,
    finance_record,
    incident_about,
    open_case,
    parental_leave,
    privacy_request,
    privacy_request_complete,
    staff_document,
    staff_member,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
# The project's copy of ../shared/import-format/example.json (tests/referrals checks the
# copy matches), so the test runs wherever the repository is cloned.
EXAMPLE = Path(interchange.__file__).parent / "example.json"


def _due(rule, kind, ref, due_on, action):
    due_on = due_on.isoformat() if due_on else None
    return {"rule": rule, "kind": kind, "ref": ref, "due_on": due_on, "action": action}


def _held(rule, kind, ref, due_on, holds):
    return {"rule": rule, "kind": kind, "ref": ref, "due_on": due_on.isoformat(), "holds": holds}


def _sorted_holds(report):
    return [{**entry, "holds": sorted(entry["holds"])} for entry in report["held"]]


def _staff_ref(member):
    return f"ST-{member.pk:04d}"


# 1. Every rule, on the day before and the day it falls due.
#
# Each builder makes one record (and nothing else that could fall due) and returns the
# entry the dry run must print for it and the day it falls due.


def _contact_court():
    case = closed_case(D(2021, 12, 31), rule="contact-court")
    return _due("contact-court", "case", case.reference, D(2024, 12, 31), "dispose")


def _contact_court_month_end():
    # 31 May plus 36 months is 31 May; 30 November 2020 plus 36 months, 30 November.
    case = closed_case(D(2020, 11, 30), rule="contact-court")
    return _due("contact-court", "case", case.reference, D(2023, 11, 30), "dispose")


def _contact_self_leap_year():
    # 28 February 2023 plus 12 months is 28 February 2024, not the 29th.
    case = closed_case(D(2023, 2, 28), rule="contact-self")
    return _due("contact-self", "case", case.reference, D(2024, 2, 28), "dispose")


def _hr_file():
    member = staff_member(ended_on=D(2019, 10, 31))
    return _due("hr-file", "staff", _staff_ref(member), D(2025, 10, 31), "dispose")


def _hr_file_with_its_own_documents():
    # Reference, redundancy and contract documents belong to the HR file: however
    # recently used, they neither keep it nor fall due on their own.
    member = staff_member(ended_on=D(2019, 8, 31))
    for category in ("reference", "redundancy", "contract"):
        staff_document(D(2019, 8, 30), staff=member, category=category)
    # A document of another category with no date last used goes with the HR file.
    staff_document(None, staff=member, category="supervision")
    return _due("hr-file", "staff", _staff_ref(member), D(2025, 8, 31), "dispose")


def _parental_leave_born():
    # 29 February 2020 plus 60 months is 28 February 2025.
    leave = parental_leave(child_born_on=D(2020, 2, 29))
    ref = _staff_ref(leave.staff_member)
    return _due("parental-leave", "parental-leave", ref, D(2025, 2, 28), "dispose")


def _parental_leave_adopted():
    # The clock starts at the adoption, not the birth.
    leave = parental_leave(child_born_on=D(2019, 6, 1), adopted_on=D(2020, 3, 15))
    ref = _staff_ref(leave.staff_member)
    return _due("parental-leave", "parental-leave", ref, D(2025, 3, 15), "dispose")


def _parental_leave_disability_allowance():
    # 18 years, not 5: 31 May 2007 plus 216 months is 31 May 2025.
    leave = parental_leave(child_born_on=D(2007, 5, 31), disability_allowance=True)
    ref = _staff_ref(leave.staff_member)
    return _due("parental-leave", "parental-leave", ref, D(2025, 5, 31), "dispose")


def _dbs_leap_year():
    # 31 August 2023 plus six months is 29 February 2024.
    check = dbs_check(D(2023, 8, 31))
    ref = _staff_ref(check.staff_member)
    return _due("dbs-certificate", "dbs-check", ref, D(2024, 2, 29), "strip")


def _dbs_held_elsewhere():
    # 31 August 2022 plus six months is 28 February 2023; the copy is on paper.
    check = dbs_check(D(2022, 8, 31), held_elsewhere=True, with_file=False)
    ref = _staff_ref(check.staff_member)
    return _due("dbs-certificate", "dbs-check", ref, D(2023, 2, 28), "strip")


def _finance():
    record = finance_record(D(2019, 3, 31))
    return _due("finance", "finance-record", f"FIN-{record.pk:04d}", D(2025, 3, 31), "dispose")


def _finance_spanning_years():
    # The clock starts at the end of the last year the record spans into.
    record = finance_record(D(2018, 3, 31), spans_later_years_until=D(2020, 3, 31))
    return _due("finance", "finance-record", f"FIN-{record.pk:04d}", D(2026, 3, 31), "dispose")


def _staff_other():
    document = staff_document(D(2022, 11, 30), category="training")
    ref = _staff_ref(document.staff_member)
    return _due("staff-other", "staff-document", ref, D(2025, 11, 30), "dispose")


def _safeguarding_incident():
    # The youngest child's date of birth starts the clock: 29 February 2000 plus 25
    # years is 28 February 2025. The case is open and not due; no hold is placed.
    case = open_case()
    incident_about(case, D(1998, 1, 1), D(2000, 2, 29))
    return _due("child-safeguarding", "incident", case.reference, D(2025, 2, 28), "review")


def _accident_about_a_child():
    case = open_case()
    child = ChildFactory(case=case, date_of_birth=D(2000, 8, 31))
    accident_about(child)
    return _due("child-safeguarding", "incident", case.reference, D(2025, 8, 31), "review")


BUILDERS = [
    _contact_court,
    _contact_court_month_end,
    _contact_self_leap_year,
    _hr_file,
    _hr_file_with_its_own_documents,
    _parental_leave_born,
    _parental_leave_adopted,
    _parental_leave_disability_allowance,
    _dbs_leap_year,
    _dbs_held_elsewhere,
    _finance,
    _finance_spanning_years,
    _staff_other,
    _safeguarding_incident,
    _accident_about_a_child,
]


@pytest.mark.django_db
@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_each_rule_lists_its_record_on_the_due_day_and_not_the_day_before(build):
    expected = build()
    due_on = D.fromisoformat(expected["due_on"])

    before = dry_run(due_on - ONE_DAY)
    on_the_day = dry_run(due_on)
    later = dry_run(due_on + datetime.timedelta(days=400))

    assert before == {"as_of": (due_on - ONE_DAY).isoformat(), "due": [], "held": []}
    assert on_the_day == {"as_of": due_on.isoformat(), "due": [expected], "held": []}
    assert later["due"] == [expected]


@pytest.mark.django_db
def test_the_five_year_period_does_not_apply_to_leave_with_a_disability_allowance():
    leave = parental_leave(child_born_on=D(2007, 5, 31), disability_allowance=True)

    assert dry_run(D(2012, 5, 31))["due"] == []
    assert dry_run(D(2025, 5, 30))["due"] == []
    assert [e["ref"] for e in dry_run(D(2025, 5, 31))["due"]] == [_staff_ref(leave.staff_member)]


@pytest.mark.django_db
def test_the_periods_are_read_from_the_rules_the_manager_may_change():
    case = closed_case(D(2023, 2, 28), rule="contact-self")
    leave = parental_leave(child_born_on=D(2008, 8, 31), disability_allowance=True)
    Rule.objects.filter(key="contact-self").update(period_months=18)
    Rule.objects.filter(key="parental-leave").update(extended_period_months=198)

    assert dry_run(D(2024, 8, 27))["due"] == []
    assert dry_run(D(2024, 8, 28))["due"] == [
        _due("contact-self", "case", case.reference, D(2024, 8, 28), "dispose")
    ]
    assert dry_run(D(2025, 2, 27))["due"][1:] == []
    assert dry_run(D(2025, 2, 28))["due"][1:] == [
        _due(
            "parental-leave",
            "parental-leave",
            _staff_ref(leave.staff_member),
            D(2025, 2, 28),
            "dispose",
        )
    ]


@pytest.mark.django_db
def test_a_dbs_check_whose_copy_is_destroyed_or_never_held_is_not_listed():
    dbs_check(D(2022, 1, 10), with_file=False, held_elsewhere=False)
    dbs_check(
        D(2022, 1, 10),
        with_file=False,
        held_elsewhere=True,
        certificate_destroyed_on=D(2022, 7, 10),
    )

    assert dry_run(D(2026, 1, 1)) == {"as_of": "2026-01-01", "due": [], "held": []}


@pytest.mark.django_db
def test_every_day_of_a_short_month_end_is_exact_for_month_end_clock_starts():
    """Starts on 28, 29, 30 and 31 August 2023 all fall due on 29 February 2024 under
    the six-month DBS rule; 1 September falls due on 1 March."""
    checks = {day: dbs_check(D(2023, 8, day)) for day in (27, 28, 29, 30, 31)}
    september = dbs_check(D(2023, 9, 1))

    def due_refs(as_of):
        return sorted(entry["ref"] for entry in dry_run(as_of)["due"])

    assert due_refs(D(2024, 2, 26)) == []
    assert due_refs(D(2024, 2, 27)) == [_staff_ref(checks[27].staff_member)]
    assert due_refs(D(2024, 2, 28)) == sorted(_staff_ref(checks[d].staff_member) for d in (27, 28))
    assert due_refs(D(2024, 2, 29)) == sorted(_staff_ref(c.staff_member) for c in checks.values())
    assert _staff_ref(september.staff_member) not in due_refs(D(2024, 2, 29))
    assert _staff_ref(september.staff_member) in due_refs(D(2024, 3, 1))
    due_on = {f.ref: f.due_on for f in assess(D(2024, 3, 1)) if f.rule == "dbs-certificate"}
    assert {
        due_on[_staff_ref(c.staff_member)] for c in checks.values() if c.checked_on.day > 28
    } == {D(2024, 2, 29)}
    assert due_on[_staff_ref(september.staff_member)] == D(2024, 3, 1)


@pytest.mark.django_db
def test_assess_gives_the_same_findings_as_the_dry_run():
    case = closed_case(D(2021, 3, 31))
    check = dbs_check(D(2023, 8, 31))
    findings = assess(D(2024, 3, 31))

    assert [(f.rule, f.kind, f.ref, f.due_on, f.action, f.holds, f.is_held) for f in findings] == [
        (
            "dbs-certificate",
            "dbs-check",
            _staff_ref(check.staff_member),
            D(2024, 2, 29),
            "strip",
            (),
            False,
        ),
        ("contact-court", "case", case.reference, D(2024, 3, 31), "dispose", (), False),
    ]


# 2. Holds and open privacy requests.

AS_OF = D(2026, 6, 1)


def _legal(actor, **scope):
    return hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.POLICE_REQUEST,
            reason="Fictional: the police asked the centre to keep the file.",
            review_on=timezone.localdate() + datetime.timedelta(days=30),
            **scope,
        ),
        actor=actor,
    )


def _lift(hold, actor):
    hold_lift(hold=hold, reason="Fictional: no longer needed.", actor=actor)


def _close(incident):
    incident.status = Incident.Status.CLOSED
    incident.outcome = "Fictional: no further action."
    incident.closed_on = timezone.localdate()
    incident.save()


@pytest.mark.django_db
def test_a_case_under_a_safeguarding_hold_is_held_until_the_hold_is_lifted(manager):
    case = closed_case(D(2022, 1, 31))
    free = closed_case(D(2022, 2, 28))
    incident = incident_about(case)
    hold = hold_for_incident(incident=incident, actor=manager)

    report = dry_run(AS_OF)

    assert report["due"] == [
        _due("contact-court", "case", free.reference, D(2025, 2, 28), "dispose")
    ]
    assert report["held"] == [
        _held("contact-court", "case", case.reference, D(2025, 1, 31), ["safeguarding"])
    ]

    _close(incident)
    _lift(hold, manager)

    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [
            _due("contact-court", "case", case.reference, D(2025, 1, 31), "dispose"),
            _due("contact-court", "case", free.reference, D(2025, 2, 28), "dispose"),
        ],
        "held": [],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["case", "adult"])
def test_a_case_under_a_legal_hold_is_held_until_the_hold_is_lifted(manager, scope):
    case = closed_case(D(2024, 10, 31), rule="contact-self")
    free = closed_case(D(2024, 10, 31), rule="contact-self")
    target = case if scope == "case" else case.adults.get(role=Adult.Role.VISITING)
    hold = _legal(manager, **{scope: target})

    report = dry_run(AS_OF)

    assert report["due"] == [
        _due("contact-self", "case", free.reference, D(2025, 10, 31), "dispose")
    ]
    assert report["held"] == [
        _held("contact-self", "case", case.reference, D(2025, 10, 31), ["legal"])
    ]

    _lift(hold, manager)

    assert report["held"] and dry_run(AS_OF)["held"] == []
    assert sorted(e["ref"] for e in dry_run(AS_OF)["due"]) == sorted(
        [case.reference, free.reference]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("subject", ["adult", "child"])
def test_a_case_whose_person_has_an_open_privacy_request_is_held_until_it_is_completed(subject):
    case = closed_case(D(2022, 4, 30))
    free = closed_case(D(2022, 4, 30))
    person = case.adults.first() if subject == "adult" else case.children.first()
    request = privacy_request(**{f"subject_{subject}": person})

    report = dry_run(AS_OF)

    assert report["due"] == [
        _due("contact-court", "case", free.reference, D(2025, 4, 30), "dispose")
    ]
    assert report["held"] == [
        _held("contact-court", "case", case.reference, D(2025, 4, 30), ["privacy-request"])
    ]

    privacy_request_complete(request)

    assert dry_run(AS_OF)["held"] == []
    assert sorted(e["ref"] for e in dry_run(AS_OF)["due"]) == sorted(
        [case.reference, free.reference]
    )


@pytest.mark.django_db
def test_an_open_request_about_a_child_holds_the_review_of_its_accident_too():
    case = closed_case(D(2022, 4, 30), people=False)
    child = ChildFactory(case=case, date_of_birth=D(2000, 8, 31))
    accident_about(child, occurred_at=timezone.make_aware(datetime.datetime(2022, 3, 5, 11)))
    request = privacy_request(subject_child=child)

    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [],
        "held": [
            _held("contact-court", "case", case.reference, D(2025, 4, 30), ["privacy-request"]),
            _held(
                "child-safeguarding",
                "incident",
                case.reference,
                D(2025, 8, 31),
                ["privacy-request"],
            ),
        ],
    }

    privacy_request_complete(request)

    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [
            _due("contact-court", "case", case.reference, D(2025, 4, 30), "dispose"),
            _due("child-safeguarding", "incident", case.reference, D(2025, 8, 31), "review"),
        ],
        "held": [],
    }


@pytest.mark.django_db
def test_an_open_request_about_a_child_holds_the_review_of_an_incident_about_them():
    case = open_case()
    child = ChildFactory(case=case, date_of_birth=D(2000, 1, 5))
    other = ChildFactory(case=case, date_of_birth=D(1999, 4, 1))
    incident = incident_about(case)
    for linked in (child, other):
        IncidentChild.objects.create(
            incident=incident,
            child=linked,
            name=linked.full_name,
            date_of_birth=linked.date_of_birth,
        )
    free = incident_about(open_case(), D(2000, 1, 5))
    request = privacy_request(subject_child=other)

    report = dry_run(AS_OF)

    assert report["due"] == [
        _due("child-safeguarding", "incident", free.case_reference, D(2025, 1, 5), "review")
    ]
    assert report["held"] == [
        _held("child-safeguarding", "incident", case.reference, D(2025, 1, 5), ["privacy-request"])
    ]

    privacy_request_complete(request)

    assert dry_run(AS_OF)["held"] == []
    assert len(dry_run(AS_OF)["due"]) == 2


@pytest.mark.django_db
def test_a_refused_privacy_request_holds_nothing():
    case = closed_case(D(2022, 4, 30))
    request = privacy_request(subject_adult=case.adults.first())
    request.status = PrivacyRequest.Status.REFUSED
    request.closed_on = timezone.localdate()
    request.save()

    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [_due("contact-court", "case", case.reference, D(2025, 4, 30), "dispose")],
        "held": [],
    }


def _left_staff_with_everything():
    """A staff member who left on 31 January 2018, with a DBS certificate copy, a training
    document and parental leave, all long due."""
    member = staff_member(ended_on=D(2018, 1, 31))
    dbs_check(D(2017, 6, 30), staff=member)
    staff_document(D(2019, 5, 31), staff=member)
    parental_leave(staff=member, child_born_on=D(2016, 4, 30))
    ref = _staff_ref(member)
    entries = [
        ("dbs-certificate", "dbs-check", ref, D(2017, 12, 30), "strip"),
        ("parental-leave", "parental-leave", ref, D(2021, 4, 30), "dispose"),
        ("staff-other", "staff-document", ref, D(2022, 5, 31), "dispose"),
        ("hr-file", "staff", ref, D(2024, 1, 31), "dispose"),
    ]
    return member, entries


@pytest.mark.django_db
def test_a_staff_member_with_an_open_privacy_request_has_every_record_held_until_it_is_completed():
    member, entries = _left_staff_with_everything()
    other, other_entries = _left_staff_with_everything()
    request = privacy_request(subject_staff_member=member)

    report = dry_run(AS_OF)

    assert report["due"] == [_due(*entry) for entry in other_entries]
    assert report["held"] == [_held(*entry[:4], ["privacy-request"]) for entry in entries]

    privacy_request_complete(request)

    report = dry_run(AS_OF)
    assert report["held"] == []
    assert sorted(report["due"], key=lambda e: (e["due_on"], e["ref"])) == sorted(
        [_due(*entry) for entry in entries + other_entries],
        key=lambda e: (e["due_on"], e["ref"]),
    )


@pytest.mark.django_db
def test_a_legal_hold_on_a_staff_member_holds_their_whole_file(manager):
    member, entries = _left_staff_with_everything()
    hold = _legal(manager, staff_member=member)

    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [],
        "held": [_held(*entry[:4], ["legal"]) for entry in entries],
    }

    _lift(hold, manager)

    assert dry_run(AS_OF)["due"] == [_due(*entry) for entry in entries]


@pytest.mark.django_db
def test_a_record_under_several_holds_lists_each_kind_and_stays_held_until_the_last_goes(manager):
    case = closed_case(D(2022, 1, 31))
    incident = incident_about(case)
    safeguarding = hold_for_incident(incident=incident, actor=manager)
    legal = _legal(manager, case=case)
    request = privacy_request(subject_adult=case.adults.first())

    assert _sorted_holds(dry_run(AS_OF)) == [
        _held(
            "contact-court",
            "case",
            case.reference,
            D(2025, 1, 31),
            sorted(["legal", "privacy-request", "safeguarding"]),
        )
    ]

    _close(incident)
    _lift(safeguarding, manager)
    assert _sorted_holds(dry_run(AS_OF)) == [
        _held("contact-court", "case", case.reference, D(2025, 1, 31), ["legal", "privacy-request"])
    ]
    _lift(legal, manager)
    assert dry_run(AS_OF)["held"][0]["holds"] == ["privacy-request"]
    privacy_request_complete(request)
    assert dry_run(AS_OF) == {
        "as_of": AS_OF.isoformat(),
        "due": [_due("contact-court", "case", case.reference, D(2025, 1, 31), "dispose")],
        "held": [],
    }


@pytest.mark.django_db
def test_a_held_record_not_yet_due_is_listed_nowhere(manager):
    case = closed_case(D(2025, 11, 28))
    _legal(manager, case=case)

    assert dry_run(D(2028, 11, 27)) == {"as_of": "2028-11-27", "due": [], "held": []}
    assert dry_run(D(2028, 11, 28))["held"] == [
        _held("contact-court", "case", case.reference, D(2028, 11, 28), ["legal"])
    ]


# 3. The HR file falls due on its own date; later records keep their own.


@pytest.mark.django_db
def test_a_recently_used_document_does_not_keep_the_hr_file_past_its_own_date():
    member = staff_member(ended_on=D(2019, 1, 31))
    staff_document(D(2023, 6, 15), staff=member, category="training")
    ref = _staff_ref(member)

    assert dry_run(D(2025, 1, 30))["due"] == []
    assert dry_run(D(2025, 1, 31))["due"] == [
        _due("hr-file", "staff", ref, D(2025, 1, 31), "dispose")
    ]
    assert dry_run(D(2026, 6, 14))["due"] == [
        _due("hr-file", "staff", ref, D(2025, 1, 31), "dispose")
    ]
    assert dry_run(D(2026, 6, 15))["due"] == [
        _due("hr-file", "staff", ref, D(2025, 1, 31), "dispose"),
        _due("staff-other", "staff-document", ref, D(2026, 6, 15), "dispose"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("leave", "leave_due_on"),
    [
        ({"child_born_on": D(2022, 6, 30)}, D(2027, 6, 30)),
        ({"child_born_on": D(2019, 3, 1), "adopted_on": D(2022, 6, 30)}, D(2027, 6, 30)),
        ({"child_born_on": D(2010, 5, 31), "disability_allowance": True}, D(2028, 5, 31)),
    ],
    ids=["born", "adopted", "disability-allowance"],
)
def test_parental_leave_still_in_its_period_does_not_keep_the_hr_file(leave, leave_due_on):
    member = staff_member(ended_on=D(2020, 12, 31))
    parental_leave(staff=member, **leave)
    ref = _staff_ref(member)
    hr_file = _due("hr-file", "staff", ref, D(2026, 12, 31), "dispose")

    assert dry_run(D(2026, 12, 30))["due"] == []
    assert dry_run(D(2026, 12, 31))["due"] == [hr_file]
    assert dry_run(leave_due_on - ONE_DAY)["due"] == [hr_file]
    assert dry_run(leave_due_on)["due"] == [
        hr_file,
        _due("parental-leave", "parental-leave", ref, leave_due_on, "dispose"),
    ]


@pytest.mark.django_db
def test_an_hr_file_and_its_later_records_may_fall_due_on_the_same_day():
    """Left 28 February 2017 (HR file due 28 February 2023); a training document last used
    29 February 2020 (36 months: 28 February 2023); leave for a child with a disability
    allowance born 28 February 2005 (216 months: 28 February 2023)."""
    member = staff_member(ended_on=D(2017, 2, 28))
    staff_document(D(2020, 2, 29), staff=member)
    parental_leave(staff=member, child_born_on=D(2005, 2, 28), disability_allowance=True)
    ref = _staff_ref(member)

    assert dry_run(D(2023, 2, 27))["due"] == []
    assert dry_run(D(2023, 2, 28))["due"] == [
        _due("hr-file", "staff", ref, D(2023, 2, 28), "dispose"),
        _due("parental-leave", "parental-leave", ref, D(2023, 2, 28), "dispose"),
        _due("staff-other", "staff-document", ref, D(2023, 2, 28), "dispose"),
    ]


@pytest.mark.django_db
def test_another_staff_members_recent_document_keeps_nothing():
    member = staff_member(ended_on=D(2019, 1, 31))
    staff_document(D(2026, 6, 1), staff=staff_member(), category="training")

    assert dry_run(D(2025, 1, 31))["due"] == [
        _due("hr-file", "staff", _staff_ref(member), D(2025, 1, 31), "dispose")
    ]


# 4. The reference printed.


@pytest.mark.django_db
def test_the_ref_is_the_former_reference_where_imported():
    case = closed_case(D(2022, 5, 31), former_reference="OLD-CASE-17")
    member = staff_member(ended_on=D(2018, 2, 28), former_reference="STAFF-042")
    dbs_check(D(2017, 9, 1), staff=member)
    staff_document(D(2019, 1, 2), staff=member, former_reference="DOC-9")
    parental_leave(staff=member, child_born_on=D(2016, 11, 30))
    finance_record(D(2019, 3, 31), former_reference="FIN-OLD-3")
    incident_about(open_case(former_reference="OLD-CASE-18"), D(2000, 1, 5))

    assert dry_run(D(2026, 6, 1)) == {
        "as_of": "2026-06-01",
        "due": [
            _due("dbs-certificate", "dbs-check", "STAFF-042", D(2018, 3, 1), "strip"),
            _due("parental-leave", "parental-leave", "STAFF-042", D(2021, 11, 30), "dispose"),
            _due("staff-other", "staff-document", "STAFF-042", D(2022, 1, 2), "dispose"),
            _due("hr-file", "staff", "STAFF-042", D(2024, 2, 28), "dispose"),
            _due("child-safeguarding", "incident", "OLD-CASE-18", D(2025, 1, 5), "review"),
            _due("finance", "finance-record", "FIN-OLD-3", D(2025, 3, 31), "dispose"),
            _due("contact-court", "case", "OLD-CASE-17", D(2025, 5, 31), "dispose"),
        ],
        "held": [],
    }
    assert case.display_reference == "OLD-CASE-17"


@pytest.mark.django_db
def test_the_ref_is_ours_otherwise():
    case = closed_case(D(2022, 5, 31))
    member = staff_member(ended_on=D(2018, 2, 28))
    big = staff_member(pk=12345)
    dbs_check(D(2017, 9, 1), staff=member)
    dbs_check(D(2017, 9, 2), staff=big)
    record = finance_record(D(2019, 3, 31))

    report = dry_run(D(2026, 6, 1))

    assert re.fullmatch(r"HC-\d{4}-\d{4}", case.reference)
    assert re.fullmatch(r"ST-\d{4}", member.reference)
    assert big.reference == "ST-12345"
    assert report["due"] == [
        _due("dbs-certificate", "dbs-check", member.reference, D(2018, 3, 1), "strip"),
        _due("dbs-certificate", "dbs-check", "ST-12345", D(2018, 3, 2), "strip"),
        _due("hr-file", "staff", member.reference, D(2024, 2, 28), "dispose"),
        _due("finance", "finance-record", record.reference, D(2025, 3, 31), "dispose"),
        _due("contact-court", "case", case.reference, D(2025, 5, 31), "dispose"),
    ]


# 5. The example import file.


@pytest.fixture
def example(db):
    call_command("import_records", str(EXAMPLE), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_example_file_at_2026_03_15_lists_exactly_what_the_rules_say(example):
    assert dry_run(D(2026, 3, 15)) == {
        "as_of": "2026-03-15",
        "due": [
            _due("dbs-certificate", "dbs-check", "STAFF-007", D(2019, 9, 12), "strip"),
            _due("contact-court", "case", "REF-2022-014", D(2025, 9, 30), "dispose"),
        ],
        "held": [],
    }


EXAMPLE_2026_05_20 = [
    _due("dbs-certificate", "dbs-check", "STAFF-007", D(2019, 9, 12), "strip"),
    _due("contact-court", "case", "REF-2022-014", D(2025, 9, 30), "dispose"),
    _due("finance", "finance-record", "FIN-2020-PAYE", D(2026, 3, 31), "dispose"),
    _due("staff-other", "staff-document", "STAFF-007", D(2026, 5, 20), "dispose"),
]


def test_the_example_file_at_2026_05_20_adds_the_finance_record_and_the_training_document(
    example,
):
    assert dry_run(D(2026, 5, 19))["due"] == EXAMPLE_2026_05_20[:3]
    assert dry_run(D(2026, 5, 20)) == {
        "as_of": "2026-05-20",
        "due": EXAMPLE_2026_05_20,
        "held": [],
    }


def test_the_example_file_hr_file_falls_due_on_2030_08_31(example):
    hr_file = _due("hr-file", "staff", "STAFF-007", D(2030, 8, 31), "dispose")

    assert dry_run(D(2030, 8, 30)) == {
        "as_of": "2030-08-30",
        "due": EXAMPLE_2026_05_20,
        "held": [],
    }
    assert dry_run(D(2030, 8, 31)) == {
        "as_of": "2030-08-31",
        "due": [*EXAMPLE_2026_05_20, hr_file],
        "held": [],
    }


def test_the_example_files_accident_comes_up_for_review_when_the_child_turns_25(example):
    review = _due("child-safeguarding", "incident", "REF-2022-014", D(2041, 7, 9), "review")

    assert review not in dry_run(D(2041, 7, 8))["due"]
    report = dry_run(D(2041, 7, 9))
    assert review in report["due"]
    assert [e for e in report["due"] if e["rule"] == "child-safeguarding"] == [review]
    assert report["held"] == []


# 7. Query count.


def _due_world(cases):
    for _ in range(cases):
        closed_case(D(2022, 1, 31), people=False)
        member = staff_member(ended_on=D(2018, 1, 31))
        dbs_check(D(2017, 6, 30), staff=member)
        staff_document(D(2019, 5, 31), staff=member)
        parental_leave(staff=member, child_born_on=D(2016, 4, 30))
        finance_record(D(2019, 3, 31))
        incident_about(open_case(), D(2000, 1, 5))


def _count_dry_run():
    with CaptureQueriesContext(connection) as queries:
        report = dry_run(AS_OF)
    return len(queries.captured_queries), report


@pytest.mark.django_db
def test_the_dry_runs_query_count_does_not_grow_with_the_records(manager):
    held = closed_case(D(2022, 1, 31))
    _legal(manager, case=held)
    privacy_request(subject_adult=held.adults.first())
    _due_world(1)
    one, report = _count_dry_run()
    assert len(report["due"]) == 7 and len(report["held"]) == 1

    _due_world(29)
    thirty, report = _count_dry_run()

    assert len(report["due"]) == 7 * 30 and len(report["held"]) == 1
    assert thirty == one


@pytest.mark.django_db
def test_the_dry_run_takes_few_queries(django_assert_max_num_queries):
    _due_world(3)
    # Four a kind of record under a rule (the due rows, and the held ones of each of the
    # three kinds of hold), whatever the number of records: sixteen of them.
    with django_assert_max_num_queries(64):
        dry_run(AS_OF)


@pytest.mark.django_db
@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_the_forecast_counts_each_rules_record_from_exactly_30_90_and_365_days_ahead(build):
    expected = build()
    due_on = D.fromisoformat(expected["due_on"])
    rule = expected["rule"]

    def within(as_of):
        counts = forecast(as_of)
        return tuple(counts[days].get(rule, 0) for days in (30, 90, 365))

    assert within(due_on - datetime.timedelta(days=366)) == (0, 0, 0)
    assert within(due_on - datetime.timedelta(days=365)) == (0, 0, 1)
    assert within(due_on - datetime.timedelta(days=91)) == (0, 0, 1)
    assert within(due_on - datetime.timedelta(days=90)) == (0, 1, 1)
    assert within(due_on - datetime.timedelta(days=31)) == (0, 1, 1)
    assert within(due_on - datetime.timedelta(days=30)) == (1, 1, 1)
    assert within(due_on - ONE_DAY) == (1, 1, 1)
    # Due already: no longer ahead.
    assert within(due_on) == (0, 0, 0)
