# The two commands of DESIGN.md ("Running it"), plus lint and translations.
#   make demo   create .venv, install, migrate SQLite, load demo data, serve http://127.0.0.1:8000
#   make test   install the test extras and run the whole suite (embedded defaults, or the
#               PostgreSQL/Redis named by DATABASE_URL/REDIS_URL)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Every core (pytest-xdist); worksteal evens out the few slow journeys.
PYTEST_ARGS ?= -n auto --dist worksteal

.PHONY: demo test lint messages install clean bench bench-faults bench-http bench-chat

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

# Prints p50/p95 server time per page on a throwaway database (bench/runner.py): SQLite in a
# temp dir, or the PostgreSQL of BENCH_DATABASE_URL; e.g. make bench BENCH_ARGS="groups --scale small"
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# Pages under concurrent load on the real server (uvicorn, production settings), each right after
# the floor (bench/floor) in the same run: req/s, p50, p99, errors, ratios, peak RSS
# (bench/http/). A quick run: make bench-http BENCH_HTTP_ARGS="--scale small --seconds 3"
bench-http: install
	$(BIN)/python -m bench.http $(BENCH_HTTP_ARGS)

# The chat send path against the stored floor (bench/chat.py): 20 members on two portal and two
# floor processes, interleaved rounds; p50/p99, ratios, messages stored and lost.
# A quick run: make bench-chat CHAT_ARGS="--rounds 1 --count 100"
bench-chat: install
	$(BIN)/python -m bench.chat $(CHAT_ARGS)

# The chaos run (bench/faults.py): 20 members chatting over two web processes on a PostgreSQL and
# a Redis of its own while Redis restarts twice and a web process is killed; prints sent, stored,
# acknowledged and received counts. A quick run: make bench-faults FAULTS_ARGS="--seconds 20"
bench-faults: install
	$(BIN)/python -m bench.faults $(FAULTS_ARGS)

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
# Each app keeps its own catalogue; the folder must exist first, or makemessages writes the
# strings into LOCALE_PATHS (portal's) instead.
APPS := portal groups volunteers partners matching curriculum messaging search alerts dashboards
messages: export DEBUG = 1
messages: install
	@for app in $(APPS); do \
	  [ -d $$app ] || continue; \
	  mkdir -p $$app/locale/zh_Hans/LC_MESSAGES; \
	  (cd $$app && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete \
	    && ../$(BIN)/python ../manage.py compilemessages -l zh_Hans) || exit 1; \
	done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-results
