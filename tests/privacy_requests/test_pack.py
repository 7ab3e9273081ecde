"""The response pack to an access request, and the portability export. Every name,
address and number is invented."""

import contextlib
import datetime
import zlib

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from centre.models import Disclosure
from centre.services import record_save
from privacy_requests.finding import request_records_confirm
from privacy_requests.models import PrivacyRequest, ResponsePack
from privacy_requests.pack import pack_build, pack_release
from privacy_requests.pack_pdf import pack_pdf
from tests.privacy_requests.leak_family import release_confirmation
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    CommunicationFactory,
)

OTHER = {
    "first_name": "Barnaby",
    "last_name": "Thistlewick",
    "email": "barnaby.thistlewick@example.test",
    "phone": "07700 900 777",
    "address": "12 Hiddenmoor Lane\nSecretbury",
    "postcode": "ZX1 2YY",
}
SECRETS = ("Barnaby", "Thistlewick", "07700 900 777", "Hiddenmoor", "ZX1 2YY", "barnaby.thistle")


@pytest.fixture
def parents(db):
    case = CaseFactory()
    asker = AdultFactory(
        case=case,
        role="visiting",
        first_name="Marigold",
        last_name="Pennyworth",
        email="marigold@example.test",
    )
    other = AdultFactory(case=case, role="resident", contact_details_confidential=True, **OTHER)
    ChildFactory(case=case, first_name="Pip", last_name="Pennyworth")
    CommunicationFactory(
        case=case,
        with_whom="Marigold Pennyworth",
        summary="Asked whether Barnaby Thistlewick would be at 12 Hiddenmoor Lane on Saturday.",
    )
    return asker, other


@pytest.fixture
def access_request(parents):
    asker, _ = parents
    request = PrivacyRequest(
        subject_adult=asker,
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=datetime.date(2026, 11, 1),
        identity_evidence="Fictional driving licence",
        identity_verified_on=datetime.date(2026, 11, 2),
    )
    request.label_subject()
    record_save(record=request)
    key = f"referrals.adult:{asker.pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
    return request


@pytest.fixture
def pack(access_request, staff):
    return pack_build(request=access_request, actor=staff)


def _pdf_text(data):
    """The PDF's bytes with every compressed stream inflated."""
    out = data
    for chunk in data.split(b"stream")[1:]:
        body = chunk.split(b"endstream")[0].strip(b"\r\n")
        with contextlib.suppress(zlib.error):
            out += zlib.decompress(body)
    return out


def test_an_access_pack_marks_the_other_parents_details_and_names_in_free_text(pack):
    marked = [
        part["text"]
        for section in pack.sections
        for item in section["items"]
        for part in item["parts"]
        if part["redact"] or item["redact"]
    ]
    assert "Barnaby Thistlewick" in marked
    assert any("Hiddenmoor" in text for text in marked)
    shown = " ".join(
        part["text"]
        for section in pack.sections
        for item in section["items"]
        if not item["redact"]
        for part in item["parts"]
        if not part["redact"]
    )
    for secret in SECRETS:
        assert secret not in shown
    # The person's own name is not redacted.
    assert "Marigold" not in marked
    assert "Marigold" in shown


def test_the_pack_holds_the_requesters_records_not_the_other_parents(pack):
    kinds = [section.get("kind") for section in pack.sections]
    assert kinds.count("Adult of a case") == 1
    assert "Case" in kinds and "Referral" in kinds and "Communication" in kinds
    [own] = [s for s in pack.sections if s.get("kind") == "Adult of a case"]
    assert own["title"] == "Your details"


