"""The families of the leak suite (tests/privacy_requests/test_leaks.py), and how to read
what the requester receives.

A mother has escaped the father. She is the resident parent, her contact details are
confidential, and she has asked that her new partner's name, the children's new school and
her workplace never reach him. The father asks for a copy of his data (Article 15) and for
the data he gave the centre (Article 20). A grandmother, held only in the collection lists,
asks for hers.

Each family quotes one way of writing one of the mother's details (a *variant*: her phone
with dashes, her postcode in lower case, her date of birth written out) in every free-text
field the product has that can end up linked to the father's request, each quote wrapped
in a tag naming its field (``Kq012: ... :qK012``), so that what leaks says where it came
from. ``THIRD_PARTY`` is a second mother who is *not* confidential: her contact details
are third-party data and must not reach the father either.

Every name, number, street and postcode is invented (example.test e-mails, 07700 900xxx
phones, the ZX postcode area, which does not exist).
"""

import datetime
import html
import json
import re
import zlib
from dataclasses import dataclass, field

from django.contrib.messages import get_messages
from django.db import models
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, ContactSession, ReportRecipient, SupervisedReport, Tap
from centre.models import Disclosure
from centre.services import record_save
from privacy_requests.finding import Terms, person_find, request_records_confirm
from privacy_requests.models import ClarificationPause, PrivacyRequest, ResponsePack
from privacy_requests.services import privacy_request_log
from referrals.models import (
    Adult,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
    Referral,
    StatusChange,
)
from referrals.services import case_create, pre_visit_save
from safeguarding.incident_services import incident_open
from safeguarding.models import Accident, Concern, Hold, Incident, IncidentAction
from safeguarding.services import concern_raise
from tests.factories import pdf_file

# The people -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    phone_other: str
    address: str
    postcode: str
    date_of_birth: datetime.date
    never_disclose: str = ""


MOTHER = Person(
    first_name="Perpetua",
    last_name="Wyndlesham",
    email="perpetua.wyndlesham@example.test",
    phone="07700 900461",
    phone_other="07700 900462",
    address="Heronsgate House\nFlat 2, 9 Sanctuary Close\nFernhollow",
    postcode="ZX9 4QT",
    date_of_birth=datetime.date(1990, 4, 9),
    never_disclose="Tobias Quarrington\nLarkspur Primary School\nHollowbrook Garden Centre",
)
THIRD_PARTY = Person(
    first_name="Clemency",
    last_name="Ashgrove",
    email="clemency.ashgrove@example.test",
    phone="07700 900733",
    phone_other="",
    address="27 Tidewell Road\nBramblecote",
    postcode="ZX4 7RB",
    date_of_birth=datetime.date(1988, 11, 23),
)
FATHER = Person(
    first_name="Gideon",
    last_name="Marchbanks",
    email="gideon.marchbanks@example.test",
    phone="07700 900215",
    phone_other="",
    address="14 Copperbeech Row\nAshfold",
    postcode="ZX2 6LP",
    date_of_birth=datetime.date(1987, 2, 14),
)
GRANDMOTHER = "Hester Pennicott"
GRANDMOTHER_PHONE = "07700 900588"


# The variants -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    id: str
    text: str
    kind: str  # name, phone, email, postcode, address, dob, phrase


