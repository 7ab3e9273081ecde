"""Reads for the case pages. Each loads what its page shows in a fixed number of queries,
however many cases, people or records there are."""

from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Prefetch, QuerySet, When
from django.shortcuts import get_object_or_404

from .models import (
    Adult,
    Case,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    StatusChange,
)

PARENT_ROLES = (Adult.Role.RESIDENT, Adult.Role.VISITING)

# The resident parent, then the visiting parent, then any other adult (the model orders
# roles alphabetically, which would put "other" first).
_PARENTS_FIRST = DbCase(
    When(role=Adult.Role.RESIDENT, then=0), When(role=Adult.Role.VISITING, then=1), default=2
)


def _parents():
    """The parents' names as ``case.parents`` (nothing else of theirs is loaded)."""
    parents = Adult.objects.filter(role__in=PARENT_ROLES).only(
        "case_id", "role", "first_name", "last_name"
    )
    return Prefetch("adults", queryset=parents, to_attr="parents")


def cases_for_list(cases: QuerySet | None = None) -> QuerySet:
    """``cases`` with what a list row shows: the referral, the parents' names and the
    children's first names, newest first."""
    cases = Case.objects.all() if cases is None else cases
    children = Child.objects.only("case_id", "first_name", "date_of_birth")
    return (
        cases.select_related("referral")
        .prefetch_related(
            _parents(), Prefetch("children", queryset=children, to_attr="listed_children")
        )
        .order_by("-created_at", "-pk")
    )


def cases_due_for_review(*, on=None) -> QuerySet:
    """Active cases whose six-monthly review is due on or before ``on`` (today), soonest
    first, with their parents' names."""
    return (
        Case.objects.due_for_review(on)
        .prefetch_related(_parents())
        .order_by("next_review_on", "pk")
    )


def case_for_tab(pk, tab: str) -> Case:
    """One case with what one tab of its page shows: every tab has the header, which
    names the adults; each kind of record in one query.

    Tabs: ``overview``, ``people``, ``pre-visits``, ``sessions``, ``records``,
    ``history``."""
    adults = Prefetch("adults", queryset=Adult.objects.order_by(_PARENTS_FIRST, "last_name", "pk"))
    pre_visits = PreVisit.objects.select_related(
        "adult", "conducted_by", "medical_consent__given_by"
    ).prefetch_related("children")
    extra = {
        "overview": ["pre_visits", "children"],
        "people": ["children", "protective_orders", "pre_visits"],
        "pre-visits": [Prefetch("pre_visits", queryset=pre_visits), "children"],
        "sessions": [],
        "records": [
            Prefetch(
                "consents", queryset=Consent.objects.select_related("given_by", "recorded_by")
            ),
            Prefetch(
                "communications", queryset=Communication.objects.select_related("recorded_by")
            ),
            Prefetch("documents", queryset=CaseDocument.objects.select_related("uploaded_by")),
        ],
        "history": [
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by"))
        ],
    }[tab]
    cases = Case.objects.prefetch_related(adults, *extra)
    if tab in ("records", "history"):
        cases = cases.select_related("referral")
    return get_object_or_404(cases, pk=pk)


@dataclass
class HistoryEntry:
    """One save of the case or its referral: when, by whom, and which fields changed."""

    record: str
    when: object
    user: object
    action: str
    changed: list[str] = field(default_factory=list)
    sequence: int = 0


# Bookkeeping that moves with a field already shown (the status), not worth a line.
_HISTORY_NOISE = {"status_changed_at"}


def _entries(label, history):
    rows = list(history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for row in rows:
        if previous is None or row.history_type == "+":
            entries.append(
                HistoryEntry(
                    label, row.history_date, row.history_user, "Created", sequence=row.history_id
                )
            )
        else:
            delta = row.diff_against(previous, excluded_fields=_HISTORY_NOISE)
            changed = [_field_label(row.instance_type, name) for name in delta.changed_fields]
            if changed:
                entries.append(
                    HistoryEntry(
                        label,
                        row.history_date,
                        row.history_user,
                        "Changed",
                        changed,
                        sequence=row.history_id,
                    )
                )
        previous = row
    return entries


def _field_label(model, name):
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def case_history(case: Case) -> list[HistoryEntry]:
    """The change history of the case and its referral, newest first, in two queries.
    Only which fields changed is shown, never their values."""
    entries = _entries("Case", case.history)
    referral = getattr(case, "referral", None)
    if referral is not None:
        entries += _entries("Referral", referral.history)
    entries.sort(key=lambda entry: (entry.when, entry.sequence), reverse=True)
    return entries


def pre_visits_by_adult(case: Case) -> list[tuple[Adult, list[PreVisit]]]:
    """Each adult of the case with their pre-visits, from what ``case_for_tab`` loaded."""
    visits = list(case.pre_visits.all())
    return [
        (adult, [visit for visit in visits if visit.adult_id == adult.pk])
        for adult in case.adults.all()
    ]
