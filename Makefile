# Two commands do all the set-up: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := greenbm

.PHONY: run test install system-deps test-system-deps translations extract-messages lint serve-prod

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed system-deps translations

system-deps:
	@bash scripts/system-deps.sh runtime

test-system-deps:
	@bash scripts/system-deps.sh browser

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d greenbm/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --ignore-dirs='.* __pycache__' \
		-o greenbm/translations/messages.pot greenbm
	$(BIN)/pybabel -q update -N -i greenbm/translations/messages.pot -d greenbm/translations

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask catalog reindex
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh dev

test: install test-system-deps
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check greenbm tests
	$(BIN)/ruff format --check greenbm tests

# Production-style: gunicorn (gunicorn.conf.py) with several workers beside this instance's
# index follower; set DATABASE_URL for PostgreSQL and REDIS_URL for shared rate limits.
# No reindex here: the follower builds a missing index and otherwise catches up.
WORKERS ?= 4
serve-prod: install
	$(BIN)/flask db upgrade
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) bash scripts/serve.sh prod
