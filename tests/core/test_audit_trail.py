"""One audit trail in the base layer (issue 15): every read of sensitive data goes through
core.audit.sensitive_read, which leaves one READ row (the reader's id, the record's kind
and id) and one line on the ``handover.audit`` logger; safeguarding's "who opened it"
pages are those rows; and the trail, now core's, is still append-only."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import dateformat, timezone

from centre.roles import permissions_of
from core import audit
from core.models import AuditEvent

READ = AuditEvent.Action.READ


def _reads_during(fetch):
    """The READ rows written while ``fetch()`` runs, oldest first."""
    last = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    response = fetch()
    assert response.status_code == 200
    return list(AuditEvent.objects.filter(pk__gt=last, action=READ).order_by("pk"))


def _rows(events):
    return [(event.user_id, event.kind, event.object_id) for event in events]


def test_reading_a_case_leaves_one_read_row_with_the_reader_and_the_case(client, staff, world):
    client.force_login(staff)
    page = reverse("referrals:case_detail", args=[world.case.pk])

    reads = _reads_during(lambda: client.get(page))

    assert _rows(reads) == [(staff.pk, "case", world.case.pk)]
    assert reads[0].role == "staff"


def test_reading_a_safeguarding_incident_leaves_one_read_row(client, world):
    client.force_login(world.lead)
    page = reverse("safeguarding:incident_detail", args=[world.incident.pk])

    reads = _reads_during(lambda: client.get(page))

    assert _rows(reads) == [(world.lead.pk, "safeguarding incident", world.incident.pk)]


def test_reading_a_supervised_report_leaves_one_read_row(client, staff, world):
    client.force_login(staff)
    page = reverse("attendance:report_detail", args=[world.report.pk])

    reads = _reads_during(lambda: client.get(page))

    assert _rows(reads) == [(staff.pk, "supervised report", world.report.pk)]


def test_a_download_leaves_one_read_row_and_one_log_line(client, staff, world, caplog):
    client.force_login(staff)
    download = reverse("referrals:court_order_download", args=[world.case.pk])

    with caplog.at_level(logging.INFO, logger="handover.audit"):
        reads = _reads_during(lambda: client.get(download))

    assert _rows(reads) == [(staff.pk, "court-order", world.referral.pk)]
    lines = [record.getMessage() for record in caplog.records if record.name == "handover.audit"]
    assert lines == [f"file-download kind=court-order id={world.referral.pk} user={staff.pk}"]


def test_a_sensitive_read_is_one_row_and_one_line_naming_ids_only(staff, caplog):
    with caplog.at_level(logging.INFO, logger="handover.audit"):
        event = audit.sensitive_read(
            None, "case", 41, line="case-view case={id} user={user}", user=staff
        )

    assert (event.action, event.user_id) == (READ, staff.pk)
    assert (event.kind, event.object_id) == ("case", 41)
    assert AuditEvent.objects.filter(action=READ).count() == 1
    assert [record.getMessage() for record in caplog.records] == [
        f"case-view case=41 user={staff.pk}"
    ]


def test_who_opened_an_incident_is_read_from_the_audit_rows(client, manager, world):
    client.force_login(world.lead)
    client.get(reverse("safeguarding:incident_detail", args=[world.incident.pk]))
    openings = AuditEvent.objects.filter(
        action=READ, kind="safeguarding incident", object_id=world.incident.pk
    )
    client.force_login(manager)

    page = client.get(
        reverse("safeguarding:access_log_record", args=["incident", world.incident.pk])
    ).text

    assert openings.count() == 2  # the world's own opening, and this one
    for event in openings:
        assert world.lead.full_name in page
        assert dateformat.format(timezone.localtime(event.at), "j F Y H:i:s") in page
    assert page.count(world.lead.full_name) == 2


def test_the_manager_reads_the_trail_and_the_access_log_through_cores_permission(manager):
    assert "core.view_auditevent" in permissions_of("manager")
    assert manager.has_perm("core.view_auditevent")


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")


def test_the_trail_keeps_its_table_and_stays_append_only_after_the_move(postgres, staff):
    assert AuditEvent._meta.db_table == "centre_auditevent"
    event = audit.record(None, AuditEvent.Action.LOGIN, user=staff)
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="changed"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute("UPDATE centre_auditevent SET role = 'x'"),
        lambda: connection.cursor().execute("DELETE FROM centre_auditevent"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.detail, event.role) == ("", "staff")
    assert audit.record(None, AuditEvent.Action.LOGOUT, user=staff).pk > event.pk
