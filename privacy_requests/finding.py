"""Finding everything the centre holds about a person, for a privacy request.

Each app declares its personal data (``retention.registry.PersonalData``); a search asks
each declaration once (one query per kind of record, however many records there are)
for the records matching any of the terms given. Staff then confirm which are this
person's, and the confirmed records are linked to the request (``RequestRecord``), by
reference only.

The terms are personal data: they travel by POST, are never put in a URL, stored or
logged.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from retention.registry import personal_data_for, registry

from .models import PrivacyRequest, RequestRecord

MOST_PER_KIND = 200

SUBJECT_RECORD_TYPES = {
    "subject_adult": "referrals.adult",
    "subject_child": "referrals.child",
    "subject_staff_member": "centre.staffmember",
}


@dataclass(frozen=True)
class Terms:
    name: str = ""
    date_of_birth: datetime.date | None = None
    email: str = ""
    phone: str = ""
    postcode: str = ""

    @property
    def words(self):
        return self.name.split()

    @property
    def phone_key(self):
        return _compact(self.phone)

    @property
    def postcode_key(self):
        return _compact(self.postcode).upper()

    def __bool__(self):
        return bool(
            self.words or self.date_of_birth or self.email.strip() or self.phone_key
        ) or bool(self.postcode_key)

    def __repr__(self):
        # Never let the terms reach a log or an error report through a repr.
        return "Terms(…)"


@dataclass
class Found:
    declaration: object
    record: object
    label: str
    matched: list = field(default_factory=list)

    @property
    def key(self):
        return record_key(self.declaration.record_type, self.record.pk)

    @property
    def rectify_url(self):
        return self.declaration.rectify_url(self.record)


@dataclass
class KindFound:
    kind: str
    found: list
    more: bool = False


def record_key(record_type, pk):
    return f"{record_type}:{pk}"


def _compact(text):
    return re.sub(r"[\s\-]", "", text or "")


def _compacted(field_name):
    return Replace(Replace(field_name, Value(" "), Value("")), Value("-"), Value(""))


def _name_q(declaration, words):
    if not words or not declaration.name_fields:
        return None
    if len(declaration.name_fields) == 2:
        first, last = declaration.name_fields
        if len(words) == 1:
            word = words[0]
            return Q(**{f"{first}__istartswith": word}) | Q(**{f"{last}__istartswith": word})
        return Q(**{f"{first}__istartswith": words[0]}) & (
            Q(**{f"{last}__istartswith": words[-1]})
            | Q(**{f"{last}__istartswith": " ".join(words[1:])})
        )
    (full,) = declaration.name_fields
    q = Q()
    for word in words:
        q &= Q(**{f"{full}__istartswith": word}) | Q(**{f"{full}__icontains": f" {word}"})
    return q


def _any_of(fields, lookup, value):
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}{lookup}": value})
    return q


def _query(declaration, terms):
    """The declaration's records matching any term, or None when no term applies."""
    records = declaration.records()
    parts = []
    name = _name_q(declaration, terms.words)
    if name is not None:
        parts.append(name)
    if terms.date_of_birth and declaration.dob_fields:
        parts.append(_any_of(declaration.dob_fields, "", terms.date_of_birth))
    if terms.email.strip() and declaration.email_fields:
        parts.append(_any_of(declaration.email_fields, "__iexact", terms.email.strip()))
    if terms.phone_key and declaration.phone_fields:
        annotations = {f"_phone_{n}": _compacted(n) for n in declaration.phone_fields}
        records = records.annotate(**annotations)
        parts.append(_any_of(annotations, "", terms.phone_key))
    if terms.postcode_key and declaration.postcode_fields:
        annotations = {f"_postcode_{n}": Upper(_compacted(n)) for n in declaration.postcode_fields}
        records = records.annotate(**annotations)
        parts.append(_any_of(annotations, "", terms.postcode_key))
    if not parts:
        return None
    q = Q()
    for part in parts:
        q |= part
    return records.filter(q).order_by("pk")


