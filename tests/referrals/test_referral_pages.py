"""Recording a new referral opens a case; editing the referral recomputes how long the
case is kept; the court order copy is read back only through a role-checked view."""

import datetime
import logging

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Case, Referral, StatusChange
from tests.error_summary import error_summary_of
from tests.factories import PDF_BYTES, pdf_file
from tests.referrals.factories import CaseFactory, referral_form_data

NEW = reverse("referrals:case_create")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def test_a_new_referral_opens_a_case_and_goes_to_its_page(client, staff):
    client.force_login(staff)

    response = client.post(
        NEW,
        referral_form_data(
            risk_domestic_abuse="on",
            risk_notes="Fictional: the resident parent reports past abuse.",
            interpreter_needed="on",
            interpreter_language="Welsh",
            access_needs="Step-free access",
        ),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:case_detail", args=[case.pk])
    assert case.reference == "HC-2026-0001"
    assert case.status == Case.Status.RECEIVED
    assert case.get_retention_rule_display() == "One year after closure"
    referral = case.referral
    assert referral.received_on == datetime.date(2026, 11, 2)
    assert referral.risk_domestic_abuse
    assert referral.interpreter_language == "Welsh"
    assert referral.frequency_requested == "fortnightly"
    assert StatusChange.objects.get(case=case).changed_by == staff
    assert case.history.get().history_user == staff
    page = client.get(response["Location"])
    assert "The referral is recorded as case HC-2026-0001." in page.text


def test_the_form_starts_with_todays_date_as_the_date_received(client, staff):
    client.force_login(staff)

    form = client.get(NEW).context["form"]

    assert form["received_on"].value() == datetime.date(2026, 11, 29)


def test_a_court_referral_with_an_uploaded_order_is_kept_three_years(client, staff):
    client.force_login(staff)

    client.post(
        NEW,
        referral_form_data(
            source="court",
            service="supervised",
            court_order="on",
            court_order_type="Child arrangements order",
            court_order_date="2026-10-01",
            court_order_copy=SimpleUploadedFile("Order for the Quillfeather family.pdf", PDF_BYTES),
            cafcass_involved="on",
        ),
    )

    case = Case.objects.get()
    assert case.get_retention_rule_display() == "Three years after closure"
    assert "court order" in case.retention_reason
    assert case.referral.court_order_copy.name.startswith("referral/")
    assert "Quillfeather" not in case.referral.court_order_copy.name


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"received_on": "2026-11-30"},
            "received_on",
            "The date received cannot be in the future.",
        ),
        (
            {"court_order_type": "Child arrangements order", "court_order_date": "2026-10-01"},
            "court_order",
            "Tick this if there is a court order, or clear its details.",
        ),
        ({"source": "other"}, "source_other", "Say where the referral came from."),
        (
            {"interpreter_needed": "on"},
            "interpreter_language",
            "Say which language the interpreter is needed for.",
        ),
        ({"service": ""}, "service", "This field is required."),
    ],
    ids=["received-in-the-future", "order-details-unticked", "other-unsaid", "language", "service"],
)
def test_a_referral_that_does_not_add_up_is_refused_with_a_message_and_nothing_saved(
    client, staff, overrides, field, message
):
    client.force_login(staff)

    response = client.post(NEW, referral_form_data(**overrides))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    summary = error_summary_of(response.text)
    assert summary["problems"] == [message], "one problem, listed once at the top"
    assert "Nothing has been saved yet." in response.text
    assert all(f'id="{anchor}"' in response.text for anchor in summary["anchors"])
    assert not Case.objects.exists()
    assert not Referral.objects.exists()


def test_editing_the_service_of_a_self_referral_to_supervised_recomputes_its_retention(
    client, staff
):
    case = CaseFactory()
    assert case.retention_rule == "contact-self"
    client.force_login(staff)

    response = client.post(
        reverse("referrals:referral_edit", args=[case.pk]),
        referral_form_data(service="supervised"),
        follow=True,
    )

    case.refresh_from_db()
    assert case.retention_rule == "contact-court"
    assert case.get_retention_rule_display() == "Three years after closure"
    assert "The referral is saved. Retention: three years after closure." in response.text
    assert case.retention_reason == "Kept three years after closure: supervised contact."
    overview = client.get(reverse("referrals:case_detail", args=[case.pk])).text
    assert "Three years after closure" in overview
    assert case.retention_reason in overview


def test_a_bad_edit_leaves_the_referral_and_its_retention_as_they_were(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.post(
        reverse("referrals:referral_edit", args=[case.pk]),
        referral_form_data(service="supervised", received_on="2026-12-01"),
    )

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.referral.service == "supported"
    assert case.retention_rule == "contact-self"


def test_the_court_order_downloads_for_staff_and_the_manager_and_is_logged(
    client, staff, manager, volunteer, caplog
):
    case = CaseFactory(referral__court_order=True, referral__court_order_copy=pdf_file())
    url = reverse("referrals:court_order_download", args=[case.pk])
    for person in (staff, manager):
        client.force_login(person)
        with caplog.at_level(logging.INFO, logger="handover.audit"):
            response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="court-order-{case.referral.pk}.pdf"'
        )
        assert b"".join(response.streaming_content) == PDF_BYTES
    assert f"file-download kind=court-order id={case.referral.pk} user={staff.pk}" in caplog.text
    client.force_login(volunteer)
    assert client.get(url).status_code == 403


def test_a_referral_without_a_court_order_copy_has_nothing_to_download(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    assert client.get(reverse("referrals:court_order_download", args=[case.pk])).status_code == 404
