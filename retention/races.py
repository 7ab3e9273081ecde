"""A write that loses a race with a disposal: a clear page, never a server error.

A disposal locks its record, deletes it and commits. A write about that record waiting
behind the lock then finds it gone: a service that locks what it writes about first
raises ``centre.faults.RecordGone``; any other write fails at commit on its foreign key
(PostgreSQL: ``Key (case_id)=(12) is not present in table "referrals_case"``). Either way
the write's transaction has rolled back whole, and ``DisposedMeanwhileMiddleware``
answers 409 with a page saying the record was disposed of a moment ago, with its proof
of disposal (number, rule, reference, when, approved by whom), or that it was deleted
meanwhile where there is no proof. Nothing of the record's content is shown or logged.
"""

import logging
import re

from django.apps import apps
from django.db import IntegrityError
from django.shortcuts import render

from centre.faults import RecordGone

from .models import DisposalRecord

logger = logging.getLogger(__name__)

_MISSING_KEY = re.compile(
    r'Key \((?P<column>\w+)\)=\((?P<id>\d+)\) is not present in table "(?P<table>\w+)"'
)


def _model_of_table(table):
    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    return None


def record_gone_in(exception):
    """``(record_type, object_id)`` of the record a write found gone, or None."""
    if isinstance(exception, RecordGone):
        return exception.record_type, exception.object_id
    if not isinstance(exception, IntegrityError):
        return None
    diag = getattr(exception.__cause__, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    found = _MISSING_KEY.search(detail)
    if found is None:
        return None
    model = _model_of_table(found["table"])
    if model is None:
        return None
    return model._meta.label_lower, int(found["id"])


def proof_of_disposal(record_type, object_id):
    return (
        DisposalRecord.objects.filter(record_type=record_type, object_id=object_id)
        .order_by("-executed_at", "-pk")
        .first()
    )


class DisposedMeanwhileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        gone = record_gone_in(exception)
        if gone is None:
            return None
        record_type, object_id = gone
        proof = proof_of_disposal(record_type, object_id)
        logger.warning(
            "write-lost-race-with-disposal record_type=%s id=%s proof=%s path=%s",
            record_type,
            object_id,
            proof.pk if proof else None,
            request.path,
        )
        if proof is not None:
            kind = proof.kind.replace("-", " ")
        else:
            kind = apps.get_model(record_type)._meta.verbose_name
        return render(
            request,
            "retention/disposed_meanwhile.html",
            {"proof": proof, "kind": kind},
            status=409,
        )
