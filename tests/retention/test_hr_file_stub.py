"""The HR file on its own date (issue 16): a leaver's HR file is disposed of six years
after their last day even while a later record (a training document used since) is still
in its own period. That record stays, attached to a reference-only stub of the staff
member, with no personal details in the stub's row or its history; the record goes on its
own date, through the queue, and takes the stub with it. Each step crosses its boundary
day."""

import datetime

import pytest
import time_machine
from django.db import connection

from centre.declarations import staff_file_dispose
from centre.models import DBSCheck, StaffDocument, StaffMember, User
from centre.roles import Role
from centre.services import record_save, user_create
from retention.engine import dry_run
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.conftest import PASSWORD
from tests.factories import (
    DBSCheckFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
    pdf_file,
)
from tests.retention.search import tables_containing
from tests.retention.test_disposal import files_on_disk

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
LEFT_ON = D(2019, 1, 31)
HR_FILE_DUE = D(2025, 1, 31)  # 72 months after the last day
TRAINING_USED_ON = D(2023, 6, 15)
TRAINING_DUE = D(2026, 6, 15)  # 36 months after it was last used
DETAILS = [
    "Philippa",
    "Hollowmere",
    "philippa.hollowmere@example.test",
    "07700 900431",
    "Sloeberry Close",
    "EX9 4QQ",
    "1968-11-03",
    "Sessional coordinator",
    "Contract of employment",
]


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the whole-database search uses PostgreSQL's row-to-text cast")


def run_the_queue(day, manager, capture):
    """The night of ``day``: the sweep, the manager approving everything it flagged, and
    the disposal, with the after-commit removal of files. Returns the disposal's counts."""
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12), tick=False):
        retention_sweep(as_of=day)
        disposal_approve(actor=manager)
        with capture(execute=True):
            return dispose_approved(today=day)


def leaver_with_a_later_training_record():
    """A coordinator who left on 31 January 2019 with an account, an HR file (a contract,
    a DBS check), a history of edits, and a training document used in June 2023."""
    with time_machine.travel(datetime.datetime(2018, 6, 1, 12), tick=False):
        account = user_create(
            email="philippa.hollowmere@example.test",
            full_name="Philippa Hollowmere",
            role=Role.STAFF,
            password=PASSWORD,
        )
        member = StaffMemberFactory(
            first_name="Philippa",
            last_name="Hollowmere",
            email="philippa.hollowmere@example.test",
            phone="07700 900431",
            address="4 Sloeberry Close, Exampleton",
            postcode="EX9 4QQ",
            date_of_birth=D(1968, 11, 3),
            role="staff",
            paid=True,
            started_on=D(2014, 9, 1),
            user=account,
        )
        member.job_title = "Sessional coordinator"
        record_save(record=member)
        contract = StaffDocumentFactory(
            staff_member=member,
            category="contract",
            title="Contract of employment",
            last_used_on=D(2018, 5, 1),
        )
        contract.file = pdf_file("contract.pdf")
        record_save(record=contract)
        DBSCheckFactory(
            staff_member=member, checked_on=D(2014, 8, 1), outcome="Cleared for Philippa"
        )
    member.ended_on = LEFT_ON
    with time_machine.travel(datetime.datetime(2019, 1, 31, 12), tick=False):
        record_save(record=member)
    training = StaffDocumentFactory(
        staff_member=member,
        category="training",
        title="Safeguarding refresher",
        last_used_on=TRAINING_USED_ON,
    )
    training.file = pdf_file("training.pdf")
    record_save(record=training)
    return member, training


