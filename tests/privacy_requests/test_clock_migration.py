"""Migration 0005 turns the old clock's paused days into clarification pauses: rebuilt
from the request's history where it tells the dates, one pause keeping the old deadline
where it does not, an open pause left open. Every request is fictional."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

D = datetime.date
BEFORE = [("privacy_requests", "0004_subjects_clock_portability")]
AFTER = [("privacy_requests", "0005_clarification_pauses_replace_paused_days")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def _request(apps, *, received_on, paused_days, paused_since, status):
    PrivacyRequest = apps.get_model("privacy_requests", "PrivacyRequest")
    return PrivacyRequest.objects.create(
        right="access",
        channel="email",
        received_on=received_on,
        status=status,
        paused_days=paused_days,
        paused_since=paused_since,
        due_on=received_on,
        subject_name="A person named by the requester",
    )


def _history(apps, request, when, *, paused_days, paused_since, reason=None):
    History = apps.get_model("privacy_requests", "HistoricalPrivacyRequest")
    History.objects.create(
        id=request.pk,
        right="access",
        channel="email",
        received_on=request.received_on,
        status=request.status,
        paused_days=paused_days,
        paused_since=paused_since,
        subject_name=request.subject_name,
        logged_at=timezone.now(),
        history_date=datetime.datetime(*when, 10, tzinfo=datetime.UTC),
        history_type="~",
        history_change_reason=reason,
    )


def test_paused_days_become_clarification_pauses(old_apps):
    # Asked 1 December, answered 3 December (two days on the old clock), then asked again
    # on 5 December and not yet answered.
    rebuilt = _request(
        old_apps,
        received_on=D(2026, 11, 10),
        paused_days=2,
        paused_since=D(2026, 12, 5),
        status="awaiting",
    )
    _history(old_apps, rebuilt, (2026, 11, 10), paused_days=0, paused_since=None)
    _history(
        old_apps,
        rebuilt,
        (2026, 12, 1),
        paused_days=0,
        paused_since=D(2026, 12, 1),
        reason="Which years?",
    )
    _history(old_apps, rebuilt, (2026, 12, 3), paused_days=2, paused_since=None)
    _history(
        old_apps,
        rebuilt,
        (2026, 12, 5),
        paused_days=2,
        paused_since=D(2026, 12, 5),
        reason="Which sessions?",
    )
    # Four days paused, and no history that tells when.
    untold = _request(
        old_apps,
        received_on=D(2026, 11, 10),
        paused_days=4,
        paused_since=None,
        status="in_progress",
    )
    untouched = _request(
        old_apps, received_on=D(2026, 11, 10), paused_days=0, paused_since=None, status="received"
    )

    new_apps = migrate(AFTER)
    PrivacyRequest = new_apps.get_model("privacy_requests", "PrivacyRequest")
    Pause = new_apps.get_model("privacy_requests", "ClarificationPause")

    def pauses(request):
        return list(
            Pause.objects.filter(request_id=request.pk)
            .order_by("asked_on")
            .values_list("asked_on", "answered_on", "asked_for")
        )

    assert pauses(rebuilt) == [
        (D(2026, 12, 1), D(2026, 12, 3), "Which years?"),
        (D(2026, 12, 5), None, "Which sessions?"),
    ]
    # 1 to 3 December, both included: Sunday 13 December, so Monday 14.
    assert PrivacyRequest.objects.get(pk=rebuilt.pk).due_on == D(2026, 12, 14)
    [(asked_on, answered_on, asked_for)] = pauses(untold)
    assert (asked_on, answered_on) == (D(2026, 11, 10), D(2026, 11, 13))
    assert "not recorded" in asked_for
    # The old deadline stands: 10 December and four days.
    assert PrivacyRequest.objects.get(pk=untold.pk).due_on == D(2026, 12, 14)
    assert pauses(untouched) == []
    assert not hasattr(PrivacyRequest.objects.get(pk=untouched.pk), "paused_days")
