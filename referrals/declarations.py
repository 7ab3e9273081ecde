"""The case records the retention schedule covers: each case under its own rule
(``Case.retention_rule``, computed from its referral), disposed of whole.

A case is held when a hold stands on it or on one of its adults, or a privacy request
about one of its adults or children is open. Disposal takes the case with its referral,
people, pre-visits, consents, communications, documents and status history, everything
the other apps hang on it (the ``CASE_RECORDS`` hook), and all their history and files.
Accident and safeguarding records about a child are not part of it: they keep their own
copies and outlive the case.
"""

from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse

from core.declarations import CASE_RECORDS, Retainable, declarations, ids_in
from core.purge import purge

from .models import Adult, Case, Child, RetentionRule


def _closed_cases(rule):
    return lambda: Case.objects.filter(retention_rule=rule, closed_on__isnull=False)


def _case_held(subjects):
    return (
        ids_in(subjects, "case")
        | Q(pk__in=Adult.objects.filter(ids_in(subjects, "adult")).values("case_id"))
        | Q(pk__in=Child.objects.filter(ids_in(subjects, "child")).values("case_id"))
    )


def case_dispose(case):
    cases_dispose([case])


def cases_dispose(cases):
    """Cases disposed of together, with one purge: what other apps hang on them and no
    other case (``CASE_RECORDS``) goes with them."""
    extras = [instance for extra in declarations.get(CASE_RECORDS) for instance in extra(cases)]
    purge([*cases, *extras])


def _case_summary(row):
    status = Case.Status(row["status"]).label.lower()
    return f"Case {status} on {row['closed_on']:%d/%m/%Y}"


# Each case under its own rule, one retainable per rule.
CASE_RETAINED = tuple(
    Retainable(
        kind="case",
        rule=rule.value,
        records=_closed_cases(rule.value),
        clock="closed_on",
        ref=Coalesce(NullIf("former_reference", Value("")), "reference"),
        held=_case_held,
        dispose=case_dispose,
        dispose_many=cases_dispose,
        summary=_case_summary,
        summary_fields=("status", "closed_on"),
        label="Case",
        view_url=lambda pk: reverse("referrals:case_detail", args=[pk]),
    )
    for rule in RetentionRule
)


# Dormant cases ---------------------------------------------------------------------------
#
# An open case (received, accepted, pre-visits or active) with nothing recorded on it for
# the dormant-case rule's period comes to the disposal queue as a review. Approving it
# closes the case, which starts its own rule's clock; postponing it keeps it open until
# the date given. Nothing is deleted.
#
# The last activity is the latest of: the case's own history (its creation, every status
# move, six-monthly review and edit), its status changes, and the history of its
# referral, adults, children, protective orders, pre-visits, consents, communications and
# documents (each added or changed), with the other apps' records on the case
# (``CASE_ACTIVITY``: attendance's bookings, the register and reports). Each is the
# latest row through an index on the case, in the one query the engine makes per rule.

from django.db.models import DateField, DateTimeField, OuterRef, Subquery  # noqa: E402
from django.db.models.functions import Greatest, TruncDate  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.declarations import CASE_ACTIVITY  # noqa: E402

from .models import (  # noqa: E402
    CaseDocument,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
    Referral,
    StatusChange,
)


def latest(queryset, field):
    """The latest ``field`` of ``queryset`` (filtered on ``OuterRef("pk")``), as the day
    it fell on in the centre's time zone: one row through the index."""
    moment = Subquery(
        queryset.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField()
    )
    return TruncDate(moment, tzinfo=timezone.get_default_timezone())


def last_activity():
    """The day of the last thing recorded on the case ``pk``, as an SQL expression."""
    case = OuterRef("pk")
    days = [
        TruncDate("created_at", tzinfo=timezone.get_default_timezone()),
        latest(Case.history.filter(id=case), "history_date"),
        latest(StatusChange.objects.filter(case=case), "changed_at"),
    ]
    for model in (
        Referral,
        Adult,
        Child,
        ProtectiveOrder,
        PreVisit,
        Consent,
        Communication,
        CaseDocument,
    ):
        days.append(latest(model.history.filter(case_id=case), "history_date"))
    for more in declarations.get(CASE_ACTIVITY):
        days.extend(more())
    # PostgreSQL's GREATEST passes over NULLs: a kind of record the case lacks.
    return Greatest(*days, output_field=DateField())


