"""Finding everything the centre holds about a person, for a privacy request.

Each app declares its personal data (``core.declarations.PersonalData``); a search asks
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
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast, Replace, Upper
from django.utils import timezone

from core.declarations import declarations, personal_data_for

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
    def text_words(self):
        """The name's words as looked for inside free text: without the punctuation
        around them, and without initials (a lone letter is in almost every note)."""
        words = [word.strip(".,;:()'\"") for word in self.words]
        return [word for word in words if len(word) > 1]

    @property
    def phone_key(self):
        return _compact(self.phone)

    @property
    def phone_digits(self):
        """The number without its 0 or +44, as digits: found inside free text written in
        any of the ways people write it ("07700 900123", "+44 7700-900-123")."""
        digits = re.sub(r"\D", "", self.phone or "")
        if digits.startswith("44"):
            digits = digits[2:]
        digits = digits.lstrip("0")
        return digits if len(digits) >= 6 else ""

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


@dataclass(frozen=True)
class TextField:
    """A declared field that holds text, free text included, as the search reads it:
    ``alias`` is its value annotated on each record (so a field reached through a
    relation costs no query per record)."""

    path: str
    label: str
    alias: str


def _field_at(model, path):
    """The field at the end of ``path`` ("notes", "booking__notes"), through forward
    single-valued relations only (a search must not repeat a record per related row)."""
    parts = path.replace(".", "__").split("__")
    for position, part in enumerate(parts):
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if position == len(parts) - 1:
            return found
        if not (found.concrete and (found.many_to_one or found.one_to_one)):
            return None
        model = found.related_model
    return None


@cache
def text_fields(declaration) -> tuple:
    """Every declared field of the kind that holds text: its pack fields and its name,
    e-mail, phone and postcode fields, where each is a text field without fixed choices."""
    labels = {}
    for name, label in declaration.pack_fields:
        labels.setdefault(name, label)
    for name in (
        *declaration.name_fields,
        *declaration.email_fields,
        *declaration.phone_fields,
        *declaration.postcode_fields,
    ):
        labels.setdefault(name, "")
    found = []
    for name, label in labels.items():
        model_field = _field_at(declaration.model, name)
        if not isinstance(model_field, (models.CharField, models.TextField)):
            continue
        if model_field.choices or not model_field.concrete:
            continue
        label = label or str(model_field.verbose_name)
        found.append(TextField(name.replace(".", "__"), label, f"_text_{len(found)}"))
    return tuple(found)


def _text(path):
    return Cast(F(path), models.TextField())


def _digits(path):
    return Func(
        _text(path),
        Value(r"\D", output_field=models.TextField()),
        Value("", output_field=models.TextField()),
        Value("g", output_field=models.TextField()),
        function="REGEXP_REPLACE",
        output_field=models.TextField(),
    )


def _compact_text(path):
    blank = Value("", output_field=models.TextField())
    spaces = Replace(_text(path), Value(" ", output_field=models.TextField()), blank)
    return Upper(Replace(spaces, Value("-", output_field=models.TextField()), blank))


def _date_texts(day):
    return [day.strftime("%d/%m/%Y"), day.isoformat()]


def _free_text_q(fields, terms):
    """Records where any declared text holds the name's words (all in one field), the
    phone's digits, the postcode, the e-mail or the date of birth written out; with the
    annotations the lookups need. One query however many fields."""
    annotations, q = {}, Q()
    words = terms.text_words
    email = terms.email.strip()
    for text in fields:
        annotations[text.alias] = F(text.path)
        if words:
            all_words = Q()
            for word in words:
                all_words &= Q(**{f"{text.alias}__icontains": word})
            q |= all_words
        if email:
            q |= Q(**{f"{text.alias}__icontains": email})
        if terms.phone_digits:
            annotations[f"{text.alias}_digits"] = _digits(text.path)
            q |= Q(**{f"{text.alias}_digits__contains": terms.phone_digits})
        if len(terms.postcode_key) >= 5:
            annotations[f"{text.alias}_postcode"] = _compact_text(text.path)
            q |= Q(**{f"{text.alias}_postcode__contains": terms.postcode_key})
        if terms.date_of_birth:
            for written in _date_texts(terms.date_of_birth):
                q |= Q(**{f"{text.alias}__contains": written})
    return annotations, q


def _query(declaration, terms):
    """The declaration's records matching any term, or None when no term applies."""
    records = declaration.records()
    parts = []
    fields = text_fields(declaration)
    if fields:
        annotations, free_text = _free_text_q(fields, terms)
        records = records.annotate(**annotations)
        if free_text:
            parts.append(free_text)
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
    for text in text_fields(declaration):
        for what in _found_in(getattr(record, text.alias, None) or "", terms):
            found = f"{what} in {text.label[:1].lower()}{text.label[1:]}"
            if what not in matched and found not in matched:
                matched.append(found)
    return matched


def _found_in(value, terms):
    """Which terms are inside one text value, as ``_free_text_q`` looks for them."""
    value = str(value)
    lowered = value.lower()
    found = []
    if terms.text_words and all(word.lower() in lowered for word in terms.text_words):
        found.append("name")
    if terms.email.strip() and terms.email.strip().lower() in lowered:
        found.append("e-mail")
    if terms.phone_digits and terms.phone_digits in re.sub(r"\D", "", value):
        found.append("phone")
    if len(terms.postcode_key) >= 5 and terms.postcode_key in _compact(value).upper():
        found.append("postcode")
    if terms.date_of_birth and any(w in value for w in _date_texts(terms.date_of_birth)):
        found.append("date of birth")
    return found


def person_find(terms: Terms) -> list[KindFound]:
    """Every record of every declared kind matching any of ``terms``, grouped by kind."""
    if not terms:
        return []
    results = []
    for declaration in declarations.personal_data:
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


EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+44\s?\(?0?\)?|\(?0)\d[\d\s()-]{8,14}\d")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def terms_given(request: PrivacyRequest) -> dict:
    """For a request about a named person, the search as the requester gave it: their
    name and date of birth, and the first e-mail, phone and postcode in the details.
    Shown in the search form on the page, never put in a URL."""
    if not request.is_about_a_named_person:
        return {}
    details = request.subject_details or ""
    given = {"name": request.subject_name.strip(), "date_of_birth": request.subject_date_of_birth}
    for name, pattern in (("email", EMAIL), ("phone", PHONE), ("postcode", POSTCODE)):
        match = pattern.search(details)
        if match:
            given[name] = match.group(0).strip()
    return given


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
