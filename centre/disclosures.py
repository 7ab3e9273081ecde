"""Writes and reads of the disclosure log and the privacy notice versions.

The log keeps references, never names: a case by its display reference, a person by
their kind, id and label ("AD-0003 of HC-2026-0001"), so centre needs nothing from the
apps whose records are disclosed.
"""

import datetime
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from .models import CentreProfile, Disclosure, PrivacyNoticeVersion

# Disclosures to the bodies that may have to account for what they received (the police,
# a court, Cafcass, children's services): once what an entry describes is disposed of, the
# entry is kept for accountability, with references only (``disclosures_leaving``).
ACCOUNTABLE = (
    Disclosure.RecipientType.POLICE,
    Disclosure.RecipientType.COURT,
    Disclosure.RecipientType.CAFCASS,
    Disclosure.RecipientType.LOCAL_AUTHORITY,
)
# As the proofs of disposal: an entry kept for accountability, or about no case or person,
# is deleted seven years after the disclosure; so is a replaced controller's name.
KEPT_YEARS = 7
DETAILS_REMOVED = "Details removed: what it described was disposed of"


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


# The end of the log's entries ---------------------------------------------------------


def disclosures_about_cases(references) -> Q:
    """The entries about the cases with these references (ours or former), whoever made
    them: by hand, a sent report, a response pack's release. Matched as the log's search
    matches them, whatever their case."""
    references = {reference.strip() for reference in references if reference and reference.strip()}
    if not references:
        return Q(pk__in=[])
    return reduce(or_, (Q(case_reference__iexact=reference) for reference in references))


def disclosures_about_people(person_kind: str, ids) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(person_kind=person_kind, person_id__in=list(ids))


def disclosures_leaving(disclosures: QuerySet[Disclosure]) -> list[Disclosure]:
    """What becomes of ``disclosures`` as what they describe is disposed of: the entries
    kept for accountability (``ACCOUNTABLE``) are stripped to references here
    (``disclosures_strip``); the others are returned, to be deleted with it."""
    disclosures_strip(disclosures.filter(recipient_type__in=ACCOUNTABLE))
    return list(disclosures.exclude(recipient_type__in=ACCOUNTABLE))


def disclosures_strip(disclosures: QuerySet[Disclosure]) -> int:
    """Keep of each entry only the references of what was disclosed (the case's, the
    person's label, the record's kind and id), the date, the kind of recipient (in the
    recipient's place) and the lawful basis: no name, no free text. The log has no
    history, so nothing else holds them."""
    return disclosures.filter(details_removed_on__isnull=True).update(
        recipient=_label_of("recipient_type", Disclosure.RecipientType.choices),
        recipient_kind="",
        what=DETAILS_REMOVED,
        basis=_label_of("basis_kind", Disclosure.Basis.choices),
        person_kind="",
        person_id=None,
        details_removed_on=timezone.localdate(),
    )


def _label_of(field: str, choices) -> Case:
    """The label of the choice ``field`` holds, in SQL."""
    return Case(
        *(When(**{field: value}, then=Value(label)) for value, label in choices),
        default=Value(""),
    )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same date ``years`` earlier; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _start_of_day_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def disclosures_expire(*, today: datetime.date | None = None) -> int:
    """Nightly: delete the entries nothing else ends, on the day their seven years from
    the disclosure end: those kept for accountability after what they described went,
    and those about no case or person. Every other entry goes with its case or person.
    Safe to run twice. Returns how many were deleted."""
    today = today or timezone.localdate()
    last_day = _years_before(today, KEPT_YEARS)
    deleted, _ = (
        Disclosure.objects.filter(disclosed_at__lt=_start_of_day_after(last_day))
        .filter(Q(details_removed_on__isnull=False) | Q(case_reference="", person_kind=""))
        .delete()
    )
    return deleted


def replaced_controller_names_forget(*, today: datetime.date | None = None) -> int:
    """Nightly: the data controller's name (a person's) stays in the profile's history
    seven years after another name replaced it, for the privacy notices that printed
    it; then it is blanked in those history rows, which keep the rest of the profile as
    it was. Safe to run twice. Returns how many history rows were blanked."""
    today = today or timezone.localdate()
    replaced_by = _start_of_day_after(_years_before(today, KEPT_YEARS))
    doomed = []
    for profile_id in CentreProfile.history.values_list("id", flat=True).distinct():
        rows = list(
            CentreProfile.history.filter(id=profile_id)
            .order_by("history_date", "history_id")
            .values_list("history_id", "history_date", "controller_name")
        )
        for number, (history_id, _at, name) in enumerate(rows):
            replaced_at = next((at for _, at, later in rows[number + 1 :] if later != name), None)
            if name and replaced_at is not None and replaced_at < replaced_by:
                doomed.append(history_id)
    return CentreProfile.history.filter(history_id__in=doomed).update(controller_name="")