MOTHER_VARIANTS = [
    Variant("name-first", "Perpetua", "name"),
    Variant("name-last", "Wyndlesham", "name"),
    Variant("name-full", "Perpetua Wyndlesham", "name"),
    Variant("name-last-first", "Wyndlesham Perpetua", "name"),
    Variant("name-last-comma-first", "Wyndlesham, Perpetua", "name"),
    Variant("name-upper-case", "PERPETUA WYNDLESHAM", "name"),
    Variant("name-lower-case", "perpetua wyndlesham", "name"),
    Variant("name-possessive", "Perpetua's", "name"),
    Variant("phone-as-stored", "07700 900461", "phone"),
    Variant("phone-no-spaces", "07700900461", "phone"),
    Variant("phone-dashes", "07700-900-461", "phone"),
    Variant("phone-brackets", "(07700) 900461", "phone"),
    Variant("phone-dots", "07700.900.461", "phone"),
    Variant("phone-plus44", "+44 7700 900461", "phone"),
    Variant("phone-plus44-no-spaces", "+447700900461", "phone"),
    Variant("phone-0044", "0044 7700 900461", "phone"),
    Variant("phone-plus44-bracketed-0", "+44 (0)7700 900461", "phone"),
    Variant("phone-other-number-spaced", "07700 900 462", "phone"),
    Variant("phone-without-its-0", "7700 900461", "phone"),
    Variant("email-as-stored", "perpetua.wyndlesham@example.test", "email"),
    Variant("email-upper-case", "PERPETUA.WYNDLESHAM@EXAMPLE.TEST", "email"),
    Variant("email-mixed-case", "Perpetua.Wyndlesham@Example.Test", "email"),
    Variant("postcode-as-stored", "ZX9 4QT", "postcode"),
    Variant("postcode-no-space", "ZX94QT", "postcode"),
    Variant("postcode-lower-case", "zx9 4qt", "postcode"),
    Variant("postcode-lower-case-no-space", "zx94qt", "postcode"),
    Variant("address-line", "Flat 2, 9 Sanctuary Close", "address"),
    Variant("address-number-and-street", "9 Sanctuary Close", "address"),
    Variant("address-street", "Sanctuary Close", "address"),
    Variant("address-abbreviated", "Sanctuary Cl", "address"),
    Variant("address-number-abbreviated", "9 Sanctuary Cl.", "address"),
    Variant("address-lower-case", "9 sanctuary close", "address"),
    Variant("address-town", "Fernhollow", "address"),
    Variant("address-on-one-line", "Flat 2, 9 Sanctuary Close, ZX9 4QT", "address"),
    Variant("address-building", "Heronsgate House", "address"),
    Variant("address-building-upper-case", "HERONSGATE HOUSE", "address"),
    Variant("dob-iso", "1990-04-09", "dob"),
    Variant("dob-dd-mm-yyyy", "09/04/1990", "dob"),
    Variant("dob-d-m-yyyy", "9/4/1990", "dob"),
    Variant("dob-written", "9 April 1990", "dob"),
    Variant("dob-ordinal", "9th April 1990", "dob"),
    Variant("dob-month-first", "April 9, 1990", "dob"),
    Variant("dob-abbreviated-month", "9 Apr 1990", "dob"),
    Variant("dob-dd-mon-yyyy", "09-Apr-1990", "dob"),
    Variant("never-partner", "Tobias Quarrington", "phrase"),
    Variant("never-partner-last-comma-first", "Quarrington, Tobias", "phrase"),
    Variant("never-partner-surname", "Mr Quarrington", "phrase"),
    Variant("never-partner-first-name", "Tobias", "phrase"),
    Variant("never-school", "Larkspur Primary School", "phrase"),
    Variant("never-school-lower-case", "larkspur primary school", "phrase"),
    Variant("never-school-without-school", "Larkspur Primary", "phrase"),
    Variant("never-workplace", "Hollowbrook Garden Centre", "phrase"),
    Variant("never-workplace-upper-case", "HOLLOWBROOK GARDEN CENTRE", "phrase"),
]

THIRD_PARTY_VARIANTS = [
    Variant("phone-as-stored", "07700 900733", "phone"),
    Variant("phone-no-spaces", "07700900733", "phone"),
    Variant("phone-dashes", "07700-900-733", "phone"),
    Variant("phone-plus44", "+44 7700 900733", "phone"),
    Variant("phone-0044", "0044 7700 900733", "phone"),
    Variant("phone-without-its-0", "7700 900733", "phone"),
    Variant("email-as-stored", "clemency.ashgrove@example.test", "email"),
    Variant("email-upper-case", "CLEMENCY.ASHGROVE@EXAMPLE.TEST", "email"),
    Variant("postcode-as-stored", "ZX4 7RB", "postcode"),
    Variant("postcode-no-space", "ZX47RB", "postcode"),
    Variant("postcode-lower-case", "zx4 7rb", "postcode"),
    Variant("address-number-and-street", "27 Tidewell Road", "address"),
    Variant("address-street", "Tidewell Road", "address"),
    Variant("address-abbreviated", "Tidewell Rd", "address"),
    Variant("dob-iso", "1988-11-23", "dob"),
    Variant("dob-dd-mm-yyyy", "23/11/1988", "dob"),
    Variant("dob-written", "23 November 1988", "dob"),
    Variant("dob-ordinal", "23rd November 1988", "dob"),
    Variant("dob-dd-mon-yyyy", "23-Nov-1988", "dob"),
]


# What must never be found in what the requester receives ----------------------------------


@dataclass(frozen=True)
class Needle:
    """One of the mother's details as a search: ``words`` are looked for in the text
    case-insensitively; ``compact`` in the text with everything but letters and digits
    taken out (phones and postcodes however spaced); ``pattern`` is a regular expression."""

    what: str
    words: str = ""
    compact: str = ""
    pattern: str = ""

    def found_in(self, text, compact_text):
        if self.words:
            return self.words in text
        if self.compact:
            return self.compact in compact_text
        return re.search(self.pattern, text) is not None


def _dob_patterns(day):
    month = day.strftime("%B").lower()
    d, m, y = day.day, day.month, day.year
    between = r"[\s/.\-,']*"
    return [
        rf"(?<!\d){y}\s*[/.\-]?\s*0?{m}\s*[/.\-]?\s*0?{d}(?!\d)",
        rf"(?<!\d)0?{d}\s*[/.\-]\s*0?{m}\s*[/.\-]\s*(?:{y}|{y % 100:02d})(?!\d)",
        rf"(?<![\d\w])0?{d}(?:st|nd|rd|th)?{between}(?:of\s+)?{month[:3]}\w*{between}{y}",
        rf"{month[:3]}\w*{between}0?{d}(?:st|nd|rd|th)?{between}{y}",
    ]