def _matched(declaration, record, terms):
    """Which terms the record matched, for staff deciding whether it is this person's."""

    def values(fields):
        return [getattr(record, name) for name in fields]

    matched = []
    if terms.words and declaration.name_fields:
        text = " ".join(str(v or "") for v in values(declaration.name_fields)).lower()
        if all(re.search(rf"(^|\s){re.escape(w.lower())}", text) for w in terms.words):
            matched.append("name")
        elif any(text.startswith(w.lower()) for w in terms.words):
            matched.append("part of the name")
    if terms.date_of_birth and terms.date_of_birth in values(declaration.dob_fields):
        matched.append("date of birth")
    email = terms.email.strip().lower()
    if email and email in [(v or "").lower() for v in values(declaration.email_fields)]:
        matched.append("e-mail")
    if terms.phone_key and terms.phone_key in [
        _compact(v) for v in values(declaration.phone_fields)
    ]:
        matched.append("phone")
    postcodes = [_compact(v).upper() for v in values(declaration.postcode_fields)]
    if terms.postcode_key and terms.postcode_key in postcodes:
        matched.append("postcode")
    return matched


def person_find(terms: Terms) -> list[KindFound]:
    """Every record of every declared kind matching any of ``terms``, grouped by kind."""
    if not terms:
        return []
    results = []
    for declaration in registry.personal_data:
        records = _query(declaration, terms)
        if records is None:
            continue
        rows = list(records[: MOST_PER_KIND + 1])
        if not rows:
            continue
        found = [
            Found(declaration, row, declaration.describe(row), _matched(declaration, row, terms))
            for row in rows[:MOST_PER_KIND]
        ]
        results.append(KindFound(declaration.kind, found, more=len(rows) > MOST_PER_KIND))
    return results


def subject_key(request: PrivacyRequest):
    for name, record_type in SUBJECT_RECORD_TYPES.items():
        pk = getattr(request, f"{name}_id")
        if pk:
            return record_key(record_type, pk)
    return None


def records_by_key(keys) -> dict:
    """``{key: (declaration, record)}`` for ``"app.model:pk"`` keys of declared kinds;
    unknown or malformed keys are left out. One query per kind."""
    wanted = {}
    for key in keys:
        record_type, _, pk = str(key).rpartition(":")
        if not pk.isdigit():
            continue
        try:
            declaration = personal_data_for(record_type)
        except LookupError:
            continue
        wanted.setdefault(declaration, set()).add(int(pk))
    found = {}
    for declaration, pks in wanted.items():
        for record in declaration.records().filter(pk__in=pks):
            found[record_key(declaration.record_type, record.pk)] = (declaration, record)
    return found


@transaction.atomic
def request_records_confirm(*, request: PrivacyRequest, shown, chosen, actor) -> tuple[int, int]:
    """Of the records ``shown`` to staff, link those ``chosen`` to the request and unlink
    the rest. Returns (linked, unlinked)."""
    shown = set(shown)
    chosen = set(chosen) & shown
    existing = {
        record_key(link.record_type, link.object_id): link for link in request.records.all()
    }
    found = records_by_key(chosen - set(existing))
    now = timezone.now()
    links = [
        RequestRecord(
            request=request,
            record_type=declaration.record_type,
            object_id=record.pk,
            kind=declaration.kind,
            label=declaration.describe(record),
            confirmed_by=actor,
            confirmed_at=now,
        )
        for declaration, record in found.values()
    ]
    for link in links:
        link.full_clean(exclude=["request"])
    RequestRecord.objects.bulk_create(links)
    unlinked = [link.pk for key, link in existing.items() if key in shown and key not in chosen]
    RequestRecord.objects.filter(pk__in=unlinked).delete()
    return len(links), len(unlinked)


def confirmed_records(request: PrivacyRequest):
    """The request's confirmed records, each with its record where still held (None
    where it has gone) and the URL where staff correct it."""
    links = list(request.records.all())
    found = records_by_key(record_key(link.record_type, link.object_id) for link in links)
    rows = []
    for link in links:
        declaration, record = found.get(record_key(link.record_type, link.object_id), (None, None))
        rows.append(
            {
                "link": link,
                "record": record,
                "rectify_url": declaration.rectify_url(record) if record is not None else None,
            }
        )
    return rows
