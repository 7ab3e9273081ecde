"""``retention_sweep --as-of D --dry-run --json`` prints the contract's one JSON object and
nothing else, with exactly the contract's keys, and changes nothing; ``--json`` without
``--dry-run`` and a date that is not one are refused with a clear message."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from centre.models import DBSCheck, StaffMember
from referrals.models import Case
from retention.engine import dry_run
from retention.models import DisposalRecord, QueueItem
from safeguarding.holds import hold_place
from safeguarding.models import Hold

from .factories import closed_case, dbs_check, privacy_request, staff_document, staff_member

D = datetime.date
DUE_KEYS = {"rule", "kind", "ref", "due_on", "action"}
HELD_KEYS = {"rule", "kind", "ref", "due_on", "holds"}


def _sweep(*args):
    out, err = StringIO(), StringIO()
    call_command("retention_sweep", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def records(db, manager):
    """Something due under several rules, and something held."""
    due = closed_case(D(2022, 1, 31))
    held = closed_case(D(2022, 2, 28), rule="contact-court")
    hold_place(
        hold=Hold(
            case=held,
            legal_basis=Hold.LegalBasis.POLICE_REQUEST,
            reason="Fictional: the police asked the centre to keep the file.",
            review_on=timezone.localdate() + datetime.timedelta(days=30),
        ),
        actor=manager,
    )
    member = staff_member(ended_on=D(2018, 1, 31))
    dbs_check(D(2017, 6, 30), staff=member)
    staff_document(D(2019, 5, 31), staff=member)
    requested = staff_member(ended_on=D(2018, 3, 31))
    privacy_request(subject_staff_member=requested)
    return {"due": due, "held": held, "member": member, "requested": requested}


def test_the_json_dry_run_prints_exactly_one_json_object_and_nothing_else(records, capsys):
    out, err = _sweep("--as-of", "2026-03-15", "--dry-run", "--json")

    decoder = json.JSONDecoder()
    report, end = decoder.raw_decode(out)
    assert out[end:].strip() == ""
    assert isinstance(report, dict)
    assert report == dry_run(D(2026, 3, 15))
    assert err == ""
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""


def test_the_json_has_exactly_the_contracts_keys(records):
    report = json.loads(_sweep("--as-of", "2026-03-15", "--dry-run", "--json")[0])

    assert set(report) == {"as_of", "due", "held"}
    assert report["as_of"] == "2026-03-15"
    assert report["due"] and report["held"]
    for entry in report["due"]:
        assert set(entry) == DUE_KEYS
        assert entry["action"] in {"dispose", "strip", "review"}
    for entry in report["held"]:
        assert set(entry) == HELD_KEYS
        assert entry["holds"] and set(entry["holds"]) <= {
            "safeguarding",
            "legal",
            "privacy-request",
        }
    assert {(e["rule"], e["ref"]) for e in report["due"]} == {
        ("contact-court", records["due"].reference),
        ("dbs-certificate", records["member"].reference),
        ("staff-other", records["member"].reference),
        ("hr-file", records["member"].reference),
    }
    assert sorted((e["kind"], e["ref"], tuple(e["holds"])) for e in report["held"]) == sorted(
        [("case", records["held"].reference, ("legal",))]
        + [("staff", records["requested"].reference, ("privacy-request",))]
    )


def test_an_empty_schedule_prints_empty_lists(db):
    report = json.loads(_sweep("--as-of", "2026-03-15", "--dry-run", "--json")[0])

    assert report == {"as_of": "2026-03-15", "due": [], "held": []}


def test_without_as_of_the_dry_run_is_as_of_today(records):
    report = json.loads(_sweep("--dry-run", "--json")[0])

    assert report == dry_run(timezone.localdate())
    assert report["as_of"] == timezone.localdate().isoformat()


def test_the_dry_run_changes_nothing(records):
    def state():
        return (
            QueueItem.objects.count(),
            DisposalRecord.objects.count(),
            list(Case.objects.order_by("pk").values_list("pk", "closed_on", "status")),
            list(StaffMember.objects.order_by("pk").values_list("pk", "first_name", "ended_on")),
            list(
                DBSCheck.objects.order_by("pk").values_list(
                    "pk", "certificate_copy", "certificate_destroyed_on"
                )
            ),
            Case.history.count(),
            DBSCheck.history.count(),
        )

    before = state()
    _sweep("--as-of", "2026-03-15", "--dry-run", "--json")
    _sweep("--as-of", "2030-03-15", "--dry-run")

    assert state() == before
    assert QueueItem.objects.count() == 0


def test_the_plain_dry_run_lists_the_same_entries_in_words(records):
    out, _ = _sweep("--as-of", "2026-03-15", "--dry-run")

    assert "nothing is changed" in out
    for entry in dry_run(D(2026, 3, 15))["due"]:
        assert entry["ref"] in out
    assert QueueItem.objects.count() == 0


def test_json_without_dry_run_is_refused_and_flags_nothing(records):
    with pytest.raises(CommandError, match="--json goes with --dry-run"):
        _sweep("--as-of", "2026-03-15", "--json")

    assert QueueItem.objects.count() == 0


@pytest.mark.parametrize("bad", ["2026-02-30", "2025-02-29", "15/03/2026", "tomorrow"])
def test_a_date_that_is_not_one_is_refused_with_a_clear_message(db, bad):
    with pytest.raises(CommandError) as refused:
        _sweep("--as-of", bad, "--dry-run", "--json")

    message = str(refused.value)
    assert "--as-of" in message and repr(bad) in message and "2026-03-15" in message
    assert QueueItem.objects.count() == 0


@pytest.mark.parametrize("dry_run_args", [("--dry-run", "--json"), ()], ids=["dry-run", "sweep"])
def test_an_empty_as_of_is_refused_not_taken_for_today(records, dry_run_args):
    """A script that passes ``--as-of "$DAY"`` with ``DAY`` unset must not get a run as of
    today, least of all a real sweep that flags today's records into the queue."""
    with pytest.raises(CommandError, match="--as-of"):
        _sweep("--as-of", "", *dry_run_args)

    assert QueueItem.objects.count() == 0
