"""The disclosure log's end (issue 16): every entry goes with its case or person, whatever
made it; an entry of a disclosure to the police, a court, Cafcass or a local authority is
kept for accountability with references only (no name, no free text), and it, like an
entry about no case or person, is deleted seven years after the disclosure. A data
controller's replaced name leaves the centre profile's history seven years after it was
replaced. Each clock crosses its boundary day."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from centre.disclosures import (
    DETAILS_REMOVED,
    disclosure_record,
    disclosures_expire,
    replaced_controller_names_forget,
)
from centre.models import CentreProfile, Disclosure, person_reference
from centre.services import record_save
from referrals.declarations import adult_erase, case_dispose, child_erase
from referrals.models import Adult
from tests.factories import CentreProfileFactory
from tests.referrals.factories import family_case
from tests.retention.search import tables_containing

D = datetime.date
SECRETS = [
    "Ottoline Brackwater",
    "Brackwater",
    "Wrenfield",
    "Zinnia Quarrington",
    "tallow-finch-marmalade",
]


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the whole-database search uses PostgreSQL's row-to-text cast")


def entry(case=None, person=None, **fields):
    """An entry recorded by hand, about ``case`` (and ``person`` of it) if given."""
    reference = case.display_reference if case is not None else ""
    values = {
        "recipient": "Fictional Family Solicitors, for Zinnia Quarrington",
        "recipient_type": Disclosure.RecipientType.SOLICITOR,
        "what": "Copy of the ground rules, tallow-finch-marmalade",
        "basis_kind": Disclosure.Basis.CONSENT,
        "basis": "Written consent of Zinnia Quarrington",
        "person_told": Disclosure.PersonTold.YES,
        "case_reference": reference,
    }
    if person is not None:
        kind = "adult" if isinstance(person, Adult) else "child"
        values |= {
            "person_kind": kind,
            "person_id": person.pk,
            "person_label": person_reference(kind, person.pk, reference),
        }
    return disclosure_record(disclosure=Disclosure(**(values | fields)), actor=None)


def to_the_police(case=None, person=None, **fields):
    return entry(
        case,
        person,
        recipient="DC Ottoline Brackwater, Fictional Constabulary",
        recipient_type=Disclosure.RecipientType.POLICE,
        what="The resident parent's new address, 3 Wrenfield Row",
        basis_kind=Disclosure.Basis.LEGAL_OBLIGATION,
        basis="Request of DC Brackwater under Schedule 2",
        person_told=Disclosure.PersonTold.NO,
        **fields,
    )


def test_a_cases_disposal_takes_its_entries_and_strips_those_kept_for_accountability(postgres):
    case = family_case()
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    child = case.children.get()
    about_the_case = entry(case)
    typed_in_lower_case = entry(case, case_reference=case.display_reference.lower())
    about_a_parent = entry(case, resident)
    pack_release = entry(
        case, child, record_label="privacy-request", record_id=7, recipient_type="person"
    )
    police = to_the_police(case, resident)
    other_case = family_case()
    untouched = entry(other_case)
    assert all(tables_containing(secret) for secret in SECRETS)

    case_dispose(case)

    left = {disclosure.pk for disclosure in Disclosure.objects.all()}
    gone = {about_the_case.pk, typed_in_lower_case.pk, about_a_parent.pk, pack_release.pk}
    assert left == {police.pk, untouched.pk}
    assert not gone & left
    kept = Disclosure.objects.get(pk=police.pk)
    assert (kept.case_reference, kept.person_label, kept.disclosed_at) == (
        police.case_reference,
        police.person_label,
        police.disclosed_at,
    )
    assert (kept.recipient, kept.recipient_type, kept.basis_kind, kept.basis) == (
        "The police",
        "police",
        "legal_obligation",
        "A legal obligation",
    )
    assert (kept.what, kept.recipient_kind, kept.person_kind, kept.person_id) == (
        DETAILS_REMOVED,
        "",
        "",
        None,
    )
    assert kept.details_removed_on == timezone.localdate()
    # Nothing of what the entries said survives anywhere but in the other case's entry.
    Disclosure.objects.filter(pk=untouched.pk).delete()
    assert {secret: tables_containing(secret) for secret in SECRETS} == dict.fromkeys(SECRETS, {})


@pytest.mark.django_db
def test_an_adults_erasure_takes_the_entries_about_them_and_strips_those_kept():
    case = family_case()
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    visiting = case.adults.get(role=Adult.Role.VISITING)
    about_them = entry(case, resident)
    police = to_the_police(case, resident)
    about_the_other_parent = entry(case, visiting)
    about_the_case = entry(case)

    adult_erase(resident)

    assert not Disclosure.objects.filter(pk=about_them.pk).exists()
    assert Disclosure.objects.get(pk=police.pk).what == DETAILS_REMOVED
    assert Disclosure.objects.get(pk=about_the_other_parent.pk).what == about_the_other_parent.what
    assert Disclosure.objects.get(pk=about_the_case.pk).what == about_the_case.what


@pytest.mark.django_db
def test_a_childs_erasure_takes_the_entries_about_them():
    case = family_case()
    child = case.children.get()
    about_them = entry(case, child)
    to_children_services = entry(
        case, child, recipient_type=Disclosure.RecipientType.LOCAL_AUTHORITY
    )

    child_erase(child)

    assert not Disclosure.objects.filter(pk=about_them.pk).exists()
    kept = Disclosure.objects.get(pk=to_children_services.pk)
    assert (kept.recipient, kept.person_kind) == ("A local authority", "")


DISCLOSED_AT = datetime.datetime(2019, 3, 1, 15, 30)
SEVEN_YEARS_ON = D(2026, 3, 1)


@pytest.mark.django_db
def test_entries_kept_for_accountability_or_about_no_one_go_seven_years_after_the_disclosure():
    case = family_case()
    with time_machine.travel(DISCLOSED_AT, tick=False):
        stripped = to_the_police(case)
        about_no_one = entry()
        about_a_case = entry(case)
    Disclosure.objects.filter(pk=stripped.pk).update(details_removed_on=D(2020, 1, 6))

    assert disclosures_expire(today=SEVEN_YEARS_ON - datetime.timedelta(days=1)) == 0
    assert Disclosure.objects.count() == 3

    assert disclosures_expire(today=SEVEN_YEARS_ON) == 2
    # An entry about a case still there goes with the case, not on a clock of its own.
    assert list(Disclosure.objects.values_list("pk", flat=True)) == [about_a_case.pk]
    assert disclosures_expire(today=SEVEN_YEARS_ON) == 0
    assert {stripped.pk, about_no_one.pk}.isdisjoint(
        Disclosure.objects.values_list("pk", flat=True)
    )


def test_a_replaced_controllers_name_leaves_the_profiles_history_seven_years_on(postgres):
    with time_machine.travel(datetime.datetime(2018, 5, 1, 10), tick=False):
        profile = record_save(record=CentreProfileFactory.build(controller_name="Araminta Fogg"))
        profile.phone = "01632 960 556"
        record_save(record=profile)
    with time_machine.travel(datetime.datetime(2019, 6, 10, 11), tick=False):
        profile.controller_name = "Lysander Pike"
        record_save(record=profile)

    assert replaced_controller_names_forget(today=D(2026, 6, 9)) == 0
    assert tables_containing("Araminta Fogg")

    assert replaced_controller_names_forget(today=D(2026, 6, 10)) == 2
    assert tables_containing("Araminta Fogg") == {}
    assert CentreProfile.objects.get().controller_name == "Lysander Pike"
    # The rest of the history stays: the earlier phone number, and the current name.
    history = CentreProfile.history.order_by("history_date", "history_id")
    assert list(history.values_list("controller_name", "phone")) == [
        ("", "01632 960 555"),
        ("", "01632 960 556"),
        ("Lysander Pike", "01632 960 556"),
    ]
    assert replaced_controller_names_forget(today=D(2026, 6, 10)) == 0
