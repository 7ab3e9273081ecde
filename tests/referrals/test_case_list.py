"""The case list: filters in the URL, a search term only ever by POST, a page of fifty,
and the same number of queries however many cases there are."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from referrals.models import Case
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory, family_case

URL = reverse("referrals:case_list")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def references(response):
    return [case.reference for case in response.context["page"].object_list]


def test_it_lists_each_case_with_its_parents_children_and_retention(client, staff):
    case = CaseFactory(referral__service="supervised")
    AdultFactory(case=case, role="resident", first_name="Wren", last_name="Ashdown")
    AdultFactory(case=case, role="visiting", first_name="Idris", last_name="Tollworthy")
    AdultFactory(case=case, role="other", first_name="Grandma", last_name="Tollworthy")
    ChildFactory(case=case, first_name="Juno", last_name="Ashdown")
    ChildFactory(case=case, first_name="Oren", last_name="Ashdown")
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    row = response.text
    assert case.reference in row
    assert "Wren Ashdown" in row and "Idris Tollworthy" in row
    assert "Grandma" not in row  # only the parents are listed
    assert "<td>Juno, Oren</td>" in row  # the children's first names only
    assert "Supervised contact" in row
    assert "02/11/2026" in row
    assert "Three years after closure" in row


def test_the_list_costs_the_same_queries_for_ten_cases_as_for_seventy(
    client, staff, queries_stay_flat
):
    for _ in range(10):
        family_case()
    client.force_login(staff)

    response = queries_stay_flat(URL, add_more=lambda: [family_case() for _ in range(60)], most=13)

    assert response.context["page"].paginator.count == 70
    assert len(response.context["page"].object_list) == 50


def test_a_search_costs_the_same_queries_for_ten_matches_as_for_seventy(
    client, staff, queries_stay_flat
):
    for _ in range(10):
        family_case(last_name="Fennimore")
    family_case(last_name="Brackenridge")
    client.force_login(staff)

    response = queries_stay_flat(
        URL,
        data={"term": "Fennimore"},
        add_more=lambda: [family_case(last_name="Fennimore") for _ in range(60)],
        most=13,
    )

    assert response.context["page"].paginator.count == 70
    assert response.context["searching"]


def test_it_filters_by_status_source_service_and_retention_class_from_the_url(client, staff):
    court = CaseFactory(referral__source="court", referral__service="supervised")
    self_referral = CaseFactory()
    client.force_login(staff)

    assert references(client.get(URL, {"source": "court"})) == [court.reference]
    assert references(client.get(URL, {"service": "supported"})) == [self_referral.reference]
    assert references(client.get(URL, {"retention": "contact-self"})) == [self_referral.reference]
    assert references(client.get(URL, {"status": "received"})) == [
        self_referral.reference,
        court.reference,
    ]
    assert references(client.get(URL, {"status": "active"})) == []


def test_it_filters_to_active_cases_whose_review_is_due(client, staff):
    due = CaseFactory()
    Case.objects.filter(pk=due.pk).update(
        status="active", next_review_on=datetime.date(2026, 11, 29)
    )
    later = CaseFactory()
    Case.objects.filter(pk=later.pk).update(
        status="active", next_review_on=datetime.date(2026, 11, 30)
    )
    client.force_login(staff)

    assert references(client.get(URL, {"review_due": "on"})) == [due.reference]


def test_an_unknown_filter_value_is_ignored_rather_than_an_error(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.get(URL, {"status": "nonsense"})

    assert response.status_code == 200
    assert references(response) == [case.reference]


def test_it_pages_the_list_fifty_at_a_time_keeping_the_filters(client, staff):
    for _ in range(51):
        CaseFactory()
    client.force_login(staff)

    first = client.get(URL, {"status": "received"})
    second = client.get(URL, {"status": "received", "page": 2})

    assert len(references(first)) == 50
    assert len(references(second)) == 1
    assert "?status=received&amp;page=2" in first.text
    assert not set(references(first)) & set(references(second))


@pytest.mark.parametrize(
    "term",
    ["Quillfeather", "wren quill", "17/05/1990", "lw1 4aa", "HC-2026-0001", "OLD-77"],
    ids=["surname", "name-prefixes", "date-of-birth", "postcode", "reference", "former-ref"],
)
def test_a_search_by_post_finds_the_case_by_name_date_of_birth_postcode_or_reference(
    client, staff, term
):
    wanted = CaseFactory(former_reference="OLD-77")
    AdultFactory(
        case=wanted,
        first_name="Wren",
        last_name="Quillfeather",
        date_of_birth=datetime.date(1990, 5, 17),
        postcode="LW1 4AA",
    )
    other = CaseFactory()
    AdultFactory(
        case=other,
        first_name="Idris",
        last_name="Ashdown",
        date_of_birth=datetime.date(1988, 1, 2),
        postcode="ZZ9 9ZZ",
    )
    client.force_login(staff)

    response = client.post(URL, {"term": term})

    assert response.status_code == 200
    assert references(response) == [wanted.reference]
    assert wanted.reference == "HC-2026-0001"


def test_a_search_term_never_appears_in_a_url_and_a_get_never_searches(client, staff):
    wanted = CaseFactory()
    AdultFactory(case=wanted, first_name="Wren", last_name="Quillfeather")
    other = CaseFactory()
    client.force_login(staff)

    response = client.post(URL, {"term": "Quillfeather"})
    assert 'method="post"' in response.text
    assert "?term=" not in response.text and "&amp;term=" not in response.text

    # A term smuggled into the query string is not a search.
    response = client.get(URL, {"term": "Quillfeather"})
    assert set(references(response)) == {wanted.reference, other.reference}
    assert not response.context["searching"]


def test_a_search_is_protected_against_cross_site_requests(staff):
    from tests.conftest import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.post(URL, {"term": "Quillfeather"}).status_code == 403


def test_a_search_applies_the_filters_in_the_url(client, staff):
    court = CaseFactory(referral__source="court")
    AdultFactory(case=court, last_name="Quillfeather")
    own = CaseFactory()
    AdultFactory(case=own, last_name="Quillfeather")
    client.force_login(staff)

    response = client.post(f"{URL}?source=court", {"term": "Quillfeather"})

    assert references(response) == [court.reference]


def test_search_results_page_by_post_keeping_the_term(client, staff):
    for _ in range(51):
        family_case(last_name="Tollworthy")
    family_case(last_name="Brackenridge")
    client.force_login(staff)

    first = client.post(URL, {"term": "Tollworthy"})
    second = client.post(URL, {"term": "Tollworthy", "page": 2})

    assert first.context["page"].paginator.count == 51
    assert 'name="page" value="2"' in first.text
    assert 'name="term" value="Tollworthy"' in first.text
    assert len(references(second)) == 1


def test_an_empty_search_says_what_to_type_and_shows_the_whole_list(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.post(URL, {"term": "  "})

    assert response.context["search"].errors["term"] == [
        "Type a name, a case reference, a date of birth or a postcode to search for."
    ]
    assert references(response) == [case.reference]


def test_the_search_box_is_not_marked_as_a_required_field(client, staff):
    client.force_login(staff)

    page = client.get(URL).text

    box = page[page.index('name="term"') - 300 : page.index('name="term"') + 200]
    assert "required" not in box
    assert "asteriskField" not in page


def test_a_search_is_logged_without_the_term(client, staff, caplog):
    AdultFactory(last_name="Quillfeather")
    client.force_login(staff)

    with caplog.at_level(logging.INFO, logger="handover.audit"):
        client.post(URL, {"term": "Quillfeather"})

    assert f"case-search user={staff.pk} results=1" in caplog.text
    assert "Quillfeather" not in caplog.text


def test_it_offers_a_new_referral_to_those_who_may_add_one(client, staff):
    client.force_login(staff)

    assert reverse("referrals:case_create") in client.get(URL).text
