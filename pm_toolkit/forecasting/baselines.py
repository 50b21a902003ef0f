"""Baselines a PM can explain in one sentence, and any model must beat.

Every forecaster here has one shape: ``forecaster(history, future) -> panel``. ``history`` is
the demand rows before the forecast origin (what was known), ``future`` the rows to forecast
with only what is planned in advance (date, warehouse, category, price index, promotion); the
answer is a date × (warehouse, category) table of forecast units. Forecasts use sales
(``units_sold``): that is what a real team sees.

>>> import pandas as pd
>>> hist = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=14), "warehouse": "kolkata",
...     "category": "books", "units_sold": range(14)})
>>> fut = pd.DataFrame({"date": pd.date_range("2025-01-15", periods=3), "warehouse": "kolkata",
...     "category": "books"})
>>> seasonal_naive(hist, fut).iloc[:, 0].tolist()  # the same weekday last week
[7.0, 8.0, 9.0]
>>> naive(hist, fut).iloc[:, 0].tolist()
[13.0, 13.0, 13.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit.forecasting.festivals import aligned_last_year
from pm_toolkit.forecasting.series import to_panel

__all__ = [
    "aligned_last_year_forecast",
    "future_dates",
    "moving_average",
    "naive",
    "same_week_last_year",
    "seasonal_naive",
]


def future_dates(future: pd.DataFrame) -> pd.DatetimeIndex:
    """The sorted, distinct dates to forecast."""
    return pd.DatetimeIndex(sorted(pd.to_datetime(future["date"]).unique()))


def _frame(values: np.ndarray, dates: pd.DatetimeIndex, columns) -> pd.DataFrame:
    return pd.DataFrame(np.asarray(values, dtype=float), index=dates, columns=columns)


def naive(history: pd.DataFrame, future: pd.DataFrame) -> pd.DataFrame:
    """Tomorrow = today: the last day's sales, repeated."""
    h, dates = to_panel(history), future_dates(future)
    return _frame(np.tile(h.iloc[-1].to_numpy(), (len(dates), 1)), dates, h.columns)


def seasonal_naive(history: pd.DataFrame, future: pd.DataFrame, season: int = 7) -> pd.DataFrame:
    """The same weekday last week (``season`` = 7 days), repeated week after week."""
    h, dates = to_panel(history), future_dates(future)
    last = h.iloc[-season:].to_numpy()
    offset = (dates - (h.index[-1] + pd.Timedelta(days=1))).days
    return _frame(last[np.asarray(offset) % season], dates, h.columns)


def moving_average(history: pd.DataFrame, future: pd.DataFrame, window: int = 28) -> pd.DataFrame:
    """The average day of the last ``window`` days, flat."""
    h, dates = to_panel(history), future_dates(future)
    return _frame(np.tile(h.iloc[-window:].mean().to_numpy(), (len(dates), 1)), dates, h.columns)


def _growth(h: pd.DataFrame, weeks: int = 8) -> np.ndarray:
    """Sales of the last ``weeks`` weeks over the same weeks a year before, clipped to [½, 2]."""
    recent = h.iloc[-7 * weeks :]
    before = h.reindex(recent.index - pd.Timedelta(days=364))
    ratio = recent.sum().to_numpy() / np.maximum(before.sum().to_numpy(), 1.0)
    return np.clip(np.nan_to_num(ratio, nan=1.0), 0.5, 2.0)


def _last_year(h: pd.DataFrame, dates: pd.DatetimeIndex, source: list, growth: bool):
    values = h.reindex(pd.DatetimeIndex(source)).to_numpy()
    if growth:
        values = values * _growth(h)[None, :]
    return _frame(values, dates, h.columns)


def same_week_last_year(
    history: pd.DataFrame, future: pd.DataFrame, growth: bool = True
) -> pd.DataFrame:
    """364 days earlier (same weekday), scaled by the last 8 weeks' growth over a year."""
    h, dates = to_panel(history), future_dates(future)
    return _last_year(h, dates, list(dates - pd.Timedelta(days=364)), growth)


def aligned_last_year_forecast(
    history: pd.DataFrame, future: pd.DataFrame, growth: bool = True
) -> pd.DataFrame:
    """Like :func:`same_week_last_year`, but a day in a festival or sale window looks up the
    same place in last year's window (festivals move; weekdays matter less than the date)."""
    h, dates = to_panel(history), future_dates(future)
    return _last_year(h, dates, [aligned_last_year(d) for d in dates], growth)
