"""The person picker: wherever a person or a case is chosen, they are found by name, date of
birth or reference, and chosen from results that show names, roles and cases.

Without JavaScript the field is a search box, a "Find" button and the results as radio
buttons: "Find" posts the form, which comes back with everything typed and the results
(``PickerFormMixin``: nothing is checked or saved on a "Find"); then the choice is posted
with the rest. With JavaScript (``static/js/picker.js``) the results come as one
types, from ``centre.picker_views`` (the same fragment), and a result chosen is the
field's value.

The base layer knows no app's models: each app that holds people fills the
``PEOPLE_SEARCH`` hook with a ``PeopleSource`` (``referrals``: cases, adults and
children; ``centre``: staff members). A value is ``"<kind>:<id>"``; the field's cleaned
value is the record itself, loaded by its source.
"""

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db.models import F, Func, Value
from django.db.models.functions import Upper
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string

from .declarations import PEOPLE_SEARCH, declarations

KINDS = ("case", "adult", "child", "staff")
# At most this many results are shown: enough for a family and its namesakes; more means
# the search should be narrowed, and the page says so.
RESULTS_SHOWN = 20
FIND_BUTTON = "_find"
SIGNING_SALT = "core.picker"


@dataclass(frozen=True)
class Found:
    """One result: a person (with their case) or a case (with its family's names)."""

    kind: str
    pk: int
    name: str
    role: str
    reference: str
    case_reference: str = ""
    date_of_birth: datetime.date | None = None

    @property
    def value(self):
        return f"{self.kind}:{self.pk}"


@dataclass(frozen=True)
class Terms:
    """What was typed, read as people type it."""

    text: str
    words: tuple
    date: datetime.date | None
    reference: str

    @property
    def folded_words(self):
        return tuple(fold(word) for word in self.words)


@dataclass(frozen=True)
class PeopleSource:
    """Where people or cases of some ``kinds`` are found (the ``PEOPLE_SEARCH`` hook).

    - ``search``: ``(terms, kinds, within, limit) -> [Found]``: those of ``kinds`` matching
      ``terms`` (each word the start of a first or last name, accents and case aside; a
      date of birth; a reference, ours or the former), at most ``limit``, in a number of
      queries that does not grow with the matches. ``within`` is ``{kind: ids}``: where
      a kind is in it, only those records may be found.
    - ``load``: ``(kind, pk) -> record or None``: the record chosen.
    - ``describe``: ``(kind, record) -> Found``: the record chosen, shown again.
    """

    kinds: tuple
    search: Callable
    load: Callable
    describe: Callable