def _dormant_summary(row):
    status = Case.Status(row["status"]).label.lower()
    since = row["retention_clock"]
    return f"Open case (status {status}) with nothing recorded since {since:%d/%m/%Y}"


DORMANT_CLOSURE_REASON = (
    "Closed as dormant after review: nothing was recorded on the case for the period the "
    "retention table sets, and the manager approved its closure in the disposal queue"
)


def dormant_case_close(case):
    """The review approved: the case closes today, with a status change saying why, and
    its own rule's clock starts. Nothing is deleted."""
    from .services import case_close

    case_close(case=case, closed_on=timezone.localdate(), reason=DORMANT_CLOSURE_REASON, actor=None)
    return []


DORMANT_CASE_RETAINED = Retainable(
    kind="case",
    rule="dormant-case",
    records=lambda: Case.objects.open(),
    clock=last_activity,
    ref=Coalesce(NullIf("former_reference", Value("")), "reference"),
    held=_case_held,
    dispose=dormant_case_close,
    summary=_dormant_summary,
    summary_fields=("status",),
    label="Review: dormant case",
    view_url=lambda pk: reverse("referrals:case_detail", args=[pk]),
)


# Personal data, for privacy requests ---------------------------------------------------

from core.declarations import PersonalData  # noqa: E402

CONTACT_RULES = ("contact-court", "contact-self")
CONTACT_PURPOSE = (
    "To provide safe supported or supervised contact between the children and the "
    "parent they do not live with, and to keep everyone safe at the centre"
)
CONTACT_BASIS = (
    "Legitimate interests in running a safe contact service (UK GDPR Article 6(1)(f)); "
    "for information about health or safety, the safeguarding of children and of "
    "individuals at risk (DPA 2018 Schedule 1 paragraph 18)"
)


