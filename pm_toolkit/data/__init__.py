"""The "Bazaar" data world: a fictional Indian marketplace with known ground truth.

>>> from pm_toolkit import data
>>> "orders" in data.TABLES
True

``data.load("orders")`` returns a DataFrame, ``data.sql("SELECT ...")`` runs DuckDB over every
table, ``data.manifest()`` gives the planted parameters, ``data.ensure()`` generates and caches
a world (on first use, with a progress bar) and returns its folder. The data dictionary is
``datasets/README.md``. Heavy modules load on first use, so worker processes that import only
``pm_toolkit.data.clickstream`` start quickly.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from pm_toolkit.data.scales import FORMATS, GENERATOR_VERSION, SCALES, TABLES

_LAZY = {
    "connect": "pm_toolkit.data.query",
    "sql": "pm_toolkit.data.query",
    "clear_memory_cache": "pm_toolkit.data.store",
    "ensure": "pm_toolkit.data.store",
    "folder": "pm_toolkit.data.store",
    "is_cached": "pm_toolkit.data.store",
    "load": "pm_toolkit.data.store",
    "load_arrow": "pm_toolkit.data.store",
    "manifest": "pm_toolkit.data.store",
    "generate_world": "pm_toolkit.data.generate",
}

__all__ = ["FORMATS", "GENERATOR_VERSION", "SCALES", "TABLES", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pm_toolkit.data' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
