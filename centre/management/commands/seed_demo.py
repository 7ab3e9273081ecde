"""Fill an empty database with a fictional centre, so a newcomer sees every feature.

Every name, address and number here is invented (Ofcom's drama phone numbers, example.org
e-mail addresses, fictional streets). Later issues extend this command with their own
records.
"""

import base64
import datetime
import io
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_totp.models import TOTPDevice

from centre import two_factor
from centre.models import (
    CentreProfile,
    DBSCheck,
    FinanceRecord,
    ParentalLeave,
    StaffDocument,
    StaffMember,
    User,
)
from centre.roles import Role
from centre.services import record_save, user_create

# The demo logins, documented in the README. They work only where DEBUG is on.
DEMO_USERS = [
    # (e-mail, password, full name, role, designated safeguarding lead)
    ("manager@example.org", "demo-manager-pass", "Maya Okafor", Role.MANAGER, False),
    ("staff@example.org", "demo-staff-pass", "Tom Lindqvist", Role.STAFF, True),
    ("volunteer@example.org", "demo-volunteer-pass", "Ruth Abbey", Role.VOLUNTEER, False),
]

# The demo manager's and staff member's authenticator apps, set up already with these
# public keys (base32, as an app takes them) so the demo opens without a phone: add the key
# to any authenticator app, or run `oathtool --totp -b KEY`, for the six-digit code.
DEMO_AUTHENTICATOR_KEYS = {
    "manager@example.org": "HANDOVERDEMOMANAGERKEY2345ABCDEF",
    "staff@example.org": "HANDOVERDEMOSTAFFKEY234567ABCDEF",
}

# A one-page PDF, so the demo's uploaded files open in a viewer.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 20 70 Td (Demo document) Tj ET\nendstream\nendobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_pdf(name="demo.pdf"):
    return ContentFile(io.BytesIO(DEMO_PDF).getvalue(), name=name)


