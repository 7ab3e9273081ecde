"""Uploaded files: checked by their content, stored under generated names, never served
from a public path."""

import math
from pathlib import PurePosixPath
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# The first bytes of each kind of file we accept. A name or a browser's claimed type
# proves nothing; the content does.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


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


def sniff_extension(file):
    """Return the extension that matches the file's content, or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    for extension, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return extension
    return None


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
    extension = sniff_extension(file)
    if extension is None:
        raise ValidationError(
            "This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of "
            "those formats.",
            code="wrong_type",
        )
    # The stored name's extension follows the content, not what the file was called.
    file.name = f"upload{extension}"


def private_upload_to(instance, filename):
    """A generated name under a folder per kind of record: the person's file name may
    itself be personal data, so it is never kept."""
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in SIGNATURES:
        extension = ""
    return f"{instance._meta.model_name}/{uuid4().hex}{extension}"
