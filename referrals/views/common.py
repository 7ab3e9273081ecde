"""What the case views share: the form page, turning a service's refusal into words on
the page, and refusing every write while the case's records are restricted."""

import logging

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from ..restrictions import case_write_refusal

# Sensitive reads are logged here by ids only, never by name.
audit = logging.getLogger("handover.audit")


def case_url(case_or_pk, section=""):
    pk = getattr(case_or_pk, "pk", case_or_pk)
    url = reverse("referrals:case_detail", args=[pk])
    return f"{url}#{section}" if section else url


def refuse_while_restricted(request, case):
    """A redirect to the case page, saying why, while the case's records are read-only
    (a restriction of processing); None when they may be written. Every view that
    writes to a case or its records asks this first, before reading its form.

    Not ``form_page`` itself: a legal hold may still be placed on a restricted case
    (keeping records is what a restriction allows)."""
    refusal = case_write_refusal(case)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect(case_url(case))


def add_service_errors(form, error: ValidationError):
    """Put a service's ValidationError on the form: on its field where the form has that
    field, otherwise at the top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(None if target == NON_FIELD_ERRORS else target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def form_page(request, *, form, title, back_url, on_valid, case=None, intro="", submit_label=""):
    """Render ``form``; on a valid POST call ``on_valid(form)``, which calls a service and
    returns where to go next. A service's refusal is shown on the form and nothing is
    saved (each service is one transaction)."""
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(on_valid(form))
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "referrals/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "intro": intro,
            "case": case,
            "submit_label": submit_label,
        },
    )
