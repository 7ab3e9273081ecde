"""Writes and reads of the disclosure log and the privacy notice versions.

The log keeps references, never names: a case by its display reference, a person by
their kind, id and label ("AD-0003 of HC-2026-0001"), so centre needs nothing from the
apps whose records are disclosed.
"""

from django.db import transaction
from django.db.models import QuerySet

from .models import Disclosure, PrivacyNoticeVersion


@transaction.atomic
def disclosure_record(*, disclosure: Disclosure, actor) -> Disclosure:
    """Record a disclosure made by hand (or by another app), credited to ``actor``."""
    if disclosure.disclosed_by_id is None:
        disclosure.disclosed_by = actor
    if not disclosure.basis.strip():
        # The lawful basis is the fact the log must hold; the details add to it.
        disclosure.basis = disclosure.get_basis_kind_display()
    disclosure.full_clean()
    disclosure.save()
    return disclosure


@transaction.atomic
def notice_version_publish(*, version: PrivacyNoticeVersion, actor) -> PrivacyNoticeVersion:
    """Add a version of the privacy notice; the newest published by today is current."""
    version.created_by = actor
    version.full_clean()
    version.save()
    return version


def _log() -> QuerySet[Disclosure]:
    return Disclosure.objects.select_related("disclosed_by")


def disclosures_for_case(case_reference: str) -> QuerySet[Disclosure]:
    """A case's disclosures, newest first (references are matched whatever their case)."""
    return _log().filter(case_reference__iexact=case_reference.strip())


def disclosures_for_person(person_kind: str, person_id: int) -> QuerySet[Disclosure]:
    """What was disclosed about one person, newest first: for their access pack too."""
    return _log().filter(person_kind=person_kind, person_id=person_id)


def disclosure_log(
    *, case_reference: str = "", person_kind: str = "", person_id: int | None = None
) -> QuerySet[Disclosure]:
    disclosures = _log()
    if case_reference:
        disclosures = disclosures.filter(case_reference__iexact=case_reference.strip())
    if person_kind and person_id is not None:
        disclosures = disclosures.filter(person_kind=person_kind, person_id=person_id)
    return disclosures
