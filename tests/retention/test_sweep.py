"""The flagging sweep: it flags each due record once, takes out of the queue what is no
longer due or has become held, leaves postponed items alone until their date, tells the
managers (counts only) when something new arrived, and never runs twice at once. The
manager's approval is recorded with their name; the sweep runs at 02:00 London time."""

import datetime
import threading

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from centre.roles import Role
from centre.services import user_create
from privacy_requests.models import PrivacyRequest
from referrals.models import Adult, Case, Referral
from referrals.services import case_close
from retention import tasks
from retention.models import DisposalRecord, QueueItem, SweepLock
from retention.services import (
    SweepAlreadyRunning,
    disposal_approve,
    disposal_postpone,
    retention_sweep,
)
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.conftest import PASSWORD
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory
from tests.retention.factories import disposal_proof

NOW = datetime.datetime(2026, 11, 29, 12, 0)
TODAY = NOW.date()
SELF = {"source": Referral.Source.SELF, "service": Referral.Service.SUPPORTED}
COURT = {"source": Referral.Source.CAFCASS, "service": Referral.Service.SUPERVISED}


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def closed_case(closed_on, *, referral=SELF, **people):
    """A case closed on ``closed_on`` with a resident parent and a child."""
    case = CaseFactory(
        **{f"referral__{name}": value for name, value in referral.items()},
        referral__received_on=closed_on - datetime.timedelta(days=120),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT, **people.get("adult", {}))
    ChildFactory(case=case, **people.get("child", {}))
    return case_close(case=case, closed_on=closed_on, reason="Fictional: moved away.", actor=None)


def queue_keys():
    return set(QueueItem.objects.values_list("record_type", "object_id", "action"))


def legal_hold(actor, **scope):
    return hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.POLICE_REQUEST,
            reason="Fictional: the police asked the centre to keep the file.",
            review_on=TODAY + datetime.timedelta(days=30),
            **scope,
        ),
        actor=actor,
    )


# Flagging once.


@pytest.mark.usefixtures("_frozen")
def test_the_sweep_flags_each_due_record_once_and_a_second_run_adds_nothing(db):
    due_self = closed_case(datetime.date(2025, 10, 1))  # due 2026-10-01
    due_court = closed_case(datetime.date(2023, 10, 1), referral=COURT)  # due 2026-10-01
    closed_case(datetime.date(2026, 6, 1))  # due 2027-06-01
    closed_case(datetime.date(2025, 10, 1), referral=COURT)  # due 2028-10-01
    CaseFactory()  # open: no clock yet

    first = retention_sweep()

    assert first["flagged"] == 2 and first["withdrawn"] == 0 and first["queued"] == 2
    items = {item.object_id: item for item in QueueItem.objects.all()}
    assert set(items) == {due_self.pk, due_court.pk}
    assert items[due_self.pk].rule == "contact-self"
    assert items[due_court.pk].rule == "contact-court"
    for case in (due_self, due_court):
        item = items[case.pk]
        assert (item.kind, item.action, item.record_type) == ("case", "dispose", "referrals.case")
        assert item.ref == case.reference
        assert item.due_on == datetime.date(2026, 10, 1)
        assert item.status == QueueItem.Status.DUE
    rows_before = list(QueueItem.objects.order_by("pk").values())

    second = retention_sweep()

    assert second["flagged"] == 0 and second["withdrawn"] == 0 and second["queued"] == 2
    assert list(QueueItem.objects.order_by("pk").values()) == rows_before
    lock = SweepLock.objects.get(name="sweep")
    assert lock.last_as_of == TODAY


@pytest.mark.usefixtures("_frozen")
def test_the_sweep_as_of_a_later_day_flags_what_falls_due_by_then(db):
    case = closed_case(datetime.date(2026, 6, 1))

    assert retention_sweep()["flagged"] == 0
    assert retention_sweep(as_of=datetime.date(2027, 5, 31))["flagged"] == 0
    assert retention_sweep(as_of=datetime.date(2027, 6, 1))["flagged"] == 1
    assert queue_keys() == {("referrals.case", case.pk, "dispose")}


