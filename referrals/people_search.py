"""Cases, adults and children found for the person picker (``core.picker``): by each word
the start of a first or last name (accents and case aside), a date of birth, or a
reference (``HC-2026-0011``, ``AD-0026``, ``CH-0003``, or a former one). A person of a
case whose reference was typed is found too, so a family can be picked by its case.

A search is one query a kind (two more for the family names of cases found, one more
when a reference is typed), whatever the number of matches."""

import re

from django.db.models import Prefetch, Q

from core.picker import Folded, Found, PeopleSource

from .models import Adult, Case, Child

PREFIXES = {"adult": "AD", "child": "CH"}


def _names_match(terms):
    q = Q()
    for word in terms.folded_words:
        q &= Q(folded_first__startswith=word) | Q(folded_last__startswith=word)
    return q


def _cases_referenced(terms):
    """The ids of the cases whose reference, ours or a former one, was typed (a date or
    words are no reference): one query, through the cases' own indexes, so that their
    people are then found by key rather than by a join from every person."""
    if not terms.reference or terms.words or terms.date:
        return []
    return list(
        Case.objects.filter(
            Q(reference=terms.reference) | Q(former_reference__iexact=terms.text)
        ).values_list("pk", flat=True)
    )


def _person_match(terms, prefix, referenced):
    parts = []
    if terms.words:
        parts.append(_names_match(terms))
    if terms.date:
        parts.append(Q(date_of_birth=terms.date))
    own = re.fullmatch(rf"{prefix}-0*(\d{{1,9}})", terms.reference)
    if own:
        parts.append(Q(pk=int(own.group(1))))
    if terms.reference and not terms.words and not terms.date:
        parts.append(Q(former_reference__iexact=terms.text))
    if referenced:
        parts.append(Q(case_id__in=referenced))
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _people(model, terms, prefix, within, referenced):
    match = _person_match(terms, prefix, referenced)
    if match is None:
        return model.objects.none()
    people = model.objects.annotate(
        folded_first=Folded("first_name"), folded_last=Folded("last_name")
    ).filter(match)
    if "case" in within:
        people = people.filter(case_id__in=within["case"])
    return people


def _found_person(kind, person):
    role = person.get_role_display().lower() if kind == "adult" else "child"
    return Found(
        kind=kind,
        pk=person.pk,
        name=f"{person.first_name} {person.last_name}",
        role=role,
        reference=f"{PREFIXES[kind]}-{person.pk:04d}",
        case_reference=person.case.display_reference,
        date_of_birth=person.date_of_birth,
    )


def _family(case):
    adults = [
        f"{a.first_name} {a.last_name} ({a.get_role_display().lower()})" for a in case.adults.all()
    ]
    children = [f"{c.first_name} {c.last_name} (child)" for c in case.children.all()]
    return ", ".join(adults + children) or "no one recorded yet"


def _found_case(case):
    return Found(
        kind="case", pk=case.pk, name=_family(case), role="case", reference=case.display_reference
    )


def _family_prefetch(cases):
    return cases.prefetch_related(
        Prefetch("adults", queryset=Adult.objects.order_by("role", "last_name", "first_name")),
        Prefetch("children", queryset=Child.objects.order_by("date_of_birth", "first_name")),
    )


def people_search(terms, kinds, within, limit):
    found = []
    referenced = _cases_referenced(terms)
    for kind, model in (("adult", Adult), ("child", Child)):
        if kind in kinds:
            people = _people(model, terms, PREFIXES[kind], within, referenced)
            if kind in within:
                people = people.filter(pk__in=within[kind])
            people = people.select_related("case").order_by("last_name", "first_name", "pk")
            found.extend(_found_person(kind, person) for person in people[:limit])
    if "case" in kinds:
        ids = []
        for kind, model in (("adult", Adult), ("child", Child)):
            people = _people(model, terms, PREFIXES[kind], {}, [])
            ids.append(people.values("case_id"))
        cases = Case.objects.filter(Q(pk__in=ids[0].union(ids[1])) | Q(pk__in=referenced))
        if "case" in within:
            cases = cases.filter(pk__in=within["case"])
        cases = _family_prefetch(cases.order_by("-created_at", "-pk"))[:limit]
        found.extend(_found_case(case) for case in cases)
    return found


def people_load(kind, pk):
    if kind == "case":
        return Case.objects.filter(pk=pk).first()
    model = {"adult": Adult, "child": Child}[kind]
    return model.objects.select_related("case").filter(pk=pk).first()


def people_describe(kind, record):
    if kind == "case":
        return _found_case(_family_prefetch(Case.objects.filter(pk=record.pk)).first())
    return _found_person(kind, record)


SOURCE = PeopleSource(
    kinds=("case", "adult", "child"),
    search=people_search,
    load=people_load,
    describe=people_describe,
)
