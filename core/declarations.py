"""What each app declares about its records, and the hooks it fills: one registry.

Each app has one module of its own, ``<app>/declarations.py``, imported when the project
starts (``core.apps.CoreConfig.ready``). In it the app declares each of its models once,
with ``declare(Record(...))``: whose personal data the model holds and in which fields
(``PersonalData``: the finder, the access pack and erasure read it), how it is retained
(its own rules, ``Retainable``; or it goes with another record, ``GoesWith``; or it is
deleted on a clock of its own outside the retention table, ``Expires``; or it holds no
personal data, ``NoPersonalData``; or no rule reaches it yet, ``NoRuleYet``), what a
person may ask to have erased (``Erasable``), and who may read it. A history model
(django-simple-history) is declared by its record's declaration: its rows go with the
record. Every model Django knows has a declaration (``Declarations.undeclared``).

It fills the hooks another app offers with ``declarations.add(HOOK, item)``; the app
offering a hook reads ``declarations.get(HOOK)`` and knows nothing of who filled it. The
hooks, what each item is and who calls it, are listed under "Hooks" below. Holds are
declared with ``declarations.register_hold(HoldProvider(...))``.

``retention``, ``privacy_requests`` and the home page read these declarations; they
import no other app's models, views or internals. The base layer imports no app.

Subjects are what a hold or a privacy request can be about. A hold provider returns, for
each subject it holds, a queryset of ids; a retainable turns those into the rows it holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Expression, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, LPad

SUBJECTS = ("case", "adult", "child", "staff-member")


@dataclass(frozen=True)
class Retainable:
    """One kind of record under one rule.

    - ``records``: the records the rule reaches (a queryset; the engine adds the dates).
    - ``clock``: the field or expression whose date starts the clock, or a callable
      returning the expression when it is used (one built from other apps' hooks).
    - ``ref``: the reference printed for the record (an expression).
    - ``held``: given ``{subject: ids queryset}`` for one kind of hold, the rows it holds.
    - ``dispose``: does the disposal (or strip, or disposal after a review) of one record,
      inside the disposal's transaction, with the record locked. It returns the names of
      stored files that must go once the transaction commits.
    - ``summary``: a one-line description for the queue from the row's ``summary_fields``
      values. It must not reveal anything sensitive: no names, no content.
    - ``extended``: rows on the rule's longer period (parental leave).
    - ``longer_rules``: "where two rules reach the same record, the longer one wins":
      given the cutoffs (``{rule key: last clock start due}``, and ``"<key>:extended"``
      for longer periods) return the rows some other rule still keeps; they are not due
      until it lets them go.
    - ``later_due_on``: with ``longer_rules``, ``(ids, rules) -> {id: date}``: the day the
      other rules let each of these records go, where later than its own due date, so
      the record is shown due on the day it was first listed (a set-based query or two).
    - ``view_url``: ``object id -> URL`` of a read-only page of the record, or None where
      it has none: the disposal queue and its confirmation link there, so the manager can
      look at what they are about to destroy. From the id alone, so no record is loaded.
    - ``dispose_many``: where declared, does ``dispose``'s work for a list of records at
      once (the disposal takes records in batches, one transaction a batch): one purge
      of them all costs about what a purge of one does.
    """

    kind: str
    rule: str
    records: Callable[[], QuerySet]
    clock: str | Expression | Callable[[], Expression]
    ref: Expression
    held: Callable[[dict], Q]
    dispose: Callable
    summary: Callable[[dict], str]
    summary_fields: tuple = ()
    extended: Q | None = None
    longer_rules: Callable[[dict], Q] | None = None
    later_due_on: Callable[[list, dict], dict] | None = None
    label: str = ""
    view_url: Callable[[int], str | None] | None = None
    dispose_many: Callable[[list], None] | None = None

    @property
    def model(self):
        return self.records().model

    @property
    def record_type(self):
        return self.model._meta.label_lower

    @property
    def name(self):
        return f"{self.rule}:{self.record_type}"

    def clock_expression(self):
        if callable(self.clock):
            return self.clock()
        return F(self.clock) if isinstance(self.clock, str) else self.clock


@dataclass(frozen=True)
class HoldProvider:
    """One kind of hold (``safeguarding``, ``legal``, ``privacy-request``): ``subjects()``
    returns ``{subject: queryset of ids}`` for what it holds now."""

    kind: str
    subjects: Callable[[], dict]
    order: int = 0


def ids_in(subjects, subject, column="pk"):
    """``Q(column__in=ids)`` for a subject's held ids, or a Q that holds nothing."""
    ids = subjects.get(subject)
    if ids is None:
        return Q(pk__in=[])
    return Q(**{f"{column}__in": ids})


def own_reference(prefix, id_field="pk"):
    """Our reference as the models print it (``f"{prefix}-{pk:04d}"``), in SQL."""
    text = Cast(id_field, CharField())
    return Concat(
        Value(f"{prefix}-"),
        Case(When(**{f"{id_field}__lt": 10000}, then=LPad(text, 4, Value("0"))), default=text),
        output_field=CharField(),
    )


# Personal data ------------------------------------------------------------------------
#
# Separate from retention: what each app declares so that a privacy request can find
# everything held about a person, link to where it is corrected and put it in the
# response pack. ``privacy_requests.finding`` and ``privacy_requests.pack`` read these.


@dataclass(frozen=True)
class PersonalData:
    """One kind of record that holds personal data about a person.

    - ``kind``: what the record is, in the centre's words ("Adult of a case").
    - ``records``: the records (a queryset, with what ``describe`` needs selected).
    - ``name_fields``: ``(first, last)`` or ``(full_name,)``; a name is matched by the
      prefix of each word, case-insensitively.
    - ``dob_fields``, ``email_fields``, ``phone_fields``, ``postcode_fields``: the fields
      searched for each term (phones and postcodes compared without spaces).
    - ``describe``: ``record -> str``, the record's reference without its content
      ("AD-0003 of HC-2026-0001"): it is stored on the request.
    - ``edit_url``: ``record -> URL`` where staff correct it, or None where nothing can.
    - ``pack_fields``: ``((field, label), ...)`` shown in a response pack for it.
    - ``subject``: which subject of a privacy request this kind is (``"adult"``,
      ``"child"``, ``"staff-member"``), so the request's subject is found pre-ticked.

    What a response pack needs (``privacy_requests.pack`` builds every pack from these, so
    a kind or a field declared later reaches the next pack without touching its code):

    - ``links``: how the records relate to a requester: ``{subject: lookup}`` where the
      subject is ``"adult"``, ``"child"``, ``"staff-member"`` or ``"case"`` (the case of
      the requesting adult or child) and the lookup goes from the record to it
      (``{"adult": "given_by", "case": "case"}``), or is a function of the list of those
      subjects returning a ``Q`` (for a record that names them without a relation). A
      record reached by any link is the requester's, and goes in their pack. Declare
      ``"case"`` only for records about the family as a whole: never for one person's
      records (another parent's pre-visit), which link to that person only.
    - ``category``: what the data is, in the centre's words ("Your pre-visit answers").
    - ``purpose`` and ``lawful_basis``: why the centre holds it and on what basis.
    - ``source``: where it came from ("You, at your pre-visit").
    - ``retention``: the retention rule keys that say how long it is kept.
    - ``portable_fields``: the pack fields the person gave the centre themselves, which a
      portability export may carry (Article 20): never another person's data.
    - ``exemption``: an ``EXEMPTIONS`` key. Where set, a value of this kind that names
      someone else is withheld whole under it (rather than barred where it names them);
      or, for a kind with ``about_fields``, every written value of a record whose
      ``about_fields`` name someone else (a communication with the other parent), the
      others barred where they name someone. ``child_abuse_data`` makes it
      Schedule 3 paragraph 21 where a parent asks for a child's data.
    - ``withheld``: ``record -> {field: EXEMPTIONS key}``: values always withheld from a
      requester (the reasons for a legal hold: legal professional privilege).
    """

    kind: str
    records: Callable[[], QuerySet]
    describe: Callable[[object], str]
    name_fields: tuple = ()
    dob_fields: tuple = ()
    email_fields: tuple = ()
    phone_fields: tuple = ()
    postcode_fields: tuple = ()
    edit_url: Callable[[object], str | None] | None = None
    pack_fields: tuple = ()
    subject: str = ""
    links: dict = field(default_factory=dict, hash=False, compare=False)
    category: str = ""
    purpose: str = ""
    lawful_basis: str = ""
    source: str = ""
    retention: tuple = ()
    portable_fields: tuple = ()
    exemption: str = ""
    about_fields: tuple = ()
    child_abuse_data: bool = False
    withheld: Callable[[object], dict] | None = None

    def __post_init__(self):
        for subject in self.links:
            if subject not in LINK_SUBJECTS:
                raise ValueError(f"{self.kind}: no such subject to link to: {subject!r}")
        if self.exemption and self.exemption not in EXEMPTIONS:
            raise ValueError(f"{self.kind}: no such exemption: {self.exemption!r}")
        declared = {name for name, _label in self.pack_fields}
        for name in self.portable_fields:
            if name not in declared:
                raise ValueError(f"{self.kind}: portable field {name!r} is not a pack field")

    @property
    def model(self):
        return self.records().model

    @property
    def record_type(self):
        return self.model._meta.label_lower

    def rectify_url(self, record):
        return self.edit_url(record) if self.edit_url is not None else None

    def linked_to(self, subjects: dict) -> Q | None:
        """A ``Q`` for this kind's records linked to any of ``subjects`` (``{subject:
        [instances]}``), or None where none of its links applies."""
        q = None
        for subject, lookup in self.links.items():
            instances = subjects.get(subject)
            if not instances:
                continue
            part = (
                lookup(instances)
                if callable(lookup)
                else Q(**{f"{lookup}__in": [instance.pk for instance in instances]})
            )
            q = part if q is None else q | part
        return q

    def withheld_fields(self, record) -> dict:
        return dict(self.withheld(record)) if self.withheld is not None else {}


# The subjects a record may be linked to, and the exemptions a centre relies on to
# withhold an item of a response pack (UK GDPR Article 15(4); DPA 2018 Schedules 2 and 3).
LINK_SUBJECTS = ("adult", "child", "staff-member", "case")
EXEMPTIONS = {
    "third-party": "Information about other people (DPA 2018 Schedule 2 paragraph 16)",
    "child-abuse": "Child abuse data (DPA 2018 Schedule 3 paragraph 21)",
    "crime": "The prevention or detection of crime (DPA 2018 Schedule 2 paragraph 2)",
    "privilege": "Legal professional privilege (DPA 2018 Schedule 2 paragraph 19)",
}


@dataclass(frozen=True)
class Erasable:
    """A kind of record a person can ask to have erased (``retention.erasure`` decides
    each request's records from these).

    - ``subject``: who asks: "adult", "child" or "staff-member" (the record is theirs).
    - ``records``: a queryset of all such records; the subject's is the one with their id.
    - ``rule``: the retention rule that governs the record (shown in the queue).
    - ``ref`` and ``summary``: how the record is named, without its content.
    - ``held``: like a retainable's, given ``{subject: ids}`` the rows a hold reaches.
    - ``exemptions``: the reasons, in words, the centre must keep this record, or none.
    - ``dispose``: deletes the record and what belongs to it (with history and files).
    - ``view_url``: given the record, the page where the manager can look at it before
      deciding (the erasure's confirmation links to it), or ``None``.
    """

    subject: str
    kind: str
    records: Callable
    rule: Callable
    ref: Callable
    summary: str
    held: Callable
    exemptions: Callable
    dispose: Callable
    view_url: Callable | None = None

    @property
    def model(self):
        return self.records().model

    @property
    def record_type(self):
        return self.model._meta.label_lower


# How a record is retained, besides rules of its own (``Retainable``s) ------------------


@dataclass(frozen=True)
class GoesWith:
    """The record is disposed of with another (``parent``, a model label): it cascades
    from it, or the parent's disposal collects it (``CASE_RECORDS``), or its rows are
    deleted with the parent's by the purge. ``how`` says which, in words."""

    parent: str
    how: str


@dataclass(frozen=True)
class NoPersonalData:
    """The record holds no personal data (``reason`` says why), so no rule applies."""

    reason: str


@dataclass(frozen=True)
class Expires:
    """The record is deleted on a clock of its own, outside the retention table and its
    disposal queue: by a scheduled task, or by the code that ends what it is for (a
    session at sign-out, a queue item once its disposal runs). ``how`` says what deletes
    it, and when."""

    how: str


@dataclass(frozen=True)
class NoRuleYet:
    """The record holds personal data that no rule of the retention table reaches yet:
    ``reason`` says what keeps it now and what should end it. Listed so that the gap is
    visible (``declarations.unruled()``), never silent."""

    reason: str


@dataclass(frozen=True)
class Copy:
    """A field of the record that holds a copy of another record's reference, name or key,
    so that it outlives that record (a concern's ``case_reference``). After each disposal
    ``retention.traces`` looks in every declared copy of what was disposed of: a copy
    left behind is a trace, unless a rule keeps it on purpose (``kept``).

    - ``field``: the field holding the copy.
    - ``of``: the label of the model whose reference, name or key it copies
      (``"referrals.case"``); empty for a key of any kind of record, named by ``type_field``.
    - ``holds``: ``"reference"`` (the value is the reference, as the queue prints it),
      ``"mention"`` (the reference is in the text: ``"AD-0003 of HC-2026-0001"``),
      ``"name"`` (a person's name or date of birth, as written then), or ``"key"`` (the
      record's id; ``type_field`` names the field holding its ``"app.model"``, if any).
    - ``kept``: why a rule keeps the copy on purpose once the record has gone, in words
      (the concern outlives its case); empty where a copy left behind is a trace.
    """

    field: str
    of: str = ""
    holds: str = "reference"
    type_field: str = ""
    kept: str = ""

    def __post_init__(self):
        if self.holds not in COPY_HOLDS:
            raise ValueError(f"{self.field}: a copy holds one of {COPY_HOLDS}, not {self.holds!r}")
        if not self.of and not self.type_field:
            raise ValueError(f"{self.field}: say whose copy it is (of) or where (type_field)")


COPY_HOLDS = ("reference", "mention", "name", "key")
ROLES = ("manager", "staff", "volunteer")


@dataclass(frozen=True)
class Record:
    """Everything an app declares about one of its models, once.

    - ``model``: its label, ``"app_label.modelname"``.
    - ``retention``: a tuple of ``Retainable`` (its own rules), or ``GoesWith``,
      ``Expires``, ``NoPersonalData`` or ``NoRuleYet``.
    - ``personal_data``: the ``PersonalData`` kinds it holds (most have one).
    - ``erasable``: the ``Erasable`` kinds a person may ask to have erased.
    - ``read_by``: the roles that may read it (``ROLES``); none for records only the
      system reads.
    - ``copies``: the ``Copy`` fields holding another record's reference, name or key
      (what the check after each disposal looks in, besides every foreign key).
    """

    model: str
    retention: tuple | GoesWith | Expires | NoPersonalData | NoRuleYet
    personal_data: tuple = ()
    erasable: tuple = ()
    read_by: tuple = ()
    copies: tuple = ()

    def __post_init__(self):
        if self.model != self.model.lower() or self.model.count(".") != 1:
            raise ValueError(f"{self.model!r}: declare a model as 'app_label.modelname'")
        for role in self.read_by:
            if role not in ROLES:
                raise ValueError(f"{self.model}: no such role: {role!r}")
        own_rules = isinstance(self.retention, tuple)
        if own_rules and not (
            self.retention and all(isinstance(r, Retainable) for r in self.retention)
        ):
            raise ValueError(f"{self.model}: its own retention is a tuple of Retainables")
        if isinstance(self.retention, NoPersonalData) and (self.personal_data or self.erasable):
            raise ValueError(f"{self.model}: declared to hold no personal data, but it has some")
        for copy in self.copies:
            if not isinstance(copy, Copy):
                raise ValueError(f"{self.model}: copies is a tuple of Copy")


# Hooks ---------------------------------------------------------------------------------
#
# The points where one app lets others add to what it does. The app named in ``offered_by``
# reads ``declarations.get(HOOK)``; any app above it fills it with ``declarations.add``.


@dataclass(frozen=True)
class Hook:
    name: str
    offered_by: str
    item: str


CASE_WRITE_GUARD = Hook(
    "case-write-guard",
    "referrals",
    "(case) -> a refusal in words, or None: every write to a case asks each guard first",
)
PRE_VISIT_CHECK = Hook(
    "pre-visit-check",
    "referrals",
    "(pre_visit) -> [problem in words]: checks on a pre-visit's date before it is booked",
)
CASE_RECORDS = Hook(
    "case-records",
    "referrals",
    "(cases) -> [instances]: another app's records that go with these cases, disposed of"
    " together, but do not cascade from them",
)
CASE_SECTION = Hook(
    "case-section",
    "referrals",
    "a referrals.interchange.case_sections.SectionImport: a section of a case's records in"
    " the interchange export and import",
)
ADULT_RECORDS = Hook(
    "adult-records",
    "referrals",
    "(adult) -> [instances]: another app's records about an adult that go with the adult's"
    " erasure but do not cascade from them (a report's distribution list naming them)",
)
REGISTER_EXCLUSION = Hook(
    "register-exclusion",
    "attendance",
    "() -> a queryset of case ids kept off the tablet register",
)
ERASURE_CHECK = Hook(
    "erasure-check",
    "retention",
    "(subject, subject_id, request_reference) -> [reason in words]: other reasons to keep a"
    " person's records from erasure",
)
PURGED = Hook(
    "purged",
    "core",
    "({model: {pk, ...}}) -> None: called inside a purge's transaction with the rows it"
    " deleted, to forget what refers to them (the disposal queue's items)",
)
HOME_CARD = Hook(
    "home-card",
    "home",
    "a core.cards.Card: figures, a list or a chart on a role's home page",
)
CASE_ACTIVITY = Hook(
    "case-activity",
    "referrals",
    "() -> [expressions]: the dates of another app's records on the case OuterRef('pk')"
    " (the latest of each kind, as subqueries): a case is dormant when none is recent",
)
PEOPLE_SEARCH = Hook(
    "people-search",
    "core",
    "a core.picker.PeopleSource: finds people or cases of some kinds by name, date of birth or"
    " reference for the person picker, and loads the one chosen",
)
HOOKS = (
    CASE_WRITE_GUARD,
    PRE_VISIT_CHECK,
    CASE_RECORDS,
    CASE_SECTION,
    ADULT_RECORDS,
    REGISTER_EXCLUSION,
    ERASURE_CHECK,
    PURGED,
    HOME_CARD,
    CASE_ACTIVITY,
    PEOPLE_SEARCH,
)


# The registry ----------------------------------------------------------------------------


class Declarations:
    """The one registry of the project's declarations (``declarations`` below)."""

    def __init__(self):
        self.records: dict[str, Record] = {}
        self.holds: list[HoldProvider] = []
        self._hooks: dict[str, list] = {hook.name: [] for hook in HOOKS}

    # Records

    def declare(self, record: Record):
        if record.model in self.records:
            raise ValueError(f"{record.model} is declared twice")
        names = {r.name for r in self.retainables}
        for retainable in record.retention if isinstance(record.retention, tuple) else ():
            if retainable.name in names:
                raise ValueError(f"{retainable.name} is declared twice")
        kinds = {d.kind for d in self.personal_data}
        for declaration in record.personal_data:
            if declaration.kind in kinds:
                raise ValueError(f"Personal data of kind {declaration.kind!r} is declared twice")
        self.records[record.model] = record
        return record

    def record_for(self, model) -> Record:
        """The declaration of ``model`` (a class); a history model's is its record's,
        whose history goes with it (and so is that of its many-to-many fields)."""
        instance_type = getattr(model, "instance_type", None)
        if instance_type is not None and model.__name__ == f"Historical{instance_type.__name__}":
            # A many-to-many field's history copies the field's own table, which Django
            # made for the model holding the field (``_meta.auto_created`` is that model).
            owner = instance_type._meta.auto_created or instance_type
            own = self.records[owner._meta.label_lower]
            return Record(
                model._meta.label_lower,
                retention=GoesWith(
                    own.model, "its history is deleted with the record (core.purge)"
                ),
                read_by=own.read_by,
            )
        return self.records[model._meta.label_lower]

    def undeclared(self, models) -> list:
        """The models of ``models`` (classes) that have no declaration: every model
        Django knows must have one (``tests/core/test_declarations.py``)."""
        missing = []
        for model in models:
            try:
                self.record_for(model)
            except KeyError:
                missing.append(model)
        return missing

    @property
    def retainables(self) -> list[Retainable]:
        return [
            retainable
            for record in self.records.values()
            if isinstance(record.retention, tuple)
            for retainable in record.retention
        ]

    @property
    def personal_data(self) -> list[PersonalData]:
        return [d for record in self.records.values() for d in record.personal_data]

    @property
    def erasables(self) -> list[Erasable]:
        return [e for record in self.records.values() for e in record.erasable]

    def unruled(self) -> list[Record]:
        return [r for r in self.records.values() if isinstance(r.retention, NoRuleYet)]

    def retainable_for(self, record_type, rule=None) -> Retainable:
        for retainable in self.retainables:
            if retainable.record_type == record_type and (rule is None or retainable.rule == rule):
                return retainable
        raise LookupError(f"No retainable record of type {record_type} under {rule}")

    def personal_data_for(self, record_type) -> PersonalData:
        for declaration in self.personal_data:
            if declaration.record_type == record_type:
                return declaration
        raise LookupError(f"No personal data declared for {record_type}")

    def erasable_for(self, record_type) -> Erasable:
        for erasable in self.erasables:
            if erasable.record_type == record_type:
                return erasable
        raise LookupError(f"No erasable record of type {record_type}")

    # Holds

    def register_hold(self, provider: HoldProvider):
        if any(existing.kind == provider.kind for existing in self.holds):
            raise ValueError(f"The {provider.kind} hold is registered twice")
        self.holds.append(provider)
        self.holds.sort(key=lambda p: p.order)

    def held_subjects(self):
        """``{hold kind: {subject: ids queryset}}``: querysets, evaluated only inside the
        engine's queries."""
        result = {}
        for provider in self.holds:
            subjects = provider.subjects()
            result[provider.kind] = {
                subject: subjects.get(subject)
                for subject in SUBJECTS
                if subjects.get(subject) is not None
            }
        return result

    # Hooks

    def add(self, hook: Hook, item):
        """Fill ``hook`` with ``item`` (once: adding the same item again does nothing)."""
        items = self._hooks[hook.name]
        if item not in items:
            items.append(item)
        return item

    def remove(self, hook: Hook, item):
        self._hooks[hook.name].remove(item)

    def get(self, hook: Hook) -> tuple:
        return tuple(self._hooks[hook.name])


declarations = Declarations()
declare = declarations.declare
register_hold = declarations.register_hold
personal_data_for = declarations.personal_data_for
