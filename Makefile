# Two commands do all the set-up: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := greenbm
# The application's packages: the core (greenbm) and one per domain, at the repository root.
PACKAGES := greenbm accounts catalog certification procurement eligibility dashboard admin ops seeds

.PHONY: run test install check-lock lock upgrade system-deps test-system-deps translations document-fonts extract-messages lint serve-prod

# Every Python package comes from uv.lock, at exactly the locked version. uv itself is pinned
# too and installed from the package registry into .venv-uv when missing.
UV_VERSION := 0.13.8
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
# The machine's python3, never a downloaded build; copies, since the cache may sit on
# another file system than the project.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Compile to bytecode at install time, as pip does: jieba 0.42 has invalid escape sequences that
# would otherwise be compiled at first import, where pytest turns the SyntaxWarning into an error.
export UV_COMPILE_BYTECODE := 1
LOCK_MISMATCH := pyproject.toml and uv.lock disagree: run 'make lock' and commit uv.lock with \
	pyproject.toml (or 'git checkout pyproject.toml' to undo the change).

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# Reinstall only when the dependencies change; --locked refuses a lock that pyproject.toml
# no longer matches instead of silently re-resolving.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	@$(UV) lock --locked --quiet || { echo "$(LOCK_MISMATCH)" >&2; exit 1; }
	$(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.installed system-deps translations document-fonts

# Check, without installing, that uv.lock matches pyproject.toml (CI runs it first).
check-lock: | $(UV)
	@$(UV) lock --locked --quiet || { echo "$(LOCK_MISMATCH)" >&2; exit 1; }
	@echo "uv.lock matches pyproject.toml"

# Re-resolve after a change to pyproject.toml, keeping every other locked version.
lock: | $(UV)
	$(UV) lock

# The one deliberate upgrade: newest allowed versions of everything, then the whole suite.
# Leaves the new uv.lock in the working tree for you to review and commit.
upgrade: | $(UV)
	$(UV) lock --upgrade
	$(UV) sync --locked
	touch $(VENV)/.installed
	$(MAKE) test
	@git --no-pager diff --stat -- uv.lock
	@echo "The suite passed on the upgraded lock: review 'git diff uv.lock' and commit it."

system-deps:
	@bash scripts/system-deps.sh runtime

test-system-deps:
	@bash scripts/system-deps.sh browser

# Small CJK faces cut from the system's Noto CJK into static/fonts, so documents render fast.
document-fonts: $(VENV)/.installed system-deps
	@$(BIN)/python -m greenbm.document_fonts

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --ignore-dirs='.* __pycache__' \
		-o translations/messages.pot $(PACKAGES) templates
	$(BIN)/pybabel -q update -N -i translations/messages.pot -d translations

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask catalog reindex
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh dev

# Lint and the import contracts first: they take seconds, the suite minutes.
test: install test-system-deps lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Production-style: gunicorn (gunicorn.conf.py) with several workers beside this instance's
# index follower; set DATABASE_URL for PostgreSQL and REDIS_URL for shared rate limits.
# No reindex here: the follower builds a missing index and otherwise catches up.
WORKERS ?= 4
serve-prod: install
	$(BIN)/flask db upgrade
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) bash scripts/serve.sh prod
