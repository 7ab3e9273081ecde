"""The privacy policy's retention table, one rule per row, in the policy's own words.
``{period}`` marks where the notice prints the period the sweep applies.

Seeded by migration 0002 and again after every ``migrate`` or ``flush`` (post_migrate):
missing rows come back, rows that exist (and the manager's changes to them) are left
alone.
"""

from django.utils import timezone

SEEDED = "The privacy policy's retention table"

RULES = [
    # key, records, keeping, months, longer months
    (
        "hr-file",
        "HR files: employment references, redundancy details",
        "{period} after employment or volunteering ends",
        72,
        None,
    ),
    (
        "parental-leave",
        "Parental leave",
        "{period} from birth or adoption, or {extended_period} if the child receives a "
        "disability allowance",
        60,
        216,
    ),
    (
        "dbs-certificate",
        "Disclosure and Barring Service certificates (formerly Criminal Records Bureau "
        "disclosures) obtained as part of vetting",
        "The disclosure itself is destroyed after {period}. We keep a record of the date of "
        "the check, the reference number, the vetting decision and the outcome.",
        6,
        None,
    ),
    (
        "finance",
        "Finance records: income tax and NI returns, income tax records and correspondence "
        "with HMRC, parental leave, wages and salary records",
        "{period} from the end of the last financial year they relate to, or longer where "
        "they show a transaction covering more than one of our accounting periods",
        72,
        None,
    ),
    (
        "contact-court",
        "Supported or supervised contact: referrals with court orders or Cafcass "
        "involvement, pre-visit forms, attendance records",
        "Securely disposed of after {period}, unless there is a safeguarding or child "
        "protection issue",
        36,
        None,
    ),
    (
        "contact-self",
        "Supported contact only: self-referrals with no court order or Cafcass involvement, "
        "pre-visit forms, attendance records",
        "Securely disposed of after {period}, unless there is a safeguarding or child "
        "protection issue",
        12,
        None,
    ),
    (
        "staff-other",
        "Information about paid and unpaid staff not covered above that has not been used "
        "for three years",
        "Securely disposed of after {period} as confidential waste",
        36,
        None,
    ),
    (
        "child-safeguarding",
        "Accident books and paperwork about safeguarding or child protection issues "
        "concerning a specific child",
        "Kept indefinitely, as local authorities can request this information until the "
        "child is {period} old; we review it then",
        300,
        None,
    ),
    (
        "complaint",
        "Complaints about how we use personal information, with their investigation and outcome",
        "Securely disposed of {period} after the outcome is given",
        12,
        None,
    ),
    (
        "privacy-request",
        "Requests to use your data protection rights (access, correction, erasure, "
        "restriction, objection, portability), with the identity evidence, the response, "
        "any copy of your records we sent you and what was decided",
        "Securely disposed of {period} after the request is closed",
        24,
        None,
    ),
    (
        "adult-accident",
        "Accident book entries about an adult",
        "Securely disposed of {period} after the accident",
        36,
        None,
    ),
    (
        "adult-incident",
        "Safeguarding records about no child: an adult at risk, or an allegation against a "
        "member of staff or a volunteer",
        "Securely disposed of {period} after the matter is closed",
        72,
        None,
    ),
    (
        "dormant-case",
        "Open referrals and cases where nothing has been recorded for a long time",
        "Reviewed after {period} with nothing recorded: the case is closed (and its own "
        "period starts) or kept open with a reason and a date to look again",
        12,
        None,
    ),
]


def seed_rules(apps, using="default"):
    # The row the sweep locks, there before any sweep so two first sweeps cannot race to
    # create it.
    apps.get_model("retention", "SweepLock").objects.using(using).get_or_create(name="sweep")
    Rule = apps.get_model("retention", "Rule")
    HistoricalRule = apps.get_model("retention", "HistoricalRule")
    for position, (key, records, keeping, months, longer) in enumerate(RULES, start=1):
        rule, created = Rule.objects.using(using).get_or_create(
            key=key,
            defaults={
                "position": position,
                "records": records,
                "keeping": keeping,
                "period_months": months,
                "extended_period_months": longer,
            },
        )
        if not created:
            continue
        history = HistoricalRule.objects.using(using).filter(id=rule.pk)
        if history.exists():  # the real model's history signal wrote it (post_migrate)
            history.update(history_change_reason=SEEDED)
            continue
        HistoricalRule.objects.using(using).create(
            id=rule.pk,
            key=key,
            position=position,
            records=records,
            keeping=keeping,
            period_months=months,
            extended_period_months=longer,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason=SEEDED,
        )
