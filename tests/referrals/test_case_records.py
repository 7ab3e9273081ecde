"""The records on a case, each added from its own form page: the people, protective
orders, pre-visits, consents, communications and documents."""

import datetime
import logging

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import (
    Adult,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
)
from tests.factories import PDF_BYTES, PNG_BYTES
from tests.referrals.factories import (
    AdultFactory,
    CaseDocumentFactory,
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    PreVisitFactory,
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


@pytest.fixture
def case(db):
    return CaseFactory()


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def url(name, pk):
    return reverse(f"referrals:{name}", args=[pk])


# The tab of the case's page each section is on.
TAB_OF = {
    "adults": "people",
    "children": "people",
    "protective-orders": "people",
    "pre-visits": "pre_visits",
    "consents": "records",
    "communications": "records",
    "documents": "records",
}


def case_page(case, section):
    return reverse(f"referrals:case_{TAB_OF[section]}", args=[case.pk]) + f"#{section}"


# The people.


def adult_form(**overrides):
    data = {
        "role": "resident",
        "relationship": "Mother",
        "first_name": "Wren",
        "last_name": "Quillfeather",
        "date_of_birth": "1990-05-17",
        "email": "wren@example.test",
        "phone": "01632 960 111",
        "address": "1 Fictional Row\nLarchwood",
        "postcode": "LW1 4AA",
        "has_parental_responsibility": "true",
        "contact_details_confidential": "on",
    }
    data.update(overrides)
    return data


def test_it_adds_an_adult_whose_contact_details_are_confidential(signed_in, case):
    response = signed_in.post(url("adult_create", case.pk), adult_form())

    assert response.status_code == 302
    assert response["Location"] == case_page(case, "adults")
    adult = Adult.objects.get()
    assert adult.case == case
    assert adult.contact_details_confidential
    assert adult.has_parental_responsibility is True
    assert adult.postcode == "LW1 4AA"
    page = signed_in.get(url("case_people", case.pk)).text
    assert "Contact details confidential from the other party" in page


def test_it_edits_an_adult(signed_in, case):
    adult = AdultFactory(case=case)

    signed_in.post(url("adult_edit", adult.pk), adult_form(first_name="Tamsin"))

    adult.refresh_from_db()
    assert adult.first_name == "Tamsin"


def test_an_adult_born_in_the_future_is_refused(signed_in, case):
    response = signed_in.post(url("adult_create", case.pk), adult_form(date_of_birth="2026-12-01"))

    assert response.context["form"].errors["date_of_birth"] == [
        "A date of birth cannot be in the future."
    ]
    assert not Adult.objects.exists()


def child_form(**overrides):
    data = {
        "first_name": "Juno",
        "last_name": "Quillfeather",
        "date_of_birth": "2019-03-08",
        "needs": "Likes a quiet corner.",
        "interests": "Dinosaurs",
    }
    data.update(overrides)
    return data


def test_it_adds_and_edits_a_child(signed_in, case):
    signed_in.post(url("child_create", case.pk), child_form())
    child = Child.objects.get()
    assert child.case == case

    signed_in.post(url("child_edit", child.pk), child_form(interests="Trains"))

    child.refresh_from_db()
    assert child.interests == "Trains"


def test_a_child_born_in_the_future_is_refused_with_a_message_and_nothing_saved(signed_in, case):
    response = signed_in.post(url("child_create", case.pk), child_form(date_of_birth="2026-11-30"))

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [
        "A child's date of birth cannot be in the future."
    ]
    assert "Nothing has been saved yet." in response.text
    assert not Child.objects.exists()


# Protective orders.


def test_it_records_a_protective_order_and_whom_it_names(signed_in, case):
    signed_in.post(
        url("protective_order_create", case.pk),
        {"kind": "non_molestation", "names": "The visiting parent", "made_on": "2026-06-01"},
    )

    order = ProtectiveOrder.objects.get()
    assert order.case == case
    assert "The visiting parent" in signed_in.get(url("case_people", case.pk)).text


def test_an_order_that_expires_before_it_was_made_is_refused(signed_in, case):
    response = signed_in.post(
        url("protective_order_create", case.pk),
        {
            "kind": "exclusion",
            "names": "The visiting parent",
            "made_on": "2026-06-01",
            "expires_on": "2026-05-01",
        },
    )

    assert response.context["form"].errors["expires_on"] == [
        "An order cannot expire before it was made."
    ]
    assert not ProtectiveOrder.objects.exists()


# Pre-visits.


def pre_visit_form(adult, **overrides):
    data = {
        "adult": adult.pk,
        "visited_on": "2026-11-20",
        "ground_rules_agreed_on": "2026-11-20",
        "ground_rules_witnessed_by": "Bob Stanton",
        "arrangements_agreed": "on",
        "arrangements": "Arrives 10:00 by the side door; leaves 10:15 after the other party.",
        "who_may_collect": "Only the resident parent.",
        "photo_id_seen": "on",
        "emergency_contact": "A fictional aunt, 01632 960 222",
        "privacy_notice_version": "2026-09",
    }
    data.update(overrides)
    return data


def test_it_records_a_completed_pre_visit_with_a_photograph_and_the_children(
    signed_in, staff, case
):
    adult = AdultFactory(case=case)
    child = ChildFactory(case=case)
    photograph = SimpleUploadedFile("Wren Quillfeather.png", PNG_BYTES, content_type="image/png")

    response = signed_in.post(
        url("pre_visit_create", case.pk),
        pre_visit_form(adult, children=[child.pk], photograph=photograph),
    )

    assert response.status_code == 302
    visit = PreVisit.objects.get()
    assert visit.is_complete
    assert list(visit.children.all()) == [child]
    assert visit.photograph.name.endswith(".png")
    assert "Quillfeather" not in visit.photograph.name
    page = signed_in.get(url("case_pre_visits", case.pk)).text
    assert "Checklist complete" in page
    assert url("pre_visit_photograph", visit.pk) in page


def test_the_pre_visit_form_starts_with_the_person_recording_it_as_conducting_it(
    signed_in, staff, case
):
    form = signed_in.get(url("pre_visit_create", case.pk)).context["form"]

    assert form["conducted_by"].value() == staff.pk


def test_a_pre_visit_offers_only_this_cases_adults_children_and_consents_in_force(signed_in, case):
    mine = AdultFactory(case=case)
    my_child = ChildFactory(case=case)
    in_force = ConsentFactory(case=case, given_by=mine)
    ConsentFactory(case=case, given_by=mine, withdrawn_on=datetime.date(2026, 11, 20))
    other_case = CaseFactory()
    theirs = AdultFactory(case=other_case)
    their_child = ChildFactory(case=other_case)
    ConsentFactory(case=other_case, given_by=theirs)

    form = signed_in.get(url("pre_visit_create", case.pk)).context["form"]

    assert list(form.fields["adult"].queryset) == [mine]
    assert list(form.fields["children"].queryset) == [my_child]
    assert list(form.fields["medical_consent"].queryset) == [in_force]

    response = signed_in.post(
        url("pre_visit_create", case.pk), pre_visit_form(theirs, children=[their_child.pk])
    )
    assert "adult" in response.context["form"].errors
    assert "children" in response.context["form"].errors
    assert not PreVisit.objects.exists()


def test_medical_needs_are_refused_without_a_consent_and_kept_with_one(signed_in, case):
    adult = AdultFactory(case=case)
    refused = signed_in.post(
        url("pre_visit_create", case.pk),
        pre_visit_form(adult, medical_needs="Fictional nut allergy"),
    )
    assert refused.context["form"].errors["medical_consent"] == [
        "Medical needs can be recorded only with explicit consent: record the consent "
        "first, then choose it here."
    ]
    assert not PreVisit.objects.exists()

    consent = ConsentFactory(case=case, given_by=adult)
    signed_in.post(
        url("pre_visit_create", case.pk),
        pre_visit_form(adult, medical_needs="Fictional nut allergy", medical_consent=consent.pk),
    )
    assert PreVisit.objects.get().medical_needs == "Fictional nut allergy"


def test_a_pre_visit_dated_in_the_future_is_refused(signed_in, case):
    adult = AdultFactory(case=case)

    response = signed_in.post(
        url("pre_visit_create", case.pk),
        pre_visit_form(adult, visited_on="2026-11-30", ground_rules_agreed_on=""),
    )

    assert response.context["form"].errors["visited_on"] == [
        "A pre-visit date cannot be in the future."
    ]
    assert not PreVisit.objects.exists()


def test_ground_rules_agreed_need_a_witness(signed_in, case):
    adult = AdultFactory(case=case)

    response = signed_in.post(
        url("pre_visit_create", case.pk), pre_visit_form(adult, ground_rules_witnessed_by="")
    )

    assert response.context["form"].errors["ground_rules_witnessed_by"] == [
        "Say who witnessed the agreement."
    ]


def test_it_edits_a_pre_visit_keeping_its_children_in_step(signed_in, case):
    adult = AdultFactory(case=case)
    first, second = ChildFactory(case=case), ChildFactory(case=case)
    visit = PreVisitFactory(case=case, adult=adult, children=[first])

    signed_in.post(url("pre_visit_edit", visit.pk), pre_visit_form(adult, children=[second.pk]))

    assert list(visit.children.all()) == [second]


def test_the_photograph_downloads_for_staff_only_and_the_download_is_logged(
    client, staff, volunteer, case, caplog
):
    visit = PreVisitFactory(
        case=case,
        photograph=SimpleUploadedFile("p.png", PNG_BYTES, content_type="image/png"),
    )
    client.force_login(staff)

    with caplog.at_level(logging.INFO, logger="handover.audit"):
        response = client.get(url("pre_visit_photograph", visit.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="photograph-{visit.pk}.png"'
    assert f"file-download kind=photograph id={visit.pk} user={staff.pk}" in caplog.text
    client.force_login(volunteer)
    assert client.get(url("pre_visit_photograph", visit.pk)).status_code == 403


# Consents.


def test_it_records_a_consent_from_an_adult_of_this_case_only(signed_in, staff, case):
    mine = AdultFactory(case=case)
    theirs = AdultFactory()

    refused = signed_in.post(
        url("consent_create", case.pk),
        {"given_by": theirs.pk, "scope": "Allergies", "given_on": "2026-11-20"},
    )
    assert "given_by" in refused.context["form"].errors
    signed_in.post(
        url("consent_create", case.pk),
        {"given_by": mine.pk, "scope": "Allergies", "given_on": "2026-11-20"},
    )

    consent = Consent.objects.get()
    assert consent.given_by == mine
    assert consent.recorded_by == staff


def test_withdrawing_consent_removes_the_medical_needs_from_the_page(signed_in, case):
    adult = AdultFactory(case=case)
    consent = ConsentFactory(case=case, given_by=adult)
    visit = PreVisitFactory(
        case=case, adult=adult, medical_needs="Fictional nut allergy", medical_consent=consent
    )
    assert "Fictional nut allergy" in signed_in.get(url("case_pre_visits", case.pk)).text

    confirm = signed_in.get(url("consent_withdraw", consent.pk))
    assert "This cannot be undone." in confirm.text
    response = signed_in.post(
        url("consent_withdraw", consent.pk), {"withdrawn_on": "2026-11-29"}, follow=True
    )

    consent.refresh_from_db()
    visit.refresh_from_db()
    assert consent.withdrawn_on == datetime.date(2026, 11, 29)
    assert visit.medical_needs == ""
    assert "Fictional nut allergy" not in response.text
    assert "Withdrawn 29/11/2026" in response.text
    assert not visit.history.filter(medical_needs="Fictional nut allergy").exists()


def test_consent_cannot_be_withdrawn_before_it_was_given_or_in_the_future(signed_in, case):
    consent = ConsentFactory(case=case, given_on=datetime.date(2026, 11, 10))

    for day, message in [
        ("2026-11-09", "Consent cannot be withdrawn before the date it was given (10/11/2026)."),
        ("2026-11-30", "The date consent was withdrawn cannot be in the future."),
    ]:
        response = signed_in.post(url("consent_withdraw", consent.pk), {"withdrawn_on": day})
        assert response.context["form"].errors["withdrawn_on"] == [message]
    consent.refresh_from_db()
    assert consent.is_active


def test_a_consent_already_withdrawn_is_left_alone(signed_in, case):
    consent = ConsentFactory(case=case, withdrawn_on=datetime.date(2026, 11, 20))

    response = signed_in.post(url("consent_withdraw", consent.pk), {"withdrawn_on": "2026-11-29"})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == datetime.date(2026, 11, 20)


# Communications and documents.


def test_it_logs_a_communication_credited_to_the_person_recording_it(signed_in, staff, case):
    response = signed_in.post(
        url("communication_create", case.pk),
        {
            "occurred_on": "2026-11-28",
            "kind": "phone",
            "direction": "out",
            "with_whom": "The referrer",
            "summary": "Offered pre-visit dates.",
        },
    )

    assert response["Location"] == case_page(case, "communications")
    communication = Communication.objects.get()
    assert communication.recorded_by == staff
    assert communication.direction == "out"


def test_it_uploads_a_document_credited_to_the_uploader(signed_in, staff, case):
    signed_in.post(
        url("document_create", case.pk),
        {
            "kind": "letter",
            "title": "Letter to the referrer",
            "file": SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    document = CaseDocument.objects.get()
    assert document.uploaded_by == staff
    assert document.file.name.startswith("casedocument/")


def test_a_document_needs_a_file(signed_in, case):
    response = signed_in.post(
        url("document_create", case.pk), {"kind": "letter", "title": "Letter"}
    )

    assert "file" in response.context["form"].errors
    assert not CaseDocument.objects.exists()


def test_a_document_downloads_for_staff_and_the_manager_not_volunteers(
    client, staff, manager, volunteer, case
):
    document = CaseDocumentFactory(case=case)
    target = url("document_download", document.pk)
    for person in (staff, manager):
        client.force_login(person)
        response = client.get(target)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(volunteer)
    assert client.get(target).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "adult_create",
        "child_create",
        "protective_order_create",
        "pre_visit_create",
        "consent_create",
        "communication_create",
        "document_create",
    ],
)
def test_volunteers_cannot_add_anything_to_a_case(client, volunteer, case, name):
    client.force_login(volunteer)

    assert client.get(url(name, case.pk)).status_code == 403
    assert client.post(url(name, case.pk), {}).status_code == 403


def test_a_record_of_an_unknown_case_is_not_found(signed_in):
    assert signed_in.get(url("adult_create", 999)).status_code == 404
    assert signed_in.get(url("adult_edit", 999)).status_code == 404
