"""The records interchange format (``../shared/import-format``): checking a file against
its schema and rules, importing it all or nothing, and exporting records in it."""

from . import case_sections
from .exporter import export_data, export_json
from .importer import ImportRejected, ImportResult, import_data, import_file
from .validation import FORMAT, SCHEMA_PATH, Problem, render_path, validate

__all__ = [
    "FORMAT",
    "SCHEMA_PATH",
    "ImportRejected",
    "ImportResult",
    "Problem",
    "case_sections",
    "export_data",
    "export_json",
    "import_data",
    "import_file",
    "render_path",
    "validate",
]