ADULT_PERSONAL_DATA = PersonalData(
    kind="Adult of a case",
    records=lambda: Adult.objects.select_related("case"),
    describe=lambda adult: f"AD-{adult.pk:04d} of {adult.case.display_reference}",
    name_fields=("first_name", "last_name"),
    dob_fields=("date_of_birth",),
    email_fields=("email",),
    phone_fields=("phone", "phone_other"),
    postcode_fields=("postcode",),
    edit_url=lambda adult: reverse("referrals:adult_edit", args=[adult.pk]),
    pack_fields=(
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("role", "Role in the case"),
        ("relationship", "Relationship to the child"),
        ("date_of_birth", "Date of birth"),
        ("email", "E-mail"),
        ("phone", "Phone"),
        ("phone_other", "Other phone"),
        ("address", "Address"),
        ("postcode", "Postcode"),
        ("has_parental_responsibility", "Parental responsibility"),
        ("contact_details_confidential", "Contact details kept confidential"),
        ("never_disclose", "Words never to reach the other party"),
    ),
    subject="adult",
    links={"adult": "pk"},
    category="Your name, contact details and part in the case",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="You, and the person or organisation that referred your family",
    retention=CONTACT_RULES,
    portable_fields=(
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "phone_other",
        "address",
        "postcode",
    ),
)
CHILD_PERSONAL_DATA = PersonalData(
    kind="Child of a case",
    records=lambda: Child.objects.select_related("case"),
    describe=lambda child: f"CH-{child.pk:04d} of {child.case.display_reference}",
    name_fields=("first_name", "last_name"),
    dob_fields=("date_of_birth",),
    edit_url=lambda child: reverse("referrals:child_edit", args=[child.pk]),
    pack_fields=(
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("date_of_birth", "Date of birth"),
        ("needs", "Needs"),
        ("interests", "Interests"),
    ),
    subject="child",
    links={"child": "pk"},
    category="The child's name, date of birth, needs and interests",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="The child's parents, and the person or organisation that referred the family",
    retention=CONTACT_RULES,
    portable_fields=("first_name", "last_name", "date_of_birth"),
)
CASE_PERSONAL_DATA = PersonalData(
    kind="Case",
    records=lambda: Case.objects.select_related("referral"),
    describe=lambda case: f"Case {case.display_reference}",
    pack_fields=(
        ("display_reference", "Reference"),
        ("status", "Status"),
        ("referral__source", "Referred by"),
        ("referral__received_on", "Referral received on"),
        ("activated_on", "Contact began on"),
        ("next_review_on", "Next review on"),
        ("closed_on", "Closed on"),
        ("closure_reason", "Why it closed"),
        ("declined_reason", "Why it was declined"),
        ("children", "Children"),
    ),
    links={"case": "pk"},
    category="Your family's case: its status, dates and children",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="Centre staff",
    retention=CONTACT_RULES,
)
REFERRAL_PERSONAL_DATA = PersonalData(
    kind="Referral",
    records=lambda: Referral.objects.select_related("case"),
    describe=lambda referral: f"Referral of {referral.case.display_reference}",
    name_fields=("referrer_name",),
    email_fields=("referrer_email",),
    phone_fields=("referrer_phone",),
    edit_url=lambda referral: reverse("referrals:referral_edit", args=[referral.case_id]),
    pack_fields=(
        ("received_on", "Referral received on"),
        ("source", "Referred by"),
        ("source_other", "Referred by (other)"),
        ("referrer_name", "Referrer's name"),
        ("referrer_organisation", "Referrer's organisation"),
        ("referrer_email", "Referrer's e-mail"),
        ("referrer_phone", "Referrer's phone"),
        ("referrer_address", "Referrer's address"),
        ("service", "Service asked for"),
        ("court_order", "There is a court order"),
        ("court_order_type", "Court order"),
        ("court_order_date", "Court order made on"),
        ("cafcass_involved", "Cafcass is involved"),
        ("risk_domestic_abuse", "Risk disclosed: domestic abuse"),
        ("risk_substance_misuse", "Risk disclosed: substance misuse"),
        ("risk_abduction", "Risk disclosed: abduction"),
        ("risk_mental_health", "Risk disclosed: mental health"),
        ("risk_other", "Risk disclosed: other"),
        ("risk_notes", "Notes on the risks disclosed"),
        ("interpreter_needed", "Interpreter needed"),
        ("interpreter_language", "Interpreter's language"),
        ("access_needs", "Access needs"),
        ("frequency_requested", "How often contact was asked for"),
        ("days_requested", "Days asked for"),
        ("notes", "Notes"),
    ),
    links={"case": "case"},
    category="The referral: the service asked for, court orders and risks disclosed",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="The person or organisation that referred your family",
    retention=CONTACT_RULES,
)
PROTECTIVE_ORDER_PERSONAL_DATA = PersonalData(
    kind="Protective order",
    records=lambda: ProtectiveOrder.objects.select_related("case"),
    describe=lambda order: f"Protective order {order.pk} of {order.case.display_reference}",
    name_fields=("names",),
    pack_fields=(
        ("kind", "Order"),
        ("names", "Who it names"),
        ("made_on", "Made on"),
        ("expires_on", "Expires on"),
        ("notes", "Notes"),
    ),
    links={"case": "case"},
    category="Court orders protecting or restraining people of the case",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="The court's order, through the referral or the parents",
    retention=CONTACT_RULES,
)
PRE_VISIT_PERSONAL_DATA = PersonalData(
    kind="Pre-visit",
    records=lambda: PreVisit.objects.select_related("case", "medical_consent"),
    describe=lambda visit: (
        f"Pre-visit of {visit.visited_on:%d/%m/%Y} in {visit.case.display_reference}"
    ),
    pack_fields=(
        ("visited_on", "Pre-visit on"),
        ("ground_rules_agreed_on", "Ground rules agreed on"),
        ("ground_rules_witnessed_by", "Agreement witnessed by"),
        ("arrangements_agreed", "Arrival and departure arrangements agreed"),
        ("arrangements", "Arrival and departure arrangements"),
        ("who_may_collect", "Who may collect the child"),
        ("photo_id_seen", "Photo identification seen"),
        ("medical_needs", "Medical needs and allergies"),
        ("medical_consent__scope", "Consent to record medical needs"),
        ("emergency_contact", "Emergency contact"),
        ("child_interests", "The child's interests"),
        ("risks_disclosed", "Risks disclosed"),
        ("privacy_notice_version", "Privacy notice given"),
        ("notes", "Notes"),
    ),
    links={"adult": "adult", "child": "children"},
    category="Your pre-visit answers: arrangements, who may collect, medical needs, "
    "emergency contacts and risks disclosed",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS + "; medical needs only with your explicit consent",
    source="You, at your pre-visit",
    retention=CONTACT_RULES,
    portable_fields=(
        "visited_on",
        "ground_rules_agreed_on",
        "arrangements_agreed",
        "arrangements",
        "photo_id_seen",
        "privacy_notice_version",
    ),
)
CONSENT_PERSONAL_DATA = PersonalData(
    kind="Consent",
    records=lambda: Consent.objects.select_related("case"),
    describe=lambda consent: (
        f"Consent of {consent.given_on:%d/%m/%Y} in {consent.case.display_reference}"
    ),
    pack_fields=(
        ("scope", "What it covers"),
        ("given_on", "Given on"),
        ("withdrawn_on", "Withdrawn on"),
    ),
    links={"adult": "given_by"},
    category="The consents you gave",
    purpose="To record special category information only with your explicit consent",
    lawful_basis="Your explicit consent (UK GDPR Articles 6(1)(a) and 9(2)(a))",
    source="You",
    retention=CONTACT_RULES,
    portable_fields=("scope", "given_on", "withdrawn_on"),
)
COMMUNICATION_PERSONAL_DATA = PersonalData(
    kind="Communication",
    records=lambda: Communication.objects.select_related("case"),
    describe=lambda communication: (
        f"Communication of {communication.occurred_on:%d/%m/%Y} "
        f"in {communication.case.display_reference}"
    ),
    pack_fields=(
        ("occurred_on", "Date"),
        ("kind", "How"),
        ("direction", "Direction"),
        ("with_whom", "With"),
        ("summary", "Summary"),
    ),
    links={"case": "case"},
    category="Calls, letters, e-mails and meetings about the case",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="Centre staff, from calls, letters, e-mails and meetings",
    retention=CONTACT_RULES,
    # A communication with someone else is about them: all of it is withheld.
    exemption="third-party",
    about_fields=("with_whom",),
)
DOCUMENT_PERSONAL_DATA = PersonalData(
    kind="Document",
    records=lambda: CaseDocument.objects.select_related("case"),
    describe=lambda document: f"Document {document.pk} of {document.case.display_reference}",
    # The stored file's title and kind, never its bytes: a copy of a document is
    # sent separately, once read for other people's data.
    pack_fields=(
        ("kind", "Kind"),
        ("title", "Title"),
        ("uploaded_at", "Added on"),
    ),
    links={"case": "case"},
    category="Documents and court orders on the case file",
    purpose=CONTACT_PURPOSE,
    lawful_basis=CONTACT_BASIS,
    source="Courts, solicitors, the referrer and you",
    retention=CONTACT_RULES,
)


