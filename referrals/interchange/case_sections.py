"""The parts of a case in the interchange format that other apps hold.

A case in the format carries lists that belong to apps built on ``referrals``: its
``sessions`` (attendance) and its ``incidents`` (safeguarding). ``referrals`` imports none
of them. Each app registers a handler for its key from its ``AppConfig.ready()``:

    case_sections.register(
        "sessions",
        nouns=("session", "sessions"),
        validate=validate_sessions,   # (items, *, path, case, today) -> [(path, reason)]
        import_=import_sessions,      # (section: SectionImport) -> None
        export=export_sessions,       # (case) -> list of dicts, [] for none
        prefetch=(Prefetch(...),),    # what ``export`` reads, loaded for every case at once
    )

A key of the format with no handler is refused on import with the reason in
``validation.NOT_YET_IMPORTED``; a registered one is validated, imported and exported by
its handler, in the same transaction and under the same all-or-nothing rule as the rest.
"""

import dataclasses
from collections.abc import Callable, Iterable

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


_registry: dict[str, CaseSection] = {}


def register(
    key: str,
    *,
    nouns: tuple[str, str],
    validate: Callable,
    import_: Callable,
    export: Callable,
    prefetch: Iterable = (),
) -> CaseSection:
    """Hand the case's ``key`` list to these functions. Registering a key again replaces
    its handler (``ready()`` may run more than once in tests)."""
    section = CaseSection(key, tuple(nouns), validate, import_, export, tuple(prefetch))
    _registry[key] = section
    return section


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered() -> list[CaseSection]:
    return list(_registry.values())


def get(key: str) -> CaseSection | None:
    return _registry.get(key)
