# Two entry points for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
VG := $(VENV)/bin/villegraph

.PHONY: run test test-fast lint bench system-deps clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## build the graph and serve it on http://127.0.0.1:8000 (embedded store)
run: $(VENV)/.installed
	$(VG) build
	$(VG) serve

## everything CI runs: system packages (Chromium, Virtuoso), lint, the whole test suite
test: $(VENV)/.installed system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

## the quick subset for development: no browser, no external store
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not browser and not store and not slow"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## SCALES=10k,100k by default; `make bench SCALES=10M` for the national-scale build (opt-in)
SCALES ?= 10k,100k
bench: $(VENV)/.installed system-deps
	$(PY) benchmarks/run.py --scales $(SCALES)

system-deps:
	bash .ci/system-deps

clean:
	rm -rf $(VENV) dist .dist.* .pytest_cache build
