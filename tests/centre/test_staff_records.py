"""DBS checks, HR documents and parental leave on a staff member's file, with uploads
checked by their content and read back only through a role-checked view."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centre.models import DBSCheck, ParentalLeave, StaffDocument
from centre.uploads import MAX_UPLOAD_BYTES
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    DBSCheckFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
    pdf_file,
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


@pytest.fixture
def person(db):
    return StaffMemberFactory(first_name="Imogen")


def dbs_form(**overrides):
    data = {
        "checked_on": "2026-11-01",
        "certificate_number": "001122334455",
        "level": "enhanced_barred",
        "decision": "cleared",
        "outcome": "No information disclosed",
    }
    data.update(overrides)
    return data


def stored_files(settings):
    root = settings.UPLOAD_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(content, name="certificate.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_it_records_a_dbs_check_with_a_copy_of_the_certificate(client, manager, person, settings):
    client.force_login(manager)
    response = client.post(
        reverse("centre:dbs_check_create", args=[person.pk]),
        dbs_form(certificate_copy=upload(PDF_BYTES, name="Imogen Fairweather DBS.pdf")),
    )
    assert response.status_code == 302
    check = DBSCheck.objects.get()
    assert check.staff_member == person
    assert check.checked_on == datetime.date(2026, 11, 1)
    # Stored under a generated name: the person's own file name never reaches the disk.
    assert "Imogen" not in check.certificate_copy.name
    assert check.certificate_copy.name.startswith("dbscheck/")
    assert check.certificate_copy.name.endswith(".pdf")
    assert str(settings.UPLOAD_ROOT) in check.certificate_copy.path


def test_it_refuses_a_dbs_check_dated_in_the_future(client, manager, person):
    client.force_login(manager)
    response = client.post(
        reverse("centre:dbs_check_create", args=[person.pk]),
        dbs_form(checked_on="2026-11-30", certificate_copy=upload(PDF_BYTES)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["checked_on"] == [
        "The date of the check cannot be in the future."
    ]
    assert not DBSCheck.objects.exists()


def test_it_accepts_a_dbs_check_dated_today(client, manager, person):
    client.force_login(manager)
    client.post(
        reverse("centre:dbs_check_create", args=[person.pk]), dbs_form(checked_on="2026-11-29")
    )
    assert DBSCheck.objects.get().checked_on == datetime.date(2026, 11, 29)


NOT_ACCEPTED = (
    "This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of those formats."
)
SCRIPTS = "can carry scripts, so we do not take them: please upload a PDF, JPEG or PNG."


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "certificate.pdf",
            "application/pdf",
            f"Its name says it is a PDF, but this file is a web page (HTML). Web pages {SCRIPTS}",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "photo.svg",
            "image/svg+xml",
            f"This file is an SVG picture. SVG pictures {SCRIPTS}",
        ),
        (b"MZ\x90\x00 not a document", "scan.png", "image/png", NOT_ACCEPTED),
        (b"PK\x03\x04 a word document", "letter.docx", "application/octet-stream", NOT_ACCEPTED),
    ],
    ids=["html-called-pdf", "svg", "program-called-png", "docx"],
)
def test_it_refuses_an_upload_that_is_not_a_pdf_jpeg_or_png_and_stores_nothing(
    client, manager, person, settings, content, name, content_type, message
):
    client.force_login(manager)
    response = client.post(
        reverse("centre:dbs_check_create", args=[person.pk]),
        dbs_form(certificate_copy=upload(content, name=name, content_type=content_type)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["certificate_copy"] == [message]
    assert not DBSCheck.objects.exists()
    assert not stored_files(settings)


def test_it_refuses_an_upload_over_10_mb_and_accepts_one_of_exactly_10_mb(
    client, manager, person, settings
):
    client.force_login(manager)
    too_big = PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES))
    response = client.post(
        reverse("centre:dbs_check_create", args=[person.pk]),
        dbs_form(certificate_copy=upload(too_big)),
    )
    assert response.context["form"].errors["certificate_copy"] == [
        "This file is 10.1 MB. The largest file we can take is 10 MB; please scan it at a "
        "lower resolution or split it."
    ]
    assert not DBSCheck.objects.exists()
    assert not stored_files(settings)

    just_fits = PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES - len(PDF_BYTES))
    client.post(
        reverse("centre:dbs_check_create", args=[person.pk]),
        dbs_form(certificate_copy=upload(just_fits)),
    )
    assert DBSCheck.objects.get().certificate_copy.size == MAX_UPLOAD_BYTES


@pytest.mark.parametrize(
    ("content", "extension"), [(JPEG_BYTES, ".jpg"), (PNG_BYTES, ".png"), (PDF_BYTES, ".pdf")]
)
def test_the_stored_extension_follows_the_content_not_the_name(
    client, manager, person, content, extension
):
    client.force_login(manager)
    client.post(
        reverse("centre:staff_document_create", args=[person.pk]),
        {
            "category": "training",
            "title": "First aid certificate",
            "last_used_on": "2026-11-01",
            "file": upload(content, name="whatever.pdf"),
        },
    )
    assert StaffDocument.objects.get().file.name.endswith(extension)


def test_a_certificate_downloads_as_an_attachment_for_the_manager_only(
    client, manager, staff, volunteer, person
):
    check = DBSCheckFactory(staff_member=person, certificate_copy=pdf_file())
    url = reverse("centre:dbs_certificate_download", args=[check.pk])
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="dbs-certificate-{check.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    for other in (staff, volunteer):
        client.force_login(other)
        assert client.get(url).status_code == 403


def test_a_record_with_no_file_has_nothing_to_download(client, manager, person):
    check = DBSCheckFactory(staff_member=person)
    client.force_login(manager)
    response = client.get(reverse("centre:dbs_certificate_download", args=[check.pk]))
    assert response.status_code == 404


def test_a_destroyed_certificate_cannot_be_uploaded_again(client, manager, person):
    check = DBSCheckFactory(staff_member=person, certificate_destroyed_on=datetime.date(2026, 6, 1))
    client.force_login(manager)
    url = reverse("centre:dbs_check_edit", args=[check.pk])
    assert "certificate_copy" not in client.get(url).context["form"].fields
    client.post(url, dbs_form(checked_on="2025-11-01", certificate_copy=upload(PDF_BYTES)))
    check.refresh_from_db()
    assert not check.certificate_copy


def test_it_refuses_a_document_last_used_in_the_future(client, manager, person):
    client.force_login(manager)
    response = client.post(
        reverse("centre:staff_document_create", args=[person.pk]),
        {"category": "contract", "title": "Contract", "last_used_on": "2026-11-30"},
    )
    assert response.context["form"].errors["last_used_on"] == [
        "The date last used cannot be in the future."
    ]
    assert not StaffDocument.objects.exists()


def test_editing_a_document_keeps_its_file_unless_replaced(client, manager, person):
    document = StaffDocumentFactory(staff_member=person, file=pdf_file())
    stored = document.file.name
    client.force_login(manager)
    page = client.get(reverse("centre:staff_document_edit", args=[document.pk]))
    assert "A file is held" in page.text
    assert "/no-public-url/" not in page.text
    client.post(
        reverse("centre:staff_document_edit", args=[document.pk]),
        {"category": "training", "title": "Renamed", "last_used_on": "2026-11-02"},
    )
    document.refresh_from_db()
    assert document.title == "Renamed"
    assert document.file.name == stored


def parental_leave_form(**overrides):
    data = {
        "starts_on": "2026-03-01",
        "ends_on": "2026-09-01",
        "child_born_on": "2026-02-25",
        "adopted_on": "",
        "disability_allowance": "",
    }
    data.update(overrides)
    return data


def test_it_records_parental_leave(client, manager, person):
    client.force_login(manager)
    client.post(
        reverse("centre:parental_leave_create", args=[person.pk]),
        parental_leave_form(disability_allowance="on"),
    )
    leave = ParentalLeave.objects.get()
    assert leave.staff_member == person
    assert leave.disability_allowance is True


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": "2026-02-28"}, "ends_on", "The end date cannot be before the start date."),
        (
            {"child_born_on": "", "adopted_on": ""},
            "child_born_on",
            "Give the child's date of birth or the date of adoption.",
        ),
        (
            {"child_born_on": "2026-11-30"},
            "child_born_on",
            "The child's date of birth cannot be in the future.",
        ),
    ],
)
def test_it_refuses_parental_leave_that_does_not_add_up(
    client, manager, person, overrides, field, message
):
    client.force_login(manager)
    response = client.post(
        reverse("centre:parental_leave_create", args=[person.pk]), parental_leave_form(**overrides)
    )
    assert message in response.context["form"].errors[field]
    assert not ParentalLeave.objects.exists()
