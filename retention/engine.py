"""What is due, computed in the database: one query per rule for the due records, and one
per rule and kind of hold for the held ones, whatever the number of records. The dry
run, the flagging sweep, the forecast and the disposal's last check all use ``assess``.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value

from core.declarations import declarations

from .models import Rule
from .schedule import ACTIONS, add_months, last_start_due_by


@dataclass(frozen=True)
class Finding:
    retainable: object
    object_id: int
    ref: str
    due_on: datetime.date
    summary: str
    holds: tuple = ()

    @property
    def rule(self):
        return self.retainable.rule

    @property
    def kind(self):
        return self.retainable.kind

    @property
    def action(self):
        return ACTIONS[self.retainable.rule]

    @property
    def record_type(self):
        return self.retainable.record_type

    @property
    def is_held(self):
        return bool(self.holds)


def load_rules():
    return {rule.key: rule for rule in Rule.objects.all()}


def cutoffs_for(rules, as_of):
    """``{rule key: last clock start due by as_of}`` and the same for longer periods."""
    cutoffs, extended = {}, {}
    for key, rule in rules.items():
        cutoffs[key] = last_start_due_by(as_of, rule.period_months)
        if rule.extended_period_months:
            extended[key] = last_start_due_by(as_of, rule.extended_period_months)
    return cutoffs, extended


def _due_by(retainable, rule, cutoffs, extended_cutoffs):
    """The condition of being due by the cutoffs (on a queryset annotated with
    ``retention_clock``)."""
    if retainable.extended is None or rule.key not in extended_cutoffs:
        return Q(retention_clock__lte=cutoffs[rule.key])
    return (~retainable.extended & Q(retention_clock__lte=cutoffs[rule.key])) | (
        retainable.extended & Q(retention_clock__lte=extended_cutoffs[rule.key])
    )


def _kept_longer(retainable, cutoffs, extended_cutoffs):
    """The condition of being kept by a longer rule, or None where no longer rule applies."""
    if retainable.longer_rules is None:
        return None
    return retainable.longer_rules(
        {**cutoffs, **{f"{key}:extended": cut for key, cut in extended_cutoffs.items()}}
    )


def _due_queryset(retainable, rule, cutoffs, extended_cutoffs, *, after=None):
    """The records of ``retainable`` due by the cutoffs (and, with ``after``, not due by
    those earlier cutoffs: what falls due in between)."""
    queryset = retainable.records().annotate(
        retention_clock=retainable.clock_expression(), retention_ref=retainable.ref
    )
    queryset = queryset.filter(_due_by(retainable, rule, cutoffs, extended_cutoffs))
    if after is not None:
        queryset = queryset.exclude(_due_by(retainable, rule, *after))
    kept_longer = _kept_longer(retainable, cutoffs, extended_cutoffs)
    if kept_longer is not None:
        queryset = queryset.exclude(kept_longer)
    if retainable.extended is not None:
        queryset = queryset.annotate(
            retention_extended=ExpressionWrapper(retainable.extended, output_field=BooleanField())
        )
    return queryset


def assess(as_of, *, retainables=None, object_ids=None, rules=None):
    """Every record due by ``as_of``, held or not, as ``Finding``s sorted by due date.

    ``object_ids`` narrows one retainable to some records (the disposal's last check)."""
    rules = rules if rules is not None else load_rules()
    cutoffs, extended_cutoffs = cutoffs_for(rules, as_of)
    held_subjects = declarations.held_subjects()
    findings = []
    for retainable in retainables or declarations.retainables:
        rule = rules[retainable.rule]
        due = _due_queryset(retainable, rule, cutoffs, extended_cutoffs)
        if object_ids is not None:
            due = due.filter(pk__in=object_ids)
        findings.extend(_findings(retainable, rule, due, held_subjects, rules))
    findings.sort(key=lambda f: (f.due_on, f.rule, f.ref, f.object_id))
    return findings


def _findings(retainable, rule, due, held_subjects, rules_by_key):
    holds_of = {}
    for kind, subjects in held_subjects.items():
        for object_id in due.filter(retainable.held(subjects)).values_list("pk", flat=True):
            holds_of.setdefault(object_id, []).append(kind)
    fields = ["pk", "retention_clock", "retention_ref", *retainable.summary_fields]
    if retainable.extended is not None:
        fields.append("retention_extended")
    rows = list(due.values(*fields))
    later = {}
    if retainable.later_due_on is not None and rows:
        later = retainable.later_due_on([row["pk"] for row in rows], rules_by_key)
    findings = []
    for row in rows:
        months = (
            rule.extended_period_months if row.get("retention_extended") else rule.period_months
        )
        due_on = add_months(row["retention_clock"], months)
        findings.append(
            Finding(
                retainable=retainable,
                object_id=row["pk"],
                ref=row["retention_ref"],
                due_on=max(due_on, later.get(row["pk"], due_on)),
                summary=retainable.summary(row),
                holds=tuple(holds_of.get(row["pk"], ())),
            )
        )
    return findings


def forecast(as_of, horizons=(30, 90, 365)):
    """``{horizon: {rule key: count}}``: records not due by ``as_of`` that fall due within
    each horizon, held or not. Counting is done in the database, every horizon at once: the
    counts of every kind whose clock is a column or a plain expression in one query (each
    kind's count joined by UNION ALL), and one query for each kind whose clock is itself
    an aggregate (an incident's youngest child), which PostgreSQL cannot count by in a
    grouped query."""
    rules = load_rules()
    now_cut = cutoffs_for(rules, as_of)
    cuts = {days: cutoffs_for(rules, as_of + datetime.timedelta(days=days)) for days in horizons}
    result = {days: dict.fromkeys(rules, 0) for days in horizons}

    def add(retainable, row):
        for days in horizons:
            result[days][retainable.rule] += row[f"within_{days}"]

    def counted(retainable):
        return {
            f"within_{days}": Count(
                "pk", filter=_falls_due(retainable, rules[retainable.rule], cuts[days], now_cut)
            )
            for days in horizons
        }

    plain, grouped = [], []
    for retainable in declarations.retainables:
        records = retainable.records().annotate(retention_clock=retainable.clock_expression())
        if getattr(retainable.clock_expression(), "contains_aggregate", False):
            add(retainable, records.aggregate(**counted(retainable)))
            continue
        plain.append(retainable)
        grouped.append(
            records.order_by()
            .annotate(kind_index=Value(len(plain) - 1))
            .values("kind_index")
            .annotate(**counted(retainable))
            .values("kind_index", *(f"within_{days}" for days in horizons))
        )
    if grouped:
        for row in grouped[0].union(*grouped[1:], all=True).order_by():
            add(plain[row["kind_index"]], row)
    return result


def _falls_due(retainable, rule, cuts, now_cuts):
    """Due by ``cuts``, not yet due by ``now_cuts``, and not kept by a longer rule."""
    condition = _due_by(retainable, rule, *cuts) & ~_due_by(retainable, rule, *now_cuts)
    kept_longer = _kept_longer(retainable, *cuts)
    return condition if kept_longer is None else condition & ~kept_longer


def dry_run(as_of):
    """The contract's JSON object for ``retention_sweep --as-of --dry-run --json``."""
    due, held = [], []
    for finding in assess(as_of):
        entry = {
            "rule": finding.rule,
            "kind": finding.kind,
            "ref": finding.ref,
            "due_on": finding.due_on.isoformat(),
        }
        if finding.is_held:
            held.append({**entry, "holds": list(finding.holds)})
        else:
            due.append({**entry, "action": finding.action})
    return {"as_of": as_of.isoformat(), "due": due, "held": held}
