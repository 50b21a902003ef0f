"""Two real forecasters: Holt-Winters exponential smoothing and gradient boosting.

- **Holt-Winters (ETS)**, via statsmodels: a level, a damped trend and a weekly pattern, fitted
  on log(1 + sales) of each series. It learns the weekly rhythm but knows nothing of festivals.
- **Gradient boosting** (scikit-learn ``HistGradientBoostingRegressor``), one model for all
  series, with calendar and festival features known in advance (days to Diwali, the sale week,
  planned promotions and prices). It is fitted with the quantile loss on log(1 + sales), so its
  P50 and P90 are quantiles of sales too (quantiles survive a monotone transform). Sold-out
  days are left out of training: their sales understate demand.

>>> import numpy as np, pandas as pd
>>> y = pd.Series(10 + np.tile([0, 1, 2, 3, 4, 8, 9], 20), index=pd.date_range("2025-01-01", periods=140))
>>> f = holt_winters_series(y, 7)
>>> bool(f.iloc[5] > f.iloc[0])  # Saturdays above Wednesdays, as in the history
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pm_toolkit.forecasting.baselines import future_dates
from pm_toolkit.forecasting.festivals import calendar_features
from pm_toolkit.forecasting.series import sold_out, to_panel

__all__ = ["GBMForecaster", "gbm_forecast", "holt_winters", "holt_winters_series"]

#: Days of history each model is fitted on (two years for ETS; 600 days for boosting, which
#: keeps the last two Diwalis before a 2025 forecast and fits in about a second).
ETS_TRAIN_DAYS = 730
GBM_TRAIN_DAYS = 600
#: Boosting rounds and step size (tests may lower the rounds to run faster).
GBM_ITERATIONS, GBM_LEARNING_RATE = 100, 0.4


def holt_winters_series(y: pd.Series, horizon: int) -> pd.Series:
    """Forecast one daily series ``horizon`` days ahead with additive Holt-Winters on
    log(1 + y): damped trend, weekly seasonality (statsmodels ``ExponentialSmoothing``)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y = y.astype(float).asfreq("D")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short or flat series
        fit = ExponentialSmoothing(
            np.log1p(y), trend="add", damped_trend=True, seasonal="add", seasonal_periods=7
        ).fit()
        out = np.expm1(fit.forecast(horizon))
    return out.clip(lower=0).rename(y.name)


def holt_winters(history: pd.DataFrame, future: pd.DataFrame) -> pd.DataFrame:
    """Holt-Winters for every series in ``history`` (one fit per series)."""
    h, dates = to_panel(history).iloc[-ETS_TRAIN_DAYS:], future_dates(future)
    steps = (dates[-1] - h.index[-1]).days
    out = {col: holt_winters_series(h[col].fillna(0), steps) for col in h.columns}
    frame = pd.DataFrame(out)
    frame.columns = h.columns
    return frame.reindex(dates)


#: The level feature: mean log sales over the 28 days ending LEVEL_LAG days before each date,
#: so it is known for every day of a forecast up to LEVEL_LAG − 1 days ahead.
LEVEL_LAG, LEVEL_DAYS = 29, 28


#: Which features may interact inside one tree: each festival's effect (and the sale week's)
#: may differ by warehouse and category, but effects of different events multiply, so a
#: Diwali that falls in the sale week (2025) is forecast from each effect seen alone.
_INTERACTIONS = [
    [0, 1, 4, 5],  # warehouse, category, level, weekday
    *([0, 1, k] for k in range(6, 12)),  # each festival and the sale week, per series
    [2],  # promotion
    [3],  # price
]


def _levels(history: pd.DataFrame) -> pd.DataFrame:
    """date × series table of the level feature, computed from sales only."""
    panel = np.log1p(to_panel(history).astype(float))
    future = pd.date_range(panel.index[-1] + pd.Timedelta(days=1), periods=LEVEL_LAG)
    panel = panel.reindex(panel.index.append(future))
    return panel.shift(LEVEL_LAG).rolling(LEVEL_DAYS, min_periods=7).mean()


def _features(rows: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Features known in advance: series, promotion, price, weekday, days to each festival,
    sale week, and the recent level. No date or day-of-year feature: with one past Diwali in
    the data, trees would memorise *that date* instead of learning "days before Diwali"."""
    from pm_toolkit.data.catalog import CATEGORIES, WAREHOUSES

    cal = calendar_features(rows["date"]).reset_index(drop=True)
    stacked = levels.stack(["warehouse", "category"], future_stack=True)
    keys = pd.MultiIndex.from_arrays([rows["date"], rows["warehouse"], rows["category"]])
    x = pd.DataFrame(
        {
            "warehouse": rows["warehouse"].map({w: i for i, w in enumerate(WAREHOUSES)}).to_numpy(),
            "category": rows["category"].map({c: i for i, c in enumerate(CATEGORIES)}).to_numpy(),
            "promo": rows["promo"].astype(int).to_numpy(),
            "log_price": np.log(rows["price_index"].astype(float)).to_numpy(),
            "level": stacked.reindex(keys).to_numpy(),
        }
    )
    return pd.concat([x, cal.drop(columns=["t", "doy"])], axis=1)


@dataclass(frozen=True)
class GBMForecaster:
    """Gradient-boosted quantile models (one per quantile), fitted on the rows before an origin."""

    quantiles: tuple[float, ...]
    models: tuple
    trained_rows: int
    levels: pd.DataFrame

    def predict(self, future: pd.DataFrame) -> dict[float, pd.DataFrame]:
        """Quantile → date × (warehouse, category) table of forecast units."""
        rows = future.assign(date=pd.to_datetime(future["date"])).reset_index(drop=True)
        x = _features(rows, self.levels)
        out = {}
        for q, model in zip(self.quantiles, self.models, strict=True):
            pred = np.expm1(model.predict(x)).clip(min=0)
            out[q] = to_panel(rows.assign(units_sold=pred))
        return out


def gbm_forecast(
    history: pd.DataFrame,
    quantiles: Sequence[float] = (0.5, 0.9),
    *,
    drop_censored: bool = True,
    train_days: int | None = None,
    seed: int = 0,
) -> GBMForecaster:
    """Fit one boosted quantile model per quantile on the last ``train_days`` of ``history``
    (all series together; default ``GBM_TRAIN_DAYS``). ``drop_censored``: leave out sold-out
    days (censored sales)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    h = history.assign(date=pd.to_datetime(history["date"]))
    levels = _levels(h)
    days = GBM_TRAIN_DAYS if train_days is None else train_days
    h = h[h["date"] > h["date"].max() - pd.Timedelta(days=days)]
    if drop_censored:
        h = h[~sold_out(h)]
    h = h.reset_index(drop=True)
    x, y = _features(h, levels), np.log1p(h["units_sold"].astype(float).to_numpy())
    models = []
    for q in quantiles:
        model = HistGradientBoostingRegressor(
            loss="quantile",
            quantile=float(q),
            max_iter=GBM_ITERATIONS,
            learning_rate=GBM_LEARNING_RATE,
            max_leaf_nodes=15,
            categorical_features=[0, 1],
            interaction_cst=_INTERACTIONS,
            early_stopping=False,
            random_state=seed,
        )
        models.append(model.fit(x, y))
    return GBMForecaster(tuple(float(q) for q in quantiles), tuple(models), len(h), levels)


def gradient_boosting(history: pd.DataFrame, future: pd.DataFrame) -> pd.DataFrame:
    """P50 of :func:`gbm_forecast` as a plain forecaster (for backtests)."""
    return gbm_forecast(history, (0.5,)).predict(future)[0.5]
