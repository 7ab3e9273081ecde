"""Disposal: an approved record goes completely (its rows, everything hanging on it, all
their history and files), in one transaction per record, and only if it is still due
and not held at that moment. A DBS strip destroys the certificate copy everywhere and
keeps the rest; an HR file takes the staff member's file and anonymises the account."""

import dataclasses
import datetime
import os

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from attendance.interchange import IMPORTED_ROOM
from attendance.models import Booking, ContactSession, ReportRecipient, SupervisedReport, Tap
from attendance.report_services import report_create, report_mark_ready, report_recipient_add
from attendance.services import report_check, report_send
from centre.models import DBSCheck, Disclosure, ParentalLeave, StaffDocument, StaffMember, User
from centre.roles import Role
from centre.services import record_save, user_create
from core.declarations import declarations
from core.models import PendingFileDeletion
from privacy_requests.models import PrivacyRequest
from referrals.declarations import case_dispose
from referrals.models import (
    Adult,
    Case,
    CaseDocument,
    Child,
    Communication,
    Referral,
    StatusChange,
)
from referrals.services import (
    case_accept,
    case_activate,
    case_close,
    case_start_pre_visits,
)
from retention import services
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from safeguarding.accident_services import accident_record
from safeguarding.holds import hold_place
from safeguarding.models import Accident, Concern, Hold, Incident, IncidentChild
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.conftest import PASSWORD
from tests.factories import (
    DBSCheckFactory,
    ParentalLeaveFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
    pdf_file,
)
from tests.referrals.factories import (
    AdultFactory,
    CaseDocumentFactory,
    CaseFactory,
    ChildFactory,
    CommunicationFactory,
    ConsentFactory,
    PreVisitFactory,
    ProtectiveOrderFactory,
    png_file,
)
from tests.retention.search import tables_containing

NOW = datetime.datetime(2026, 11, 29, 12, 0)
TODAY = NOW.date()
# Three years after today's closure, and a little more: the court rule is due.
LATER = datetime.date(2030, 1, 6)
SELF = {"source": Referral.Source.SELF, "service": Referral.Service.SUPPORTED}

pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the whole-database search uses PostgreSQL's row-to-text cast")


def files_on_disk():
    root = settings.UPLOAD_ROOT
    if not os.path.exists(root):
        return []
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def dispose(today=LATER, *, capture):
    """Run the disposal and the after-commit file removal it queues."""
    with capture(execute=True):
        return dispose_approved(today=today)


def sweep_and_approve(actor, as_of=LATER, **which):
    retention_sweep(as_of=as_of)
    return disposal_approve(actor=actor, **which)


def closed_case(closed_on=datetime.date(2025, 10, 1), *, referral=SELF, actor=None):
    case = CaseFactory(
        **{f"referral__{name}": value for name, value in referral.items()},
        referral__received_on=closed_on - datetime.timedelta(days=120),
    )
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    AdultFactory(case=case, role=Adult.Role.VISITING)
    ChildFactory(case=case)
    BookingFactory(case=case, session=ContactSessionFactory(date=closed_on))
    return case_close(case=case, closed_on=closed_on, reason="Fictional: moved on.", actor=actor)


def legal_hold(actor, **scope):
    return hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=TODAY + datetime.timedelta(days=60),
            **scope,
        ),
        actor=actor,
    )


# The big one: nothing of a disposed case is left anywhere.

ADULT_ONE = {"first_name": "Zephyrine", "last_name": "Quillfeather"}
ADULT_TWO = {"first_name": "Bartholomew", "last_name": "Nightingale-Oakes"}
CHILD = {"first_name": "Marigold", "last_name": "Quillfeather"}
GONE_CHILD = {"first_name": "Peregrine", "last_name": "Thistlewaite"}
DISTINCTIVE = [
    "Zephyrine",
    "Quillfeather",
    "Bartholomew",
    "Nightingale-Oakes",
    "Marigold",
    "Peregrine",
    "Thistlewaite",
    "Larkspur",
    "Exampleton",
    "07700 900987",
    "07700 900654",
    "EX1 7ZZ",
    "EX17ZZ",
    "zephyrine.q@example.test",
    "Ottoline Fairweather",
    "1983-04-17",
    "1978-12-02",
    "2017-10-23",
    "2019-02-14",
    "17/04/1983",
    "23/10/2017",
]


