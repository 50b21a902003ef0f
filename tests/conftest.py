"""Shared fixtures: every test session gets its own pm_toolkit home, never the learner's."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from pm_toolkit import config

# CI explores the same examples on every run, so a red build is reproducible and never a
# coin toss; local runs keep exploring new inputs (and a failure found there gets fixed).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

_ENV_VARS = (
    config.HOME_ENV,
    config.DATA_ENV,
    config.PROGRESS_ENV,
    config.LEARNER_ENV,
    config.STRICT_ENV,
)


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory):
    """Point PM_TOOLKIT_HOME at a temporary folder for the whole session (per xdist worker)."""
    saved = {name: os.environ.pop(name, None) for name in _ENV_VARS}
    home = tmp_path_factory.mktemp("pm_home")
    os.environ[config.HOME_ENV] = str(home)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: Learner seeds every "only true things" test runs over: the default learner's (2026, the one CI
#: lessons use) and four others, seed 2 among them (it broke the Simpson's-paradox story once).
TRUTH_SEEDS = (2026, 1, 2, 7, 42)


@pytest.fixture(params=TRUTH_SEEDS, ids=lambda s: f"seed{s}")
def truth_seed(request) -> int:
    """Each test that states a fact about the data runs once per learner seed in TRUTH_SEEDS."""
    return request.param


def pytest_collection_modifyitems(config, items):
    """Keep tests that share an expensive per-process cache on one xdist worker.

    A truth test file builds each learner's lesson once (``functools.cache`` per seed) and the
    exercise self-tests compute each lesson's references once per context; spread over two
    workers, both would pay for it. ``make unit`` runs with ``--dist loadgroup``; other runs
    ignore the mark.
    """
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module.startswith("test_truth_"):
            item.add_marker(pytest.mark.xdist_group(module))
        elif module == "test_course_selftests":
            ex = getattr(getattr(item, "callspec", None), "params", {}).get("ex")
            lesson = getattr(ex, "lesson", None)
            if lesson:
                item.add_marker(pytest.mark.xdist_group(f"selftests_{lesson}"))
