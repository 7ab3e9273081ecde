"""Replaying disposals after a restore.

A backup holds every record as it was the night it was made. Restoring it brings back
whatever was disposed of since, and the restored database has lost the proofs of those
disposals too. The proofs exported before the restore (``retention_proofs_export``) say
what went: ``proofs_replay`` disposes of each record that came back, again, through the
same registry the disposal used, and puts the proof back.

A proof names a record by its type and id. Ids are not reused by PostgreSQL or SQLite
while the restored sequences stand, but a record created after the restore could take
the id of one created (and disposed of) after the backup; so the record's reference must
match the proof's too, or the record is left alone and reported.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.declarations import declarations

from . import erasure
from .models import DisposalRecord, QueueItem

PROOF_FIELDS = (
    "rule",
    "kind",
    "action",
    "record_type",
    "object_id",
    "ref",
    "due_on",
    "approved_by_id_copy",
    "approved_by_name",
    "approved_at",
    "executed_at",
    "reason",
)
FORMAT = "handover-disposal-proofs/1"


def proofs_export() -> dict:
    """Every proof of disposal, oldest first, as a JSON-ready dict. Proofs hold no
    personal data (rule, kind, reference, dates, the approving manager's name)."""
    proofs = []
    for proof in DisposalRecord.objects.order_by("executed_at", "pk").values(*PROOF_FIELDS):
        for name in ("due_on", "approved_at", "executed_at"):
            proof[name] = proof[name].isoformat()
        proofs.append(proof)
    return {"format": FORMAT, "exported_at": timezone.now().isoformat(), "proofs": proofs}


def proofs_load(data: dict) -> list[dict]:
    """The proofs of an export, with their dates parsed, in the order they were made."""
    if data.get("format") != FORMAT:
        raise ValueError(f"Not an export of disposal proofs ({FORMAT})")
    proofs = []
    for raw in data["proofs"]:
        proof = {name: raw.get(name) for name in PROOF_FIELDS}
        proof["due_on"] = parse_date(raw["due_on"])
        proof["approved_at"] = parse_datetime(raw["approved_at"])
        proof["executed_at"] = parse_datetime(raw["executed_at"])
        proofs.append(proof)
    proofs.sort(key=lambda p: p["executed_at"])
    return proofs


@dataclass
class ReplayReport:
    disposed: list = field(default_factory=list)  # "<kind> <ref>"
    held: list = field(default_factory=list)
    mismatched: list = field(default_factory=list)
    proofs_restored: int = 0
    not_back: int = 0

    @property
    def needs_attention(self):
        return bool(self.held or self.mismatched)


def _same_proof(proof):
    return DisposalRecord.objects.filter(
        record_type=proof["record_type"],
        object_id=proof["object_id"],
        action=proof["action"],
        rule=proof["rule"],
        executed_at=proof["executed_at"],
    )


def _proof_restore(proof) -> bool:
    if _same_proof(proof).exists():
        return False
    DisposalRecord.objects.create(**proof)
    return True


def _held(queryset, held, kinds=None):
    """Whether a hold (of one of ``kinds``, or any) reaches the one record in ``queryset``."""
    return any(
        queryset.filter(held(subjects)).exists()
        for kind, subjects in declarations.held_subjects().items()
        if kinds is None or kind in kinds
    )


def _record_back(proof, *, lock):
    """``(record, ref now, dispose, held)`` for the record the proof names, if it is
    back and still has what the disposal removed; else None."""
    object_id = proof["object_id"]
    if proof["reason"] == "erasure":
        erasable = erasure.erasable_for(proof["record_type"])
        records = erasable.records().filter(pk=object_id)
        record = (records.select_for_update(of=("self",)) if lock else records).first()
        if record is None:
            return None
        # As at the erasure itself, the holds that stop one are safeguarding and legal
        # holds: the request that asked for it may be open again in the restored data.
        held = _held(records, erasable.held, kinds=erasure.HOLD_NAMES)
        return record, erasable.ref(record), erasable.dispose, held
    retainable = declarations.retainable_for(proof["record_type"], proof["rule"])
    # A strip is done again only if what it stripped is back (the retainable's records
    # are those that still have it); a disposal, if the record is there at all.
    manager = retainable.records() if proof["action"] == "strip" else retainable.model._base_manager
    records = manager.filter(pk=object_id)
    record = (records.select_for_update(of=("self",)) if lock else records).first()
    if record is None:
        return None
    ref = (
        retainable.model._base_manager.filter(pk=object_id)
        .annotate(replay_ref=retainable.ref)
        .values_list("replay_ref", flat=True)
        .first()
    )
    held = _held(retainable.records().filter(pk=object_id), retainable.held)
    return record, ref, retainable.dispose, held


def _replay_one(proof, report, *, dry_run):
    label = f"{proof['kind']} {proof['ref']}"
    with transaction.atomic():
        found = _record_back(proof, lock=not dry_run)
        if found is None:
            report.not_back += 1
            if not dry_run and _proof_restore(proof):
                report.proofs_restored += 1
            return None
        record, ref, dispose, held = found
        if ref != proof["ref"]:
            report.mismatched.append(f"{label} (id {proof['object_id']} is now {ref})")
            return "mismatched"
        if held:
            report.held.append(label)
            return "held"
        if not dry_run:
            dispose(record)
            QueueItem.objects.filter(
                record_type=proof["record_type"],
                object_id=proof["object_id"],
                action=proof["action"],
            ).delete()
            if _proof_restore(proof):
                report.proofs_restored += 1
        report.disposed.append(label)
        return "disposed"


def proofs_replay(*, proofs: list[dict], dry_run: bool = False, on_record=None) -> ReplayReport:
    """Dispose again of every record a proof names that is back in the database, in the
    order they were first disposed of, each in its own transaction; put back the proofs
    the database lacks. A record now under a hold is left and reported, as is one whose
    reference no longer matches. Running it twice does nothing the second time.
    ``on_record(outcome, label)`` is called for each record that came back."""
    report = ReplayReport()
    for proof in proofs:
        outcome = _replay_one(proof, report, dry_run=dry_run)
        if outcome and on_record is not None:
            lists = {"disposed": report.disposed, "held": report.held}
            on_record(outcome, lists.get(outcome, report.mismatched)[-1])
    return report


def proofs_read(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return proofs_load(json.load(handle))


def proofs_write(path) -> int:
    data = proofs_export()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, default=_json_default)
        handle.write("\n")
    return len(data["proofs"])


def _json_default(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
