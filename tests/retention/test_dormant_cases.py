"""Dormant cases (issue 16): an open case with nothing recorded on it for the dormant-case
rule's period (twelve months unless the manager changes it) comes to the disposal queue
as a review. Approving it closes the case, whose own rule's clock then starts; postponing
it keeps the case open until the date given. Every name and date is invented.

The clock is the day of the last thing recorded on the case, so the tests make records
at chosen moments (``time_machine``) and cross the boundary day each time."""

import datetime
import json
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import ContactSession, SupervisedReport, Tap
from attendance.report_services import report_create
from centre.services import record_save
from referrals.declarations import CASE_RETAINED, DORMANT_CASE_RETAINED
from referrals.models import Adult, Case, StatusChange
from referrals.services import (
    case_accept,
    case_activate,
    case_close,
    case_decline,
    case_start_pre_visits,
    referral_update,
)
from retention import engine
from retention.models import DisposalRecord, QueueItem, Rule
from retention.services import (
    disposal_approve,
    disposal_postpone,
    dispose_approved,
    retention_sweep,
)
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.referrals.factories import (
    AdultFactory,
    CaseDocumentFactory,
    CaseFactory,
    ChildFactory,
    CommunicationFactory,
    ConsentFactory,
    PreVisitFactory,
    ProtectiveOrderFactory,
    family_case,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = datetime.date
DAY = datetime.timedelta(days=1)
# The case is opened on START; something is recorded on it on LATER.
START = datetime.datetime(2027, 1, 11, 10, 0, tzinfo=LONDON)
LATER = datetime.datetime(2027, 5, 20, 15, 30, tzinfo=LONDON)
DUE = D(2028, 1, 11)  # twelve months after START
DUE_LATER = D(2028, 5, 20)  # twelve months after LATER


def at(moment):
    return time_machine.travel(moment, tick=False)


def dormant(as_of):
    """``{case id: finding}`` of the dormant-case rule by ``as_of``, held or not."""
    return {
        finding.object_id: finding
        for finding in engine.assess(as_of, retainables=[DORMANT_CASE_RETAINED])
    }


def contact_due(as_of):
    return {
        finding.object_id
        for finding in engine.assess(as_of, retainables=list(CASE_RETAINED))
        if not finding.is_held
    }


def opened(**referral):
    with at(START):
        return CaseFactory(
            referral__received_on=D(2027, 1, 4),
            **{f"referral__{name}": value for name, value in referral.items()},
        )


# The boundary day ------------------------------------------------------------------------


def _to_status(case, status, manager):
    if status == Case.Status.RECEIVED:
        return case
    case = case_accept(case=case, actor=manager)
    if status == Case.Status.ACCEPTED:
        return case
    case = case_start_pre_visits(case=case, actor=manager)
    if status == Case.Status.PRE_VISITS:
        return case
    for role in (Adult.Role.RESIDENT, Adult.Role.VISITING):
        PreVisitFactory(
            case=case,
            adult=AdultFactory(case=case, role=role),
            visited_on=D(2027, 1, 8),
            ground_rules_agreed_on=D(2027, 1, 8),
        )
    ChildFactory(case=case)
    return case_activate(case=case, actor=manager)


@pytest.mark.parametrize("status", ["received", "accepted", "pre_visits", "active"])
def test_an_open_case_is_due_for_review_twelve_months_after_the_last_thing_recorded(
    db, manager, status
):
    with at(START):
        case = _to_status(CaseFactory(referral__received_on=D(2027, 1, 4)), status, manager)
    assert case.status == status

    assert case.pk not in dormant(DUE - DAY)
    finding = dormant(DUE)[case.pk]
    assert finding.due_on == DUE
    assert (finding.rule, finding.kind, finding.action) == ("dormant-case", "case", "review")
    label = Case.Status(status).label.lower()
    assert finding.summary == f"Open case (status {label}) with nothing recorded since 11/01/2027"


def test_the_summary_names_no_one(db):
    case = opened()
    with at(START):
        AdultFactory(case=case, first_name="Peregrine", last_name="Wolstenholme")
    summary = dormant(DUE)[case.pk].summary
    assert "Peregrine" not in summary and "Wolstenholme" not in summary
    assert case.reference not in summary


# Each kind of activity moves the clock ----------------------------------------------------


def _status_change(case, manager):
    case_accept(case=case, actor=manager)


def _referral_edited(case, manager):
    referral = case.referral
    referral.notes = "Fictional: the referrer sent the court's directions."
    referral_update(referral=referral, actor=manager)


def _case_edited(case, manager):
    case.former_reference = "FIC-OLD-7"
    record_save(record=case, actor=manager)


def _adult_added(case, manager):
    AdultFactory(case=case, role=Adult.Role.VISITING)


def _adult_edited(case, manager):
    adult = case.adults.get()
    adult.phone = "07700 900123"
    record_save(record=adult, actor=manager)


def _child_added(case, manager):
    ChildFactory(case=case)


def _protective_order(case, manager):
    ProtectiveOrderFactory(case=case)


def _pre_visit(case, manager):
    PreVisitFactory(case=case, adult=case.adults.get(), visited_on=D(2027, 5, 20))


def _consent(case, manager):
    ConsentFactory(case=case, given_by=case.adults.get(), given_on=D(2027, 5, 20))


def _communication(case, manager):
    CommunicationFactory(case=case, occurred_on=D(2027, 5, 19))


def _document(case, manager):
    CaseDocumentFactory(case=case)


def _booking(case, manager):
    BookingFactory(case=case, session=ContactSessionFactory(date=D(2027, 5, 15)))


def _attendance_marked(case, manager):
    booking = case.bookings.get()
    booking.status = booking.Status.ATTENDED
    record_save(record=booking, actor=manager)


def _tap(case, manager):
    TapFactory(booking=case.bookings.get(), kind=Tap.Kind.RESIDENT_ARRIVED)


def _report_written(case, manager):
    report = SupervisedReport(
        booking=case.bookings.get(),
        who_attended="The visiting parent, the child and the supervisor.",
        started_at=datetime.time(10, 0),
        ended_at=datetime.time(11, 45),
        observations="Fictional: they played a board game together.",
    )
    report_create(report=report, actor=manager)


ACTIVITIES = [
    _status_change,
    _referral_edited,
    _case_edited,
    _adult_added,
    _adult_edited,
    _child_added,
    _protective_order,
    _pre_visit,
    _consent,
    _communication,
    _document,
    _booking,
    _attendance_marked,
    _tap,
    _report_written,
]
# What must be on the case before LATER for the activity to be made then.
NEEDS_A_BOOKING = {_attendance_marked, _tap, _report_written}


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda activity: activity.__name__[1:])
def test_each_kind_of_activity_starts_the_clock_again(db, manager, activity):
    with at(START):
        case = CaseFactory(referral__received_on=D(2027, 1, 4))
        AdultFactory(case=case, role=Adult.Role.RESIDENT)
        if activity in NEEDS_A_BOOKING:
            session = ContactSessionFactory(
                date=D(2027, 1, 9), kind=ContactSession.Kind.SUPERVISED, capacity=1
            )
            BookingFactory(case=case, session=session)
    assert case.pk in dormant(DUE)
    with at(LATER):
        activity(Case.objects.get(pk=case.pk), manager)

    assert case.pk not in dormant(DUE)
    assert case.pk not in dormant(DUE_LATER - DAY)
    assert dormant(DUE_LATER)[case.pk].due_on == DUE_LATER


