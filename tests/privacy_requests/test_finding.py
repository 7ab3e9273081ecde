"""Finding a person across every app's declared personal data. Every name is invented."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centre.services import record_save
from privacy_requests.finding import Terms, person_find
from privacy_requests.models import PrivacyRequest, RequestRecord
from safeguarding.models import Accident
from tests.factories import StaffMemberFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

DOB = datetime.date(1987, 2, 14)


@pytest.fixture
def people(db):
    case = CaseFactory()
    adult = AdultFactory(
        case=case,
        first_name="Peregrine",
        last_name="Oakhollow",
        date_of_birth=DOB,
        email="peregrine.oakhollow@example.test",
        phone="07700 900 123",
        address="3 Fictional Row\nNowhereton",
        postcode="ZZ9 9ZZ",
    )
    child = ChildFactory(case=case, first_name="Sorrel", last_name="Oakhollow", date_of_birth=DOB)
    member = StaffMemberFactory(
        first_name="Peregrine",
        last_name="Oakhollow",
        email="p.oakhollow@example.test",
        phone="07700900456",
        postcode="zz99zz",
        date_of_birth=DOB,
    )
    accident = Accident.objects.create(
        person_name="Peregrine Oakhollow",
        person_date_of_birth=DOB,
        occurred_at=timezone.now(),
        what_happened="Tripped on a fictional step.",
    )
    return {"adult": adult, "child": child, "member": member, "accident": accident}


def _kinds(results):
    return {group.kind: {found.record.pk for found in group.found} for group in results}


def test_it_finds_a_person_by_name_across_kinds(people):
    kinds = _kinds(person_find(Terms(name="pereg oakh")))
    assert people["adult"].pk in kinds["Adult of a case"]
    assert people["member"].pk in kinds["Staff member"]
    assert people["accident"].pk in kinds["Accident book entry"]
    assert "Child of a case" not in kinds


def test_it_finds_a_person_by_date_of_birth(people):
    kinds = _kinds(person_find(Terms(date_of_birth=DOB)))
    assert people["adult"].pk in kinds["Adult of a case"]
    assert people["child"].pk in kinds["Child of a case"]
    assert people["member"].pk in kinds["Staff member"]
    assert people["accident"].pk in kinds["Accident book entry"]


def test_it_finds_a_person_by_email_whatever_its_case(people):
    kinds = _kinds(person_find(Terms(email="PEREGRINE.Oakhollow@example.test")))
    assert kinds == {"Adult of a case": {people["adult"].pk}}


def test_it_finds_a_person_by_phone_without_spaces(people):
    assert _kinds(person_find(Terms(phone="07700900123"))) == {
        "Adult of a case": {people["adult"].pk}
    }
    assert _kinds(person_find(Terms(phone="07700 900 456"))) == {
        "Staff member": {people["member"].pk}
    }


def test_it_finds_a_person_by_postcode_without_spaces_or_case(people):
    kinds = _kinds(person_find(Terms(postcode="zz9 9zz")))
    assert kinds == {
        "Adult of a case": {people["adult"].pk},
        "Staff member": {people["member"].pk},
    }


def test_it_describes_records_by_reference_never_by_name(people):
    labels = [f.label for group in person_find(Terms(date_of_birth=DOB)) for f in group.found]
    assert labels and not any("Oakhollow" in label for label in labels)
    adult = people["adult"]
    assert f"AD-{adult.pk:04d} of {adult.case.display_reference}" in labels


def test_the_search_costs_the_same_queries_however_many_records_match(
    people, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    terms = Terms(name="Peregrine", date_of_birth=DOB, phone="07700900123", postcode="ZZ99ZZ")
    with CaptureQueriesContext(connection) as before:
        person_find(terms)
    for _ in range(3):
        AdultFactory(first_name="Peregrine", last_name="Other", date_of_birth=DOB)
        StaffMemberFactory(first_name="Peregrine", date_of_birth=DOB)
    with django_assert_num_queries(len(before.captured_queries)):
        results = person_find(terms)
    assert len(_kinds(results)["Adult of a case"]) == 4


@pytest.fixture
def privacy_request(people):
    request = PrivacyRequest(
        subject_adult=people["adult"],
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.EMAIL,
        received_on=datetime.date(2026, 11, 1),
    )
    request.label_subject()
    return record_save(record=request)


def test_staff_search_by_post_and_the_terms_never_appear_in_a_url(
    client, staff, privacy_request, people
):
    client.force_login(staff)
    url = reverse("privacy_requests:person_find", args=[privacy_request.pk])
    response = client.post(url, {"name": "Peregrine Oakhollow", "postcode": "ZZ9 9ZZ"})
    assert response.status_code == 200
    html = response.content.decode()
    adult = people["adult"]
    key = f"referrals.adult:{adult.pk}"
    # The request's subject is found and ticked.
    assert f'value="{key}" id=' in html
    assert "checked" in html
    for term in ("Peregrine", "Oakhollow", "ZZ9"):
        for action in _form_actions(html) + _links(html):
            assert term not in action
    assert "ZZ9" not in response.request.get("QUERY_STRING", "")


def _form_actions(html):
    import re

    return re.findall(r'action="([^"]*)"', html)


def _links(html):
    import re

    return re.findall(r'href="([^"]*)"', html)


def test_confirming_links_the_ticked_records_and_unlinks_the_unticked(
    client, staff, privacy_request, people
):
    client.force_login(staff)
    adult_key = f"referrals.adult:{people['adult'].pk}"
    member_key = f"centre.staffmember:{people['member'].pk}"
    url = reverse("privacy_requests:person_confirm", args=[privacy_request.pk])
    client.post(url, {"shown": [adult_key, member_key], "record": [adult_key, member_key]})
    assert RequestRecord.objects.filter(request=privacy_request).count() == 2
    client.post(url, {"shown": [adult_key, member_key], "record": [adult_key]})
    links = RequestRecord.objects.filter(request=privacy_request)
    assert [(link.record_type, link.object_id) for link in links] == [
        ("referrals.adult", people["adult"].pk)
    ]
    assert "Oakhollow" not in links[0].label
    page = client.get(reverse("privacy_requests:person_find", args=[privacy_request.pk]))
    # The rectification link: the adult's own edit page.
    assert reverse("referrals:adult_edit", args=[people["adult"].pk]) in page.content.decode()


def test_volunteers_cannot_search(client, volunteer, privacy_request):
    client.force_login(volunteer)
    url = reverse("privacy_requests:person_find", args=[privacy_request.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Peregrine"}).status_code == 403


EMPTY_SEARCH = {"name": "", "date_of_birth": "", "email": "", "phone": "", "postcode": ""}


@pytest.mark.parametrize(
    "posted",
    [EMPTY_SEARCH, {**EMPTY_SEARCH, "date_of_birth": "31/02/1990"}],
    ids=["no terms", "impossible date"],
)
def test_a_search_with_nothing_usable_says_so_and_links_nothing(
    client, staff, privacy_request, people, posted
):
    client.force_login(staff)
    url = reverse("privacy_requests:person_find", args=[privacy_request.pk])

    response = client.post(url, posted)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not privacy_request.records.exists()
