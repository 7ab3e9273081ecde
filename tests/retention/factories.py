"""Records whose retention clock starts on a chosen date. Every name, date and number is
invented. Each builder saves through the application's own services where there is one,
so the records are what the application itself would hold."""

import datetime

from django.utils import timezone

from centre.services import record_save
from privacy_requests.models import PrivacyRequest
from referrals.models import Adult, Referral
from referrals.services import case_close
from retention.models import DisposalRecord
from safeguarding.accident_services import accident_record
from safeguarding.models import Accident, Incident, IncidentChild
from tests.factories import (
    DBSCheckFactory,
    FinanceRecordFactory,
    ParentalLeaveFactory,
    StaffDocumentFactory,
    StaffMemberFactory,
    pdf_file,
)
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

COURT = {"source": Referral.Source.CAFCASS, "service": Referral.Service.SUPERVISED}
SELF = {"source": Referral.Source.SELF, "service": Referral.Service.SUPPORTED}


def closed_case(closed_on, *, rule="contact-court", former_reference="", people=True):
    """A case closed on ``closed_on`` under ``rule`` (its referral decides the rule), with
    a resident parent, a visiting parent and a child unless ``people`` is false."""
    referral = COURT if rule == "contact-court" else SELF
    case = CaseFactory(
        former_reference=former_reference,
        **{f"referral__{name}": value for name, value in referral.items()},
        referral__received_on=closed_on - datetime.timedelta(days=90),
    )
    assert case.retention_rule == rule
    if people:
        AdultFactory(case=case, role=Adult.Role.RESIDENT)
        AdultFactory(case=case, role=Adult.Role.VISITING)
        ChildFactory(case=case)
    return case_close(
        case=case, closed_on=closed_on, reason="Fictional: contact moved on.", actor=None
    )


def open_case(**fields):
    case = CaseFactory(referral__received_on=datetime.date(2024, 1, 8), **fields)
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    return case


def staff_member(*, ended_on=None, former_reference="", **fields):
    fields.setdefault("started_on", datetime.date(2010, 1, 4))
    return StaffMemberFactory(ended_on=ended_on, former_reference=former_reference, **fields)


def dbs_check(checked_on, *, staff=None, held_elsewhere=False, with_file=True, **fields):
    """A DBS check that still has a certificate copy: a file, or one held elsewhere."""
    return DBSCheckFactory(
        staff_member=staff or staff_member(),
        checked_on=checked_on,
        certificate_copy=pdf_file("certificate.pdf") if with_file else "",
        certificate_copy_held_elsewhere=held_elsewhere,
        **fields,
    )


def staff_document(last_used_on, *, staff=None, category="training", **fields):
    return StaffDocumentFactory(
        staff_member=staff or staff_member(),
        category=category,
        last_used_on=last_used_on,
        **fields,
    )


def parental_leave(*, staff=None, child_born_on=None, adopted_on=None, **fields):
    start = adopted_on or child_born_on
    return ParentalLeaveFactory(
        staff_member=staff or staff_member(),
        child_born_on=child_born_on,
        adopted_on=adopted_on,
        starts_on=start,
        **fields,
    )


def finance_record(financial_year_end, **fields):
    return FinanceRecordFactory(financial_year_end=financial_year_end, **fields)


def incident_about(case, *birth_dates, occurred_on=datetime.date(2024, 5, 11)):
    """A safeguarding incident on ``case`` about children born on ``birth_dates``,
    written as ``incident_open`` writes it (copies of the case reference, names and dates
    of birth) but without the automatic hold: the hold is a separate matter."""
    incident = record_save(
        record=Incident(
            case=case,
            case_reference=case.display_reference if case else "",
            occurred_on=occurred_on,
            summary="Fictional: a worrying remark during contact.",
        )
    )
    for position, born in enumerate(birth_dates):
        record_save(
            record=IncidentChild(
                incident=incident, name=f"Fictional Child {position}", date_of_birth=born
            )
        )
    return incident


def accident_about(child, *, occurred_at=None):
    """An accident book entry about ``child`` of a case."""
    return accident_record(
        accident=Accident(
            child=child,
            occurred_at=occurred_at or timezone.now() - datetime.timedelta(days=200),
            what_happened="Fictional: tripped on the play mat, grazed a knee.",
            first_aid_given="Cleaned and plastered.",
        )
    )


def privacy_request(**subject):
    """An open subject access request about one person (``subject_adult=...``,
    ``subject_child=...`` or ``subject_staff_member=...``)."""
    request = PrivacyRequest(
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.EMAIL,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        **subject,
    )
    return record_save(record=request)


def privacy_request_complete(request):
    request.status = PrivacyRequest.Status.COMPLETED
    request.response = "Fictional: a copy of the records was sent."
    request.closed_on = timezone.localdate()
    return record_save(record=request)


def disposal_proof(executed_at):
    """A proof of a case's disposal, run at ``executed_at``."""
    return DisposalRecord.objects.create(
        rule="contact-self",
        kind="case",
        action="dispose",
        record_type="referrals.case",
        object_id=1,
        ref="HC-2019-0001",
        due_on=datetime.date(2019, 1, 1),
        approved_by_name="Alice Mercer",
        approved_at=executed_at,
        executed_at=executed_at,
    )
