"""Forecast accuracy measures a PM should ask for, as small pure functions over plain arrays.

Plain words first: **MAE** is the average miss in units; **WAPE** is the total miss as a share
of total demand (a weighted MAPE, safe on slow sellers); **bias** says whether misses lean high
(over-stock) or low (stock-outs); **MAPE** averages each day's miss as a share of that day's
demand, so it explodes or is undefined when demand is near zero; **pinball loss** scores a
quantile forecast (P90 should be above demand nine days in ten); **FVA** (forecast value added)
is how many WAPE points a model saves over the seasonal-naive baseline.

>>> actual, forecast = [10, 0, 5], [8, 2, 5]
>>> mae(actual, forecast), round(wape(actual, forecast), 4), round(bias(actual, forecast), 4)
(1.3333333333333333, 0.2667, 0.0)
>>> mape(actual, forecast)
inf
>>> round(pinball(actual, forecast, 0.9), 4)
0.6667
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["bias", "fva", "mae", "mape", "pinball", "wape"]

ArrayLike = Sequence[float] | np.ndarray


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise ValueError(f"actual and forecast differ in shape: {a.shape} vs {f.shape}")
    if a.size == 0:
        raise ValueError("no values to score: actual and forecast are empty")
    return a, f


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute error, in units: the average miss per period."""
    a, f = _pair(actual, forecast)
    return float(np.mean(np.abs(a - f)))


def wape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Weighted absolute percentage error: Σ|actual − forecast| / Σ actual (a fraction)."""
    a, f = _pair(actual, forecast)
    total = a.sum()
    if total <= 0:
        raise ValueError("WAPE needs positive total demand; these actuals sum to zero")
    return float(np.abs(a - f).sum() / total)


def bias(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Σ(forecast − actual) / Σ actual: positive over-forecasts (over-stock), negative under."""
    a, f = _pair(actual, forecast)
    total = a.sum()
    if total <= 0:
        raise ValueError("bias needs positive total demand; these actuals sum to zero")
    return float((f - a).sum() / total)


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute percentage error, a fraction. ``inf`` when any actual is zero and its
    forecast is not (the share of nothing is undefined): why MAPE fails on slow sellers."""
    a, f = _pair(actual, forecast)
    err = np.abs(a - f)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(err == 0, 0.0, err / np.abs(a))
    return float(np.mean(ratio))


def pinball(actual: ArrayLike, quantile_forecast: ArrayLike, tau: float) -> float:
    """Mean pinball (quantile) loss of a ``tau`` quantile forecast: max(τ·e, (τ − 1)·e),
    e = actual − forecast. Under-forecasts cost τ per unit, over-forecasts 1 − τ."""
    if not 0 < tau < 1:
        raise ValueError(f"tau must be between 0 and 1 (e.g. 0.9 for P90); got {tau}")
    a, q = _pair(actual, quantile_forecast)
    e = a - q
    return float(np.mean(np.maximum(tau * e, (tau - 1) * e)))


def fva(baseline_wape: float, model_wape: float) -> float:
    """Forecast value added: WAPE points the model saves over the baseline (positive = helps).

    >>> round(fva(0.30, 0.22), 2)
    0.08
    """
    return float(baseline_wape - model_wape)
