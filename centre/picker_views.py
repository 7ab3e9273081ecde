"""The person picker's results as one types (``static/js/picker.js``): the same
fragment the form shows after "Find", for the kinds the form's signed scope allows.

What was typed comes by POST, so no name or date of birth ends up in a URL or a log; each
search is recorded as a sensitive read, by its number of results only. Volunteers choose
no one on a form, so they get nothing here."""

import re

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from core import audit
from core.picker import people_find, scope_read

from .access import requires

FIELD_NAME = re.compile(r"[\w-]{1,80}")


@requires("referrals.view_case")
@require_POST
def people_find_view(request):
    scope = scope_read(request.POST.get("scope", ""))
    name = request.POST.get("name", "")
    field_id = request.POST.get("id", "") or f"id_{name}"
    if scope is None or not FIELD_NAME.fullmatch(name) or not FIELD_NAME.fullmatch(field_id):
        return HttpResponseBadRequest("The search came from no form of ours.")
    kinds, within = scope
    query = request.POST.get("q", "")
    results, more = people_find(query, kinds=kinds, within=within)
    searched = bool(query.strip())
    if searched:
        audit.sensitive_read(
            request,
            "person search",
            None,
            line="person-search user={user} results={results}",
            detail=f"{len(results)} result(s)",
            results=len(results),
        )
    return render(
        request,
        "includes/person_picker_results.html",
        {
            "name": name,
            "id": field_id,
            "results": results,
            "more": more,
            "searched": searched,
            "value": request.POST.get("value", ""),
        },
    )


urlpatterns = [
    path("people/find/", people_find_view, name="people_find"),
]