def test_a_session_booked_ahead_keeps_the_case_out_of_review_until_a_year_after_it(db):
    case = opened()
    with at(START):
        BookingFactory(case=case, session=ContactSessionFactory(date=D(2027, 5, 20)))
    assert case.pk not in dormant(DUE_LATER - DAY)
    assert case.pk in dormant(DUE_LATER)


# Closed and declined cases ------------------------------------------------------------------


def test_a_closed_or_declined_case_is_never_listed_as_dormant(db, manager):
    closed, declined, still_open = opened(), opened(), opened()
    with at(START):
        case_close(case=closed, closed_on=D(2027, 1, 11), reason="Fictional: moved.", actor=None)
        case_decline(case=declined, reason="Fictional: out of area.", actor=manager)

    far = dormant(D(2099, 1, 1))
    assert still_open.pk in far
    assert closed.pk not in far
    assert declined.pk not in far


# Holds -----------------------------------------------------------------------------------


def test_a_held_case_is_listed_as_held_and_not_queued(db, manager):
    case = opened()
    hold_place(
        hold=Hold(
            case=case,
            legal_basis=Hold.LegalBasis.POLICE_REQUEST,
            reason="Fictional: the police asked the centre to keep the file.",
            review_on=D(2099, 1, 1),
        ),
        actor=manager,
    )

    assert dormant(DUE)[case.pk].holds == ("legal",)
    assert retention_sweep(as_of=DUE)["flagged"] == 0
    assert not QueueItem.objects.filter(object_id=case.pk, rule="dormant-case").exists()


