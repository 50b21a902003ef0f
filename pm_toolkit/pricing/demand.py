"""Demand curves and the price that maximises revenue or profit under each.

Three textbook demand models, each with its optimum in closed form (so a PM can see *why* the
number comes out as it does), plus a numeric optimiser over a grid of candidate prices that
respects the constraints real pricing lives under: the MRP ceiling, a minimum margin and a
maximum change from the current price.

Notation: ``p`` price, ``c`` unit cost, ``ε`` the magnitude of the own-price elasticity.

>>> optimal_price(cost=200.0, elasticity=2.0)      # Lerner rule: p* = c·ε/(ε−1)
400.0
>>> round(optimal_price_linear(a=50, b=7).price, 4)  # revenue-maximising, p = a/(2b)
3.5714
>>> round(optimal_price_logit(alpha=4, beta=1).price, 4)
3.2079
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import lambertw

from pm_toolkit.formatting import format_inr

__all__ = [
    "GridOptimum",
    "PriceOptimum",
    "capped_optimal_price",
    "demand_constant_elasticity",
    "demand_linear",
    "optimal_price",
    "optimal_price_linear",
    "optimal_price_logit",
    "optimise_price_grid",
    "purchase_probability_logit",
]


@dataclass(frozen=True)
class PriceOptimum:
    """The best price under a demand model and what it earns (per period or per visitor)."""

    price: float
    quantity: float
    revenue: float
    profit: float
    model: str

    def __repr__(self) -> str:
        return (
            f"PriceOptimum({self.model}: price={self.price:.4f}, quantity={self.quantity:.4f}, "
            f"revenue={self.revenue:.4f}, profit={self.profit:.4f})"
        )


@dataclass(frozen=True)
class GridOptimum:
    """The best feasible candidate price; ``candidates`` shows every price and why it was kept."""

    price: float
    quantity: float
    revenue: float
    profit: float
    objective: str
    candidates: pd.DataFrame = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"GridOptimum(best {self.objective}: price={self.price:.2f}, "
            f"quantity={self.quantity:.2f}, revenue={self.revenue:.2f}, profit={self.profit:.2f})"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Best price for {self.objective}: {format_inr(self.price, 2)}</b> "
            f"(revenue {format_inr(self.revenue, 2)}, profit {format_inr(self.profit, 2)})</p>"
        )
        return head + self.candidates.to_html(index=False, float_format=lambda v: f"{v:,.2f}")


def demand_constant_elasticity(price, scale: float, elasticity: float):
    """Constant-elasticity demand ``Q = A·p^(−ε)``: a 1 % price rise always loses ε % of units.

    >>> round(float(demand_constant_elasticity(2.0, scale=100.0, elasticity=2.0)), 2)
    25.0
    """
    return scale * np.power(np.asarray(price, dtype=float), -elasticity)


def demand_linear(price, a: float, b: float):
    """Linear demand ``Q = a − b·p``, floored at zero (nobody buys a negative amount).

    >>> float(demand_linear(3.0, a=50, b=7))
    29.0
    """
    return np.maximum(a - b * np.asarray(price, dtype=float), 0.0)


def purchase_probability_logit(price, alpha: float, beta: float):
    """Logit purchase probability per visitor ``P(p) = 1 / (1 + e^−(α − β·p))``.

    >>> round(float(purchase_probability_logit(3.2079, alpha=4, beta=1)), 4)
    0.6883
    """
    return 1.0 / (1.0 + np.exp(-(alpha - beta * np.asarray(price, dtype=float))))


def _check_positive(name: str, value: float, example: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, e.g. {example}; got {value!r}")
    return value


def optimal_price(cost: float, elasticity: float) -> float:
    """Profit-maximising price under constant elasticity: ``p* = c·ε/(ε−1)`` (the Lerner rule).

    The margin at the optimum is ``(p* − c)/p* = 1/ε``: the more price-sensitive the shoppers, the
    thinner the margin. With ε ≤ 1 raising the price always raises profit, so there is no interior
    optimum and this raises instead of returning a misleading number.

    >>> optimal_price(cost=100.0, elasticity=3.0)
    150.0
    """
    cost = _check_positive("cost", cost, "₹180 for the unit cost of a phone cover")
    elasticity = float(elasticity)
    if not math.isfinite(elasticity) or elasticity <= 1:
        raise ValueError(
            f"elasticity must be > 1 for an interior optimum; got {elasticity:g}. "
            "With ε ≤ 1 every price rise adds profit, so the ceiling (the MRP) decides the price: "
            "use capped_optimal_price(cost, elasticity, mrp)."
        )
    return cost * elasticity / (elasticity - 1.0)


def capped_optimal_price(
    cost: float, elasticity: float, mrp: float, floor: float | None = None
) -> float:
    """The profit-maximising price once the law's ceiling (``p ≤ MRP``) and a floor apply.

    Constant-elasticity profit rises up to the Lerner price and falls after it, so the best
    allowed price is the Lerner price clipped into ``[floor, MRP]``; for inelastic products
    (ε ≤ 1) profit keeps rising with price and the MRP itself is the answer.
    ``floor`` defaults to the unit cost: selling below cost is never the plan.

    >>> capped_optimal_price(cost=300.0, elasticity=1.5, mrp=699.0)  # Lerner says ₹900
    699.0
    >>> capped_optimal_price(cost=300.0, elasticity=4.0, mrp=699.0)
    400.0
    """
    cost = _check_positive("cost", cost, "₹180")
    mrp = _check_positive("mrp", mrp, "₹499")
    lo = cost if floor is None else float(floor)
    if lo > mrp:
        raise ValueError(
            f"the floor ({format_inr(lo, 2)}) is above the MRP ({format_inr(mrp, 2)}): "
            "no legal price covers it; "
            "lower the floor or review the product's cost"
        )
    elasticity = float(elasticity)
    if elasticity <= 1:
        return mrp
    return float(min(max(optimal_price(cost, elasticity), lo), mrp))


def optimal_price_linear(a: float, b: float, cost: float = 0.0) -> PriceOptimum:
    """Best price for linear demand ``Q = a − b·p``: ``p* = (a + b·c)/(2b)``.

    With ``cost=0`` this is the revenue maximum ``a/(2b)``, where elasticity equals 1.
    Profit at the optimum is ``(a − b·c)²/(4b)``.

    >>> opt = optimal_price_linear(a=50, b=7, cost=2)
    >>> round(opt.price, 4), round(opt.quantity, 4)
    (4.5714, 18.0)
    """
    a = _check_positive("a (demand at price 0)", a, "50")
    b = _check_positive("b (units lost per ₹1)", b, "7")
    if cost < 0 or cost >= a / b:
        raise ValueError(
            f"cost must be in [0, a/b) = [0, {a / b:.4g}) so that something sells; got {cost}"
        )
    price = (a + b * cost) / (2 * b)
    quantity = a - b * price
    return PriceOptimum(
        price=price,
        quantity=quantity,
        revenue=price * quantity,
        profit=(price - cost) * quantity,
        model="linear",
    )


def optimal_price_logit(alpha: float, beta: float, cost: float = 0.0) -> PriceOptimum:
    """Best price per visitor under logit purchase probability ``P(p) = σ(α − β·p)``.

    The first-order condition is ``p = c + 1/(β·(1 − P(p)))``; its solution is closed-form with
    the Lambert W function: ``p* = c + (1 + W(e^(α − β·c − 1)))/β``. Per visitor, profit at the
    optimum is ``p* − c − 1/β`` and ``quantity`` is the purchase probability.

    >>> opt = optimal_price_logit(alpha=4, beta=1, cost=1)
    >>> round(opt.price, 4), round(opt.profit, 4)
    (3.5571, 1.5571)
    """
    beta = _check_positive("beta (price sensitivity)", beta, "1.0")
    if cost < 0:
        raise ValueError(f"cost must be ≥ 0; got {cost}")
    w = float(np.real(lambertw(math.exp(alpha - beta * cost - 1.0))))
    price = cost + (1.0 + w) / beta
    prob = float(purchase_probability_logit(price, alpha, beta))
    return PriceOptimum(
        price=price,
        quantity=prob,
        revenue=price * prob,
        profit=(price - cost) * prob,
        model="logit",
    )


def optimise_price_grid(
    prices: Sequence[float],
    demand: Callable[[np.ndarray], np.ndarray],
    *,
    cost: float = 0.0,
    objective: str = "revenue",
    mrp: float | None = None,
    min_margin: float | None = None,
    current_price: float | None = None,
    max_change: float | None = None,
) -> GridOptimum:
    """Pick the best of a few candidate price points, subject to real-world constraints.

    Shops price on points such as ₹499 or ₹3.49, not on a continuum, so the optimum is an argmax
    over a grid. Constraints drop candidates before the argmax: ``mrp`` (the legal ceiling
    ``p ≤ MRP``), ``min_margin`` (``(p − c)/p`` at least this share) and ``max_change`` (at most
    this fraction away from ``current_price``, so a customer never sees a jump).

    >>> grid = [1.99, 2.49, 2.99, 3.49, 3.99, 4.49]
    >>> optimise_price_grid(grid, lambda p: 50 - 7 * p).price
    3.49
    >>> optimise_price_grid(grid, lambda p: 50 - 7 * p, mrp=2.99).price
    2.99
    """
    if objective not in ("revenue", "profit"):
        raise ValueError(f"objective must be 'revenue' or 'profit'; got {objective!r}")
    grid = np.asarray(sorted(set(float(p) for p in prices)), dtype=float)
    if grid.size == 0 or np.any(grid <= 0) or not np.all(np.isfinite(grid)):
        raise ValueError("prices must be a non-empty list of positive numbers, e.g. [449, 499]")
    quantity = np.asarray(demand(grid), dtype=float)
    if quantity.shape != grid.shape:
        raise ValueError("demand(prices) must return one quantity per candidate price")
    revenue = grid * quantity
    profit = (grid - cost) * quantity
    feasible = np.ones(grid.size, dtype=bool)
    reason = np.array([""] * grid.size, dtype=object)
    if mrp is not None:
        above = grid > mrp + 1e-9
        reason[above & feasible] = "above MRP"
        feasible &= ~above
    if min_margin is not None:
        thin = (grid - cost) / grid < min_margin - 1e-12
        reason[thin & feasible] = "margin too thin"
        feasible &= ~thin
    if max_change is not None:
        if current_price is None:
            raise ValueError("max_change needs current_price, the price the customer sees now")
        jump = np.abs(grid / current_price - 1.0) > max_change + 1e-12
        reason[jump & feasible] = "change too large"
        feasible &= ~jump
    if not feasible.any():
        raise ValueError(
            "no candidate price meets every constraint (MRP, minimum margin, maximum change); "
            "add price points or relax a constraint"
        )
    score = np.where(feasible, revenue if objective == "revenue" else profit, -np.inf)
    best = int(np.argmax(score))
    table = pd.DataFrame(
        {
            "price": grid,
            "quantity": quantity,
            "revenue": revenue,
            "profit": profit,
            "feasible": feasible,
            "excluded_because": reason,
        }
    )
    return GridOptimum(
        price=float(grid[best]),
        quantity=float(quantity[best]),
        revenue=float(revenue[best]),
        profit=float(profit[best]),
        objective=objective,
        candidates=table,
    )
