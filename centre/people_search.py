"""Staff members found for the person picker (``core.picker``): by name (each word the
start of a first or last name, accents and case aside), date of birth or reference
(``ST-0004`` or a former one). One query, whatever the number of matches."""

import re

from django.db.models import Q

from core.picker import Folded, Found, PeopleSource

from .models import StaffMember


def staff_search(terms, kinds, within, limit):
    parts = []
    for word in terms.folded_words:
        part = Q(folded_first__startswith=word) | Q(folded_last__startswith=word)
        parts.append(part if not parts else parts.pop() & part)
    if terms.date:
        parts.append(Q(date_of_birth=terms.date))
    own = re.fullmatch(r"ST-0*(\d{1,9})", terms.reference)
    if own:
        parts.append(Q(pk=int(own.group(1))))
    if terms.reference and not terms.words:
        parts.append(Q(former_reference__iexact=terms.text))
    if not parts:
        return []
    match = parts[0]
    for part in parts[1:]:
        match |= part
    staff = StaffMember.objects.annotate(
        folded_first=Folded("first_name"), folded_last=Folded("last_name")
    ).filter(match)
    if "staff" in within:
        staff = staff.filter(pk__in=within["staff"])
    staff = staff.order_by("last_name", "first_name", "pk")[:limit]
    return [staff_describe("staff", member) for member in staff]


def staff_describe(kind, member):
    return Found(
        kind="staff",
        pk=member.pk,
        name=f"{member.first_name} {member.last_name}",
        role=f"staff member ({member.job_title or member.get_role_display().lower()})",
        reference=member.reference,
        date_of_birth=member.date_of_birth,
    )


SOURCE = PeopleSource(
    kinds=("staff",),
    search=staff_search,
    load=lambda kind, pk: StaffMember.objects.filter(pk=pk).first(),
    describe=staff_describe,
)