# Leaving the queue.


def _hold_on_case(case, manager):
    legal_hold(manager, case=case)


def _hold_on_adult(case, manager):
    legal_hold(manager, adult=case.adults.get())


def _privacy_request_about_adult(case, manager):
    from centre.services import record_save

    record_save(
        record=PrivacyRequest(
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.EMAIL,
            received_on=TODAY,
            subject_adult=case.adults.get(),
        )
    )


def _reopened(case, manager):
    Case.objects.filter(pk=case.pk).update(closed_on=None, status=Case.Status.ACTIVE)


@pytest.mark.usefixtures("_frozen")
@pytest.mark.parametrize(
    "change", [_hold_on_case, _hold_on_adult, _privacy_request_about_adult, _reopened]
)
@pytest.mark.parametrize("approved", [False, True], ids=["awaiting", "approved"])
def test_a_record_held_or_no_longer_due_leaves_the_queue_on_the_next_sweep(
    manager, change, approved
):
    changed = closed_case(datetime.date(2025, 10, 1))
    other = closed_case(datetime.date(2025, 9, 1))
    retention_sweep()
    assert QueueItem.objects.count() == 2
    if approved:
        assert disposal_approve(actor=manager) == 2

    change(changed, manager)
    counts = retention_sweep()

    assert counts["withdrawn"] == 1 and counts["flagged"] == 0 and counts["queued"] == 1
    assert queue_keys() == {("referrals.case", other.pk, "dispose")}
    assert Case.objects.filter(pk=changed.pk).exists()


@pytest.mark.usefixtures("_frozen")
def test_a_lifted_hold_lets_the_record_back_into_the_queue(manager):
    from safeguarding.holds import hold_lift

    case = closed_case(datetime.date(2025, 10, 1))
    hold = legal_hold(manager, case=case)
    assert retention_sweep()["flagged"] == 0

    hold_lift(hold=hold, reason="Fictional: the police no longer need it.", actor=manager)

    assert retention_sweep()["flagged"] == 1
    assert queue_keys() == {("referrals.case", case.pk, "dispose")}


# Postponing.


@pytest.mark.usefixtures("_frozen")
def test_a_postponed_item_stays_until_its_date_then_awaits_a_decision_again(manager):
    case = closed_case(datetime.date(2025, 10, 1))
    retention_sweep()
    item = QueueItem.objects.get()
    until = TODAY + datetime.timedelta(days=30)

    disposal_postpone(
        item=item, until=until, reason="Fictional: the family may return.", actor=manager
    )

    item.refresh_from_db()
    assert item.status == QueueItem.Status.POSTPONED
    assert item.postponed_until == until
    assert item.postpone_reason == "Fictional: the family may return."
    assert item.decided_by == manager and item.decided_by_name == "Alice Mercer"
    assert not QueueItem.objects.awaiting_decision().exists()
    assert list(QueueItem.objects.postponed()) == [item]
    # The next sweep keeps it, postponed; approving everything does not reach it.
    counts = retention_sweep()
    assert counts["flagged"] == 0 and counts["withdrawn"] == 0
    item.refresh_from_db()
    assert item.status == QueueItem.Status.POSTPONED
    assert disposal_approve(actor=manager) == 0

    with time_machine.travel(datetime.datetime.combine(until, datetime.time(9)), tick=False):
        assert list(QueueItem.objects.awaiting_decision()) == [item]
        assert not QueueItem.objects.postponed().exists()
        retention_sweep()
        assert QueueItem.objects.get().pk == item.pk
        assert disposal_approve(actor=manager) == 1
    item.refresh_from_db()
    assert item.status == QueueItem.Status.APPROVED
    assert item.postponed_until is None and item.postpone_reason == ""
    assert item.object_id == case.pk


