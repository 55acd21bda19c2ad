# Two commands set everything up: `make run` and `make test`. See README.md.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := .uv/bin/uv
PY := .venv/bin/python
PYTHON ?= python3

.PHONY: install run test lint format worker beat bench faults audit clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen
	@touch $@

install: .venv/.synced

run: install
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py seed_demo --if-empty
	@# Embedded scheduler: with the local settings' eager tasks, beat runs each periodic task
	@# in its own process (reminders print to the console), so no broker is needed.
	@export DJANGO_SETTINGS_MODULE=config.settings.local; \
	$(PY) -m celery -A config beat --loglevel=WARNING --pidfile= & BEAT=$$!; \
	trap 'kill $$BEAT 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Two processes by default (the suite is CPU-bound); PYTEST_ARGS adds or overrides options.
PYTEST_ARGS ?= -n auto
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	.venv/bin/lint-imports
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=deploy-check-only-$$(openssl rand -hex 32) \
	  DATABASE_URL=postgres://deploy-check@127.0.0.1:5432/unused REDIS_URL=redis://127.0.0.1:6379/0 \
	  DJANGO_ALLOWED_HOSTS=countersign.example.org $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Needs PostgreSQL on 127.0.0.1:5432 (see docs/performance.md). The dataset is built once and reused.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# Stops and restarts this machine's Redis and PostgreSQL under load: a test machine only.
faults: install
	$(PY) -m bench.faults

# Known vulnerabilities in the locked dependencies (needs PyPI's JSON API or OSV to be reachable).
audit: install
	@mkdir -p var
	$(UV) export --frozen --no-hashes --format requirements-txt > var/requirements-audit.txt
	$(UV) tool run pip-audit==2.10.1 --disable-pip --no-deps -r var/requirements-audit.txt

worker: install
	$(PY) -m celery -A config worker --loglevel=INFO

beat: install
	$(PY) -m celery -A config beat --loglevel=INFO

clean:
	rm -rf .venv .uv var/countersign.sqlite3
