"""What a parent or a child can ask to have erased: their own record in a case (an adult
with their pre-visits and consents; a child), not the case, which is the other family
members' too and goes by the schedule.

The centre keeps the record, with the reason recorded, while the case is open (the
contact service needs it), and while records of contact under a court order or with
Cafcass involvement are in their three years (they may be needed for legal
proceedings). Holds (safeguarding, legal) keep it too (``retention.erasure``)."""

from retention.erasure import Erasable, register_erasable
from retention.purge import purge
from retention.registry import ids_in

from .models import Adult, Child, RetentionRule

# Functions ``(adult) -> [model instances]`` another app adds: its records about the
# adult that do not cascade from them (a report's distribution list naming them).
ADULT_ERASURE_EXTRAS = []


def _exemptions(record):
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
    extras = [instance for extra in ADULT_ERASURE_EXTRAS for instance in extra(adult)]
    purge([adult, *extras])


def child_erase(child):
    purge([child])


register_erasable(
    Erasable(
        subject="adult",
        kind="adult",
        records=lambda: Adult.objects.select_related("case"),
        rule=lambda adult: adult.case.retention_rule,
        ref=lambda adult: f"AD-{adult.pk:04d} of {adult.case.display_reference}",
        summary="An adult's own record in a case",
        held=lambda subjects: ids_in(subjects, "case", "case_id") | ids_in(subjects, "adult", "pk"),
        exemptions=_exemptions,
        dispose=adult_erase,
    )
)
register_erasable(
    Erasable(
        subject="child",
        kind="child",
        records=lambda: Child.objects.select_related("case"),
        rule=lambda child: child.case.retention_rule,
        ref=lambda child: f"CH-{child.pk:04d} of {child.case.display_reference}",
        summary="A child's own record in a case",
        held=lambda subjects: ids_in(subjects, "case", "case_id") | ids_in(subjects, "child", "pk"),
        exemptions=_exemptions,
        dispose=child_erase,
    )
)
