"""The manager keeps the register of people who work at the centre."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from centre.models import StaffMember
from tests.factories import DBSCheckFactory, StaffMemberFactory
from tests.session_store import session_text

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def staff_form(**overrides):
    data = {
        "first_name": "Imogen",
        "last_name": "Fairweather",
        "email": "imogen@example.test",
        "phone": "07700 900555",
        "address": "9 Imaginary Street",
        "postcode": "LW2 9ZZ",
        "date_of_birth": "1984-06-02",
        "role": "volunteer",
        "job_title": "Session volunteer",
        "paid": "",
        "started_on": "2026-09-01",
        "ended_on": "",
        "confidentiality_agreement_signed_on": "2026-09-01",
        "former_reference": "",
    }
    data.update(overrides)
    return data


def test_it_adds_a_person_and_records_who_added_them(client, manager):
    client.force_login(manager)
    response = client.post(reverse("centre:staff_create"), staff_form())
    person = StaffMember.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("centre:staff_detail", args=[person.pk])
    assert person.full_name == "Imogen Fairweather"
    assert person.paid is False
    assert person.reference == f"ST-{person.pk:04d}"
    assert person.history.get().history_user == manager


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ended_on", "2026-08-31", "The end date cannot be before the start date."),
        ("started_on", "2026-11-30", "A start date cannot be in the future."),
        ("date_of_birth", "2026-12-01", "A date of birth cannot be in the future."),
        (
            "confidentiality_agreement_signed_on",
            "2026-11-30",
            "The date the agreement was signed cannot be in the future.",
        ),
        ("first_name", "", "This field is required."),
        (
            "started_on",
            "31/02/2026",
            "Enter a real date, as day, month and year (for example 27/03/2026).",
        ),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message_and_saves_nothing(
    client, manager, field, value, message
):
    client.force_login(manager)
    response = client.post(reverse("centre:staff_create"), staff_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "Nothing has been saved yet." in response.text
    assert not StaffMember.objects.exists()


def test_it_accepts_a_start_date_of_today_but_not_tomorrow(client, manager):
    client.force_login(manager)
    client.post(reverse("centre:staff_create"), staff_form(started_on="2026-11-29"))
    assert StaffMember.objects.count() == 1
    client.post(
        reverse("centre:staff_create"), staff_form(started_on="2026-11-30", email="x@example.test")
    )
    assert StaffMember.objects.count() == 1


def test_it_accepts_dates_written_the_british_way(client, manager):
    client.force_login(manager)
    client.post(reverse("centre:staff_create"), staff_form(started_on="01/09/2026"))
    assert StaffMember.objects.get().started_on == datetime.date(2026, 9, 1)


def test_it_shows_dates_day_first(client, manager):
    person = StaffMemberFactory(started_on=datetime.date(2026, 11, 29))
    client.force_login(manager)
    response = client.get(reverse("centre:staff_detail", args=[person.pk]))
    assert "29/11/2026" in response.text


def test_it_edits_a_person_and_keeps_the_earlier_version_in_history(client, manager):
    person = StaffMemberFactory(first_name="Imogen")
    client.force_login(manager)
    client.post(
        reverse("centre:staff_edit", args=[person.pk]),
        staff_form(first_name="Immy", started_on="2024-04-01", ended_on="2026-10-31"),
    )
    person.refresh_from_db()
    assert person.first_name == "Immy"
    assert person.ended_on == datetime.date(2026, 10, 31)
    assert [h.first_name for h in person.history.order_by("history_date")] == ["Imogen", "Immy"]
    assert person.history.latest().history_user == manager


def test_the_register_separates_current_and_former_people(client, manager):
    StaffMemberFactory(first_name="Cordelia", ended_on=None)
    StaffMemberFactory(first_name="Leonie", ended_on=TODAY)
    StaffMemberFactory(first_name="Gwendolyn", ended_on=TODAY - datetime.timedelta(days=1))
    client.force_login(manager)
    current = client.get(reverse("centre:staff_list")).text
    former = client.get(reverse("centre:staff_list") + "?show=former").text
    assert "Cordelia" in current and "Leonie" in current and "Gwendolyn" not in current
    assert "Gwendolyn" in former and "Cordelia" not in former


def test_the_register_costs_the_same_queries_however_many_people_it_lists(
    client, manager, queries_stay_flat
):
    client.force_login(manager)
    DBSCheckFactory.create_batch(2)
    response = queries_stay_flat(
        reverse("centre:staff_list"), add_more=lambda: DBSCheckFactory.create_batch(15)
    )
    assert len(response.context["people"]) == 17


def test_a_persons_page_costs_the_same_queries_however_many_records_they_have(
    client, manager, queries_stay_flat
):
    person = StaffMemberFactory()
    DBSCheckFactory(staff_member=person)
    client.force_login(manager)
    response = queries_stay_flat(
        reverse("centre:staff_detail", args=[person.pk]),
        add_more=lambda: DBSCheckFactory.create_batch(10, staff_member=person),
    )
    assert len(response.context["dbs_checks"]) == 11


def test_the_message_waiting_in_the_session_gives_the_new_persons_reference_not_their_name(
    client, manager
):
    client.force_login(manager)
    client.post(reverse("centre:staff_create"), staff_form())
    person = StaffMember.objects.get()

    held = session_text()

    assert f"Staff member {person.reference} is added to the staff register." in held
    assert "Imogen" not in held and "Fairweather" not in held
