"""Who else is in a response pack, and how to find them in it.

For a privacy request, every person around the requester's records other than the
requester is gathered with everything the centre holds that identifies them
(``centre.identifiers``): the other adults of each case (a confidential adult's details
and the phrases she asked never to reach the other party above all), the children where
the requester has no right to their data, the person who referred the case, the staff and
volunteers who worked with the family, the people reports went to, and the people named in
the other adults' collection lists and emergency contacts. The pack runs every value it
holds through the matcher this builds, whatever the field.
"""

import re

from centre.identifiers import Identifiers, Matcher
from referrals.identifiers import CONFIDENTIAL_ADULT, adult_identifiers

CHILD = "A child the requester has no right to see data about"
REFERRER = "The person who referred the case"
STAFF_NAME = "A staff member's name"
RECIPIENT = "Someone a report was sent to"
NAMED_BY_OTHER = "Someone another adult named to the centre"

_NAME_RUN = re.compile(r"\b[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+)+\b")
_PHONE_RUN = re.compile(r"(?:\+|\b0)[\d\s\-().]{8,}\d")


def case_of(record):
    """The case a record belongs to, where it belongs to one."""
    for path in ("case", "booking.case", "report.booking.case", "incident.case"):
        value = record
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if value is not None and value.__class__.__name__ == "Case":
            return value
    return None


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def named_in_free_text(text, *, reason, confidential=False) -> Identifiers:
    """The people a free-text list names ("Grandma June Oakes, 07700 900321"): each
    line whole, the capitalised names in it, and the phone numbers in it."""
    names, phones, phrases = [], [], []
    for line in _lines(text):
        phrases.append(line)
        names += [run for run in _NAME_RUN.findall(line) if len(run) >= 5]
        phones += _PHONE_RUN.findall(line)
    return Identifiers(
        reason=reason, confidential=confidential, names=names, phones=phones, phrases=phrases
    )


class Requester:
    """Who asked, as far as the records say: the adult, child or staff member of the
    request, or a person named by the requester."""

    def __init__(self, request):
        self.adult = request.subject_adult
        self.child = request.subject_child
        self.staff_member = request.subject_staff_member
        self.name = (getattr(request, "subject_name", "") or "").strip()

    def is_adult(self, adult):
        return self.adult is not None and adult.pk == self.adult.pk

    def has_right_to_children_of(self, case):
        """A parent with parental responsibility may see their children's data in the
        case; a child sees their own."""
        return (
            self.adult is not None
            and self.adult.case_id == case.pk
            and self.adult.has_parental_responsibility
        )

    def is_child(self, child):
        return self.child is not None and child.pk == self.child.pk

    def own_texts(self):
        """The requester's own names, address parts and date of birth as the pack shows
        them: never redacted on their own where someone not hiding shares them (a
        surname, a town, a birthday). A confidential adult's are redacted all the same."""
        texts = []
        for person in (self.adult, self.child, self.staff_member):
            if person is None:
                continue
            first, last = person.first_name, person.last_name
            texts += [first, last, f"{first} {last}", f"{last} {first}", f"{last}, {first}"]
            for line in _lines(getattr(person, "address", "")):
                texts += [line, *(part.strip() for part in line.split(","))]
            born = getattr(person, "date_of_birth", None)
            if born:
                texts += [f"{born:%d/%m/%Y}", born.isoformat()]
        if self.name:
            words = self.name.split()
            texts += [self.name, *words]
        return texts

    def is_named(self, name):
        own = {text.lower() for text in self.own_texts() if text}
        return (name or "").strip().lower() in own


def _staff_of_case(case):
    from django.db.models import Q

    from centre.models import User

    return User.objects.filter(
        Q(pk__in=case.pre_visits.values("conducted_by"))
        | Q(pk__in=case.communications.values("recorded_by"))
        | Q(reports_written__booking__case=case)
    ).distinct()


def _case_people(case, requester):
    from attendance.models import ReportRecipient

    people = []
    for adult in case.adults.all():
        if requester.is_adult(adult):
            continue
        people.append(adult_identifiers(adult))
    right_to_children = requester.has_right_to_children_of(case)
    for child in case.children.all():
        if requester.is_child(child) or right_to_children:
            continue
        people.append(
            Identifiers(
                CHILD,
                names=[(child.first_name, child.last_name)],
                dates_of_birth=[child.date_of_birth],
            )
        )
    referral = getattr(case, "referral", None)
    if (
        referral is not None
        and referral.referrer_name.strip()
        and not requester.is_named(referral.referrer_name)
    ):
        people.append(
            Identifiers(
                REFERRER,
                names=[referral.referrer_name],
                phones=[referral.referrer_phone],
                emails=[referral.referrer_email],
                addresses=[referral.referrer_address],
            )
        )
    staff_names = [user.full_name for user in _staff_of_case(case)]
    staff_names += [
        visit.ground_rules_witnessed_by
        for visit in case.pre_visits.all()
        if visit.ground_rules_witnessed_by.strip()
    ]
    if staff_names:
        people.append(Identifiers(STAFF_NAME, names=staff_names))
    recipients = ReportRecipient.objects.filter(report__booking__case=case)
    for recipient in recipients:
        if requester.adult is not None and recipient.adult_id == requester.adult.pk:
            continue
        if requester.is_named(recipient.name):
            continue
        people.append(Identifiers(RECIPIENT, names=[recipient.name]))
    for visit in case.pre_visits.select_related("adult"):
        if requester.is_adult(visit.adult):
            continue
        confidential = visit.adult.contact_details_confidential
        for text in (visit.who_may_collect, visit.emergency_contact):
            if text.strip():
                people.append(
                    named_in_free_text(
                        text,
                        reason=CONFIDENTIAL_ADULT if confidential else NAMED_BY_OTHER,
                        confidential=confidential,
                    )
                )
    return people


def matcher_for(request, records) -> Matcher:
    """The matcher for a pack answering ``request`` from ``records`` ([(declaration,
    record)]): every other person around those records."""
    requester = Requester(request)
    cases = {}
    for person in (requester.adult, requester.child):
        if person is not None:
            cases[person.case_id] = person.case
    for _declaration, record in records:
        case = case_of(record)
        if case is not None:
            cases[case.pk] = case
    people = []
    for case in cases.values():
        people += _case_people(case, requester)
    return Matcher(people, spared=requester.own_texts())
