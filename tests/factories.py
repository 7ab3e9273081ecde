import datetime

import factory
from django.core.files.base import ContentFile

from centre.models import (
    CentreProfile,
    DBSCheck,
    FinanceRecord,
    ParentalLeave,
    StaffDocument,
    StaffMember,
)

PDF_BYTES = b"%PDF-1.4\n%fictional test document\n%%EOF\n"
# A real 1 by 1 pixel PNG: uploads are checked by libmagic, which wants the image header,
# not only the first eight bytes.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\xb18\xf6\x14\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def pdf_file(name="document.pdf"):
    return ContentFile(PDF_BYTES, name=name)


class CentreProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreProfile

    name = "Larchwood Child Contact Centre"
    address = "The Old School Room\n4 Willow Walk\nLarchwood"
    postcode = "LW1 4AA"
    phone = "01632 960 555"
    email = "office@larchwood-contact.example.test"
    controller_name = "Alice Mercer"
    controller_role = "Centre Manager"
    ico_registration_number = "ZB111111"


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    first_name = factory.Sequence(lambda n: f"Fictional{n}")
    last_name = "Person"
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@example.test")
    role = "volunteer"
    paid = False
    started_on = datetime.date(2024, 4, 1)


class DBSCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DBSCheck

    staff_member = factory.SubFactory(StaffMemberFactory)
    checked_on = datetime.date(2024, 3, 1)
    certificate_number = factory.Sequence(lambda n: f"{n:012d}")
    level = "enhanced"
    decision = "cleared"


class StaffDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffDocument

    staff_member = factory.SubFactory(StaffMemberFactory)
    category = "training"
    title = "Safeguarding induction"
    last_used_on = datetime.date(2025, 1, 10)


class ParentalLeaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentalLeave

    staff_member = factory.SubFactory(StaffMemberFactory)
    starts_on = datetime.date(2025, 2, 1)
    child_born_on = datetime.date(2025, 1, 28)


class FinanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinanceRecord

    description = factory.Sequence(lambda n: f"Payroll summary {n}")
    category = "payroll"
    financial_year_end = datetime.date(2025, 3, 31)
