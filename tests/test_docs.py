"""The documentation a newcomer reads names real files: every repository path in the README,
docs/ and bench/README.md exists, and the README stays short enough to read."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "bench" / "README.md",
]

# Made at run time, never committed: the development database and uploads, backups,
# the load test's logs, collected static files, a restore's exports.
MADE_AT_RUN_TIME = ("var/", "staticfiles/", "restore-exports")

PATH_ENDINGS = (".py", ".md", ".yml", ".toml", ".html", ".js", ".css")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _looks_like_a_path(text):
    if any(c in text for c in " <>:$*=\"'") or text.startswith(("/", "-", "~")):
        return False  # a command, a URL, a placeholder, an absolute path or an option
    return "/" in text or text.endswith(PATH_ENDINGS)


def _somewhere_in_the_repository(name):
    """A bare file name ("each app's `retention.py`") names a file in some folder."""
    skipped = {".git", ".venv", "node_modules", "__pycache__"}
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [s for s in subfolders if s not in skipped]
        if name in files:
            return Path(folder) / name
    return ROOT / name


def paths_named_in(document):
    """(path as written, the file it means) for each repository path the document names:
    code spans from the repository's root (a bare file name from any folder), links from
    the document's own folder."""
    text = document.read_text()
    for span in CODE_SPAN.findall(text):
        if _looks_like_a_path(span) and not span.startswith(MADE_AT_RUN_TIME):
            yield span, ROOT / span if "/" in span else _somewhere_in_the_repository(span)
    for target in LINK.findall(text):
        target = target.split("#", 1)[0]
        if target and "://" not in target and not target.startswith("mailto:"):
            yield target, document.parent / target


def test_the_documents_are_there():
    assert all(document.is_file() for document in DOCUMENTS)
    assert {"architecture.md", "operating.md", "privacy.md"} <= {d.name for d in DOCUMENTS}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_repository_path_a_document_names_exists(document):
    missing = sorted({written for written, path in paths_named_in(document) if not path.exists()})
    assert missing == [], f"{document.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_the_checker_finds_paths_and_skips_urls_commands_and_placeholders(tmp_path):
    document = tmp_path / "page.md"
    document.write_text(
        "See `centre/access.py`, `Makefile.py`, [it](other.md), [web](https://example.test/a.md),\n"
        "`make restore BACKUP=var/backups/x`, `var/backups/<timestamp>/`, `redis://host/0`,\n"
        "`/data/uploads` and `X-Forwarded-For`.\n"
    )
    found = dict(paths_named_in(document))
    assert list(found) == ["centre/access.py", "Makefile.py", "other.md"]
    assert found["centre/access.py"].exists()
    assert not found["Makefile.py"].exists()
    assert found["other.md"] == tmp_path / "other.md"


def test_the_readme_is_under_160_lines():
    lines = (ROOT / "README.md").read_text().count("\n")
    assert lines < 160, f"README.md has {lines} lines: move detail into docs/"
