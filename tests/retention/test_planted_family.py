"""Proof that nothing is left (issue 16): one fictional family planted in every kind of
record the product has, through its services and pages; the clocks moved on until every
rule has run; the sweep, the manager's approval and the disposal; then every text column
of every table and every stored file searched for the family, in the forms a person types
them. What remains is only what a rule keeps on purpose, listed below with why."""

import datetime
import json
import os

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attendance import tasks as attendance_tasks
from centre import tasks as centre_tasks
from centre.disclosures import disclosure_record
from centre.models import Disclosure, person_reference
from centre.services import record_save
from core.declarations import NoPersonalData, declarations
from privacy_requests.finding import request_records_confirm
from privacy_requests.models import Complaint, PrivacyRequest, Restriction
from privacy_requests.pack import pack_build, pack_release
from privacy_requests.restrictions import restriction_lift, restriction_place
from privacy_requests.services import (
    complaint_acknowledge,
    complaint_log,
    complaint_record_investigation,
    complaint_resolve,
    privacy_request_ask_clarification,
    privacy_request_clarification_answered,
    privacy_request_complete,
)
from referrals.models import Adult, Case, Child
from retention import erasure, tasks
from retention.engine import dry_run
from retention.models import DisposalRecord, ErasureDecision, QueueItem
from retention.services import disposal_approve
from safeguarding.accident_services import accident_record
from safeguarding.holds import hold_place
from safeguarding.incident_services import incident_action_add, incident_close, incident_open
from safeguarding.models import Accident, Concern, Hold, Incident, IncidentAction
from safeguarding.services import concern_raise
from tests.factories import PDF_BYTES
from tests.referrals.factories import ChildFactory
from tests.retention.search import tables_containing
from tests.retention.test_disposal import (  # noqa: F401
    ADULT_ONE,
    ADULT_TWO,
    CHILD,
    GONE_CHILD,
    checker,
    files_on_disk,
    rich_case,
)

PLANTED_AT = datetime.datetime(2026, 11, 29, 12, 0)
# Long enough for every rule to have run for Marigold (born 2017-10-23, 25 in 2042), not
# yet for her sister Juniper (born 2024-03-09, 25 in 2049); then past Juniper's 25th.
FAR = datetime.datetime(2045, 1, 6, 12, 0)
FARTHER = datetime.datetime(2049, 6, 1, 12, 0)
YOUNGEST = {"first_name": "Juniper", "last_name": "Quillfeather"}
PHRASE = "lantern-heron-quietude"

# The family of rich_case (test_disposal.py), the referrer, and the youngest sister below.
NAMES = [
    *dict.fromkeys(
        name for person in (ADULT_ONE, ADULT_TWO, CHILD, GONE_CHILD) for name in person.values()
    ),
    "Ottoline Fairweather",
    "Juniper",
]
ADDRESSES = ["Larkspur", "Exampleton", "EX1 7ZZ", "EX17ZZ", "ex1 7zz"]
PHONES = ["07700 900987", "07700 900654"]
EMAILS = ["zephyrine.q@example.test", "ZEPHYRINE.Q@EXAMPLE.TEST"]
BIRTHS = [
    datetime.date(1983, 4, 17),
    datetime.date(1978, 12, 2),
    datetime.date(2017, 10, 23),
    datetime.date(2019, 2, 14),
    datetime.date(2024, 3, 9),
]


def phone_forms(phone):
    """A UK mobile number as people type it: with and without spaces, and as +44."""
    bare = phone.replace(" ", "")
    national = bare[1:]
    return [phone, bare, f"+44 {national[:4]} {national[4:]}", f"+44{national}"]


MARKERS = [
    *NAMES,
    *ADDRESSES,
    *(form for phone in PHONES for form in phone_forms(phone)),
    *EMAILS,
    *(born.isoformat() for born in BIRTHS),
    *(born.strftime("%d/%m/%Y") for born in BIRTHS),
    PHRASE,
]

# What a rule keeps on purpose once the case has gone, at FAR: {table: why}. A marker
# found anywhere else is a trace; at FARTHER nothing is kept.
WHY_CONCERN = (
    "A concern about Juniper, who is not yet 25: child-safeguarding keeps it, with its copy "
    "of her name and date of birth (children_names) and what was seen, until the review "
    "when she turns 25 (2049-03-09), after her case has gone"
)
KEPT = {
    "safeguarding_concern": WHY_CONCERN,
    "safeguarding_historicalconcern": "The history of the concern about Juniper, kept with it",
}
KEPT_MARKERS = {"Juniper", "Quillfeather", PHRASE, "2024-03-09", "09/03/2024"}
# The case's reference is kept on purpose where the product keeps references, never names:
# the disclosure log (the entries recorded by hand and for the released pack, with no end)
# and the proofs of disposal (seven years).
REFERENCE_KEPT = {"centre_disclosure", "retention_disposalrecord"}

