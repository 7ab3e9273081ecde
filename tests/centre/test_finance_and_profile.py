"""Finance records, the centre's profile and the public privacy notice written from it."""

import datetime

import pytest
from django.urls import reverse

from centre.models import CentreProfile, FinanceRecord
from tests.factories import CentreProfileFactory, FinanceRecordFactory


def finance_form(**overrides):
    data = {
        "description": "PAYE and NI returns 2025/26",
        "category": "payroll",
        "financial_year_end": "2026-03-31",
        "spans_later_years_until": "",
        "former_reference": "",
    }
    data.update(overrides)
    return data


def test_it_adds_a_finance_record(client, manager):
    client.force_login(manager)
    response = client.post(reverse("centre:finance_create"), finance_form())
    assert response.status_code == 302
    record = FinanceRecord.objects.get()
    assert record.financial_year_end == datetime.date(2026, 3, 31)
    assert record.reference == f"FIN-{record.pk:04d}"


def test_an_imported_record_keeps_its_former_reference(client, manager):
    client.force_login(manager)
    client.post(reverse("centre:finance_create"), finance_form(former_reference="FIN-2020-PAYE"))
    assert FinanceRecord.objects.get().reference == "FIN-2020-PAYE"


@pytest.mark.parametrize("spans_until", ["2026-03-31", "2025-03-31"])
def test_a_record_cannot_span_into_a_year_that_is_not_later(client, manager, spans_until):
    client.force_login(manager)
    response = client.post(
        reverse("centre:finance_create"), finance_form(spans_later_years_until=spans_until)
    )
    assert response.context["form"].errors["spans_later_years_until"] == [
        "This must be a later year end than the financial year it relates to."
    ]
    assert not FinanceRecord.objects.exists()


def test_the_finance_list_costs_the_same_queries_however_long_it_is(
    client, manager, queries_stay_flat
):
    client.force_login(manager)
    FinanceRecordFactory()
    response = queries_stay_flat(
        reverse("centre:finance_list"), add_more=lambda: FinanceRecordFactory.create_batch(20)
    )
    assert len(response.context["records"]) == 21


def profile_form(**overrides):
    data = {
        "name": "Larchwood Child Contact Centre",
        "address": "The Old School Room\n4 Willow Walk\nLarchwood",
        "postcode": "LW1 4AA",
        "phone": "01632 960 555",
        "email": "office@larchwood-contact.example.test",
        "controller_name": "Alice Mercer",
        "controller_role": "Centre Manager",
        "ico_registration_number": "ZB111111",
        "financial_year_end_day": "31",
        "financial_year_end_month": "3",
    }
    data.update(overrides)
    return data


def test_the_manager_fills_in_the_centre_profile_once(client, manager):
    client.force_login(manager)
    client.post(reverse("centre:profile_edit"), profile_form())
    client.post(reverse("centre:profile_edit"), profile_form(phone="01632 960 556"))
    profile = CentreProfile.objects.get()
    assert profile.phone == "01632 960 556"
    assert profile.history.count() == 2


@pytest.mark.parametrize(("day", "month"), [("31", "4"), ("29", "2"), ("0", "3")])
def test_a_financial_year_end_must_be_a_real_day_every_year(client, manager, day, month):
    client.force_login(manager)
    response = client.post(
        reverse("centre:profile_edit"),
        profile_form(financial_year_end_day=day, financial_year_end_month=month),
    )
    assert response.status_code == 200
    assert "financial_year_end_day" in response.context["form"].errors
    assert not CentreProfile.objects.exists()


def test_the_privacy_notice_is_written_with_the_centres_own_details(client, db):
    CentreProfileFactory()
    response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200
    text = response.text
    assert "Larchwood Child Contact Centre: privacy notice" in text
    assert "Alice Mercer, the centre manager of Larchwood Child Contact Centre" in text
    assert "ZB111111" in text
    assert "01632 960 555" in text
    assert "4 Willow Walk" in text
    # The policy's own retention table, from the rules the sweep applies.
    assert "Securely disposed of after <strong>1 year</strong>" in text
    assert "until the child is <strong>25 years</strong> old" in text


def test_the_privacy_notice_is_readable_before_the_profile_is_filled_in(client, db):
    response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200
    assert "has not yet published its contact details" in response.text


def test_the_managers_home_page_asks_for_the_profile_until_it_is_complete(client, manager):
    client.force_login(manager)
    assert "not filled in yet" in client.get(reverse("home")).text
    CentreProfileFactory()
    assert "not filled in yet" not in client.get(reverse("home")).text
