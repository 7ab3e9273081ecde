"""Writing records out in the interchange format.

What is written, so that importing an export and exporting again gives the same file:

- Required keys always.
- Any other key only when it holds something: no empty text, no empty list, no absent
  date, and no flag that equals the default the schema declares for it (``paid`` is
  written only when false; ``court_order``, ``cafcass_involved``, ``has_certificate_copy``
  and ``disability_allowance`` only when true). Keys the schema gives no default, like a
  DBS check's ``level`` or a finance record's ``category``, are always written.
- Records in the order they were created, so a file imported into an empty database
  comes back in its own order. Keys follow the schema's order.
- A case's sections that other apps hold (``sessions``, ``incidents``) are written by the
  handler each app registered (``case_sections``), at the schema's place for the key, and
  left out when empty.
- A record's ``ref`` is its former reference where it was imported, otherwise the one
  Handover gave it (``HC-2026-0001``, ``ST-0001``, ``FIN-0001``; adults, children and staff
  documents, which have none on screen, get ``AD-0001``, ``CH-0001`` and ``DOC-0001``).
"""

import json

from django.db.models import Prefetch
from django.utils import timezone

from centre.models import DBSCheck, FinanceRecord, ParentalLeave, StaffDocument, StaffMember

from ..models import Adult, Case, Child, PreVisit
from . import case_sections
from .references import own_reference
from .validation import FORMAT, load_schema

# The contact details of an adult that the other party must never receive when the adult
# asked for them to be kept confidential.
CONTACT_DETAILS = ("email", "phone", "address", "postcode")


def _written(record: dict, required=(), **defaults) -> dict:
    """``record`` without its empty values and without flags equal to their default,
    except for the ``required`` keys."""
    return {
        key: value
        for key, value in record.items()
        if key in required
        or (value not in (None, "", []) and not (key in defaults and value == defaults[key]))
    }


def _date(value):
    return value.isoformat() if value else None


def export_data(cases=None, *, for_adult: Adult | None = None) -> dict:
    """The records as one interchange document (a dict ready for ``json.dumps``).

    ``cases`` (cases or a queryset of them) limits the export to those cases, and then it
    holds no staff or finance records: it is about families, not about the centre.

    ``for_adult`` makes the export one that party may receive (for example the answer to
    their subject access request): it holds only cases (their own, unless ``cases`` says
    otherwise), and the email, phone, address and postcode of every other adult whose
    contact details are confidential are left out.
    """
    if for_adult is not None and cases is None:
        cases = [for_adult.case]
    data = {"format": FORMAT, "exported_at": timezone.localtime().isoformat(timespec="seconds")}
    if cases is None:
        data["staff"] = [_staff(member) for member in _all_staff()]
        data["finance_records"] = [
            _finance_record(record) for record in FinanceRecord.objects.order_by("pk")
        ]
        cases = Case.objects.all()
    pks = [case.pk for case in cases]
    data["cases"] = [_case(case, for_adult=for_adult) for case in _cases(pks)]
    return _written(data)


def export_json(cases=None, *, for_adult: Adult | None = None) -> str:
    data = export_data(cases, for_adult=for_adult)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _all_staff():
    return StaffMember.objects.order_by("pk").prefetch_related(
        Prefetch("dbs_checks", queryset=DBSCheck.objects.order_by("pk")),
        Prefetch("parental_leave", queryset=ParentalLeave.objects.order_by("pk")),
        Prefetch("documents", queryset=StaffDocument.objects.order_by("pk")),
    )


def _staff(member) -> dict:
    return _written(
        {
            "ref": own_reference(member),
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "role": member.role,
            "paid": member.paid,
            "started_on": _date(member.started_on),
            "ended_on": _date(member.ended_on),
            "dbs_checks": [
                _written(
                    {
                        "checked_on": _date(check.checked_on),
                        "certificate_number": check.certificate_number,
                        "level": check.level,
                        "decision": check.decision,
                        "outcome": check.outcome,
                        "has_certificate_copy": check.has_certificate_copy,
                    },
                    has_certificate_copy=False,
                )
                for check in member.dbs_checks.all()
            ],
            "parental_leave": [
                _written(
                    {
                        "starts_on": _date(leave.starts_on),
                        "ends_on": _date(leave.ends_on),
                        "child_born_on": _date(leave.child_born_on),
                        "adopted_on": _date(leave.adopted_on),
                        "disability_allowance": leave.disability_allowance,
                    },
                    disability_allowance=False,
                )
                for leave in member.parental_leave.all()
            ],
            "documents": [
                _written(
                    {
                        "ref": own_reference(document),
                        "category": document.category,
                        "title": document.title,
                        "last_used_on": _date(document.last_used_on),
                        "notes": document.notes,
                    }
                )
                for document in member.documents.all()
            ],
        },
        paid=True,
    )


