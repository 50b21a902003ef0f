"""The real-hub test runs from ``make hub`` (part of ``make test``), never inside ``make unit``.

It needs root (it creates system users), the hub's user environment built by
``deploy/install-course.sh`` and the proxy installed by ``npm ci`` in ``deploy/``. Where any of
that is missing it is skipped with the reason, except under ``CI=true`` as root, where a missing
piece is a failure: CI must never pass without having run it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REQUESTED = "PM_TOOLKIT_HUB_TEST"
# the test imports its helpers as ``tests.hub.…``, whatever folder pytest was started from
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def pytest_collection_modifyitems(config, items):
    if os.environ.get(REQUESTED) == "1":
        return
    skip = pytest.mark.skip(reason=f"the real-hub test runs with `make hub` ({REQUESTED}=1)")
    for item in items:
        if "tests/hub/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(skip)
