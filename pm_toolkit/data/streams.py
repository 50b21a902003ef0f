"""Keyed random streams: one per (table, partition, column).

Every draw in the Bazaar world comes from ``SeedSequence(seed, spawn_key=(table, part, column))``
so any partition can be generated alone, in any order, in any process, with the same result,
and adding a column to one table never shifts another table's values.

>>> a = stream(7, "clickstream", 3, 1).random(3)
>>> b = stream(7, "clickstream", 3, 1).random(3)
>>> bool((a == b).all())
True
"""

from __future__ import annotations

import numpy as np

#: Fixed keys: never renumber (that would change every dataset).
TABLE_KEYS = {
    "customers": 1,
    "products": 2,
    "clickstream": 3,  # sessions, events, orders, order_items per day partition
    "experiments": 4,
    "assignments": 5,
    "pricing_panel": 6,
    "inventory": 7,
    "support_contacts": 8,
    "world": 9,  # shared hidden parameters (customer activity, product popularity)
}


def stream(seed: int, table: str, part: int = 0, column: int = 0) -> np.random.Generator:
    """The generator for one (table, partition, column) of dataset ``seed``."""
    key = (TABLE_KEYS[table], int(part), int(column))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))


def cum_choice(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Weighted choice by inverse CDF: ``cum`` is a cumulative weight array, ``u`` in [0, 1).

    Faster than ``Generator.choice(p=...)`` for repeated draws and chunk-invariant, since each
    draw uses exactly one uniform.
    """
    x = u * cum[-1]
    if len(cum) > 4096 and len(x) > 1024:
        # Same result, cache-friendly: look up sorted queries, then put them back in place.
        order = np.argsort(x)
        idx = np.empty(len(x), dtype=np.intp)
        idx[order] = np.searchsorted(cum, x[order], side="right")
    else:
        idx = np.searchsorted(cum, x, side="right")
    return np.minimum(idx, len(cum) - 1)
