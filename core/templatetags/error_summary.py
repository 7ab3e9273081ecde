"""The error summary at the top of a form (the GOV.UK Design System's pattern, in
Bootstrap): one list of every problem, each field's linked to the field, so a person
using a screen reader or a keyboard reaches each in one step."""

from django import template

register = template.Library()


def _anchor(bound_field):
    """The id of the field's input, or of the block crispy wraps a group of boxes in."""
    return bound_field.id_for_label or f"div_{bound_field.auto_id}"


def problems(form):
    """``[(anchor or "", message)]``: the errors of the whole form first, then each
    field's, in the form's order."""
    if form is None or not form.errors:
        return []
    found = [("", str(error)) for error in form.non_field_errors()]
    for bound_field in form:
        found.extend((_anchor(bound_field), str(error)) for error in bound_field.errors)
    for bound_field in form.hidden_fields():
        found.extend(("", str(error)) for error in bound_field.errors)
    return found


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form, outcome="Nothing has been saved yet."):
    return {"problems": problems(form), "outcome": outcome}
