"""The check after each disposal (retention.traces): what still refers to a disposed
record, by key or by a declared copy of its reference, is found in one query a model and
recorded on the proof of disposal by kind and count; a copy a rule keeps on purpose is
not a trace; traces never undo the disposal."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from privacy_requests.models import Restriction
from privacy_requests.restrictions import restriction_place
from referrals.models import Adult, Case
from retention.models import DisposalRecord, QueueItem
from retention.services import disposal_approve, dispose_approved, retention_sweep
from retention.traces import NO_TRACE, trace_summary, traces_of
from safeguarding.models import Concern
from tests.referrals.factories import family_case
from tests.retention.factories import closed_case

NOW = datetime.datetime(2026, 11, 29, 12, 0)
# Long after the cases below closed, whatever their rule.
LATER = datetime.date(2033, 1, 6)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def dispose_all(manager, capture):
    with time_machine.travel(LATER, tick=False):
        retention_sweep()
        disposal_approve(actor=manager)
        with capture(execute=True):
            return dispose_approved()


def forged_restriction_naming(reference):
    """A restriction on someone of another family whose copy of whom it is about names
    ``reference``: a copy left behind, as a bug in a PURGED hook would leave it."""
    other = family_case().adults.get(role=Adult.Role.RESIDENT)
    restriction = restriction_place(
        restriction=Restriction(subject_adult=other, reason="Fictional: contested."), actor=None
    )
    Restriction.objects.filter(pk=restriction.pk).update(subject_label=f"AD-0001 of {reference}")
    return restriction


def queue_item_left(record_type, object_id):
    """A queue item for a record, as one left behind by its disposal would be."""
    kind = record_type.split(".")[1]
    return QueueItem.objects.create(
        rule="contact-self",
        kind=kind,
        action="dispose",
        record_type=record_type,
        object_id=object_id,
        ref=f"{kind} {object_id}",
        due_on=datetime.date(2026, 1, 1),
    )


def test_it_finds_no_trace_where_nothing_refers_to_the_records(db):
    case = family_case()
    gone = case.pk + 1000

    assert traces_of("referrals.case", [gone], ["HC-2019-0999"]) == {}


def test_the_record_itself_and_every_key_still_pointing_at_it_are_traces(db):
    case = family_case()

    found = traces_of("referrals.case", [case.pk], [case.display_reference])

    assert found["referrals.case"] == 1
    assert found["referrals.adult.case"] == 2
    assert found["referrals.child.case"] == 1
    # The history rows of the case and of its people hold its key too.
    assert found["referrals.historicalcase.id"] >= 1
    assert found["referrals.historicaladult.case"] >= 2


def test_what_still_refers_to_a_row_that_went_with_the_records_is_a_trace_too(db):
    # As if the purge of case 987654 had deleted this adult and left behind what points
    # at it: its history and a queue item. (The adult's own row went by the purge's own
    # DELETE, which either deleted it or failed the disposal: it is not looked for again.)
    adult = family_case().adults.get(role=Adult.Role.RESIDENT)
    queue_item_left("referrals.adult", adult.pk)

    found = traces_of("referrals.case", [987654], [], purged={Adult: {adult.pk}})

    assert "referrals.adult" not in found
    assert found["referrals.historicaladult.id"] >= 1
    assert found["retention.queueitem.object_id"] == 1
    assert "referrals.case" not in found


def test_a_queue_item_left_for_a_disposed_record_is_a_trace_by_its_key_pair(db):
    queue_item_left("referrals.case", 4242)

    assert traces_of("referrals.case", [4242], ["HC-2019-0042"]) == {
        "retention.queueitem.object_id": 1
    }
    assert traces_of("referrals.case", [4243], []) == {}
    assert traces_of("referrals.adult", [4242], []) == {}


def test_a_copy_of_the_reference_left_where_no_rule_keeps_it_is_a_trace(db):
    restriction = forged_restriction_naming("HC-2019-0042")

    found = traces_of("referrals.case", [987654], ["HC-2019-0042"])

    assert found == {"privacy_requests.restriction.subject_label": 1}
    assert traces_of("referrals.case", [987654], ["HC-2019-0043"]) == {}
    assert restriction.pk


def test_a_copy_a_rule_keeps_on_purpose_is_not_a_trace(staff):
    # A concern outlives its case with the case's reference and the children's names.
    Concern.objects.create(
        raised_by=staff,
        case_reference="HC-2019-0042",
        children_names="Fictional Child (born 01/02/2019)",
        what_happened="Fictional: a worry.",
    )

    assert traces_of("referrals.case", [987654], ["HC-2019-0042"]) == {}
    assert traces_of("referrals.child", [987654], [], names=["Fictional Child"]) == {}


def test_the_summary_gives_kinds_and_counts_most_first_within_the_proofs_column():
    assert trace_summary({}) == NO_TRACE
    assert trace_summary({"b.x.y": 1, "a.x.y": 3}) == "a.x.y: 3; b.x.y: 1"
    long = {f"app.model{number}.field": number for number in range(1, 40)}
    assert len(trace_summary(long)) == 300


def test_a_disposal_that_leaves_nothing_says_so_on_its_proof_and_page(
    manager, client, django_capture_on_commit_callbacks
):
    case = closed_case(datetime.date(2026, 1, 5), rule="contact-self")

    counts = dispose_all(manager, django_capture_on_commit_callbacks)

    assert counts["disposed"] == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    proof = DisposalRecord.objects.get(record_type="referrals.case")
    assert (proof.traces_found, proof.trace_check) == (0, NO_TRACE)
    client.force_login(manager)
    page = client.get(reverse("retention:disposal_list")).content.decode()
    assert "Traces left" in page and NO_TRACE in page


def test_traces_found_are_recorded_and_logged_but_do_not_undo_the_disposal(
    manager, client, django_capture_on_commit_callbacks, caplog
):
    case = closed_case(datetime.date(2026, 1, 5), rule="contact-self")
    forged_restriction_naming(case.display_reference)

    with caplog.at_level(logging.WARNING, logger="retention.services"):
        counts = dispose_all(manager, django_capture_on_commit_callbacks)

    # (The other family's open case, dormant by then, is reviewed in the same run.)
    assert counts["failed"] == 0
    assert not Case.objects.filter(pk=case.pk).exists()
    proof = DisposalRecord.objects.get(record_type="referrals.case", action="dispose")
    assert proof.traces_found == 1
    assert proof.trace_check == "privacy_requests.restriction.subject_label: 1"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("retention-traces-found" in w and "subject_label: 1" in w for w in warnings)
    assert not any(case.display_reference in w for w in warnings)
    client.force_login(manager)
    page = client.get(reverse("retention:disposal_list")).content.decode()
    assert "1 found:" in page
    assert "privacy_requests.restriction.subject_label: 1" in page
