"""Data portability (UK GDPR Article 20): the export is made from the reviewed response
pack only, holds only what is the person's own (their details, what they told the
centre, their consents, their attendance), is offered only where the lawful basis is
consent or contract, and is recorded as a disclosure. Every name, address and number is
invented."""

import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from centre.identifiers import digits
from centre.models import Disclosure
from centre.services import record_save
from privacy_requests.finding import request_records_confirm
from privacy_requests.models import PrivacyRequest, ResponsePack
from privacy_requests.pack import pack_build, pack_review, portability_export
from tests.attendance.factories import BookingFactory
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    PreVisitFactory,
)
from tests.retention.factories import incident_about

HER = {
    "first_name": "Barnaby",
    "last_name": "Thistlewick",
    "date_of_birth": datetime.date(1987, 9, 14),
    "email": "B.Thistlewick@example.test",
    "phone": "07700 900 777",
    "address": "Flat 2, 9 Sanctuary Close\nHidebury",
    "postcode": "ZX1 2YY",
}
SAFEGUARDING = "Fictional: she said the new school is Oakfield Primary."


@pytest.fixture
def family(db, staff):
    case = CaseFactory()
    asker = AdultFactory(
        case=case,
        role="visiting",
        first_name="Marigold",
        last_name="Pennyworth",
        date_of_birth=datetime.date(1991, 6, 2),
        email="marigold@example.test",
        phone="07700 900 101",
        address="4 Open Lane\nTownsville",
        postcode="AB1 2CD",
        has_parental_responsibility=True,
    )
    other = AdultFactory(
        case=case,
        role="resident",
        contact_details_confidential=True,
        never_disclose="Oakfield Primary",
        **HER,
    )
    child = ChildFactory(
        case=case, first_name="Pip", last_name="Pennyworth", date_of_birth=datetime.date(2019, 3, 8)
    )
    PreVisitFactory(
        case=case,
        adult=asker,
        conducted_by=staff,
        arrangements="Comes by bus; Barnaby Thistlewick must have left by then.",
        who_may_collect="Grandma June Oakes, 07700 900 321",
        emergency_contact="Grandma June Oakes, 07700 900 321",
        privacy_notice_version="2026-1",
    )
    PreVisitFactory(
        case=case,
        adult=other,
        arrangements="New number 07700 900 888, works at Fictional Bakery.",
    )
    ConsentFactory(case=case, given_by=asker, scope="Photographs at sessions")
    BookingFactory(case=case, status="attended")
    incident = incident_about(case, child.date_of_birth)
    incident.summary = SAFEGUARDING
    incident.save()
    return {"case": case, "asker": asker, "other": other, "child": child}


@pytest.fixture
def portability_request(family):
    request = PrivacyRequest(
        subject_adult=family["asker"],
        right=PrivacyRequest.Right.PORTABILITY,
        channel=PrivacyRequest.Channel.EMAIL,
        received_on=datetime.date(2026, 11, 1),
        identity_evidence="Fictional passport",
        identity_verified_on=datetime.date(2026, 11, 2),
        lawful_basis=PrivacyRequest.LawfulBasis.CONSENT,
    )
    request.label_subject()
    record_save(record=request)
    key = f"referrals.adult:{family['asker'].pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
    return request


def _review(pack, actor):
    """Save the review as built: every marked redaction kept."""
    return pack_review(
        pack=pack,
        items=[i["id"] for s in pack.sections for i in s["items"] if i["redact"]],
        parts=[p["id"] for p in pack.parts() if p["redact"]],
        actor=actor,
    )


@pytest.fixture
def reviewed(portability_request, staff):
    return _review(pack_build(request=portability_request, actor=staff), staff)


def _export(client, request):
    return client.post(reverse("privacy_requests:portability_export", args=[request.pk]))


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_cannot_be_downloaded_before_the_pack_is_built_or_reviewed(
    client, manager, staff, portability_request
):
    client.force_login(manager)
    response = _export(client, portability_request)
    assert response.status_code == 302
    assert any("Build and review the response pack first" in m for m in _messages(response))
    pack_build(request=portability_request, actor=staff)
    response = _export(client, portability_request)
    assert response.status_code == 302
    assert any("Review the response pack first" in m for m in _messages(response))
    assert not Disclosure.objects.exists()
    # Rebuilding after a review starts the review again: no download until it is redone.
    _review(ResponsePack.objects.get(), staff)
    assert _export(client, portability_request).status_code == 200
    pack_build(request=portability_request, actor=staff)
    assert _export(client, portability_request).status_code == 302
    assert Disclosure.objects.count() == 1


@pytest.mark.parametrize(
    "basis",
    ["", "legitimate", "obligation", "vital", "public_task"],
)
def test_it_is_refused_where_the_lawful_basis_does_not_allow_it(
    basis, client, manager, portability_request, reviewed
):
    portability_request.lawful_basis = basis
    portability_request.save()
    with pytest.raises(ValidationError, match="Article 20"):
        portability_export(request=portability_request, actor=manager)
    client.force_login(manager)
    response = _export(client, portability_request)
    assert response.status_code == 302
    assert any("applies only to information processed" in m for m in _messages(response))
    assert not Disclosure.objects.exists()
    for page in ("privacy_requests:pack", "privacy_requests:request_detail"):
        html = client.get(reverse(page, args=[portability_request.pk])).content.decode()
        assert "applies only to information processed" in html, page
        export_url = reverse("privacy_requests:portability_export", args=[portability_request.pk])
        assert export_url not in html, page


