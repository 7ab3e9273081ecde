"""A case's ``incidents`` in the records interchange format (``../shared/import-format``),
imported and exported for ``referrals.interchange`` through its registry of case sections.

How an imported incident is held
--------------------------------
An item has a kind, the date it happened, the children of the case it concerns (by ref),
a summary and the action taken: no time, no place, no names of its own.

- ``accident``: one accident book entry (``Accident``) per child listed, all sharing one
  ``occurrence`` (the entries written together for one event). Each copies the child's
  name and date of birth, as every entry about a child does, so it outlives the case.
  An accident listing no children becomes one entry about "Not recorded in the imported
  records" (the format does not say who was hurt; the entry must name someone).
  ``occurred_at`` is the date at 12:00 Europe/London, a placeholder time (or now, for an
  accident earlier today when it is not yet noon, so it is never in the future);
  ``what_happened`` is the summary; ``who_was_told`` is ``action_taken`` (the format's
  example gives "Both parents informed at handover" there); where, first aid and by whom
  stay empty. The entry's recorder is left empty: an import, not a person, wrote it.
- ``safeguarding``: one ``Incident`` with the date, summary and action taken, status open,
  ``opened_by`` empty, an ``IncidentChild`` copy for each child listed, and the
  safeguarding hold on its case (``safeguarding.holds.hold_for_incident``): the README
  says a case with a safeguarding incident is under a safeguarding hold.

Export writes the same items back. Accident entries of a case are grouped by
``occurrence`` into one item (its children are the entries' children, in the order they
were written; its summary and action taken are the first entry's ``what_happened`` and
``who_was_told``); an incident is one item with its children. Items come in the order of
the date they happened, then the order they were written (an accident before an incident
written at the same moment), so a file imported into an empty database exports to the
same items. What the format cannot carry is left out of an export: an accident's time,
place, first aid and by whom, an entry about someone who is not a child of the case (no
ref to give them), and an incident's triage, decision, actions and outcome.

With ``--update`` an item that equals one the case already exports is left alone; any
other is added. An import never changes or removes a safeguarding record.

Rules beyond the schema: a child may be listed once per item (the date checks and the
refs of the case's children are ``referrals.interchange.validation``'s).
"""

import datetime
import uuid

from django.db.models import Prefetch
from django.utils import timezone

from centre.services import record_save
from referrals.interchange.case_sections import CREATED, UNCHANGED, CaseSection, SectionImport
from referrals.interchange.references import own_reference
from referrals.interchange.validation import parse_date

from .accident_services import accident_record
from .models import Accident, Incident, IncidentChild

KEY = "incidents"
KEY_KIND = "incident"  # what the import summary counts: "1 incident"
ACCIDENT, SAFEGUARDING = "accident", "safeguarding"
NOBODY_NAMED = "Not recorded in the imported records"
PLACEHOLDER_TIME = datetime.time(12, 0)

EXPORTED_ACCIDENTS = "interchange_accidents"
EXPORTED_INCIDENTS = "interchange_incidents"


# Validation ----------------------------------------------------------------------


def validate_incidents(items, *, path, case, today):
    """``(path, reason)`` for each problem the schema and the shared rules cannot see."""
    for index, item in enumerate(items):
        children = item.get("children")
        seen = set()
        for position, ref in enumerate(children if isinstance(children, list) else []):
            if not isinstance(ref, str):
                continue
            if ref in seen:
                yield (*path, index, "children", position), f"{ref} is listed twice"
            seen.add(ref)


# Export --------------------------------------------------------------------------


def _accidents():
    return Accident.objects.select_related("child").order_by("recorded_at", "pk")


def _incidents():
    return Incident.objects.order_by("opened_at", "pk").prefetch_related(
        Prefetch("children", queryset=IncidentChild.objects.select_related("child").order_by("pk"))
    )


def _item(kind, occurred_on, children, summary, action_taken) -> dict:
    item = {"kind": kind, "occurred_on": occurred_on.isoformat()}
    refs = [own_reference(child) for child in children if child is not None]
    if refs:
        item["children"] = refs
    item["summary"] = summary
    if action_taken:
        item["action_taken"] = action_taken
    return item