# Erasure ---------------------------------------------------------------------------------

# What a parent or a child can ask to have erased: their own record in a case (an adult
# with their pre-visits and consents; a child), not the case, which is the other family
# members' too and goes by the schedule.
#
# The centre keeps the record, with the reason recorded, while the case is open (the
# contact service needs it), and while records of contact under a court order or with
# Cafcass involvement are in their three years (they may be needed for legal
# proceedings). Holds (safeguarding, legal) keep it too (``retention.erasure``).

from core.declarations import ADULT_RECORDS, Erasable  # noqa: E402


def _exemptions(record, periods):
    case = record.case
    if case.is_open:
        return ["The case is open: its records are needed while contact continues"]
    if case.retention_rule == RetentionRule.CONTACT_COURT:
        return [
            "Contact under a court order or with Cafcass involvement: its records are kept "
            "for three years after the case closed, for legal proceedings"
        ]
    return []


def adult_erase(adult):
    extras = [instance for extra in declarations.get(ADULT_RECORDS) for instance in extra(adult)]
    purge([adult, *extras])


def child_erase(child):
    purge([child])


ADULT_ERASABLE = Erasable(
    subject="adult",
    kind="adult",
    records=lambda: Adult.objects.select_related("case"),
    rule=lambda adult: adult.case.retention_rule,
    ref=lambda adult: f"AD-{adult.pk:04d} of {adult.case.display_reference}",
    summary="An adult's own record in a case",
    held=lambda subjects: ids_in(subjects, "case", "case_id") | ids_in(subjects, "adult", "pk"),
    exemptions=_exemptions,
    dispose=adult_erase,
    view_url=lambda record: reverse("referrals:case_detail", args=[record.case_id]),
)
CHILD_ERASABLE = Erasable(
    subject="child",
    kind="child",
    records=lambda: Child.objects.select_related("case"),
    rule=lambda child: child.case.retention_rule,
    ref=lambda child: f"CH-{child.pk:04d} of {child.case.display_reference}",
    summary="A child's own record in a case",
    held=lambda subjects: ids_in(subjects, "case", "case_id") | ids_in(subjects, "child", "pk"),
    exemptions=_exemptions,
    dispose=child_erase,
    view_url=lambda record: reverse("referrals:case_detail", args=[record.case_id]),
)


