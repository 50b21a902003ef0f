"""Daily stock per product and warehouse under an (s, S) reorder policy with a lead time.

>>> inv, truth = make_inventory(1, "tiny")
>>> inv.num_rows == 120 * 5 * 90
True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.clickstream import _festive
from pm_toolkit.data.dimensions import make_products
from pm_toolkit.data.scales import N_DAYS, PERIOD_START, days_since_epoch
from pm_toolkit.data.streams import stream

TOP_DAILY_UNITS = 40.0  # the most popular product ships this many units a day, all warehouses
COVER_DAYS_S, COVER_DAYS_BIG_S = 4, 14  # reorder point and order-up-to, in days of demand
LEAD_TIME_DAYS = 3
FESTIVE_DEMAND = 1.8


#: Products per block: each block has its own stream and is written on its own, so memory is
#: bounded at any scale. Part of the dataset definition (changing it changes the data).
PRODUCTS_PER_BLOCK = 2_000


def make_inventory(seed: int, scale: str) -> tuple[pa.Table, dict]:
    """The whole inventory table and its planted parameters (small scales)."""
    truth: dict = {}
    return pa.concat_tables(list(inventory_parts(seed, scale, truth))), truth


def inventory_parts(seed: int, scale: str, truth: dict):
    """Yield the inventory one block of products at a time; fill ``truth`` when done."""
    _, pr = make_products(seed, scale)
    n_p = len(pr["list_price"])
    stockouts = 0
    for block, lo in enumerate(range(0, n_p, PRODUCTS_PER_BLOCK)):
        hi = min(lo + PRODUCTS_PER_BLOCK, n_p)
        table, n_out = _block(stream(seed, "inventory", block, 0), pr["popularity"][lo:hi], lo)
        stockouts += n_out
        yield table
    truth.update(
        {
            "policy": "(s, S) per product x warehouse, reviewed daily",
            "reorder_point_days": COVER_DAYS_S,
            "order_up_to_days": COVER_DAYS_BIG_S,
            "lead_time_days": LEAD_TIME_DAYS,
            "festive_demand_factor": FESTIVE_DEMAND,
            "top_product_daily_units": TOP_DAILY_UNITS,
            "warehouse_shares": dict(zip(C.WAREHOUSES, C.WAREHOUSE_SHARES, strict=True)),
            "stockout_product_warehouse_days": stockouts,
        }
    )


def _block(rng: np.random.Generator, popularity: np.ndarray, first: int) -> tuple[pa.Table, int]:
    n_p, n_w = len(popularity), len(C.WAREHOUSES)
    rate = TOP_DAILY_UNITS * popularity[:, None] * np.asarray(C.WAREHOUSE_SHARES)[None, :]
    rate = np.maximum(rate, 0.05)
    s_pt = np.ceil(rate * COVER_DAYS_S)
    big_s = np.ceil(rate * COVER_DAYS_BIG_S) + 1
    stock = np.floor(big_s * (0.5 + 0.5 * rng.random((n_p, n_w))))
    pipeline = np.zeros((LEAD_TIME_DAYS, n_p, n_w))
    on_hand = np.zeros((N_DAYS, n_p, n_w), dtype=np.int32)
    shipped = np.zeros_like(on_hand)
    received = np.zeros_like(on_hand)
    for d in range(N_DAYS):
        arriving = pipeline[0]
        pipeline = np.roll(pipeline, -1, axis=0)
        pipeline[-1] = 0
        stock = stock + arriving
        demand = rng.poisson(rate * (FESTIVE_DEMAND if _festive(d) else 1.0))
        out = np.minimum(demand, stock)
        stock = stock - out
        position = stock + pipeline.sum(axis=0)
        order = np.where(position <= s_pt, big_s - position, 0)
        pipeline[-1] = order
        on_hand[d], shipped[d], received[d] = stock, out, arriving
    dates = days_since_epoch(PERIOD_START) + np.arange(N_DAYS, dtype=np.int32)
    # rows ordered by product, warehouse, date
    table = pa.table(
        {
            "product_id": pa.array(
                np.repeat(np.arange(first + 1, first + n_p + 1, dtype=np.int64), n_w * N_DAYS)
            ),
            "warehouse": pa.array(
                np.tile(np.repeat(np.asarray(C.WAREHOUSES), N_DAYS), n_p), pa.string()
            ),
            "date": pa.array(np.tile(dates, n_p * n_w), pa.date32()),
            "on_hand": pa.array(on_hand.transpose(1, 2, 0).ravel()),
            "units_shipped": pa.array(shipped.transpose(1, 2, 0).ravel()),
            "units_received": pa.array(received.transpose(1, 2, 0).ravel()),
        }
    )
    return table, int((on_hand == 0).sum())
