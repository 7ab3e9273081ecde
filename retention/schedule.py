"""The retention schedule's fixed parts: the rule keys, what starts each clock and what
happens when it runs out. These are code; the periods and the policy's wording are data
(``retention.models.Rule``), which the manager may change.

Periods are whole months. Adding months keeps the day of the month, or takes the last day
of a shorter month (31 August plus six months is 28 February), and a record is due on the
day its period ends.
"""

import datetime

from django.db import models

from centre.dates import add_months


class RuleKey(models.TextChoices):
    CONTACT_COURT = "contact-court", "Contact with a court order or Cafcass involvement"
    CONTACT_SELF = "contact-self", "Self-referred supported contact"
    HR_FILE = "hr-file", "HR files"
    PARENTAL_LEAVE = "parental-leave", "Parental leave"
    DBS_CERTIFICATE = "dbs-certificate", "DBS certificates"
    FINANCE = "finance", "Finance records"
    STAFF_OTHER = "staff-other", "Other staff information"
    CHILD_SAFEGUARDING = "child-safeguarding", "Accidents and safeguarding about a child"
    COMPLAINT = "complaint", "Complaints about the use of personal data"
    PRIVACY_REQUEST = "privacy-request", "Privacy requests and their responses"
    ADULT_ACCIDENT = "adult-accident", "Accidents to adults"
    ADULT_INCIDENT = "adult-incident", "Safeguarding incidents about no child"
    DORMANT_CASE = "dormant-case", "Open cases with no activity"


class Action(models.TextChoices):
    DISPOSE = "dispose", "Dispose of"
    STRIP = "strip", "Destroy the certificate copy"
    REVIEW = "review", "Review"


# What starts each rule's clock, in the words the queue and the rules page use.
TRIGGERS = {
    RuleKey.CONTACT_COURT: "the case's closure",
    RuleKey.CONTACT_SELF: "the case's closure",
    RuleKey.HR_FILE: "the end of employment or volunteering",
    RuleKey.PARENTAL_LEAVE: "the child's birth or adoption",
    RuleKey.DBS_CERTIFICATE: "the date of the check",
    RuleKey.FINANCE: "the end of the (last) financial year the record relates to",
    RuleKey.STAFF_OTHER: "the date the document was last used",
    RuleKey.CHILD_SAFEGUARDING: "the child's date of birth (a review, never disposal)",
    RuleKey.COMPLAINT: "the day the complaint's outcome was given",
    RuleKey.PRIVACY_REQUEST: "the day the request was closed",
    RuleKey.ADULT_ACCIDENT: "the day of the accident",
    RuleKey.ADULT_INCIDENT: "the day the incident was closed",
    RuleKey.DORMANT_CASE: "the last thing recorded on the open case (a review, never disposal)",
}

ACTIONS = {
    RuleKey.CONTACT_COURT: Action.DISPOSE,
    RuleKey.CONTACT_SELF: Action.DISPOSE,
    RuleKey.HR_FILE: Action.DISPOSE,
    RuleKey.PARENTAL_LEAVE: Action.DISPOSE,
    RuleKey.DBS_CERTIFICATE: Action.STRIP,
    RuleKey.FINANCE: Action.DISPOSE,
    RuleKey.STAFF_OTHER: Action.DISPOSE,
    RuleKey.CHILD_SAFEGUARDING: Action.REVIEW,
    RuleKey.COMPLAINT: Action.DISPOSE,
    RuleKey.PRIVACY_REQUEST: Action.DISPOSE,
    RuleKey.ADULT_ACCIDENT: Action.DISPOSE,
    RuleKey.ADULT_INCIDENT: Action.DISPOSE,
    RuleKey.DORMANT_CASE: Action.REVIEW,
}


def last_start_due_by(as_of: datetime.date, months: int) -> datetime.date:
    """The latest clock start whose period has ended by ``as_of``.

    Adding months never moves a later date before an earlier one, so the starts due by
    ``as_of`` are exactly those on or before this date: the database compares one indexed
    column with one date, and agrees with ``add_months`` on every day, month ends included.
    """
    start = add_months(as_of, -months)
    # A shorter month gathers several starts onto its last day: take the last of them.
    while add_months(start + datetime.timedelta(days=1), months) <= as_of:
        start += datetime.timedelta(days=1)
    return start


def describe_period(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{months} month" if months == 1 else f"{months} months"
