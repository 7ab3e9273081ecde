"""The ``ref`` of a record in the interchange format, and finding a record by it.

A record's ref is its former reference where it was imported, otherwise the reference
Handover gave it: what the retention dry run prints, and what a conflict is judged by.
"""

import re

from django.db.models import Q

from centre.models import FinanceRecord, StaffDocument, StaffMember

from ..models import Adult, Case, Child

# Our own references: a prefix and a zero-padded id (StaffMember.reference and
# FinanceRecord.reference). Adults, children and staff documents show none on screen, but
# the format needs one for each, so they get one in the same style.
OWN_PREFIX = {
    StaffMember: "ST",
    FinanceRecord: "FIN",
    StaffDocument: "DOC",
    Adult: "AD",
    Child: "CH",
}


def own_reference(instance) -> str:
    if isinstance(instance, Case):
        return instance.display_reference
    return instance.former_reference or f"{OWN_PREFIX[type(instance)]}-{instance.pk:04d}"


def by_reference(queryset, ref: str):
    """The record of ``queryset`` whose ref is ``ref``, or None."""
    if queryset.model is Case:
        query = Q(former_reference=ref) | Q(former_reference="", reference=ref)
    else:
        query = Q(former_reference=ref)
        prefix = OWN_PREFIX[queryset.model]
        match = re.fullmatch(rf"{prefix}-(\d{{4,}})", ref)
        if match and f"{prefix}-{int(match[1]):04d}" == ref:
            query |= Q(former_reference="", pk=int(match[1]))
    return queryset.filter(query).order_by("pk").first()
