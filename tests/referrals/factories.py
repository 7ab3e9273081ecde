"""Factories for cases and their records. Every name, date and number is invented.

Cases are opened through ``referrals.services.case_create`` and every other record is
saved through ``centre.services.record_save``, so each one is validated exactly as the
application validates it."""

import datetime

import factory
from django.core.files.base import ContentFile

from centre.services import record_save
from referrals.models import (
    Adult,
    Case,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
    Referral,
)
from referrals.services import case_create, pre_visit_save
from tests.factories import PNG_BYTES, pdf_file

FIRST_NAMES = ["Wren", "Idris", "Marlowe", "Tamsin", "Oren", "Juno", "Cassius", "Elowen"]
LAST_NAMES = ["Quillfeather", "Ashdown", "Brackenridge", "Fennimore", "Tollworthy"]


def png_file(name="photograph.png"):
    return ContentFile(PNG_BYTES, name=name)


class RecordFactory(factory.django.DjangoModelFactory):
    """Saves through ``record_save``: validated in full, as the views save."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return record_save(record=model_class(*args, **kwargs))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral is never saved alone: ``CaseFactory`` opens a case from it."""

    class Meta:
        model = Referral

    source = Referral.Source.SELF
    received_on = datetime.date(2026, 11, 2)
    service = Referral.Service.SUPPORTED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class(*args, **kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    """``CaseFactory(referral__service="supervised")`` sets the referral's fields."""

    class Meta:
        model = Case

    referral = factory.SubFactory(ReferralFactory)
    former_reference = ""
    actor = None

    @classmethod
    def _create(cls, model_class, referral, former_reference="", actor=None):
        return case_create(referral=referral, former_reference=former_reference, actor=actor)


class AdultFactory(RecordFactory):
    class Meta:
        model = Adult

    case = factory.SubFactory(CaseFactory)
    role = Adult.Role.RESIDENT
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    date_of_birth = datetime.date(1990, 5, 17)


class ChildFactory(RecordFactory):
    class Meta:
        model = Child

    case = factory.SubFactory(CaseFactory)
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    date_of_birth = datetime.date(2019, 3, 8)


class ProtectiveOrderFactory(RecordFactory):
    class Meta:
        model = ProtectiveOrder

    case = factory.SubFactory(CaseFactory)
    kind = ProtectiveOrder.Kind.NON_MOLESTATION
    names = "The visiting parent"
    made_on = datetime.date(2026, 6, 1)


class ConsentFactory(RecordFactory):
    class Meta:
        model = Consent

    case = factory.SubFactory(CaseFactory)
    given_by = factory.SubFactory(AdultFactory, case=factory.SelfAttribute("..case"))
    scope = "The child's allergies, to keep them safe at sessions"
    given_on = datetime.date(2026, 11, 10)


class PreVisitFactory(RecordFactory):
    """A completed pre-visit (ground rules agreed and witnessed, arrangements agreed);
    ``PreVisitFactory(children=[...])`` sets the children who came."""

    class Meta:
        model = PreVisit

    case = factory.SubFactory(CaseFactory)
    adult = factory.SubFactory(AdultFactory, case=factory.SelfAttribute("..case"))
    visited_on = datetime.date(2026, 11, 20)
    ground_rules_agreed_on = datetime.date(2026, 11, 20)
    ground_rules_witnessed_by = "Fictional Witness"
    arrangements_agreed = True

    @classmethod
    def _create(cls, model_class, *args, children=(), **kwargs):
        return pre_visit_save(pre_visit=model_class(*args, **kwargs), children=children)


class CommunicationFactory(RecordFactory):
    class Meta:
        model = Communication

    case = factory.SubFactory(CaseFactory)
    occurred_on = datetime.date(2026, 11, 12)
    kind = Communication.Kind.PHONE
    direction = Communication.Direction.INCOMING
    with_whom = "The referrer"
    summary = "Called to ask when the pre-visits can be booked."


class CaseDocumentFactory(RecordFactory):
    class Meta:
        model = CaseDocument

    case = factory.SubFactory(CaseFactory)
    kind = CaseDocument.Kind.REFERRAL_FORM
    title = "Referral form"
    file = factory.LazyFunction(pdf_file)


def family_case(*, last_name=None, **referral_fields) -> Case:
    """A case with a resident parent, a visiting parent and a child."""
    names = {"last_name": last_name} if last_name else {}
    case = CaseFactory(**{f"referral__{name}": value for name, value in referral_fields.items()})
    AdultFactory(case=case, role=Adult.Role.RESIDENT, **names)
    AdultFactory(case=case, role=Adult.Role.VISITING, **names)
    ChildFactory(case=case, **names)
    return case


def referral_form_data(**overrides) -> dict:
    """What the new referral form posts for a self-referral for supported contact."""
    data = {
        "source": "self",
        "received_on": "2026-11-02",
        "referrer_name": "Wren Quillfeather",
        "service": "supported",
        "frequency_requested": "fortnightly",
        "days_requested": "Saturday mornings",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}
