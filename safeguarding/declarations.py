"""What safeguarding declares to the retention engine.

- The ``safeguarding`` and ``legal`` holds: every standing ``Hold``, by its scope (a case,
  an adult or a staff member).
- ``child-safeguarding``: each safeguarding incident about a child, each concern about a
  child and each accident book entry about a child comes up for review when the
  (youngest) child turns 25. Nothing is disposed of unless the manager, having reviewed
  it, approves. Where no date of birth was recorded, the review comes 25 years after the
  day of the record itself: later than the child's 25th birthday, never earlier.
- ``adult-accident``: an accident to anyone else (a parent, a visitor, a member of staff)
  is disposed of three years after the day of the accident.
- ``adult-incident``: an incident about no child (an adult at risk, an allegation
  against a member of staff or a volunteer) is disposed of six years after its closure.
- A concern that led to an incident goes with that incident (the incident is the full
  record of the same matter); a concern about no child goes with its case
  (``CASE_RECORDS``), or, its case already gone, under ``contact-court`` from its date.
- A lifted hold goes with what it held: its case, adult or staff member (``PURGED``), or
  the incident it was placed for. A standing hold stops those disposals anyway.
"""

from django.db.models import Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from centre.models import StaffMember
from core.declarations import (
    HoldProvider,
    Retainable,
    ids_in,
    own_reference,
    register_hold,
)
from core.purge import purge
from referrals.models import Adult, Case

from .models import Accident, Concern, Hold, Incident, IncidentChild


def _standing_holds(kind):
    def subjects():
        standing = Hold.objects.standing().filter(kind=kind)
        return {
            "case": standing.filter(case__isnull=False).values("case_id"),
            "adult": standing.filter(adult__isnull=False).values("adult_id"),
            "staff-member": standing.filter(staff_member__isnull=False).values("staff_member_id"),
        }

    return subjects


register_hold(
    HoldProvider(Hold.Kind.SAFEGUARDING.value, _standing_holds(Hold.Kind.SAFEGUARDING), 1)
)
register_hold(HoldProvider(Hold.Kind.LEGAL.value, _standing_holds(Hold.Kind.LEGAL), 2))


def _incident_held(subjects):
    children = IncidentChild.objects.filter(ids_in(subjects, "child", "child_id"))
    return ids_in(subjects, "case", "case_id") | Q(pk__in=children.values("incident_id"))


def _accident_held(subjects):
    return ids_in(subjects, "case", "case_id") | ids_in(subjects, "child", "child_id")


def _dispose_after_review(record):
    purge([record])


def _local_day(field):
    """The day of a date-time field in the centre's time zone, in SQL."""
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def _local_date(moment):
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def _with_children():
    return Exists(IncidentChild.objects.filter(incident=OuterRef("pk")))


def _led_to_an_incident(other_than=None):
    incidents = Incident.objects.filter(concern=OuterRef("pk"))
    if other_than is not None:
        incidents = incidents.exclude(pk=other_than.pk)
    return Exists(incidents)


def incident_dispose(incident):
    """The incident with what goes with it: the lifted holds placed for it, and the
    concern it was opened from unless another incident was opened from that concern
    too (the concern then goes with the last of them)."""
    holds = Hold.objects.filter(incident=incident, lifted_at__isnull=False)
    concerns = Concern.objects.filter(incidents=incident).exclude(_led_to_an_incident(incident))
    purge([incident, *holds, *concerns])


