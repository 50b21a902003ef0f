"""Splitting a fixed festive buy across warehouses so that expected cost is lowest.

Plain words: each warehouse should be stocked to the *same* chance of running out. If one
warehouse had a lower chance than another, moving a unit from it to the other would cut the
expected cost. So the best split finds one service level α with Σ_w F_w⁻¹(α) = the buy, and
stocks warehouse w to its α-quantile (q_w = μ_w + z_α·σ_w for normal forecasts).

>>> a = allocate_buy([100, 50], [20, 20], total=140, cost_under=300, cost_over=100)
>>> a.units.round(1).tolist(), round(a.service_level, 3)
([95.0, 45.0], 0.401)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from pm_toolkit.forecasting.newsvendor import expected_cost_normal

__all__ = ["Allocation", "allocate_buy", "allocation_cost"]


@dataclass(frozen=True)
class Allocation:
    """Units per location (``units``, in the order given), the common service level, cost."""

    names: tuple[str, ...]
    units: np.ndarray
    service_level: float
    expected_cost: float

    def table(self) -> pd.DataFrame:
        """One row per location: ``warehouse``, ``units``."""
        return pd.DataFrame({"warehouse": list(self.names), "units": self.units})

    def _repr_html_(self) -> str:
        from pm_toolkit.formatting import format_inr

        return (
            self.table().round(0).to_html(index=False)
            + f"<p>Every warehouse stocked to a {self.service_level:.0%} chance of not running "
            f"out; expected cost {format_inr(self.expected_cost)}.</p>"
        )


def allocation_cost(
    units: Sequence[float], mu: Sequence[float], sigma: Sequence[float], cost_under, cost_over
) -> float:
    """Expected shortage plus leftover cost (₹) of an allocation under normal forecasts."""
    return float(np.sum(expected_cost_normal(units, mu, sigma, cost_under, cost_over)))


def allocate_buy(
    mu: Sequence[float],
    sigma: Sequence[float],
    total: float,
    cost_under: float,
    cost_over: float,
    names: Sequence[str] | None = None,
) -> Allocation:
    """The split of ``total`` units that minimises expected cost (equal service levels).

    With no shortage cost above what a leftover costs, the rule still holds: the buy is
    fixed, so only the split matters and the common service level adjusts to use it all.
    """
    mu_a, sd_a = np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float)
    if mu_a.shape != sd_a.shape or mu_a.ndim != 1 or mu_a.size == 0:
        raise ValueError("mu and sigma must be equal-length lists of forecasts")
    if np.any(sd_a <= 0):
        raise ValueError("every sigma must be > 0")
    if total < 0:
        raise ValueError(f"the buy must be ≥ 0 units; got {total}")
    names = tuple(names) if names is not None else tuple(str(i) for i in range(mu_a.size))

    def used(z: float) -> float:
        return float(np.maximum(mu_a + z * sd_a, 0).sum() - total)

    lo, hi = -10.0, 10.0
    z = optimize.brentq(used, lo, hi) if used(lo) < 0 < used(hi) else (lo if used(lo) >= 0 else hi)
    units = np.maximum(mu_a + z * sd_a, 0)
    units *= total / units.sum() if units.sum() > 0 else 0  # exact total after the clip at 0
    cost = allocation_cost(units, mu_a, sd_a, cost_under, cost_over)
    return Allocation(names, units, float(stats.norm.cdf(z)), cost)
