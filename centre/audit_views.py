"""The manager's view of the audit trail: newest first, a hundred rows a page, filtered by
action, account id, dates and a record's kind and id. The filters are ids, dates and
kinds, never names, so the query string carries no personal data."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.audit import audit_events
from core.models import AuditEvent

from .access import requires

EVENTS_PER_PAGE = 100


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    user = forms.IntegerField(label="Account id", min_value=1, required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.CharField(label="Kind of record", max_length=100, required=False)
    object_id = forms.IntegerField(label="Record id", min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must not be before the start date.")
        return cleaned


@requires("core.view_auditevent")
@require_safe
def audit_list(request):
    filter_form = AuditFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    events = audit_events(
        action=filters.get("action", ""),
        user_id=filters.get("user"),
        since=filters.get("since"),
        until=filters.get("until"),
        kind=(filters.get("kind") or "").strip(),
        object_id=filters.get("object_id"),
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "centre/audit_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "is_filtered": bool(filters and any(filters.values())),
            "page_query": urlencode(query),
        },
    )


urlpatterns = [
    path("audit/", audit_list, name="audit_list"),
]
