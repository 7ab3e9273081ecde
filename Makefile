# The two commands of the README: `make run` and `make test`.
# Django 6 needs Python 3.12 or newer; the first one found is used (set PYTHON to choose).

PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || true)

.PHONY: run test lint pytest smoke bench bench-search bench-retention bench-pages bench-smoke bench-load venv install install-test clean backup restore drill

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Handover needs Python 3.12 or newer (Django 6). Install it, or run: make PYTHON=/path/to/python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python

install: venv
	$(BIN)/pip install --quiet -e .

install-test: venv
	$(BIN)/pip install --quiet -e ".[test]"

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Serving Handover on http://127.0.0.1:8000"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

pytest: install-test
	@if [ -n "$(CHROMIUM)" ]; then \
		echo "Browser tests: using Chromium at $(CHROMIUM)"; \
		CHROMIUM_PATH="$(CHROMIUM)" $(BIN)/pytest; \
	elif [ "$$E2E_REQUIRED" = "1" ]; then \
		echo "E2E_REQUIRED=1 but Chromium was not found: failing."; exit 1; \
	else \
		echo "*** Chromium not found: SKIPPING the browser (end-to-end) tests. Install it with 'apt-get install chromium' to run them. ***"; \
		$(BIN)/pytest -m "not e2e"; \
	fi

# A short run on the embedded SQLite default: migrate, check, seed the demo, walk the URLs.
smoke: install-test
	rm -rf var/smoke && mkdir -p var/smoke
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=True \
		DATABASE_URL=sqlite:///$(CURDIR)/var/smoke/smoke.sqlite3 UPLOAD_ROOT=$(CURDIR)/var/smoke/uploads \
		sh -c '$(BIN)/python manage.py migrate --no-input -v0 && \
		       $(BIN)/python manage.py check && \
		       $(BIN)/python manage.py seed_demo && \
		       $(BIN)/pytest -q -p no:cacheprovider tests/test_url_access.py'

test: lint pytest smoke bench-smoke

# Speed, measured against a baseline in the same run (see bench/). Use PostgreSQL:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover make bench
# runs the three benchmarks; `make bench-search`, `make bench-retention` or
# `make bench-pages` runs one.
bench: bench-search bench-retention bench-pages

bench-search: install-test
	$(BIN)/python bench/case_search.py

bench-retention: install-test
	$(BIN)/python bench/retention.py

bench-pages: install-test
	$(BIN)/python bench/pages.py

# The three benchmarks at a tiny size, in under a minute (part of `make test`, so a
# benchmark cannot break unnoticed): each must still run, the disposal must leave what
# the SQL leaves, and the query counts must stay flat. Times are printed, never judged.
# PostgreSQL only, from DATABASE_URL as above; without it the run is skipped, loudly.
bench-smoke: install-test
	@case "$$DATABASE_URL" in 	  postgres*) ;; 	  *) echo "*** DATABASE_URL is not PostgreSQL: SKIPPING the benchmarks' smoke run. ***"; exit 0;; 	esac; 	set -e; 	BENCH_SMOKE=1 BENCH_CASES=200 $(BIN)/python bench/case_search.py; 	BENCH_SMOKE=1 BENCH_CASES=200 $(BIN)/python bench/retention.py; 	BENCH_SMOKE=1 BENCH_CASES=200 BENCH_MORE_CASES=200 $(BIN)/python bench/pages.py

# The load test (bench/load/run.py): gunicorn, PostgreSQL, 30 Locust users for two minutes.
# Not part of `make bench` or `make test`: it takes minutes and wants a quiet machine.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover REDIS_URL=redis://127.0.0.1:6379/0 make bench-load
bench-load: venv
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/load/run.py

# The database, the uploaded files and the proofs of disposal, into BACKUP_DIR
# (default var/backups/<timestamp>/). See "Backup and restore" in docs/operating.md.
backup: venv
	$(BIN)/python scripts/backup.py

# Refuses while anything else is connected to the database (stop web, worker and beat
# first), unless FORCE=1, which ends those connections. Restores BACKUP, puts back the
# audit trail written since it was made, then disposes again of what was disposed of
# since (retention_replay). PROOFS=<file> replays an off-site copy of the proofs.
restore: venv
	FORCE="$(FORCE)" PROOFS="$(PROOFS)" $(BIN)/python scripts/restore.py "$(BACKUP)"

# The fault drills (docs/faults.md), against the real PostgreSQL and Redis given, with
# real Celery workers; each test's name says what held:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/handover REDIS_URL=redis://127.0.0.1:6379/0 make drill
drill: install-test
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make drill needs DATABASE_URL=postgres://..."; exit 1;; esac
	@test -n "$$REDIS_URL" || { echo "make drill needs REDIS_URL=redis://..."; exit 1; }
	$(BIN)/pytest -p no:cacheprovider -v -rA tests/test_fault_drills.py tests/retention/test_races.py tests/retention/test_disposal_worker.py tests/test_faults.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