@pytest.mark.usefixtures("_frozen")
@pytest.mark.parametrize(
    ("until", "reason", "field"),
    [
        (TODAY + datetime.timedelta(days=30), "   ", "reason"),
        (TODAY + datetime.timedelta(days=30), "", "reason"),
        (TODAY, "Fictional: waiting for a letter.", "until"),
        (TODAY - datetime.timedelta(days=1), "Fictional: waiting for a letter.", "until"),
        (None, "Fictional: waiting for a letter.", "until"),
    ],
)
def test_postponing_needs_a_reason_and_a_future_date_and_nothing_changes(
    manager, until, reason, field
):
    closed_case(datetime.date(2025, 10, 1))
    retention_sweep()
    item = QueueItem.objects.get()
    before = QueueItem.objects.filter(pk=item.pk).values().get()

    with pytest.raises(ValidationError) as error:
        disposal_postpone(item=item, until=until, reason=reason, actor=manager)

    assert field in error.value.message_dict
    assert QueueItem.objects.filter(pk=item.pk).values().get() == before


@pytest.mark.usefixtures("_frozen")
def test_an_approved_item_cannot_be_postponed(manager):
    closed_case(datetime.date(2025, 10, 1))
    retention_sweep()
    disposal_approve(actor=manager)
    item = QueueItem.objects.get()

    with pytest.raises(ValidationError):
        disposal_postpone(
            item=item,
            until=TODAY + datetime.timedelta(days=9),
            reason="Fictional: second thoughts.",
            actor=manager,
        )

    item.refresh_from_db()
    assert item.status == QueueItem.Status.APPROVED and item.postponed_until is None


# The managers' e-mail.