def fold(text):
    """``text`` without accents, in capitals: "Zoë" and "zoe" are both "ZOE"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_UNDECOMPOSED).upper()


_UNDECOMPOSED = str.maketrans("øØłŁđĐßæÆœŒ", "oOlLdDsaAoO")


def _accent_map():
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = fold(char)
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char.upper():
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


ACCENTED, PLAIN = _accent_map()


class Folded(Func):
    """A name column as ``fold`` gives it, in SQL, so "zoe" finds "Zoë" (PostgreSQL's own
    TRANSLATE: no extension needed). SQLite, for ``make run`` alone, only capitalises."""

    function = "TRANSLATE"
    template = "UPPER(%(function)s(%(expressions)s))"

    def __init__(self, field, **extra):
        super().__init__(F(field), Value(ACCENTED), Value(PLAIN), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return Upper(self.source_expressions[0]).as_sql(compiler, connection)


DATE_PATTERNS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d")


def parse_terms(text):
    text = " ".join(str(text).split())[:100]
    date = None
    for pattern in DATE_PATTERNS:
        try:
            date = datetime.datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    words = tuple(
        word
        for word in re.split(r"[\s,]+", text)
        if word and not any(c.isdigit() for c in word) and len(word) <= 50
    )
    return Terms(text=text, words=words, date=date, reference=text.upper())


def _sources(kinds):
    return [s for s in declarations.get(PEOPLE_SEARCH) if set(s.kinds) & set(kinds)]


def people_find(text, *, kinds, within=None, limit=RESULTS_SHOWN):
    """``(results, more)``: at most ``limit`` people or cases of ``kinds`` matching
    ``text``, and whether there were more."""
    terms = parse_terms(text)
    if not terms.text:
        return [], False
    within = within or {}
    results = []
    for source in _sources(kinds):
        wanted = tuple(kind for kind in kinds if kind in source.kinds)
        results.extend(source.search(terms, wanted, within, limit + 1))
    order = {kind: i for i, kind in enumerate(KINDS)}
    results.sort(key=lambda f: (f.case_reference or f.reference, order[f.kind], f.name))
    return results[:limit], len(results) > limit


def people_load(value, *, kinds, within=None):
    """The record ``value`` (``"kind:id"``) names, when it is one of ``kinds`` (and of
    ``within``), or None."""
    kind, _, pk = str(value).partition(":")
    if kind not in kinds or not pk.isdigit():
        return None
    pk = int(pk)
    if within and kind in within and pk not in set(within[kind]):
        return None
    for source in _sources([kind]):
        record = source.load(kind, pk)
        if record is not None:
            return kind, record
    return None


def people_describe(kind, record):
    for source in _sources([kind]):
        return source.describe(kind, record)
    return None


def scope_sign(kinds, within):
    """What the JavaScript search may look for, signed: kinds and ids only, no one named."""
    return signing.dumps(
        {"kinds": list(kinds), "within": {k: list(v) for k, v in within.items()}},
        salt=SIGNING_SALT,
        compress=True,
    )


def scope_read(token):
    try:
        scope = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    kinds = tuple(kind for kind in scope.get("kinds", ()) if kind in KINDS)
    within = {k: v for k, v in scope.get("within", {}).items() if k in KINDS}
    return kinds, within


class PickerWidget(forms.Widget):
    """The search box, its "Find" button and the results as radio buttons."""

    template_name = "includes/person_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.field = None

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        field = self.field
        attrs = self.build_attrs(self.attrs, attrs)
        results = list(field.results)
        chosen = field.chosen_found(value)
        if chosen is not None and all(found.value != chosen.value for found in results):
            results.insert(0, chosen)
        return render_to_string(
            self.template_name,
            {
                "name": name,
                "id": attrs.get("id", f"id_{name}"),
                "query_name": f"{name}_q",
                "query": field.query,
                "find_button": FIND_BUTTON,
                "results": results,
                "more": field.more,
                "searched": field.searched,
                "value": str(value) if value else "",
                "scope": scope_sign(field.kinds, field.within),
                "described_by": attrs.get("aria-describedby", ""),
                "invalid": "is-invalid" in attrs.get("class", ""),
            },
        )


class PersonPickerField(forms.Field):
    """A person or case of ``kinds`` chosen from a search; ``within`` (``{kind: ids}``)
    narrows a kind to the records that may be chosen (the cases a session can take).
    Its cleaned value is ``(kind, record)``."""

    widget = PickerWidget
    default_error_messages = {
        "required": "Find the person or case by name, date of birth or reference, and choose one.",
        "invalid_choice": "Choose one of the results found, or search again.",
    }

    def __init__(self, *, kinds, within=None, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Type a name, a date of birth (for example 3/4/2019) or a reference "
            "(for example HC-2026-0011), then Find.",
        )
        super().__init__(**kwargs)
        self.kinds = tuple(kinds)
        self.within = dict(within or {})
        self.query = ""
        self.results = []
        self.more = False
        self.searched = False
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def search(self, query):
        self.query = query
        self.searched = bool(parse_terms(query).text)
        self.results, self.more = people_find(query, kinds=self.kinds, within=self.within)
        return self.results

    def chosen_found(self, value):
        if not value:
            return None
        if isinstance(value, tuple):
            return people_describe(*value)
        loaded = people_load(value, kinds=self.kinds, within=self.within)
        return people_describe(*loaded) if loaded else None

    def prepare_value(self, value):
        if isinstance(value, tuple):
            return f"{value[0]}:{value[1].pk}"
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        loaded = people_load(value, kinds=self.kinds, within=self.within)
        if loaded is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return loaded


class PickerFormMixin:
    """A form with person pickers: a "Find" posted searches, and the form comes back with
    what was typed and the results, neither checked nor saved (``is_valid`` is False, no
    error shown). Call ``picker_set_up()`` at the end of ``__init__``, once the pickers are
    in ``fields``. The searches are audited as sensitive reads, by their number of
    results only."""

    picks_people = True

    def picker_set_up(self):
        self.finding = self.is_bound and FIND_BUTTON in self.data
        if not self.is_bound:
            return
        from . import audit

        for name, field in self.fields.items():
            if not isinstance(field, PersonPickerField):
                continue
            query = self.data.get(self.add_prefix(f"{name}_q"), "")
            field.query = query
            if self.finding and self.data.get(FIND_BUTTON) == self.add_prefix(name):
                field.search(query)
                if field.searched:
                    audit.sensitive_read(
                        None,
                        "person search",
                        None,
                        line="person-search user={user} results={results}",
                        detail=f"{len(field.results)} result(s)",
                        results=len(field.results),
                    )

    def picked(self, name):
        """The record chosen with the picker ``name`` in the submitted data, or ``None``,
        before the form is cleaned: what the form offers next (a case's children) follows
        it when the form comes back."""
        if not self.is_bound:
            return None
        try:
            chosen = self.fields[name].clean(self.data.get(self.add_prefix(name)))
        except forms.ValidationError:
            return None
        return chosen[1] if chosen else None

    def full_clean(self):
        if getattr(self, "finding", False):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self):
        if getattr(self, "finding", False):
            return False
        return super().is_valid()
