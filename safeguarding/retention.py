"""What safeguarding declares to the retention engine.

- The ``safeguarding`` and ``legal`` holds: every standing ``Hold``, by its scope (a case,
  an adult or a staff member).
- ``child-safeguarding``: each safeguarding incident about a child, and each accident book
  entry about a child, comes up for review when the (youngest) child turns 25. Nothing
  is disposed of unless the manager, having reviewed it, approves.
"""

from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce, NullIf

from retention.purge import purge
from retention.registry import (
    HoldProvider,
    Retainable,
    ids_in,
    own_reference,
    register,
    register_hold,
)

from .models import Accident, Hold, Incident, IncidentChild


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


register(
    Retainable(
        kind="incident",
        rule="child-safeguarding",
        records=lambda: Incident.objects.all(),
        clock=Max("children__date_of_birth"),
        ref=Coalesce(NullIf("case_reference", Value("")), own_reference("SI")),
        held=_incident_held,
        dispose=_dispose_after_review,
        summary=lambda row: (
            f"Safeguarding incident of {row['occurred_on']:%d/%m/%Y}: "
            "the child it is about has turned 25"
        ),
        summary_fields=("occurred_on",),
        label="Safeguarding incident",
    )
)
register(
    Retainable(
        kind="incident",
        rule="child-safeguarding",
        records=lambda: Accident.objects.filter(
            about_child=True, person_date_of_birth__isnull=False
        ),
        clock="person_date_of_birth",
        ref=Coalesce(NullIf("case_reference", Value("")), own_reference("AC")),
        held=_accident_held,
        dispose=_dispose_after_review,
        summary=lambda row: (
            f"Accident book entry of {row['occurred_at']:%d/%m/%Y}: "
            "the child it is about has turned 25"
        ),
        summary_fields=("occurred_at",),
        label="Accident book entry",
    )
)


# Personal data, for privacy requests ---------------------------------------------------
# Neither has an edit page: safeguarding records are corrected by a further entry.

from retention.registry import PersonalData, register_personal_data  # noqa: E402


def _with_case(prefix, pk, case_reference):
    own = f"{prefix}-{pk:04d}"
    return f"{own} of {case_reference}" if case_reference else own


register_personal_data(
    PersonalData(
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
    )
)
register_personal_data(
    PersonalData(
        kind="Safeguarding incident child",
        records=lambda: IncidentChild.objects.select_related("incident"),
        describe=lambda child: _with_case("SI", child.incident_id, child.incident.case_reference),
        name_fields=("name",),
        dob_fields=("date_of_birth",),
        pack_fields=(
            ("name", "Name"),
            ("date_of_birth", "Date of birth"),
        ),
    )
)
