"""Importing a records file: all of it, in one transaction, or nothing.

The file is checked first (schema and rules, see ``validation``) and against the database
(a ref already held is a conflict unless ``update``). Then every record that has a
trustworthy shape is built and saved through the services, which validate it with
``full_clean``; each model error is reported at the record's JSON path. If anything at all
was wrong the transaction is rolled back and every problem is raised in ``ImportRejected``.
"""

import dataclasses
import datetime
import json
from collections import Counter
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from centre.models import (
    DBSCheck,
    FinanceRecord,
    ParentalLeave,
    StaffDocument,
    StaffMember,
)
from centre.services import record_save, staff_member_save

from ..models import Adult, Case, Child, PreVisit, Referral, StatusChange
from ..services import case_create, pre_visit_save, referral_update
from . import case_sections
from .case_sections import CREATED, UNCHANGED, UPDATED, SectionImport
from .references import by_reference
from .validation import Problem, parse_date, sort_key, validate

Status = Case.Status
IMPORTED = "Imported"


class ImportRejected(Exception):
    """The file was not imported; ``problems`` says why, every reason with its path."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) found; nothing was imported.")


# What was done --------------------------------------------------------------------

# Each top-level kind with the kinds that belong to it, in the order the summary names them.
GROUPS = (
    ("staff", ("dbs_check", "parental_leave", "document")),
    ("finance", ()),
    ("case", ("adult", "child", "pre_visit")),
)
NOUNS = {
    "staff": ("staff member", "staff members"),
    "dbs_check": ("DBS check", "DBS checks"),
    "parental_leave": ("parental leave record", "parental leave records"),
    "document": ("document", "documents"),
    "finance": ("finance record", "finance records"),
    "case": ("case", "cases"),
    "adult": ("adult", "adults"),
    "child": ("child", "children"),
    "pre_visit": ("pre-visit", "pre-visits"),
}


def _groups():
    """GROUPS, with the case sections other apps registered (sessions, incidents) among
    the kinds that belong to a case."""
    sections = tuple(section.kind for section in case_sections.registered())
    return tuple(
        (top, belonging + sections if top == "case" else belonging) for top, belonging in GROUPS
    )


def _count(kind, number):
    section_nouns = {section.kind: section.nouns for section in case_sections.registered()}
    singular, plural = NOUNS.get(kind) or section_nouns[kind]
    return f"{number} {singular if number == 1 else plural}"


def _phrase(counts: Counter) -> str:
    """``1 staff member (1 DBS check, 2 documents), 1 case (2 adults)``."""
    parts = []
    for top, belonging in _groups():
        inner = [_count(kind, counts[kind]) for kind in belonging if counts[kind]]
        if counts[top]:
            parts.append(_count(top, counts[top]) + (f" ({', '.join(inner)})" if inner else ""))
        else:
            parts += inner
    return ", ".join(parts)


@dataclasses.dataclass
class ImportResult:
    update: bool
    counts: dict[str, Counter] = dataclasses.field(
        default_factory=lambda: {CREATED: Counter(), UPDATED: Counter(), UNCHANGED: Counter()}
    )

    def summary(self) -> str:
        if not self.update:
            created = _phrase(self.counts[CREATED])
            return f"Imported {created or 'nothing: the file holds no records'}."
        labels = {CREATED: "created ", UPDATED: "updated ", UNCHANGED: "already up to date: "}
        parts = [
            labels[action] + _phrase(counts) for action, counts in self.counts.items() if +counts
        ]
        return f"Imported: {'; '.join(parts) or 'nothing, the file holds no records'}."


# Entry points ---------------------------------------------------------------------


def import_file(path, *, update: bool = False) -> ImportResult:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ImportRejected([Problem((), f"cannot read {path}: {error.strerror}")]) from None
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ImportRejected([Problem((), f"{path} is not valid JSON: {error}")]) from None
    return import_data(data, update=update)


def import_data(data, *, update: bool = False, today: datetime.date | None = None) -> ImportResult:
    """Import a parsed records file, or raise ``ImportRejected`` having written nothing."""
    today = today or timezone.localdate()
    problems = validate(data, today=today)
    if not isinstance(data, dict):
        raise ImportRejected(problems)
    if not update:
        problems += _conflicts(data)
    importer = _Importer(update=update, today=today, skip=_untrustworthy(problems))
    with transaction.atomic():
        importer.run(data)
        model_problems = [
            problem
            for problem in importer.problems
            if not any(problem.path[: len(p.path)] == p.path for p in problems)
        ]
        problems = sorted(dict.fromkeys(problems + model_problems), key=sort_key)
        if problems:
            raise ImportRejected(problems)
    return importer.result


# Conflicts with what the database holds -------------------------------------------


TOP_LEVEL = {"staff": StaffMember, "finance_records": FinanceRecord, "cases": Case}


def _conflicts(data) -> list[Problem]:
    problems = []
    for key, model in TOP_LEVEL.items():
        items = data.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            ref = item.get("ref") if isinstance(item, dict) else None
            if isinstance(ref, str) and ref and by_reference(model.objects.all(), ref):
                noun = model._meta.verbose_name
                problems.append(
                    Problem(
                        (key, index, "ref"),
                        f"a {noun} with the ref {ref} is already in Handover: import with "
                        "--update to update it, or take it out of the file",
                        "conflict",
                    )
                )
    return problems


def _untrustworthy(problems) -> set:
    """Top-level records (``("cases", 3)``) or whole lists (``("cases",)``) whose shape the
    schema rejected: building them could only fail in ways already reported."""
    skip = set()
    for problem in problems:
        if problem.kind != "schema":
            continue
        if problem.path in ((), ("format",)):  # not this format at all: build nothing
            skip |= {(key,) for key in TOP_LEVEL}
        skip.add(problem.path[:2])
    return skip


# Building and saving --------------------------------------------------------------

# The JSON key that each model field is written from, where the two names differ.
RENAMED = {
    "former_reference": "ref",
    "certificate_copy": "has_certificate_copy",
    "certificate_copy_held_elsewhere": "has_certificate_copy",
}


def _assign(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; whether anything changed."""
    changed = False
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def _date(data, key):
    return parse_date(data.get(key))


