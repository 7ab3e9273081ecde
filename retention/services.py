"""Writes of the retention engine: the flagging sweep, the manager's decisions, disposal
and changes to a rule. Each is one transaction (disposal: one per batch of records, or
per record when a batch fails)."""

import datetime
import logging
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from centre.models import User
from centre.roles import Role
from centre.services import record_save
from core import audit
from core.declarations import declarations
from core.purge import pending_files_remove

from . import engine, erasure
from .forecasts import forecast_forget
from .models import DisposalRecord, ErasureDecision, QueueItem, Rule, SweepLock
from .traces import purged_rows, trace_summary, traces_of

logger = logging.getLogger(__name__)

SWEEP_LOCK = "sweep"
NEW_ITEMS_SUBJECT = "Records are due for disposal"


class SweepAlreadyRunning(Exception):
    """Another sweep holds the lock."""


def _lock_sweep():
    """Take the sweep's row lock for the rest of the transaction, or fail at once."""
    SweepLock.objects.get_or_create(name=SWEEP_LOCK)
    try:
        return SweepLock.objects.select_for_update(nowait=True).get(name=SWEEP_LOCK)
    except DatabaseError as error:
        raise SweepAlreadyRunning("Another retention sweep is running.") from error


@transaction.atomic
def retention_sweep(*, as_of: datetime.date | None = None) -> dict:
    """Flag into the disposal queue every record due by ``as_of`` that no hold stops, and
    take out of the queue what is no longer due or has become held. Running it twice
    adds nothing; two at once cannot happen (the second fails with
    ``SweepAlreadyRunning``). Returns the counts ``{"flagged", "withdrawn", "queued"}``.
    The manager gets one e-mail, with counts only, when new items arrived."""
    as_of = as_of or timezone.localdate()
    lock = _lock_sweep()
    # The queue is read before the records, never after. A disposal running meanwhile
    # deletes its record and its item in one commit: read in this order, the sweep sees
    # either both (the item is there: nothing to flag) or neither, whenever that commit
    # lands. Read the other way round, a commit between the two reads showed the record
    # due and no item for it, and the sweep flagged a record that was gone a moment later.
    existing = {
        (record_type, object_id, action): (pk, reason)
        for pk, record_type, object_id, action, reason in QueueItem.objects.values_list(
            "pk", "record_type", "object_id", "action", "reason"
        )
    }
    findings = [f for f in engine.assess(as_of) if not f.is_held]
    due_keys = {(f.record_type, f.object_id, f.action) for f in findings}
    # Erasure items are not the schedule's to withdraw: the disposal checks them itself.
    gone = [
        pk
        for key, (pk, reason) in existing.items()
        if key not in due_keys and reason == "retention"
    ]
    withdrawn = QueueItem.objects.filter(pk__in=gone).delete()[0] if gone else 0
    new_items = [
        QueueItem(
            rule=f.rule,
            kind=f.kind,
            action=f.action,
            record_type=f.record_type,
            object_id=f.object_id,
            ref=f.ref,
            due_on=f.due_on,
            summary=f.summary[:200],
        )
        for f in findings
        if (f.record_type, f.object_id, f.action) not in existing
    ]
    QueueItem.objects.bulk_create(new_items, batch_size=1000)
    # Proofs of disposal past their seven years are not deleted here: the application's
    # database role may not delete them, only the nightly expiry may (retention/expiry.py).
    lock.last_run_at = timezone.now()
    lock.last_as_of = as_of
    lock.save(update_fields=["last_run_at", "last_as_of"])
    counts = {
        "flagged": len(new_items),
        "withdrawn": withdrawn,
        "queued": QueueItem.objects.count(),
    }
    if new_items:
        by_rule = {}
        for item in new_items:
            by_rule[item.rule] = by_rule.get(item.rule, 0) + 1
        transaction.on_commit(lambda: _notify_managers(by_rule))
    return counts


