"""The access log: who opened which safeguarding record and when, by kind and id only,
for the manager's eyes alone, and outliving the account that did the opening. Its rows
are the audit trail's safeguarding reads."""

import re

import pytest
from django.urls import reverse

from centre.roles import Role
from core.models import AuditEvent
from safeguarding.access_log import Kind, record_access
from tests.conftest import _person


@pytest.fixture
def lead(db):
    return _person("dee.lead@example.test", "Dee Lomax", Role.STAFF, is_safeguarding_lead=True)


def _record_url(kind="incident", record_id=7):
    return reverse("safeguarding:access_log_record", args=[kind, record_id])


def test_it_records_who_opened_which_record(lead):
    row = record_access(user=lead, kind=Kind.INCIDENT, record_id=7)
    assert (row.action, row.user, row.user_id, row.kind, row.object_id) == (
        AuditEvent.Action.READ,
        lead,
        lead.pk,
        "safeguarding incident",
        7,
    )
    assert row.at is not None


@pytest.mark.parametrize("who", ["lead", "staff", "volunteer"])
def test_only_the_manager_may_read_the_log(client, request, who):
    user = request.getfixturevalue(who)
    record_access(user=user, kind=Kind.INCIDENT, record_id=7)
    client.force_login(user)
    assert client.get(_record_url()).status_code == 403
    assert client.get(reverse("safeguarding:access_log_user", args=[user.pk])).status_code == 403


def test_the_manager_reads_the_log_per_record(client, manager, lead, staff):
    record_access(user=lead, kind=Kind.INCIDENT, record_id=7)
    record_access(user=manager, kind=Kind.INCIDENT, record_id=7)
    record_access(user=staff, kind=Kind.INCIDENT, record_id=8)
    record_access(user=staff, kind=Kind.ACCIDENT, record_id=7)
    client.force_login(manager)
    text = client.get(_record_url()).text
    assert "Dee Lomax" in text and "Alice Mercer" in text
    assert "Bob Stanton" not in text


def test_the_manager_reads_the_log_per_user(client, manager, lead):
    record_access(user=lead, kind=Kind.INCIDENT, record_id=7)
    record_access(user=lead, kind=Kind.ACCIDENT, record_id=3)
    record_access(user=manager, kind=Kind.INCIDENT, record_id=9)
    client.force_login(manager)
    response = client.get(reverse("safeguarding:access_log_user", args=[lead.pk]))
    assert response.status_code == 200
    assert set(re.findall(r"/access-log/records/(\w+)/(\d+)/", response.text)) == {
        ("incident", "7"),
        ("accident", "3"),
    }


def test_the_log_outlives_the_account(client, manager, staff):
    record_access(user=staff, kind=Kind.INCIDENT, record_id=7)
    staff_pk = staff.pk
    staff.delete()
    row = AuditEvent.objects.select_related("user").get(kind="safeguarding incident")
    assert (row.user, row.user_id) == (None, staff_pk)
    client.force_login(manager)
    response = client.get(reverse("safeguarding:access_log_user", args=[staff_pk]))
    assert response.status_code == 200
    assert f"User {staff_pk} (account deleted)" in response.text


def test_an_unknown_kind_or_user_is_404(client, manager):
    client.force_login(manager)
    assert client.get(_record_url(kind="case")).status_code == 404
    assert client.get(reverse("safeguarding:access_log_user", args=[999])).status_code == 404


def test_the_log_pages_cost_the_same_however_long_the_log(
    client, manager, lead, staff, queries_stay_flat
):
    record_access(user=lead, kind=Kind.INCIDENT, record_id=7)
    client.force_login(manager)

    def add_more():
        for _ in range(5):
            record_access(user=staff, kind=Kind.INCIDENT, record_id=7)

    queries_stay_flat(_record_url(), add_more=add_more)
    queries_stay_flat(
        reverse("safeguarding:access_log_user", args=[lead.pk]),
        add_more=lambda: [
            record_access(user=lead, kind=Kind.CONCERN, record_id=n) for n in range(5)
        ],
    )
