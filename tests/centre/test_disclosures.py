"""The disclosure log: what left the centre, to whom, when, by whom, on what basis and
whether the person was told; recorded by sending a report and by hand."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance.models import ContactSession, ReportRecipient, SupervisedReport
from attendance.report_services import report_create, report_mark_ready, report_recipient_add
from attendance.services import report_check, report_send
from centre.disclosures import disclosure_record, disclosures_for_case, disclosures_for_person
from centre.models import Disclosure, person_reference
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import family_case
from tests.session_store import session_text

NEW = reverse("centre:disclosure_create")
LOG = reverse("centre:disclosure_list")


def case_page(case):
    """The records tab of the case's page, which shows its disclosures."""
    return reverse("referrals:case_records", args=[case.pk])


def by_hand(case, **fields):
    values = {
        "recipient": "Fictional Borough Council",
        "recipient_type": Disclosure.RecipientType.LOCAL_AUTHORITY,
        "what": "Dates of attendance since June",
        "basis_kind": Disclosure.Basis.LEGAL_OBLIGATION,
        "basis": "Section 47 enquiry",
        "person_told": Disclosure.PersonTold.YES,
        "case_reference": case.display_reference,
    }
    return disclosure_record(disclosure=Disclosure(**(values | fields)), actor=None)


def form_data(case, **overrides):
    an_hour_ago = timezone.localtime() - datetime.timedelta(hours=1)
    return {
        "case_reference": case.display_reference,
        "recipient": "Fictional Family Solicitors",
        "recipient_type": "solicitor",
        "what": "Copy of the signed ground rules",
        "disclosed_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
        "basis_kind": "consent",
        "basis": "Written consent of the resident parent",
        "person_told": "yes",
    } | overrides


@pytest.fixture
def family(db):
    return family_case()


def sent_report(case, *, author, checker, court_ordered):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    session = ContactSessionFactory(
        date=last_week, kind=ContactSession.Kind.SUPERVISED, capacity=1, room="Family room"
    )
    report = report_create(
        report=SupervisedReport(
            booking=BookingFactory(session=session, case=case),
            who_attended="The visiting parent, the child and the supervisor.",
            started_at=datetime.time(10, 0),
            ended_at=datetime.time(11, 30),
            observations="They built a tower of blocks together.",
            court_ordered=court_ordered,
        ),
        actor=author,
    )
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    for recipient in (
        ReportRecipient(report=report, kind="parent", name="The resident parent", adult=resident),
        ReportRecipient(report=report, kind="cafcass", name="Fictional Cafcass officer"),
    ):
        recipient.named_in_order = True
        report_recipient_add(recipient=recipient, actor=author)
    report_check(report=report_mark_ready(report=report, actor=author), actor=checker)
    return report_send(report=report, basis="Order of 01/10/2026", actor=checker), resident


def test_it_records_a_court_order_disclosure_for_each_recipient_of_a_court_ordered_report(
    family, staff, manager
):
    report, resident = sent_report(family, author=staff, checker=manager, court_ordered=True)

    to_parent = Disclosure.objects.get(recipient_type=Disclosure.RecipientType.PERSON)
    to_cafcass = Disclosure.objects.get(recipient_type=Disclosure.RecipientType.CAFCASS)
    for disclosure in (to_parent, to_cafcass):
        assert disclosure.basis_kind == Disclosure.Basis.COURT_ORDER
        assert disclosure.basis == "Order of 01/10/2026"
        assert disclosure.case_reference == family.display_reference
        assert disclosure.disclosed_by == manager
    # The parent who receives it is the person it is about, and knows of it.
    assert (to_parent.person_kind, to_parent.person_id) == ("adult", resident.pk)
    assert to_parent.person_label == f"AD-{resident.pk:04d} of {family.display_reference}"
    assert to_parent.person_told == Disclosure.PersonTold.YES
    assert to_cafcass.person_told == Disclosure.PersonTold.NOT_YET
    assert to_cafcass.person_label == ""
    assert resident.first_name not in to_parent.person_label


def test_it_records_consent_as_the_basis_of_a_report_no_court_ordered(family, staff, manager):
    sent_report(family, author=staff, checker=manager, court_ordered=False)

    assert set(Disclosure.objects.values_list("basis_kind", flat=True)) == {"consent"}