def test_the_released_pack_shows_the_other_parent_only_as_redactions(
    client, manager, pack, access_request
):
    client.force_login(manager)
    response = client.post(
        reverse("privacy_requests:pack_release", args=[access_request.pk]),
        release_confirmation(client, access_request),
    )
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.is_released
    for name in ("privacy_requests:pack", "privacy_requests:pack_print"):
        html = client.get(reverse(name, args=[access_request.pk])).content.decode()
        for secret in SECRETS:
            assert secret not in html, (name, secret)
        assert (
            '<span class="redaction"><span class="visually-hidden">redacted</span></span>' in html
        )
        assert "Marigold" in html
    pdf = client.get(reverse("privacy_requests:pack_pdf", args=[access_request.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    for data in (_pdf_text(pdf.content), pack_pdf(pack, compress=False)):
        assert b"Marigold" in data
        for secret in SECRETS:
            assert secret.encode() not in data


def test_releasing_records_a_disclosure_to_the_person(pack, manager, access_request, parents):
    pack_release(pack=pack, actor=manager)
    disclosure = Disclosure.objects.get()
    assert disclosure.what == f"Response to privacy request {access_request.reference}"
    assert disclosure.basis == "The person's right of access (UK GDPR Article 15)"
    assert disclosure.case_reference == parents[0].case.display_reference
    assert disclosure.recipient == access_request.subject_label
    assert disclosure.disclosed_by == manager


def test_the_first_click_on_release_shows_what_leaves_and_releases_nothing(
    client, manager, pack, access_request
):
    client.force_login(manager)
    url = reverse("privacy_requests:pack_release", args=[access_request.pk])
    review = client.get(reverse("privacy_requests:pack", args=[access_request.pk])).text
    assert f'<form method="get" action="{url}">' in review

    for first_click in (client.get(url), client.post(url)):
        assert first_click.status_code == 200
        page = first_click.text
        assert "Nothing has been released yet" in page
        assert "cannot be called back" in page
        assert f"a disclosure to {access_request.subject_label}" in page
        assert "Handover sends nothing" in page
        for section in pack.sections:
            assert section["title"] in page
        assert "Adult" in page and access_request.records.get().label in page
        assert f"Release the pack to {access_request.subject_label} now" in page
    assert not ResponsePack.objects.get().is_released
    assert not Disclosure.objects.exists()


def test_a_pack_changed_after_the_confirmation_was_shown_is_not_released(
    client, manager, pack, access_request
):
    client.force_login(manager)
    shown = release_confirmation(client, access_request)
    client.post(
        reverse("privacy_requests:pack_review", args=[access_request.pk]), {"phrase": "Saturday"}
    )

    response = client.post(
        reverse("privacy_requests:pack_release", args=[access_request.pk]), shown
    )

    assert "The pack changed since you opened this page" in response.text
    assert not ResponsePack.objects.get().is_released
    response = client.post(
        reverse("privacy_requests:pack_release", args=[access_request.pk]),
        release_confirmation(client, access_request),
    )
    assert ResponsePack.objects.get().is_released


def test_the_release_confirmation_says_what_stops_the_release(
    client, manager, pack, access_request
):
    access_request.identity_verified_on = None
    access_request.save()
    client.force_login(manager)

    page = client.get(reverse("privacy_requests:pack_release", args=[access_request.pk])).text

    assert "Check and record the person&#x27;s identity before releasing anything." in page
    assert 'name="confirm"' not in page


def test_staff_can_review_but_not_release(client, staff, pack, access_request):
    client.force_login(staff)
    assert client.get(reverse("privacy_requests:pack", args=[access_request.pk])).status_code == 200
    release = reverse("privacy_requests:pack_release", args=[access_request.pk])
    assert client.post(release).status_code == 403
    export = reverse("privacy_requests:portability_export", args=[access_request.pk])
    assert client.post(export).status_code == 403
    assert not ResponsePack.objects.get().is_released
    assert not Disclosure.objects.exists()


def test_a_reviewer_lifts_and_adds_redactions(client, staff, pack, access_request):
    client.force_login(staff)
    review = reverse("privacy_requests:pack_review", args=[access_request.pk])
    client.post(review, {"phrase": "Saturday"})
    pack.refresh_from_db()
    assert any(p["text"] == "Saturday" and p["redact"] for p in pack.parts())
    client.post(review, {"item": [], "part": []})
    pack.refresh_from_db()
    # What is not a confidential adult's is lifted; hers stays barred (only the manager
    # can release it, with a reason).
    assert not any(p["redact"] for p in pack.parts() if not p["confidential"])
    assert any(p["redact"] and p["text"] == "Barnaby Thistlewick" for p in pack.parts())
    assert all(p["redact"] for p in pack.parts() if p["confidential"])


def test_a_released_pack_cannot_be_edited(client, staff, manager, pack, access_request):
    pack_release(pack=pack, actor=manager)
    before = ResponsePack.objects.get().sections
    client.force_login(staff)
    review = reverse("privacy_requests:pack_review", args=[access_request.pk])
    client.post(review, {"item": [], "part": []})
    client.post(review, {"phrase": "Marigold"})
    client.post(reverse("privacy_requests:pack_build", args=[access_request.pk]))
    client.force_login(manager)
    client.post(
        reverse("privacy_requests:pack_release", args=[access_request.pk]),
        {"confirm": "yes", "version": "0"},
    )
    assert ResponsePack.objects.get().sections == before
    assert Disclosure.objects.count() == 1


def test_volunteers_are_refused_every_pack_page(client, volunteer, pack, access_request):
    client.force_login(volunteer)
    for name in ("pack", "pack_print", "pack_pdf", "person_find"):
        url = reverse(f"privacy_requests:{name}", args=[access_request.pk])
        assert client.get(url).status_code == 403
    for name in ("pack_build", "pack_review", "pack_release", "portability_export"):
        url = reverse(f"privacy_requests:{name}", args=[access_request.pk])
        assert client.post(url).status_code == 403


def test_the_access_pack_says_what_an_earlier_erasure_request_kept_and_why(
    access_request, parents, manager, staff
):
    from retention.erasure import erasure_queue

    asker, _ = parents  # their case is open: the record is kept
    erasure = record_save(
        record=PrivacyRequest(
            subject_adult=asker,
            right=PrivacyRequest.Right.ERASURE,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=datetime.date(2026, 10, 1),
        )
    )
    erasure_queue(
        request_reference=erasure.reference, subject="adult", subject_id=asker.pk, actor=manager
    )

    sections = pack_build(request=access_request, actor=staff).sections

    [section] = [s for s in sections if s["title"] == "Your requests for erasure"]
    [item] = section["items"]
    assert "Kept because: The case is open" in " ".join(p["text"] for p in item["parts"])


def _confidential_part(pack, text):
    [part] = [p for p in pack.parts() if p["text"] == text and p["confidential"]]
    return part


def test_only_the_manager_releases_a_confidential_detail_and_only_with_a_reason(
    client, staff, manager, pack, access_request
):
    from core.models import AuditEvent

    part = _confidential_part(pack, "Barnaby Thistlewick")
    unredact = reverse("privacy_requests:pack_unredact", args=[access_request.pk])
    client.force_login(staff)
    assert client.post(unredact, {"entry": part["id"], "reason": "She agreed."}).status_code == 403
    client.force_login(manager)
    response = client.post(unredact, {"entry": part["id"], "reason": "  "})
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Say why this confidential detail may reach the person" in m for m in messages)
    pack.refresh_from_db()
    assert _confidential_part(pack, "Barnaby Thistlewick")["redact"]
    assert not AuditEvent.objects.filter(kind="response pack unredaction").exists()

    reason = "The requester named him in her own letter; he agreed in writing."
    client.post(unredact, {"entry": part["id"], "reason": reason})
    pack.refresh_from_db()
    released = _confidential_part(pack, "Barnaby Thistlewick")
    assert not released["redact"]
    assert released["unredacted"]["reason"] == reason
    assert released["unredacted"]["by"] == manager.pk
    assert released["unredacted"]["at"]
    event = AuditEvent.objects.get(kind="response pack unredaction")
    assert event.user == manager and event.object_id == access_request.pk
    assert "Barnaby" not in event.detail and reason not in event.detail
    # The reviewer's form keeps what the manager released as she released it.
    client.force_login(staff)
    client.post(reverse("privacy_requests:pack_review", args=[access_request.pk]), {})
    pack.refresh_from_db()
    assert not _confidential_part(pack, "Barnaby Thistlewick")["redact"]


def test_a_reviewer_withholds_an_item_choosing_the_exemption(
    client, staff, manager, pack, access_request
):
    [item] = [
        item
        for section in pack.sections
        if section.get("kind") == "Adult of a case"
        for item in section["items"]
        if item["field"] == "email"
    ]
    withhold = reverse("privacy_requests:pack_withhold", args=[access_request.pk])
    client.force_login(staff)
    response = client.post(withhold, {"item": item["id"], "exemption": "because"})
    assert any("Choose the exemption" in str(m) for m in get_messages(response.wsgi_request))
    response = client.post(withhold, {"item": "nine", "exemption": "privilege"})
    assert any("Choose the item" in str(m) for m in get_messages(response.wsgi_request))
    withheld_before = [i["id"] for s in pack.sections for i in s["items"] if i.get("withheld")]
    pack.refresh_from_db()
    assert [i["id"] for s in pack.sections for i in s["items"] if i.get("withheld")] == (
        withheld_before
    )

    client.post(withhold, {"item": item["id"], "exemption": "privilege"})
    pack.refresh_from_db()
    [withheld] = [i for s in pack.sections for i in s["items"] if i["id"] == item["id"]]
    assert withheld["withheld"] == "privilege" and withheld["redact"]
    pack_release(pack=pack, actor=manager)
    client.force_login(manager)
    html = client.get(reverse("privacy_requests:pack", args=[access_request.pk])).content.decode()
    assert "Withheld: Legal professional privilege (DPA 2018 Schedule 2 paragraph 19)" in html
    assert "marigold@example.test" not in html
    data = pack_pdf(ResponsePack.objects.get(), compress=False)
    assert b"Withheld: Legal professional privilege" in data
    assert b"marigold@example.test" not in data


def _released_html(client, manager, request, staff):
    pack = pack_build(request=request, actor=staff)
    client.force_login(staff)
    client.post(reverse("privacy_requests:pack_review", args=[request.pk]), {})
    pack_release(pack=ResponsePack.objects.get(pk=pack.pk), actor=manager)
    client.force_login(manager)
    return client.get(reverse("privacy_requests:pack", args=[request.pk])).content.decode()


def test_words_that_place_a_hiding_parent_without_naming_her_are_withheld(
    client, staff, manager, parents, access_request
):
    asker, other = parents
    CommunicationFactory(
        case=asker.case,
        with_whom="Cafcass officer",
        summary="Mother has moved into the refuge by the harbour since the last hearing.",
    )
    html = _released_html(client, manager, access_request, staff)
    assert "refuge by the harbour" not in html
    assert "Withheld" in html


def test_words_about_a_parent_who_is_not_hiding_reach_the_pack_where_they_name_no_one(
    client, staff, manager, parents, access_request
):
    asker, other = parents
    other.contact_details_confidential = False
    other.save()
    CommunicationFactory(
        case=asker.case,
        with_whom="Cafcass officer",
        summary="Both parents agreed to Saturday mornings at the centre.",
    )
    html = _released_html(client, manager, access_request, staff)
    assert "Both parents agreed to Saturday mornings at the centre." in html


def test_the_requesters_own_birthday_shared_with_a_parent_not_hiding_is_shown(
    staff, parents, access_request
):
    asker, other = parents
    other.contact_details_confidential = False
    other.date_of_birth = asker.date_of_birth = datetime.date(1988, 3, 14)
    other.save()
    asker.save()
    pack = pack_build(request=access_request, actor=staff)
    [born] = [
        item
        for section in pack.sections
        if section["title"] == "Your details"
        for item in section["items"]
        if item["field"] == "date_of_birth"
    ]
    assert [(part["text"], part["redact"]) for part in born["parts"]] == [("14/03/1988", False)]


def test_a_hiding_parents_birthday_is_barred_even_when_the_requester_shares_it(
    staff, parents, access_request
):
    asker, other = parents
    other.date_of_birth = asker.date_of_birth = datetime.date(1988, 3, 14)
    other.save()
    asker.save()
    pack = pack_build(request=access_request, actor=staff)
    [born] = [
        item
        for section in pack.sections
        if section["title"] == "Your details"
        for item in section["items"]
        if item["field"] == "date_of_birth"
    ]
    assert all(part["redact"] for part in born["parts"] if part["text"].strip())
