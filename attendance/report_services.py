"""Writes about supervised contact reports before they go out: writing one, changing a
draft, marking it ready for checking (or withdrawing it), returning it to its author with
comments, and keeping its distribution list. Each is one transaction. Checking and sending
are ``attendance.services.report_check`` and ``report_send``.

The check moves: the author marks a draft ready; everyone else who may check reports is
told by an e-mail naming no one; a checker checks it (it is then frozen) or returns it to
a draft with comments, and the author is told either way, again naming no one. A report
not sent within ``REPORT_TARGET_WORKING_DAYS`` working days of its session is overdue.

A report may reach either parent, and an adult's contact details may be confidential
from the other party, so a report never holds an address, a postcode, a phone number or
an e-mail address: each write looks for them and refuses, without repeating what it found.
"""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from centre.dates import add_working_days
from centre.identifiers import Matcher
from centre.models import User
from centre.services import record_save
from referrals.identifiers import never_disclose_phrases

from .models import Booking, ContactSession, ReportRecipient, SupervisedReport

logger = logging.getLogger(__name__)

Status = SupervisedReport.Status
CHECK_PERMISSION = ("attendance", "check_supervisedreport")
READY_SUBJECT = "Handover: a supervised contact report is ready for checking"
AUTHOR_SUBJECTS = {
    "checked": "Handover: your supervised contact report has been checked",
    "returned": "Handover: your supervised contact report has been returned to you",
}

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
    report.ready_at = report.returned_by = report.returned_at = None
    report.return_comments = ""
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


# The time a report may take.


def report_target_working_days() -> int:
    return settings.REPORT_TARGET_WORKING_DAYS


def report_due_on(session_date: datetime.date) -> datetime.date:
    """The last day a report of a session held on ``session_date`` is on time: the
    centre's target in working days (England and Wales) after the session."""
    return add_working_days(session_date, report_target_working_days())


def report_is_overdue(*, session_date: datetime.date, status: str, today: datetime.date) -> bool:
    """A report (or a session's missing report) not yet sent after its due day."""
    return status != Status.SENT and today > report_due_on(session_date)


def overdue_session_dates_before(today: datetime.date) -> datetime.date:
    """The latest session date whose report is overdue ``today``: a report of a session on
    or before it is overdue until sent. Lets a list filter overdue reports in SQL."""
    day = today - datetime.timedelta(days=1)
    while report_due_on(day) >= today:
        day -= datetime.timedelta(days=1)
    return day


# The check.


def report_checkers(*, author_id=None):
    """The active accounts that may check a report, other than its author, with an
    e-mail address."""
    permission = Permission.objects.filter(
        content_type__app_label=CHECK_PERMISSION[0], codename=CHECK_PERMISSION[1]
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
            | Q(is_superuser=True)
        )
        .exclude(pk=author_id)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _link(report, request):
    url = reverse("attendance:report_detail", args=[report.pk])
    return request.build_absolute_uri(url) if request is not None else url


def _send(*, subject, template, link, emails, report_id):
    """The e-mails name no one: no child, no family, no author. A failure is logged by
    the report's id; the report shows on the home pages whatever happens here."""
    body = render_to_string(template, {"link": link})
    for email in emails:
        try:
            send_mail(subject, body, None, [email])
        except Exception:  # the next person must still be told
            logger.exception("report-notification-failed report=%s", report_id)


def _tell_checkers(*, report_id, author_id, link):
    emails = list(report_checkers(author_id=author_id).values_list("email", flat=True))
    _send(
        subject=READY_SUBJECT,
        template="attendance/report_ready_email.txt",
        link=link,
        emails=emails,
        report_id=report_id,
    )


def tell_author_on_commit(report: SupervisedReport, what: str, *, request=None):
    """Once the change is committed, tell the author their report was ``what``
    ("checked" or "returned")."""
    link = _link(report, request)
    report_id, author_id = report.pk, report.author_id

    def tell():
        email = User.objects.filter(pk=author_id, is_active=True).values_list("email", flat=True)
        _send(
            subject=AUTHOR_SUBJECTS[what],
            template=f"attendance/report_{what}_email.txt",
            link=link,
            emails=[e for e in email if e],
            report_id=report_id,
        )

    transaction.on_commit(tell)


def _locked(report) -> SupervisedReport:
    return (
        SupervisedReport.objects.select_for_update()
        .select_related("booking__case")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_mark_ready(*, report: SupervisedReport, actor, request=None) -> SupervisedReport:
    """The author marks their draft ready for checking; everyone else who may check
    reports is told once it is saved. The checker's comments of an earlier return are
    kept in the history and no longer shown."""
    report = _locked(report)
    if report.author_id != actor.pk:
        raise ValidationError("Only the report's author can mark it ready for checking.")
    _refuse_unless_draft(report, "marked ready for checking")
    _refuse_contact_details(report, report.booking.case)
    report.status = Status.READY
    report.ready_at = timezone.now()
    report.return_comments = ""
    record_save(record=report, actor=actor)
    link = _link(report, request)
    report_id, author_id = report.pk, report.author_id
    transaction.on_commit(
        lambda: _tell_checkers(report_id=report_id, author_id=author_id, link=link)
    )
    return report


@transaction.atomic
def report_withdraw(*, report: SupervisedReport, actor) -> SupervisedReport:
    """The author takes back a report marked ready, while nobody has checked it: it is a
    draft again."""
    report = _locked(report)
    if report.author_id != actor.pk:
        raise ValidationError("Only the report's author can withdraw it.")
    if report.status != Status.READY:
        raise ValidationError(
            f"This report is {report.get_status_display().lower()}, so it cannot be "
            "withdrawn. Nothing has changed."
        )
    report.status = Status.DRAFT
    report.ready_at = None
    return record_save(record=report, actor=actor)


@transaction.atomic
def report_return(
    *, report: SupervisedReport, comments: str, actor, request=None
) -> SupervisedReport:
    """A checker other than the author returns a report marked ready to its author, with
    what to change: it is an editable draft again, the comments shown to the author until
    they mark it ready again. The author is told by an e-mail naming no one."""
    report = _locked(report)
    if report.author_id == actor.pk:
        raise ValidationError("A report must be checked by someone other than its author.")
    if report.status != Status.READY:
        raise ValidationError(
            f"This report is {report.get_status_display().lower()}: only a report marked "
            "ready for checking can be returned. Nothing has changed."
        )
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Say what the author should change."})
    report.status = Status.DRAFT
    report.ready_at = None
    report.returned_by = actor
    report.returned_at = timezone.now()
    report.return_comments = comments
    record_save(record=report, actor=actor)
    tell_author_on_commit(report, "returned", request=request)
    return report