INCIDENT_REF = Coalesce(NullIf("case_reference", Value("")), own_reference("SI"))
INCIDENT_RETAINED = Retainable(
    kind="incident",
    rule="child-safeguarding",
    records=lambda: Incident.objects.filter(_with_children()),
    # No child's date of birth recorded: 25 years from the incident, never earlier than
    # the child's own 25th birthday.
    clock=Coalesce(Max("children__date_of_birth"), "occurred_on"),
    ref=INCIDENT_REF,
    held=_incident_held,
    dispose=incident_dispose,
    summary=lambda row: (
        f"Safeguarding incident of {row['occurred_on']:%d/%m/%Y}: "
        "the child it is about has turned 25"
    ),
    summary_fields=("occurred_on",),
    label="Safeguarding incident",
)
# An incident about no child: an adult at risk, or an allegation against a member of
# staff or a volunteer. The issue would have an allegation go with that person's HR file,
# but an incident has no link to a staff member: the rule's six years after closure are
# the HR file's own period, standing in for it.
ADULT_INCIDENT_RETAINED = Retainable(
    kind="incident",
    rule="adult-incident",
    records=lambda: Incident.objects.filter(status=Incident.Status.CLOSED).exclude(
        _with_children()
    ),
    clock="closed_on",
    ref=INCIDENT_REF,
    held=_incident_held,
    dispose=incident_dispose,
    summary=lambda row: (
        f"Safeguarding incident about no child, closed on {row['closed_on']:%d/%m/%Y}"
    ),
    summary_fields=("closed_on",),
    label="Safeguarding incident",
)
ACCIDENT_REF = Coalesce(NullIf("case_reference", Value("")), own_reference("AC"))
ACCIDENT_RETAINED = Retainable(
    kind="incident",
    rule="child-safeguarding",
    records=lambda: Accident.objects.filter(about_child=True),
    # An entry about a child with no date of birth (an older entry, or one imported
    # without it): 25 years from the accident, never earlier than the child's own 25th
    # birthday.
    clock=Coalesce("person_date_of_birth", _local_day("occurred_at")),
    ref=ACCIDENT_REF,
    held=_accident_held,
    dispose=_dispose_after_review,
    summary=lambda row: (
        f"Accident book entry of {row['occurred_at']:%d/%m/%Y}: the child it is about has turned 25"
    ),
    summary_fields=("occurred_at",),
    label="Accident book entry",
)
# An accident to anyone else: a parent, a visitor, a member of staff or a volunteer.
ADULT_ACCIDENT_RETAINED = Retainable(
    kind="accident",
    rule="adult-accident",
    records=lambda: Accident.objects.filter(about_child=False),
    clock=_local_day("occurred_at"),
    ref=ACCIDENT_REF,
    held=_accident_held,
    dispose=lambda accident: purge([accident]),
    dispose_many=purge,
    summary=lambda row: f"Accident book entry of {_local_date(row['occurred_at'])}: not a child",
    summary_fields=("occurred_at",),
    label="Accident book entry",
)


def _concern_held(subjects):
    children = Concern.children.through.objects.filter(ids_in(subjects, "child", "child_id"))
    return ids_in(subjects, "case", "case_id") | Q(pk__in=children.values("concern_id"))


# A concern is about a child when children were chosen when it was raised: its copies of
# their names and of the youngest one's date of birth say so after the links have gone.
CONCERN_ABOUT_A_CHILD = (
    ~Q(children_names="")
    | Q(youngest_child_born_on__isnull=False)
    | Q(Exists(Concern.children.through.objects.filter(concern_id=OuterRef("pk"))))
)


def _concerns_on_their_own():
    """Concerns that led to no incident: one that did goes with the incident."""
    return Concern.objects.exclude(_led_to_an_incident())


CONCERN_RETAINED = Retainable(
    kind="incident",
    rule="child-safeguarding",
    records=lambda: _concerns_on_their_own().filter(CONCERN_ABOUT_A_CHILD),
    clock=Coalesce("youngest_child_born_on", _local_day("occurred_at")),
    ref=Coalesce(NullIf("case_reference", Value("")), own_reference("SC")),
    held=_concern_held,
    dispose=_dispose_after_review,
    summary=lambda row: (
        f"Safeguarding concern of {_local_date(row['occurred_at'])}: "
        "the child it is about has turned 25"
    ),
    summary_fields=("occurred_at",),
    label="Safeguarding concern",
)


def case_concerns(cases):
    """The concerns about no child that go with these cases (``CASE_RECORDS``)."""
    return list(_concerns_on_their_own().filter(case__in=cases).exclude(CONCERN_ABOUT_A_CHILD))


