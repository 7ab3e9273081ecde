"""Reading an uploaded file back: only through a view that has checked the viewer's role."""

import logging
from pathlib import PurePosixPath

from django.http import FileResponse, Http404

from . import audit as audit_trail

audit = logging.getLogger("handover.audit")


def file_download(request, record, field_name, label):
    """``record``'s file as an attachment named ``<label>-<id>.<ext>``: the name on disk
    and the name the person gave it say nothing about anyone."""
    file = getattr(record, field_name)
    if not file:
        raise Http404("There is no file on this record.")
    # Sensitive read: logged by ids only, never by name.
    audit.info("file-download kind=%s id=%s user=%s", label, record.pk, request.user.pk)
    audit_trail.record(request, audit_trail.Action.READ, kind=label, object_id=record.pk)
    extension = PurePosixPath(file.name).suffix
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=f"{label}-{record.pk}{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
