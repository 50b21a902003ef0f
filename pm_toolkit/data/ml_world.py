"""Sizes and random streams shared by the machine-learning case tables (lesson 07).

The five ML tables (``cod_orders``, ``basket_items``, ``promo_test``, ``support_messages``,
``asr_results``) are families of their own: each is sized for its case, not derived from the
clickstream, whose ``orders`` at ``small`` hold too few rows to train and test a model.

Each family draws from ``stream(seed, "world", part, column)`` with a ``part`` reserved here
(7001 …), so the ML tables never shift a byte of any other table, and each other.

>>> ml_size("cod_orders", "tiny") < ml_size("cod_orders", "small")
True
>>> a = ml_rng(1, "cod_orders")().random(2); b = ml_rng(1, "cod_orders")().random(2)
>>> bool((a == b).all())
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pm_toolkit.data.scales import get_scale
from pm_toolkit.data.streams import stream

#: Fixed stream partitions of the shared "world" key: never renumber (that changes the data).
ML_PARTS = {
    "cod_orders": 7001,
    "basket_items": 7002,
    "promo_test": 7003,
    "support_messages": 7004,
    "asr_results": 7005,
}

#: Rows (or units) per scale: enough at ``small`` for a train/test split with a few hundred
#: positives in the test window; ``tiny`` stays tiny for tests. ``large``/``xlarge`` stop
#: growing: the ML cases do not need millions of rows and must stay cheap to generate.
ML_SIZES = {
    # COD orders in the 12-month log
    "cod_orders": {"tiny": 3_000, "small": 24_000, "large": 200_000, "xlarge": 200_000},
    # baskets (orders) in the 12-month basket history
    "basket_items": {"tiny": 3_000, "small": 30_000, "large": 200_000, "xlarge": 200_000},
    # visitors in the randomised promotion test
    "promo_test": {"tiny": 8_000, "small": 120_000, "large": 400_000, "xlarge": 400_000},
    # support chat messages
    "support_messages": {"tiny": 800, "small": 6_000, "large": 40_000, "xlarge": 40_000},
    # test utterances per (language, accent group, model version)
    "asr_results": {"tiny": 100, "small": 1_000, "large": 2_000, "xlarge": 2_000},
}


def ml_size(table: str, scale: str) -> int:
    """How many rows (or units) ``table`` has at ``scale``."""
    return ML_SIZES[table][get_scale(scale).name]


def ml_rng(seed: int, table: str) -> Callable[[], np.random.Generator]:
    """A factory of independent generators for ``table``: each call gives the next column's."""
    cols = iter(range(1_000))
    part = ML_PARTS[table]
    return lambda: stream(seed, "world", part, next(cols))
