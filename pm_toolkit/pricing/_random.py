"""One seeded generator per random draw of the capstone: ``SeedSequence(seed, (5, *key))``.

The leading 5 (the lesson) keeps these streams apart from every other lesson's; the rest of
the key names the draw. Keys in use (never renumber: that would change every learner's numbers):
1 endogenous-price demo, 2 example market, 3 simulator demand shocks, (4, region) switchback
schedule, 5 item-level split, 6 geo-cluster pairs.
"""

from __future__ import annotations

import numpy as np

_LESSON = 5


def rng_for(seed: int, *key: int) -> np.random.Generator:
    """The generator for draw ``key`` of the capstone under ``seed``.

    >>> float(rng_for(0, 5).random()) == float(rng_for(0, 5).random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_LESSON, *key)))
