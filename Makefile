# newscrawler: the commands users and CI run. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE ?= shz
# Installed marker: reinstall when the dependency list changes.
STAMP := $(VENV)/.installed-stamp
# pywb, the replay engine the WARC tests serve archived pages with, pins an old redis client
# that clashes with ours: it gets a virtualenv of its own.
PYWB_VENV ?= .venv-pywb
PYWB_SPEC ?= pywb==2.10.0
PYWB_STAMP := $(PYWB_VENV)/.installed-stamp

.PHONY: help install pywb test crawl demo lint bench clean

help:
	@echo "make crawl SITE=shz   crawl a site's new articles into output/<site>/<UTC start>-0001.jsonl"
	@echo "   ... WARC=1         and the pages as fetched into <UTC start>-0001.warc.gz beside it"
	@echo "make test             install if needed and run the whole test suite"
	@echo "make demo             crawl the bundled offline replica into output/demo/"
	@echo "make lint             ruff (check + format check) and mypy"
	@echo "make bench            run the benchmarks under benchmarks/"
	@echo "make install          create $(VENV) and install the project with its test extra"
	@echo "make pywb             create $(PYWB_VENV) with pywb (the WARC tests' replay engine)"

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "newscrawler needs Python >= 3.10" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

pywb: $(PYWB_STAMP)

$(PYWB_STAMP):
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/python -m pip install --quiet '$(PYWB_SPEC)'
	touch $(PYWB_STAMP)

test: install pywb
	$(BIN)/python -m pytest

crawl: install
	$(BIN)/scrapy crawl $(SITE) $(if $(filter 1 true True yes,$(WARC)),-s NEWSCRAWLER_WARC=True)

demo: install
	$(BIN)/python -m newscrawler.demo

lint: install
	$(BIN)/ruff check newscrawler tests benchmarks
	$(BIN)/ruff format --check newscrawler tests benchmarks
	$(BIN)/mypy

# Pages per crawl for crawl_throughput.py: 1500 and 4500 show whether memory grows with N.
BENCH_PAGES ?= 1500 4500
bench: install
	$(BIN)/python benchmarks/dates.py
	$(BIN)/python benchmarks/crawl_throughput.py --n $(BENCH_PAGES)

clean:
	rm -rf $(VENV) $(PYWB_VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
