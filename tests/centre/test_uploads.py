"""Uploads are checked by their content with libmagic, not by their name: only a PDF, JPEG
or PNG of at most 10 MB is kept, under a generated name, and it comes back only as an
attachment the browser may not sniff. Every file here is fictional."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from centre.uploads import MAX_UPLOAD_BYTES, private_storage
from referrals.models import CaseDocument
from tests.factories import PDF_BYTES
from tests.referrals.factories import CaseDocumentFactory, CaseFactory


def picture(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


HTML_CALLED_PDF = (
    b"<!doctype html>\n<html><head><title>Court order</title></head>"
    b"<body><script>document.location='https://example.test/'</script></body></html>\n"
)
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>\n"
)


@pytest.fixture
def case(db):
    return CaseFactory()


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def upload_document(client, case, content, name, content_type):
    return client.post(
        reverse("referrals:document_create", args=[case.pk]),
        {
            "kind": "letter",
            "title": "Letter from the court",
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def stored_files(settings):
    root = settings.UPLOAD_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_refused(response, settings, message):
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert not CaseDocument.objects.exists()
    assert not stored_files(settings)


def test_an_html_page_named_as_a_pdf_is_refused_and_nothing_is_stored(signed_in, case, settings):
    response = upload_document(signed_in, case, HTML_CALLED_PDF, "order.pdf", "application/pdf")

    assert_refused(
        response,
        settings,
        "Its name says it is a PDF, but this file is a web page (HTML). Web pages can carry "
        "scripts, so we do not take them: please upload a PDF, JPEG or PNG.",
    )


def test_an_svg_named_as_a_png_is_refused_and_nothing_is_stored(signed_in, case, settings):
    response = upload_document(signed_in, case, SVG, "photo.png", "image/png")

    assert_refused(
        response,
        settings,
        "This file is an SVG picture. SVG pictures can carry scripts, so we do not take "
        "them: please upload a PDF, JPEG or PNG.",
    )


def test_a_png_signature_with_no_picture_behind_it_is_refused(signed_in, case, settings):
    # The first eight bytes of a PNG prove nothing: libmagic wants a real image header.
    fake = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = upload_document(signed_in, case, fake, "photo.png", "image/png")

    assert_refused(
        response,
        settings,
        "This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of "
        "those formats.",
    )


def test_a_file_over_10_mb_is_refused_and_nothing_is_stored(signed_in, case, settings):
    too_big = PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES))
    response = upload_document(signed_in, case, too_big, "order.pdf", "application/pdf")

    assert_refused(
        response,
        settings,
        "This file is 10.1 MB. The largest file we can take is 10 MB; please scan it at a "
        "lower resolution or split it.",
    )


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        pytest.param(PDF_BYTES, ".pdf", id="pdf"),
        pytest.param(picture("PNG"), ".png", id="png"),
        pytest.param(picture("JPEG"), ".jpg", id="jpeg"),
    ],
)
def test_a_real_pdf_png_or_jpeg_is_kept_under_a_generated_name_with_its_own_extension(
    signed_in, case, settings, content, extension
):
    # Named as something else on purpose: the stored extension follows the content.
    response = upload_document(
        signed_in, case, content, "Wren Quillfeather letter.doc", "application/msword"
    )

    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.file.name.startswith("casedocument/")
    assert document.file.name.endswith(extension)
    assert "Quillfeather" not in document.file.name
    [stored] = stored_files(settings)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(settings.UPLOAD_ROOT)


@pytest.mark.parametrize(
    ("content", "extension", "content_type"),
    [
        pytest.param(PDF_BYTES, ".pdf", "application/pdf", id="pdf"),
        pytest.param(picture("PNG"), ".png", "image/png", id="png"),
        pytest.param(picture("JPEG"), ".jpg", "image/jpeg", id="jpeg"),
    ],
)
def test_a_download_is_an_attachment_the_browser_may_not_sniff(
    signed_in, case, content, extension, content_type
):
    upload_document(signed_in, case, content, "scan", "text/html")
    document = CaseDocument.objects.get()

    response = signed_in.get(reverse("referrals:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-document-{document.pk}{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content) == content


def test_a_stored_file_with_an_unknown_extension_downloads_as_plain_bytes(signed_in, case):
    # Never the case for anything uploaded through a form; a file put there by other means
    # is still not given a type a browser would render.
    document = CaseDocumentFactory(case=case)
    document.file.name = private_storage().save("casedocument/left-here.html", ContentFile(SVG))
    document.save(update_fields=["file"])

    response = signed_in.get(reverse("referrals:document_download", args=[document.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == (
        f'attachment; filename="case-document-{document.pk}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
