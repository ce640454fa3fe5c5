# The two commands of DESIGN.md ("Running it"), plus lint and translations.
#   make demo   create .venv, install, migrate SQLite, load demo data, serve http://127.0.0.1:8000
#   make test   install the test extras and run the whole suite (embedded defaults, or the
#               PostgreSQL/Redis named by DATABASE_URL/REDIS_URL)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint messages install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; run: make PYTHON=python3 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

demo: export DEBUG = 1
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)/  (e-mails, such as sign-up confirmations, print here)"
	$(BIN)/uvicorn portal.asgi:application --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: export DEBUG = 1
messages: install
	cd portal && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete
	cd portal && ../$(BIN)/python ../manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-results
