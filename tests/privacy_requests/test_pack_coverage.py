"""A response pack holds every kind of personal data the apps declare: for each declared
kind, a requester holding such a record receives it in their pack, or is told it is
withheld and under which exemption. And the Article 15(1) information at its head comes
from what is live: the retention rules and the disclosure log. Every name, address and
number is invented."""

import datetime

import pytest
from django.utils import timezone

from attendance.models import ReportRecipient, SupervisedReport, Tap
from centre.models import Disclosure
from centre.services import record_save
from core.declarations import EXEMPTIONS, PersonalData, declarations
from privacy_requests.finding import request_records_confirm
from privacy_requests.models import PrivacyRequest
from privacy_requests.pack import INFORMATION, pack_build
from referrals.models import CaseDocument
from retention.models import Rule
from safeguarding.accident_services import accident_record
from safeguarding.holds import hold_place
from safeguarding.models import Accident, Concern, Hold, IncidentAction, IncidentChild
from safeguarding.services import concern_raise
from tests.attendance.factories import BookingFactory, TapFactory
from tests.factories import (
    DBSCheckFactory,
    ParentalLeaveFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
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
)
from tests.retention.factories import incident_about


@pytest.fixture
def family(db, manager):
    case = CaseFactory(
        referral__risk_notes="Fictional: Marigold asked for separate entrances.",
        referral__access_needs="Step-free access for Marigold.",
        referral__notes="Fictional: referred after mediation.",
    )
    asker = AdultFactory(
        case=case,
        role="visiting",
        first_name="Marigold",
        last_name="Pennyworth",
        email="marigold@example.test",
        phone="07700 900 101",
        has_parental_responsibility=True,
    )
    AdultFactory(
        case=case,
        role="resident",
        first_name="Barnaby",
        last_name="Thistlewick",
        date_of_birth=datetime.date(1988, 2, 3),
        phone="07700 900 777",
        contact_details_confidential=True,
    )
    child = ChildFactory(case=case, first_name="Pip", last_name="Pennyworth")
    member = StaffMemberFactory(first_name="Hollis", last_name="Gatewright", user=manager)
    return {"case": case, "asker": asker, "child": child, "member": member, "user": manager}


def _report(family):
    booking = BookingFactory(case=family["case"], status="attended")
    return record_save(
        record=SupervisedReport(
            booking=booking,
            author=family["user"],
            who_attended="Marigold and Pip",
            started_at=datetime.time(10, 0),
            ended_at=datetime.time(11, 0),
            observations="Fictional: Marigold read a story with Pip.",
        )
    )


def _concern(family):
    return concern_raise(
        concern=Concern(
            case=family["case"],
            where="Main hall",
            what_happened="Fictional: Marigold was upset at handover.",
            action_taken="A volunteer sat with her.",
        ),
        children=[family["child"]],
        actor=family["user"],
    )


def _incident(family):
    return incident_about(family["case"], family["child"].date_of_birth)


