"""What each app declares to the retention engine.

An app lists its retainable records in its own ``retention.py`` module, which the
retention app imports at start-up (``RetentionConfig.ready``)::

    from retention.registry import Retainable, register

    register(Retainable(kind="case", rule="contact-court", ...))

and an app that holds records back declares its holds with ``register_hold``. The engine
knows nothing of the apps' models beyond what these declarations give it; the apps know
nothing of the queue.

Subjects are what a hold or a privacy request can be about. A hold provider returns, for
each subject it holds, a queryset of ids; a retainable turns those into the rows it holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Expression, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, LPad

from .schedule import ACTIONS, RuleKey

SUBJECTS = ("case", "adult", "child", "staff-member")


@dataclass(frozen=True)
class Retainable:
    """One kind of record under one rule.

    - ``records``: the records the rule reaches (a queryset; the engine adds the dates).
    - ``clock``: the field or expression whose date starts the clock.
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
    """

    kind: str
    rule: str
    records: Callable[[], QuerySet]
    clock: str | Expression
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

    @property
    def action(self):
        return ACTIONS[self.rule]

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
        return F(self.clock) if isinstance(self.clock, str) else self.clock


@dataclass(frozen=True)
class HoldProvider:
    """One kind of hold (``safeguarding``, ``legal``, ``privacy-request``): ``subjects()``
    returns ``{subject: queryset of ids}`` for what it holds now."""

    kind: str
    subjects: Callable[[], dict]
    order: int = 0


@dataclass
class Registry:
    retainables: list = field(default_factory=list)
    holds: list = field(default_factory=list)

    def register(self, retainable):
        if retainable.rule not in RuleKey.values:
            raise ValueError(f"Unknown retention rule {retainable.rule!r}")
        if any(existing.name == retainable.name for existing in self.retainables):
            raise ValueError(f"{retainable.name} is registered twice")
        self.retainables.append(retainable)

    def register_hold(self, provider):
        if any(existing.kind == provider.kind for existing in self.holds):
            raise ValueError(f"The {provider.kind} hold is registered twice")
        self.holds.append(provider)
        self.holds.sort(key=lambda p: p.order)

    def for_record_type(self, record_type, rule=None):
        for retainable in self.retainables:
            if retainable.record_type == record_type and (rule is None or retainable.rule == rule):
                return retainable
        raise LookupError(f"No retainable record of type {record_type} under {rule}")

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


registry = Registry()
register = registry.register
register_hold = registry.register_hold


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


# The Registry dataclass above is left as it was; its one instance carries this list.
registry.personal_data = []


def register_personal_data(declaration: PersonalData):
    if any(existing.kind == declaration.kind for existing in registry.personal_data):
        raise ValueError(f"Personal data of kind {declaration.kind!r} is declared twice")
    registry.personal_data.append(declaration)


def personal_data_for(record_type: str) -> PersonalData:
    for declaration in registry.personal_data:
        if declaration.record_type == record_type:
            return declaration
    raise LookupError(f"No personal data declared for {record_type}")
