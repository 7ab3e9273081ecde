"""The response pack for an access request: built from the records staff confirmed are
the person's, marked for redaction wherever the system knows a detail is someone else's,
reviewed, and released by the manager as a snapshot that never changes.

What is marked automatically: everything identifying the other adults of a case (the
other parent above all: names, e-mail, phone, address, postcode), the names of staff,
and each of those names and details wherever it appears inside free text (a
communication's summary, a report's observations). The reviewer confirms, lifts or adds
redactions; a phrase they add is redacted wherever it appears.

A pack is about what each app declared (``retention.registry.PersonalData``); for the
three kinds a request can be about it also gathers what hangs on the person: for an
adult or a child their case, pre-visits, sessions, communications, reports and the
disclosure log; for a staff member their DBS checks and documents.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from centre.identifiers import Matcher
from centre.models import Disclosure
from referrals.identifiers import CONFIDENTIAL_ADULT, OTHER_ADULT

from .finding import record_key, records_by_key
from .models import PrivacyRequest, ResponsePack
from .redaction import STAFF_NAME, matcher_for

ADDED = "Added by the reviewer"
ACCESS_BASIS = "The person's right of access (UK GDPR Article 15)"
PORTABILITY_BASIS = "The person's right to data portability (UK GDPR Article 20)"


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


def _field_value(record, name):
    field = record._meta.get_field(name)
    if getattr(field, "choices", None):
        return getattr(record, f"get_{name}_display")()
    return _show(getattr(record, name))


def _is_free_text(record, name):
    return isinstance(record._meta.get_field(name), models.TextField)


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


# What the system knows of other people -------------------------------------------------


def _staff_name(user):
    return user.full_name if user is not None else ""


# The sections ---------------------------------------------------------------------------


def _own_details(builder, declaration, record, title):
    section = builder.section(title)
    for name, label in declaration.pack_fields:
        value = _field_value(record, name)
        builder.item(section, label, value, free_text=_is_free_text(record, name))


def _other_adults(builder, others):
    if not others:
        return
    section = builder.section("Other adults of the case")
    for adult in others:
        confidential = adult.contact_details_confidential
        reason = CONFIDENTIAL_ADULT if confidential else OTHER_ADULT
        builder.item(section, "Role in the case", adult.get_role_display())
        builder.item(
            section, "Name", adult.full_name, redact=True, reason=reason, confidential=confidential
        )
        for name, label in (
            ("email", "E-mail"),
            ("phone", "Phone"),
            ("phone_other", "Other phone"),
            ("address", "Address"),
            ("postcode", "Postcode"),
        ):
            value = getattr(adult, name)
            if value:
                builder.item(
                    section, label, value, redact=True, reason=reason, confidential=confidential
                )


def _case(builder, case):
    section = builder.section(f"The case {case.display_reference}")
    builder.item(section, "Reference", case.display_reference)
    builder.item(section, "Status", case.get_status_display())
    referral = getattr(case, "referral", None)
    if referral is not None:
        builder.item(section, "Referral received on", referral.received_on)
        builder.item(section, "Referred by", referral.get_source_display())
        builder.item(section, "Service", referral.get_service_display())
    builder.item(section, "Contact began on", case.activated_on)
    builder.item(section, "Closed on", case.closed_on)
    children = list(case.children.all())
    if children:
        builder.item(section, "Children", ", ".join(child.full_name for child in children))


def _pre_visits(builder, pre_visits):
    pre_visits = list(pre_visits)
    if not pre_visits:
        return
    section = builder.section("Pre-visits")
    for visit in pre_visits:
        builder.item(section, "Pre-visit on", visit.visited_on)
        if visit.conducted_by:
            builder.item(
                section,
                "Conducted by",
                _staff_name(visit.conducted_by),
                redact=True,
                reason=STAFF_NAME,
            )
        builder.item(section, "Ground rules agreed on", visit.ground_rules_agreed_on)
        for name in ("arrangements", "who_may_collect", "risks_disclosed", "notes"):
            text = getattr(visit, name)
            if text:
                label = visit._meta.get_field(name).verbose_name.capitalize()
                builder.item(section, label, text, free_text=True)
        builder.item(section, "Privacy notice given", visit.privacy_notice_version)


def _sessions(builder, case):
    bookings = list(case.bookings.select_related("session").order_by("session__date"))
    if not bookings:
        return
    section = builder.section("Sessions")
    for booking in bookings:
        line = f"{booking.session.date:%d/%m/%Y}: {booking.get_status_display()}"
        if booking.absence_reason:
            line += f" ({booking.get_absence_reason_display()})"
        builder.item(section, "Session", line)
        if booking.absence_note:
            builder.item(section, "Absence note", booking.absence_note, free_text=True)


def _communications(builder, case):
    communications = list(case.communications.order_by("occurred_on", "pk"))
    if not communications:
        return
    section = builder.section("Communications")
    for communication in communications:
        heading = (
            f"{communication.occurred_on:%d/%m/%Y}: {communication.get_kind_display()}, "
            f"{communication.get_direction_display().lower()}"
        )
        builder.item(section, "Communication", heading)
        # A communication with someone else is about them: all of it is marked.
        with_other = builder.matcher.finds(communication.with_whom)
        builder.item(
            section,
            "With",
            communication.with_whom,
            free_text=True,
        )
        builder.item(
            section,
            "Summary",
            communication.summary,
            free_text=not with_other,
            redact=bool(with_other),
            reason="A communication with another adult" if with_other else "",
        )


def _reports(builder, case):
    from attendance.models import SupervisedReport

    reports = list(
        SupervisedReport.objects.filter(booking__case=case)
        .select_related("booking__session", "author")
        .order_by("booking__session__date")
    )
    if not reports:
        return
    section = builder.section("Supervised contact reports")
    for report in reports:
        builder.item(
            section,
            "Report of the session on",
            f"{report.booking.session.date:%d/%m/%Y} ({report.get_status_display().lower()})",
        )
        builder.item(section, "Written by", report.author.full_name, redact=True, reason=STAFF_NAME)
        builder.item(section, "Who attended", report.who_attended, free_text=True)
        builder.item(section, "What was observed", report.observations, free_text=True)
        if report.concerns:
            builder.item(section, "Concerns", report.concerns, free_text=True)


def _disclosures(builder, case):
    disclosures = list(
        Disclosure.objects.filter(case_reference=case.display_reference).order_by("disclosed_at")
    )
    section = builder.section("Disclosures of the case's records")
    if not disclosures:
        builder.item(section, "Disclosures", "None recorded")
        return
    for disclosure in disclosures:
        builder.item(section, "Disclosed on", disclosure.disclosed_at)
        builder.item(section, "To", disclosure.recipient, free_text=True)
        builder.item(section, "What", disclosure.what, free_text=True)
        builder.item(section, "Lawful basis", disclosure.get_basis_kind_display())
        builder.item(section, "Details of the basis", disclosure.basis)
        builder.item(section, "You were told", disclosure.get_person_told_display())


def _adult(builder, declaration, adult):
    case = adult.case
    _own_details(builder, declaration, adult, "Your details")
    _case(builder, case)
    _other_adults(builder, [a for a in case.adults.all() if a.pk != adult.pk])
    _pre_visits(builder, adult.pre_visits.select_related("conducted_by").order_by("visited_on"))
    _sessions(builder, case)
    _communications(builder, case)
    _reports(builder, case)
    _disclosures(builder, case)


def _child(builder, declaration, child):
    case = child.case
    _own_details(builder, declaration, child, "The child's details")
    _case(builder, case)
    _other_adults(builder, list(case.adults.all()))
    _pre_visits(builder, child.pre_visits.select_related("conducted_by").order_by("visited_on"))
    _sessions(builder, case)
    _communications(builder, case)
    _reports(builder, case)
    _disclosures(builder, case)


def _staff_member(builder, declaration, member):
    _own_details(builder, declaration, member, "Your staff record")
    checks = list(member.dbs_checks.order_by("checked_on"))
    if checks:
        section = builder.section("DBS checks")
        for check in checks:
            builder.item(section, "Checked on", check.checked_on)
            builder.item(section, "Certificate number", check.certificate_number)
            builder.item(section, "Decision", _field_value(check, "decision"))
            builder.item(section, "Outcome", _field_value(check, "outcome"), free_text=True)
    documents = list(member.documents.order_by("pk"))
    if documents:
        section = builder.section("Documents on your file")
        for document in documents:
            line = f"{document.get_category_display()}: {document.title}"
            if document.last_used_on:
                line += f" (last used {document.last_used_on:%d/%m/%Y})"
            builder.item(section, "Document", line)


BUILDERS = {
    "referrals.adult": _adult,
    "referrals.child": _child,
    "centre.staffmember": _staff_member,
}


def pack_sections(request: PrivacyRequest) -> list:
    links = list(request.records.all())
    found = records_by_key(record_key(link.record_type, link.object_id) for link in links)
    records = [
        found[key]
        for key in (record_key(link.record_type, link.object_id) for link in links)
        if key in found
    ]
    builder = Builder(matcher_for(request, records))
    for declaration, record in records:
        build = BUILDERS.get(declaration.record_type)
        if build is not None:
            build(builder, declaration, record)
        else:
            _own_details(
                builder, declaration, record, f"{declaration.kind} {declaration.describe(record)}"
            )
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


@transaction.atomic
def pack_review(*, pack: ResponsePack, items, parts, actor) -> ResponsePack:
    """Set the redactions: ``items`` are the ids of whole items to redact, ``parts`` the
    ids of marked parts to redact (a part never marked keeps its text)."""
    pack = _locked(pack)
    items, parts = {int(i) for i in items}, {int(p) for p in parts}
    for section in pack.sections:
        for item in section["items"]:
            item["redact"] = item["id"] in items
            if item["redact"] and not item["reason"]:
                item["reason"] = "Redacted by the reviewer"
            for part in item["parts"]:
                if part["reason"]:
                    part["redact"] = part["id"] in parts
    pack.reviewed_at, pack.reviewed_by = timezone.now(), actor
    pack.save()
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


@transaction.atomic
def portability_export(*, request: PrivacyRequest, actor) -> str:
    """The person's records in the interchange format, for their right to portability;
    recorded as a disclosure. Only for an adult of a case: what the format carries."""
    from referrals.interchange import export_json

    adult = request.subject_adult
    if adult is None:
        raise ValidationError("A machine-readable export is made for an adult of a case.")
    _ready_to_disclose(request)
    text = export_json(for_adult=adult)
    _disclosure(
        request,
        actor=actor,
        what=f"Machine-readable export for privacy request {request.reference}",
        basis=PORTABILITY_BASIS,
    )
    return text
