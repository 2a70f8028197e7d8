# Two commands: `make run` serves the demo store on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format clean browser binary

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Ebanista needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml widget/package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	cd widget && npm ci --no-audit --no-fund --silent
	@touch $@ $(VENV)/.installed

# The printed links, snippets and invitations use the address we serve on (unless one is set).
run: export EBANISTA_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/ebanista migrate
	$(BIN)/ebanista seed-demo
	EBANISTA_LOG_FORMAT=$${EBANISTA_LOG_FORMAT:-console} $(BIN)/ebanista serve --host $(HOST) --port $(PORT)

# The suite runs twice: the appliance on SQLite, then platform mode on this machine's PostgreSQL
# and Redis (EBANISTA_TEST_DATABASE_URL, EBANISTA_TEST_REDIS_URL). Without them the platform run
# is skipped loudly, or fails when CI=true. The platform's databases belong to an ordinary role the
# app connects as, so row-level security holds every test as it holds production (a superuser
# would pass through it); EBANISTA_TEST_DATABASE_ROLE= (empty) runs them as the URL's user.
TEST_DATABASE_ROLE ?= ebanista_test_owner
test: $(VENV)/.installed-test lint browser binary
	EBANISTA_TEST_BACKEND=sqlite $(BIN)/pytest
	EBANISTA_TEST_BACKEND=platform EBANISTA_TEST_DATABASE_ROLE=$${EBANISTA_TEST_DATABASE_ROLE-$(TEST_DATABASE_ROLE)} $(BIN)/pytest

# The single binary (PyInstaller): rebuilt only when a packaged file changed. tests/test_binary.py
# runs it. The build host's glibc is the oldest the binary runs on (docs/deploy.md).
BINARY_SOURCES := pyproject.toml $(shell git ls-files appliance webui tui packaging/pyinstaller 2>/dev/null)

binary: dist/ebanista

dist/ebanista: $(VENV)/.installed-test $(BINARY_SOURCES) | browser
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/pyinstaller/ebanista.spec
	@touch $@

# Browser tests drive Debian's Chromium with Playwright (its own browser download is not used);
# the PDF summaries need Pango (WeasyPrint). CI runs as root, so it can install what is missing.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@ldconfig -p | grep -q libpangoft2-1.0 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info build dist
