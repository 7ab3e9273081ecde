"""The response pack for an access request: built from the records staff confirmed are
the person's and every record the apps' declarations link to them, marked for redaction
wherever the system knows a detail is someone else's, reviewed, and released by the
manager as a snapshot that never changes.

The pack is generic: each app declares its personal data (``core.declarations.
PersonalData``: the fields shown, how a record links to a requester, its category,
purpose, lawful basis, source, retention rules, portable fields and exemptions), and the
pack shows every declared field of every linked record, so a kind or a field declared
later reaches the next pack without a change here. It opens with the Article 15(1)
information, generated from the declarations, the disclosure log and the live retention
rules.

Every value goes through ``Builder.item`` and so through the matcher of
``privacy_requests.redaction``: each identifier of another person becomes a part marked
for redaction (``confidential`` where it is a confidential adult's: only the manager lifts
those, with a reason). An item withheld under an exemption says so, and which. Items the
declarations call portable, and in which nothing was marked, make the portability export.
"""

import json

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone

from centre.identifiers import Matcher
from centre.models import Disclosure
from centre.services import record_save
from core import audit
from core.declarations import EXEMPTIONS, LINK_SUBJECTS, declarations

from .finding import record_key, records_by_key
from .models import PrivacyRequest, ResponsePack
from .redaction import matcher_for

ADDED = "Added by the reviewer"
ACCESS_BASIS = "The person's right of access (UK GDPR Article 15)"
PORTABILITY_BASIS = "The person's right to data portability (UK GDPR Article 20)"
PORTABILITY_FORMAT = "handover-portability"
PORTABILITY_VERSION = 1
CASE = "referrals.case"
DISCLOSURE = "centre.disclosure"
DECIDE = "privacy_requests.decide_privacyrequest"