@pytest.mark.usefixtures("_frozen")
def test_each_active_manager_gets_one_email_with_counts_only_when_new_items_arrive(
    manager, staff, mailoutbox, django_capture_on_commit_callbacks
):
    second = user_create(
        email="erin.manager@example.test",
        full_name="Erin Marsh",
        role=Role.MANAGER,
        password=PASSWORD,
    )
    retired = user_create(
        email="gus.former@example.test",
        full_name="Gus Former",
        role=Role.MANAGER,
        password=PASSWORD,
    )
    retired.is_active = False
    retired.save()
    cases = [
        closed_case(
            datetime.date(2025, 10, 1),
            adult={
                "first_name": "Zephyrine",
                "last_name": "Quillfeather",
                "date_of_birth": datetime.date(1983, 4, 17),
            },
            child={
                "first_name": "Marigold",
                "last_name": "Quillfeather",
                "date_of_birth": datetime.date(2017, 10, 23),
            },
        ),
        closed_case(datetime.date(2025, 9, 1)),
        closed_case(datetime.date(2023, 9, 1), referral=COURT),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        retention_sweep()

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([manager.email, second.email])
    assert all(len(mail.to) == 1 for mail in mailoutbox)
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "Records are due for disposal"
    assert "3 new" in body
    assert "Self-referred supported contact: 2" in body
    assert "Contact with a court order or Cafcass involvement: 1" in body
    forbidden = [
        "Zephyrine",
        "Quillfeather",
        "Marigold",
        "17/04/1983",
        "1983-04-17",
        "23/10/2017",
        "2017-10-23",
    ]
    for case in cases:
        forbidden.append(case.reference)
        for person in [*case.adults.all(), *case.children.all()]:
            forbidden += [person.first_name, person.last_name, f"{person.date_of_birth:%d/%m/%Y}"]
    for mail in mailoutbox:
        text = f"{mail.subject}\n{mail.body}"
        assert [word for word in forbidden if word in text] == []

    # Nothing new: no e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        retention_sweep()
    assert len(mailoutbox) == 2

    # One more due record: one more e-mail each, counting only the new one.
    closed_case(datetime.date(2025, 8, 1))
    with django_capture_on_commit_callbacks(execute=True):
        retention_sweep()
    assert len(mailoutbox) == 4
    assert "1 new" in mailoutbox[-1].body


@pytest.mark.usefixtures("_frozen")
def test_no_email_when_the_sweep_finds_nothing(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    closed_case(datetime.date(2026, 6, 1))

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_sweep()

    assert counts["flagged"] == 0
    assert mailoutbox == []


# One sweep at a time.


def test_only_one_sweep_runs_at_a_time(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    SweepLock.objects.get_or_create(name="sweep")
    locked, release, failures = threading.Event(), threading.Event(), []

    def hold_the_lock():
        try:
            with transaction.atomic():
                SweepLock.objects.select_for_update().get(name="sweep")
                locked.set()
                release.wait(timeout=30)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            locked.set()
            connection.close()

    results = {}

    def sweep_meanwhile():
        try:
            try:
                retention_sweep()
                results["service"] = "ran"
            except SweepAlreadyRunning:
                results["service"] = "refused"
            results["task"] = tasks.sweep()
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        other = threading.Thread(target=sweep_meanwhile)
        other.start()
        other.join(timeout=30)
    finally:
        release.set()
        holder.join(timeout=30)

    assert failures == []
    assert results == {"service": "refused", "task": None}
    # Once the lock is free, the sweep runs.
    assert retention_sweep()["flagged"] == 0
    assert tasks.sweep()["flagged"] == 0


# Approval.


@pytest.mark.usefixtures("_frozen")
def test_approval_is_recorded_with_the_managers_name_by_group_and_by_item(manager):
    self_one = closed_case(datetime.date(2025, 10, 1))
    self_two = closed_case(datetime.date(2025, 9, 1))
    court = closed_case(datetime.date(2023, 9, 1), referral=COURT)
    retention_sweep()
    by_case = {item.object_id: item for item in QueueItem.objects.all()}

    assert disposal_approve(actor=manager, rule="contact-court") == 1

    item = QueueItem.objects.get(pk=by_case[court.pk].pk)
    assert item.status == QueueItem.Status.APPROVED
    assert item.decided_by == manager
    assert item.decided_by_name == "Alice Mercer"
    assert item.decided_at == datetime.datetime.now(datetime.UTC)
    others = QueueItem.objects.exclude(pk=item.pk)
    assert set(others.values_list("status", flat=True)) == {QueueItem.Status.DUE}
    assert set(others.values_list("decided_by", flat=True)) == {None}

    chosen = QueueItem.objects.filter(pk=by_case[self_two.pk].pk)
    assert disposal_approve(actor=manager, items=chosen) == 1
    assert QueueItem.objects.get(pk=by_case[self_two.pk].pk).status == QueueItem.Status.APPROVED
    assert QueueItem.objects.get(pk=by_case[self_one.pk].pk).status == QueueItem.Status.DUE

    # Approving again what is approved already approves nothing more.
    assert disposal_approve(actor=manager, rule="contact-court") == 0
    assert disposal_approve(actor=manager) == 1
    assert set(QueueItem.objects.values_list("status", flat=True)) == {QueueItem.Status.APPROVED}


@pytest.mark.usefixtures("_frozen")
def test_approving_items_of_another_group_with_a_rule_approves_nothing(manager):
    court = closed_case(datetime.date(2023, 9, 1), referral=COURT)
    closed_case(datetime.date(2025, 10, 1))
    retention_sweep()

    chosen = QueueItem.objects.filter(object_id=court.pk)
    assert disposal_approve(actor=manager, items=chosen, rule="contact-self") == 0
    assert not QueueItem.objects.approved().exists()


# The schedule.


def test_the_sweep_leaves_proofs_past_seven_years_to_the_nightly_expiry(db):
    """The application's database role may not delete a proof: the nightly expiry does,
    through a database function (tests/core/test_database_role.py crosses its day)."""
    proof = disposal_proof(timezone.make_aware(datetime.datetime(2019, 3, 15, 9)))

    retention_sweep(as_of=datetime.date(2099, 1, 1))
    assert DisposalRecord.objects.filter(pk=proof.pk).exists()


def test_the_sweep_runs_at_two_in_the_morning_london_time():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "retention.tasks.sweep"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] == crontab(hour=2, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/London"
    assert "sweep" in tasks.sweep.name
