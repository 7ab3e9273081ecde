"""The accident book: staff and the manager record accidents; only the designated
safeguarding lead and the manager read the book; an entry about a child keeps the child's
name and date of birth after the case has gone; an accident in the future is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from centre.roles import Role
from core.models import AuditEvent
from safeguarding.accident_services import accident_record
from safeguarding.models import Accident
from tests.conftest import _person
from tests.referrals.factories import family_case

LIST = reverse("safeguarding:accident_list")
NEW = reverse("safeguarding:accident_create")


def detail_url(accident):
    return reverse("safeguarding:accident_detail", args=[accident.pk])


def _minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def lead(db):
    return _person("dee.lead@example.test", "Dee Lomax", Role.STAFF, is_safeguarding_lead=True)


@pytest.fixture
def case(db):
    return family_case(last_name="Quill")


def an_accident(**fields):
    values = {
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "where": "Main hall",
        "what_happened": "Tripped over a toy and bumped a knee.",
    }
    return Accident(**(values | fields))


def form_data(**overrides):
    data = {
        "occurred_at": _minute(timezone.now() - datetime.timedelta(minutes=30)),
        "where": "Soft play area",
        "what_happened": "Slipped on the mat and bumped a chin.",
        "first_aid_given": "Cold compress for ten minutes.",
        "first_aid_by": "Bob Stanton",
        "who_was_told": "Both parents at handover.",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


# Recording --------------------------------------------------------------------------


def test_an_entry_about_a_child_copies_the_name_date_of_birth_and_case(case, staff):
    child = case.children.get()

    accident = accident_record(accident=an_accident(child=child), actor=staff)

    accident.refresh_from_db()
    assert accident.person_name == child.full_name
    assert accident.person_date_of_birth == child.date_of_birth
    assert accident.case == case
    assert accident.case_reference == case.display_reference
    assert accident.recorded_by == staff


def test_the_entry_keeps_the_childs_name_and_date_of_birth_after_the_case_is_deleted(case, staff):
    child = case.children.get()
    name, born, reference = child.full_name, child.date_of_birth, case.display_reference
    accident = accident_record(accident=an_accident(child=child), actor=staff)

    case.delete()

    accident.refresh_from_db()
    assert accident.case is None and accident.child is None
    assert (accident.person_name, accident.person_date_of_birth) == (name, born)
    assert accident.case_reference == reference


def test_an_accident_in_the_future_is_refused_and_nothing_is_saved(case, staff):
    future = an_accident(
        child=case.children.get(), occurred_at=timezone.now() + datetime.timedelta(hours=2)
    )

    with pytest.raises(ValidationError) as refused:
        accident_record(accident=future, actor=staff)

    assert refused.value.message_dict["occurred_at"] == [
        "An accident cannot be recorded before it happens."
    ]
    assert Accident.objects.count() == 0


def test_someone_must_be_named(staff):
    with pytest.raises(ValidationError) as refused:
        accident_record(accident=an_accident(person_name="  "), actor=staff)

    assert "person_name" in refused.value.message_dict
    assert Accident.objects.count() == 0


def test_the_child_must_be_of_the_case_given(case, staff):
    other = family_case(last_name="Other")

    with pytest.raises(ValidationError) as refused:
        accident_record(accident=an_accident(case=other, child=case.children.get()), actor=staff)

    assert "child" in refused.value.message_dict


def test_staff_record_an_accident_about_a_child_from_the_form(client, staff, case):
    child = case.children.get()
    client.force_login(staff)

    response = client.post(NEW, form_data(child=f"child:{child.pk}"))

    accident = Accident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(accident)
    assert accident.person_name == child.full_name
    assert accident.case == case
    assert accident.who_was_told == "Both parents at handover."


def test_the_manager_records_an_accident_about_someone_named_in_words(client, manager):
    client.force_login(manager)

    client.post(NEW, form_data(person_name="Gloria Pemberton (a visitor)"))

    accident = Accident.objects.get()
    assert accident.person_name == "Gloria Pemberton (a visitor)"
    assert accident.case is None and accident.case_reference == ""


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_at": _minute(timezone.now() + datetime.timedelta(days=1))},
            "occurred_at",
            "An accident cannot be recorded before it happens.",
        ),
        ({}, "person_name", "Say who was hurt: choose a child, or write the person's name."),
        ({"what_happened": ""}, "what_happened", "Say what happened."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, manager, overrides, field, message
):
    client.force_login(manager)

    response = client.post(NEW, form_data(**overrides))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Accident.objects.count() == 0


def test_a_child_of_another_case_is_refused_on_the_form(client, manager, case):
    other = family_case(last_name="Other")
    client.force_login(manager)

    response = client.post(
        NEW, form_data(case=f"case:{other.pk}", child=f"child:{case.children.get().pk}")
    )

    assert response.context["form"].errors["child"] == [
        "Choose a child of the case the accident is recorded on."
    ]
    assert Accident.objects.count() == 0


# Reading ----------------------------------------------------------------------------


def test_the_lead_reads_the_book_and_each_opening_is_logged(client, lead, case):
    accident = accident_record(accident=an_accident(child=case.children.get()))
    client.force_login(lead)

    listed = client.get(LIST)
    shown = client.get(detail_url(accident))

    assert accident.person_name in listed.content.decode()
    assert shown.status_code == 200
    assert accident.person_name in shown.content.decode()
    log = AuditEvent.objects.get(action=AuditEvent.Action.READ)
    assert (log.user, log.kind, log.object_id) == (lead, "safeguarding accident", accident.pk)


@pytest.mark.parametrize("url", [LIST, "detail"])
def test_staff_who_are_not_the_lead_and_volunteers_cannot_read_the_book(
    client, staff, volunteer, case, url
):
    accident = accident_record(accident=an_accident(child=case.children.get()))
    url = detail_url(accident) if url == "detail" else url
    for user in (staff, volunteer):
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ).exists()


def test_the_list_costs_the_same_queries_however_long_the_book(queries_stay_flat, client, manager):
    client.force_login(manager)
    accident_record(accident=an_accident(person_name="First Person"))

    def add_more():
        for number in range(5):
            accident_record(accident=an_accident(person_name=f"Person {number}"))

    response = queries_stay_flat(LIST, add_more=add_more)
    assert "Person 4" in response.content.decode()


def test_the_child_is_found_by_name_and_no_list_of_children_is_shown(client, staff, case):
    other = family_case(last_name="Bramblewood")
    child = case.children.get()
    client.force_login(staff)

    page = client.get(NEW).text
    assert 'name="child_q"' in page and 'name="case_q"' in page
    for family in (case, other):
        assert family.children.get().full_name not in page
        assert family.reference not in page

    found = client.post(NEW, form_data(child_q=child.first_name, _find="child"))
    assert f'value="child:{child.pk}"' in found.text
    assert f'value="child:{other.children.get().pk}"' not in found.text
    assert not Accident.objects.exists()


def test_a_child_of_a_closed_case_cannot_be_chosen(client, staff, case):
    case.status = "closed"
    case.save()
    client.force_login(staff)

    response = client.post(NEW, form_data(child=f"child:{case.children.get().pk}"))

    assert response.status_code == 200
    assert "Choose one of the results found, or search again." in response.text
    assert not Accident.objects.exists()
