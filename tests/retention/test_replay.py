"""After a restore: what was disposed of since the backup comes back, and
``retention_replay`` disposes of it again from the proofs exported before the restore.
A record that came back under a hold is reported and kept."""

import datetime
import importlib.util
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from referrals.models import Adult, Case, Child, Referral
from referrals.services import case_close
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

# Self-referrals closed on CLOSED_ON are due a year later; NOW is well past that.
NOW = datetime.datetime(2028, 3, 6, 12, 0)
CLOSED_ON = datetime.date(2026, 10, 1)
SELF = {"referral__source": Referral.Source.SELF, "referral__service": Referral.Service.SUPPORTED}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def backup_module():
    spec = importlib.util.spec_from_file_location("backup", ROOT / "scripts" / "backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def closed_case():
    case = CaseFactory(**SELF, referral__received_on=CLOSED_ON - datetime.timedelta(days=90))
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    ChildFactory(case=case)
    return case_close(case=case, closed_on=CLOSED_ON, reason="Fictional: moved on.", actor=None)


def replay(proofs, *args):
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    call_command("retention_replay", "--proofs", str(proofs), *args, stdout=Out())
    return "".join(lines)


def case_is_gone(case):
    return not (
        Case.objects.filter(pk=case.pk).exists()
        or Case.history.filter(id=case.pk).exists()
        or Adult.history.filter(case_id=case.pk).exists()
        or Child.history.filter(case_id=case.pk).exists()
    )


def test_it_disposes_again_what_a_restore_brought_back(transactional_db, manager, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("restores with pg_dump and pg_restore")
    backup = backup_module()
    db = connection.settings_dict
    gone, kept = closed_case(), closed_case()
    retention_sweep()
    assert QueueItem.objects.filter(object_id__in=[gone.pk, kept.pk]).count() == 2
    backup.database_dump(db, tmp_path)

    disposal_approve(actor=manager, items=QueueItem.objects.filter(object_id=gone.pk))
    dispose_approved()
    assert case_is_gone(gone)
    proofs = tmp_path / "proofs.json"
    call_command("retention_proofs_export", "-o", str(proofs))
    assert [p["ref"] for p in json.loads(proofs.read_text())["proofs"]] == [gone.display_reference]

    connection.close()
    backup.database_restore(db, tmp_path)
    assert Case.objects.filter(pk=gone.pk).exists()
    assert not DisposalRecord.objects.exists()

    output = replay(proofs)
    assert f"disposed again: case {gone.display_reference}" in output
    assert case_is_gone(gone)
    assert Case.objects.filter(pk=kept.pk).exists()
    assert DisposalRecord.objects.filter(object_id=gone.pk).count() == 1
    assert not QueueItem.objects.filter(object_id=gone.pk).exists()

    before = list(DisposalRecord.objects.values())
    output = replay(proofs)
    assert "disposed again:" not in output
    assert list(DisposalRecord.objects.values()) == before
    assert Case.objects.filter(pk=kept.pk).exists()


def proof_for(case, tmp_path):
    """The proof a disposal of ``case`` would have written, exported as after it."""
    proof = {
        "rule": "contact-self",
        "kind": "case",
        "action": "dispose",
        "record_type": "referrals.case",
        "object_id": case.pk,
        "ref": case.display_reference,
        "due_on": "2027-10-01",
        "approved_by_id_copy": None,
        "approved_by_name": "Alice Mercer",
        "approved_at": timezone.now().isoformat(),
        "executed_at": timezone.now().isoformat(),
        "reason": "retention",
    }
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps({"format": "handover-disposal-proofs/1", "proofs": [proof]}))
    return path


def test_it_keeps_and_reports_a_record_that_came_back_under_a_hold(db, manager, tmp_path):
    case = closed_case()
    hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=NOW.date() + datetime.timedelta(days=60),
            case=case,
        ),
        actor=manager,
    )
    proofs = proof_for(case, tmp_path)
    with pytest.raises(CommandError, match="not disposed of again"):
        replay(proofs)
    assert Case.objects.filter(pk=case.pk).exists()


def test_dry_run_changes_nothing(db, tmp_path):
    case = closed_case()
    output = replay(proof_for(case, tmp_path), "--dry-run")
    assert f"would be disposed again: case {case.display_reference}" in output
    assert Case.objects.filter(pk=case.pk).exists()
    assert not DisposalRecord.objects.exists()


def test_it_leaves_a_different_record_that_has_the_same_id(db, tmp_path):
    case = closed_case()
    proofs = proof_for(case, tmp_path)
    data = json.loads(proofs.read_text())
    data["proofs"][0]["ref"] = "HC-1999-0001"
    proofs.write_text(json.dumps(data))
    with pytest.raises(CommandError):
        replay(proofs)
    assert Case.objects.filter(pk=case.pk).exists()


def test_it_puts_back_a_proof_the_restored_database_lacks(db, tmp_path):
    case = closed_case()
    proofs = proof_for(case, tmp_path)
    case_id, ref = case.pk, case.display_reference
    case.delete()
    output = replay(proofs)
    assert "0 disposed again" in output and "1 proofs put back" in output
    assert DisposalRecord.objects.filter(object_id=case_id, ref=ref).count() == 1
    replay(proofs)
    assert DisposalRecord.objects.count() == 1


def write_proofs(tmp_path, **proof):
    proof = {
        "approved_by_id_copy": None,
        "approved_by_name": "Alice Mercer",
        "approved_at": timezone.now().isoformat(),
        "executed_at": timezone.now().isoformat(),
        "reason": "retention",
        **proof,
    }
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps({"format": "handover-disposal-proofs/1", "proofs": [proof]}))
    return path


def test_it_erases_again_an_adult_that_came_back(db, tmp_path):
    case = closed_case()
    adult = Adult.objects.get(case=case)
    proofs = write_proofs(
        tmp_path,
        rule="contact-self",
        kind="adult",
        action="dispose",
        record_type="referrals.adult",
        object_id=adult.pk,
        ref=f"AD-{adult.pk:04d} of {case.display_reference}",
        due_on=NOW.date().isoformat(),
        reason="erasure",
    )
    assert "disposed again: adult AD-" in replay(proofs)
    assert not Adult.objects.filter(pk=adult.pk).exists()
    assert not Adult.history.filter(id=adult.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()
    assert DisposalRecord.objects.get().reason == "erasure"


def test_it_strips_a_dbs_certificate_again_only_if_the_copy_is_back(db, tmp_path):
    from tests.retention.factories import dbs_check

    check = dbs_check(datetime.date(2027, 1, 4))
    proofs = write_proofs(
        tmp_path,
        rule="dbs-certificate",
        kind="dbs-check",
        action="strip",
        record_type="centre.dbscheck",
        object_id=check.pk,
        ref=check.staff_member.former_reference or f"ST-{check.staff_member.pk:04d}",
        due_on="2027-07-04",
    )
    assert "disposed again: dbs-check" in replay(proofs)
    check.refresh_from_db()
    assert not check.certificate_copy
    assert check.certificate_number  # the rest is kept
    assert "disposed again: " not in replay(proofs)
