# Hallpass: `make demo` starts the portal with a demo district; `make test` runs every test.
# `make help` lists the targets: each one's `## ` comment is its line there.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help demo test lint unit e2e e2e-deps lock benchmarks clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hallpass needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

help: ## list these targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/\1\t\2/' | \
		awk -F '\t' '{ printf "  make %-12s %s\n", $$1, $$2 }'

demo: $(STAMP) ## install, load a demo district into SQLite and serve it (HOST, PORT)
	$(BIN)/python manage.py demo --host $(HOST) --port $(PORT)

test: lint unit ## ruff, mypy, the migration check and the whole pytest suite

lint: $(STAMP) ## ruff, mypy --strict, makemigrations --check and Django's checks
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

unit: $(STAMP) e2e-deps ## the whole pytest suite (the browser tests too, when Chromium is here)
	$(BIN)/pytest

# axe-core comes from the npm registry (package-lock.json pins it); Chromium from
# Debian's package. Without either, the browser suite reports itself skipped.
e2e-deps: ## install axe-core from npm for the browser suite
	@if command -v npm >/dev/null 2>&1; then \
		[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the browser suite will be skipped"; fi

e2e: $(STAMP) e2e-deps ## the browser suite alone (Chromium + axe-core)
	$(BIN)/pytest -m e2e e2e

benchmarks: $(STAMP) ## the benchmark scripts (minutes; see benchmarks/README.md)
	$(BIN)/python benchmarks/sync_benchmark.py
	$(BIN)/python benchmarks/login_benchmark.py
	$(BIN)/python benchmarks/session_renewal_benchmark.py
	$(BIN)/python benchmarks/launchpad_benchmark.py
	$(BIN)/python benchmarks/support_queue_benchmark.py

lock: $(STAMP) ## re-pin requirements.lock from pyproject.toml
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-find-links \
		--no-emit-index-url --no-emit-trusted-host --output-file requirements.lock pyproject.toml

clean: ## remove the virtualenv, var/, node_modules and collected static files
	rm -rf $(VENV) var node_modules staticfiles
