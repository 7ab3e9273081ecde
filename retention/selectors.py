"""Reads for the manager's disposal pages: where a queued record can be looked at, and
what approving a set of queue items would destroy.

Nothing here deletes: the preview asks Django's deletion collector what would go, as
``purge`` does, and stops there."""

from dataclasses import dataclass, field

from django.apps import apps

from core.declarations import declarations
from core.purge import _collect, _file_names, _history_closure, _history_model

from .models import QueueItem
from .schedule import Action, RuleKey


def view_urls():
    """``{record type: object id -> URL}`` for the kinds of record with a read-only page."""
    urls = {}
    for retainable in declarations.retainables:
        if retainable.view_url is not None:
            urls.setdefault(retainable.record_type, retainable.view_url)
    return urls


def queue_items_link(items):
    """Set ``view_url`` on each queue item: its record's read-only page, or None. A record
    queued by an erasure request (an adult, a child, a staff member's file) links to the
    page its ``Erasable`` names, in one query per kind of record."""
    urls = view_urls()
    erased = {}
    for item in items:
        to_url = urls.get(item.record_type)
        item.view_url = to_url(item.object_id) if to_url is not None else None
        if to_url is None:
            erased.setdefault(item.record_type, []).append(item)
    for erasable in declarations.erasables:
        waiting = erased.pop(erasable.record_type, None)
        if not waiting or erasable.view_url is None:
            continue
        records = erasable.records().in_bulk([item.object_id for item in waiting])
        for item in waiting:
            record = records.get(item.object_id)
            item.view_url = erasable.view_url(record) if record is not None else None
    return items


@dataclass
class DisposalPreview:
    """What approving the items would destroy and keep.

    - ``rows``: ``[(kind of row, count)]``, the records and everything that goes with them.
    - ``files``: ``[(kind of file, count)]``, stored files removed from storage.
    - ``kept``: ``[(what, count)]``: what a strip keeps of its record.
    - ``closed``: ``[(what, count)]``: open cases a dormant-case review closes and keeps.
    """

    rows: list = field(default_factory=list)
    files: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    closed: list = field(default_factory=list)

    @property
    def only_closes(self):
        """Nothing is destroyed: every record approved is a dormant case to close."""
        return bool(self.closed) and not (self.rows or self.files or self.kept)

    @property
    def file_count(self):
        return sum(count for _label, count in self.files)


def _name(model, plural=True):
    meta = model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name).capitalize()


def _file_kinds(names):
    counts = {}
    for label, _name_in_storage in names:
        app_label, model_name, field_name = label.split(".")
        model = apps.get_model(app_label, model_name)
        field_label = str(model._meta.get_field(field_name).verbose_name)
        kind = f"{_name(model, plural=False)}: {field_label}"
        counts[kind] = counts.get(kind, 0) + 1
    return sorted(counts.items())


def disposal_preview(items) -> DisposalPreview:
    """What approving ``items`` (queue items) would destroy, counted per kind of row and
    of file, in a number of queries that depends on the kinds of record, not their
    number. A record disposed of already (or never there) counts for nothing."""
    to_delete, to_strip, to_close = {}, {}, {}
    for item in items:
        target = to_strip if item.action == Action.STRIP else to_delete
        if item.rule == RuleKey.DORMANT_CASE:
            target = to_close
        target.setdefault(apps.get_model(item.record_type), set()).add(item.object_id)
    preview = DisposalPreview()
    instances = [
        instance
        for model, ids in to_delete.items()
        for instance in model._base_manager.filter(pk__in=ids)
    ]
    names = set()
    if instances:
        _collector, doomed = _collect(instances)
        history = _history_closure(doomed)
        names |= _file_names(doomed, history)
        preview.rows = sorted((_name(model), len(pks)) for model, pks in doomed.items() if pks)
    for model, ids in to_strip.items():
        found = set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if not found:
            continue
        history = {model: found} if _history_model(model) is not None else {}
        names |= _file_names({model: found}, history)
        preview.kept.append((_name(model), len(found)))
    preview.files = _file_kinds(names)
    for model, ids in to_close.items():
        found = model._base_manager.filter(pk__in=ids).count()
        if found:
            preview.closed.append((_name(model), found))
    return preview


def queue_items_awaiting(*, rule=None, pk=None):
    """The queue items an approval of this scope would approve, earliest due first."""
    chosen = QueueItem.objects.awaiting_decision()
    if rule is not None:
        chosen = chosen.filter(rule=rule)
    if pk is not None:
        chosen = chosen.filter(pk=pk)
    return list(chosen.order_by("due_on", "ref", "pk"))
