"""The parts of a case in the interchange format that other apps hold.

A case in the format carries lists that belong to apps built on ``referrals``: its
``sessions`` (attendance) and its ``incidents`` (safeguarding). ``referrals`` imports none
of them. Each app declares a handler for its key in its ``declarations.py``, filling the
``CASE_SECTION`` hook (``core.declarations``):

    declarations.add(CASE_SECTION, CaseSection(
        "sessions",
        nouns=("session", "sessions"),
        validate=validate_sessions,   # (items, *, path, case, today) -> [(path, reason)]
        import_=import_sessions,      # (section: SectionImport) -> None
        export=export_sessions,       # (case) -> list of dicts, [] for none
        prefetch=(Prefetch(...),),    # what ``export`` reads, loaded for every case at once
    ))

A key of the format with no handler is refused on import with the reason in
``validation.NOT_YET_IMPORTED``; a registered one is validated, imported and exported by
its handler, in the same transaction and under the same all-or-nothing rule as the rest.
"""

import dataclasses
from collections.abc import Callable, Iterable

from core.declarations import CASE_SECTION, declarations

# What the import did with a record; the summary counts each under its kind.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclasses.dataclass(frozen=True)
class CaseSection:
    key: str
    nouns: tuple[str, str]
    validate: Callable[..., Iterable[tuple[tuple, str]]]
    import_: Callable[["SectionImport"], None]
    export: Callable[[object], list[dict]]
    prefetch: tuple = ()

    @property
    def kind(self) -> str:
        """The name the import summary counts this section's records under."""
        return self.nouns[0]


@dataclasses.dataclass
class SectionImport:
    """What a section's ``import_`` is handed for one case of the file.

    ``case`` is the saved case, or an unsaved one (or None) when the case itself could not
    be saved: the handler then only checks its records, so their problems are reported too.
    ``save`` validates and writes a record (see ``_Importer.save`` for its arguments);
    ``problem`` reports a reason at a JSON path."""

    case: object
    items: list[dict]
    path: tuple
    update: bool
    today: object
    save: Callable[..., bool]
    problem: Callable[[tuple, str], None]

    @property
    def case_saved(self) -> bool:
        return self.case is not None and self.case.pk is not None


def registered() -> tuple[CaseSection, ...]:
    return declarations.get(CASE_SECTION)


def get(key: str) -> CaseSection | None:
    return next((section for section in registered() if section.key == key), None)
