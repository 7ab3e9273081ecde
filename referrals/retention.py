"""The case records the retention schedule covers: each case under its own rule
(``Case.retention_rule``, computed from its referral), disposed of whole.

A case is held when a hold stands on it or on one of its adults, or a privacy request
about one of its adults or children is open. Disposal takes the case with its referral,
people, pre-visits, consents, communications, documents and status history, everything
the other apps hang on it (``CASE_DISPOSAL_EXTRAS``), and all their history and files.
Accident and safeguarding records about a child are not part of it: they keep their own
copies and outlive the case.
"""

from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf

from retention.purge import purge
from retention.registry import Retainable, ids_in, register

from .models import Adult, Case, Child, RetentionRule

# Functions ``(case) -> [model instances]`` another app adds: records of that app that
# belong to the case but do not cascade from it.
CASE_DISPOSAL_EXTRAS = []


def _closed_cases(rule):
    return lambda: Case.objects.filter(retention_rule=rule, closed_on__isnull=False)


def _case_held(subjects):
    return (
        ids_in(subjects, "case")
        | Q(pk__in=Adult.objects.filter(ids_in(subjects, "adult")).values("case_id"))
        | Q(pk__in=Child.objects.filter(ids_in(subjects, "child")).values("case_id"))
    )


def case_dispose(case):
    extras = [instance for extra in CASE_DISPOSAL_EXTRAS for instance in extra(case)]
    purge([case, *extras])


def _case_summary(row):
    status = Case.Status(row["status"]).label.lower()
    return f"Case {status} on {row['closed_on']:%d/%m/%Y}"


for rule in RetentionRule:
    register(
        Retainable(
            kind="case",
            rule=rule.value,
            records=_closed_cases(rule.value),
            clock="closed_on",
            ref=Coalesce(NullIf("former_reference", Value("")), "reference"),
            held=_case_held,
            dispose=case_dispose,
            summary=_case_summary,
            summary_fields=("status", "closed_on"),
            label="Case",
        )
    )


# Personal data, for privacy requests ---------------------------------------------------

from django.urls import reverse  # noqa: E402

from retention.registry import PersonalData, register_personal_data  # noqa: E402

from .models import Referral  # noqa: E402

register_personal_data(
    PersonalData(
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
        ),
        subject="adult",
    )
)
register_personal_data(
    PersonalData(
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
    )
)
register_personal_data(
    PersonalData(
        kind="Referrer",
        records=lambda: Referral.objects.select_related("case"),
        describe=lambda referral: f"Referrer of {referral.case.display_reference}",
        name_fields=("referrer_name",),
        email_fields=("referrer_email",),
        phone_fields=("referrer_phone",),
        edit_url=lambda referral: reverse("referrals:referral_edit", args=[referral.case_id]),
        pack_fields=(
            ("referrer_name", "Name"),
            ("referrer_organisation", "Organisation"),
            ("referrer_email", "E-mail"),
            ("referrer_phone", "Phone"),
            ("referrer_address", "Address"),
            ("received_on", "Referral received on"),
        ),
    )
)
