PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install install-dev serve browser-deps bench bench-tools bench-queries bench-page bench-post \
	bench-sanitize bench-admin bench-explain bench-import bench-triage bench-markup

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## make run: install, migrate, load the seed articles and serve http://127.0.0.1:8000/
## with a background worker beside the server (emails, webhooks); Ctrl-C stops both.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	@# The worker gets a session of its own so that stopping it stops its autoreloader child too.
	@setsid $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: install the test tools and run the whole suite
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## make browser-deps: Debian's Chromium for the browser tests and nginx for the HTTP cache
## test (apt-get, as root), if missing. Never `playwright install`: the tests drive /usr/bin/chromium.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then \
	  echo "browser tests: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium \
	  || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; \
	else \
	  echo "Chromium is missing: run 'sudo apt-get install chromium' to run the browser tests" >&2; exit 1; \
	fi
	@if [ -x /usr/sbin/nginx ]; then \
	  echo "HTTP cache test: $$(/usr/sbin/nginx -v 2>&1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light \
	  || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; }; \
	else \
	  echo "nginx is missing: run 'sudo apt-get install nginx-light' to run the HTTP cache test" >&2; exit 1; \
	fi

## make bench: every benchmark (README "Performance"); each also runs alone, below.
## Data goes to bench/.data/ (SQLite) or BENCH_DATABASE_URL / BENCH_POSTGRES_URL, emptied first.
bench: bench-queries bench-page bench-markup bench-post bench-sanitize bench-admin

bench-tools:
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || sudo apt-get install -y wrk

bench-queries: install
	$(PY) bench/queries.py

bench-page: install bench-tools
	$(PY) bench/page.py

bench-markup: install
	$(PY) bench/markup.py

bench-post: install
	$(PY) bench/posts.py

bench-sanitize: install
	$(PY) bench/sanitize.py

bench-admin: install
	$(PY) bench/admin.py

bench-explain: install
	$(PY) bench/explain.py

bench-import: install
	$(PY) bench/imports.py

bench-triage: install
	$(PY) bench/triage.py
