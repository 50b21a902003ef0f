"""pm_toolkit: the helper package of a hands-on data-science course for product managers.

The learner-facing verbs are few:

>>> import pm_toolkit
>>> pm_toolkit.__version__ >= "0.1"
True

``pm_toolkit.load(table)`` and ``pm_toolkit.sql(query)`` read the learner's "Bazaar" data,
``pm_toolkit.set_learner(id)`` chooses whose data it is, ``pm_toolkit.progress()`` shows how far
the learner has got. Heavy modules are imported on first use so ``import pm_toolkit`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from pm_toolkit.learner import current_learner, set_learner

__version__ = "0.2.0"

# name -> "module:attribute", resolved lazily (PEP 562) to keep start-up light.
_LAZY = {
    "load": "pm_toolkit.data:load",
    "sql": "pm_toolkit.data:sql",
    "progress": "pm_toolkit.exercises:progress",
}

__all__ = ["__version__", "current_learner", "load", "progress", "set_learner", "sql"]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'pm_toolkit' has no attribute {name!r}")
    module, attr = target.split(":")
    return getattr(import_module(module), attr)
