# Hallpass: `make demo` starts the portal with a demo district; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint unit e2e e2e-deps lock benchmarks clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hallpass needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python manage.py demo --host $(HOST) --port $(PORT)

test: lint unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

unit: $(STAMP) e2e-deps
	$(BIN)/pytest

# axe-core comes from the npm registry (package-lock.json pins it); Chromium from
# Debian's package. Without either, the browser suite reports itself skipped.
e2e-deps:
	@if command -v npm >/dev/null 2>&1; then \
		[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the browser suite will be skipped"; fi

e2e: $(STAMP) e2e-deps
	$(BIN)/pytest -m e2e e2e

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/sync_benchmark.py
	$(BIN)/python benchmarks/login_benchmark.py
	$(BIN)/python benchmarks/session_renewal_benchmark.py
	$(BIN)/python benchmarks/launchpad_benchmark.py
	$(BIN)/python benchmarks/support_queue_benchmark.py

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-find-links \
		--no-emit-index-url --no-emit-trusted-host --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var node_modules staticfiles