def _finance_record(record) -> dict:
    return _written(
        {
            "ref": own_reference(record),
            "description": record.description,
            "category": record.category,
            "financial_year_end": _date(record.financial_year_end),
            "spans_later_years_until": _date(record.spans_later_years_until),
        }
    )


def _cases(pks):
    return (
        Case.objects.filter(pk__in=pks)
        .order_by("pk")
        .select_related("referral")
        .prefetch_related(
            Prefetch("adults", queryset=Adult.objects.order_by("pk")),
            Prefetch("children", queryset=Child.objects.order_by("pk")),
            Prefetch("pre_visits", queryset=PreVisit.objects.order_by("pk")),
            *(lookup for section in case_sections.registered() for lookup in section.prefetch),
        )
    )


def _in_schema_order(record: dict) -> dict:
    order = list(load_schema()["$defs"]["case"]["properties"])
    return dict(sorted(record.items(), key=lambda item: order.index(item[0])))


def _closure(case):
    """``closed_on`` and ``closure_reason`` as the format carries them. The format has no
    declined referrals: one is written as closed on the day it was declined, so that its
    retention clock still runs wherever the file goes (from the day it was declined)."""
    if case.status == Case.Status.DECLINED:
        reason = f"Referral declined: {case.declined_reason}".strip()
        return case.closed_on or timezone.localdate(case.status_changed_at), reason[:300]
    return case.closed_on, case.closure_reason


def _case(case, *, for_adult) -> dict:
    referral = case.referral
    adults = list(case.adults.all())
    refs = {adult.pk: own_reference(adult) for adult in adults}
    closed_on, closure_reason = _closure(case)
    sections = {section.key: section.export(case) for section in case_sections.registered()}
    record = _written(
        {
            "ref": own_reference(case),
            "referral": _written(
                {
                    "source": referral.source,
                    "received_on": _date(referral.received_on),
                    "service": referral.service,
                    "court_order": referral.court_order,
                    "cafcass_involved": referral.cafcass_involved,
                    "referrer_name": referral.referrer_name,
                    "referrer_organisation": referral.referrer_organisation,
                    "referrer_email": referral.referrer_email,
                    "notes": referral.notes,
                },
                court_order=False,
                cafcass_involved=False,
            ),
            "adults": [_adult(adult, for_adult=for_adult) for adult in adults],
            "children": [
                _written(
                    {
                        "ref": own_reference(child),
                        "first_name": child.first_name,
                        "last_name": child.last_name,
                        "date_of_birth": _date(child.date_of_birth),
                        "needs": child.needs,
                    }
                )
                for child in case.children.all()
            ],
            "pre_visits": [
                _written(
                    {
                        "adult": refs[visit.adult_id],
                        "visited_on": _date(visit.visited_on),
                        "notes": visit.notes,
                    }
                )
                for visit in case.pre_visits.all()
            ],
            "closed_on": _date(closed_on),
            "closure_reason": closure_reason,
            **sections,
        },
        # Even when empty: the format asks for at least one of each, and a case that has
        # none yet should fail an import loudly rather than lose the keys.
        required=("adults", "children"),
    )
    return _in_schema_order(record)


def _adult(adult, *, for_adult) -> dict:
    withheld = (
        for_adult is not None and adult.pk != for_adult.pk and adult.contact_details_confidential
    )
    record = {
        "ref": own_reference(adult),
        "role": adult.role,
        "relationship": adult.relationship,
        "first_name": adult.first_name,
        "last_name": adult.last_name,
        "date_of_birth": _date(adult.date_of_birth),
        "email": adult.email,
        "phone": adult.phone,
        "address": adult.address,
        "postcode": adult.postcode,
    }
    if withheld:
        for key in CONTACT_DETAILS:
            del record[key]
    return _written(record)
