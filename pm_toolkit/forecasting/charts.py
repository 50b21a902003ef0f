"""The lesson's charts: each draws one finding and returns ``None`` (no repr in the notebook).

Titles state what the learner's own data show, computed when the chart is drawn.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit import viz
from pm_toolkit.forecasting import baselines as B
from pm_toolkit.forecasting.backtest import split_at
from pm_toolkit.forecasting.festivals import festival_table
from pm_toolkit.forecasting.series import daily_series

__all__ = [
    "most_censored",
    "plot_baselines",
    "plot_censoring",
    "plot_festival_shift",
    "plot_policies",
]


def _dates(ax) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))


def most_censored(demand: pd.DataFrame, year: int = 2024) -> tuple[str, str]:
    """(warehouse, category) with the most sold-out days in Diwali's window of ``year``."""
    d = _diwali(year)
    dates = pd.to_datetime(demand["date"])
    rows = demand[(dates >= d - pd.Timedelta(days=12)) & (dates < d)]
    out = (
        (rows["units_sold"] >= rows["stock_start"])
        .groupby([rows["warehouse"], rows["category"]])
        .sum()
    )
    w, c = out.idxmax()
    return str(w), str(c)


def _diwali(year: int) -> pd.Timestamp:
    t = festival_table()
    return t[(t["event"] == "diwali") & (t["date"].dt.year == year)]["date"].iloc[0]


def plot_censoring(
    demand: pd.DataFrame, warehouse: str, category: str, year: int = 2024, show: bool = True
) -> None:
    """Sales, stock on hand and the (hidden) true demand in the six weeks before Diwali."""
    d = _diwali(year)
    lo, hi = d - pd.Timedelta(days=35), d + pd.Timedelta(days=6)
    sold = daily_series(demand, warehouse, category)[lo:hi]
    wanted = daily_series(demand, warehouse, category, "units_demanded")[lo:hi]
    stock = daily_series(demand, warehouse, category, "stock_start")[lo:hi]
    out = int((sold >= stock).sum())
    _fig, ax = viz.new_axes()
    ax.plot(
        wanted.index, wanted, color=viz.PALETTE[5], linestyle="--", label="true demand (hidden)"
    )
    ax.plot(sold.index, sold, color=viz.PALETTE[0], label="units sold")
    ax.step(
        stock.index, stock, color=viz.PALETTE[2], where="post", alpha=0.6, label="stock at start"
    )
    ax.axvline(d, color="black", linestyle=":", label=f"Diwali {d:%d %b}")
    _dates(ax)
    viz.finish(
        ax,
        title=f"{category} at {warehouse}: sold out on {out} of {len(sold)} days before Diwali {year}",
        xlabel="date",
        ylabel="units per day",
        show=show,
    )


def plot_baselines(
    demand: pd.DataFrame, warehouse: str, category: str, origin, days: int = 28, show: bool = True
) -> None:
    """Four baselines for one series from one origin, against what happened."""
    rows = demand[(demand["warehouse"] == warehouse) & (demand["category"] == category)]
    history, future, actual = split_at(rows, origin, days)
    _fig, ax = viz.new_axes()
    past = history.tail(28).assign(date=lambda x: pd.to_datetime(x["date"]))
    ax.plot(past["date"], past["units_sold"], color="grey", label="history (sales)")
    truth = actual.assign(date=lambda x: pd.to_datetime(x["date"]))
    ax.plot(
        truth["date"], truth["units_demanded"], color="black", linewidth=2, label="what happened"
    )
    methods = {"naive": B.naive, "seasonal naive": B.seasonal_naive,
               "moving average": B.moving_average, "same week last year": B.same_week_last_year}  # fmt: skip
    for (name, fn), colour in zip(methods.items(), viz.PALETTE, strict=False):
        f = fn(history, future).iloc[:, 0]
        ax.plot(f.index, f.to_numpy(), color=colour, linestyle="--", label=name)
    _dates(ax)
    viz.finish(
        ax,
        title=f"Four one-line baselines for {category} at {warehouse}",
        xlabel="date",
        ylabel="units per day",
        show=show,
    )


def plot_festival_shift(demand: pd.DataFrame, category: str, show: bool = True) -> None:
    """National sales of one category around Diwali, 2024 and 2025, on one calendar."""
    rows = demand[demand["category"] == category].assign(date=lambda x: pd.to_datetime(x["date"]))
    daily = rows.groupby("date")["units_sold"].sum()
    _fig, ax = viz.new_axes()
    for year, colour in ((2024, viz.PALETTE[1]), (2025, viz.PALETTE[0])):
        span = daily[f"{year}-09-20" : f"{year}-11-20"]
        x = span.index.day_of_year
        ax.plot(x, span.to_numpy(), color=colour, label=f"{year} sales")
        ax.axvline(_diwali(year).day_of_year, color=colour, linestyle=":", label=f"Diwali {year}")
    ticks = pd.date_range("2025-09-20", "2025-11-20", freq="14D")
    ax.set_xticks(ticks.day_of_year, [f"{t:%d %b}" for t in ticks])
    shift = abs(_diwali(2024).day_of_year - _diwali(2025).day_of_year)
    viz.finish(
        ax,
        title=f"Diwali moved {shift} days: the peak moved with it ({category})",
        xlabel="date (2024 drawn on the same day of the year)",
        ylabel="units sold per day (all warehouses)",
        show=show,
    )


def plot_policies(comparison, show: bool = True) -> None:
    """Margin and average delivery days of each placement policy, side by side."""
    t = comparison.table()
    _fig, (left, right) = viz.new_axes(1, 2, figsize=(11, 3.6))
    left.barh(t.index, t["margin (₹)"] / 1e7, color=viz.PALETTE[0])
    left.set_xlabel("margin (₹ crore)")
    right.barh(t.index, t["avg delivery days"], color=viz.PALETTE[1])
    right.set_xlabel("average delivery days")
    right.set_yticks([])
    best = comparison.best("margin (₹)")
    fast = comparison.best("avg delivery days")
    viz.finish(
        left,
        title=f"Highest margin: {best}; fastest delivery: {fast}",
        xlabel="margin (₹ crore)",
        show=show,
    )
