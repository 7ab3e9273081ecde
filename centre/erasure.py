"""What a member of staff can ask to have erased: their file, once the law no longer
requires the centre to keep it. HR records are kept for six years after employment or
volunteering ends (a legal obligation), so until then the file is kept, with that
reason recorded; holds keep it too (``retention.erasure``)."""

from django.utils import timezone

from centre.dates import add_months
from retention.erasure import Erasable, register_erasable
from retention.models import Rule
from retention.registry import ids_in

from .models import StaffMember
from .retention import staff_file_dispose


def _exemptions(member):
    if member.ended_on is None:
        return ["They still work at the centre: their HR file is needed"]
    months = Rule.objects.get(key="hr-file").period_months
    keep_until = add_months(member.ended_on, months)

    if timezone.localdate() < keep_until:
        return [
            "A legal obligation: HR records are kept until "
            f"{keep_until:%d/%m/%Y}, six years after their last day"
        ]
    return []


register_erasable(
    Erasable(
        subject="staff-member",
        kind="staff",
        records=lambda: StaffMember.objects.all(),
        rule=lambda member: "hr-file",
        ref=lambda member: member.reference,
        summary="A staff member's HR file",
        held=lambda subjects: ids_in(subjects, "staff-member", "pk"),
        exemptions=_exemptions,
        dispose=staff_file_dispose,
    )
)