@pytest.fixture
def checker(db):
    return user_create(
        email="frank.checker@example.test",
        full_name="Frank Chesney",
        role=Role.STAFF,
        password=PASSWORD,
    )


def rich_case(staff, checker):
    """A court case with every kind of record a case can have, all naming the family."""
    case = CaseFactory(
        referral__source=Referral.Source.SOLICITOR,
        referral__service=Referral.Service.SUPERVISED,
        referral__received_on=datetime.date(2026, 9, 1),
        referral__referrer_name="Ottoline Fairweather",
        referral__referrer_address="Chambers, 2 Larkspur Crescent, Exampleton",
        referral__court_order=True,
        referral__court_order_type="Child arrangements order",
        referral__court_order_date=datetime.date(2026, 8, 3),
        referral__court_order_copy=pdf_file("order-Quillfeather.pdf"),
        referral__risk_notes="Zephyrine Quillfeather disclosed past abuse.",
        actor=staff,
    )
    resident = AdultFactory(
        case=case,
        role=Adult.Role.RESIDENT,
        relationship="Mother",
        date_of_birth=datetime.date(1983, 4, 17),
        email="zephyrine.q@example.test",
        phone="07700 900987",
        address="17 Larkspur Crescent, Exampleton",
        postcode="EX1 7ZZ",
        contact_details_confidential=True,
        **ADULT_ONE,
    )
    visiting = AdultFactory(
        case=case,
        role=Adult.Role.VISITING,
        relationship="Father",
        date_of_birth=datetime.date(1978, 12, 2),
        **ADULT_TWO,
    )
    child = ChildFactory(
        case=case,
        date_of_birth=datetime.date(2017, 10, 23),
        needs="Marigold likes a quiet corner.",
        **CHILD,
    )
    gone_child = ChildFactory(case=case, date_of_birth=datetime.date(2019, 2, 14), **GONE_CHILD)
    ConsentFactory(
        case=case, given_by=resident, scope="Marigold Quillfeather's allergies", recorded_by=staff
    )
    PreVisitFactory(
        case=case,
        adult=resident,
        visited_on=datetime.date(2026, 9, 10),
        ground_rules_agreed_on=datetime.date(2026, 9, 10),
        ground_rules_witnessed_by="Bob Stanton",
        who_may_collect="Zephyrine Quillfeather",
        photograph=png_file("Zephyrine.png"),
        children=[child, gone_child],
    )
    PreVisitFactory(
        case=case,
        adult=visiting,
        visited_on=datetime.date(2026, 9, 11),
        ground_rules_agreed_on=datetime.date(2026, 9, 11),
        ground_rules_witnessed_by="Bob Stanton",
        emergency_contact="Bartholomew Nightingale-Oakes, 07700 900987",
    )
    CommunicationFactory(
        case=case,
        with_whom="Zephyrine Quillfeather",
        summary="Zephyrine called about Marigold's school run from Larkspur Crescent.",
        occurred_on=datetime.date(2026, 9, 5),
        recorded_by=staff,
    )
    document = CaseDocumentFactory(
        case=case, title="Letter to Zephyrine Quillfeather", file=pdf_file("letter.pdf")
    )
    # A new version of the document: the first file stays named in its history.
    document.file = pdf_file("letter-v2.pdf")
    record_save(record=document, actor=staff)
    ProtectiveOrderFactory(
        case=case,
        names="Bartholomew Nightingale-Oakes",
        notes="Not to approach 17 Larkspur Crescent.",
        made_on=datetime.date(2026, 7, 1),
    )
    case = case_accept(case=case, actor=staff)
    case = case_start_pre_visits(case=case, actor=staff)
    case = case_activate(case=case, actor=staff, on=datetime.date(2026, 9, 20))
    # Sessions with taps, and a supervised report sent to a parent.
    bookings = []
    for day in (datetime.date(2026, 10, 3), datetime.date(2026, 10, 17)):
        session = ContactSessionFactory(
            date=day, kind=ContactSession.Kind.SUPERVISED, capacity=1, room="Family room"
        )
        booking = BookingFactory(
            session=session,
            case=case,
            who_may_collect="Zephyrine Quillfeather",
            not_to_collect="Bartholomew Nightingale-Oakes",
            notes="Marigold was tired.",
        )
        TapFactory(booking=booking, kind=Tap.Kind.RESIDENT_ARRIVED)
        TapFactory(booking=booking, kind=Tap.Kind.CHILD_COLLECTED, collected_by="Zephyrine")
        bookings.append(booking)
    report = report_create(
        report=SupervisedReport(
            booking=bookings[0],
            who_attended="Bartholomew Nightingale-Oakes and Marigold.",
            started_at=datetime.time(10, 0),
            ended_at=datetime.time(11, 45),
            observations="Marigold showed Bartholomew a drawing.",
        ),
        actor=staff,
    )
    report_recipient_add(
        recipient=ReportRecipient(report=report, kind=ReportRecipient.Kind.PARENT, adult=resident),
        actor=staff,
    )
    report_recipient_add(
        recipient=ReportRecipient(report=report, kind=ReportRecipient.Kind.PARENT, adult=visiting),
        actor=staff,
    )
    report_check(report=report_mark_ready(report=report, actor=staff), actor=checker)
    report_send(report=report, basis="Consent of both parents", actor=checker)
    assert Disclosure.objects.filter(recipient="Zephyrine Quillfeather").exists()
    # A concern about the child: the link only, no names in its text.
    concern = record_save(
        record=Concern(
            case=case,
            what_happened="Fictional: the child seemed withdrawn.",
            raised_by=staff,
        ),
        actor=staff,
    )
    concern.children.set([child])
    # Edits: history rows; a phone number changed; the second child deleted outright.
    resident.phone = "07700 900654"
    record_save(record=resident, actor=staff)
    gone_child.delete()
    case = case_close(case=case, closed_on=TODAY, reason="Contact moved on.", actor=staff)
    return case, concern, child.pk


