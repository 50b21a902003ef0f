"""Per-session and per-day tables: the rows other metrics filter and then sum.

>>> import pandas as pd
>>> s = pd.DataFrame({"session_id": [1, 2], "start_ts": pd.to_datetime(["2026-01-05"] * 2)})
>>> o = pd.DataFrame({"session_id": [2], "net_value": [80.0]})
>>> daily_summary(session_table(s, o))[["sessions", "conversion_rate", "aov"]].values.tolist()
[[2.0, 0.5, 80.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._common import _local_time, _require, _sales

__all__ = ["daily_summary", "session_table"]


def session_table(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    exclude_statuses: Sequence[str] = (),
    value: str = "net_value",
) -> pd.DataFrame:
    """One row per session with ``converted`` (0/1), ``orders`` and ``revenue`` attached.

    The building block for conversion by segment, by day or by load time: filter it, then sum.
    Orders whose ``session_id`` is not in ``sessions`` are ignored, so filtering sessions
    (a date range, a device) filters their orders with them. Missing values follow
    :mod:`~pm_toolkit.metrics.definitions`: sessions without an id are left out; an order
    without a value converts its session but is left out of ``orders`` and ``revenue``.

    >>> s = pd.DataFrame({"session_id": [1, 2]})
    >>> o = pd.DataFrame({"session_id": [2, 2], "net_value": [100.0, 50.0], "status": ["delivered"] * 2})
    >>> session_table(s, o)[["converted", "orders", "revenue"]].values.tolist()
    [[0.0, 0.0, 0.0], [1.0, 2.0, 150.0]]
    """
    _require(sessions, "sessions", ["session_id"])
    _require(orders, "orders", ["session_id", value])
    sales = _sales(orders, exclude_statuses)
    any_order = sales.groupby("session_id", sort=False).size()  # groupby drops a missing id
    valued = sales[sales[value].notna()]
    per = valued.groupby("session_id", sort=False)[value].agg(["size", "sum"])
    out = sessions[sessions["session_id"].notna()].copy()
    idx = pd.Index(out["session_id"])
    out["orders"] = per["size"].reindex(idx).fillna(0).to_numpy(dtype=float)
    out["converted"] = (any_order.reindex(idx).fillna(0).to_numpy() > 0).astype(float)
    out["revenue"] = per["sum"].reindex(idx).fillna(0.0).to_numpy(dtype=float)
    return out


def daily_summary(table: pd.DataFrame, time_column: str = "start_ts") -> pd.DataFrame:
    """Per-day sessions, converting sessions, orders, revenue, conversion rate and AOV.

    ``table`` is the output of :func:`session_table` (optionally filtered). Rates are ratios
    of the day's sums; summing the columns over days and dividing again gives the period's rate.
    """
    _require(table, "session_table", [time_column, "converted", "orders", "revenue"])
    day = _local_time(table[time_column]).dt.normalize()
    g = table.groupby(day.rename("date"), sort=True)
    out = g.agg(
        sessions=("converted", "size"),
        converted=("converted", "sum"),
        orders=("orders", "sum"),
        revenue=("revenue", "sum"),
    )
    out["conversion_rate"] = out["converted"] / out["sessions"]
    out["aov"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    return out