def _compact(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _national(phone):
    return _compact(phone).lstrip("0")


MOTHER_NEEDLES = [
    Needle("her first name", words="perpetua"),
    Needle("her last name", words="wyndlesham"),
    Needle("her e-mail", words=MOTHER.email),
    Needle("her phone", compact=_national(MOTHER.phone)),
    Needle("her other phone", compact=_national(MOTHER.phone_other)),
    Needle("her postcode", compact=_compact(MOTHER.postcode)),
    Needle("her street", words="sanctuary"),
    Needle("her building", words="heronsgate"),
    Needle("her town", words="fernhollow"),
    *(Needle("her date of birth", pattern=p) for p in _dob_patterns(MOTHER.date_of_birth)),
    Needle("her new partner's first name", words="tobias"),
    Needle("her new partner's surname", words="quarrington"),
    Needle("the children's new school", words="larkspur"),
    Needle("her workplace", words="hollowbrook"),
]
THIRD_PARTY_NEEDLES = [
    Needle("her e-mail", words=THIRD_PARTY.email),
    Needle("her phone", compact=_national(THIRD_PARTY.phone)),
    Needle("her postcode", compact=_compact(THIRD_PARTY.postcode)),
    Needle("her street", words="tidewell"),
    *(Needle("her date of birth", pattern=p) for p in _dob_patterns(THIRD_PARTY.date_of_birth)),
]


def leaks(text, needles):
    """The needles found in ``text`` (already normalised by ``readable``)."""
    compact_text = _compact(text)
    return [needle for needle in needles if needle.found_in(text, compact_text)]


# The fields quoted ------------------------------------------------------------------------

# Every place a family quotes the variant: "app.Model.field", with the record it is on
# where a family has more than one of that kind. Its position here numbers its tag.
PLANTED = [
    "referrals.Case.declined_reason",
    "referrals.Case.closure_reason",
    "referrals.Case.retention_reason",
    "referrals.StatusChange.reason",
    "referrals.Referral.source_other",
    "referrals.Referral.referrer_name",
    "referrals.Referral.referrer_organisation",
    "referrals.Referral.referrer_phone",
    "referrals.Referral.referrer_address",
    "referrals.Referral.court_order_type",
    "referrals.Referral.risk_notes",
    "referrals.Referral.interpreter_language",
    "referrals.Referral.access_needs",
    "referrals.Referral.days_requested",
    "referrals.Referral.notes",
    "referrals.ProtectiveOrder.names",
    "referrals.ProtectiveOrder.notes",
    "referrals.Adult.relationship (the father's)",
    "referrals.Adult.relationship (the mother's)",
    "referrals.Child.needs",
    "referrals.Child.interests",
    "referrals.Consent.scope (given by the father)",
    "referrals.Consent.scope (given by the mother)",
    *(
        f"referrals.PreVisit.{name} ({whose} pre-visit)"
        for whose in ("the father's", "the mother's")
        for name in (
            "ground_rules_witnessed_by",
            "arrangements",
            "who_may_collect",
            "medical_needs",
            "emergency_contact",
            "child_interests",
            "risks_disclosed",
            "privacy_notice_version",
            "notes",
        )
    ),
    "referrals.Communication.summary (a call with the father)",
    "referrals.Communication.with_whom (a call with the mother)",
    "referrals.Communication.summary (a call with the mother)",
    "referrals.Communication.with_whom (a letter from a solicitor)",
    "referrals.Communication.summary (a letter from a solicitor)",
    "referrals.CaseDocument.title",
    "attendance.ContactSession.room",
    "attendance.ContactSession.notes",
    "attendance.Booking.resident_entrance",
    "attendance.Booking.visiting_entrance",
    "attendance.Booking.who_may_collect",
    "attendance.Booking.not_to_collect",
    "attendance.Booking.notes",
    "attendance.Booking.absence_note (a session missed)",
    "attendance.Tap.collected_by",
    "attendance.Tap.warning",
    "attendance.SupervisedReport.who_attended",
    "attendance.SupervisedReport.observations",
    "attendance.SupervisedReport.concerns",
    "attendance.SupervisedReport.return_comments",
    "attendance.ReportRecipient.name",
    "safeguarding.Concern.where",
    "safeguarding.Concern.what_happened",
    "safeguarding.Concern.others_present",
    "safeguarding.Concern.action_taken",
    "safeguarding.Incident.summary",
    "safeguarding.Incident.action_taken",
    "safeguarding.Incident.decision",
    "safeguarding.Incident.decision_reasons",
    "safeguarding.Incident.outcome",
    "safeguarding.IncidentAction.notes",
    "safeguarding.Accident.person_name",
    "safeguarding.Accident.where",
    "safeguarding.Accident.what_happened",
    "safeguarding.Accident.first_aid_given",
    "safeguarding.Accident.first_aid_by",
    "safeguarding.Accident.who_was_told",
    "safeguarding.Hold.reason",
    "safeguarding.Hold.lift_reason",
    "centre.Disclosure.recipient",
    "centre.Disclosure.recipient_kind",
    "centre.Disclosure.what",
    "centre.Disclosure.basis",
    "privacy_requests.PrivacyRequest.details (the access request)",
    "privacy_requests.PrivacyRequest.response (the access request)",
    "privacy_requests.PrivacyRequest.identity_evidence (the access request)",
    "privacy_requests.PrivacyRequest.details (the portability request)",
    "privacy_requests.PrivacyRequest.response (the portability request)",
    "privacy_requests.ClarificationPause.asked_for",
    "privacy_requests.PrivacyRequest.authority_evidence (the request for the child)",
    "privacy_requests.PrivacyRequest.best_interests (the request for the child)",
]
# Fields quoted only when the variant is an e-mail address: the field must hold one.
EMAIL_FIELDS = ["referrals.Referral.referrer_email"]

_TAG = re.compile(r"Kq(\d{3}):|:qK(\d{3})", re.I)


def field_of(key):
    """The app, model and field of a key: "referrals.PreVisit.notes (the mother's
    pre-visit)" is ("referrals", "PreVisit", "notes")."""
    return tuple(key.split(" ")[0].split("."))


def opening(key):
    return f"Kq{PLANTED.index(key):03d}:"


def closing(key):
    return f":qK{PLANTED.index(key):03d}"


# The fields the redaction engine learns other people from (privacy_requests.redaction:
# the referrer, the witnesses, the report's recipients, the people the other adult named
# to collect the child or to call). Were they to quote the family's variant, the engine
# would learn the variant itself as someone's name and find it everywhere, proving
# nothing about how it finds the mother's details. So they quote another of her details,
# of another kind (``fed_variant``), and every variant is quoted in them by one family.
FED = {
    "referrals.Referral.referrer_name",
    "referrals.Referral.referrer_phone",
    "referrals.Referral.referrer_address",
    "referrals.PreVisit.ground_rules_witnessed_by (the father's pre-visit)",
    "referrals.PreVisit.ground_rules_witnessed_by (the mother's pre-visit)",
    "referrals.PreVisit.who_may_collect (the mother's pre-visit)",
    "referrals.PreVisit.emergency_contact (the mother's pre-visit)",
    "attendance.ReportRecipient.name",
}
# Variants that would find one another: what the engine learns from one of these groups
# must not be what the family tests.
_CLASHES = {"email": {"name"}, "name": {"email"}}


def fed_variant(variants, index, shift):
    """The variant the fed fields of the ``index``-th family quote: ``shift`` places on,
    so each variant is fed once, and never one of the same or a clashing kind."""
    variant = variants[index]
    fed = variants[(index + shift) % len(variants)]
    assert fed.kind != variant.kind and fed.kind not in _CLASHES.get(variant.kind, ()), (
        variant,
        fed,
    )
    return fed


class Quoter:
    """The text each field holds in a family: the variant (the fed variant in the fields
    the engine learns from), tagged with the field."""

    def __init__(self, variant: Variant, fed: Variant):
        self.variant, self.fed = variant, fed

    def __call__(self, key, *, before="see", after=""):
        from django.apps import apps

        app, model, name = field_of(key)
        max_length = apps.get_model(app, model)._meta.get_field(name).max_length
        variant = self.variant
        if key in FED:
            # Nothing around it: each word of a fed field becomes a name to find.
            variant, before, after = self.fed, "", ""
        text = " ".join(w for w in (opening(key), before, variant.text, after) if w)
        text = f"{text} {closing(key)}"
        if max_length is not None and len(text) > max_length:
            text = f"{opening(key)} {variant.text} {closing(key)}"
        if max_length is not None and len(text) > max_length:
            # Too short a field for the tags (a phone field holding an e-mail address):
            # the variant alone, found by the searches but not by its field's tags.
            text = variant.text
        assert max_length is None or len(text) <= max_length, (key, text)
        return text

    def email(self):
        return self.fed.text if self.fed.kind == "email" else ""


# The family -------------------------------------------------------------------------------

DAY = datetime.date(2026, 11, 21)


@dataclass
class Family:
    variant: Variant
    fed: Variant
    father: Adult
    mother: Adult
    child: Child
    access: PrivacyRequest
    portability: PrivacyRequest
    grandparent: PrivacyRequest
    for_child: PrivacyRequest
    extra: dict = field(default_factory=dict)


def _adult(case, person, *, role, confidential, relationship, parental_responsibility=True):
    return record_save(
        record=Adult(
            case=case,
            role=role,
            relationship=relationship,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            phone=person.phone,
            phone_other=person.phone_other,
            address=person.address,
            postcode=person.postcode,
            date_of_birth=person.date_of_birth,
            has_parental_responsibility=parental_responsibility,
            contact_details_confidential=confidential,
            never_disclose=person.never_disclose if confidential else "",
        )
    )


def _pre_visit(case, adult, child, consent, say, whose, *, collectors):
    key = f" ({whose} pre-visit)"
    visit = PreVisit(
        case=case,
        adult=adult,
        visited_on=DAY - datetime.timedelta(days=14),
        ground_rules_agreed_on=DAY - datetime.timedelta(days=14),
        ground_rules_witnessed_by=say("referrals.PreVisit.ground_rules_witnessed_by" + key),
        arrangements_agreed=True,
        arrangements=say("referrals.PreVisit.arrangements" + key, before="drops off near"),
        who_may_collect=(collectors + "\n" if collectors else "")
        + say("referrals.PreVisit.who_may_collect" + key, before="also"),
        medical_needs=say("referrals.PreVisit.medical_needs" + key, before="inhaler kept by"),
        medical_consent=consent,
        emergency_contact=say("referrals.PreVisit.emergency_contact" + key, before="call"),
        child_interests=say("referrals.PreVisit.child_interests" + key, before="talks about"),
        risks_disclosed=say("referrals.PreVisit.risks_disclosed" + key, before="worried about"),
        privacy_notice_version=say("referrals.PreVisit.privacy_notice_version" + key, before="v3"),
        notes=say("referrals.PreVisit.notes" + key, before="new details:"),
    )
    return pre_visit_save(pre_visit=visit, children=[child])


def build_family(
    variant: Variant, *, fed: Variant, mother: Person, confidential: bool, cast
) -> Family:
    """One family quoting ``variant`` everywhere (``fed`` where the engine learns people
    from); ``cast`` has the users (manager, staff, lead)."""
    say = Quoter(variant, fed)
    manager, staff, lead = cast["manager"], cast["staff"], cast["lead"]
    referral = Referral(
        source=Referral.Source.OTHER,
        source_other=say("referrals.Referral.source_other", before="passed on by"),
        received_on=DAY - datetime.timedelta(days=30),
        referrer_name=say("referrals.Referral.referrer_name"),
        referrer_organisation=say("referrals.Referral.referrer_organisation", before="refuge"),
        referrer_email=say.email(),
        referrer_phone=say("referrals.Referral.referrer_phone", before=""),
        referrer_address=say("referrals.Referral.referrer_address", before="c/o"),
        service=Referral.Service.SUPERVISED,
        court_order=True,
        court_order_type=say("referrals.Referral.court_order_type", before="order naming"),
        risk_domestic_abuse=True,
        risk_notes=say("referrals.Referral.risk_notes", before="she moved to"),
        interpreter_needed=True,
        interpreter_language=say("referrals.Referral.interpreter_language", before="Welsh,"),
        access_needs=say("referrals.Referral.access_needs", before="ramp at"),
        days_requested=say("referrals.Referral.days_requested", before="Saturdays,"),
        notes=say("referrals.Referral.notes", before="now living at"),
    )
    case = case_create(referral=referral, actor=staff)
    case.declined_reason = say("referrals.Case.declined_reason")
    case.closure_reason = say("referrals.Case.closure_reason")
    case.retention_reason = say("referrals.Case.retention_reason")
    record_save(record=case, actor=staff)
    record_save(
        record=StatusChange(
            case=case,
            from_status="received",
            to_status="accepted",
            reason=say("referrals.StatusChange.reason", before="accepted; she is at"),
        )
    )
    record_save(
        record=ProtectiveOrder(
            case=case,
            kind=ProtectiveOrder.Kind.NON_MOLESTATION,
            names=say("referrals.ProtectiveOrder.names", before="protects"),
            made_on=DAY - datetime.timedelta(days=60),
            notes=say("referrals.ProtectiveOrder.notes", before="he must not go to"),
        )
    )
    mother_adult = _adult(
        case,
        mother,
        role=Adult.Role.RESIDENT,
        confidential=confidential,
        relationship=say("referrals.Adult.relationship (the mother's)", before="mother;"),
    )
    father = _adult(
        case,
        FATHER,
        role=Adult.Role.VISITING,
        confidential=False,
        relationship=say("referrals.Adult.relationship (the father's)", before="father of"),
    )
    child = record_save(
        record=Child(
            case=case,
            first_name="Pip",
            last_name="Marchbanks",
            date_of_birth=datetime.date(2018, 6, 30),
            needs=say("referrals.Child.needs", before="settling in at"),
            interests=say("referrals.Child.interests", before="loves visits to"),
        )
    )
    consents = {}
    for adult, whose in ((father, "the father"), (mother_adult, "the mother")):
        consents[adult.pk] = record_save(
            record=Consent(
                case=case,
                given_by=adult,
                scope=say(f"referrals.Consent.scope (given by {whose})", before="asthma;"),
                given_on=DAY - datetime.timedelta(days=20),
            )
        )
    collectors = f"{GRANDMOTHER}, grandmother, {GRANDMOTHER_PHONE}"
    _pre_visit(case, father, child, consents[father.pk], say, "the father's", collectors="")
    _pre_visit(
        case, mother_adult, child, consents[mother_adult.pk], say, "the mother's",
        collectors=collectors,
    )  # fmt: skip
    for with_whom, summary_key in (
        (f"{FATHER.first_name} {FATHER.last_name}", "(a call with the father)"),
        (None, "(a call with the mother)"),
        (None, "(a letter from a solicitor)"),
    ):
        if with_whom is None:
            with_whom = say(f"referrals.Communication.with_whom {summary_key}")
        record_save(
            record=Communication(
                case=case,
                occurred_on=DAY - datetime.timedelta(days=10),
                kind=Communication.Kind.PHONE,
                direction=Communication.Direction.INCOMING,
                with_whom=with_whom,
                summary=say(f"referrals.Communication.summary {summary_key}", before="said"),
            ),
            actor=staff,
        )
    record_save(
        record=CaseDocument(
            case=case,
            kind=CaseDocument.Kind.LETTER,
            title=say("referrals.CaseDocument.title", before="letter from"),
            file=pdf_file(),
        )
    )
    session = record_save(
        record=ContactSession(
            date=DAY,
            starts_at=datetime.time(10),
            ends_at=datetime.time(11),
            kind=ContactSession.Kind.SUPERVISED,
            capacity=1,
            room=say("attendance.ContactSession.room", before="room by"),
            notes=say("attendance.ContactSession.notes", before="keep away from"),
        )
    )
    plan = {
        "resident_arrives_at": datetime.time(9, 45),
        "visiting_arrives_at": datetime.time(10),
        "visiting_leaves_at": datetime.time(10, 45),
        "resident_collects_at": datetime.time(11),
    }
    booking = record_save(
        record=Booking(
            session=session,
            case=case,
            resident_entrance=say("attendance.Booking.resident_entrance", before="back door,"),
            visiting_entrance=say("attendance.Booking.visiting_entrance", before="front,"),
            who_may_collect=say("attendance.Booking.who_may_collect", before=f"{GRANDMOTHER} or"),
            not_to_collect=say("attendance.Booking.not_to_collect", before="never with"),
            notes=say("attendance.Booking.notes", before="taxi back to"),
            status=Booking.Status.ATTENDED,
            **plan,
        )
    )
    missed_session = record_save(
        record=ContactSession(
            date=DAY + datetime.timedelta(days=7),
            starts_at=datetime.time(10),
            ends_at=datetime.time(11),
            kind=ContactSession.Kind.SUPERVISED,
            capacity=1,
            room="Garden room",
        )
    )
    record_save(
        record=Booking(
            session=missed_session,
            case=case,
            resident_entrance="Back door",
            visiting_entrance="Front door",
            who_may_collect=GRANDMOTHER,
            status=Booking.Status.ABSENT,
            absence_reason=Booking.AbsenceReason.OTHER,
            absence_note=say("attendance.Booking.absence_note (a session missed)", before="at"),
            **plan,
        )
    )
    record_save(
        record=Tap(
            booking=booking,
            kind=Tap.Kind.CHILD_COLLECTED,
            collected_by=say("attendance.Tap.collected_by", before="with"),
            warning=say("attendance.Tap.warning", before="not"),
        )
    )
    report = record_save(
        record=SupervisedReport(
            booking=booking,
            author=staff,
            who_attended=say("attendance.SupervisedReport.who_attended", before="father, Pip;"),
            started_at=datetime.time(10),
            ended_at=datetime.time(10, 45),
            observations=say("attendance.SupervisedReport.observations", before="Pip spoke of"),
            concerns=say("attendance.SupervisedReport.concerns", before="father asked about"),
            return_comments=say(
                "attendance.SupervisedReport.return_comments",
                before="say more of what father said of",
            ),
        )
    )
    record_save(
        record=ReportRecipient(
            report=report,
            kind=ReportRecipient.Kind.SOLICITOR,
            name=say("attendance.ReportRecipient.name", before="solicitor for"),
        )
    )
    concern = concern_raise(
        concern=Concern(
            case=case,
            booking=booking,
            occurred_at=timezone.now() - datetime.timedelta(days=3),
            where=say("safeguarding.Concern.where", before="near"),
            what_happened=say("safeguarding.Concern.what_happened", before="he asked Pip about"),
            others_present=say("safeguarding.Concern.others_present"),
            action_taken=say("safeguarding.Concern.action_taken", before="warned"),
        ),
        children=[child],
        actor=staff,
    )
    incident = incident_open(
        incident=Incident(
            occurred_on=timezone.localdate() - datetime.timedelta(days=3),
            summary=say("safeguarding.Incident.summary", before="father tried to find"),
            action_taken=say("safeguarding.Incident.action_taken", before="told"),
            decision=say("safeguarding.Incident.decision", before="protect"),
            decision_reasons=say("safeguarding.Incident.decision_reasons", before="risk to"),
            outcome=say("safeguarding.Incident.outcome", before="police told of"),
        ),
        concern=concern,
        children=[child],
        actor=lead,
    )
    record_save(
        record=IncidentAction(
            incident=incident,
            kind=IncidentAction.Kind.POLICE,
            taken_on=timezone.localdate() - datetime.timedelta(days=2),
            notes=say("safeguarding.IncidentAction.notes", before="patrols near"),
        )
    )
    record_save(
        record=Accident(
            case=case,
            case_reference=case.display_reference,
            person_name=say("safeguarding.Accident.person_name"),
            occurred_at=timezone.now() - datetime.timedelta(days=4),
            where=say("safeguarding.Accident.where", before="steps of"),
            what_happened=say("safeguarding.Accident.what_happened", before="tripped;"),
            first_aid_given=say("safeguarding.Accident.first_aid_given", before="plaster;"),
            first_aid_by=say("safeguarding.Accident.first_aid_by", before="by"),
            who_was_told=say("safeguarding.Accident.who_was_told", before="told"),
        )
    )
    now = timezone.now()
    record_save(
        record=Hold(
            kind=Hold.Kind.LEGAL,
            case=case,
            scope_label=f"case {case.display_reference}",
            legal_basis=Hold.LegalBasis.OTHER,
            reason=say("safeguarding.Hold.reason", before="claim by"),
            placed_at=now - datetime.timedelta(days=5),
            lifted_at=now - datetime.timedelta(days=1),
            lift_reason=say("safeguarding.Hold.lift_reason", before="settled with"),
        )
    )
    record_save(
        record=Disclosure(
            disclosed_at=now - datetime.timedelta(days=6),
            disclosed_by=manager,
            recipient=say("centre.Disclosure.recipient", before="solicitor for"),
            recipient_kind=say("centre.Disclosure.recipient_kind", before=""),
            recipient_type=Disclosure.RecipientType.SOLICITOR,
            what=say("centre.Disclosure.what", before="letter about"),
            basis_kind=Disclosure.Basis.CONSENT,
            basis=say("centre.Disclosure.basis", before="consent of"),
            person_told=Disclosure.PersonTold.YES,
            case_reference=case.display_reference,
        )
    )
    access = _request(
        father,
        PrivacyRequest.Right.ACCESS,
        manager,
        details=say(
            "privacy_requests.PrivacyRequest.details (the access request)", before="all, about"
        ),
        response=say(
            "privacy_requests.PrivacyRequest.response (the access request)", before="sent, minus"
        ),
        identity_evidence=say(
            "privacy_requests.PrivacyRequest.identity_evidence (the access request)",
            before="licence; knows",
        ),
    )
    record_save(
        record=ClarificationPause(
            request=access,
            asked_on=DAY,
            asked_for=say("privacy_requests.ClarificationPause.asked_for", before="did he mean"),
            answered_on=DAY + datetime.timedelta(days=1),
        )
    )
    portability = _request(
        father,
        PrivacyRequest.Right.PORTABILITY,
        manager,
        details=say(
            "privacy_requests.PrivacyRequest.details (the portability request)", before="and"
        ),
        response=say(
            "privacy_requests.PrivacyRequest.response (the portability request)", before="not"
        ),
        identity_evidence="Fictional passport",
    )
    # The father asks for his child's data, as the parent with parental responsibility.
    for_child = privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_child=child,
            made_by_subject=False,
            requester_name=f"{FATHER.first_name} {FATHER.last_name}",
            authority_evidence=say(
                "privacy_requests.PrivacyRequest.authority_evidence (the request for the child)",
                before="birth certificate; not",
            ),
            child_age=8,
            child_competent=False,
            best_interests=say(
                "privacy_requests.PrivacyRequest.best_interests (the request for the child)",
                before="in Pip's interests, without",
            ),
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=DAY,
            identity_evidence="Fictional passport",
            identity_verified_on=DAY,
        ),
        actor=manager,
    )
    key = f"referrals.child:{child.pk}"
    request_records_confirm(request=for_child, shown=[key], chosen=[key], actor=manager)
    grandparent = privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_name=GRANDMOTHER,
            subject_details=f"Collects Pip at the centre; {GRANDMOTHER_PHONE}",
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=DAY + datetime.timedelta(days=2),
            identity_evidence="Fictional bus pass",
            identity_verified_on=DAY + datetime.timedelta(days=2),
        ),
        actor=manager,
    )
    # Every family has a grandmother of that name: staff confirm this family's records.
    found = person_find(Terms(name=GRANDMOTHER))
    keys = [hit.key for kind in found for hit in kind.found if _case_of(hit.record) == case]
    request_records_confirm(request=grandparent, shown=keys, chosen=keys, actor=manager)
    return Family(
        variant=variant,
        fed=fed,
        father=father,
        mother=mother_adult,
        child=child,
        access=access,
        portability=portability,
        grandparent=grandparent,
        for_child=for_child,
        extra={"grandparent_records": keys},
    )


