"""The check after each disposal that nothing still refers to what was disposed of.

Read through the declarations alone, never another app's models: every model Django
knows (history models and many-to-many tables included) is asked, in one query a model,
for rows that still point at the disposed records by key (a foreign key, a history row's
copy of one, the history rows of the records themselves, a declared ``(record_type,
object_id)`` pair) or that hold a declared copy of their reference or of a name
(``core.declarations.Copy``). A copy a rule keeps on purpose (``Copy.kept``) is not a
trace. What it returns, and what the proof of disposal records, is kinds and counts
only (``"safeguarding.historicalconcern.case": 2``), never a value.
"""

import contextlib
import contextvars
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Count, JSONField, Q, TextField
from django.db.models.functions import Cast

from core.declarations import declarations

NO_TRACE = "No trace left"
TRACE_CHECK_LENGTH = 300

# The rows the purges of one disposal deleted, ``{model: {pk}}``, while ``purged_rows``
# collects them (the PURGED hook, ``remember_purged``).
_purged = contextvars.ContextVar("retention_traces_purged", default=None)


@contextlib.contextmanager
def purged_rows():
    """Collect ``{model: {pk}}`` of every row the purges run inside delete: what went
    with the records disposed of (their people, bookings, history), checked with them."""
    rows = {}
    token = _purged.set(rows)
    try:
        yield rows
    finally:
        _purged.reset(token)


def remember_purged(doomed):
    """The PURGED hook: inside ``purged_rows``, remember the rows a purge deleted."""
    rows = _purged.get()
    if rows is not None:
        for model, ids in doomed.items():
            rows.setdefault(model, set()).update(ids)


def _history_of(model):
    """The record a django-simple-history model copies, or None."""
    instance_type = getattr(model, "instance_type", None)
    if instance_type is not None and model.__name__ == f"Historical{instance_type.__name__}":
        return instance_type
    return None


def _declared_copies(model):
    """The copies declared for ``model``, or for the record whose history it is."""
    record = declarations.records.get(model._meta.label_lower)
    if record is None:
        own = _history_of(model)
        record = declarations.records.get(own._meta.label_lower) if own is not None else None
    return record.copies if record is not None else ()


def _text_of(model, name):
    """The lookup that reads field ``name`` as text: a JSON field is searched as its
    text (``_texts`` annotates it), not by JSON containment."""
    if isinstance(model._meta.get_field(name), JSONField):
        return f"trace_text_{name}"
    return name


def _texts(model):
    return {
        f"trace_text_{field.name}": Cast(field.name, TextField())
        for field in model._meta.concrete_fields
        if isinstance(field, JSONField)
    }


def _checks(model, target, targets, refs, names):
    """``{kind: Q}`` of ``model``'s rows that would be traces of the disposed records of
    ``target`` (a model class) or of the rows that went with them: ``targets`` is
    ``{model: ids}`` of them all."""
    label = model._meta.label_lower
    record_type = target._meta.label_lower
    checks = {}

    def add(kind, q):
        checks[kind] = checks[kind] | q if kind in checks else q

    # The disposed records themselves are looked for again; the rows the purge deleted
    # with them went by the same DELETEs, so it is what still points at them that counts.
    if model is target:
        add(label, Q(pk__any=targets[model]))
    if _history_of(model) in targets:
        add(f"{label}.id", Q(id__any=targets[_history_of(model)]))
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model in targets:
            gone = targets[field.related_model]
            add(f"{label}.{field.name}", Q(**{f"{field.attname}__any": gone}))
    for copy in _declared_copies(model):
        if copy.kept:
            continue
        if copy.holds == "key":
            # A key of any record that went, of the kind ``type_field`` names.
            parts = [
                Q(**{f"{copy.field}__any": gone})
                & (Q(**{copy.type_field: gone_model._meta.label_lower}) if copy.type_field else Q())
                for gone_model, gone in targets.items()
                if not copy.of or copy.of == gone_model._meta.label_lower
            ]
            if parts:
                add(f"{label}.{copy.field}", reduce(or_, parts))
            continue
        if copy.of and copy.of != record_type and copy.holds != "name":
            continue
        if copy.holds == "name":
            # Names are those of the people who went with the records, whoever's copy.
            if not names:
                continue
            text = _text_of(model, copy.field)
            q = reduce(or_, (Q(**{f"{text}__icontains": name}) for name in names))
        elif not refs:
            continue
        elif copy.holds == "reference":
            q = Q(**{f"{copy.field}__any": refs})
        else:
            text = _text_of(model, copy.field)
            q = reduce(or_, (Q(**{f"{text}__contains": ref}) for ref in refs))
        if copy.type_field:
            q &= Q(**{copy.type_field: record_type})
        add(f"{label}.{copy.field}", q)
    return checks


def traces_of(record_type: str, ids, refs=(), names=(), purged=None) -> dict[str, int]:
    """``{kind: rows}`` of the rows of any model that still refer to the records ``ids``
    of ``record_type`` (``"app.model"``) just disposed of: by key, or by a declared copy
    of their references ``refs`` or of the ``names`` given (the people who went with
    them); and by key to the rows ``purged`` with them (``{model: ids}``, from
    ``purged_rows``). Kinds with no rows are left out: ``{}`` means no trace is left. One
    query a model that could refer to them."""
    target = apps.get_model(record_type)
    refs = [ref for ref in refs if ref]
    names = [name for name in names if name]
    targets = {model: sorted(pks) for model, pks in (purged or {}).items() if pks}
    targets[target] = sorted(set(targets.get(target, ())) | set(ids))
    found = {}
    if not ids:
        return found
    for model in apps.get_models(include_auto_created=True):
        checks = _checks(model, target, targets, refs, names)
        if not checks:
            continue
        aliases = {f"trace_{number}": kind for number, kind in enumerate(checks)}
        # The rows that are traces counted kind by kind, in one query read through the
        # keys' indexes. Not first "is there any?": with LIMIT 1 PostgreSQL reads the whole
        # table in the hope of an early match, and when all is well there is none.
        rows = model._base_manager.annotate(**_texts(model)).filter(reduce(or_, checks.values()))
        counts = rows.aggregate(
            **{alias: Count("pk", filter=checks[kind]) for alias, kind in aliases.items()}
        )
        for alias, kind in aliases.items():
            if counts[alias]:
                found[kind] = found.get(kind, 0) + counts[alias]
    return found


def trace_summary(found: dict[str, int]) -> str:
    """What a proof of disposal records of a check: "No trace left", or each kind with
    its count, most first, cut to fit the proof's column."""
    if not found:
        return NO_TRACE
    text = "; ".join(
        f"{kind}: {count}" for kind, count in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    if len(text) > TRACE_CHECK_LENGTH:
        text = text[: TRACE_CHECK_LENGTH - 1] + "…"
    return text