def _show(value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "hour") and hasattr(value, "date"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value.tzinfo else str(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class Builder:
    """Sections of items of parts, with ids unique in the pack. Every value put in the pack
    goes through ``matcher`` (``privacy_requests.redaction``), whatever its field: each
    identifier of another person found in it becomes a part of its own, marked redacted
    with the reason, and flagged ``confidential`` where it is a confidential adult's."""

    def __init__(self, matcher=None):
        self.sections = []
        self._next = 0
        self.matcher = matcher if matcher is not None else Matcher()

    def know(self, phrase, reason, confidential=False):
        self.matcher.add_phrase(phrase, reason, confidential)

    def _id(self):
        self._next += 1
        return self._next

    def part(self, text, redact=False, reason="", confidential=False):
        return {
            "id": self._id(),
            "text": text,
            "redact": redact,
            "reason": reason,
            "confidential": confidential,
        }

    def section(self, title):
        section = {"title": title, "items": []}
        self.sections.append(section)
        return section

    def item(
        self, section, label, text, *, redact=False, reason="", confidential=False, free_text=True
    ):
        """An item of the pack. Its text is always searched for other people's details
        (``free_text`` is kept for callers, and no longer narrows the search)."""
        text = _show(text) if not isinstance(text, str) else text
        parts = self.split(text)
        confidential = confidential or any(part["confidential"] for part in parts)
        section["items"].append(
            {
                "id": self._id(),
                "label": label,
                "redact": redact,
                "reason": reason,
                "confidential": confidential and redact,
                "parts": parts,
            }
        )

    def split(self, text, matcher=None):
        """``text`` in parts, each identifier of another person in it a part of its own
        marked redacted."""
        matcher = self.matcher if matcher is None else matcher
        if not text or not matcher:
            return [self.part(text)]
        return [
            self.part(piece)
            if span is None
            else self.part(piece, True, span.reason, span.confidential)
            for piece, span in matcher.split(text)
        ]


# The sections ---------------------------------------------------------------------------
#
# Every section but the first and the last comes from the declarations
# (``core.declarations.PersonalData``): the records staff confirmed are the person's, and
# every record of every declared kind linked to them (their case, their pre-visits, their
# consents, the disclosures about them...), each field a declaration names an item.

INFORMATION = "About this response: how we use your information, and your rights"
RIGHTS = (
    (
        "Your right to have it corrected",
        "You may ask us to correct anything that is wrong or incomplete (UK GDPR Article 16).",
    ),
    (
        "Your right to have it erased",
        "You may ask us to erase your information where we no longer need it or have no "
        "lawful basis to keep it (Article 17).",
    ),
    (
        "Your right to restrict its use",
        "You may ask us to stop using your information, except to store it, while a "
        "question about it is settled (Article 18).",
    ),
    (
        "Your right to object",
        "You may object to our using your information on the basis of our legitimate "
        "interests (Article 21).",
    ),
    (
        "Your right to data portability",
        "Where we use information you gave us with your consent or under a contract with "
        "you, you may have it in a machine-readable form (Article 20).",
    ),
)
COMPLAINT = (
    "You may complain to the Information Commissioner's Office, Wycliffe House, Water "
    "Lane, Wilmslow SK9 5AF (ico.org.uk/make-a-complaint, 0303 123 1113). We would "
    "welcome the chance to put things right first."
)
AUTOMATED = "No decision about you is made by automated means, and you are not profiled."
NOTHING_DISCLOSED = "We have not disclosed your information to anyone outside the centre."


def _value(record, path):
    """The value at ``path`` ("notes", "session__date", "children") as the pack shows it:
    a choice by its label, a list of related people by their names."""
    value = record
    names = path.split("__")
    for position, name in enumerate(names):
        if value is None:
            return ""
        if position == len(names) - 1:
            try:
                field = value._meta.get_field(name)
            except (FieldDoesNotExist, AttributeError):
                field = None
            if field is not None and field.concrete and not field.is_relation and field.choices:
                return getattr(value, f"get_{name}_display")()
        try:
            value = getattr(value, name, None)
        except ObjectDoesNotExist:  # a reverse one-to-one that is not there
            return ""
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(getattr(each, "full_name", None) or str(each) for each in value.all())
    return _show(value)


def _is_text(model, path):
    """Whether ``path`` ends in words someone wrote (not a date, a choice or a flag)."""
    names = path.split("__")
    for position, name in enumerate(names):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if position < len(names) - 1:
            if not field.is_relation:
                return False
            model = field.related_model
            continue
        return isinstance(field, (models.CharField, models.TextField)) and not field.choices
    return False


def _is_marked(item):
    return any(part["reason"] for part in item["parts"])


def _withhold(item, exemption):
    item["redact"] = True
    item["withheld"] = exemption
    item["reason"] = EXEMPTIONS[exemption]
    item["confidential"] = item["confidential"] or any(p["confidential"] for p in item["parts"])


class _Record:
    def __init__(self, declaration, record, own):
        self.declaration, self.record, self.own = declaration, record, own

    @property
    def key(self):
        return record_key(self.declaration.record_type, self.record.pk)


def _subjects(records):
    """``{subject: [instances]}`` of the confirmed records that are a person (an adult, a
    child, a staff member), with the cases of the adults and children."""
    subjects = {subject: [] for subject in LINK_SUBJECTS}
    for declaration, record in records:
        if declaration.subject in subjects:
            subjects[declaration.subject].append(record)
    for person in subjects["adult"] + subjects["child"]:
        if all(case.pk != person.case_id for case in subjects["case"]):
            subjects["case"].append(person.case)
    return subjects


def requester_records(records) -> list:
    """The confirmed ``records`` and every record of every declared kind linked to them,
    once each, the people themselves first, then in the order the kinds were declared.
    One query per declared kind."""
    subjects = _subjects(records)
    found = {}  # by kind and id: a model two kinds declare is in the pack once for each
    for declaration, record in records:
        own = _Record(declaration, record, own=declaration.subject in subjects)
        found.setdefault((declaration.kind, record.pk), own)
    for declaration in declarations.personal_data:
        linked = declaration.linked_to(subjects)
        if linked is None:
            continue
        for record in declaration.records().filter(linked).distinct().order_by("pk"):
            found.setdefault((declaration.kind, record.pk), _Record(declaration, record, False))
    order = {
        declaration.kind: index for index, declaration in enumerate(declarations.personal_data)
    }
    return sorted(
        found.values(),
        key=lambda each: (not each.own, order.get(each.declaration.kind, 0), each.record.pk),
    )


def _title(found):
    subject = found.declaration.subject
    if found.own and subject == "child":
        return "The child's details"
    if found.own and subject == "staff-member":
        return "Your staff record"
    if found.own and subject:
        return "Your details"
    return f"{found.declaration.kind}: {found.declaration.describe(found.record)}"


def _exemption_for(declaration, request):
    if declaration.child_abuse_data and request.subject_child_id and not request.made_by_subject:
        return "child-abuse"
    return declaration.exemption


def _record_section(builder, request, found):
    declaration, record = found.declaration, found.record
    section = builder.section(_title(found))
    section["kind"] = declaration.kind
    section["record"] = found.key
    withheld = declaration.withheld_fields(record)
    exemption = _exemption_for(declaration, request)
    about_others = False
    for name, label in declaration.pack_fields:
        value = _value(record, name)
        if value == "":
            continue
        builder.item(section, label, value)
        item = section["items"][-1]
        item.update(field=name, withheld="", portable=False)
        if name in withheld:
            _withhold(item, withheld[name])
        elif exemption and not declaration.about_fields and _is_marked(item):
            _withhold(item, exemption)
        if name in declaration.about_fields and _is_marked(item):
            about_others = True
        item["portable"] = (
            name in declaration.portable_fields and not item["redact"] and not _is_marked(item)
        )
    if about_others and exemption:
        # A record with someone else (a communication with the other parent) is about
        # them: every word of it is withheld, not only where it names them.
        for item in section["items"]:
            if _is_text(declaration.model, item["field"]) and not item["withheld"]:
                _withhold(item, exemption)
                item["portable"] = False
    if exemption and builder.matcher.guards_confidential:
        # Where someone around the requester is hiding from them, what safeguarding
        # records and communications say in words may tell where she is without naming
        # her ("the refuge by the sea"): every written value is withheld, and only the
        # manager, with a reason, may release one.
        for item in section["items"]:
            if _is_text(declaration.model, item["field"]) and not item["withheld"]:
                _withhold(item, exemption)
                item["confidential"] = True
                item["portable"] = False
    if not section["items"]:
        builder.item(section, "Recorded", "Nothing further is recorded on it.")
        section["items"][-1].update(field="", withheld="", portable=False)
    return section


def _rule_text(rule):
    keeping = rule.keeping.replace("{period}", rule.period).replace(
        "{extended_period}", rule.extended_period
    )
    return f"{rule.records}: {keeping}"


def _information(builder, request, found):
    """The Article 15(1) information, from what is held now: the purposes and lawful
    bases and the categories of the kinds in the pack, the recipients in the disclosure
    log, the periods of the live retention rules, the sources, the rights."""
    from retention.models import Rule

    section = builder.section(INFORMATION)
    section["information"] = True

    def item(label, text):
        builder.item(section, label, text)
        section["items"][-1].update(field="", withheld="", portable=False)

    declarations = list({each.declaration.kind: each.declaration for each in found}.values())
    for declaration in declarations:
        if declaration.category:
            item("What we hold about you", declaration.category)
    purposes = {}
    for declaration in declarations:
        if declaration.purpose:
            purposes.setdefault((declaration.purpose, declaration.lawful_basis), []).append(
                declaration.category or declaration.kind
            )
    for (purpose, basis), categories in purposes.items():
        item("Why we hold it", f"{purpose} ({'; '.join(categories)}).")
        if basis:
            item("On what lawful basis", f"{basis}.")
    disclosures = [each.record for each in found if each.declaration.record_type == DISCLOSURE]
    recipients = list(
        dict.fromkeys(
            f"{disclosure.get_recipient_type_display()}: {disclosure.recipient}"
            for disclosure in disclosures
        )
    )
    for recipient in recipients or [NOTHING_DISCLOSED]:
        item("Who it has been disclosed to", recipient)
    keys = {key for declaration in declarations for key in declaration.retention}
    for rule in Rule.objects.filter(key__in=keys).order_by("position"):
        item("How long we keep it", _rule_text(rule))
    sources = [
        f"Referred to us by: {each.record.referral.get_source_display()}"
        for each in found
        if each.declaration.record_type == CASE and getattr(each.record, "referral", None)
    ]
    sources += [d.source for d in declarations if d.source]
    for source in dict.fromkeys(sources):
        item("Where it came from", source)
    for right, text in RIGHTS:
        item(right, text)
    item("Your right to complain", COMPLAINT)
    item("Automated decisions", AUTOMATED)


def pack_sections(request: PrivacyRequest) -> list:
    links = list(request.records.all())
    found_by_key = records_by_key(record_key(link.record_type, link.object_id) for link in links)
    confirmed = [
        found_by_key[key]
        for key in (record_key(link.record_type, link.object_id) for link in links)
        if key in found_by_key
    ]
    found = requester_records(confirmed)
    records = [(each.declaration, each.record) for each in found]
    builder = Builder(matcher_for(request, records))
    _information(builder, request, found)
    for each in found:
        _record_section(builder, request, each)
    _erasure_outcomes(builder, request)
    return builder.sections


def _erasure_outcomes(builder, request):
    """Where the person asked for erasure: what was erased, and what the centre keeps
    and why (the exemption relied on)."""
    from retention.models import ErasureDecision

    from .erasure_views import SUBJECTS, erasure_subject

    subject = erasure_subject(request)
    if subject is None:
        return
    column = dict(SUBJECTS)[subject[0]]
    erasures = PrivacyRequest.objects.filter(
        right=PrivacyRequest.Right.ERASURE, **{column: subject[1]}
    )
    references = [erasure.reference for erasure in erasures]
    decisions = ErasureDecision.objects.filter(request_reference__in=references)
    if not decisions:
        return
    section = builder.section("Your requests for erasure")
    for decision in decisions:
        builder.item(
            section,
            f"{decision.kind.capitalize()} {decision.ref} ({decision.request_reference})",
            decision.get_outcome_display()
            + (f". Kept because: {decision.exemption}" if decision.exemption else ""),
        )


# Services ---------------------------------------------------------------------------------


def _unreleased(pack):
    if pack.is_released:
        raise ValidationError("The pack has been released: it cannot change.")


@transaction.atomic
def pack_build(*, request: PrivacyRequest, actor) -> ResponsePack:
    """Build (or rebuild, losing the review) the pack from the confirmed records."""
    if not request.records.exists():
        raise ValidationError("Confirm the person's records first (Find the person).")
    pack = ResponsePack.objects.select_for_update().filter(request=request).first()
    if pack is None:
        pack = ResponsePack(request=request)
    _unreleased(pack)
    pack.sections = pack_sections(request)
    pack.built_at = timezone.now()
    pack.built_by = actor
    pack.reviewed_at = pack.reviewed_by = None
    pack.save()
    return pack


def _locked(pack):
    pack = ResponsePack.objects.select_for_update().get(pk=pack.pk)
    _unreleased(pack)
    return pack


def _locked_by_confidentiality(entry):
    """A confidential adult's details stay redacted until the manager lifts them, with a
    reason (``pack_unredact``): the reviewer's form cannot."""
    return entry["confidential"] and not entry.get("unredacted")


@transaction.atomic
def pack_review(*, pack: ResponsePack, items, parts, actor) -> ResponsePack:
    """Set the redactions: ``items`` are the ids of whole items to redact (or keep
    withheld), ``parts`` the ids of marked parts to redact (a part never marked keeps its
    text). A confidential adult's details stay redacted whatever is sent."""
    pack = _locked(pack)
    items, parts = {int(i) for i in items}, {int(p) for p in parts}
    for section in pack.sections:
        for item in section["items"]:
            if _locked_by_confidentiality(item) and item["redact"]:
                pass
            else:
                item["redact"] = item["id"] in items
                if not item["redact"] and item.get("withheld"):
                    item["withheld"], item["reason"] = "", ""
                if item["redact"] and not item["reason"]:
                    item["reason"] = "Redacted by the reviewer"
            for part in item["parts"]:
                if not part["reason"]:
                    continue
                if _locked_by_confidentiality(part) and part["redact"]:
                    continue
                part["redact"] = part["id"] in parts
    pack.reviewed_at, pack.reviewed_by = timezone.now(), actor
    pack.save()
    return pack


def _find_entry(pack, entry_id):
    """The item or part of ``pack`` with id ``entry_id`` (ids are unique in a pack)."""
    for section in pack.sections:
        for item in section["items"]:
            if item["id"] == entry_id:
                return item
            for part in item["parts"]:
                if part["id"] == entry_id:
                    return part
    return None


def _entry_id(value, message):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(message) from None


@transaction.atomic
def pack_withhold(*, pack: ResponsePack, item_id, exemption: str, actor) -> ResponsePack:
    """Withhold a whole item from the person under ``exemption`` (an ``EXEMPTIONS`` key):
    the pack lists it as withheld and says under which exemption."""
    if exemption not in EXEMPTIONS:
        raise ValidationError("Choose the exemption the centre relies on to withhold it.")
    item_id = _entry_id(item_id, "Choose the item to withhold.")
    pack = _locked(pack)
    item = _find_entry(pack, item_id)
    if item is None or "parts" not in item:
        raise ValidationError("Choose the item to withhold.")
    _withhold(item, exemption)
    item["portable"] = False
    pack.reviewed_at, pack.reviewed_by = timezone.now(), actor
    pack.save()
    return pack


@transaction.atomic
def pack_unredact(*, pack: ResponsePack, entry_id, reason: str, actor) -> ResponsePack:
    """The manager releases one of a confidential adult's details (a part, or a whole
    item) to the person, for a reason: who, when and why are kept with it in the pack,
    and the audit trail records who lifted which, and when (never the detail or the
    reason's words, which may name people)."""
    reason = (reason or "").strip()
    if actor is None or not actor.has_perm(DECIDE):
        raise ValidationError("Only the manager can release a confidential adult's details.")
    if len(reason) < 10:
        raise ValidationError(
            "Say why this confidential detail may reach the person (at least a sentence): "
            "the reason is recorded with it."
        )
    entry_id = _entry_id(entry_id, "Choose the confidential detail to release.")
    pack = _locked(pack)
    entry = _find_entry(pack, entry_id)
    if entry is None or not entry.get("confidential") or not entry["redact"]:
        raise ValidationError("Choose one of the confidential details still redacted.")
    entry["redact"] = False
    if entry.get("withheld"):
        entry["withheld"] = ""
    entry["unredacted"] = {
        "by": actor.pk,
        "by_name": actor.full_name,
        "at": timezone.now().isoformat(),
        "reason": reason,
    }
    pack.reviewed_at, pack.reviewed_by = timezone.now(), actor
    pack.save()
    audit.record(
        None,
        audit.Action.APPROVAL,
        kind="response pack unredaction",
        object_id=pack.request_id,
        detail=f"Confidential detail {entry_id} released; the reason is kept in the pack",
        user=actor,
    )
    return pack


@transaction.atomic
def pack_redact_phrase(*, pack: ResponsePack, phrase: str, actor) -> int:
    """Redact ``phrase`` wherever it appears in the pack; returns how many places."""
    phrase = phrase.strip()
    if len(phrase) < 2:
        raise ValidationError("Give the words to redact (at least two letters).")
    pack = _locked(pack)
    builder = Builder()
    ids = [item["id"] for section in pack.sections for item in section["items"]]
    builder._next = max([0, *ids, *(part["id"] for part in pack.parts())])
    matcher = Matcher()
    matcher.add_phrase(phrase, ADDED)
    count = 0
    for section in pack.sections:
        for item in section["items"]:
            new_parts = []
            for part in item["parts"]:
                if part["redact"]:
                    new_parts.append(part)
                    continue
                split = builder.split(part["text"], matcher)
                if len(split) == 1 and not split[0]["redact"]:
                    new_parts.append(part)
                    continue
                count += sum(1 for p in split if p["redact"])
                new_parts += split
            item["parts"] = new_parts
    pack.reviewed_at, pack.reviewed_by = timezone.now(), actor
    pack.save()
    return count


def recipient_of(request: PrivacyRequest) -> str:
    if not request.made_by_subject and request.requester_name.strip():
        return request.requester_name.strip()
    return request.subject_label or request.reference


def _case_reference(request):
    subject = request.subject_adult or request.subject_child
    return subject.case.display_reference if subject is not None else ""


def _disclosure(request, *, actor, what, basis):
    # The answer to the person's own request: they are told, by definition. The lawful
    # basis is the law itself (the right of access or portability).
    person = (
        (Disclosure.PersonKind.ADULT, request.subject_adult_id)
        if request.subject_adult_id
        else (Disclosure.PersonKind.CHILD, request.subject_child_id)
        if request.subject_child_id
        else ("", None)
    )
    disclosure = Disclosure(
        disclosed_by=actor,
        recipient=recipient_of(request)[:200],
        recipient_kind="person" if request.made_by_subject else "other",
        recipient_type=Disclosure.RecipientType.PERSON
        if request.made_by_subject
        else Disclosure.RecipientType.OTHER,
        what=what,
        basis=basis,
        basis_kind=Disclosure.Basis.LEGAL_OBLIGATION,
        person_told=Disclosure.PersonTold.YES,
        person_kind=person[0],
        person_id=person[1],
        person_label=request.subject_label,
        case_reference=_case_reference(request),
        record_label="privacy-request",
        record_id=request.pk,
    )
    disclosure.save()
    return disclosure


def _ready_to_disclose(request):
    if request.identity_verified_on is None:
        raise ValidationError("Check and record the person's identity before releasing anything.")
    if not request.made_by_subject and not request.authority_evidence.strip():
        raise ValidationError("Record what shows the requester may act for the person.")
    # A parent asking for a child: the child's view first (``release_errors``).
    stopped = request.release_errors()
    if stopped:
        raise ValidationError(list(stopped.values()))


def pack_ready_to_release(pack: ResponsePack) -> None:
    """Raise ``ValidationError`` with what stops ``pack`` being released now, if anything."""
    _ready_to_disclose(pack.request)


@transaction.atomic
def pack_release(*, pack: ResponsePack, actor) -> ResponsePack:
    """The manager releases the pack as reviewed: it is disclosed, and never changes."""
    pack = _locked(pack)
    request = pack.request
    _ready_to_disclose(request)
    pack.disclosure = _disclosure(
        request,
        actor=actor,
        what=f"Response to privacy request {request.reference}",
        basis=ACCESS_BASIS,
    )
    pack.released_at, pack.released_by = timezone.now(), actor
    pack.save()
    return pack


def portability_unavailable(request: PrivacyRequest) -> str:
    """Why no portability export may be made for ``request`` (Article 20 applies only to
    processing by consent or under a contract), or "" where one may."""
    if request.lawful_basis in PrivacyRequest.PORTABLE_BASES:
        return ""
    if not request.lawful_basis:
        return (
            "Data portability (UK GDPR Article 20) applies only to information processed "
            "with the person's consent or under a contract with them: record the lawful "
            "basis of the processing the request is about first."
        )
    basis = PrivacyRequest.LawfulBasis(request.lawful_basis).label.lower()
    return (
        "Data portability (UK GDPR Article 20) applies only to information processed with "
        "the person's consent or under a contract with them; this request is about "
        f"processing on another basis ({basis}), so no export is offered. The person "
        "receives their information through the response pack."
    )


@transaction.atomic
def request_lawful_basis_record(*, request: PrivacyRequest, lawful_basis: str, actor):
    """Record the lawful basis of the processing the request is about: portability
    (Article 20) depends on it."""
    if lawful_basis not in PrivacyRequest.LawfulBasis.values:
        raise ValidationError("Choose the lawful basis of the processing the request is about.")
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    request.lawful_basis = lawful_basis
    return record_save(record=request, actor=actor)


def portability_document(pack: ResponsePack) -> dict:
    """The export's content: the reviewed pack's items tagged ``portable`` (the person's
    own details, what they told the centre, their consents and attendance), each only
    where nothing in it is redacted, withheld or was ever marked as someone else's.

    Shape, version 1::

        {"format": "handover-portability", "version": 1, "request": "PR-2026-0001",
         "made_at": "<ISO 8601>",
         "sections": [{"title": "Your details", "kind": "Adult of a case",
                       "items": [{"label": "First name", "value": "..."}]}]}
    """
    sections = []
    for section in pack.sections:
        if section.get("information"):
            continue
        items = [
            {"label": item["label"], "value": "".join(part["text"] for part in item["parts"])}
            for item in section["items"]
            if item.get("portable")
            and not item["redact"]
            and not item.get("withheld")
            and not any(part["redact"] or part["reason"] for part in item["parts"])
        ]
        if items:
            sections.append(
                {"title": section["title"], "kind": section.get("kind", ""), "items": items}
            )
    return {
        "format": PORTABILITY_FORMAT,
        "version": PORTABILITY_VERSION,
        "request": pack.request.reference,
        "made_at": timezone.now().isoformat(),
        "sections": sections,
    }


@transaction.atomic
def portability_export(*, request: PrivacyRequest, actor) -> str:
    """The person's own information from the reviewed response pack, as JSON, for their
    right to portability; recorded as a disclosure. Refused before the pack is reviewed
    (no download can bypass the review) and where the lawful basis does not allow it."""
    pack = ResponsePack.objects.select_for_update().filter(request=request).first()
    if pack is None:
        raise ValidationError(
            "Build and review the response pack first: the export is made from the reviewed "
            "pack only."
        )
    if pack.reviewed_at is None:
        raise ValidationError(
            "Review the response pack first (save its redactions): the export is made from "
            "the reviewed pack only."
        )
    unavailable = portability_unavailable(request)
    if unavailable:
        raise ValidationError(unavailable)
    _ready_to_disclose(request)
    document = portability_document(pack)
    if not document["sections"]:
        raise ValidationError(
            "The reviewed pack holds nothing the person gave the centre themselves that can "
            "be exported."
        )
    _disclosure(
        request,
        actor=actor,
        what=f"Machine-readable export for privacy request {request.reference}",
        basis=PORTABILITY_BASIS,
    )
    return json.dumps(document, indent=2, ensure_ascii=False)
