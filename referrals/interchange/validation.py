"""Checking a records file before anything is written: first against the published JSON
Schema, then against the rules of the format's README that a schema cannot say.

Every problem is collected, never just the first, so a centre can fix its file in one go.
"""

import dataclasses
import datetime
import json
import re
from functools import cache
from pathlib import Path

from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from . import case_sections

FORMAT = "contact-centre-records/1"

# A byte-for-byte copy of ../shared/import-format/schema.json (a test keeps them equal), so
# the application does not need the shared folder at run time.
SCHEMA_PATH = Path(__file__).with_name("schema.json")

DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# Keys of a JSON path: a str for an object's key, an int for a list's index.
JsonPath = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Problem:
    path: JsonPath
    reason: str
    # "schema" problems mean the record's shape cannot be trusted: the importer does not
    # try to build it. Every other kind leaves a record that can still be test-built, so
    # the model's own checks can report what they find as well.
    kind: str = "rule"

    def __str__(self):
        return f"{render_path(self.path)}: {self.reason}"


def render_path(path: JsonPath) -> str:
    """``cases[3].children[0].date_of_birth``; ``$`` for the file as a whole."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text or "$"


def sort_key(problem: Problem):
    # Within one container the keys are all str or all int, so tuples compare safely:
    # problems come out grouped by record, in the file's order.
    return problem.path


@cache
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


DATE_TIME_SHAPE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def _is_date_time(value) -> bool:
    """RFC 3339: a full date, a time and an offset (``Z`` or ``+01:00``). jsonschema
    checks this format only with an extra package; this small check does without."""
    if not isinstance(value, str):
        return True
    if not DATE_TIME_SHAPE.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


_format_checker = FormatChecker(formats=())
_format_checker.checks("date-time")(_is_date_time)


def validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=_format_checker)


def validate(data, *, today: datetime.date | None = None) -> list[Problem]:
    """Every problem with ``data``, a parsed records file, that the database need not be
    asked about: the schema's, then the README's rules."""
    problems = schema_problems(data)
    if isinstance(data, dict):
        problems += _Rules(today or timezone.localdate()).check(data)
    return sorted(dict.fromkeys(problems), key=sort_key)


# The schema --------------------------------------------------------------------------


_TYPE_NAMES = {
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "integer": "a whole number",
    "number": "a number",
}


def _shown(value, limit=60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def schema_problems(data) -> list[Problem]:
    problems = []
    for error in validator().iter_errors(data):
        path = tuple(error.absolute_path)
        keyword, expected, value = error.validator, error.validator_value, error.instance
        if keyword == "required":
            # One error per missing key, but the error does not say which: list them all
            # from the instance (the set below drops the repeats).
            problems += [
                Problem((*path, key), "is required but missing", "schema")
                for key in expected
                if key not in value
            ]
        elif keyword == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            problems += [
                Problem((*path, key), "is not a field of this format", "schema")
                for key in value
                if key not in known
            ]
        else:
            reason = _schema_reason(keyword, expected, value, error)
            problems.append(Problem(path, reason, "schema"))
    return problems


def _schema_reason(keyword, expected, value, error) -> str:
    if keyword == "type":
        wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in _listed(expected))
        return f"{_shown(value)} is not {wanted}"
    if keyword == "enum":
        return f"{_shown(value)} is not one of {', '.join(map(str, expected))}"
    if keyword == "const":
        return f"must be {_shown(expected)}, not {_shown(value)}"
    if keyword == "pattern" and expected == DATE_SHAPE.pattern:
        return f"{_shown(value)} is not a date in the form YYYY-MM-DD"
    if keyword == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters"
    if keyword == "maxLength":
        return f"is {len(value)} characters long; at most {expected} are allowed"
    if keyword == "minItems":
        return "must list at least one" if expected == 1 else f"must list at least {expected}"
    if keyword == "format" and expected == "date-time":
        return f"{_shown(value)} is not a date and time such as 2026-03-15T09:30:00+00:00"
    return error.message


def _listed(value):
    return value if isinstance(value, list) else [value]


# The README's rules ------------------------------------------------------------------

PAST = "past"  # a date that has happened: in the future it is an error
ANY = "any"  # a date that may lie ahead (a leaving date, the end of a leave, a year end)

STAFF_DATES = {"started_on": PAST, "ended_on": ANY}
DBS_DATES = {"checked_on": PAST}
LEAVE_DATES = {"starts_on": ANY, "ends_on": ANY, "child_born_on": PAST, "adopted_on": PAST}
DOCUMENT_DATES = {"last_used_on": PAST}
FINANCE_DATES = {"financial_year_end": ANY, "spans_later_years_until": ANY}
REFERRAL_DATES = {"received_on": PAST}
CASE_DATES = {"closed_on": PAST}
PERSON_DATES = {"date_of_birth": PAST}
PRE_VISIT_DATES = {"visited_on": PAST}
INCIDENT_DATES = {"occurred_on": PAST}

# Records the application cannot hold yet. The issue: "until those exist, the import
# rejects files that contain them with a clear message". A key stops being refused once
# the app that holds its records registers a handler for it (see ``case_sections``).
NOT_YET_IMPORTED = {
    "sessions": (
        "attendance records cannot be imported yet: this version of Handover has no "
        "session register"
    ),
    "incidents": (
        "accident and safeguarding records cannot be imported yet: this version of "
        "Handover has no incident log"
    ),
}


def _objects(container, key):
    """``(index, item)`` for each object in ``container[key]``, whatever else is there
    (the schema reports the rest)."""
    items = container.get(key) if isinstance(container, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def parse_date(value) -> datetime.date | None:
    """The date, or None for anything that is not a real ``YYYY-MM-DD`` date."""
    if not isinstance(value, str) or not DATE_SHAPE.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class _Rules:
    def __init__(self, today):
        self.today = today
        self.problems: list[Problem] = []

    def report(self, path, reason):
        self.problems.append(Problem(tuple(path), reason))

    def check(self, data) -> list[Problem]:
        self.unique_refs(data, "staff", ("staff",))
        for i, staff in _objects(data, "staff"):
            self.staff(("staff", i), staff)
        self.unique_refs(data, "finance_records", ("finance_records",))
        for i, record in _objects(data, "finance_records"):
            self.finance(("finance_records", i), record)
        self.unique_refs(data, "cases", ("cases",))
        for i, case in _objects(data, "cases"):
            self.case(("cases", i), case)
        return self.problems

    def unique_refs(self, container, key, path):
        first_seen = {}
        for index, item in _objects(container, key):
            ref = item.get("ref")
            if not isinstance(ref, str):
                continue
            if ref in first_seen:
                earlier = render_path((*path, first_seen[ref]))
                self.report((*path, index, "ref"), f"{ref} is already the ref of {earlier}")
            else:
                first_seen[ref] = index

    def dates(self, path, record, fields) -> dict:
        """Check each date field of ``record``; return the real dates by field."""
        found = {}
        for field, when in fields.items():
            value = record.get(field)
            if not isinstance(value, str) or not DATE_SHAPE.match(value):
                continue  # absent, or the schema has said what is wrong with it
            date = parse_date(value)
            if date is None:
                self.report((*path, field), f"{value} is not a real date")
                continue
            if when == PAST and date > self.today:
                self.report((*path, field), f"{value} is in the future")
            found[field] = date
        return found

    def not_before(self, path, dates, later, earlier, reason):
        if later in dates and earlier in dates and dates[later] < dates[earlier]:
            self.report((*path, later), reason.format(later=dates[later], earlier=dates[earlier]))

    def staff(self, path, staff):
        dates = self.dates(path, staff, STAFF_DATES)
        self.not_before(
            path, dates, "ended_on", "started_on", "{later} is before the start date, {earlier}"
        )
        for i, check in _objects(staff, "dbs_checks"):
            self.dates((*path, "dbs_checks", i), check, DBS_DATES)
        for i, leave in _objects(staff, "parental_leave"):
            leave_path = (*path, "parental_leave", i)
            leave_dates = self.dates(leave_path, leave, LEAVE_DATES)
            self.not_before(
                leave_path,
                leave_dates,
                "ends_on",
                "starts_on",
                "{later} is before the leave starts, {earlier}",
            )
            if "child_born_on" not in leave and "adopted_on" not in leave:
                self.report(
                    leave_path,
                    "give child_born_on or adopted_on: the record is kept for a time counted "
                    "from one of them",
                )
        self.unique_refs(staff, "documents", (*path, "documents"))
        for i, document in _objects(staff, "documents"):
            self.dates((*path, "documents", i), document, DOCUMENT_DATES)

    def finance(self, path, record):
        dates = self.dates(path, record, FINANCE_DATES)
        end, until = dates.get("financial_year_end"), dates.get("spans_later_years_until")
        if end and until and until <= end:
            self.report(
                (*path, "spans_later_years_until"),
                f"{until} must be a later year end than financial_year_end, {end}",
            )

    def case(self, path, case):
        referral = case.get("referral")
        received = {}
        if isinstance(referral, dict):
            received = self.dates((*path, "referral"), referral, REFERRAL_DATES)
        dates = self.dates(path, case, CASE_DATES)
        closed, received_on = dates.get("closed_on"), received.get("received_on")
        if closed and received_on and closed < received_on:
            self.report(
                (*path, "closed_on"), f"{closed} is before the referral was received, {received_on}"
            )
        if "closure_reason" in case and "closed_on" not in case:
            self.report((*path, "closure_reason"), "is given but closed_on is not")

        self.unique_refs(case, "adults", (*path, "adults"))
        self.unique_refs(case, "children", (*path, "children"))
        for key in ("adults", "children"):
            for i, person in _objects(case, key):
                self.dates((*path, key, i), person, PERSON_DATES)
        adult_refs = {adult.get("ref") for _, adult in _objects(case, "adults")}
        child_refs = {child.get("ref") for _, child in _objects(case, "children")}

        for i, visit in _objects(case, "pre_visits"):
            visit_path = (*path, "pre_visits", i)
            self.dates(visit_path, visit, PRE_VISIT_DATES)
            adult = visit.get("adult")
            if isinstance(adult, str) and adult not in adult_refs:
                self.report((*visit_path, "adult"), f"no adult of this case has the ref {adult}")

        for i, incident in _objects(case, "incidents"):
            incident_path = (*path, "incidents", i)
            self.dates(incident_path, incident, INCIDENT_DATES)
            children = incident.get("children")
            for j, ref in enumerate(children if isinstance(children, list) else []):
                if isinstance(ref, str) and ref not in child_refs:
                    self.report(
                        (*incident_path, "children", j), f"no child of this case has the ref {ref}"
                    )
        for section in case_sections.registered():
            items = case.get(section.key, [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                continue  # the schema has said what is wrong
            found = section.validate(items, path=(*path, section.key), case=case, today=self.today)
            for item_path, reason in found:
                self.report(item_path, reason)
        for key, reason in NOT_YET_IMPORTED.items():
            if case.get(key) and case_sections.get(key) is None:
                self.report((*path, key), reason)