def test_a_disposed_case_leaves_nothing_anywhere_in_the_database_or_on_disk(
    postgres, manager, staff, checker, django_capture_on_commit_callbacks
):
    case, concern, child_pk = rich_case(staff, checker)
    # The family is there before: the search below finds what it looks for.
    for value in ("Zephyrine", "Peregrine", "07700 900987", "1983-04-17", "Larkspur"):
        assert tables_containing(value), value
    assert Child.history.filter(first_name="Peregrine").exists()
    assert len(files_on_disk()) == 4  # order, photograph, two versions of the document
    case_ref = case.reference

    assert sweep_and_approve(manager) == 1
    counts = dispose(capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 1, "withdrawn": 0, "failed": 0}
    assert not Case.objects.filter(pk=case.pk).exists()
    leftovers = {value: tables_containing(value) for value in DISTINCTIVE}
    assert {value: found for value, found in leftovers.items() if found} == {}
    assert files_on_disk() == []
    assert not PendingFileDeletion.objects.exists()
    assert not QueueItem.objects.exists()
    record = DisposalRecord.objects.get()
    assert record.rule == "contact-court"
    assert record.kind == "case"
    assert record.action == "dispose"
    assert record.ref == case_ref
    assert record.due_on == datetime.date(2029, 11, 29)
    assert record.approved_by_name == "Alice Mercer"
    assert record.approved_by_id_copy == manager.pk
    assert record.executed_at == datetime.datetime.now(datetime.UTC)
    row_text = str(DisposalRecord.objects.filter(pk=record.pk).values().get())
    assert [value for value in DISTINCTIVE if value.lower() in row_text.lower()] == []
    # The concern stays, without its link to the case or the child.
    concern.refresh_from_db()
    assert concern.case_id is None
    assert not concern.children.exists()
    m2m_history = Concern.history.model.children.model
    assert not m2m_history.objects.filter(child_id=child_pk).exists()
    # Its sessions go with it: past, and no other family was booked on them.
    assert not ContactSession.objects.exists()
    assert not ContactSession.history.exists()
    assert not Booking.objects.exists() and not Tap.objects.exists()
    assert not StatusChange.objects.exists()


