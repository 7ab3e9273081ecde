"""Complete deletion of records: the rows and everything that belongs to them, their
history (django-simple-history rows, those of the rows that cascade with them, and the
many-to-many history), and the files they and their history name.

It works from Django's own deletion collector and the models' declarations, so it
knows no app's models by name. It runs inside the caller's transaction; the files are
written to ``PendingFileDeletion`` there and removed from storage after the commit. What
refers to the deleted rows elsewhere (the disposal queue's items) is forgotten in the same
transaction by the ``PURGED`` hook.
"""

import functools

from django.apps import apps
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.deletion import CASCADE, Collector
from django.db.models.signals import post_delete, pre_delete

from core.models import PendingFileDeletion

from .declarations import PURGED, declarations

CHUNK = 1000


# The models' history declarations do not change while the process runs, and looking them
# up through django-simple-history's descriptors builds a manager each time: look once.


@functools.cache
def _history_model(model):
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager_name).model if manager_name else None


@functools.cache
def _history_models():
    from simple_history.models import registered_models

    return tuple(m for m in registered_models.values() if _history_model(m) is not None)


@functools.cache
def _m2m_history_models(model):
    """The many-to-many history models of ``model``'s history: ``[(m2m history model,
    through model)]``."""
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if not manager_name:
        return []
    history_model = _history_model(model)
    result = []
    for field in getattr(history_model, "_history_m2m_fields", ()):
        m2m_history = getattr(history_model, field.name).model
        result.append((m2m_history, getattr(model, field.name).through))
    return tuple(result)


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@functools.cache
def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


class _Collector(Collector):
    """Django's collector, asking for the rows that hang on a batch by their keys bound
    as one array (``core.lookups``) rather than a placeholder a row: with thousands of
    rows each such statement was long, and psycopg split each one's text anew."""

    def related_objects(self, related_model, related_fields, objs):
        predicate = Q.create(
            [
                (
                    f"{field.attname}__any",
                    [getattr(obj, field.target_field.attname) for obj in objs],
                )
                for field in related_fields
            ],
            connector=Q.OR,
        )
        return related_model._base_manager.using(self.using).filter(predicate)


def _collect(instances):
    using = router.db_for_write(type(instances[0]))
    collector = _Collector(using=using)
    by_model = {}
    for instance in instances:
        by_model.setdefault(type(instance), []).append(instance)
    for group in by_model.values():
        collector.collect(group)
    doomed = {}
    for model, objs in collector.data.items():
        doomed.setdefault(model._meta.concrete_model, set()).update(obj.pk for obj in objs)
    for queryset in collector.fast_deletes:
        model = queryset.model._meta.concrete_model
        doomed.setdefault(model, set()).update(queryset.values_list("pk", flat=True))
    return collector, doomed


@functools.cache
def _cascading_keys():
    """``[(model, key field, parent model)]`` for every tracked model's cascading keys."""
    keys = []
    for model in _history_models():
        for field in model._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one):
                continue
            if field.remote_field.on_delete is CASCADE:
                keys.append((model, field, field.related_model._meta.concrete_model))
    return tuple(keys)


def _history_closure(doomed):
    """``{model: history row ids}``: the history of every doomed row, and of rows deleted
    earlier that belonged (by a cascading key) to a doomed row, to the bottom. Each
    round asks only about parents that gained ids in the round before."""
    history = {model: set(pks) for model, pks in doomed.items() if _history_model(model)}
    keys = _cascading_keys()
    fresh = {model: set(pks) for model, pks in doomed.items()}
    while fresh:
        found_now = {}
        for model, field, parent in keys:
            parent_ids = fresh.get(parent)
            if not parent_ids:
                continue
            history_model = _history_model(model)
            for chunk in _chunks(parent_ids):
                found = set(
                    history_model.objects.filter(**{f"{field.attname}__any": chunk})
                    .values_list("id", flat=True)
                    .distinct()
                )
                new = found - history.get(model, set())
                if new:
                    history.setdefault(model, set()).update(new)
                    found_now.setdefault(model, set()).update(new)
        fresh = found_now
    return history


def _field_label(model, field):
    return f"{model._meta.label_lower}.{field.name}"


def _file_names(doomed, history):
    """``{(field label, stored name)}`` of the files the doomed rows and their history
    name."""
    names = set()
    # A history row's own key is ``history_id``; ``id`` is the key of the row it copies.
    for source, manager, pks in [
        *[(m, m._base_manager, pks) for m, pks in doomed.items()],
        *[(m, _history_model(m).objects, ids) for m, ids in history.items()],
    ]:
        fields = _file_fields(source)
        if not fields:
            continue
        key = f"{source._meta.pk.attname}__any"
        for chunk in _chunks(pks):
            rows = manager.filter(**{key: chunk}).values_list(*[f.attname for f in fields])
            for row in rows:
                names.update(
                    (_field_label(source, field), name)
                    for field, name in zip(fields, row, strict=True)
                    if name
                )
    return names


def _raw_delete(queryset):
    """One DELETE statement. History rows have no signals and nothing hangs on them but
    their many-to-many history, which is deleted first: Django's collector would only
    look for dependants that are not there, one query per relation."""
    return queryset._raw_delete(queryset.db)


