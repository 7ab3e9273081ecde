"""Staff find a case many times a day by a name, a reference, a date of birth or a
postcode."""

import datetime

import pytest

from centre.services import record_save
from referrals.models import Adult, Case, Child, Referral
from referrals.services import case_create


def family(resident, visiting, child, *, postcode="E4 6AA", former_reference=""):
    case = case_create(
        referral=Referral(
            source="self", received_on=datetime.date(2026, 1, 5), service="supported"
        ),
        former_reference=former_reference,
    )
    for role, (first, last, born) in (("resident", resident), ("visiting", visiting)):
        record_save(
            record=Adult(
                case=case,
                role=role,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                postcode=postcode if role == "resident" else "",
            )
        )
    first, last, born = child
    record_save(record=Child(case=case, first_name=first, last_name=last, date_of_birth=born))
    return case


@pytest.fixture
def cases(db):
    return {
        "doe": family(
            ("Jane", "Doe", datetime.date(1988, 2, 14)),
            ("John", "Roe", None),
            ("Sam", "Doe", datetime.date(2016, 7, 9)),
            former_reference="REF-2022-014",
        ),
        "okoro": family(
            ("Ada", "Okoro", None),
            ("Femi", "Okoro", datetime.date(1985, 3, 1)),
            ("Tolu", "Okoro", datetime.date(2019, 10, 2)),
            postcode="SW1A 2AA",
        ),
    }


def found(term):
    return set(Case.objects.search(term).values_list("reference", flat=True))


@pytest.mark.parametrize(
    ("term", "who"),
    [
        ("Doe", {"doe"}),
        ("jan", {"doe"}),
        ("Jane Doe", {"doe"}),
        ("doe jane", {"doe"}),
        ("Tolu", {"okoro"}),
        ("Okoro", {"okoro"}),
        ("14/02/1988", {"doe"}),
        ("2019-10-02", {"okoro"}),
        ("e4 6aa", {"doe"}),
        ("E46AA", {"doe"}),
        ("REF-2022-014", {"doe"}),
        ("ref-2022-014", {"doe"}),
        ("Jane Okoro", set()),
        ("Nobody", set()),
    ],
)
def test_it_finds_a_case_by_what_staff_know(cases, term, who):
    assert found(term) == {cases[name].reference for name in who}


def test_it_finds_a_case_by_our_own_reference(cases):
    reference = cases["okoro"].reference
    assert found(reference.lower()) == {reference}


def test_a_case_matching_in_several_ways_appears_once(cases):
    assert Case.objects.search("Doe").count() == 1


def test_an_empty_search_leaves_the_list_alone(cases):
    assert Case.objects.search("   ").count() == 2
