"""Writes to the accident book. Each is one transaction.

An entry is about one person: a child of a case (its name and date of birth are copied
onto the entry, which is kept indefinitely and outlives the case) or someone named in
words (a parent, a visitor, a member of staff)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from centre.services import record_save

from .models import Accident

NO_ONE_NAMED = "Say who was hurt: choose a child, or write the person's name."
CHILD_OF_ANOTHER_CASE = "Choose a child of the case the accident is recorded on."


@transaction.atomic
def accident_record(*, accident: Accident, actor=None) -> Accident:
    """Validate and save a new accident book entry written by ``actor``.

    With a child, the entry takes the child's case when none is given, and copies the
    child's name and date of birth; the case's reference is copied too. A time in the
    future (beyond a few minutes' slip) is refused by the model and nothing is saved."""
    child = accident.child
    if child is not None:
        if accident.case_id is not None and child.case_id != accident.case_id:
            raise ValidationError({"child": CHILD_OF_ANOTHER_CASE})
        accident.case = child.case
        accident.person_name = child.full_name
        accident.person_date_of_birth = child.date_of_birth
        accident.about_child = True
    elif not accident.person_name.strip():
        raise ValidationError({"person_name": NO_ONE_NAMED})
    accident.person_name = accident.person_name.strip()
    accident.case_reference = accident.case.display_reference if accident.case else ""
    if actor is not None and accident.recorded_by_id is None:
        accident.recorded_by = actor
    return record_save(record=accident, actor=actor)
