"""The price that makes scarce stock last: the pricing model's rule for stock and forecasts.

The simulator's pricing model picks, each time it reviews a price, the single price that
maximises expected margin from now until the next delivery, given what it knows then: the stock
on hand ``x``, the demand forecast until the delivery (which already reflects the competitor's
price) and the elasticity it believes ``ε``. Demand until the delivery at price ``p`` is
``D = μ(p)·Z`` with ``μ(p) = W·p^(−ε)`` and a mean-one log-normal forecast error ``Z`` of spread
``s`` (how unsure the model is). Expected margin is ``(p − c)·E[min(D, x)]``; its first-order
condition gives, with ``k = x / μ(p)`` (stock in units of expected demand)::

    p = c / (1 − R(k)/ε),   R(k) = E[min(Z, k)] / E[Z·1{Z < k}] ≥ 1

With plenty of stock ``R → 1`` and the rule is the Lerner price ``c·ε/(ε − 1)``; as stock runs
short of the forecast, ``R`` grows and the price rises smoothly, up to the MRP. Because stock
and forecast move every hour, the price it wants moves every hour too: this is what an hourly
model reacts to. Re-solving a fixed-price problem at each review is the usual heuristic for
pricing a stock that is replenished on a schedule.

The answer depends on a product's cost, MRP and elasticity and on one number that changes
every hour, ``z = log(p_clear / MRP)``, where ``p_clear`` is the price at which expected demand
until the delivery equals the stock. :func:`rationing_table` solves the rule once per product
on a grid of ``z``; :meth:`RationingTable.price` looks it up in the simulator's hourly loop.

>>> import numpy as np
>>> t = rationing_table(cost=np.array([100.0]), mrp=np.array([400.0]), elasticity=np.array([2.0]))
>>> round(float(rationing_price(t, np.array([-9.0]))[0]), 6)  # ample stock: Lerner price
200.0
>>> bool(rationing_price(t, np.array([-0.5]))[0] > 200.0)  # stock runs short: higher
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

__all__ = ["RationingTable", "expected_sales", "rationing_price", "rationing_table"]

_GRID = 160  # points of z per product: a linear interpolation within 0.1 % of the solved price


@dataclass(frozen=True, eq=False)
class RationingTable:
    """Per product, the model's price (₹) on a shared grid of ``z``; :meth:`price` looks it up."""

    z0: float
    dz: float
    prices: np.ndarray  # (P, G) ₹

    def __post_init__(self) -> None:
        # Flat copies (value and slope to the next grid point) and row offsets, so the hourly
        # lookup is a handful of array operations.
        p, g = self.prices.shape
        flat = np.ascontiguousarray(self.prices).ravel()
        object.__setattr__(self, "_flat", flat)
        object.__setattr__(self, "_slope", np.append(np.diff(flat), 0.0))
        object.__setattr__(self, "_rows", np.arange(p) * g)
        object.__setattr__(self, "_top", g - 1.000001)

    def price(self, z: np.ndarray) -> np.ndarray:
        """The model's price per product for ``z = log(p_clear / MRP)``; (P,) or (K, P)."""
        return self.price_at((z - self.z0) * (1.0 / self.dz))

    def price_at(self, pos: np.ndarray) -> np.ndarray:
        """The price at grid position ``pos = (z − z0)/dz`` (overwritten: pass a scratch array).

        The simulator computes ``pos`` in one fused step from the hour's stock pressure.
        """
        np.maximum(pos, 0.0, out=pos)
        np.minimum(pos, self._top, out=pos)
        j = pos.astype(np.intp)
        pos -= j
        j += self._rows
        pos *= self._slope[j]
        pos += self._flat[j]
        return pos


def _lognormal_parts(k: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """``E[min(Z, k)]`` and ``E[Z; Z < k]`` for a mean-one log-normal ``Z`` of log-sd ``s``."""
    with np.errstate(divide="ignore"):
        a = (np.log(k) + 0.5 * s * s) / s
    below = ndtr(a - s)  # E[Z; Z < k]
    return below + k * (1.0 - ndtr(a)), below


def expected_sales(price, *, stock, weight, elasticity: float, spread: float) -> np.ndarray:
    """``E[min(D, stock)]`` with ``D = weight·price^(−ε)·Z``: expected units sold until delivery.

    >>> round(float(expected_sales(10.0, stock=1e9, weight=100.0, elasticity=1.0, spread=0.2)), 6)
    10.0
    """
    mu = np.asarray(weight, float) * np.asarray(price, float) ** (-elasticity)
    k = np.asarray(stock, float) / mu
    capped, _ = _lognormal_parts(k, spread)
    return mu * capped


def rationing_table(
    cost: np.ndarray, mrp: np.ndarray, elasticity: np.ndarray, spread: float = 0.25
) -> RationingTable:
    """Solve the model's rule for every product on a grid of ``z = log(p_clear / MRP)``.

    Products whose believed elasticity is ≤ 1 (no Lerner price) or whose Lerner price is at or
    above the MRP are priced at the MRP whatever the stock. Solved by bisection (the first-order
    condition rises with the price), 50 halvings: far below a paisa.
    """
    if not spread > 0:
        raise ValueError(
            f"spread (the model's forecast error) must be > 0, e.g. 0.25; got {spread}"
        )
    cost, mrp, eps = (np.asarray(v, float)[:, None] for v in (cost, mrp, elasticity))
    gamma = cost / mrp
    with np.errstate(divide="ignore", invalid="ignore"):
        lerner = np.where(eps > 1, gamma * eps / (eps - 1), np.inf)
    low = np.minimum(lerner, 1.0)
    # From well below the cheapest Lerner price (stock never binds) to above the MRP.
    z0 = float(np.log(np.min(gamma))) - 1.0 - 4 * spread
    z = np.linspace(z0, 0.75, _GRID)[None, :]
    lo = np.broadcast_to(np.log(low), (cost.shape[0], _GRID)).copy()
    hi = np.zeros_like(lo)
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        k = np.exp(eps * (mid - z))
        capped, below = _lognormal_parts(k, spread)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(below > 0, capped / below, np.inf)
        # r·(1 − R/ε) − c/MRP: negative means the price is still too low.
        too_low = np.exp(mid) * (1.0 - ratio / eps) < gamma
        lo = np.where(too_low, mid, lo)
        hi = np.where(too_low, hi, mid)
    share = np.exp(0.5 * (lo + hi))
    share[(low >= 1.0).ravel()] = 1.0
    return RationingTable(z0, float(z[0, 1] - z[0, 0]), share * mrp)


def rationing_price(table: RationingTable, z: np.ndarray) -> np.ndarray:
    """The model's price (₹) per product for ``z = log(p_clear / MRP)``; works on (K, P) too."""
    return table.price(np.array(z, dtype=float))
