"""Privacy requests under the retention schedule (issue 16): a closed request goes two years
after its closure (rule ``privacy-request``) with its response pack, pauses, confirmed
records and erasure decisions; what is about the person goes with the person: when their
case goes first, a restriction on them goes and a released pack's copy of them is
destroyed, keeping that it was released, when and by whom."""

import datetime

import pytest
import time_machine
from django.db import connection

from privacy_requests.finding import request_records_confirm
from privacy_requests.models import (
    ClarificationPause,
    PrivacyRequest,
    RequestRecord,
    ResponsePack,
    Restriction,
)
from privacy_requests.pack import pack_build, pack_release
from privacy_requests.restrictions import restriction_lift, restriction_place
from retention.engine import dry_run
from retention.models import DisposalRecord, ErasureDecision
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.retention.factories import closed_case
from tests.retention.search import tables_containing

pytestmark = pytest.mark.django_db
D = datetime.date
CLOSED = D(2025, 6, 30)  # the case's closure; the court rule is due on 2028-06-30
ASKED = D(2025, 9, 1)


def _closed_request(adult, closed_on, *, right=PrivacyRequest.Right.ACCESS):
    request = PrivacyRequest(
        subject_adult=adult,
        right=right,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=ASKED,
        details="Fictional: please send everything you hold about me (Quillon Ashdown).",
        identity_evidence="Fictional passport",
        identity_verified_on=ASKED,
    )
    request.label_subject()
    request.save()
    request.status = PrivacyRequest.Status.COMPLETED
    request.response = "Fictional: pack sent to Quillon Ashdown at 9 Marrowdale Close."
    request.closed_on = closed_on
    request.save()
    return request


def _entry(request, due_on):
    return {
        "rule": "privacy-request",
        "kind": "privacy-request",
        "ref": request.reference,
        "due_on": due_on,
        "action": "dispose",
    }


def _dispose(manager, as_of, django_capture_on_commit_callbacks, **which):
    retention_sweep(as_of=as_of)
    approved = disposal_approve(actor=manager, **which)
    with django_capture_on_commit_callbacks(execute=True):
        dispose_approved(today=as_of)
    return approved


def test_a_closed_request_falls_due_two_years_after_its_closure_and_not_a_day_before():
    case = closed_case(CLOSED)
    request = _closed_request(case.adults.first(), D(2025, 10, 15))

    assert _entry(request, "2027-10-15") not in dry_run(D(2027, 10, 14))["due"]
    assert _entry(request, "2027-10-15") in dry_run(D(2027, 10, 15))["due"]


def test_an_open_request_is_never_due():
    case = closed_case(CLOSED)
    request = _closed_request(case.adults.first(), D(2025, 10, 15))
    request.status, request.closed_on = PrivacyRequest.Status.IN_PROGRESS, None
    request.save()

    assert [e for e in dry_run(D(2099, 1, 1))["due"] if e["rule"] == "privacy-request"] == []


def test_a_request_about_a_person_under_a_legal_hold_is_held_not_due(manager):
    from safeguarding.holds import hold_place
    from safeguarding.models import Hold

    case = closed_case(CLOSED)
    adult = case.adults.first()
    request = _closed_request(adult, D(2025, 10, 15))
    hold_place(
        hold=Hold(
            adult=adult,
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=D(2028, 1, 1),
        ),
        actor=manager,
    )

    report = dry_run(D(2027, 10, 15))

    assert _entry(request, "2027-10-15") not in report["due"]
    assert [e["holds"] for e in report["held"] if e["ref"] == request.reference] == [["legal"]]