# A concern about no child whose case went before concerns went with their cases: it is
# what is left of a case disposed of, and goes under the longer of the cases' rules,
# counted from the concern's own date (its case closed later, so it is never early).
ORPHAN_CONCERN_RETAINED = Retainable(
    kind="case",
    rule="contact-court",
    records=lambda: (
        _concerns_on_their_own().filter(case__isnull=True).exclude(CONCERN_ABOUT_A_CHILD)
    ),
    clock=_local_day("occurred_at"),
    ref=Coalesce(NullIf("case_reference", Value("")), own_reference("SC")),
    held=_concern_held,
    dispose=lambda concern: purge([concern]),
    dispose_many=purge,
    summary=lambda row: (
        f"Safeguarding concern of {_local_date(row['occurred_at'])} left by a case disposed of"
    ),
    summary_fields=("occurred_at",),
    label="Safeguarding concern",
)


def lifted_holds_forget(doomed):
    """After a purge that took cases, adults or staff members: the lifted holds on what is
    now gone go too (a standing hold would have stopped the disposal). One query, and
    none for any other purge."""
    if not doomed.keys() & {Case, Adult, StaffMember}:
        return
    gone = Hold.objects.filter(lifted_at__isnull=False, case=None, adult=None, staff_member=None)
    holds = list(gone)
    if holds:
        purge(holds)


# Personal data, for privacy requests ---------------------------------------------------
# Neither has an edit page: safeguarding records are corrected by a further entry.

from core.declarations import PersonalData  # noqa: E402
from referrals.declarations import CONTACT_RULES  # noqa: E402

from .models import IncidentAction  # noqa: E402


def _with_case(prefix, pk, case_reference):
    own = f"{prefix}-{pk:04d}"
    return f"{own} of {case_reference}" if case_reference else own


SAFEGUARDING_RULES = ("child-safeguarding", *CONTACT_RULES)
SAFEGUARDING_PURPOSE = (
    "To protect children and adults at risk: to record concerns and incidents, and to "
    "share them with children's services, the police or the court where the law allows"
)
SAFEGUARDING_BASIS = (
    "Legitimate interests and legal obligations to safeguard children (UK GDPR Article "
    "6(1)(c) and (f)); the safeguarding of children and of individuals at risk (DPA 2018 "
    "Schedule 1 paragraph 18)"
)
SAFEGUARDING_SOURCE = "Centre staff and volunteers, and what people told them"


def _legal_hold_withheld(hold):
    """The reasons for a legal hold: a police request is about crime, anything else
    (a claim, a court's order) the centre's legal advice."""
    if hold.kind != Hold.Kind.LEGAL:
        return {}
    if hold.legal_basis in (Hold.LegalBasis.POLICE_REQUEST, Hold.LegalBasis.SEARCH_WARRANT):
        return {"reason": "crime"}
    return {"reason": "privilege"}


