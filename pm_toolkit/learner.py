"""Who is learning: a learner id, set once, from which that learner's dataset seed is derived.

Two learners get different data (and so different correct answers); the same learner gets the
same data on every machine. With no learner set, the course default seed is used, which keeps
CI deterministic.

>>> from pm_toolkit.learner import seed_for
>>> seed_for("asha@example.in") == seed_for("  Asha@Example.in ")
True
>>> seed_for("asha@example.in") != seed_for("ravi@example.in")
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from pm_toolkit import config

DEFAULT_LEARNER = "default"
_FILE = "learner.json"


def normalise(learner_id: str) -> str:
    """Trim and lower-case an id so that "Asha@x.in " and "asha@x.in" are the same learner."""
    if not isinstance(learner_id, str) or not learner_id.strip():
        raise ValueError("a learner id must be a non-empty text, e.g. 'asha@example.in'")
    return learner_id.strip().lower()


def seed_for(learner_id: str) -> int:
    """The dataset seed for a learner id: stable across machines and Python versions."""
    lid = normalise(learner_id)
    if lid == DEFAULT_LEARNER:
        return config.DEFAULT_SEED
    digest = hashlib.sha256(f"pm_toolkit-learner:{lid}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2_000_000_000


def _path() -> Path:
    return config.home_dir() / _FILE


def current_learner() -> str:
    """The learner in force: ``$PM_TOOLKIT_LEARNER``, else the saved one, else ``"default"``."""
    env = os.environ.get(config.LEARNER_ENV)
    if env and env.strip():
        return normalise(env)
    try:
        saved = json.loads(_path().read_text(encoding="utf-8")).get("learner")
        return normalise(saved)
    except (OSError, ValueError, AttributeError, TypeError):
        return DEFAULT_LEARNER


def current_seed() -> int:
    """The dataset seed of the current learner."""
    return seed_for(current_learner())


def set_learner(learner_id: str) -> str:
    """Remember who is learning on this machine and return the normalised id.

    >>> import pm_toolkit  # doctest: +SKIP
    >>> pm_toolkit.set_learner("asha@example.in")  # doctest: +SKIP
    'asha@example.in'
    """
    lid = normalise(learner_id)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_orphans(path.parent)
    # Write then rename, so a crash never leaves a half-written file behind.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".learner-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"learner": lid}, fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return lid


def _sweep_orphans(folder: Path, older_than: float = 60.0) -> None:
    """Remove temp files a killed ``set_learner`` left (old enough that no writer still owns them)."""
    now = time.time()
    for tmp in folder.glob(".learner-*.json"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