def _notify_managers(by_rule):
    """One e-mail to each active manager: how many records of each rule are newly due.
    No names, no references: the queue is behind the manager's login."""
    rules = {rule.key: rule for rule in Rule.objects.all()}
    lines = [(str(rules[key]) if key in rules else key, count) for key, count in by_rule.items()]
    body = render_to_string(
        "retention/new_items_email.txt", {"lines": lines, "total": sum(by_rule.values())}
    )
    recipients = (
        User.objects.filter(is_active=True, groups__name=Role.MANAGER.value)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    for email in recipients:
        try:
            send_mail(NEW_ITEMS_SUBJECT, body, None, [email])
        except Exception:  # the queue is there whatever happens to the e-mail
            logger.exception("retention-notification-failed")


def _decide(items, *, actor):
    now = timezone.now()
    return items.update(
        status=QueueItem.Status.APPROVED,
        decided_by=actor,
        decided_by_name=actor.full_name or actor.email,
        decided_at=now,
        postponed_until=None,
        postpone_reason="",
    )


@transaction.atomic
def disposal_approve(
    *,
    actor: User,
    items=None,
    rule: str | None = None,
    queue_disposal: Callable[[], object] | None = None,
) -> int:
    """The manager's decision to dispose of queued records: all that await a decision,
    those of one rule, or the ``items`` given (a queryset of ``QueueItem``). The decision
    is recorded with the manager's name; once it is committed ``queue_disposal`` asks a
    worker to dispose of them (the views pass ``tasks.dispose_approved_soon``; without it
    beat's five-minute run does the work). Returns the number approved.

    A callable rather than an import, so that tasks import services and never the other
    way round."""
    today = timezone.localdate()
    chosen = QueueItem.objects.awaiting_decision(today)
    if items is not None:
        chosen = chosen.filter(pk__in=items.values("pk"))
    if rule is not None:
        chosen = chosen.filter(rule=rule)
    approved = _decide(chosen.select_for_update(), actor=actor)
    if approved:
        audit.record(None, audit.Action.APPROVAL, user=actor, detail=f"{approved} disposal(s)")
        if queue_disposal is not None:
            transaction.on_commit(queue_disposal)
    return approved


@transaction.atomic
def disposal_postpone(*, item: QueueItem, until: datetime.date, reason: str, actor: User):
    """Put off the decision on one record to ``until``, with the reason."""
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Give the reason for postponing."
    if until is None:
        errors["until"] = "Give the date to look at this record again."
    elif until <= timezone.localdate():
        errors["until"] = "The date to look again must be after today."
    if errors:
        raise ValidationError(errors)
    item = QueueItem.objects.select_for_update().get(pk=item.pk)
    if item.status == QueueItem.Status.APPROVED:
        raise ValidationError("This record's disposal is already approved.")
    item.status = QueueItem.Status.POSTPONED
    item.postponed_until = until
    item.postpone_reason = reason
    item.decided_by = actor
    item.decided_by_name = actor.full_name or actor.email
    item.decided_at = timezone.now()
    item.save()
    return item


def dispose_approved(*, today: datetime.date | None = None) -> dict:
    """Dispose of every approved record, ``settings.RETENTION_DISPOSAL_BATCH`` (50) at a
    time, each batch in one transaction with its records locked and re-checked (still
    there, still due, not held: a hold placed after the approval wins). If anything in a
    batch fails, the batch is rolled back whole and its records are tried again one at a
    time, each in its own transaction: one record that cannot be disposed of does not stop
    the others, and nothing is ever half done. Safe to run twice and to run again after a
    crash: an item leaves the queue in the same transaction that disposes of its record,
    and two runs never take the same item. Returns ``{"disposed", "withdrawn",
    "failed"}``."""
    pending_files_remove()
    today = today or timezone.localdate()
    counts = {"disposed": 0, "withdrawn": 0, "failed": 0}
    rules = engine.load_rules()
    item_ids = list(QueueItem.objects.approved().order_by("pk").values_list("pk", flat=True))
    size = settings.RETENTION_DISPOSAL_BATCH
    for start in range(0, len(item_ids), size):
        batch = item_ids[start : start + size]
        if len(batch) == 1:
            outcomes = _dispose_alone(batch[0], today=today, rules=rules)
        else:
            try:
                outcomes = _dispose_batch(batch, today=today, rules=rules)
            except Exception as error:
                # The log names the items and the exception's class, never the records'
                # content; the record at fault is logged in full when tried alone.
                logger.warning(
                    "retention-batch-retried items=%s-%s error=%s",
                    batch[0],
                    batch[-1],
                    type(error).__name__,
                )
                outcomes = [
                    outcome
                    for item_id in batch
                    for outcome in _dispose_alone(item_id, today=today, rules=rules)
                ]
        for outcome in outcomes:
            counts[outcome] += 1
    return counts


def _dispose_alone(item_id, *, today, rules):
    try:
        return _dispose_batch([item_id], today=today, rules=rules)
    except Exception:
        # One record that cannot be disposed of must not stop the others. Its
        # transaction is rolled back whole and the item stays approved for the next
        # run; the log names the item, never the record's content.
        logger.exception("retention-dispose-failed item=%s", item_id)
        return ["failed"]


def _dispose_batch(item_ids, *, today, rules):
    """Dispose of the approved items ``item_ids`` in one transaction; returns an outcome
    (``"disposed"`` or ``"withdrawn"``) for each item taken. An item another run holds,
    or has done, is not taken."""
    outcomes, logged = [], []  # logged: (item id, outcome); an erasure logs its own
    with transaction.atomic():
        items = list(
            QueueItem.objects.select_for_update(skip_locked=True)
            .filter(pk__in=item_ids, status=QueueItem.Status.APPROVED)
            .order_by("pk")
        )
        groups = {}
        for item in items:
            key = (
                ("erasure", item.pk) if item.reason == "erasure" else (item.record_type, item.rule)
            )
            groups.setdefault(key, []).append(item)
        for number, group in enumerate(groups.values()):
            if number:
                # A purge takes out of the queue the items of every row it deleted (an HR
                # file's documents): those left nothing to do.
                left = set(
                    QueueItem.objects.filter(pk__in=[item.pk for item in group]).values_list(
                        "pk", flat=True
                    )
                )
                group = [item for item in group if item.pk in left]
                if not group:
                    continue
            if group[0].reason == "erasure":
                outcomes.append(_erase_one(group[0]))
            else:
                done = _dispose_group(group, today=today, rules=rules)
                outcomes.extend(outcome for _item_id, outcome in done)
                logged.extend(done)
    for item_id, outcome in logged:
        logger.info("retention-%s item=%s", outcome, item_id)
    return outcomes


def _dispose_group(items, *, today, rules):
    """Items of one rule and one kind of record, inside ``_dispose_batch``'s transaction:
    ``[(item id, outcome)]``."""
    retainable = declarations.retainable_for(items[0].record_type, items[0].rule)
    records = {
        record.pk: record
        for record in retainable.model._base_manager.select_for_update()
        .filter(pk__in=[item.object_id for item in items])
        .order_by("pk")
    }
    # The last word: still there, still due and not held, with the records locked, so a
    # hold placed after the approval wins.
    findings = (
        engine.assess(today, retainables=[retainable], object_ids=list(records), rules=rules)
        if records
        else []
    )
    due = {finding.object_id for finding in findings if not finding.is_held}
    done, doomed = [], []
    for item in items:
        if item.object_id in due:
            doomed.append(item)
            done.append((item.pk, "disposed"))
        else:
            done.append((item.pk, "withdrawn"))
            item.delete()
    if doomed:
        with purged_rows() as purged:
            if retainable.dispose_many is not None:
                retainable.dispose_many([records[item.object_id] for item in doomed])
            else:
                for item in doomed:
                    retainable.dispose(records[item.object_id])
        # The items leave the queue first: the check looks in the queue too.
        QueueItem.objects.filter(pk__in=[item.pk for item in doomed]).delete()
        traces = _check_traces(doomed, purged)
        for item in doomed:
            _prove(item, traces=traces.get(item.pk), forget=False)
    return done


def _check_traces(items, purged=None):
    """``{item id: {kind: rows}}``: what still refers to each disposed record or to the
    rows ``purged`` with them (its traces), for items whose record is gone; a record kept
    (stripped, reviewed and kept) gets no check. The whole group is checked at once; only
    where something is found is each record checked on its own, to say whose the traces
    are (those of the rows that went with the group, which no record's own check finds,
    go on every proof of the group, marked "of its batch"). Traces do not undo the
    disposal: they are recorded on the proof, for the manager, and logged (kinds and
    counts only)."""
    record_type = items[0].record_type
    # A record still there (a certificate stripped, a review that kept it) is not checked.
    kept = set(
        apps.get_model(record_type)
        ._base_manager.filter(pk__in=[item.object_id for item in items])
        .values_list("pk", flat=True)
    )
    items = [item for item in items if item.object_id not in kept]
    if not items:
        return {}
    found = traces_of(
        record_type, [item.object_id for item in items], [i.ref for i in items], purged=purged
    )
    if not found:
        return {item.pk: {} for item in items}
    if len(items) == 1:
        own = {items[0].pk: found}
    else:
        own = {item.pk: traces_of(record_type, [item.object_id], [item.ref]) for item in items}
    batch = {
        f"{kind} (of its batch)": count - sum(traces.get(kind, 0) for traces in own.values())
        for kind, count in found.items()
    }
    batch = {kind: count for kind, count in batch.items() if count > 0}
    traces = {}
    for item in items:
        traces[item.pk] = {**own[item.pk], **batch}
        if traces[item.pk]:
            logger.warning(
                "retention-traces-found item=%s record_type=%s traces=%s",
                item.pk,
                record_type,
                trace_summary(traces[item.pk]),
            )
    return traces


def _prove(item, reason="retention", traces=None, forget=True):
    """The proof of disposal of ``item``'s record, with the check for traces made after
    it (``traces``: ``{kind: rows}``; None where no check was made); ``forget`` takes the
    item out of the queue (unless it has left already)."""
    DisposalRecord.objects.create(
        rule=item.rule,
        kind=item.kind,
        action=item.action,
        record_type=item.record_type,
        object_id=item.object_id,
        ref=item.ref,
        due_on=item.due_on,
        approved_by_id_copy=item.decided_by_id,
        approved_by_name=item.decided_by_name,
        approved_at=item.decided_at,
        reason=reason,
        traces_found=sum(traces.values()) if traces is not None else None,
        trace_check=trace_summary(traces) if traces is not None else "",
    )
    audit.record(None, audit.Action.DISPOSAL, kind=item.record_type, object_id=item.object_id)
    if forget:
        item.delete()


def _erase_one(item):
    """An approved erasure, inside ``_dispose_one``'s transaction: the same last check
    under lock (a hold or another open request placed since wins, and is recorded)."""
    erasable = erasure.erasable_for(item.record_type)
    record = erasable.model._base_manager.select_for_update().filter(pk=item.object_id).first()
    reasons = (
        erasure.reasons_to_keep(erasable, record, request_reference=item.request_reference)
        if record is not None
        else ["The record no longer exists"]
    )
    if reasons:
        ErasureDecision.objects.create(
            request_reference=item.request_reference,
            record_type=item.record_type,
            object_id=item.object_id,
            kind=item.kind,
            ref=item.ref,
            outcome=ErasureDecision.Outcome.KEPT,
            exemption="; ".join(reasons),
            decided_by_name="The disposal's last check",
        )
        item.delete()
        return "withdrawn"
    with purged_rows() as purged:
        erasable.dispose(record)
    QueueItem.objects.filter(pk=item.pk).delete()
    traces = _check_traces([item], purged).get(item.pk)
    _prove(item, reason="erasure", traces=traces, forget=False)
    logger.info("retention-erased item=%s", item.pk)
    return "disposed"


@transaction.atomic
def rule_change(*, rule: Rule, reason: str, actor: User) -> Rule:
    """Save the manager's change to a rule's period or wording, with the reason in the
    rule's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"change_reason": "Give the reason for the change."})
    rule._change_reason = reason
    saved = record_save(record=rule, actor=actor)
    # The home's forecast is counted anew under the rule: forgotten now, and again once
    # the change is committed, in case a look in between counted it under the old rule.
    forecast_forget()
    transaction.on_commit(forecast_forget)
    return saved


# The beat runs the disposal every 5 minutes: an approval still waiting after three runs
# means no worker is taking the work (stopped, or stuck), and the queue page says so.
DISPOSAL_EXPECTED_WITHIN = datetime.timedelta(minutes=15)


def queue_summary():
    """``{rule key: {"rule", "awaiting", "approved", "postponed", "overdue"}}`` in one
    query; ``overdue`` counts approved items waiting longer than
    ``DISPOSAL_EXPECTED_WITHIN`` since their approval."""
    from django.db.models import Count

    today = timezone.localdate()
    late = timezone.now() - DISPOSAL_EXPECTED_WITHIN
    rows = QueueItem.objects.values("rule").annotate(
        overdue=Count("pk", filter=Q(status=QueueItem.Status.APPROVED, decided_at__lt=late)),
        awaiting=Count(
            "pk",
            filter=Q(status=QueueItem.Status.DUE)
            | Q(status=QueueItem.Status.POSTPONED, postponed_until__lte=today),
        ),
        approved=Count("pk", filter=Q(status=QueueItem.Status.APPROVED)),
        postponed=Count(
            "pk", filter=Q(status=QueueItem.Status.POSTPONED, postponed_until__gt=today)
        ),
    )
    return {row["rule"]: row for row in rows}