def _case_of(record):
    for path in ("case", "booking.case", "report.booking.case", "incident.case"):
        value = record
        for name in path.split("."):
            value = getattr(value, name, None)
        if value is not None:
            return value
    return None


def _request(father, right, manager, **texts):
    request = privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_adult=father,
            right=right,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=DAY,
            identity_verified_on=DAY,
            lawful_basis=PrivacyRequest.LawfulBasis.CONSENT,
            **texts,
        ),
        actor=manager,
    )
    key = f"referrals.adult:{father.pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=manager)
    return request


# What the requester receives --------------------------------------------------------------


class Refused(Exception):
    """A step of building, reviewing, releasing or exporting did not go through."""


def _said(response):
    return "; ".join(str(message) for message in get_messages(response.wsgi_request))


def _post(client, name, request, data=None):
    response = client.post(reverse(f"privacy_requests:{name}", args=[request.pk]), data or {})
    if response.status_code not in (200, 302):
        raise Refused(f"{name} answered {response.status_code}")
    return response


def pack_reviewed(client, request):
    """Build the request's pack and review it keeping every redaction marked."""
    response = _post(client, "pack_build", request)
    pack = ResponsePack.objects.filter(request=request).first()
    if pack is None:
        raise Refused(f"the pack was not built: {_said(response)}")
    items = [item["id"] for section in pack.sections for item in section["items"] if item["redact"]]
    parts = [part["id"] for part in pack.parts() if part["redact"]]
    _post(client, "pack_review", request, {"item": items, "part": parts})
    pack.refresh_from_db()
    return pack


