# The two commands of the course (see README): `make lab` and `make test`.
# Both create .venv on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
OUT    := test-output
# Tests and notebook runs keep their data and progress here, never in the learner's ~/.pm_toolkit.
TEST_HOME := $(CURDIR)/$(OUT)/home
NBVAL  := -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout=180 \
          --nbval-sanitize-with tests/nbval_sanitize.cfg
NOTEBOOKS := lessons $(wildcard exercises/*.ipynb)

.PHONY: help install lab test lint unit notebooks solutions browser bench format clean

help:
	@echo "make lab    set up (first time) and open the course in JupyterLab; ARGS=\"--no-browser --port 8888\""
	@echo "make test   set up (first time) and run every check: ruff, unit tests, notebooks, browser"
	@echo "make bench  run the benchmarks in benchmarks/ and print their ratios"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/pm-toolkit lab $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(STAMP)
	PM_TOOLKIT_HOME=$(TEST_HOME)/unit $(BIN)/python -m pytest -q -n 2 tests --ignore=tests/ui

# Lessons and learner editions: every exercise must end "not attempted", no cell may raise.
notebooks: $(STAMP)
	PM_TOOLKIT_HOME=$(TEST_HOME)/nb $(BIN)/pm-toolkit data prepare --scale small
	PM_TOOLKIT_HOME=$(TEST_HOME)/nb $(BIN)/python -m pytest -q -n 2 --dist loadscope $(NBVAL) $(NOTEBOOKS)

# Solution editions in strict mode: any exercise outcome but "correct" raises, so nbval fails.
solutions: $(STAMP)
	@if ls exercises/solutions/*.ipynb >/dev/null 2>&1; then \
	  PM_TOOLKIT_HOME=$(TEST_HOME)/nb $(BIN)/pm-toolkit data prepare --scale small && \
	  PM_TOOLKIT_HOME=$(TEST_HOME)/solutions PM_TOOLKIT_DATA_DIR=$(TEST_HOME)/nb/data PM_TOOLKIT_STRICT=1 \
	    $(BIN)/python -m pytest -q -n 2 --dist loadscope $(NBVAL) exercises/solutions; \
	else echo "no solution editions yet"; fi

browser: $(STAMP)
	PM_TOOLKIT_HOME=$(TEST_HOME)/browser $(BIN)/python -m pytest -q -p no:cacheprovider tests/ui

test: lint unit notebooks solutions browser
	@echo "make test: all checks passed"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache build *.egg-info
