"""What a record may plausibly say: dates within the centre's life, names and references
a person can read as typed, and free text of a size that fits its purpose. The checks
models and forms share, each with a message in the words of the person typing.

- A date of birth is no earlier than 1900.
- Any other date of the centre's records (a referral received, a request received, a
  pre-visit, a closure) is no earlier than ``EARLIEST_RECORD_DATE`` (a setting, by default
  1 January 1990, so that older records can still be imported) and, where the record says
  so, not in the future.
- A name or a reference holds no character that cannot be seen or that reverses the text
  around it (bidirectional controls, zero-width spaces and joiners): on a screen those
  make one name look like another.
- Free text has a size fitting its purpose (``FREE_TEXT_LIMIT`` characters unless the
  field sets its own).
- A number lies in a range fitting its purpose, declared beside the model field with
  ``within`` ("a number of families", 1 to 50); the message says what to type, never
  the column's own limit ("less than or equal to 9223372036854775807").
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
FREE_TEXT_LIMIT = 10_000

# Bidirectional embeddings, overrides and isolates, left-to-right and right-to-left marks,
# zero-width space, non-joiner and joiner, word joiner and the invisible operators, and
# the byte-order mark.
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def earliest_record_date() -> datetime.date:
    return getattr(settings, "EARLIEST_RECORD_DATE", datetime.date(1990, 1, 1))


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def too_early_error(field_name: str, label: str, day) -> str | None:
    """The message for a date earlier than a record of its kind can be, or None."""
    if day is None:
        return None
    if "birth" in field_name or field_name.endswith("born_on"):
        if day < EARLIEST_BIRTH:
            return f"{label} cannot be before {_long_date(EARLIEST_BIRTH)}: check the year."
        return None
    earliest = earliest_record_date()
    if day < earliest:
        return (
            f"{label} cannot be before {_long_date(earliest)}, when the centre's records "
            "begin: check the year."
        )
    return None


def hidden_characters_error(value: str) -> str | None:
    if value and _HIDDEN.search(value):
        return (
            "This has characters in it that cannot be seen, or that reverse the text around "
            "them (often pasted from another document). Type it again by hand."
        )
    return None


def validate_visible(value):
    """A validator for names and references."""
    message = hidden_characters_error(value)
    if message:
        raise ValidationError(message, code="hidden_characters")


def too_long_error(value: str, limit: int = FREE_TEXT_LIMIT) -> str | None:
    if value and len(value) > limit:
        return (
            f"Keep this to {limit:,} characters (it has {len(value):,}): write a summary "
            "here, and upload a longer document to the case."
        )
    return None


def within(low: int, high: int, what: str, *, message: str = "") -> list:
    """The validators of a number field whose plausible values run from ``low`` to
    ``high``; ``what`` names the number as the message asks for it ("a number of
    families" gives "Enter a number of families from 1 to 50.").

    Declared on the model field (``validators=plausible.within(...)``): the model refuses
    what is out of range wherever it is saved from, Django no longer adds the column's own
    range, and ``centre.forms.CentreModelForm`` gives the form field the same range, the
    same message for what is not a whole number, and the browser's ``min`` and ``max``.
    ``message`` replaces the message where the range needs explaining."""
    message = message or f"Enter {what} from {low:,} to {high:,}."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


def number_range(validators) -> tuple[int | None, int | None, str | None]:
    """``(low, high, message)`` of a field's range among ``validators``: the ``within``
    it declares, or else the column's own (with no message of its own)."""
    low = high = message = None
    for validator in validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
            message = message or _own_message(validator)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
            message = message or _own_message(validator)
    return low, high, message


def _own_message(validator):
    return validator.message if validator.message != type(validator).message else None


def limit_number(field, validators):
    """Give the form number field ``field`` the range among ``validators`` (a model
    field's, see ``within``): the same message for a number out of range and for anything
    that is not a number, and the browser's ``min`` and ``max``. Returns ``field``."""
    low, high, message = number_range(validators)
    message = message or out_of_range_message(low, high)
    field.min_value, field.max_value = low, high
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
    ]
    if low is not None:
        field.validators.append(MinValueValidator(low, message=message))
        field.widget.attrs["min"] = low
    if high is not None:
        field.validators.append(MaxValueValidator(high, message=message))
        field.widget.attrs["max"] = high
    field.error_messages["invalid"] = message
    return field


def out_of_range_message(low: int | None, high: int | None) -> str:
    """The message for a number no field has said the purpose of: still what to type."""
    if low is not None and high is not None:
        return f"Enter a whole number from {low:,} to {high:,}."
    if low is not None:
        return f"Enter a whole number of {low:,} or more."
    if high is not None:
        return f"Enter a whole number of {high:,} or less."
    return "Enter a whole number, in figures."
