"""The form page every app's views share, and putting a service's refusal on a form.

It sits in the base layer (``core``), which every app may import, so no app borrows another's view
helpers."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render


def add_service_errors(form, error: ValidationError, names: dict[str, str] | None = None):
    """Put a service's refusal on the form: on the field it names where the form has that
    field (``names`` maps the model's field names to the form's), otherwise at the top."""
    names = names or {}
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            name = names.get(name, name)
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for text in texts:
                form.add_error(target, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


def form_page(
    request,
    *,
    form,
    on_valid: Callable,
    title: str,
    back_url: str = "",
    intro: str = "",
    submit_label: str = "",
    success: str = "",
    template: str = "form_page.html",
    **context,
):
    """Show ``form``; on a valid POST call ``on_valid(form)``, which calls a service and
    returns where to go next, then show ``success`` (if any) and go there.

    A ValidationError from the service is shown on the form, which comes back with what
    was typed, and nothing is saved (each service is one transaction). ``template``
    extends ``form_page.html``; ``context`` is what it shows besides (the case, the
    report)."""
    if request.method == "POST" and form.is_valid():
        try:
            next_url = on_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if success:
                messages.success(request, success)
            return redirect(next_url)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "title": title,
            "back_url": back_url,
            "intro": intro,
            "submit_label": submit_label,
        },
    )
