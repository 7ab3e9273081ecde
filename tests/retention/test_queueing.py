"""An approval asks a worker to dispose once it is committed, and the tasks module is the
only one of the two that imports the other: services never import tasks."""

import ast
import datetime
from pathlib import Path

import time_machine

import retention.services
from retention.services import disposal_approve, retention_sweep
from tests.test_faults import due_case


def test_it_queues_the_disposal_once_the_approval_is_committed(
    manager, django_capture_on_commit_callbacks
):
    queued = []
    with time_machine.travel(datetime.datetime(2030, 1, 6, 12, 0), tick=False):
        due_case()
        retention_sweep()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            approved = disposal_approve(actor=manager, queue_disposal=lambda: queued.append(1))
        assert approved == 1
        assert queued == []  # not before the commit
        for callback in callbacks:
            callback()
    assert queued == [1]


def test_it_queues_nothing_when_nothing_was_approved(manager, django_capture_on_commit_callbacks):
    queued = []
    with django_capture_on_commit_callbacks(execute=True):
        approved = disposal_approve(actor=manager, queue_disposal=lambda: queued.append(1))
    assert (approved, queued) == (0, [])


def test_the_services_do_not_import_the_tasks():
    tree = ast.parse(Path(retention.services.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add(("." * node.level) + (node.module or ""))
            imported.update(f"{'.' * node.level}{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {".tasks", "retention.tasks", ".tasks.dispose_approved"} & imported
    assert "tasks" not in {name.rsplit(".", 1)[-1] for name in imported}
