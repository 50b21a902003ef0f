"""Honest backtests: forecast from several past origins, never with data from after them.

A **rolling-origin** backtest pretends to stand at an origin date, gives each forecaster only
the rows before it (plus what was planned: dates, promotions, prices), forecasts the next
``horizon`` days, scores against what happened, then moves the origin on and repeats.

>>> import pandas as pd
>>> rolling_origins("2025-10-09", n=3, step_days=28, horizon=28)[-1].date()
datetime.date(2025, 9, 11)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from pm_toolkit.forecasting import metrics

__all__ = ["PLANNED_COLUMNS", "Backtest", "backtest", "rolling_origins", "split_at"]

#: Columns known in advance for future days (the rest is what happened).
PLANNED_COLUMNS = ("date", "warehouse", "category", "price_index", "promo")
Forecaster = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]


def rolling_origins(end, n: int = 4, step_days: int = 28, horizon: int = 28) -> list[pd.Timestamp]:
    """``n`` origins, ``step_days`` apart, the last one ``horizon`` days before ``end``."""
    last = pd.Timestamp(end) - pd.Timedelta(days=horizon)
    return [last - pd.Timedelta(days=step_days * k) for k in range(n - 1, -1, -1)]


def split_at(
    demand: pd.DataFrame, origin, horizon: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(history before ``origin``, future rows with planned columns only, the actual rows)."""
    d = demand.assign(date=pd.to_datetime(demand["date"]))
    origin = pd.Timestamp(origin)
    end = origin + pd.Timedelta(days=horizon)
    history = d[d["date"] < origin]
    actual = d[(d["date"] >= origin) & (d["date"] < end)]
    return history, actual[list(PLANNED_COLUMNS)].copy(), actual


@dataclass(frozen=True)
class Backtest:
    """Every forecast of every origin, method and series next to what happened (long table:
    ``origin``, ``method``, ``date``, ``warehouse``, ``category``, ``forecast``, ``actual``)."""

    forecasts: pd.DataFrame
    baseline: str = "seasonal naive"

    def scores(self, by: Sequence[str] = ("method",)) -> pd.DataFrame:
        """WAPE, MAE, bias and MAPE per group; FVA = baseline WAPE − WAPE (per method)."""
        rows = []
        for key, g in self.forecasts.groupby(list(by), sort=False):
            a, f = g["actual"].to_numpy(), g["forecast"].to_numpy()
            key = key if isinstance(key, tuple) else (key,)
            rows.append((*key, metrics.wape(a, f), metrics.mae(a, f), metrics.bias(a, f),
                         metrics.mape(a, f)))  # fmt: skip
        out = pd.DataFrame(rows, columns=[*by, "wape", "mae", "bias", "mape"])
        if list(by) == ["method"] and self.baseline in set(out["method"]):
            base = float(out.loc[out["method"] == self.baseline, "wape"].iloc[0])
            out["fva"] = base - out["wape"]
        return out.set_index(list(by))

    def best(self) -> str:
        """The method with the lowest WAPE."""
        return str(self.scores()["wape"].idxmin())

    def __repr__(self) -> str:
        n = self.forecasts["origin"].nunique()
        return f"Backtest({n} origin(s))\n" + self.scores().round(3).to_string()

    def _repr_html_(self) -> str:
        from pm_toolkit.findings import tidy_table

        table = self.scores().reset_index()
        pct = [c for c in ("wape", "bias", "mape", "fva") if c in table]
        return tidy_table(table, pct=pct).to_html(index=False)


def backtest(
    demand: pd.DataFrame,
    methods: Mapping[str, Forecaster],
    origins: Sequence,
    horizon: int = 28,
    *,
    actual: str = "units_demanded",
    baseline: str = "seasonal naive",
) -> Backtest:
    """Run each forecaster from each origin on the rows of ``demand`` (filter series first),
    and score against ``actual`` (``units_demanded``, the true demand, or ``units_sold``)."""
    parts = []
    for origin in origins:
        history, future, truth = split_at(demand, origin, horizon)
        if history.empty or truth.empty:
            raise ValueError(f"origin {pd.Timestamp(origin).date()} leaves no history or future")
        want = truth.set_index(["date", "warehouse", "category"])[actual]
        for name, method in methods.items():
            panel = method(history, future)
            long = panel.stack(["warehouse", "category"], future_stack=True).rename("forecast")
            long.index = long.index.set_names(["date", "warehouse", "category"])
            frame = long.to_frame().join(want.rename("actual"), how="inner").reset_index()
            frame.insert(0, "method", name)
            frame.insert(0, "origin", pd.Timestamp(origin))
            parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["forecast"] = out["forecast"].astype(float).fillna(0.0)
    out["actual"] = out["actual"].astype(float)
    return Backtest(out, baseline)
