"""The audit trail: sign-ins, failed sign-ins, sign-outs, refusals, sensitive reads,
approvals and disposals are each recorded by ids and role only; the rows cannot be
changed or deleted on PostgreSQL; they outlive the accounts they mention; the manager
alone browses and filters them."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from centre.audit_views import EVENTS_PER_PAGE
from core import audit
from core.models import AuditEvent
from retention.models import QueueItem
from retention.services import _prove, disposal_approve
from safeguarding.access_log import Kind, record_access
from tests.conftest import PASSWORD
from tests.factories import DBSCheckFactory, StaffMemberFactory, pdf_file

Action = AuditEvent.Action
LOGIN = reverse("login")
AUDIT = reverse("centre:audit_list")


def only(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def test_a_sign_in_and_a_sign_out_are_recorded_with_role_and_address(client, staff):
    client.post(LOGIN, {"username": staff.email, "password": PASSWORD})
    event = only(Action.LOGIN)
    assert (event.user_id, event.role, event.ip_address) == (staff.pk, "staff", "127.0.0.1")
    client.post(reverse("logout"))
    assert only(Action.LOGOUT).user_id == staff.pk


def test_a_failed_sign_in_keeps_neither_the_password_nor_the_name_typed(client, staff):
    client.post(LOGIN, {"username": staff.email, "password": "not-the-password"})
    client.post(LOGIN, {"username": "nobody@example.test", "password": "guess"})
    events = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("pk")
    assert [event.user_id for event in events] == [staff.pk, None]
    for event in events:
        stored = " ".join(str(value) for value in vars(event).values())
        assert "not-the-password" not in stored and "example.test" not in stored
        assert event.ip_address == "127.0.0.1"


def test_a_refusal_is_recorded(client, staff):
    client.force_login(staff)
    assert client.get(AUDIT).status_code == 403
    event = only(Action.REFUSED)
    assert (event.user_id, event.role, event.kind) == (staff.pk, "staff", "centre:audit_list")
    assert event.detail == f"GET {AUDIT}"


def test_a_document_download_is_recorded_by_kind_and_id(client, manager):
    check = DBSCheckFactory(
        staff_member=StaffMemberFactory(), certificate_copy=pdf_file("certificate.pdf")
    )
    client.force_login(manager)
    response = client.get(reverse("centre:dbs_certificate_download", args=[check.pk]))
    assert response.status_code == 200
    event = only(Action.READ)
    assert (event.user_id, event.role, event.kind, event.object_id) == (
        manager.pk,
        "manager",
        "dbs-certificate",
        check.pk,
    )


def test_a_safeguarding_read_is_recorded(staff):
    record_access(user=staff, kind=Kind.INCIDENT, record_id=7)
    event = only(Action.READ)
    assert (event.user_id, event.kind, event.object_id) == (staff.pk, "safeguarding incident", 7)


def _queue_item(**fields):
    return QueueItem.objects.create(
        rule="dbs-certificate",
        kind="dbs-certificate",
        action="delete",
        record_type="centre.dbscheck",
        object_id=41,
        ref="DBS-41",
        due_on=datetime.date(2026, 1, 1),
        summary="A certificate copy",
        **fields,
    )


def test_an_approval_and_a_disposal_are_recorded(manager):
    _queue_item()
    assert disposal_approve(actor=manager) == 1
    approval = only(Action.APPROVAL)
    assert (approval.user_id, approval.role, approval.detail) == (
        manager.pk,
        "manager",
        "1 disposal(s)",
    )
    _prove(QueueItem.objects.get())
    disposal = only(Action.DISPOSAL)
    assert (disposal.kind, disposal.object_id) == ("centre.dbscheck", 41)


def test_rows_outlive_the_account_they_mention(client, manager, staff):
    audit.record(None, Action.READ, kind="document", object_id=3, user=staff)
    staff_id = staff.pk
    staff.delete()
    event = only(Action.READ)
    assert (event.user_id, event.role) == (staff_id, "staff")
    client.force_login(manager)
    response = client.get(AUDIT)
    assert "A former account opened" in response.content.decode()


def test_the_rows_of_a_deleted_account_are_still_found_by_its_id(manager, staff):
    audit.record(None, Action.READ, kind="document", object_id=3, user=staff)
    staff_id = staff.pk
    staff.delete()

    [event] = audit.audit_events(user_id=staff_id)

    assert (event.user_id, event.kind, event.object_id) == (staff_id, "document", 3)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")


def test_an_audit_row_cannot_be_changed_or_deleted(postgres, staff):
    event = audit.record(None, Action.LOGIN, user=staff)
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="changed"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: event.delete(),
    ]
    for sql in ("UPDATE centre_auditevent SET role = 'x'", "DELETE FROM centre_auditevent"):
        attempts.append(lambda sql=sql: connection.cursor().execute(sql))
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.detail, event.role) == ("", "staff")


@pytest.mark.parametrize("who", ["staff", "volunteer"])
def test_only_the_manager_may_browse_the_trail(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(AUDIT).status_code == 403


def test_the_manager_filters_by_action_user_dates_and_record(client, manager, staff):
    audit.record(None, Action.READ, kind="document", object_id=3, user=staff)
    audit.record(None, Action.READ, kind="document", object_id=4, user=manager)
    audit.record(None, Action.EXPORT, kind="cases", user=manager)
    client.force_login(manager)

    def shown(**params):
        return list(client.get(AUDIT, params).context["page"].object_list)

    today = timezone.localdate()
    assert len(shown()) == 4  # and the manager's own sign-in
    assert [e.object_id for e in shown(action="read")] == [4, 3]
    assert [e.object_id for e in shown(user=staff.pk)] == [3]
    assert [e.object_id for e in shown(kind="document", object_id=4)] == [4]
    assert len(shown(since=today, until=today)) == 4
    assert shown(since=today + datetime.timedelta(days=1)) == []
    assert len(shown(action="not-an-action")) == 4  # a bad filter filters nothing


def test_the_trail_is_paginated_and_its_queries_stay_flat(
    client, manager, staff, queries_stay_flat
):
    for number in range(3):
        audit.record(None, Action.READ, kind="document", object_id=number, user=staff)

    def add_more():
        AuditEvent.objects.bulk_create(
            AuditEvent(action=Action.READ, user_id=staff.pk, role="staff", object_id=n)
            for n in range(150)
        )

    client.force_login(manager)
    response = queries_stay_flat(AUDIT, add_more=add_more)
    assert len(response.context["page"].object_list) == EVENTS_PER_PAGE


def test_nonsense_filters_are_refused_plainly_not_a_server_error(client, manager):
    client.force_login(manager)

    for params in (
        {"since": "not-a-date"},
        {"until": "2026-02-30"},
        {"user": "abc"},
        {"object_id": "-1"},
        {"object_id": "99999999999999999999999"},
    ):
        response = client.get(AUDIT, params)
        assert response.status_code in (200, 400), params