def test_the_hr_file_goes_on_its_own_date_and_the_stub_goes_with_the_last_later_record(
    postgres, manager, django_capture_on_commit_callbacks
):
    member, training = leaver_with_a_later_training_record()
    account_id = member.user_id
    assert all(tables_containing(value) for value in DETAILS)

    # The day before its six years: nothing is due, the file is whole.
    before = run_the_queue(HR_FILE_DUE - ONE_DAY, manager, django_capture_on_commit_callbacks)
    assert before == {"disposed": 0, "withdrawn": 0, "failed": 0}
    assert StaffMember.objects.get(pk=member.pk).first_name == "Philippa"

    # On the day, the HR file goes although the training document is still in its period.
    on_the_day = run_the_queue(HR_FILE_DUE, manager, django_capture_on_commit_callbacks)
    assert on_the_day == {"disposed": 1, "withdrawn": 0, "failed": 0}
    stub = StaffMember.objects.get(pk=member.pk)
    assert stub.details_removed_on == HR_FILE_DUE
    assert (stub.reference, stub.role, stub.started_on, stub.ended_on) == (
        member.reference,
        "staff",
        D(2014, 9, 1),
        LEFT_ON,
    )
    assert (stub.first_name, stub.last_name, stub.email, stub.phone) == ("", "", "", "")
    assert (stub.address, stub.postcode, stub.date_of_birth, stub.job_title) == ("", "", None, "")
    assert stub.user_id is None
    assert stub.full_name == f"Former staff member {member.reference}"
    assert not StaffMember.history.filter(id=member.pk).exists()
    assert not DBSCheck.objects.filter(staff_member=member).exists()
    assert not DBSCheck.history.filter(staff_member_id=member.pk).exists()
    assert list(StaffDocument.objects.filter(staff_member=member)) == [training]
    assert (
        not StaffDocument.history.filter(staff_member_id=member.pk).exclude(id=training.pk).exists()
    )
    account = User.objects.get(pk=account_id)
    assert not account.is_active and not account.has_usable_password()
    # No personal detail anywhere: the stub's row, its history, the file's documents.
    assert {value: tables_containing(value) for value in DETAILS} == dict.fromkeys(DETAILS, {})
    assert files_on_disk() == [training.file.name]
    # The stub is not listed again while the training document keeps it.
    assert dry_run(TRAINING_DUE - ONE_DAY) == {
        "as_of": (TRAINING_DUE - ONE_DAY).isoformat(),
        "due": [],
        "held": [],
    }

    # The day before the training document's three years: it stays, and the stub with it.
    before = run_the_queue(TRAINING_DUE - ONE_DAY, manager, django_capture_on_commit_callbacks)
    assert before == {"disposed": 0, "withdrawn": 0, "failed": 0}
    assert StaffDocument.objects.filter(pk=training.pk).exists()

    # On its day it goes, and takes the stub with it: nothing of the staff member is left.
    on_the_day = run_the_queue(TRAINING_DUE, manager, django_capture_on_commit_callbacks)
    assert on_the_day == {"disposed": 1, "withdrawn": 0, "failed": 0}
    assert not StaffMember.objects.filter(pk=member.pk).exists()
    assert not StaffMember.history.filter(id=member.pk).exists()
    assert not StaffDocument.objects.filter(pk=training.pk).exists()
    assert not StaffDocument.history.filter(staff_member_id=member.pk).exists()
    assert files_on_disk() == []
    assert not QueueItem.objects.exists()
    assert list(DisposalRecord.objects.order_by("pk").values_list("rule", "ref")) == [
        ("hr-file", member.reference),
        ("staff-other", member.reference),
    ]
    # The HR file's disposal kept the row as a stub, so its proof records no check for
    # traces; the last record's, which took the stub, finds none.
    assert DisposalRecord.objects.get(rule="hr-file").trace_check == ""
    assert DisposalRecord.objects.get(rule="staff-other").trace_check == "No trace left"
    assert dry_run(D(2099, 1, 1)) == {"as_of": "2099-01-01", "due": [], "held": []}


@pytest.mark.django_db
def test_a_leaver_with_no_later_record_goes_whole_on_the_day():
    member = StaffMemberFactory(started_on=D(2014, 9, 1), ended_on=LEFT_ON)
    StaffDocumentFactory(staff_member=member, category="training", last_used_on=None)

    assert dry_run(HR_FILE_DUE - ONE_DAY)["due"] == []
    [entry] = dry_run(HR_FILE_DUE)["due"]
    assert (entry["rule"], entry["due_on"]) == ("hr-file", HR_FILE_DUE.isoformat())

    staff_file_dispose(member)

    assert not StaffMember.objects.filter(pk=member.pk).exists()
    assert not StaffDocument.objects.filter(staff_member_id=member.pk).exists()


@pytest.mark.django_db
def test_a_stub_whose_later_records_went_another_way_is_listed_under_the_hr_file_rule():
    """The stub's route when its last record did not take it (deleted by hand in the
    admin, say): nothing refers to it any more, so the hr-file rule lists it again, due
    from the day its details were removed, and disposes of it."""
    member = StaffMemberFactory(started_on=D(2014, 9, 1), ended_on=LEFT_ON)
    training = StaffDocumentFactory(
        staff_member=member, category="training", last_used_on=TRAINING_USED_ON
    )
    with time_machine.travel(datetime.datetime(2025, 2, 3, 12), tick=False):
        staff_file_dispose(member)
    assert StaffMember.objects.get(pk=member.pk).details_removed_on == D(2025, 2, 3)
    assert dry_run(D(2025, 6, 1))["due"] == []

    training.delete()

    [entry] = dry_run(D(2025, 6, 1))["due"]
    assert (entry["rule"], entry["ref"], entry["due_on"]) == (
        "hr-file",
        member.reference,
        "2025-02-03",
    )
    staff_file_dispose(StaffMember.objects.get(pk=member.pk))
    assert not StaffMember.objects.filter(pk=member.pk).exists()
