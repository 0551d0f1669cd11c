# Profsites: build, run and check from a fresh clone. `make help` lists the targets.
#
# Everything runs from the project's own virtual environment (.venv), made by the first target
# that needs it and refreshed only when the pinned requirements change (the stamp file below).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser and HTML-validity tests' tools (axe-core, vnu-jar) from package-lock.json.
NODE_STAMP := node_modules/.installed
# `make test` refreshes them when npm is there; without it those tests skip (fail under CI=true).
NODE_TOOLS := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))
MANAGE := $(BIN)/python manage.py
VAR_DIR := $(or $(PROFSITES_VAR_DIR),var)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k news --create-db"`.
PYTEST_ARGS ?=
# Directories makemessages and compilemessages must not walk into.
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules --ignore=benchmarks

.DEFAULT_GOAL := help
.PHONY: help install demo run migrate test lint format lock messages clean stack stack-stop

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN { FS = ":.*?## " }; { printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2 }'

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 \
		|| { echo "npm is needed for the test tools in package.json (install Node.js 20+ with npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

install: $(STAMP) $(NODE_STAMP) ## Create .venv with requirements-dev.txt; node_modules with npm ci

migrate: $(STAMP) ## Apply database migrations (SQLite in var/ unless DATABASE_URL is set)
	mkdir -p $(VAR_DIR)
	$(MANAGE) relabel_app
	$(MANAGE) migrate --noinput

demo: migrate ## Set up, load the demo region and serve it on http://localhost:8000
	$(MANAGE) seed_demo
	$(MANAGE) runserver 0.0.0.0:8000

run: migrate ## Serve the current database on http://localhost:8000 (sites on *.localhost:8000)
	$(MANAGE) runserver 0.0.0.0:8000

stack: $(STAMP) ## Start the production topology here: Varnish :8080, gunicorn, nginx, PostgreSQL, Redis
	bash deploy/stack.sh start

stack-stop: ## Stop what `make stack` started
	bash deploy/stack.sh stop

test: $(STAMP) $(NODE_TOOLS) ## Run the whole test suite with pytest (PostgreSQL if DATABASE_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Check code and templates: ruff check, ruff format --check, djhtml --check
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	if [ -d templates ]; then \
		echo "djhtml --check templates"; $(BIN)/djhtml --check templates || status=1; \
	fi; \
	exit $$status

format: $(STAMP) ## Fix what the linters can: ruff check --fix, ruff format, djhtml
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	if [ -d templates ]; then $(BIN)/djhtml templates; fi

lock: ## Re-pin requirements*.txt from the ranges in pyproject.toml, in a throwaway venv
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	pip="$$tmp/venv/bin/python -m pip --quiet --disable-pip-version-check"; \
	$$pip install --upgrade pip; \
	"$$tmp/venv/bin/python" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > "$$tmp/main.in"; \
	$$pip install -r "$$tmp/main.in"; \
	$$pip freeze --exclude-editable > "$$tmp/main.txt"; \
	$$pip install --group dev -c "$$tmp/main.txt"; \
	$$pip freeze --exclude-editable > "$$tmp/all.txt"; \
	{ echo "# Pinned by \`make lock\` from the ranges in pyproject.toml: don't edit by hand."; \
	  cat "$$tmp/main.txt"; } > requirements.txt; \
	{ echo "# Pinned by \`make lock\` from pyproject.toml's dev group: don't edit by hand."; \
	  echo "-r requirements.txt"; grep -vxF -f "$$tmp/main.txt" "$$tmp/all.txt"; } > requirements-dev.txt; \
	echo "requirements.txt: $$(grep -c '==' requirements.txt) pins;" \
		"requirements-dev.txt: $$(grep -c '==' requirements-dev.txt) more"

messages: $(STAMP) ## Update and compile the Russian interface catalogue in locale/ (needs gettext)
	mkdir -p locale
	$(MANAGE) makemessages --locale=ru $(I18N_IGNORE)
	$(MANAGE) compilemessages --locale=ru $(I18N_IGNORE)

clean: ## Remove .venv, caches, collected static and test files (keeps var/db.sqlite3, media)
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts static-collected $(VAR_DIR)/static \
		$(VAR_DIR)/test-db.sqlite3 $(VAR_DIR)/test-media
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
