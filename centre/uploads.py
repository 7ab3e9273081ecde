"""Uploaded files: checked by their content, stored under generated names, never served
from a public path."""

import math
from pathlib import PurePosixPath
from uuid import uuid4

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# How much of a file libmagic reads to tell what it is: enough for every test in its
# database that decides between the kinds below, and never the whole of a 10 MB scan.
SNIFF_BYTES = 2048

# The kinds of file we accept, as libmagic (the `file` command's database) names them from
# their content, and the extension each is stored under. A name or a browser's claimed
# type proves nothing; the content does.
ACCEPTED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
CONTENT_TYPES = {extension: mime_type for mime_type, extension in ACCEPTED_TYPES.items()}

# Kinds a browser would run scripts in if it ever showed them: refused with a reason.
WEB_PAGE_TYPES = {"text/html", "application/xhtml+xml"}
SVG_TYPES = {"image/svg+xml"}


class PrivateFileStorage(FileSystemStorage):
    """Files under ``UPLOAD_ROOT``, which no URL serves: they are read back only through
    views that check the viewer's role."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.UPLOAD_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "UPLOAD_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Uploaded files have no public URL; serve them through a view.")


_private_storage = PrivateFileStorage()


def private_storage():
    return _private_storage


def sniff_mime_type(file):
    """The file's type as libmagic reads it from the first bytes of its content."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(position)
    return magic.from_buffer(head, mime=True)


def sniff_extension(file):
    """Return the extension that matches the file's content, or None."""
    return ACCEPTED_TYPES.get(sniff_mime_type(file))


def _claimed_kind(name):
    extension = PurePosixPath(name or "").suffix.lower()
    return {".pdf": "a PDF", ".jpg": "a JPEG", ".jpeg": "a JPEG", ".png": "a PNG"}.get(extension)


def _wrong_type_error(mime_type, name):
    if mime_type in WEB_PAGE_TYPES:
        claimed = _claimed_kind(name)
        pretends = f"Its name says it is {claimed}, but this" if claimed else "This"
        return ValidationError(
            f"{pretends} file is a web page (HTML). Web pages can carry scripts, so we do "
            "not take them: please upload a PDF, JPEG or PNG.",
            code="web_page",
        )
    if mime_type in SVG_TYPES:
        return ValidationError(
            "This file is an SVG picture. SVG pictures can carry scripts, so we do not take "
            "them: please upload a PDF, JPEG or PNG.",
            code="svg",
        )
    return ValidationError(
        "This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of "
        "those formats.",
        code="wrong_type",
    )


def validate_upload(file):
    # A file already stored was checked when it arrived; only new uploads are read here.
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_UPLOAD_BYTES:
        # Rounded up, so a file just over the limit never reads as "10.0 MB".
        megabytes = math.ceil(file.size * 10 / (1024 * 1024)) / 10
        raise ValidationError(
            f"This file is {megabytes:.1f} MB. The largest file we can take is 10 MB; "
            "please scan it at a lower resolution or split it.",
            code="too_large",
        )
    mime_type = sniff_mime_type(file)
    extension = ACCEPTED_TYPES.get(mime_type)
    if extension is None:
        raise _wrong_type_error(mime_type, file.name)
    # The stored name's extension follows the content, not what the file was called.
    file.name = f"upload{extension}"


def private_upload_to(instance, filename):
    """A generated name under a folder per kind of record: the person's file name may
    itself be personal data, so it is never kept."""
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in CONTENT_TYPES:
        extension = ""
    return f"{instance._meta.model_name}/{uuid4().hex}{extension}"