# How to make, for the family's requester, a record of each declared kind. A kind
# declared later and missing here fails the test below: add it, and the pack is checked.
MAKERS = {
    "referrals.adult": lambda f: f["asker"],
    "referrals.child": lambda f: f["child"],
    "referrals.case": lambda f: f["case"],
    "referrals.referral": lambda f: f["case"].referral,
    "referrals.protectiveorder": lambda f: ProtectiveOrderFactory(
        case=f["case"], names="Marigold Pennyworth", notes="Fictional: until further order."
    ),
    "referrals.previsit": lambda f: PreVisitFactory(
        case=f["case"],
        adult=f["asker"],
        arrangements="Arrives by bus at 10:00.",
        who_may_collect="Nobody else.",
        emergency_contact="Her sister, 07700 900 202",
        risks_disclosed="None disclosed.",
        privacy_notice_version="2026-1",
        notes="Fictional: friendly.",
    ),
    "referrals.consent": lambda f: ConsentFactory(case=f["case"], given_by=f["asker"]),
    "referrals.communication": lambda f: CommunicationFactory(
        case=f["case"], with_whom="Marigold Pennyworth", summary="Asked about Saturday."
    ),
    "referrals.casedocument": lambda f: CaseDocumentFactory(
        case=f["case"], kind=CaseDocument.Kind.COURT_ORDER, title="Child arrangements order"
    ),
    "attendance.booking": lambda f: BookingFactory(
        case=f["case"], not_to_collect="Nobody named", notes="Fictional: on time."
    ),
    "attendance.tap": lambda f: TapFactory(
        booking=BookingFactory(case=f["case"]), kind=Tap.Kind.VISITING_ARRIVED
    ),
    "attendance.supervisedreport": _report,
    "attendance.reportrecipient": lambda f: record_save(
        record=ReportRecipient(
            report=_report(f), kind="parent", name="Marigold Pennyworth", adult=f["asker"]
        )
    ),
    "safeguarding.concern": _concern,
    "safeguarding.incident": _incident,
    "safeguarding.incidentaction": lambda f: record_save(
        record=IncidentAction(
            incident=_incident(f),
            kind=IncidentAction.Kind.PARENTS_INFORMED,
            taken_on=datetime.date(2026, 11, 20),
            notes="Fictional: told Marigold by phone.",
        )
    ),
    "safeguarding.incidentchild": lambda f: record_save(
        record=IncidentChild(
            incident=_incident(f),
            child=f["child"],
            name="Pip Pennyworth",
            date_of_birth=f["child"].date_of_birth,
        )
    ),
    "safeguarding.accident": lambda f: accident_record(
        accident=Accident(
            child=f["child"],
            occurred_at=timezone.now() - datetime.timedelta(days=3),
            where="Garden",
            what_happened="Fictional: grazed a knee.",
            first_aid_given="Plaster.",
            who_was_told="Marigold, at collection.",
        )
    ),
    "safeguarding.hold": lambda f: hold_place(
        hold=Hold(
            adult=f["asker"],
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=timezone.localdate() + datetime.timedelta(days=30),
        ),
        actor=f["user"],
    ),
    "centre.staffmember": lambda f: f["member"],
    "centre.dbscheck": lambda f: DBSCheckFactory(staff_member=f["member"], outcome="Clear."),
    "centre.staffdocument": lambda f: StaffDocumentFactory(staff_member=f["member"]),
    "centre.parentalleave": lambda f: ParentalLeaveFactory(staff_member=f["member"]),
    "centre.user": lambda f: f["user"],
    "centre.disclosure": lambda f: record_save(
        record=Disclosure(
            recipient="Cafcass (fictional office)",
            recipient_type=Disclosure.RecipientType.CAFCASS,
            what="Supervised contact report",
            basis_kind=Disclosure.Basis.COURT_ORDER,
            basis="Fictional order of 1 October 2026",
            person_kind="adult",
            person_id=f["asker"].pk,
            case_reference=f["case"].display_reference,
        )
    ),
}


def _requester(declaration, family):
    """Who holds a record of this kind: the adult where it links to an adult or to the
    case, else the child, else the staff member."""
    for subject, field, record_type in (
        ("adult", "subject_adult", "referrals.adult"),
        ("case", "subject_adult", "referrals.adult"),
        ("child", "subject_child", "referrals.child"),
        ("staff-member", "subject_staff_member", "centre.staffmember"),
    ):
        if subject in declaration.links:
            person = {"subject_adult": "asker", "subject_child": "child"}.get(field, "member")
            return field, family[person], record_type
    return None


def _pack_for(family, field, person, record_type, *, extra_keys=()):
    request = PrivacyRequest(
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=datetime.date(2026, 11, 1),
        **{field: person},
    )
    request.label_subject()
    record_save(record=request)
    keys = [f"{record_type}:{person.pk}", *extra_keys]
    request_records_confirm(request=request, shown=keys, chosen=keys, actor=None)
    return pack_build(request=request, actor=None)