# The review: closing the case, or keeping it open ------------------------------------------


def test_approving_the_review_closes_the_case_and_starts_its_own_clock(db, manager):
    case = opened(source="self", service="supported")
    assert case.retention_rule == "contact-self"
    retention_sweep(as_of=DUE)
    item = QueueItem.objects.get(object_id=case.pk, rule="dormant-case")
    assert (item.action, item.kind, item.due_on) == ("review", "case", DUE)

    with at(datetime.datetime(2028, 1, 11, 9, 0, tzinfo=LONDON)):
        disposal_approve(actor=manager, items=QueueItem.objects.filter(pk=item.pk))
        assert dispose_approved() == {"disposed": 1, "withdrawn": 0, "failed": 0}

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closed_on == DUE
    change = case.status_changes.order_by("-changed_at", "-pk").first()
    assert (change.from_status, change.to_status) == ("received", "closed")
    assert change.reason.startswith("Closed as dormant after review")
    proof = DisposalRecord.objects.get(object_id=case.pk, rule="dormant-case")
    assert (proof.action, proof.approved_by_name) == ("review", manager.full_name)
    assert not QueueItem.objects.filter(object_id=case.pk).exists()

    # It is closed now: never dormant again, and its own rule (one year) counts from today.
    assert case.pk not in dormant(D(2099, 1, 1))
    assert case.pk not in contact_due(D(2029, 1, 10))
    assert case.pk in contact_due(D(2029, 1, 11))


def test_a_case_with_something_recorded_after_approval_is_left_open(db, manager):
    case = opened()
    retention_sweep(as_of=DUE)
    item = QueueItem.objects.get(object_id=case.pk, rule="dormant-case")
    with at(datetime.datetime(2028, 1, 11, 9, 0, tzinfo=LONDON)):
        disposal_approve(actor=manager, items=QueueItem.objects.filter(pk=item.pk))
        CommunicationFactory(case=case, occurred_on=D(2028, 1, 11))
        assert dispose_approved() == {"disposed": 0, "withdrawn": 1, "failed": 0}
    case.refresh_from_db()
    assert case.is_open
    assert not DisposalRecord.objects.filter(object_id=case.pk).exists()


def test_postponing_keeps_the_case_open_until_the_date_given(db, manager):
    case = opened()
    retention_sweep(as_of=DUE)
    item = QueueItem.objects.get(object_id=case.pk, rule="dormant-case")
    with at(datetime.datetime(2028, 1, 12, 9, 0, tzinfo=LONDON)):
        disposal_postpone(
            item=item,
            until=D(2028, 4, 1),
            reason="Fictional: the family asked for a pause while the court decides.",
            actor=manager,
        )
    awaiting = QueueItem.objects.awaiting_decision
    assert not awaiting(D(2028, 3, 31)).filter(pk=item.pk).exists()
    assert awaiting(D(2028, 4, 1)).filter(pk=item.pk).exists()
    # The nightly sweeps meanwhile keep the item, postponed, and the case open.
    retention_sweep(as_of=D(2028, 2, 1))
    item.refresh_from_db()
    assert (item.status, item.postponed_until) == (QueueItem.Status.POSTPONED, D(2028, 4, 1))
    case.refresh_from_db()
    assert case.is_open


# The manager's rule ----------------------------------------------------------------------


