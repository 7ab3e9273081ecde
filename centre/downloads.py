"""Reading an uploaded file back: only through a view that has checked the viewer's role."""

from pathlib import PurePosixPath

from django.http import FileResponse, Http404

from core import audit

from .uploads import CONTENT_TYPES


def file_download(request, record, field_name, label):
    """``record``'s file as an attachment named ``<label>-<id>.<ext>``: the name on disk
    and the name the person gave it say nothing about anyone."""
    file = getattr(record, field_name)
    if not file:
        raise Http404("There is no file on this record.")
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    audit.sensitive_read(
        request, label, record.pk, line="file-download kind={kind} id={id} user={user}"
    )
    # The type comes from the extension the content earned when it was checked on upload,
    # never from anything the uploader said; a name we did not generate is served as bytes.
    extension = PurePosixPath(file.name).suffix.lower()
    if extension not in CONTENT_TYPES:
        extension = ""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{label}-{record.pk}{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    # Browsers must take the declared type, never guess one from the content.
    response["X-Content-Type-Options"] = "nosniff"
    return response