def _value_given(record, path):
    value = record
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    if hasattr(value, "all") and callable(value.all):
        return list(value.all()) or None
    return None if value == "" else value


@pytest.mark.parametrize(
    "kind", [declaration.kind for declaration in declarations.personal_data], ids=str
)
def test_every_declared_kind_reaches_the_pack_or_is_withheld_with_its_exemption(kind, family):
    [declaration] = [d for d in declarations.personal_data if d.kind == kind]
    assert declaration.record_type in MAKERS, (
        f"Add a maker for {declaration.record_type} to MAKERS: the pack is checked for it."
    )
    assert declaration.category and declaration.purpose and declaration.lawful_basis, kind
    assert declaration.source and declaration.retention, kind
    record = MAKERS[declaration.record_type](family)
    requester = _requester(declaration, family)
    if requester is None:
        pytest.fail(f"{kind} declares no link to a requester: no pack would ever hold it")
    pack = _pack_for(family, *requester)
    key = f"{declaration.record_type}:{record.pk}"
    sections = [s for s in pack.sections if s.get("record") == key]
    assert sections, f"{kind} {key} is neither in the pack nor withheld"
    [section] = sections
    items = {item["field"]: item for item in section["items"]}
    for name, label in declaration.pack_fields:
        if _value_given(record, name) is None:
            continue
        assert name in items, f"{kind}: {label} is left out of the pack"
        item = items[name]
        assert not item["redact"] or item["withheld"] in EXEMPTIONS, (
            f"{kind}: {label} is held back without an exemption recorded"
        )


def test_safeguarding_content_that_reveals_the_other_parent_is_withheld_with_its_exemption(
    family,
):
    incident = incident_about(family["case"], family["child"].date_of_birth)
    incident.summary = "Fictional: Barnaby Thistlewick now lives at 9 Sanctuary Close."
    incident.save()
    pack = _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
    [section] = [
        s for s in pack.sections if s.get("record") == f"safeguarding.incident:{incident.pk}"
    ]
    [summary] = [i for i in section["items"] if i["field"] == "summary"]
    assert summary["redact"] and summary["withheld"] == "third-party"
    assert summary["reason"] == EXEMPTIONS["third-party"]
    assert summary["confidential"]  # hers: only the manager may release it


def test_a_legal_holds_reasons_are_withheld_as_privileged(family):
    MAKERS["safeguarding.hold"](family)
    pack = _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
    [reason] = [
        item
        for section in pack.sections
        if section.get("kind") == "Hold"
        for item in section["items"]
        if item["field"] == "reason"
    ]
    assert reason["withheld"] == "privilege" and reason["redact"]


def test_a_field_declared_later_reaches_the_next_pack_without_touching_the_pack(
    family, monkeypatch
):
    from referrals.models import Adult

    later = PersonalData(
        kind="Adult's relationship (declared later)",
        records=lambda: Adult.objects.all(),
        describe=lambda adult: f"AD-{adult.pk:04d}",
        pack_fields=(("relationship", "How they are related to the child"),),
        links={"adult": "pk"},
        category="Declared later",
        purpose="A test",
        lawful_basis="A test",
        source="A test",
        retention=("contact-self",),
    )
    declared = [*declarations.personal_data, later]
    monkeypatch.setattr(type(declarations), "personal_data", property(lambda _: declared))
    family["asker"].relationship = "Mother"
    family["asker"].save()
    pack = _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
    labels = [item["label"] for section in pack.sections for item in section["items"]]
    assert "How they are related to the child" in labels


def _information(pack):
    [section] = [s for s in pack.sections if s["title"] == INFORMATION]
    assert pack.sections[0] is section  # the pack opens with it
    return [(item["label"], "".join(p["text"] for p in item["parts"])) for item in section["items"]]