# Declared models holding personal data that this family cannot fill, and why. Every
# other declared model must hold a row of the family before the disposal: a model
# declared later that the test does not fill fails it.
STAFF_ONLY = "the family are not staff: the HR file's route has its own tests (test_disposal)"
NOT_THE_FAMILYS = {
    "axes.accessattempt": "failed sign-ins to staff accounts (the family has no account)",
    "axes.accessattemptexpiration": "failed sign-ins to staff accounts",
    "centre.passwordresetask": "a request for a staff account's password-reset link",
    "otp_static.staticdevice": "a staff account's second factor",
    "otp_static.statictoken": "a staff account's second factor",
    "centre.centreprofile": "the centre's own details, about no family",
    "centre.staffmember": STAFF_ONLY,
    "centre.dbscheck": STAFF_ONLY,
    "centre.staffdocument": STAFF_ONLY,
    "centre.parentalleave": STAFF_ONLY,
    "centre.financerecord": "the centre's accounts, about no family",
    "retention.queueitem": "made by the sweep below, and checked empty after the disposal",
    "retention.disposalrecord": "made by the disposal below, and checked after it",
}


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the whole-database search uses PostgreSQL's row-to-text cast")


def plant(manager, staff, checker, client):  # noqa: F811
    """The family in every kind of record, through the product's services and pages."""
    case, concern, _child_pk = rich_case(staff, checker)
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    visiting = case.adults.get(role=Adult.Role.VISITING)
    child = case.children.get()
    # A letter uploaded on the case's page, naming the family inside the file.
    client.force_login(manager)
    letter = PDF_BYTES.replace(
        b"%%EOF", f"% Zephyrine Quillfeather, 17 Larkspur Crescent, {PHRASE}\n%%EOF".encode()
    )
    response = client.post(
        reverse("referrals:document_create", args=[case.pk]),
        {
            "kind": "letter",
            "title": "Letter to Zephyrine Quillfeather",
            "file": SimpleUploadedFile("Zephyrine.pdf", letter, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Her younger sister, and a concern about her alone: under the review at 25 it
    # outlives the case (KEPT), until she turns 25.
    youngest = ChildFactory(case=case, date_of_birth=datetime.date(2024, 3, 9), **YOUNGEST)
    concern_raise(
        concern=Concern(
            case=case,
            what_happened=f"Fictional: Juniper repeated {PHRASE} to a volunteer.",
        ),
        children=[youngest],
        actor=staff,
    )
    # A concern in the family's own words, and the incident opened from it.
    concern.what_happened = f"Fictional: Marigold said {PHRASE} twice."
    record_save(record=concern, actor=staff)
    incident = incident_open(
        incident=Incident(
            occurred_on=datetime.date(2026, 11, 2),
            summary=f"Fictional: Zephyrine reported {PHRASE} at handover.",
        ),
        concern=concern,
        actor=manager,
    )
    incident_action_add(
        action=IncidentAction(
            incident=incident,
            kind=IncidentAction.Kind.PARENTS_INFORMED,
            taken_on=datetime.date(2026, 11, 3),
            notes=f"Fictional: told Zephyrine by phone on 07700 900987, {PHRASE}.",
        ),
        actor=manager,
    )
    incident_close(
        incident=incident,
        outcome=f"Fictional: advice given; {PHRASE} resolved.",
        closed_on=datetime.date(2026, 11, 20),
        actor=manager,
    )
    accident_record(
        accident=Accident(
            child=child,
            occurred_at=timezone.now() - datetime.timedelta(days=20),
            what_happened=f"Fictional: Marigold tripped near the {PHRASE} mural.",
            first_aid_given="Cleaned and plastered.",
        ),
        actor=staff,
    )
    # A subject access request, answered with a released response pack, then completed.
    request = PrivacyRequest(
        subject_adult=resident,
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.EMAIL,
        received_on=datetime.date(2026, 11, 3),
        requester_name="Zephyrine Quillfeather",
        details=f"Fictional: please send me all you hold, {PHRASE}.",
        identity_evidence="Fictional passport seen",
        identity_verified_on=datetime.date(2026, 11, 4),
    )
    request.label_subject()
    request = record_save(record=request, actor=staff)
    privacy_request_ask_clarification(
        privacy_request=request,
        asked_on=datetime.date(2026, 11, 5),
        asked_for=f"Fictional: which letters to Zephyrine, {PHRASE}?",
        actor=staff,
    )
    privacy_request_clarification_answered(
        privacy_request=request, answered_on=datetime.date(2026, 11, 9), actor=staff
    )
    key = f"referrals.adult:{resident.pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=staff)
    pack = pack_build(request=request, actor=staff)
    pack_release(pack=pack, actor=manager)
    privacy_request_complete(
        privacy_request=request, response="Fictional: the pack was sent.", actor=manager
    )
    # An erasure request about the other parent, decided.
    erasure_request = record_save(
        record=PrivacyRequest(
            subject_adult=visiting,
            right=PrivacyRequest.Right.ERASURE,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=datetime.date(2026, 11, 5),
            details=f"Fictional: Bartholomew asks to be forgotten, {PHRASE}.",
        ),
        actor=staff,
    )
    erasure.erasure_queue(
        request_reference=erasure_request.reference,
        subject="adult",
        subject_id=visiting.pk,
        actor=manager,
    )
    privacy_request_complete(
        privacy_request=erasure_request,
        response="Fictional: erased where no exemption applies.",
        actor=manager,
    )
    # A restriction placed and lifted (a standing one holds the person); a complaint.
    lifted = restriction_place(
        restriction=Restriction(
            subject_adult=resident,
            reason=f"Fictional: Zephyrine contests her address, {PHRASE}.",
        ),
        actor=manager,
    )
    restriction_lift(restriction=lifted, reason="Fictional: checked and corrected.", actor=manager)
    complaint = complaint_log(
        complaint=Complaint(
            subject_adult=resident,
            received_on=datetime.date(2026, 11, 6),
            channel=PrivacyRequest.Channel.EMAIL,
            complainant_name="Zephyrine Quillfeather",
            summary=f"Fictional: the letter to 17 Larkspur Crescent, {PHRASE}.",
        ),
        actor=staff,
    )
    complaint_acknowledge(
        complaint=complaint, acknowledged_on=datetime.date(2026, 11, 7), actor=manager
    )
    complaint_record_investigation(
        complaint=complaint,
        investigation=f"Fictional: Zephyrine was right, {PHRASE}.",
        actor=manager,
    )
    complaint_resolve(
        complaint=complaint,
        outcome="Fictional: an apology was sent to zephyrine.q@example.test.",
        resolved_on=datetime.date(2026, 11, 20),
        actor=manager,
    )
    # A disclosure recorded by hand.
    reference = case.display_reference
    disclosure_record(
        disclosure=Disclosure(
            recipient="Fictional county court",
            recipient_type=Disclosure.RecipientType.COURT,
            what=f"Zephyrine Quillfeather's attendance, {PHRASE}",
            basis_kind=Disclosure.Basis.COURT_ORDER,
            basis="Fictional order of 2 November 2026 naming Bartholomew",
            person_told=Disclosure.PersonTold.YES,
            case_reference=reference,
            person_kind=Disclosure.PersonKind.ADULT,
            person_id=resident.pk,
            person_label=person_reference("adult", resident.pk, reference),
        ),
        actor=staff,
    )
    # A legal hold placed, then lifted on its page: a flash message in django_session.
    hold = hold_place(
        hold=Hold(
            case=case,
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim was expected.",
            review_on=datetime.date(2027, 1, 29),
        ),
        actor=manager,
    )
    # The incident's own safeguarding hold is lifted too, once it is closed: its records
    # then go on the child-safeguarding rule's own clock (the review at 25).
    for hold in Hold.objects.all():
        response = client.post(
            reverse("safeguarding:hold_lift", args=[hold.pk]),
            {"lift_reason": "Fictional: no claim was made; the incident is closed."},
        )
        assert response.status_code == 302
    return case


def declared_models_without_rows():
    """The declared models holding personal data that hold no row, or whose history
    (django-simple-history) holds none."""
    empty = []
    for label, record in declarations.records.items():
        if isinstance(record.retention, NoPersonalData) or label in NOT_THE_FAMILYS:
            continue
        model = apps.get_model(label)
        if not model._base_manager.exists():
            empty.append(label)
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        history = getattr(model, manager) if manager else None
        if history is not None and not history.exists():
            empty.append(f"{label} (its history)")
    return sorted(empty)


def stored_files_containing(marker):
    """The stored files whose name or bytes hold ``marker``."""
    found = []
    needle = marker.lower().encode()
    for name in files_on_disk():
        with open(os.path.join(settings.UPLOAD_ROOT, name), "rb") as stored:
            if needle in name.lower().encode() or needle in stored.read().lower():
                found.append(name)
    return found


def sessions_containing(marker):
    """The sessions whose decoded data (flash messages included) holds ``marker``: the
    session table stores it encoded, where the search of text columns cannot see it."""
    return [
        session.pk
        for session in Session.objects.all()
        if marker.lower() in json.dumps(session.get_decoded()).lower()
    ]


def markers_left():
    """``{marker: {table: rows}}`` of the markers found anywhere, and ``{marker:
    [session]}`` of those in a session or a stored file."""
    tables = {marker: tables_containing(marker) for marker in MARKERS}
    elsewhere = {
        marker: sessions_containing(marker) + stored_files_containing(marker) for marker in MARKERS
    }
    return (
        {marker: found for marker, found in tables.items() if found},
        {marker: found for marker, found in elsewhere.items() if found},
    )


def a_night(manager):
    """What runs each night, then the manager's approval of all the sweep found and the
    worker's disposal, until nothing more falls due (a disposal can free what it held)."""
    centre_tasks.forget_expired_sign_in_records()
    attendance_tasks.expire_unbooked_sessions()
    for _round in range(4):
        tasks.sweep()
        if not disposal_approve(actor=manager):
            return
        tasks.dispose_approved()


def test_a_family_planted_in_every_record_leaves_no_trace_but_what_a_rule_keeps(
    postgres,
    manager,
    staff,
    checker,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    with (
        time_machine.travel(PLANTED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = plant(manager, staff, checker, client)
    case_ref = case.display_reference
    # Every kind of record holds the family, and the searches find what they look for.
    empty = declared_models_without_rows()
    assert empty == [], " ".join(empty)
    for marker in (NAMES[0], PHONES[0], BIRTHS[0].isoformat(), EMAILS[1], PHRASE, "EX17ZZ"):
        assert tables_containing(marker), marker
    assert stored_files_containing(PHRASE) and stored_files_containing("Quillfeather")
    assert sessions_containing(case_ref)  # the flash message of the hold lifted
    # Far in the future the dry run lists, under due or held, every kind of record the
    # family is in that has a rule of its own; the rest go with those (test_declarations).
    report = dry_run(datetime.date(2099, 1, 1))
    listed = {(entry["rule"], entry["kind"]) for entry in report["due"] + report["held"]}
    unlisted = [
        retainable.name
        for retainable in declarations.retainables
        if retainable.records().exists() and (retainable.rule, retainable.kind) not in listed
    ]
    assert unlisted == []

    with time_machine.travel(FAR, tick=False), django_capture_on_commit_callbacks(execute=True):
        a_night(manager)

    assert not Case.objects.exists() and not Adult.objects.exists()
    assert not Child.objects.exists() and not QueueItem.objects.exists()
    in_tables, elsewhere = markers_left()
    unexplained = {
        marker: {table: rows for table, rows in found.items() if table not in KEPT}
        for marker, found in in_tables.items()
    }
    assert {marker: found for marker, found in unexplained.items() if found} == {}
    assert elsewhere == {}
    # What is kept is kept on purpose: the concern about Juniper, with nothing of the
    # others (and the list above does not outlive what it explains).
    assert set(in_tables) <= KEPT_MARKERS
    assert {table for found in in_tables.values() for table in found} == set(KEPT)
    assert set(tables_containing(case_ref)) == REFERENCE_KEPT | set(KEPT)
    assert sessions_containing(case_ref) == []
    # Every proof says the check after its disposal found nothing.
    proofs = DisposalRecord.objects.all()
    assert proofs.filter(record_type="referrals.case", ref=case_ref).exists()
    assert {(p.ref, p.trace_check) for p in proofs if p.traces_found} == set()
    assert not ErasureDecision.objects.exists()

    # Once Juniper has turned 25, the review of the concern is approved: nothing is left.
    with (
        time_machine.travel(FARTHER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        a_night(manager)

    assert markers_left() == ({}, {})
    assert set(tables_containing(case_ref)) == REFERENCE_KEPT
    assert DisposalRecord.objects.filter(record_type="safeguarding.concern").exists()
    proofs = DisposalRecord.objects.all()
    assert {(p.ref, p.trace_check) for p in proofs if p.traces_found} == set()
