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

# The checks run two workers (or kernels) on the machine's cores; a boosted model's OpenMP pool
# in each on top of that spins and runs several times slower (measured on the forecasting tests:
# 65 s against 25 s), so each gets one thread. `make lab` keeps the default: one kernel.
test lint unit notebooks solutions browser hub: export OMP_NUM_THREADS = 1

.PHONY: help install lab test lint unit notebooks solutions system-packages browser hub hub-setup bench format clean

help:
	@echo "make lab    set up (first time) and open the course in JupyterLab; ARGS=\"--no-browser --port 8888\""
	@echo "make test   set up (first time) and run every check: ruff, unit tests, notebooks, browser, hub"
	@echo "make bench  run the benchmarks in benchmarks/ and print their ratios"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv (from PyPI) fetches and installs the ~150 packages in parallel, about twice as fast as
	@# pip on a fresh machine; pip does it where uv cannot be installed. Bytecode is compiled
	@# up front, as pip does: otherwise the first kernels and test workers each compile it.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv \
	  && $(BIN)/python -m uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]' \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
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
	PM_TOOLKIT_HOME=$(TEST_HOME)/unit $(BIN)/python -m pytest -q -n 2 --dist loadgroup tests --ignore=tests/ui

# Lessons and learner editions: every exercise must end "not attempted", no cell may raise.
notebooks: $(STAMP)
	PM_TOOLKIT_HOME=$(TEST_HOME)/nb $(BIN)/pm-toolkit data prepare --scale small
	PM_TOOLKIT_HOME=$(TEST_HOME)/nb $(BIN)/python -m pytest -q -n 2 --dist loadscope $(NBVAL) $(NOTEBOOKS)

# Solution editions in strict mode: any exercise outcome but "correct" raises, so nbval fails.
# They run as a learner other than the default the lessons use, so every answer is shown right
# on a second learner's own data (tests/test_instructor_real.py grades two of them for her).
SOLUTIONS_LEARNER := asha@example.in
solutions: $(STAMP)
	@if ls exercises/solutions/*.ipynb >/dev/null 2>&1; then \
	  PM_TOOLKIT_LEARNER=$(SOLUTIONS_LEARNER) PM_TOOLKIT_HOME=$(TEST_HOME)/nb \
	    $(BIN)/pm-toolkit data prepare --scale small && \
	  PM_TOOLKIT_LEARNER=$(SOLUTIONS_LEARNER) PM_TOOLKIT_HOME=$(TEST_HOME)/solutions \
	  PM_TOOLKIT_DATA_DIR=$(TEST_HOME)/nb/data PM_TOOLKIT_STRICT=1 \
	    $(BIN)/python -m pytest -q -n 2 --dist loadscope $(NBVAL) exercises/solutions; \
	else echo "no solution editions yet"; fi

# In CI (.ci/run) the system packages these two checks need (Chromium, the hub's Debian Python,
# npm) install in the background while the checks before them run; wait here until they are in.
system-packages:
	@if [ -n "$${PM_CI_SETUP_STATUS:-}" ]; then \
	  n=0; while [ ! -e "$$PM_CI_SETUP_STATUS" ] && [ $$n -lt 900 ]; do sleep 2; n=$$((n+1)); done; \
	  grep -qx ok "$$PM_CI_SETUP_STATUS" 2>/dev/null || { \
	    echo "installing system packages failed or took over 30 minutes:" >&2; \
	    cat "$$PM_CI_SETUP_LOG" >&2; exit 1; }; \
	fi

browser: $(STAMP) system-packages
	PM_TOOLKIT_HOME=$(TEST_HOME)/browser $(BIN)/python -m pytest -q -p no:cacheprovider tests/ui

# The real-hub test (tests/hub): JupyterHub on 127.0.0.1 with real system users, the course
# installed in a world-readable user environment as on a workshop server (deploy/). It needs
# root; elsewhere it is skipped with the reason (under CI=true as root it must run).
HUB_ENV ?= /opt/pm-toolkit/hub-test-env
PROXY   := deploy/node_modules/.bin/configurable-http-proxy

hub: $(STAMP) system-packages
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory hub-setup; \
	else echo "make hub: not root, so the real-hub test is skipped (it creates system users)"; fi
	PM_TOOLKIT_HUB_TEST=1 PM_HUB_USER_ENV=$(HUB_ENV) PM_TOOLKIT_HOME=$(TEST_HOME)/hub \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/hub

hub-setup: $(PROXY)
	deploy/install-course.sh --seed-from $(VENV) $(HUB_ENV)

$(PROXY): deploy/package.json deploy/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the hub's proxy (apt-get install npm)" >&2; exit 1; }
	cd deploy && npm ci --no-audit --no-fund --silent
	@touch $@

# The browser and hub checks mostly wait on servers, so they run side by side (output kept
# per check); the rest use both cores themselves.
test: lint unit notebooks solutions
	$(MAKE) --no-print-directory -j2 --output-sync=target browser hub
	@echo "make test: all checks passed"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache build *.egg-info
