# Two front doors: `make run` (set up and start the app) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run install dev system-deps test test-fast lint fix bench bench-ci index clean

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

## make run: install, index the shipped knowledge base on first start, serve the app on http://localhost:$(PORT)
run: install
	$(PY) -m toolkit index
	$(PY) -m streamlit run streamlit_app.py --server.address localhost --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

## system-deps: Debian packages the real-renderer, browser and database tests use (LibreOffice, poppler, Chromium, PostgreSQL)
system-deps:
	bash scripts/system_deps.sh

## make test: install dev dependencies and system packages, then run the whole suite
test: dev system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup -m "not e2e"
	# the browser tests last and alone: a headless Chromium beside two busy workers times out on 2 cores
	$(PY) -m pytest -m e2e
	$(MAKE) --no-print-directory bench-ci

## bench-ci: the scale and load benchmarks at CI size, numbers in the log (full-size numbers: README "Measured")
bench-ci: dev
	mkdir -p test-artifacts
	$(PY) scripts/bench_scale.py --sizes 300,1000 --json test-artifacts/bench-scale.json
	$(PY) scripts/bench_load.py --sessions 4 > test-artifacts/bench-load.json; status=$$?; \
		cat test-artifacts/bench-load.json; exit $$status

test-fast: dev
	$(PY) -m pytest -n 2 --dist loadgroup -m "not integration and not e2e"

lint: dev
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

fix: dev
	$(PY) -m ruff check --fix . && $(PY) -m ruff format .

index: install
	$(PY) -m toolkit index

bench: dev
	$(PY) scripts/bench_retrieval.py
	$(PY) scripts/bench_drafting.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