def test_the_pack_opens_with_the_article_15_information_from_the_live_rules(family):
    rule = Rule.objects.get(key="contact-self")
    rule.period_months = 18
    rule.save()
    pack = _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
    information = _information(pack)
    kept = [text for label, text in information if label == "How long we keep it"]
    assert any("after 18 months" in text for text in kept), kept
    rule.period_months = 24
    rule.save()
    kept = [
        text
        for label, text in _information(
            _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
        )
        if label == "How long we keep it"
    ]
    assert any("after 2 years" in text for text in kept), kept
    labels = {label for label, _text in information}
    for label in (
        "What we hold about you",
        "Why we hold it",
        "On what lawful basis",
        "Who it has been disclosed to",
        "Where it came from",
        "Your right to have it corrected",
        "Your right to have it erased",
        "Your right to restrict its use",
        "Your right to object",
        "Your right to data portability",
        "Your right to complain",
        "Automated decisions",
    ):
        assert label in labels, label
    assert ("Where it came from", "Referred to us by: Self-referral") in information
    assert any("Information Commissioner" in text for _label, text in information)


def test_the_recipients_come_from_the_disclosure_log(family):
    before = _information(_pack_for(family, "subject_adult", family["asker"], "referrals.adult"))
    assert (
        "Who it has been disclosed to",
        "We have not disclosed your information to anyone outside the centre.",
    ) in before
    MAKERS["centre.disclosure"](family)
    # A disclosure about the other parent is hers, not the requester's.
    record_save(
        record=Disclosure(
            recipient="Fictional Police Station",
            recipient_type=Disclosure.RecipientType.POLICE,
            what="Fictional statement",
            basis="Fictional request",
            person_kind="adult",
            person_id=family["case"].adults.exclude(pk=family["asker"].pk).get().pk,
            case_reference=family["case"].display_reference,
        )
    )
    after = _information(_pack_for(family, "subject_adult", family["asker"], "referrals.adult"))
    recipients = [text for label, text in after if label == "Who it has been disclosed to"]
    assert recipients == ["Cafcass: Cafcass (fictional office)"]


def test_a_parent_asking_for_a_childs_data_is_refused_child_abuse_data_under_schedule_3(family):
    incident = incident_about(family["case"], family["child"].date_of_birth)
    incident.summary = "Fictional: Barnaby Thistlewick hit Pip; he lives at 9 Sanctuary Close."
    incident.save()
    request = PrivacyRequest(
        subject_child=family["child"],
        made_by_subject=False,
        requester_name="Marigold Pennyworth",
        authority_evidence="Fictional birth certificate: parental responsibility",
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=datetime.date(2026, 11, 1),
    )
    request.label_subject()
    record_save(record=request)
    key = f"referrals.child:{family['child'].pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
    pack = pack_build(request=request, actor=None)
    [summary] = [
        item
        for section in pack.sections
        if section.get("record") == f"safeguarding.incident:{incident.pk}"
        for item in section["items"]
        if item["field"] == "summary"
    ]
    assert summary["withheld"] == "child-abuse"
    assert summary["reason"] == EXEMPTIONS["child-abuse"]


def test_a_communication_with_another_person_is_withheld_but_its_date_is_listed(family):
    communication = CommunicationFactory(
        case=family["case"], with_whom="Barnaby Thistlewick", summary="Asked to move Saturday."
    )
    pack = _pack_for(family, "subject_adult", family["asker"], "referrals.adult")
    [section] = [
        s for s in pack.sections if s.get("record") == f"referrals.communication:{communication.pk}"
    ]
    items = {item["field"]: item for item in section["items"]}
    for name in ("with_whom", "summary"):
        assert items[name]["withheld"] == "third-party" and items[name]["redact"]
    assert not items["occurred_on"]["redact"] and not items["kind"]["redact"]
