# One task entry point: the same commands locally and in CI.
# `make demo`  installs pejling and builds the demo workspace (the main job).
# `make check` installs pejling (and, for the accessibility tests, Debian chromium and npm
#              axe-core; for the Spark parity test, Debian's Java 17; for the web application's
#              PostgreSQL run, Debian's postgresql) and runs lint, types and the test suite:
#              all of it on SQLite, then tests/web again on a PostgreSQL server it starts.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
DEMO_DIR ?= demo-workspace

.PHONY: install demo check lint types test browser-deps java-deps postgres-deps clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.8"

install: $(UV)
	$(UV) sync --locked --quiet

demo: install
	$(UV) run --locked pejling demo --out $(DEMO_DIR)

lint: install
	$(UV) run --locked ruff check src tests
	$(UV) run --locked ruff format --check src tests

types: install
	$(UV) run --locked mypy

browser-deps:
	scripts/browser-deps.sh

java-deps:
	scripts/java-deps.sh

postgres-deps:
	scripts/postgres-deps.sh

# two test processes (pytest-xdist: the machine's two cores); the second run: the web
# application's tests against PostgreSQL, reusing the first run's demo workspace; the browser
# tests run once (on SQLite): they test pages, not the database
TEST_PROCESSES ?= 2
test: install browser-deps java-deps postgres-deps
	PEJLING_TEST_DEMO_DIR=$(TOOLS)/test-demo $(UV) run --locked pytest -n $(TEST_PROCESSES)
	PEJLING_TEST_DEMO_DIR=$(TOOLS)/test-demo PEJLING_TEST_POSTGRES=1 $(UV) run --locked pytest -n $(TEST_PROCESSES) tests/web --ignore-glob='tests/web/test_*browser.py'

check: lint types test

clean:
	rm -rf $(TOOLS) .venv $(DEMO_DIR)
