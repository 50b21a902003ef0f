"""One seeded generator per simulation: ``numpy.random.SeedSequence(seed, spawn_key=(k,))``.

The spawn key is a stable hash of the simulation's name, so two simulations with the same
learner seed never share a stream, and a given (seed, name) always gives the same draws.
"""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, name: str) -> np.random.Generator:
    """The generator for simulation ``name`` under ``seed``."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number; got {seed!r}")
    return np.random.default_rng(
        np.random.SeedSequence(int(seed), spawn_key=(zlib.crc32(name.encode()),))
    )