class Command(BaseCommand):
    help = "Fill an empty database with a fictional centre, its users and its staff records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has users.",
        )

    def handle(self, *args, if_empty=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: its demo passwords are public and must "
                "never reach a real centre's database."
            )
        if User.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has users; seed_demo only fills an empty one."
                )
            self.stdout.write("The database already has users, so no demo data was added.")
        else:
            with transaction.atomic():
                self.seed()
            self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write("Demo logins (on a database seed_demo filled):")
        for email, password, name, role, _ in DEMO_USERS:
            self.stdout.write(f"  {role.value:<10} {email:<24} {password:<20} ({name})")
        self.stdout.write("Their authenticator-app keys (the second factor; see the README):")
        for email, key in DEMO_AUTHENTICATOR_KEYS.items():
            self.stdout.write(f"  {email:<24} {key}   oathtool --totp -b {key}")

    def seed(self):
        today = timezone.localdate()
        record_save(
            record=CentreProfile(
                name="Elmfield Child Contact Centre",
                address="St Aidan's Church Hall\n12 Orchard Rise\nElmfield",
                postcode="EF1 2AB",
                phone="01632 960 418",
                email="hello@elmfield-contact.example.org",
                controller_name="Maya Okafor",
                controller_role="Centre Manager",
                ico_registration_number="ZA000000",
                financial_year_end_day=31,
                financial_year_end_month=3,
            )
        )
        users = {}
        for email, password, name, role, lead in DEMO_USERS:
            users[role] = user_create(
                email=email,
                full_name=name,
                role=role,
                password=password,
                is_safeguarding_lead=lead,
            )
        manager = users[Role.MANAGER]
        for user in users.values():
            if user.email in DEMO_AUTHENTICATOR_KEYS:
                key = base64.b32decode(DEMO_AUTHENTICATOR_KEYS[user.email])
                TOTPDevice.objects.create(
                    user=user, name=two_factor.APP_DEVICE_NAME, key=key.hex(), confirmed=True
                )

        def years_ago(years, month=1, day=15):
            return datetime.date(today.year - years, month, day)

        people = [
            # first, last, role, paid, job title, started, ended, user
            (
                "Maya",
                "Okafor",
                "manager",
                True,
                "Centre manager",
                years_ago(6, 9, 1),
                None,
                users[Role.MANAGER],
            ),
            (
                "Tom",
                "Lindqvist",
                "staff",
                True,
                "Contact supervisor",
                years_ago(4, 2, 3),
                None,
                users[Role.STAFF],
            ),
            (
                "Ruth",
                "Abbey",
                "volunteer",
                False,
                "Session volunteer",
                years_ago(2, 5, 20),
                None,
                users[Role.VOLUNTEER],
            ),
            (
                "Desmond",
                "Pryce",
                "volunteer",
                False,
                "Session volunteer",
                years_ago(3, 10, 1),
                None,
                None,
            ),
            (
                "Helen",
                "Marsh",
                "staff",
                True,
                "Referrals coordinator",
                years_ago(9, 4, 1),
                years_ago(4, 8, 31),
                None,
            ),
        ]
        members = []
        for index, (first, last, role, paid, title, started, ended, user) in enumerate(people):
            members.append(
                record_save(
                    record=StaffMember(
                        first_name=first,
                        last_name=last,
                        email=user.email if user else f"{first.lower()}.{last.lower()}@example.org",
                        phone=f"07700 900{index + 101:03d}",
                        address=f"{index + 3} Fictional Lane\nElmfield",
                        postcode=f"EF{index + 2} 3CD",
                        date_of_birth=datetime.date(1965 + index * 6, index + 2, 10 + index),
                        role=role,
                        paid=paid,
                        job_title=title,
                        started_on=started,
                        ended_on=ended,
                        confidentiality_agreement_signed_on=started if index != 3 else None,
                        user=user,
                    ),
                    actor=manager,
                )
            )
        maya, tom, ruth, desmond, helen = members

        # DBS checks: a recent one still holding its copy, older ones already stripped.
        recent = today - datetime.timedelta(days=40)
        record_save(
            record=DBSCheck(
                staff_member=ruth,
                checked_on=recent,
                certificate_number="001234567890",
                level="enhanced_barred",
                decision="cleared",
                outcome="No information disclosed",
                certificate_copy=demo_pdf(),
            ),
            actor=manager,
        )
        for member, number in [
            (maya, "009876543210"),
            (tom, "005555123456"),
            (desmond, "004444987654"),
            (helen, "003333222111"),
        ]:
            check = record_save(
                record=DBSCheck(
                    staff_member=member,
                    checked_on=member.started_on - datetime.timedelta(days=30),
                    certificate_number=number,
                    level="enhanced",
                    decision="cleared",
                    outcome="No information disclosed",
                ),
                actor=manager,
            )
            check.certificate_destroyed_on = check.checked_on + datetime.timedelta(days=180)
            check.save(update_fields=["certificate_destroyed_on"])

        for member, category, title, last_used in [
            (tom, "contract", "Contract of employment", tom.started_on),
            (tom, "training", "Safeguarding level 3 certificate", years_ago(1, 3, 2)),
            (ruth, "reference", "Character reference", ruth.started_on),
            (ruth, "training", "Volunteer induction record", ruth.started_on),
            (desmond, "supervision", "Supervision notes", years_ago(3, 11, 20)),
            (helen, "reference", "Reference from previous employer", helen.started_on),
        ]:
            record_save(
                record=StaffDocument(
                    staff_member=member,
                    category=category,
                    title=title,
                    last_used_on=last_used,
                    file=demo_pdf(),
                ),
                actor=manager,
            )

        record_save(
            record=ParentalLeave(
                staff_member=tom,
                starts_on=years_ago(2, 6, 1),
                ends_on=years_ago(2, 12, 1),
                child_born_on=years_ago(2, 5, 28),
            ),
            actor=manager,
        )

        for years, category, description in [
            (1, "payroll", "PAYE and NI returns"),
            (2, "accounts", "Annual accounts"),
            (7, "tax", "Correspondence with HMRC"),
        ]:
            year_end = datetime.date(today.year - years, 3, 31)
            record_save(
                record=FinanceRecord(
                    description=f"{description} {year_end.year - 1}/{str(year_end.year)[2:]}",
                    category=category,
                    financial_year_end=year_end,
                    file=demo_pdf(),
                ),
                actor=manager,
            )
        self.seed_later_apps(actor=users[Role.STAFF], today=today)
        record_save(
            record=FinanceRecord(
                description="Three-year lottery grant agreement",
                category="grant",
                financial_year_end=datetime.date(today.year - 1, 3, 31),
                spans_later_years_until=datetime.date(today.year + 1, 3, 31),
            ),
            actor=manager,
        )

    def seed_later_apps(self, *, actor, today):
        """Each app that builds on the centre adds its own demo records from a ``demo``
        module with a ``seed(actor=, today=)`` function; the centre names none of them."""
        for config in apps.get_app_configs():
            if config.name != "centre" and module_has_submodule(config.module, "demo"):
                import_module(f"{config.name}.demo").seed(actor=actor, today=today)