ACCIDENT_PERSONAL_DATA = PersonalData(
    kind="Accident book entry",
    records=lambda: Accident.objects.all(),
    describe=lambda accident: _with_case("AC", accident.pk, accident.case_reference),
    name_fields=("person_name",),
    dob_fields=("person_date_of_birth",),
    pack_fields=(
        ("person_name", "Who was hurt"),
        ("person_date_of_birth", "Date of birth"),
        ("occurred_at", "When"),
        ("where", "Where"),
        ("what_happened", "What happened"),
        ("first_aid_given", "First aid given"),
        ("who_was_told", "Who was told"),
    ),
    links={"child": "child", "case": "case"},
    category="Accidents at the centre",
    purpose="To keep the accident book the law requires, and to care for whoever was hurt",
    lawful_basis="A legal obligation (UK GDPR Article 6(1)(c)); health information "
    "for employment and social protection law (DPA 2018 Schedule 1 paragraph 1)",
    source="The staff member or volunteer who saw to it",
    retention=("child-safeguarding",),
    exemption="third-party",
)
INCIDENT_CHILD_PERSONAL_DATA = PersonalData(
    kind="Safeguarding incident child",
    records=lambda: IncidentChild.objects.select_related("incident"),
    describe=lambda child: _with_case("SI", child.incident_id, child.incident.case_reference),
    name_fields=("name",),
    dob_fields=("date_of_birth",),
    pack_fields=(
        ("name", "Name"),
        ("date_of_birth", "Date of birth"),
        ("incident__occurred_on", "The incident happened on"),
    ),
    links={"child": "child"},
    category="Safeguarding incidents about the child",
    purpose=SAFEGUARDING_PURPOSE,
    lawful_basis=SAFEGUARDING_BASIS,
    source=SAFEGUARDING_SOURCE,
    retention=("child-safeguarding",),
)
CONCERN_PERSONAL_DATA = PersonalData(
    kind="Safeguarding concern",
    records=lambda: Concern.objects.all(),
    describe=lambda concern: _with_case("SC", concern.pk, concern.case_reference),
    pack_fields=(
        ("occurred_at", "When"),
        ("where", "Where"),
        ("what_happened", "What was seen or said"),
        ("others_present", "Who else was there"),
        ("action_taken", "What was done at once"),
        ("status", "Status"),
    ),
    links={"case": "case", "child": "children"},
    category="Safeguarding concerns raised about your family",
    purpose=SAFEGUARDING_PURPOSE,
    lawful_basis=SAFEGUARDING_BASIS,
    source=SAFEGUARDING_SOURCE,
    retention=SAFEGUARDING_RULES,
    # What would tell a requester about someone else (where the other parent now
    # lives, who reported what) is withheld whole, not barred word by word.
    exemption="third-party",
    child_abuse_data=True,
)
INCIDENT_PERSONAL_DATA = PersonalData(
    kind="Safeguarding incident",
    records=lambda: Incident.objects.all(),
    describe=lambda incident: _with_case("SI", incident.pk, incident.case_reference),
    pack_fields=(
        ("occurred_on", "Date it happened"),
        ("type", "Type"),
        ("severity", "Severity"),
        ("status", "Status"),
        ("summary", "What happened"),
        ("action_taken", "What was done at once"),
        ("decision", "Decision"),
        ("decision_reasons", "Reasons for the decision"),
        ("outcome", "Outcome"),
        ("closed_on", "Closed on"),
    ),
    links={"case": "case", "child": "children__child"},
    category="Safeguarding incidents about your family",
    purpose=SAFEGUARDING_PURPOSE,
    lawful_basis=SAFEGUARDING_BASIS,
    source=SAFEGUARDING_SOURCE,
    retention=SAFEGUARDING_RULES,
    exemption="third-party",
    child_abuse_data=True,
)
INCIDENT_ACTION_PERSONAL_DATA = PersonalData(
    kind="Safeguarding incident action",
    records=lambda: IncidentAction.objects.select_related("incident"),
    describe=lambda action: _with_case("SI", action.incident_id, action.incident.case_reference),
    pack_fields=(
        ("kind", "Action"),
        ("taken_on", "Taken on"),
        ("notes", "Notes"),
    ),
    links={"case": "incident__case", "child": "incident__children__child"},
    category="What the centre did about safeguarding incidents",
    purpose=SAFEGUARDING_PURPOSE,
    lawful_basis=SAFEGUARDING_BASIS,
    source=SAFEGUARDING_SOURCE,
    retention=SAFEGUARDING_RULES,
    exemption="third-party",
    child_abuse_data=True,
)
HOLD_PERSONAL_DATA = PersonalData(
    kind="Hold",
    records=lambda: Hold.objects.all(),
    describe=lambda hold: f"Hold {hold.pk} on {hold.scope_label}",
    pack_fields=(
        ("kind", "Kind of hold"),
        ("scope_label", "On"),
        ("legal_basis", "Legal basis"),
        ("reason", "Why it is held"),
        ("placed_at", "Placed on"),
        ("review_on", "Review on"),
        ("lifted_at", "Lifted on"),
    ),
    links={"adult": "adult", "case": "case", "staff-member": "staff_member"},
    category="Holds that keep your records from disposal",
    purpose="To keep records a safeguarding matter, a claim or the law still needs",
    lawful_basis="Legal obligations and the establishment, exercise or defence of legal "
    "claims (UK GDPR Articles 6(1)(c) and 9(2)(f))",
    source="Centre staff",
    retention=SAFEGUARDING_RULES,
    withheld=_legal_hold_withheld,
)


# Records ---------------------------------------------------------------------------------
#
# Each model of safeguarding declared once (``core.declarations.Record``). The order
# matters: the access pack shows its sections in the order the personal data is declared.
# Only the manager's role reads these records; the designated safeguarding lead reads
# them too, whatever their role (``centre.access.requires_or_safeguarding_lead``).

