"""The manager's view of the audit trail: newest first, a hundred rows a page, each row a
sentence ("Tom Lindqvist opened case HC-2026-0011", centre.audit_words), filtered by
person (chosen by name), kind of record (in words), action, dates and a record's id. The
person filter carries the account's id, never a name, so the query string holds no
personal data."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.audit import audit_events
from core.models import AuditEvent

from .access import requires
from .audit_words import kind_choices, sentences
from .models import User

EVENTS_PER_PAGE = 100


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    user = forms.TypedChoiceField(label="Person", coerce=int, empty_value=None, required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label="Kind", required=False)
    object_id = forms.IntegerField(
        label="Record id",
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            "Enter a record's id: the number in its page's address, such as 17 in /cases/17/.",
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every account by name, switched-off ones too; the value sent is the id.
        accounts = User.objects.order_by("full_name", "pk").values_list(
            "pk", "full_name", "is_active"
        )
        choices = [
            (pk, name if active else f"{name} (switched off)") for pk, name, active in accounts
        ]
        # The rows of a deleted account are still found by its id, sent as before.
        asked = str(self.data.get("user", ""))
        if asked.isdigit() and int(asked) < 2**63 and int(asked) not in {pk for pk, _ in choices}:
            choices.append((int(asked), "A former account"))
        self.fields["user"].choices = [("", "Anyone"), *choices]
        kinds = AuditEvent.objects.order_by().values_list("kind", flat=True).distinct()
        self.fields["kind"].choices = [("", "Any kind"), *kind_choices(kinds)]

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
        kind=filters.get("kind") or "",
        object_id=filters.get("object_id"),
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "centre/audit_list.html",
        {
            "page": page,
            "rows": sentences(page.object_list, request.user),
            "filter_form": filter_form,
            "is_filtered": bool(filters and any(filters.values())),
            "page_query": urlencode(query),
        },
    )


urlpatterns = [
    path("audit/", audit_list, name="audit_list"),
]