# Records ---------------------------------------------------------------------------------
#
# Each model of referrals declared once (``core.declarations.Record``). The order matters:
# the access pack shows its sections in the order the personal data is declared.

from core.declarations import GoesWith, NoPersonalData, Record, declare  # noqa: E402

# Everything of a case but the case itself cascades from it, and goes when its rule
# disposes of the case whole (``case_dispose``).
WITH_THE_CASE = "cascades from its case, which its rule disposes of whole"
CASE = "referrals.case"

declare(
    Record(
        "referrals.adult",
        retention=GoesWith(CASE, f"{WITH_THE_CASE}; the adult may also ask to be erased"),
        personal_data=(ADULT_PERSONAL_DATA,),
        erasable=(ADULT_ERASABLE,),
        # Volunteers see the parents' first names on the register.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "referrals.child",
        retention=GoesWith(CASE, f"{WITH_THE_CASE}; the child may also ask to be erased"),
        personal_data=(CHILD_PERSONAL_DATA,),
        erasable=(CHILD_ERASABLE,),
        # Volunteers see the children's first names on the register.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        CASE,
        retention=(*CASE_RETAINED, DORMANT_CASE_RETAINED),
        personal_data=(CASE_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.referral",
        retention=GoesWith(CASE, WITH_THE_CASE),
        personal_data=(REFERRAL_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.protectiveorder",
        retention=GoesWith(CASE, WITH_THE_CASE),
        personal_data=(PROTECTIVE_ORDER_PERSONAL_DATA,),
        # Volunteers see the names an order gives on the register.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "referrals.previsit",
        retention=GoesWith(CASE, f"{WITH_THE_CASE}, and from its adult when they are erased"),
        personal_data=(PRE_VISIT_PERSONAL_DATA,),
        # Volunteers see a pre-visit's photograph, to know a parent by, on the register.
        read_by=("manager", "staff", "volunteer"),
    )
)
declare(
    Record(
        "referrals.consent",
        retention=GoesWith(CASE, f"{WITH_THE_CASE}, and from its adult when they are erased"),
        personal_data=(CONSENT_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.communication",
        retention=GoesWith(CASE, WITH_THE_CASE),
        personal_data=(COMMUNICATION_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.casedocument",
        retention=GoesWith(CASE, WITH_THE_CASE),
        personal_data=(DOCUMENT_PERSONAL_DATA,),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.statuschange",
        retention=GoesWith(CASE, WITH_THE_CASE),
        read_by=("manager", "staff"),
    )
)
declare(
    Record(
        "referrals.referencecounter",
        retention=NoPersonalData("The last case reference given in each year"),
    )
)


# Home cards
# The manager's cases (counts, referrals waiting, pre-visits and reviews due) and the
# chart of referrals by source; the staff's reviews due.
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD  # noqa: E402

from . import cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "cases",
        roles=("manager", "staff"),
        order=40,
        template="home/cards/cases.html",
        figures=cards.cases,
        counts=cards.case_counts,
    ),
)
declarations.add(
    HOME_CARD,
    Card(
        "referrals-chart",
        roles=("manager",),
        order=92,
        template="home/cards/referrals_chart.html",
        figures=cards.referrals_chart,
    ),
)


# The person picker finds cases, adults and children by name, date of birth or reference.
from core.declarations import PEOPLE_SEARCH  # noqa: E402

from . import people_search  # noqa: E402

declarations.add(PEOPLE_SEARCH, people_search.SOURCE)
