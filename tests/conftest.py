"""Shared fixtures: every test session gets its own pm_toolkit home, never the learner's."""

from __future__ import annotations

import os
import warnings

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


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the marks into node-id groups
def pytest_collection_modifyitems(config, items):
    """Keep tests that share an expensive per-process cache on one xdist worker.

    A truth test file builds each learner's lesson once (``functools.cache`` per seed), the
    exercise self-tests compute each lesson's references once per context, and a module-scoped
    fixture (a graded cohort, a generated world) is built once per worker; spread over two
    workers, both would pay for it. ``make unit`` runs with ``--dist loadgroup``; other runs
    ignore the mark.
    """
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module.startswith("test_truth_") or _uses_own_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(module))
        elif module == "test_course_selftests":
            ex = getattr(getattr(item, "callspec", None), "params", {}).get("ex")
            lesson = getattr(ex, "lesson", None)
            if lesson:
                item.add_marker(pytest.mark.xdist_group(f"selftests_{lesson}"))


def _uses_own_module_fixture(item) -> bool:
    """Whether the test asks for a module-scoped fixture its own module defines."""
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    own = item.module.__name__ if item.module else None
    return any(
        d.scope == "module" and getattr(d.func, "__module__", None) == own
        for chain in defs.values()
        for d in chain
    )


@pytest.hookimpl(trylast=True)  # after xdist has (or has not) moved the groups into node ids
def pytest_collection_finish(session):
    """Say so when ``--dist loadgroup`` lost the groups (pytest 9.2 with xdist 3.8 did): the
    run stays correct but each worker rebuilds every shared cache and the suite slows."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [
        i.nodeid
        for i in session.items
        if i.get_closest_marker("xdist_group") and "@" not in i.nodeid
    ]
    if lost:
        warnings.warn(
            pytest.PytestWarning(
                f"--dist loadgroup ignored the groups of {len(lost)} tests (e.g. {lost[0]}); "
                "check the pytest and pytest-xdist versions (pytest-xdist issue #1386)"
            ),
            stacklevel=1,
        )
