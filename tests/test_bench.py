"""Every benchmark runs in CI at a tiny size, so none can break unnoticed: `make test`
runs `make bench-smoke`, which runs each script of bench/ in its smoke mode."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recipe(target):
    """The recipe of ``target`` in the Makefile, its continued lines joined."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n?)*)", text, re.MULTILINE)
    assert match, f"no target {target} in the Makefile"
    return match.group(1)


def test_make_test_runs_the_benchmarks_smoke_run():
    line = re.search(r"^test:(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert "bench-smoke" in line.group(1).split()


def test_the_smoke_run_runs_every_benchmark_small_in_its_smoke_mode():
    commands = [c.strip() for c in recipe("bench-smoke").split(";") if "bench/" in c]
    scripts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "bench").glob("*.py"))
    assert sorted(c.split()[-1] for c in commands) == scripts
    for command in commands:
        assert "BENCH_SMOKE=1" in command
        cases = re.search(r"BENCH_CASES=(\d+)", command)
        assert cases and int(cases.group(1)) <= 500, command