def test_it_is_offered_for_consent_or_contract_once_the_pack_is_reviewed(
    client, manager, portability_request, reviewed
):
    client.force_login(manager)
    export_url = reverse("privacy_requests:portability_export", args=[portability_request.pk])
    for basis in ("consent", "contract"):
        portability_request.lawful_basis = basis
        portability_request.save()
        html = client.get(reverse("privacy_requests:pack", args=[portability_request.pk]))
        assert export_url in html.content.decode()


def _exported(client, manager, request):
    client.force_login(manager)
    response = _export(client, request)
    assert response.status_code == 200, _messages(response)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode()


def test_it_holds_the_persons_own_details_what_they_told_and_their_attendance(
    client, manager, portability_request, reviewed
):
    document = json.loads(_exported(client, manager, portability_request))
    assert document["format"] == "handover-portability"
    assert document["version"] == 1
    assert document["request"] == portability_request.reference
    values = {
        (section["kind"], item["label"]): item["value"]
        for section in document["sections"]
        for item in section["items"]
    }
    assert values[("Adult of a case", "First name")] == "Marigold"
    assert values[("Adult of a case", "E-mail")] == "marigold@example.test"
    assert values[("Adult of a case", "Postcode")] == "AB1 2CD"
    assert values[("Consent", "What it covers")] == "Photographs at sessions"
    assert values[("Pre-visit", "Privacy notice given")] == "2026-1"
    assert values[("Session booking", "Attendance")] == "Attended"
    kinds = {section["kind"] for section in document["sections"]}
    assert kinds <= {"Adult of a case", "Pre-visit", "Consent", "Session booking"}


def test_it_holds_no_other_persons_name_birth_date_or_contact_details_and_no_safeguarding(
    client, manager, portability_request, reviewed, family
):
    text = _exported(client, manager, portability_request)
    lowered = text.lower()
    for word in ("barnaby", "thistlewick", "sanctuary", "hidebury", "zx1", "zx12yy", "oakfield"):
        assert word not in lowered.replace(" ", ""), word
    assert HER["email"].lower() not in lowered
    for phone in (HER["phone"], "07700 900 888", "07700 900 321"):
        assert digits(phone)[1:] not in re.sub(r"\D", "", text), phone
    for day in (HER["date_of_birth"], family["child"].date_of_birth):
        for written in (day.isoformat(), day.strftime("%d/%m/%Y")):
            assert written not in text
    for word in ("grandma", "june oakes", "bakery", "safeguarding", "school"):
        assert word not in lowered, word
    assert "Bob Stanton" not in text  # the staff member who ran the pre-visit
    assert "Pip" not in text


def test_it_never_carries_a_redacted_or_withheld_part(
    client, manager, portability_request, reviewed
):
    pack = ResponsePack.objects.get()
    held_back = [
        part["text"]
        for section in pack.sections
        for item in section["items"]
        for part in item["parts"]
        if part["reason"] or item["redact"]
    ]
    assert held_back
    document = json.loads(_exported(client, manager, portability_request))
    exported = [item["value"] for section in document["sections"] for item in section["items"]]
    for text in held_back:
        if len(text.strip()) >= 4:
            assert all(text not in value for value in exported), text


def test_a_reviewer_withholding_an_item_keeps_it_out_of_the_export(
    client, manager, staff, portability_request, reviewed
):
    from privacy_requests.pack import pack_withhold

    pack = ResponsePack.objects.get()
    [email] = [
        item
        for section in pack.sections
        if section.get("kind") == "Adult of a case"
        for item in section["items"]
        if item["field"] == "email"
    ]
    pack_withhold(pack=pack, item_id=email["id"], exemption="crime", actor=staff)
    assert "marigold@example.test" not in _exported(client, manager, portability_request)


def test_releasing_it_records_a_disclosure(client, manager, portability_request, reviewed):
    _exported(client, manager, portability_request)
    disclosure = Disclosure.objects.get()
    assert disclosure.what == (
        f"Machine-readable export for privacy request {portability_request.reference}"
    )
    assert disclosure.basis == "The person's right to data portability (UK GDPR Article 20)"
    assert disclosure.disclosed_by == manager
    assert disclosure.person_id == portability_request.subject_adult_id


def test_only_the_manager_may_download_it(client, staff, portability_request, reviewed):
    client.force_login(staff)
    assert _export(client, portability_request).status_code == 403
    assert not Disclosure.objects.exists()


def test_staff_record_the_lawful_basis_on_the_request_page_and_bad_input_saves_nothing(
    client, staff, portability_request
):
    portability_request.lawful_basis = ""
    portability_request.save()
    client.force_login(staff)
    detail = reverse("privacy_requests:request_detail", args=[portability_request.pk])
    record = reverse("privacy_requests:request_lawful_basis", args=[portability_request.pk])
    assert record in client.get(detail).content.decode()
    response = client.post(record, {"lawful_basis": "because I said so"})
    assert any("Choose the lawful basis" in m for m in _messages(response))
    portability_request.refresh_from_db()
    assert portability_request.lawful_basis == ""
    client.post(record, {"lawful_basis": "contract"})
    portability_request.refresh_from_db()
    assert portability_request.lawful_basis == "contract"
    assert "applies only to information processed" not in client.get(detail).content.decode()