def export_incidents(case) -> list[dict]:
    accidents = getattr(case, EXPORTED_ACCIDENTS, None)
    if accidents is None:
        accidents = _accidents().filter(case=case)
    incidents = getattr(case, EXPORTED_INCIDENTS, None)
    if incidents is None:
        incidents = _incidents().filter(case=case)

    occurrences: dict[uuid.UUID, list[Accident]] = {}
    for accident in accidents:
        occurrences.setdefault(accident.occurrence, []).append(accident)
    ordered = []
    for entries in occurrences.values():
        first = entries[0]
        on = timezone.localdate(first.occurred_at)
        item = _item(
            ACCIDENT,
            on,
            [entry.child for entry in entries],
            first.what_happened,
            first.who_was_told,
        )
        ordered.append(((on, first.recorded_at, 0, first.pk), item))
    for incident in incidents:
        item = _item(
            SAFEGUARDING,
            incident.occurred_on,
            [link.child for link in incident.children.all()],
            incident.summary,
            incident.action_taken,
        )
        ordered.append(((incident.occurred_on, incident.opened_at, 1, incident.pk), item))
    ordered.sort(key=lambda pair: pair[0])
    return [item for _, item in ordered]


# Import --------------------------------------------------------------------------


def occurred_at_for(day: datetime.date) -> datetime.datetime:
    """The placeholder time of an imported accident: noon in the centre's time zone, or
    now if that is still ahead today."""
    noon = timezone.make_aware(datetime.datetime.combine(day, PLACEHOLDER_TIME))
    return min(noon, timezone.now())


def import_incidents(section: SectionImport) -> None:
    case = section.case
    children, unmatched = {}, []
    if section.case_saved:
        children = {own_reference(child): child for child in case.children.all()}
        if section.update:
            unmatched = export_incidents(case)
    for index, item in enumerate(section.items):
        path = (*section.path, index)
        day = parse_date(item.get("occurred_on"))
        if day is None:
            continue  # validation has said why
        written = {key: value for key, value in item.items() if value not in ("", [])}
        if written in unmatched:
            unmatched.remove(written)
            section.save(path, case, None, keys=(), kind=KEY_KIND, action=UNCHANGED)
            continue
        listed = [children.get(ref) for ref in item.get("children", [])]
        if item["kind"] == ACCIDENT:
            _import_accident(section, path, case, day, listed, item)
        else:
            _import_incident(section, path, case, day, listed, item)


def _import_accident(section, path, case, day, children, item):
    occurrence = uuid.uuid4()
    for position, child in enumerate(children or [None]):
        accident = Accident(
            occurrence=occurrence,
            case=case,
            child=child,
            person_name=NOBODY_NAMED,
            occurred_at=occurred_at_for(day),
            what_happened=item["summary"],
            who_was_told=item.get("action_taken", ""),
        )
        section.save(
            path,
            accident,
            lambda accident=accident: accident_record(accident=accident),
            keys=(),
            parents=[("case", case)],
            kind=KEY_KIND if position == 0 else None,
            action=CREATED,
        )


def _import_incident(section, path, case, day, children, item):
    incident = Incident(
        case=case,
        case_reference=case.display_reference if case is not None else "",
        occurred_on=day,
        summary=item["summary"],
        action_taken=item.get("action_taken", ""),
        status=Incident.Status.OPEN,
        opened_by=None,
    )

    def write():
        from safeguarding.holds import hold_for_incident

        record_save(record=incident)
        for child in children:
            record_save(
                record=IncidentChild(
                    incident=incident,
                    child=child,
                    name=child.full_name,
                    date_of_birth=child.date_of_birth,
                )
            )
        hold_for_incident(incident=incident, actor=None)

    section.save(
        path,
        incident,
        write,
        keys=("occurred_on", "summary", "action_taken"),
        parents=[("case", case)],
        kind=KEY_KIND,
        action=CREATED,
    )


def section() -> CaseSection:
    """This app's part of a case in the interchange format (declared in
    ``declarations.py``)."""
    return CaseSection(
        KEY,
        nouns=(KEY_KIND, "incidents"),
        validate=validate_incidents,
        import_=import_incidents,
        export=export_incidents,
        prefetch=(
            Prefetch("accidents", queryset=_accidents(), to_attr=EXPORTED_ACCIDENTS),
            Prefetch("incidents", queryset=_incidents(), to_attr=EXPORTED_INCIDENTS),
        ),
    )
