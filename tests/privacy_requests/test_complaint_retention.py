"""Complaints under the retention schedule: an open complaint holds its person's records;
a resolved one is disposed of a year after its outcome (rule ``complaint``)."""

import datetime

import pytest
import time_machine

from privacy_requests import services
from privacy_requests.models import Complaint, PrivacyRequest
from retention.engine import dry_run
from tests.retention.factories import closed_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _complaint(adult, received_on):
    return services.complaint_log(
        complaint=Complaint(
            subject_adult=adult,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=received_on,
            summary="Fictional: a report went to the wrong address.",
        ),
        actor=None,
    )


def test_a_resolved_complaint_falls_due_a_year_after_its_outcome_and_not_a_day_before():
    case = closed_case(D(2025, 11, 30), rule="contact-court")
    with time_machine.travel(D(2026, 3, 31)):
        complaint = _complaint(case.adults.first(), D(2026, 2, 2))
        services.complaint_acknowledge(
            complaint=complaint, acknowledged_on=D(2026, 2, 3), actor=None
        )
        services.complaint_resolve(
            complaint=complaint,
            outcome="Fictional: upheld.",
            resolved_on=D(2026, 3, 31),
            actor=None,
        )

    entry = {
        "rule": "complaint",
        "kind": "complaint",
        "ref": complaint.reference,
        "due_on": "2027-03-31",
        "action": "dispose",
    }
    assert entry not in dry_run(D(2027, 3, 30))["due"]
    assert entry in dry_run(D(2027, 3, 31))["due"]


def test_an_open_complaint_holds_its_persons_case():
    case = closed_case(D(2022, 1, 31), rule="contact-court")  # due 2025-01-31
    _complaint(case.adults.first(), D(2026, 11, 1))

    report = dry_run(D(2026, 11, 29))

    assert [entry["ref"] for entry in report["due"]] == []
    assert report["held"] == [
        {
            "rule": "contact-court",
            "kind": "case",
            "ref": case.reference,
            "due_on": "2025-01-31",
            "holds": ["privacy-request"],
        }
    ]