def test_staff_record_a_disclosure_by_hand_and_it_shows_on_the_case_page(client, staff, family):
    resident = family.adults.get(role=Adult.Role.RESIDENT)
    client.force_login(staff)
    page = client.get(case_page(family))
    assert "No disclosures recorded." in page.text
    add_link = f"{NEW}?case={family.display_reference}"
    assert add_link in page.text

    query = (
        f"?case={family.display_reference}&person_kind=adult&person_id={resident.pk}"
        f"&next={case_page(family)}"
    )
    response = client.post(NEW + query, form_data(family))

    assert response.status_code == 302
    assert response["Location"] == case_page(family)
    disclosure = Disclosure.objects.get()
    assert disclosure.disclosed_by == staff
    assert disclosure.basis_kind == Disclosure.Basis.CONSENT
    assert disclosure.recipient_type == Disclosure.RecipientType.SOLICITOR
    assert disclosure.person_label == person_reference(
        "adult", resident.pk, family.display_reference
    )
    page = client.get(case_page(family)).text
    assert "Fictional Family Solicitors" in page
    assert "Copy of the signed ground rules" in page
    assert "Written consent of the resident parent" in page
    # Beside the adult, on the people tab: a link to their disclosures in the log.
    people = client.get(reverse("referrals:case_people", args=[family.pk])).text
    assert f"{LOG}?person_kind=adult&amp;person_id={resident.pk}" in people


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"disclosed_at": "2099-01-01T10:00"},
            "A disclosure cannot be recorded in the future",
        ),
        ({"basis_kind": ""}, "Choose the lawful basis the disclosure was made on."),
        ({"recipient": ""}, "Say to whom the information was disclosed."),
    ],
    ids=["future", "no basis", "no recipient"],
)
def test_a_future_date_a_missing_basis_or_recipient_is_refused_and_nothing_saved(
    client, staff, family, overrides, message
):
    client.force_login(staff)

    response = client.post(f"{NEW}?case={family.display_reference}", form_data(family, **overrides))

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing has been saved yet." in response.text
    assert not Disclosure.objects.exists()


def test_the_service_refuses_a_disclosure_in_the_future(db, staff):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be recorded in the future"):
        disclosure_record(
            disclosure=Disclosure(
                disclosed_at=tomorrow, recipient="Police", what="A statement", basis="Law"
            ),
            actor=staff,
        )
    assert not Disclosure.objects.exists()


def test_a_basis_without_details_is_recorded_in_words(db, staff, family):
    disclosure = by_hand(family, basis="", basis_kind=Disclosure.Basis.VITAL_INTERESTS)

    assert disclosure.basis == "Vital interests"


def test_volunteers_and_outsiders_get_403_from_the_log_and_the_form(
    client, volunteer, outsider, family
):
    for user in (volunteer, outsider):
        client.force_login(user)
        assert client.get(LOG).status_code == 403
        assert client.get(f"{NEW}?case={family.display_reference}").status_code == 403
        assert client.post(NEW, form_data(family)).status_code == 403
    assert not Disclosure.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(LOG)["Location"].startswith(reverse("login"))


def test_the_managers_log_filters_by_case_reference(client, manager, family):
    other = family_case()
    by_hand(family, recipient="Fictional Borough Council")
    by_hand(other, recipient="Fictional Constabulary", recipient_type="police")
    client.force_login(manager)

    everything = client.get(LOG).text
    filtered = client.get(LOG, {"case": family.display_reference.lower()}).text

    assert "Fictional Borough Council" in everything and "Fictional Constabulary" in everything
    assert "Fictional Borough Council" in filtered
    assert "Fictional Constabulary" not in filtered


def test_the_log_filtered_by_person_shows_only_their_disclosures(client, manager, family):
    resident, visiting = family.adults.order_by("role")
    for adult, recipient in ((resident, "About the resident"), (visiting, "About the visitor")):
        by_hand(family, recipient=recipient, person_kind="adult", person_id=adult.pk)
    client.force_login(manager)

    page = client.get(LOG, {"person_kind": "adult", "person_id": visiting.pk}).text

    assert "About the visitor" in page and "About the resident" not in page
    assert list(disclosures_for_person("adult", visiting.pk)) == list(
        Disclosure.objects.filter(recipient="About the visitor")
    )


def test_the_log_is_paginated_and_its_queries_stay_flat(client, manager, family, queries_stay_flat):
    client.force_login(manager)
    for number in range(3):
        by_hand(family, recipient=f"Council office {number}")

    def add_more():
        for number in range(60):
            by_hand(family, recipient=f"Further office {number}")

    response = queries_stay_flat(LOG, add_more=add_more)
    assert "Page 1 of 2" in response.text


def test_the_case_log_is_newest_first(db, family):
    older = by_hand(family, disclosed_at=timezone.now() - datetime.timedelta(days=3))
    newer = by_hand(family, disclosed_at=timezone.now() - datetime.timedelta(hours=1))

    assert list(disclosures_for_case(family.display_reference)) == [newer, older]


def test_an_off_site_next_is_ignored(client, staff, family):
    client.force_login(staff)

    response = client.post(
        f"{NEW}?case={family.display_reference}&next=https://elsewhere.example/", form_data(family)
    )

    assert response["Location"] == f"{LOG}?case={family.display_reference}"


def test_old_rows_are_given_their_kind_and_basis_from_their_words():
    migration = importlib.import_module(
        "centre.migrations.0005_disclosure_kinds_and_first_notice_version"
    )
    assert migration.RECIPIENT_TYPES["parent"] == "person"
    assert migration.basis_kind_of("Court order of 01/10/2026") == "court_order"
    assert migration.basis_kind_of("Consent of both parents") == "consent"


def test_the_message_waiting_in_the_session_does_not_repeat_to_whom_it_was_disclosed(
    client, staff, family
):
    client.force_login(staff)
    client.post(NEW, form_data(family, recipient="Ms Ottoline Brackwater of Fictional Lane"))

    held = session_text()

    assert Disclosure.objects.get().recipient.startswith("Ms Ottoline")
    assert "The disclosure is recorded." in held
    assert "Ottoline" not in held and "Brackwater" not in held