def test_a_case_whose_pre_visit_recorded_medical_needs_under_consent_is_disposed(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case()
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    consent = ConsentFactory(case=case, given_by=resident, given_on=datetime.date(2025, 6, 1))
    PreVisitFactory(
        case=case,
        adult=resident,
        visited_on=datetime.date(2025, 6, 2),
        ground_rules_agreed_on=datetime.date(2025, 6, 2),
        medical_needs="Fictional: a nut allergy.",
        medical_consent=consent,
    )
    later = closed_case(datetime.date(2025, 10, 2))
    sweep_and_approve(manager)

    counts = dispose(capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 2, "withdrawn": 0, "failed": 0}
    assert not Case.objects.filter(pk__in=[case.pk, later.pk]).exists()


# A hold placed after the approval wins.


def _legal_hold_on_case(case, manager):
    legal_hold(manager, case=case)


def _legal_hold_on_adult(case, manager):
    legal_hold(manager, adult=case.adults.first())


def _open_privacy_request_about_an_adult(case, manager):
    record_save(
        record=PrivacyRequest(
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=TODAY,
            subject_adult=case.adults.first(),
        )
    )


def _open_privacy_request_about_the_child(case, manager):
    record_save(
        record=PrivacyRequest(
            right=PrivacyRequest.Right.ERASURE,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=TODAY,
            subject_child=case.children.first(),
        )
    )


@pytest.mark.parametrize(
    "hold",
    [
        _legal_hold_on_case,
        _legal_hold_on_adult,
        _open_privacy_request_about_an_adult,
        _open_privacy_request_about_the_child,
    ],
)
def test_a_hold_placed_between_approval_and_execution_stops_the_disposal(
    manager, hold, django_capture_on_commit_callbacks
):
    case = closed_case()
    assert sweep_and_approve(manager) == 1

    hold(case, manager)
    counts = dispose(capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 0, "withdrawn": 1, "failed": 0}
    assert Case.objects.filter(pk=case.pk).exists()
    assert case.adults.count() == 2 and case.bookings.count() == 1
    assert not QueueItem.objects.exists()
    assert not DisposalRecord.objects.exists()


def test_a_case_reopened_after_approval_is_not_disposed(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case()
    sweep_and_approve(manager)
    Case.objects.filter(pk=case.pk).update(closed_on=None, status=Case.Status.ACTIVE)

    assert dispose(capture=django_capture_on_commit_callbacks) == {
        "disposed": 0,
        "withdrawn": 1,
        "failed": 0,
    }
    assert Case.objects.filter(pk=case.pk).exists()
    assert not DisposalRecord.objects.exists()


def test_only_approved_items_are_disposed(manager, django_capture_on_commit_callbacks):
    approved, waiting = closed_case(), closed_case(datetime.date(2025, 9, 1))
    retention_sweep(as_of=LATER)
    disposal_approve(actor=manager, items=QueueItem.objects.filter(object_id=approved.pk))

    assert dispose(capture=django_capture_on_commit_callbacks)["disposed"] == 1
    assert not Case.objects.filter(pk=approved.pk).exists()
    assert Case.objects.filter(pk=waiting.pk).exists()
    assert QueueItem.objects.get().object_id == waiting.pk


# Twice, and after a failure.


def test_running_the_disposal_twice_disposes_once(manager, django_capture_on_commit_callbacks):
    case = closed_case()
    sweep_and_approve(manager)

    first = dispose(capture=django_capture_on_commit_callbacks)
    second = dispose(capture=django_capture_on_commit_callbacks)

    assert first == {"disposed": 1, "withdrawn": 0, "failed": 0}
    assert second == {"disposed": 0, "withdrawn": 0, "failed": 0}
    assert DisposalRecord.objects.get().object_id == case.pk
    # The next sweep does not flag it again either.
    assert retention_sweep(as_of=LATER)["flagged"] == 0


def _case_rows(case_pk):
    """How many rows and history rows of each kind the case has."""
    return {
        "case": Case.objects.filter(pk=case_pk).count(),
        "adults": Adult.objects.filter(case_id=case_pk).count(),
        "children": Child.objects.filter(case_id=case_pk).count(),
        "bookings": Booking.objects.filter(case_id=case_pk).count(),
        "documents": CaseDocument.objects.filter(case_id=case_pk).count(),
        "communications": Communication.objects.filter(case_id=case_pk).count(),
        "case history": Case.history.filter(id=case_pk).count(),
        "referral history": Referral.history.filter(case_id=case_pk).count(),
        "adult history": Adult.history.filter(case_id=case_pk).count(),
        "child history": Child.history.filter(case_id=case_pk).count(),
        "booking history": Booking.history.filter(case_id=case_pk).count(),
        "document history": CaseDocument.history.filter(case_id=case_pk).count(),
    }


@pytest.mark.parametrize("where", ["after the purge", "writing the proof"])
def test_a_failure_in_the_middle_leaves_nothing_half_deleted(
    manager, monkeypatch, where, django_capture_on_commit_callbacks
):
    case = closed_case()
    CaseDocumentFactory(case=case)
    CommunicationFactory(case=case)
    extra_child = ChildFactory(case=case)
    extra_child.delete()  # only its history remains
    sweep_and_approve(manager)
    before = _case_rows(case.pk)
    assert all(before.values()), before
    files = files_on_disk()
    assert files

    class Crash(Exception):
        pass

    if where == "after the purge":

        def dispose_then_crash(record):
            case_dispose(record)
            assert not Case.objects.filter(pk=record.pk).exists()
            raise Crash

        retainable = declarations.retainable_for("referrals.case", "contact-self")
        # Without its batch form, the disposal calls the swapped ``dispose`` for each case.
        swapped = dataclasses.replace(retainable, dispose=dispose_then_crash, dispose_many=None)
        retainables = [swapped if r is retainable else r for r in declarations.retainables]
        monkeypatch.setattr(type(declarations), "retainables", property(lambda _: retainables))
    else:

        def crash(**fields):
            raise Crash

        monkeypatch.setattr(services.DisposalRecord.objects, "create", crash)

    with django_capture_on_commit_callbacks(execute=True):
        counts = dispose_approved(today=LATER)

    assert counts == {"disposed": 0, "withdrawn": 0, "failed": 1}
    assert _case_rows(case.pk) == before
    assert files_on_disk() == files
    assert not PendingFileDeletion.objects.exists()
    assert QueueItem.objects.get().status == QueueItem.Status.APPROVED
    assert not DisposalRecord.objects.exists()

    monkeypatch.undo()
    assert dispose(capture=django_capture_on_commit_callbacks) == {
        "disposed": 1,
        "withdrawn": 0,
        "failed": 0,
    }
    assert not any(_case_rows(case.pk).values())
    assert files_on_disk() == []
    assert DisposalRecord.objects.count() == 1


def test_a_record_that_cannot_be_disposed_of_does_not_stop_the_others(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    failing, fine = closed_case(), closed_case()
    sweep_and_approve(manager)
    retainable = declarations.retainable_for("referrals.case", "contact-self")

    def refuse_one(record):
        if record.pk == failing.pk:
            raise RuntimeError("Fictional: the disk is full")
        case_dispose(record)

    swapped = dataclasses.replace(retainable, dispose=refuse_one, dispose_many=None)
    retainables = [swapped if r is retainable else r for r in declarations.retainables]
    monkeypatch.setattr(type(declarations), "retainables", property(lambda _: retainables))

    counts = dispose(capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 1, "withdrawn": 0, "failed": 1}
    assert Case.objects.filter(pk=failing.pk).exists()
    assert not Case.objects.filter(pk=fine.pk).exists()
    assert QueueItem.objects.get().object_id == failing.pk
    assert QueueItem.objects.get().status == QueueItem.Status.APPROVED


# Staff records.


def test_a_dbs_strip_destroys_the_certificate_copy_everywhere_and_keeps_the_rest(
    manager, django_capture_on_commit_callbacks
):
    check = DBSCheckFactory(
        checked_on=datetime.date(2026, 1, 12),
        certificate_number="001234567890",
        decision=DBSCheck.Decision.CLEARED_WITH_CONDITIONS,
        outcome="Fictional: cleared to supervise with a colleague present.",
        certificate_copy=pdf_file("certificate-first.pdf"),
    )
    first_name = check.certificate_copy.name
    check.certificate_copy = pdf_file("certificate-second.pdf")
    record_save(record=check)
    second_name = check.certificate_copy.name
    assert len(files_on_disk()) == 2
    assert {first_name, second_name} <= set(
        DBSCheck.history.filter(id=check.pk).values_list("certificate_copy", flat=True)
    )

    retention_sweep(as_of=TODAY)
    assert disposal_approve(actor=manager, rule="dbs-certificate") == 1
    counts = dispose(TODAY, capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 1, "withdrawn": 0, "failed": 0}
    check.refresh_from_db()
    assert check.checked_on == datetime.date(2026, 1, 12)
    assert check.certificate_number == "001234567890"
    assert check.decision == DBSCheck.Decision.CLEARED_WITH_CONDITIONS
    assert check.outcome == "Fictional: cleared to supervise with a colleague present."
    assert check.certificate_copy.name == ""
    assert check.certificate_destroyed_on == TODAY
    assert set(DBSCheck.history.filter(id=check.pk).values_list("certificate_copy", flat=True)) == {
        ""
    }
    assert files_on_disk() == []
    assert not PendingFileDeletion.objects.exists()
    record = DisposalRecord.objects.get()
    assert (record.rule, record.kind, record.action) == ("dbs-certificate", "dbs-check", "strip")
    # Nothing left to strip: the next sweep does not flag it again.
    assert retention_sweep(as_of=TODAY)["flagged"] == 0


def test_an_hr_file_disposal_takes_the_file_and_anonymises_the_account(
    postgres, manager, django_capture_on_commit_callbacks
):
    user = user_create(
        email="cordelia.waxwing@example.test",
        full_name="Cordelia Waxwing",
        role=Role.VOLUNTEER,
        password=PASSWORD,
    )
    person = StaffMemberFactory(
        first_name="Cordelia",
        last_name="Waxwing",
        email="cordelia.waxwing@example.test",
        phone="07700 900777",
        address="9 Bramblegate Row",
        date_of_birth=datetime.date(1971, 6, 9),
        started_on=datetime.date(2012, 3, 1),
        ended_on=datetime.date(2019, 6, 30),
        user=user,
    )
    person.job_title = "Sessional worker"
    record_save(record=person)
    StaffDocumentFactory(
        staff_member=person, category="contract", title="Contract", last_used_on=None
    )
    StaffDocumentFactory(
        staff_member=person, category="training", title="Induction", last_used_on=None
    )
    document = StaffDocument.objects.filter(staff_member=person).first()
    document.file = pdf_file("contract.pdf")
    record_save(record=document)
    DBSCheckFactory(staff_member=person, checked_on=datetime.date(2012, 2, 1))
    ParentalLeaveFactory(
        staff_member=person,
        starts_on=datetime.date(2014, 5, 1),
        child_born_on=datetime.date(2014, 4, 28),
    )
    values = ["Cordelia", "Waxwing", "07700 900777", "Bramblegate", "1971-06-09"]
    assert all(tables_containing(value) for value in values)

    retention_sweep(as_of=TODAY)
    # The parental leave, long past its own five years, is due beside the HR file.
    assert disposal_approve(actor=manager) == 2
    counts = dispose(TODAY, capture=django_capture_on_commit_callbacks)

    assert counts == {"disposed": 2, "withdrawn": 0, "failed": 0}
    assert not StaffMember.objects.filter(pk=person.pk).exists()
    assert not StaffMember.history.filter(id=person.pk).exists()
    assert not StaffDocument.history.filter(staff_member_id=person.pk).exists()
    assert not DBSCheck.history.filter(staff_member_id=person.pk).exists()
    assert not ParentalLeave.history.filter(staff_member_id=person.pk).exists()
    account = User.objects.get(pk=user.pk)
    assert not account.is_active and not account.has_usable_password()
    assert {value: tables_containing(value) for value in values} == dict.fromkeys(values, {})
    assert files_on_disk() == []
    assert set(DisposalRecord.objects.values_list("rule", "kind")) == {
        ("hr-file", "staff"),
        ("parental-leave", "parental-leave"),
    }


# What outlives the case, and what goes with it.


def test_accident_and_incident_records_about_the_child_outlive_the_case(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case()
    child = case.children.get()
    accident = accident_record(
        accident=Accident(
            child=child,
            occurred_at=timezone.now() - datetime.timedelta(days=500),
            what_happened="Fictional: tripped on the play mat.",
        )
    )
    incident = record_save(
        record=Incident(
            case=case,
            case_reference=case.display_reference,
            occurred_on=datetime.date(2025, 5, 1),
            summary="Fictional: a worrying remark.",
        )
    )
    copy = record_save(
        record=IncidentChild(
            incident=incident, child=child, name=child.full_name, date_of_birth=child.date_of_birth
        )
    )
    sweep_and_approve(manager, rule="contact-self")

    assert dispose(capture=django_capture_on_commit_callbacks)["disposed"] == 1

    assert not Case.objects.filter(pk=case.pk).exists()
    accident.refresh_from_db()
    assert accident.case_id is None and accident.child_id is None
    assert accident.person_name == child.full_name
    assert accident.person_date_of_birth == child.date_of_birth
    assert accident.case_reference == case.reference
    incident.refresh_from_db()
    assert incident.case_id is None and incident.case_reference == case.reference
    copy.refresh_from_db()
    assert copy.child_id is None
    assert (copy.name, copy.date_of_birth) == (child.full_name, child.date_of_birth)


def test_a_cases_past_sessions_go_with_it_but_one_another_family_was_booked_on_stays(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case()
    other = closed_case(datetime.date(2026, 6, 1))  # not due
    own = ContactSessionFactory(date=datetime.date(2025, 3, 1), room=IMPORTED_ROOM, capacity=1)
    shared = ContactSessionFactory(date=datetime.date(2025, 3, 8), room=IMPORTED_ROOM, capacity=8)
    ordinary = ContactSessionFactory(date=datetime.date(2025, 3, 15), room="Main hall")
    for session in (own, shared, ordinary):
        BookingFactory(case=case, session=session)
    BookingFactory(case=other, session=shared)
    sweep_and_approve(manager, as_of=TODAY)

    assert dispose(TODAY, capture=django_capture_on_commit_callbacks)["disposed"] == 1

    assert not ContactSession.objects.filter(pk__in=[own.pk, ordinary.pk]).exists()
    assert not ContactSession.history.filter(id__in=[own.pk, ordinary.pk]).exists()
    assert ContactSession.objects.filter(pk=shared.pk).exists()
    assert list(Booking.objects.filter(session=shared).values_list("case_id", flat=True)) == [
        other.pk
    ]
    assert not Booking.objects.filter(case_id=case.pk).exists()