class _Importer:
    def __init__(self, *, update, today, skip):
        self.update = update
        self.today = today
        self.skip = skip
        self.problems: list[Problem] = []
        self.result = ImportResult(update=update)

    # -- bookkeeping

    def count(self, action, kind):
        self.result.counts[action][kind] += 1

    def problem(self, path, reason):
        self.problems.append(Problem(tuple(path), reason, "model"))

    def report(self, path, error: ValidationError, keys=()):
        """Each of the model's errors at the JSON path of the key it concerns; ``keys``
        are the model fields the format carries under the same name."""
        errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, messages in errors.items():
            if field in (None, NON_FIELD_ERRORS):
                target, prefix = path, ""
            elif field in RENAMED or field in keys:
                target, prefix = (*path, RENAMED.get(field, field)), ""
            else:  # a model field the format does not carry
                target, prefix = path, f"{field.replace('_', ' ')}: "
            self.problems += [
                Problem(tuple(target), prefix + message, "model") for message in messages
            ]

    def save(self, path, instance, write, *, keys, parents=(), kind=None, action) -> bool:
        """Validate and save ``instance`` through ``write`` (a service, which calls
        ``full_clean``), and count it under ``kind``. Under a parent that could not be
        saved it is only validated, so its own problems are still reported. Returns
        whether it was saved (or, unchanged, needed no saving)."""
        unsaved = [name for name, parent in parents if parent is None or parent.pk is None]
        try:
            if unsaved:
                instance.full_clean(exclude=unsaved)
                return False
            if action != UNCHANGED:
                write()
        except ValidationError as error:
            self.report(path, error, keys)
            return False
        if kind:
            self.count(action, kind)
        return True

    # -- the file

    def run(self, data):
        for key, build in (
            ("staff", self.staff),
            ("finance_records", self.finance_record),
            ("cases", self.case),
        ):
            items = data.get(key)
            if (key,) in self.skip or not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if (key, index) not in self.skip:
                    build((key, index), item)

    def staff(self, path, data):
        member = by_reference(StaffMember.objects.all(), data["ref"])
        if member is not None and not self.update:
            return  # a conflict, reported already
        values = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data.get("email", ""),
            "role": data["role"],
            "paid": data.get("paid", True),
            "started_on": _date(data, "started_on"),
            "ended_on": _date(data, "ended_on"),
        }
        if member is None:
            member, action = StaffMember(former_reference=data["ref"], **values), CREATED
        else:
            action = UPDATED if _assign(member, values) else UNCHANGED
        self.save(
            path,
            member,
            lambda: staff_member_save(staff_member=member),
            keys=values,
            kind="staff",
            action=action,
        )

        unmatched = list(member.dbs_checks.order_by("pk")) if member.pk else []
        for index, check_data in enumerate(data.get("dbs_checks", [])):
            self.dbs_check((*path, "dbs_checks", index), member, check_data, unmatched)
        unmatched = list(member.parental_leave.order_by("pk")) if member.pk else []
        for index, leave_data in enumerate(data.get("parental_leave", [])):
            self.parental_leave((*path, "parental_leave", index), member, leave_data, unmatched)
        for index, document_data in enumerate(data.get("documents", [])):
            self.document((*path, "documents", index), member, document_data)

    @staticmethod
    def _take(unmatched, **same):
        """The first record not yet matched whose fields equal ``same``."""
        for record in unmatched:
            if all(getattr(record, field) == value for field, value in same.items()):
                unmatched.remove(record)
                return record
        return None

    def dbs_check(self, path, member, data, unmatched):
        values = {
            "checked_on": _date(data, "checked_on"),
            "certificate_number": data["certificate_number"],
            "level": data.get("level", DBSCheck.Level.ENHANCED),
            "decision": data["decision"],
            "outcome": data.get("outcome", ""),
        }
        check = self._take(unmatched, certificate_number=values["certificate_number"])
        if check is None:
            check, action = DBSCheck(staff_member=member, **values), CREATED
        else:
            action = UPDATED if _assign(check, values) else UNCHANGED
        # The file brings no certificate itself: a copy it says exists is held outside
        # Handover. An import never removes a copy, nor brings back one that was destroyed.
        held_elsewhere = (
            data.get("has_certificate_copy", False)
            and not check.certificate_copy
            and not check.certificate_destroyed_on
            and not check.certificate_copy_held_elsewhere
        )
        if held_elsewhere:
            check.certificate_copy_held_elsewhere = True
            action = UPDATED if action == UNCHANGED else action
        self.save(
            path,
            check,
            lambda: record_save(record=check),
            keys=values,
            parents=[("staff_member", member)],
            kind="dbs_check",
            action=action,
        )

    def parental_leave(self, path, member, data, unmatched):
        values = {
            "starts_on": _date(data, "starts_on"),
            "ends_on": _date(data, "ends_on"),
            "child_born_on": _date(data, "child_born_on"),
            "adopted_on": _date(data, "adopted_on"),
            "disability_allowance": data.get("disability_allowance", False),
        }
        leave = self._take(unmatched, starts_on=values["starts_on"])
        if leave is None:
            leave, action = ParentalLeave(staff_member=member, **values), CREATED
        else:
            action = UPDATED if _assign(leave, values) else UNCHANGED
        self.save(
            path,
            leave,
            lambda: record_save(record=leave),
            keys=values,
            parents=[("staff_member", member)],
            kind="parental_leave",
            action=action,
        )

    def document(self, path, member, data):
        values = {
            "category": data["category"],
            "title": data["title"],
            "last_used_on": _date(data, "last_used_on"),
            "notes": data.get("notes", ""),
        }
        document = by_reference(member.documents.all(), data["ref"]) if member.pk else None
        if document is None:
            document = StaffDocument(staff_member=member, former_reference=data["ref"], **values)
            action = CREATED
        else:
            action = UPDATED if _assign(document, values) else UNCHANGED
        self.save(
            path,
            document,
            lambda: record_save(record=document),
            keys=values,
            parents=[("staff_member", member)],
            kind="document",
            action=action,
        )

    def finance_record(self, path, data):
        record = by_reference(FinanceRecord.objects.all(), data["ref"])
        if record is not None and not self.update:
            return
        values = {
            "description": data["description"],
            "category": data.get("category", FinanceRecord.Category.OTHER),
            "financial_year_end": _date(data, "financial_year_end"),
            "spans_later_years_until": _date(data, "spans_later_years_until"),
        }
        if record is None:
            record, action = FinanceRecord(former_reference=data["ref"], **values), CREATED
        else:
            action = UPDATED if _assign(record, values) else UNCHANGED
        self.save(
            path,
            record,
            lambda: record_save(record=record),
            keys=values,
            kind="finance",
            action=action,
        )

    # -- cases

    def case(self, path, data):
        case = by_reference(Case.objects.all(), data["ref"])
        if case is not None and not self.update:
            return
        referral_data = data["referral"]
        values = {
            "source": referral_data["source"],
            "received_on": _date(referral_data, "received_on"),
            "service": referral_data["service"],
            "court_order": referral_data.get("court_order", False),
            "cafcass_involved": referral_data.get("cafcass_involved", False),
            "referrer_name": referral_data.get("referrer_name", ""),
            "referrer_organisation": referral_data.get("referrer_organisation", ""),
            "referrer_email": referral_data.get("referrer_email", ""),
            "notes": referral_data.get("notes", ""),
        }
        new = case is None
        if new:
            case = self.new_case(path, data["ref"], values)
        else:
            referral = case.referral
            referral_changed = _assign(referral, values)
            if referral.source == Referral.Source.OTHER and not referral.source_other:
                referral.source_other = self._source_other(values)
                referral_changed = True
            self.save(
                (*path, "referral"),
                referral,
                lambda: referral_update(referral=referral),
                keys=values,
                action=UPDATED if referral_changed else UNCHANGED,
            )

        adults = {}
        for index, adult_data in enumerate(data["adults"]):
            adults.setdefault(
                adult_data["ref"], self.person((*path, "adults", index), case, Adult, adult_data)
            )
        for index, child_data in enumerate(data["children"]):
            self.person((*path, "children", index), case, Child, child_data)
        unmatched = list(case.pre_visits.order_by("pk")) if case and case.pk else []
        for index, visit_data in enumerate(data.get("pre_visits", [])):
            adult = adults.get(visit_data["adult"])
            if adult is not None:
                self.pre_visit((*path, "pre_visits", index), case, adult, visit_data, unmatched)
        for section in case_sections.registered():
            if data.get(section.key):
                section.import_(
                    SectionImport(
                        case=case,
                        items=data[section.key],
                        path=(*path, section.key),
                        update=self.update,
                        today=self.today,
                        save=self.save,
                        problem=self.problem,
                    )
                )

        if new and case is not None:
            self.set_imported_status(path, case, data)
        elif not new:
            closure_changed = self.update_closure(path, case, data)
            self.count(UPDATED if referral_changed or closure_changed else UNCHANGED, "case")

    @staticmethod
    def _source_other(values):
        # The format has no field for where an "other" referral came from, and the model
        # asks for one: the referrer's organisation says it best, where there is one.
        return values["referrer_organisation"] or "Not recorded in the imported records"

    def new_case(self, path, ref, values):
        referral = Referral(**values)
        if referral.source == Referral.Source.OTHER:
            referral.source_other = self._source_other(values)
        try:
            referral.full_clean(exclude=["case"])
        except ValidationError as error:
            self.report((*path, "referral"), error, values)
            return None
        try:
            case = case_create(referral=referral, former_reference=ref)
        except ValidationError as error:
            self.report(path, error)
            return None
        self.count(CREATED, "case")
        return case

    def person(self, path, case, model, data):
        values = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": _date(data, "date_of_birth"),
        }
        if model is Adult:
            values |= {
                "role": data["role"],
                "relationship": data.get("relationship", ""),
                **{key: data.get(key, "") for key in ("email", "phone", "address", "postcode")},
            }
        else:
            values["needs"] = data.get("needs", "")
        person = None
        if case is not None and case.pk:
            person = by_reference(model.objects.filter(case=case), data["ref"])
        if person is None:
            person, action = model(case=case, former_reference=data["ref"], **values), CREATED
        else:
            action = UPDATED if _assign(person, values) else UNCHANGED
        self.save(
            path,
            person,
            lambda: record_save(record=person),
            keys=values,
            parents=[("case", case)],
            kind=model._meta.model_name,
            action=action,
        )
        return person

    def pre_visit(self, path, case, adult, data, unmatched):
        values = {"visited_on": _date(data, "visited_on"), "notes": data.get("notes", "")}
        visit = None
        if adult.pk:
            visit = self._take(unmatched, adult_id=adult.pk, visited_on=values["visited_on"])
        if visit is None:
            visit, action = PreVisit(case=case, adult=adult, **values), CREATED
        else:
            action = UPDATED if _assign(visit, values) else UNCHANGED
        self.save(
            path,
            visit,
            lambda: pre_visit_save(
                pre_visit=visit, children=list(visit.children.all()) if visit.pk else ()
            ),
            keys={"adult": None, **values},
            parents=[("case", case), ("adult", adult)],
            kind="pre_visit",
            action=action,
        )

    def set_imported_status(self, path, case, data):
        """An import records a case as it stood, rather than walking it through the
        transitions: closed when the file gives ``closed_on``; active when each resident
        and visiting adult (at least one of each) has had a pre-visit; at pre-visits when
        some have; otherwise received."""
        visited = {visit["adult"] for visit in data.get("pre_visits", [])}
        needed = [adult for adult in data["adults"] if adult["role"] in ("resident", "visiting")]
        roles = {adult["role"] for adult in needed}
        if "closed_on" in data:
            status = Status.CLOSED
        elif roles == {"resident", "visiting"} and all(a["ref"] in visited for a in needed):
            status = Status.ACTIVE
        elif visited:
            status = Status.PRE_VISITS
        else:
            status = Status.RECEIVED
        case.status_changes.update(reason=IMPORTED)
        if status == Status.RECEIVED:
            return
        case.status = status
        case.status_changed_at = timezone.now()
        case.closed_on = _date(data, "closed_on")
        case.closure_reason = data.get("closure_reason", "")
        # The centre has just taken the case over: its first review is due now.
        case.next_review_on = self.today if status == Status.ACTIVE else None
        try:
            record_save(record=case)
        except ValidationError as error:
            self.report(path, error, ("closed_on", "closure_reason"))
            return
        StatusChange.objects.create(
            case=case, from_status=Status.RECEIVED, to_status=status, reason=IMPORTED
        )

    def update_closure(self, path, case, data) -> bool:
        """With ``update``: close a case the file says was closed, or correct its closure.
        An import never reopens a case, and leaves a declined one as it is. Returns
        whether the case changed."""
        if case.status == Status.DECLINED:
            return False
        if "closed_on" not in data:
            if case.status == Status.CLOSED:
                self.problems.append(
                    Problem(
                        (*path, "closed_on"),
                        f"is missing, but the case was closed in Handover on "
                        f"{case.closed_on}; an import does not reopen a case",
                        "model",
                    )
                )
            return False
        values = {
            "closed_on": _date(data, "closed_on"),
            "closure_reason": data.get("closure_reason", ""),
        }
        from_status = case.status
        changed = _assign(case, values)
        if from_status != Status.CLOSED:
            case.status = Status.CLOSED
            case.status_changed_at = timezone.now()
            case.next_review_on = None
            changed = True
        saved = self.save(
            path,
            case,
            lambda: record_save(record=case),
            keys=values,
            action=UPDATED if changed else UNCHANGED,
        )
        if saved and from_status != Status.CLOSED:
            StatusChange.objects.create(
                case=case, from_status=from_status, to_status=Status.CLOSED, reason=IMPORTED
            )
        return changed and saved
