"""The centre's records, and the samples of the URLs that point at them."""

ORDER = 10


def build(world):
    from tests.factories import (
        DBSCheckFactory,
        FinanceRecordFactory,
        ParentalLeaveFactory,
        StaffDocumentFactory,
        StaffMemberFactory,
        pdf_file,
    )

    world.staff_member = staff_member = StaffMemberFactory()
    world.dbs_check = DBSCheckFactory(staff_member=staff_member, certificate_copy=pdf_file())
    world.staff_document = StaffDocumentFactory(staff_member=staff_member, file=pdf_file())
    world.parental_leave = ParentalLeaveFactory(staff_member=staff_member)
    world.finance_record = FinanceRecordFactory(file=pdf_file())


SAMPLES = {
    "password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "set-password"},
    "centre:staff_detail": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_edit": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_access": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_sessions_end": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_two_factor_reset": lambda world: {"pk": world.staff_member.pk},
    "centre:dbs_check_create": lambda world: {"pk": world.staff_member.pk},
    "centre:dbs_check_edit": lambda world: {"pk": world.dbs_check.pk},
    "centre:dbs_certificate_download": lambda world: {"pk": world.dbs_check.pk},
    "centre:staff_document_create": lambda world: {"pk": world.staff_member.pk},
    "centre:staff_document_edit": lambda world: {"pk": world.staff_document.pk},
    "centre:staff_document_download": lambda world: {"pk": world.staff_document.pk},
    "centre:parental_leave_create": lambda world: {"pk": world.staff_member.pk},
    "centre:parental_leave_edit": lambda world: {"pk": world.parental_leave.pk},
    "centre:finance_edit": lambda world: {"pk": world.finance_record.pk},
    "centre:finance_download": lambda world: {"pk": world.finance_record.pk},
}
