# Veille: `make run` opens the app on a demo watch, `make test` runs the whole suite.
# Both set up what they need first (a .venv with the pinned requirements, Debian packages
# for the browser tests), and skip what is already there.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/veille.duckdb
PORT ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: setup os-deps run demo test lint bench model eval clean-data

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# The French catalog is compiled at install; the app reads the .po itself if this was skipped.
MO := i18n/locales/fr/LC_MESSAGES/veille.mo
$(MO): i18n/locales/fr/LC_MESSAGES/veille.po $(STAMP)
	$(PY) -m i18n compile

setup: $(STAMP) $(MO)

# Chromium renders charts for the browser tests and PDF export; DejaVu gives PDFs their accents;
# PostgreSQL's server is the catalog of the DuckLake tests (a throw-away cluster per run).
# Installed through apt where we are allowed to; elsewhere the tests that need them say so and skip.
os-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-dejavu-core poppler-utils postgresql >/dev/null; \
	else echo "note: install chromium, fonts-dejavu-core, poppler-utils and postgresql for" \
		"the browser and lake tests"; fi

# The demo watch is collected once; delete data/veille.duckdb to regenerate it.
demo: setup
	@if [ ! -f $(DB) ]; then $(PY) -m collectors run --db $(DB); fi

# The app and the collector scheduler together: the scheduler writes (each source on its
# `every`, notifications, digests), the app reads. Ctrl-C stops both.
run: demo
	@VEILLE_DB=$(DB) $(PY) -m collectors watch --db $(DB) --quiet & watcher=$$!; \
	trap 'kill -INT $$watcher 2>/dev/null; wait $$watcher 2>/dev/null' EXIT INT TERM; \
	VEILLE_DB=$(DB) $(PY) -m ui.launch run app.py --server.address $(ADDRESS) \
		--server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: setup os-deps
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) benchmarks/bench_collect_demo.py

# Rebuild the sentiment models from ../shared/labelled (public corpora, never copied here) and
# print their figures on the public test splits. The models are committed: `run` needs neither.
model: setup
	$(PY) -m training

eval: setup
	$(PY) benchmarks/eval_sentiment.py

clean-data:
	rm -f $(DB) $(DB).wal $(basename $(DB)).sentiment-*.npz