def release_confirmation(client, request):
    """What the release's confirmation page posts: its ``confirm`` and the version of the
    pack it showed (the first click, its GET, releases nothing)."""
    page = client.get(reverse("privacy_requests:pack_release", args=[request.pk]))
    version = re.search(r'name="version" value="([0-9a-f]+)"', page.content.decode())
    return {"confirm": "yes", "version": version.group(1) if version else ""}


def released_outputs(client, request):
    """The released pack as its page, its print view and its PDF's text."""
    pack = pack_reviewed(client, request)
    response = _post(client, "pack_release", request, release_confirmation(client, request))
    pack.refresh_from_db()
    if not pack.is_released:
        raise Refused(f"the pack was not released: {_said(response)}")
    outputs = {}
    for label, name in (("pack page", "pack"), ("print view", "pack_print")):
        page = client.get(reverse(f"privacy_requests:{name}", args=[request.pk]))
        assert page.status_code == 200, (name, page.status_code)
        outputs[label] = readable_html(page.content.decode())
    pdf = client.get(reverse("privacy_requests:pack_pdf", args=[request.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    outputs["PDF"] = pdf_text(pdf.content)
    return outputs


def export_output(client, request):
    """The portability export, from the request's reviewed pack."""
    pack_reviewed(client, request)
    response = _post(client, "portability_export", request)
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        raise Refused(f"the export was not given: {_said(response)}")
    return readable_json(response.content.decode())


# Reading the outputs ----------------------------------------------------------------------

_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def _squash(text):
    return re.sub(r"\s+", " ", text).strip().lower()


_ATTRIBUTE = re.compile(r"""\s[\w:-]+\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def readable_html(page):
    """A page's text as a reader sees it, then every attribute value of its tags (a
    title, a value, a label a screen reader reads), lower case, white space squashed."""
    text = html.unescape(_TAGS.sub(" ", page))
    attributes = " ".join(a or b for a, b in _ATTRIBUTE.findall(page))
    return _squash(f"{text} [attributes] {html.unescape(attributes)}")


def readable_json(text):
    """Every key and value of the export, one per line, lower case."""
    lines = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}[{index}]")
        elif value is not None:
            lines.append(f"{path}: {value}")

    walk(json.loads(text), "")
    return "\n".join(line.lower() for line in lines)


_PDF_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj|\[((?:\\.|[^\]])*)\]\s*TJ", re.S)
_PDF_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _pdf_unescape(raw):
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"", b"f": b""}.get(code, code)

    return _PDF_ESCAPE.sub(one, raw).decode("cp1252", "replace")


def pdf_text(data):
    """The text a PDF shows: every string of every text operator of every (inflated)
    content stream, in order, joined by spaces, lower case."""
    streams = []
    for chunk in data.split(b"stream")[1:]:
        body = chunk.split(b"endstream")[0].strip(b"\r\n")
        try:
            streams.append(zlib.decompress(body))
        except zlib.error:
            streams.append(body)
    # The strings outside the streams too: the document's title and other metadata.
    outside = re.sub(rb"stream\r?\n.*?endstream", b"", data, flags=re.S)
    pieces = [_pdf_unescape(raw) for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)", outside)]
    for stream in streams:
        for match in _PDF_STRING.finditer(stream):
            if match.group(1) is not None:
                pieces.append(_pdf_unescape(match.group(1)))
            else:
                strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)", match.group(2))
                pieces += [_pdf_unescape(string) for string in strings]
    return _squash(" ".join(pieces))


def segments(text):
    """``{key: [quoted text as received]}``: what lies between each field's tags."""
    found, stack = {}, []
    for match in _TAG.finditer(text):
        if match.group(1) is not None:
            stack.append((int(match.group(1)), match.end()))
        elif stack:
            number = int(match.group(2))
            while stack:
                opened, start = stack.pop()
                if opened == number:
                    found.setdefault(PLANTED[number], []).append(text[start : match.start()])
                    break
    return found


def is_free_text(model_field):
    return isinstance(model_field, (models.CharField, models.TextField)) and not (
        model_field.choices or isinstance(model_field, models.EmailField)
    )