from core.declarations import Copy, GoesWith, Record, declare  # noqa: E402

# The copies a safeguarding record keeps of its case's reference and its children's names
# are kept on purpose: the record outlives the case (retention.traces does not count them).
CONCERN_KEPT = "a concern outlives its case, saying which family and children it was about"
INCIDENT_KEPT = "an incident outlives its case until the youngest child's review at 25"
ACCIDENT_KEPT = "an accident entry outlives its case (about a child: until their review at 25)"

declare(
    Record(
        "safeguarding.accident",
        retention=(ACCIDENT_RETAINED, ADULT_ACCIDENT_RETAINED),
        personal_data=(ACCIDENT_PERSONAL_DATA,),
        read_by=("manager",),
        copies=(
            Copy("case_reference", of="referrals.case", kept=ACCIDENT_KEPT),
            Copy("person_name", of="referrals.child", holds="name", kept=ACCIDENT_KEPT),
        ),
    )
)
declare(
    Record(
        "safeguarding.incidentchild",
        retention=GoesWith("safeguarding.incident", "cascades from its incident"),
        personal_data=(INCIDENT_CHILD_PERSONAL_DATA,),
        read_by=("manager",),
        copies=(Copy("name", of="referrals.child", holds="name", kept=INCIDENT_KEPT),),
    )
)
declare(
    Record(
        "safeguarding.concern",
        # About a child: the review at 25. About no child: it goes with its case
        # (CASE_RECORDS), or under contact-court where its case went first. One that led to
        # an incident goes with the incident (incident_dispose) and has no rule of its own.
        retention=(CONCERN_RETAINED, ORPHAN_CONCERN_RETAINED),
        personal_data=(CONCERN_PERSONAL_DATA,),
        read_by=("manager",),
        copies=(
            Copy("case_reference", of="referrals.case", kept=CONCERN_KEPT),
            Copy("children_names", of="referrals.child", holds="name", kept=CONCERN_KEPT),
        ),
    )
)
declare(
    Record(
        "safeguarding.incident",
        retention=(INCIDENT_RETAINED, ADULT_INCIDENT_RETAINED),
        personal_data=(INCIDENT_PERSONAL_DATA,),
        read_by=("manager",),
        copies=(Copy("case_reference", of="referrals.case", kept=INCIDENT_KEPT),),
    )
)
declare(
    Record(
        "safeguarding.incidentaction",
        retention=GoesWith("safeguarding.incident", "cascades from its incident"),
        personal_data=(INCIDENT_ACTION_PERSONAL_DATA,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "safeguarding.hold",
        retention=GoesWith(
            "referrals.case",
            "a lifted hold goes with what it held: its case, its adult or its staff member "
            "(PURGED, after the purge that takes them), or the incident it was placed for "
            "(incident_dispose). A standing hold stops those disposals",
        ),
        personal_data=(HOLD_PERSONAL_DATA,),
        read_by=("manager",),
    )
)


# Hooks this app fills --------------------------------------------------------------------

from core.declarations import CASE_SECTION, declarations  # noqa: E402

from . import interchange  # noqa: E402

# A case's incidents (accidents and safeguarding incidents) travel with it in the records
# interchange format; referrals imports and exports them through this section, knowing
# nothing of safeguarding.
declarations.add(CASE_SECTION, interchange.section())

from core.declarations import CASE_RECORDS, PURGED  # noqa: E402

declarations.add(CASE_RECORDS, case_concerns)
declarations.add(PURGED, lifted_holds_forget)


# Home cards
# The badge of new concerns tops the manager's and staff's homes; the manager's
# safeguarding figures.
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD  # noqa: E402

from . import cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "new-concerns",
        roles=("manager", "staff"),
        order=10,
        template="home/cards/new_concerns_badge.html",
        figures=cards.new_concerns_badge,
        counts=cards.new_concerns_counts,
    ),
)
declarations.add(
    HOME_CARD,
    Card(
        "safeguarding",
        roles=("manager",),
        order=60,
        template="home/cards/safeguarding.html",
        figures=cards.safeguarding_figures,
        counts=cards.safeguarding_counts,
    ),
)