def test_disposing_of_a_request_takes_its_pack_pauses_records_erasure_decisions_and_history(
    manager, staff, django_capture_on_commit_callbacks
):
    case = closed_case(CLOSED)
    adult = case.adults.first()
    request = _closed_request(adult, D(2025, 10, 15))
    ClarificationPause.objects.create(request=request, asked_on=ASKED, answered_on=ASKED)
    key = f"referrals.adult:{adult.pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
    pack_build(request=request, actor=staff)
    ErasureDecision.objects.create(
        request_reference=request.reference,
        record_type="referrals.adult",
        object_id=adult.pk,
        kind="Adult of a case",
        ref=f"AD-{adult.pk:04d}",
        outcome=ErasureDecision.Outcome.KEPT,
        exemption="Fictional: a court order.",
        decided_by_name="Fictional Manager",
    )

    assert (
        _dispose(
            manager, D(2027, 10, 15), django_capture_on_commit_callbacks, rule="privacy-request"
        )
        == 1
    )

    assert not PrivacyRequest.objects.filter(pk=request.pk).exists()
    assert not PrivacyRequest.history.filter(id=request.pk).exists()
    assert not ResponsePack.objects.exists()
    assert not ClarificationPause.objects.exists()
    assert not RequestRecord.objects.exists()
    assert not ErasureDecision.objects.filter(request_reference=request.reference).exists()
    proof = DisposalRecord.objects.get(rule="privacy-request")
    assert (proof.kind, proof.ref) == ("privacy-request", request.reference)
    if connection.vendor == "postgresql":
        assert tables_containing("Quillon") == {}
        assert tables_containing("Marrowdale") == {}


def test_when_the_case_goes_first_a_released_packs_copy_goes_and_that_it_was_released_stays(
    manager, staff, django_capture_on_commit_callbacks
):
    today = D(2026, 12, 10)
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, 0), tick=False):
        case = closed_case(CLOSED, rule="contact-self")  # due 2026-06-30
        adult = case.adults.first()
        adult.first_name = "Quillon"
        adult.save()
        request = _closed_request(adult, D(2025, 10, 15))  # due 2027-10-15
        key = f"referrals.adult:{adult.pk}"
        request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
        pack = pack_build(request=request, actor=staff)
        pack_release(pack=pack, actor=manager)
        assert "Quillon" in str(ResponsePack.objects.get().sections)

        _dispose(manager, today, django_capture_on_commit_callbacks, rule="contact-self")

    assert dry_run(today)["due"] == []  # the case went; the request is not due yet
    pack.refresh_from_db()
    assert pack.sections == []
    assert pack.copy_destroyed_on == today
    assert pack.released_at is not None
    assert pack.released_by == manager
    request.refresh_from_db()
    assert request.subject_label.startswith("AD-")
    assert "Quillon" not in str(list(ResponsePack.objects.values_list()))


def test_a_restriction_goes_with_the_person_it_restricted(
    manager, django_capture_on_commit_callbacks
):
    case = closed_case(CLOSED)
    standing = restriction_place(
        restriction=Restriction(
            subject_adult=case.adults.first(), reason="Fictional: accuracy contested."
        ),
        actor=manager,
    )
    lifted = restriction_place(
        restriction=Restriction(
            subject_child=case.children.first(), reason="Fictional: objection made."
        ),
        actor=manager,
    )
    restriction_lift(restriction=lifted, reason="Fictional: objection withdrawn.", actor=manager)
    other = closed_case(D(2026, 6, 30))
    kept = restriction_place(
        restriction=Restriction(subject_adult=other.adults.first(), reason="Fictional."),
        actor=manager,
    )

    _dispose(manager, D(2028, 6, 30), django_capture_on_commit_callbacks, rule="contact-court")

    assert list(Restriction.objects.all()) == [kept]
    assert not Restriction.history.filter(id__in=[standing.pk, lifted.pk]).exists()


def test_a_pack_of_a_request_about_someone_the_centre_never_held_is_left_alone_by_any_purge(
    manager, staff, django_capture_on_commit_callbacks
):
    named = PrivacyRequest(
        subject_name="Fictional Rosalind Quarry",
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=ASKED,
    )
    named.save()
    ResponsePack.objects.create(request=named, sections=[{"title": "Fictional", "items": []}])
    closed_case(CLOSED)

    _dispose(manager, D(2028, 6, 30), django_capture_on_commit_callbacks, rule="contact-court")

    assert ResponsePack.objects.get().sections == [{"title": "Fictional", "items": []}]