def test_the_manager_changing_the_period_on_the_rules_page_changes_what_is_due(client, manager):
    case = opened()
    rule = Rule.objects.get(key="dormant-case")
    assert rule.period_months == 12
    client.force_login(manager)
    response = client.post(
        reverse("retention:rule_change", args=[rule.pk]),
        {
            "period_months": 6,
            "keeping": rule.keeping,
            "change_reason": "Fictional: the trustees want stalled cases looked at sooner.",
        },
    )
    assert response.status_code == 302

    assert case.pk not in dormant(D(2027, 7, 10))
    assert dormant(D(2027, 7, 11))[case.pk].due_on == D(2027, 7, 11)


# Cost ------------------------------------------------------------------------------------


def _busy_case():
    case = family_case()
    CommunicationFactory(case=case)
    BookingFactory(case=case, session=ContactSessionFactory(date=D(2026, 11, 28)))
    return case


def _queries(work):
    with CaptureQueriesContext(connection) as queries:
        work()
    return len(queries)


def test_the_sweep_and_the_forecast_cost_the_same_queries_however_many_open_cases(db):
    _busy_case()
    far = D(2099, 1, 1)
    assessed = _queries(lambda: engine.assess(far, retainables=[DORMANT_CASE_RETAINED]))
    forecast = _queries(lambda: engine.forecast(far))
    for _ in range(5):
        _busy_case()

    assert len(dormant(far)) == 6
    assert _queries(lambda: engine.assess(far, retainables=[DORMANT_CASE_RETAINED])) == assessed
    assert _queries(lambda: engine.forecast(far)) == forecast


def test_the_forecast_counts_a_case_falling_dormant(db):
    case = opened()
    assert case.pk in dormant(DUE)
    counts = engine.forecast(DUE - datetime.timedelta(days=29), horizons=(30, 90))
    assert counts[30]["dormant-case"] == 1
    counts = engine.forecast(DUE - datetime.timedelta(days=31), horizons=(30, 90))
    assert (counts[30]["dormant-case"], counts[90]["dormant-case"]) == (0, 1)


# The dry run and the pages ---------------------------------------------------------------


def test_the_json_dry_run_lists_a_dormant_case_for_review(db):
    case = opened()
    out = StringIO()
    call_command("retention_sweep", "--as-of", "2028-01-11", "--dry-run", "--json", stdout=out)
    entries = [e for e in json.loads(out.getvalue())["due"] if e["rule"] == "dormant-case"]
    assert entries == [
        {
            "rule": "dormant-case",
            "kind": "case",
            "ref": case.reference,
            "due_on": "2028-01-11",
            "action": "review",
        }
    ]
    out = StringIO()
    call_command("retention_sweep", "--as-of", "2028-01-10", "--dry-run", "--json", stdout=out)
    assert not [e for e in json.loads(out.getvalue())["due"] if e["rule"] == "dormant-case"]


def test_the_queue_and_the_approval_call_it_a_review_that_closes_the_case(client, manager):
    case = opened()
    with at(START):
        AdultFactory(case=case, first_name="Peregrine")
    retention_sweep(as_of=DUE)
    item = QueueItem.objects.get(object_id=case.pk, rule="dormant-case")
    client.force_login(manager)

    page = client.get(reverse("retention:queue")).content.decode()
    assert "Review: dormant case" in page
    assert "Open case (status referral received) with nothing recorded since 11/01/2027" in page
    assert reverse("referrals:case_detail", args=[case.pk]) in page
    assert "Peregrine" not in page

    page = client.get(reverse("retention:approve_item", args=[item.pk])).content.decode()
    assert "You are about to approve the closing of this record" in page
    assert "Nothing: the dormant cases are closed, not destroyed." in page
    assert "Approve closing 1 case" in page
    assert "disposal of this record" not in page
    assert "Adults" not in page  # no count of rows destroyed

    page = client.get(reverse("retention:item_postpone", args=[item.pk])).content.decode()
    assert f"Review: dormant case {case.reference}: Open case" in page

    assert client.get(reverse("retention:forecast")).status_code == 200
    assert StatusChange.objects.filter(case=case).count() == 1  # the page changed nothing
