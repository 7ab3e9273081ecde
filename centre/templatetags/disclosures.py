"""The disclosure log on other apps' pages, from plain values (a case's display
reference, a person's kind and id), so centre needs nothing from those apps."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..disclosures import disclosures_for_case
from ..models import person_reference

register = template.Library()


def _add_url(context, **query):
    request = context.get("request")
    if request is not None:
        query["next"] = f"{request.path}#disclosures"
    return f"{reverse('centre:disclosure_create')}?{urlencode(query)}"


@register.inclusion_tag("centre/_case_disclosures.html", takes_context=True)
def case_disclosures(context, case_reference):
    """The case's disclosure log, newest first, with a link to record another."""
    user = context["user"]
    if not user.has_perm("centre.view_disclosure"):
        return {"allowed": False}
    return {
        "allowed": True,
        "case_reference": case_reference,
        "disclosures": list(disclosures_for_case(case_reference)),
        "add_url": (
            _add_url(context, case=case_reference) if user.has_perm("centre.add_disclosure") else ""
        ),
        "log_url": f"{reverse('centre:disclosure_list')}?{urlencode({'case': case_reference})}",
    }


@register.inclusion_tag("centre/disclosure_person.html", takes_context=True)
def person_disclosures(context, person_kind, person_id, case_reference=""):
    """Links to one person's disclosures in the log and to record another. It counts
    nothing, so a case page costs the same queries however many adults it shows."""
    user = context["user"]
    if not user.has_perm("centre.view_disclosure"):
        return {"allowed": False}
    person = {"person_kind": person_kind, "person_id": person_id}
    return {
        "allowed": True,
        "label": person_reference(person_kind, person_id, case_reference),
        "log_url": f"{reverse('centre:disclosure_list')}?{urlencode(person)}",
        "add_url": (
            _add_url(context, case=case_reference, **person)
            if user.has_perm("centre.add_disclosure")
            else ""
        ),
    }
