"""Demand as time series: a date × series panel, and the days that sold out.

A day that sold out (``units_sold`` reached ``stock_start``) tells you only that demand was *at
least* what sold: the sale is **censored**. Forecasts trained on such days learn the shelf, not
the shopper.

>>> import pandas as pd
>>> rows = pd.DataFrame({"date": ["2025-01-01"] * 2, "warehouse": ["kolkata"] * 2,
...     "category": ["books", "toys"], "units_sold": [5, 3], "stock_start": [9, 3]})
>>> sold_out(rows).tolist()
[False, True]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["censored_weeks", "daily_series", "sold_out", "to_panel", "weekly_by_warehouse"]


def _dated(demand: pd.DataFrame) -> pd.DataFrame:
    if not pd.api.types.is_datetime64_any_dtype(demand["date"]):
        demand = demand.assign(date=pd.to_datetime(demand["date"]))
    return demand


def sold_out(demand: pd.DataFrame) -> pd.Series:
    """True on rows where every unit on hand sold: demand may have been higher (censored)."""
    return (demand["units_sold"] >= demand["stock_start"]) & (demand["stock_start"] >= 0)


def to_panel(demand: pd.DataFrame, column: str = "units_sold") -> pd.DataFrame:
    """A date × (warehouse, category) table of one column (daily, sorted)."""
    d = _dated(demand)
    panel = d.pivot_table(index="date", columns=["warehouse", "category"], values=column,
                          aggfunc="sum", observed=True)  # fmt: skip
    return panel.sort_index().asfreq("D")


def daily_series(
    demand: pd.DataFrame, warehouse: str, category: str, column: str = "units_sold"
) -> pd.Series:
    """One warehouse × category column as a daily series indexed by date."""
    d = _dated(demand)
    rows = d[(d["warehouse"] == warehouse) & (d["category"] == category)]
    if rows.empty:
        raise ValueError(f"no rows for warehouse {warehouse!r} and category {category!r}")
    return rows.set_index("date")[column].sort_index().asfreq("D").rename(column)


def censored_weeks(demand: pd.DataFrame, warehouse: str, category: str) -> pd.DataFrame:
    """Weeks (Monday start) of one series with at least one sold-out day: ``week_start``,
    ``days_sold_out``, ``units_sold``."""
    d = _dated(demand)
    rows = d[(d["warehouse"] == warehouse) & (d["category"] == category)].copy()
    rows["week_start"] = rows["date"] - pd.to_timedelta(rows["date"].dt.day_of_week, unit="D")
    rows["days_sold_out"] = sold_out(rows).astype(int)
    weeks = rows.groupby("week_start", as_index=False)[["days_sold_out", "units_sold"]].sum()
    return weeks[weeks["days_sold_out"] > 0].reset_index(drop=True)


def weekly_by_warehouse(demand: pd.DataFrame, column: str = "units_sold") -> pd.DataFrame:
    """Units per warehouse per week (Monday start): ``warehouse``, ``week_start``, ``units``."""
    d = _dated(demand)
    week = d["date"] - pd.to_timedelta(d["date"].dt.day_of_week, unit="D")
    out = d.groupby([d["warehouse"], week.rename("week_start")])[column].sum()
    return out.rename("units").reset_index()
