"""The layers between the apps hold (docs/architecture.md), and `make lint` would catch an
import that breaks them: here `lint-imports` runs on a copy of the code, as it is and with
one upward import added."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.html"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint_imports(where):
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_run_from_the_base_layer_to_config():
    [contract] = CONFIG["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"][-1] == "core"
    assert contract["layers"][0] == "config"
    assert set(contract["layers"]) == set(PACKAGES)
    # Referrals and attendance sit below safeguarding; no domain app sits above retention
    # or privacy requests.
    order = contract["layers"].index
    assert order("safeguarding") < order("attendance") < order("referrals") < order("centre")
    assert order("privacy_requests") < order("retention") < order("safeguarding")


def test_the_code_keeps_its_layers(copy_of_the_code):
    result = lint_imports(copy_of_the_code)

    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("core", "centre.models"),
        ("centre", "referrals.models"),
        ("referrals", "safeguarding.models"),
        ("attendance", "privacy_requests.models"),
        ("safeguarding", "retention.engine"),
    ],
)
def test_an_upward_import_breaks_the_lint(copy_of_the_code, importer, imported):
    (copy_of_the_code / importer / "upward.py").write_text(f"import {imported}  # noqa\n")

    result = lint_imports(copy_of_the_code)

    assert result.returncode == 1
    assert f"{importer}.upward -> {imported}" in result.stdout
