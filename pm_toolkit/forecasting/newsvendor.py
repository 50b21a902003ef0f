"""From a forecast to a stock level: the newsvendor rule.

Plain words: stock up to the point where the chance of selling one more unit times what a
missed sale costs equals the chance of not selling it times what a leftover costs. That point
is the **critical ratio** Cu / (Cu + Co): Cu is the cost of one unit short (lost margin plus
lost goodwill), Co the cost of one unit left over (what it cost, minus what a markdown recovers,
plus holding it). Stock to that quantile of the demand forecast: with normal demand
q* = μ + z·σ, z = Φ⁻¹(Cu / (Cu + Co)).

>>> costs = stock_costs(price=1000, unit_cost=700, goodwill=50, salvage=500, holding=20)
>>> costs.under, costs.over, round(costs.critical_ratio, 3)
(350.0, 220.0, 0.614)
>>> round(newsvendor_normal(100, 20, costs.under, costs.over), 1)
105.8
>>> newsvendor_poisson(4.0, 9, 1)
7
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "StockCosts",
    "critical_ratio",
    "expected_cost_normal",
    "expected_shortage_normal",
    "newsvendor_empirical",
    "newsvendor_normal",
    "newsvendor_poisson",
    "stock_costs",
]


@dataclass(frozen=True)
class StockCosts:
    """Cost of one unit short (``under``) and one unit left over (``over``), in ₹."""

    under: float
    over: float

    @property
    def critical_ratio(self) -> float:
        return critical_ratio(self.under, self.over)


def stock_costs(
    price: float,
    unit_cost: float,
    goodwill: float = 0.0,
    salvage: float = 0.0,
    holding: float = 0.0,
) -> StockCosts:
    """Cu = price − cost + goodwill (margin lost plus the customer's annoyance);
    Co = cost − salvage + holding (what a leftover loses after its markdown)."""
    under = price - unit_cost + goodwill
    over = unit_cost - salvage + holding
    if under <= 0 or over <= 0:
        raise ValueError(
            f"both costs must be positive: short costs ₹{under:,.2f}, leftover ₹{over:,.2f}"
        )
    return StockCosts(float(under), float(over))


def critical_ratio(cost_under: float, cost_over: float) -> float:
    """Cu / (Cu + Co): the service level worth buying (the share of days with no stock-out)."""
    if cost_under < 0 or cost_over < 0 or cost_under + cost_over <= 0:
        raise ValueError(
            f"costs must be ≥ 0 and not both zero; got under={cost_under}, over={cost_over}"
        )
    return float(cost_under / (cost_under + cost_over))


def newsvendor_normal(mu: float, sigma: float, cost_under: float, cost_over: float) -> float:
    """Stock level for normal demand: μ + σ·Φ⁻¹(critical ratio)."""
    if sigma < 0:
        raise ValueError(f"sigma must be ≥ 0; got {sigma}")
    ratio = critical_ratio(cost_under, cost_over)
    return float(mu + sigma * stats.norm.ppf(ratio))


def newsvendor_poisson(lam: float, cost_under: float, cost_over: float) -> int:
    """Stock level for Poisson demand: the smallest q with P(D ≤ q) ≥ the critical ratio."""
    if lam < 0:
        raise ValueError(f"the Poisson mean must be ≥ 0; got {lam}")
    return int(stats.poisson.ppf(critical_ratio(cost_under, cost_over), lam))


def newsvendor_empirical(samples, cost_under: float, cost_over: float) -> float:
    """Stock level from demand scenarios (e.g. backtest-based): their critical-ratio quantile."""
    x = np.asarray(samples, dtype=float)
    if x.size == 0:
        raise ValueError("no demand scenarios given")
    return float(np.quantile(x, critical_ratio(cost_under, cost_over), method="inverted_cdf"))


def expected_shortage_normal(q, mu, sigma):
    """E[(D − q)+] for normal demand: σ·(φ(z) − z·(1 − Φ(z))), z = (q − μ)/σ."""
    q, mu, sigma = (np.asarray(v, dtype=float) for v in (q, mu, sigma))
    z = (q - mu) / sigma
    return sigma * (stats.norm.pdf(z) - z * stats.norm.sf(z))


def expected_cost_normal(q, mu, sigma, cost_under: float, cost_over: float):
    """Expected cost of stocking ``q``: Cu·E[short] + Co·E[left over] (₹), normal demand."""
    q, mu = np.asarray(q, dtype=float), np.asarray(mu, dtype=float)
    short = expected_shortage_normal(q, mu, sigma)
    left = q - mu + short  # E[(q − D)+] = q − μ + E[(D − q)+]
    out = cost_under * short + cost_over * left
    return float(out) if np.ndim(out) == 0 else out
