"""Writes about supervised contact reports before they go out: writing one, changing a
draft, and keeping its distribution list. Each is one transaction. Checking and sending
are ``attendance.services.report_check`` and ``report_send``.

A report may reach either parent, and an adult's contact details may be confidential
from the other party, so a report never holds an address, a postcode, a phone number or
an e-mail address: each write looks for them and refuses, without repeating what it found.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from centre.identifiers import Matcher
from centre.services import record_save
from referrals.identifiers import never_disclose_phrases

from .models import Booking, ContactSession, ReportRecipient, SupervisedReport

# What a report's author writes; everything else is set by the services.
CONTENT_FIELDS = (
    "who_attended",
    "started_at",
    "ended_at",
    "observations",
    "concerns",
    "court_ordered",
)

_CONTACT_PATTERNS = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # A UK postcode as it is usually written, "SW1A 1AA" (in capitals: "the A1 2nd exit"
    # is not one). The family's own postcodes are also looked for in any case.
    ("a postcode", re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")),
    # A UK phone number: 0 or +44, then ten digits or so with spaces or dashes.
    ("a phone number", re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|\b0)\d(?:[\s-]?\d){8,9}\b")),
)

_MIN_ADDRESS_PART = 8  # "Flat 3" is too common to be telling
_MIN_PHONE_DIGITS = 7
_HOUSE_NUMBER = re.compile(r"^(?:flat|apartment|unit)?\s*\d+[a-z]?\b[\s,]*", re.I)


def _digits(text):
    return re.sub(r"\D", "", text)


def _street_parts(address):
    """The telling parts of an address, in lower case: each part with a number in it
    ("17 hawthorn crescent") and its street without the number ("hawthorn crescent").
    Town and county names are left out: "Family Court at Millbrook" is a fine name."""
    parts = set()
    for part in address.replace(",", "\n").splitlines():
        part = " ".join(part.lower().split())
        if not any(char.isdigit() for char in part):
            continue
        if len(part) >= _MIN_ADDRESS_PART:
            parts.add(part)
        street = _HOUSE_NUMBER.sub("", part)
        if len(street.split()) >= 2:
            parts.add(street)
    return parts


def _family_details(case):
    """The family's own street addresses, postcodes and phone numbers, in the forms they
    are looked for: addresses in lower case, postcodes without spaces in capitals, phone
    numbers as digits."""
    lines, postcodes, phones = set(), set(), set()
    for adult in case.adults.all():
        lines |= _street_parts(adult.address)
        if adult.postcode.strip():
            postcodes.add(adult.postcode.replace(" ", "").upper())
        for phone in (adult.phone, adult.phone_other):
            if len(_digits(phone)) >= _MIN_PHONE_DIGITS:
                phones.add(_digits(phone))
    return lines, postcodes, phones


def contact_details_problems(*, texts: dict[str, str], case) -> dict[str, str]:
    """``{field: problem}`` for each text holding what looks like contact details, or the
    address, postcode or phone number of an adult of ``case``. The problem names the kind
    of detail, never the detail itself."""
    lines, postcodes, phones = _family_details(case)
    never = Matcher()
    for adult in case.adults.all():
        for phrase in never_disclose_phrases(adult):
            never.add_phrase(phrase, "never to reach the other party")
    problems = {}
    for field, text in texts.items():
        if not text:
            continue
        found = [label for label, pattern in _CONTACT_PATTERNS if pattern.search(text)]
        squashed, digits = text.replace(" ", "").upper(), _digits(text)
        if "a postcode" not in found and any(code in squashed for code in postcodes):
            found.append("a postcode")
        if "a phone number" not in found and any(phone in digits for phone in phones):
            found.append("a phone number")
        if any(line in " ".join(text.lower().split()) for line in lines):
            found.append("an address")
        if found:
            problems[field] = (
                f"This seems to contain {' and '.join(found)}. A report never holds "
                "addresses, postcodes, phone numbers or e-mail addresses: take it out."
            )
        elif never.finds(text):
            problems[field] = (
                "This contains words a parent asked the centre never to let reach the other "
                "party (see 'Never to reach the other party' on the case): take them out."
            )
    return problems


def _refuse_contact_details(report: SupervisedReport, case):
    problems = contact_details_problems(
        texts={
            name: getattr(report, name) for name in ("who_attended", "observations", "concerns")
        },
        case=case,
    )
    if problems:
        raise ValidationError(problems)


def _refuse_unless_draft(report: SupervisedReport, doing: str):
    if report.status != SupervisedReport.Status.DRAFT:
        raise ValidationError(
            f"This report is {report.get_status_display().lower()}, so it can no longer be "
            f"{doing}. Nothing has changed."
        )


@transaction.atomic
def report_create(*, report: SupervisedReport, actor) -> SupervisedReport:
    """Write the report of a supervised session, as a draft by ``actor``. One report per
    booking, and only once the session has taken place."""
    booking = (
        Booking.objects.select_for_update()
        .select_related("session", "case")
        .get(pk=report.booking_id)
    )
    session = booking.session
    if session.kind != ContactSession.Kind.SUPERVISED:
        raise ValidationError(
            f"The session of {session} is {session.get_kind_display().lower()}: reports are "
            "written for supervised contact only."
        )
    if session.date > timezone.localdate():
        raise ValidationError(
            f"The session of {session.date:%d/%m/%Y} has not taken place yet: write its "
            "report afterwards."
        )
    if SupervisedReport.objects.filter(booking=booking).exists():
        raise ValidationError("This session already has a report: change that one instead.")
    _refuse_contact_details(report, booking.case)
    report.booking = booking
    report.author = actor
    report.status = SupervisedReport.Status.DRAFT
    report.checked_by = report.checked_at = report.sent_by = report.sent_at = None
    try:
        with transaction.atomic():
            return record_save(record=report, actor=actor)
    except IntegrityError:  # another report for the booking, saved at the same moment
        raise ValidationError(
            "This session already has a report: change that one instead."
        ) from None


@transaction.atomic
def report_update(*, report: SupervisedReport, actor) -> SupervisedReport:
    """Save the author's fields of a draft. Once checked or sent, a report is what was
    checked or sent: it cannot change. Only the content fields are taken from ``report``,
    so nothing can set its status, author or checker this way."""
    stored = (
        SupervisedReport.objects.select_for_update()
        .select_related("booking__case")
        .get(pk=report.pk)
    )
    _refuse_unless_draft(stored, "changed")
    for name in CONTENT_FIELDS:
        setattr(stored, name, getattr(report, name))
    _refuse_contact_details(stored, stored.booking.case)
    return record_save(record=stored, actor=actor)


def _report_for_list_change(report_id) -> SupervisedReport:
    report = (
        SupervisedReport.objects.select_for_update().select_related("booking").get(pk=report_id)
    )
    if report.status == SupervisedReport.Status.SENT:
        raise ValidationError(
            "This report has been sent, so its distribution list can no longer change. "
            "Nothing has changed."
        )
    return report


@transaction.atomic
def report_recipient_add(*, recipient: ReportRecipient, actor) -> ReportRecipient:
    """Add someone to a report's distribution list, while the report is not yet sent. A
    parent may be linked to an adult of the report's own family, and to no one else's;
    a parent linked without a name is listed under the adult's name."""
    report = _report_for_list_change(recipient.report_id)
    recipient.report = report
    errors = {}
    adult = recipient.adult
    if adult is not None:
        if recipient.kind != ReportRecipient.Kind.PARENT:
            errors["adult"] = "Only a parent is linked to an adult of the family."
        elif adult.case_id != report.booking.case_id:
            errors["adult"] = "That adult is not part of this family."
        elif not recipient.name.strip():
            recipient.name = adult.full_name
    recipient.name = recipient.name.strip()
    if not recipient.name:
        errors["name"] = "Give the name of the person or organisation."
    if recipient.name:
        problems = contact_details_problems(
            texts={"name": recipient.name}, case=report.booking.case
        )
        if problems:
            errors["name"] = "Give only a name: " + problems["name"]
    if errors:
        raise ValidationError(errors)
    if report.recipients.filter(kind=recipient.kind, name__iexact=recipient.name).exists():
        raise ValidationError(
            f"{recipient.name} ({recipient.get_kind_display()}) is on the distribution list "
            "already."
        )
    return record_save(record=recipient, actor=actor)


@transaction.atomic
def report_recipient_remove(*, recipient: ReportRecipient, actor) -> None:
    """Take someone off a report's distribution list, while the report is not yet sent
    (once sent, the list is the record of who received it)."""
    _report_for_list_change(recipient.report_id)
    recipient._history_user = actor
    recipient.delete()
