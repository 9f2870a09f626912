# EnergyReview: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/energyreview
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format check bench install system-deps test-system-deps messages demo worker unit integration e2e

$(STAMP): requirements.txt
	@PYBIN=$$(bash scripts/find_python.sh) || exit 1; \
	  echo "using $$PYBIN ($$($$PYBIN --version))"; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "error: $(VENV) is not Python >= 3.12; remove it and retry" >&2; exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $(STAMP)

install: system-deps $(STAMP) messages

system-deps:
	@bash scripts/install_system_deps.sh

test-system-deps:
	@bash scripts/install_system_deps.sh --test
	@# axe-core for the accessibility checks of the browser tests (package.json, pinned).
	@if command -v npm >/dev/null 2>&1; then \
	  [ -f node_modules/axe-core/axe.min.js ] || npm install --no-audit --no-fund --silent; \
	else echo "warning: npm not found; browser tests skip their axe-core checks" >&2; fi

messages: $(STAMP)
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py compilemessages -v0 --ignore=.venv; \
	else echo "no translation catalogues under locale/"; fi

demo: install
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py migrate --noinput -v1
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py seed_demo

run: demo
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py collectstatic --noinput -v0
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL set: starting a Celery worker and beat (logs in var/)"; \
	  DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) -m celery -A config worker -B -l INFO \
	    -Q celery,documents --logfile var/celery-worker.log --detach --pidfile var/celery-worker.pid; \
	else echo "REDIS_URL not set: Celery tasks run in-process"; fi
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py runserver $(HOST)

# One worker for both queues; in production run the `documents` queue on its own machines
# (README, production): `celery -A config worker -Q documents`.
worker: install
	$(PY) -m celery -A config worker -l INFO -Q celery,documents

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite: unit, app and browser layers on SQLite and, in parallel, the app and browser
# layers on PostgreSQL (scripts/test_layers.sh); then the integration layer on PostgreSQL +
# Redis + a real worker (skipped when absent unless REQUIRE_SERVICES=1).
test: install test-system-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	PY=$(PY) bash scripts/test_layers.sh
	@if [ "$$REQUIRE_SERVICES" != "1" ] && ! ( (exec 3<>/dev/tcp/127.0.0.1/5432) && \
	    (exec 3<>/dev/tcp/127.0.0.1/6379) ) 2>/dev/null; then \
	  echo "integration layer skipped: PostgreSQL or Redis not reachable (REQUIRE_SERVICES=1 fails instead)"; \
	else \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_WORKER_TESTS=1 \
	    $(PY) -m pytest tests/integration -q -rs; \
	fi

unit: $(STAMP)
	@# the pure engine alone: no Django plugin, and not tests/conftest.py (it loads Django)
	$(PY) -m pytest tests/rules -q -p no:django --noconftest

check: lint test

bench: install
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done