def _delete_history(doomed, history):
    for model, ids in history.items():
        history_model = _history_model(model)
        for m2m_history, _through in _m2m_history_models(model):
            for chunk in _chunks(ids):
                _raw_delete(m2m_history.objects.filter(history__id__any=chunk))
        for chunk in _chunks(ids):
            _raw_delete(history_model.objects.filter(id__any=chunk))
    # Many-to-many history of surviving records that names a doomed row (a concern's
    # list of children, when a child goes with its case).
    for model in _history_models():
        for m2m_history, through in _m2m_history_models(model):
            for field in through._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta.concrete_model
                if target is model or target not in doomed:
                    continue
                for chunk in _chunks(doomed[target]):
                    _raw_delete(m2m_history.objects.filter(**{f"{field.attname}__any": chunk}))


@functools.cache
def _loose_keys():
    """``[(history model, key field, parent model)]``: the keys by which a tracked record
    outlives its parent (``SET_NULL``: a concern outlives its case), as its history copies
    them."""
    keys = []
    for model in _history_models():
        history_model = _history_model(model)
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and (
                field.remote_field.on_delete is models.SET_NULL
            ):
                parent = field.related_model._meta.concrete_model
                keys.append((history_model, field.attname, parent))
    return tuple(keys)


def _forget_in_history(doomed):
    """A record that outlives a doomed row forgets it in its history too, as the row itself
    does (its key set to NULL): otherwise the history keeps the key of what was disposed
    of (retention.traces finds it). One UPDATE a key whose parent lost rows."""
    for history_model, attname, parent in _loose_keys():
        for chunk in _chunks(doomed.get(parent, ())):
            history_model.objects.filter(**{f"{attname}__any": chunk}).update(**{attname: None})


def _only_history_listens(model):
    """True when django-simple-history's are the only delete signal receivers of
    ``model``: its pre_delete loads deferred fields and its post_delete writes a last
    history row, which the purge would delete again with the rest of the history.
    (``_live_receivers`` is what Django's own ``Signal.has_listeners`` asks.)"""
    from simple_history.models import HistoricalRecords

    for signal in (pre_delete, post_delete):
        for receivers in signal._live_receivers(model):
            for receiver in receivers:
                if not isinstance(getattr(receiver, "__self__", None), HistoricalRecords):
                    return False
    return True


def _delete(collector):
    """``collector.delete()``, but the rows of models only the history listens to are
    deleted by one DELETE per model (per ``CHUNK``), without the signals: sent, they would
    write one history row per deleted row (and read its many-to-many rows), only for the
    purge to delete it again. A model with any other receiver still gets its signals."""
    quiet = {}
    for model in list(collector.data):
        if _only_history_listens(model):
            quiet[model] = collector.data.pop(model)
    for model, instances in quiet.items():
        for chunk in _chunks(obj.pk for obj in instances):
            collector.fast_deletes.append(model._base_manager.filter(pk__any=chunk))
    result = collector.delete()
    for model, instances in quiet.items():
        for instance in instances:
            setattr(instance, model._meta.pk.attname, None)
    return result


def purge(instances):
    """Delete ``instances`` and everything that belongs to them, with all their history,
    inside the current transaction. Their stored files are queued for removal once the
    transaction commits. Returns ``{model label: rows deleted}``.

    Its cost grows with the kinds of record involved, not with their number: purging a
    list of many records in one call costs little more than purging one."""
    instances = [instance for instance in instances if instance is not None]
    if not instances:
        return {}
    collector, doomed = _collect(instances)
    history = _history_closure(doomed)
    names = _file_names(doomed, history)
    _deleted, counts = _delete(collector)
    # Where the signals were sent, simple-history wrote a last history row: it has the
    # deleted row's id, so it goes with the rest here.
    _delete_history(doomed, history)
    _forget_in_history(doomed)
    file_deletions_queue(names)
    for forget in declarations.get(PURGED):
        forget(doomed)
    return counts


def chunks(ids):
    """``ids`` sorted, in lists of at most ``CHUNK``."""
    return _chunks(ids)


def purge_history_files(model, ids, field_names):
    """Blank ``field_names`` (file fields) in every history row of the records ``ids`` of
    ``model`` and queue their files for removal: a strip keeps the record and its
    history but destroys the file and every trace of it."""
    history_model = _history_model(model)
    labels = [f"{model._meta.label_lower}.{name}" for name in field_names]
    names = set()
    managers = [model._base_manager]
    if history_model is not None:
        managers.append(history_model.objects)
    key = f"{model._meta.pk.attname}__any"
    for manager in managers:
        for row in manager.filter(**{key: list(ids)}).values_list(*field_names):
            names.update((label, name) for label, name in zip(labels, row, strict=True) if name)
    if history_model is not None:
        history_model.objects.filter(id__any=list(ids)).update(**dict.fromkeys(field_names, ""))
    file_deletions_queue(names)
    return names


def file_deletions_queue(names):
    """Record the files to remove and remove them once the transaction has committed."""
    if not names:
        return
    PendingFileDeletion.objects.bulk_create(
        PendingFileDeletion(field=field, name=name) for field, name in sorted(names)
    )
    transaction.on_commit(pending_files_remove)


def pending_files_remove():
    """Remove the files of disposed records from storage. Safe to run at any time and
    more than once: a file already gone is simply forgotten."""
    for pending in PendingFileDeletion.objects.order_by("pk"):
        storage = _storage_of(pending.field)
        if storage.exists(pending.name):
            storage.delete(pending.name)
        pending.delete()


def _storage_of(label):
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name).storage
