# XSight: `make demo` runs the product, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXTENSION := xsight/services/ingest/_copy_rows.c
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml setup.py $(EXTENSION) | cksum | cut -d' ' -f1)
FRONTEND := frontend_embedded
export FLASK_APP := wsgi.py

.PHONY: demo test install frontend frontend-test e2e lint typecheck pytest clean

$(STAMP): pyproject.toml setup.py $(EXTENSION)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

frontend:
	@if [ -f $(FRONTEND)/package.json ]; then \
	  cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build; \
	else echo "frontend: $(FRONTEND)/package.json not present yet, skipping build"; fi

frontend-test: frontend
	cd $(FRONTEND) && npm test --silent

e2e: frontend install
	tests/e2e/run.sh
	env -u DATABASE_URL -u REDIS_URL tests/e2e/run_demo.sh

lint: install
	$(BIN)/ruff check xsight tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: install frontend lint typecheck frontend-test pytest e2e

demo: install frontend
	$(BIN)/python -m xsight.demo

clean:
	rm -rf $(VENV) instance $(FRONTEND)/node_modules $(FRONTEND)/dist build
	rm -f xsight/services/ingest/*.so
