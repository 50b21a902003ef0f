"""Where pm_toolkit keeps its files, and the switches read from the environment.

Everything a learner's machine stores lives under one folder, ``~/.pm_toolkit`` by default,
so that an instructor can say "delete that folder" to start over. Each location can be moved
with an environment variable (CI and the grader point them at temporary folders).

>>> from pm_toolkit import config
>>> config.home_dir().name
'.pm_toolkit'
"""

from __future__ import annotations

import os
from pathlib import Path

#: The dataset seed used when no learner has been set: CI runs on it, so it must never change.
DEFAULT_SEED = 2026

HOME_ENV = "PM_TOOLKIT_HOME"
DATA_ENV = "PM_TOOLKIT_DATA_DIR"
PROGRESS_ENV = "PM_TOOLKIT_PROGRESS_DIR"
LEARNER_ENV = "PM_TOOLKIT_LEARNER"
STRICT_ENV = "PM_TOOLKIT_STRICT"
#: On a shared hub: the instructor's prepared, read-only worlds (``<dir>/<scale>/seed-<seed>``).
SHARED_DATA_ENV = "PM_TOOLKIT_SHARED_DATA"
#: On a shared hub: the learner's hand-in folder, readable by the instructors' group only.
EXCHANGE_ENV = "PM_TOOLKIT_EXCHANGE"

_TRUTHY = {"1", "true", "yes", "on"}

#: How a learner's kernel allocates memory, so that what a lesson frees goes back to the machine
#: (measured by benchmarks/bench_memory.py: 25 to 45 MiB less per kernel after lessons 03 and 07,
#: which on a hub is multiplied by every learner). glibc raises its "large block" threshold each
#: time pandas frees a big array, so later big arrays come from the heap and stay resident once
#: freed; a fixed threshold hands them back, and the trim threshold returns the heap's free top.
#: Arrow's own allocator (mimalloc) keeps freed pages for reuse; the system one follows the rules
#: above. ``make lab``, the hub's spawner and the grader start kernels with these.
KERNEL_MEMORY_ENV: dict[str, str] = {
    "MALLOC_MMAP_THRESHOLD_": "131072",
    "MALLOC_TRIM_THRESHOLD_": "131072",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}


def with_kernel_memory_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus :data:`KERNEL_MEMORY_ENV`; a value already in ``env`` wins (a user's choice).

    >>> with_kernel_memory_env({"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})["ARROW_DEFAULT_MEMORY_POOL"]
    'jemalloc'
    """
    return {**KERNEL_MEMORY_ENV, **env}


def home_dir() -> Path:
    """The folder holding the course's local state (``$PM_TOOLKIT_HOME`` or ``~/.pm_toolkit``)."""
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser() if env else Path.home() / ".pm_toolkit"


def data_dir() -> Path:
    """Where generated datasets are cached (``$PM_TOOLKIT_DATA_DIR`` or ``<home>/data``)."""
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else home_dir() / "data"


def progress_dir() -> Path:
    """Where exercise progress is stored (``$PM_TOOLKIT_PROGRESS_DIR`` or ``<home>/progress``)."""
    env = os.environ.get(PROGRESS_ENV)
    return Path(env).expanduser() if env else home_dir() / "progress"


def strict_mode() -> bool:
    """True when ``$PM_TOOLKIT_STRICT`` is set: any exercise outcome but "correct" raises.

    Solution editions run under nbval with this set, so a wrong reference fails CI.
    """
    return os.environ.get(STRICT_ENV, "").strip().lower() in _TRUTHY


def shared_data_dir() -> Path | None:
    """The read-only folder of worlds an instructor prepared for a cohort, if one is set.

    A JupyterHub sets ``$PM_TOOLKIT_SHARED_DATA`` for every learner; a laptop has none.
    The data store reads a learner's world from there when it is complete and never writes there.
    """
    env = os.environ.get(SHARED_DATA_ENV, "").strip()
    return Path(env).expanduser() if env else None


def exchange_dir() -> Path | None:
    """The learner's hand-in folder on a hub (``$PM_TOOLKIT_EXCHANGE``), or None on a laptop."""
    env = os.environ.get(EXCHANGE_ENV, "").strip()
    return Path(env).expanduser() if env else None
