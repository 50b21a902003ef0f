"""Build the festive season a replay runs on, from the learner's own tables.

The season is the first four weeks of the hold-out (8 Oct – 4 Nov 2025: the sale week, Diwali
on 20 Oct, and after). The forecast is fitted only on the rows before it.

>>> SEASON_START.date(), SEASON_DAYS
(datetime.date(2025, 10, 9), 28)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit.data import catalog as C
from pm_toolkit.data.demand import HOLDOUT_START
from pm_toolkit.forecasting.backtest import split_at
from pm_toolkit.forecasting.models import gbm_forecast
from pm_toolkit.forecasting.series import to_panel
from pm_toolkit.forecasting.simulator import Season, lanes

__all__ = ["SEASON_DAYS", "SEASON_START", "build_season", "festive_forecast", "unit_economics"]

SEASON_START = pd.Timestamp(HOLDOUT_START)
SEASON_DAYS = 28
Z90 = 1.2815515655446004  # Φ⁻¹(0.9)


def _grid(panel: pd.DataFrame) -> np.ndarray:
    """date × (warehouse, category) panel → (days, warehouses, categories) array."""
    cols = pd.MultiIndex.from_product([C.WAREHOUSES, C.CATEGORIES])
    return panel.reindex(columns=cols).fillna(0).to_numpy().reshape(len(panel), 5, -1)


def festive_forecast(demand: pd.DataFrame, start=SEASON_START, days: int = SEASON_DAYS):
    """P50 and P90 daily forecasts (date × series panels) for the season, fitted before it."""
    history, future, _ = split_at(demand, start, days)
    fit = gbm_forecast(history, (0.5, 0.9))
    q = fit.predict(future)
    return q[0.5], q[0.9]


def unit_economics(products: pd.DataFrame) -> pd.DataFrame:
    """Typical price and unit cost per category (medians of the catalogue), ₹."""
    g = products.groupby("category")[["list_price", "unit_cost"]].median()
    return g.reindex(list(C.CATEGORIES))


def build_season(
    demand: pd.DataFrame,
    warehouses: pd.DataFrame,
    products: pd.DataFrame,
    start=SEASON_START,
    days: int = SEASON_DAYS,
    forecast: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> Season:
    """The replay inputs: true demand, the forecast (season totals: mean = Σ P50, sd = Σ daily
    (P90 − P50)/1.28, i.e. errors assumed to move together across a season's days), last
    year's sales on the same weekdays, the pre-season run rate and the unit economics."""
    start = pd.Timestamp(start)
    p50, p90 = forecast if forecast is not None else festive_forecast(demand, start, days)
    history, _, actual = split_at(demand, start, days)
    sales = to_panel(history)
    ly_dates = pd.date_range(start - pd.Timedelta(days=364), periods=days)
    econ = unit_economics(products)
    return Season(
        dates=pd.date_range(start, periods=days),
        categories=tuple(C.CATEGORIES),
        demand=_grid(to_panel(actual, "units_demanded")).astype(float),
        forecast_mu=_grid(p50).sum(axis=0),
        forecast_sd=np.maximum(_grid((p90 - p50) / Z90).sum(axis=0), 1.0),
        last_year=_grid(sales.reindex(ly_dates)).sum(axis=0),
        run_rate=_grid(sales.iloc[-28:]).mean(axis=0),
        price=econ["list_price"].to_numpy(float),
        unit_cost=econ["unit_cost"].to_numpy(float),
        lanes=lanes(warehouses),
    )
