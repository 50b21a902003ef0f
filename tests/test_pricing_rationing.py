"""The pricing model's rule for scarce stock, checked against brute-force optimisation and a
Monte Carlo of the demand it assumes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from pm_toolkit.pricing.rationing import expected_sales, rationing_price, rationing_table

COST, MRP, EPS, SPREAD = (
    np.array([100.0, 300.0]),
    np.array([400.0, 450.0]),
    np.array([2.0, 3.0]),
    0.25,
)


def _best_by_search(i: int, z: float) -> float:
    """The price maximising (p − c)·E[min(D, x)] on [cost, MRP], found numerically."""
    # z = log(p_clear / MRP): stock equals expected demand at p_clear. Take stock x = 1 and
    # W = p_clear^ε, so that μ(p) = W·p^(−ε) = 1 at p_clear.
    p_clear = MRP[i] * np.exp(z)
    weight = p_clear ** EPS[i]

    def neg_margin(p: float) -> float:
        sold = expected_sales(p, stock=1.0, weight=weight, elasticity=EPS[i], spread=SPREAD)
        return -(p - COST[i]) * float(sold)

    res = optimize.minimize_scalar(neg_margin, bounds=(COST[i], MRP[i]), method="bounded",
                                   options={"xatol": 1e-6})  # fmt: skip
    return float(res.x)


@pytest.fixture(scope="module")
def table():
    return rationing_table(COST, MRP, EPS, SPREAD)


@pytest.mark.parametrize("z", [-3.0, -1.2, -0.8, -0.5, -0.3, -0.1, 0.2])
def test_rule_is_the_numeric_optimum(table, z):
    got = rationing_price(table, np.array([z, z]))
    want = [_best_by_search(0, z), _best_by_search(1, z)]
    assert got == pytest.approx(want, rel=2e-3)


def test_ample_stock_gives_lerner_and_no_stock_gives_the_mrp(table):
    lerner = np.minimum(COST * EPS / (EPS - 1), MRP)
    assert rationing_price(table, np.array([-20.0, -20.0])) == pytest.approx(lerner, rel=1e-9)
    assert rationing_price(table, np.array([5.0, 5.0])) == pytest.approx(MRP)


def test_price_rises_as_stock_runs_short(table):
    z = np.linspace(-3, 0.5, 200)
    prices = np.array([rationing_price(table, np.array([v, v])) for v in z])
    assert np.all(np.diff(prices, axis=0) >= -1e-9)


def test_inelastic_or_lerner_above_mrp_sits_at_the_mrp():
    t = rationing_table(np.array([100.0, 300.0]), np.array([400.0, 350.0]), np.array([0.8, 2.0]))
    assert rationing_price(t, np.array([-5.0, -5.0])) == pytest.approx([400.0, 350.0])


def test_expected_sales_matches_a_monte_carlo():
    rng = np.random.default_rng(3)
    z = np.exp(rng.normal(-0.5 * SPREAD**2, SPREAD, 400_000))
    for stock in (0.5, 1.0, 2.0):
        mc = np.minimum(z, stock).mean()
        closed = expected_sales(1.0, stock=stock, weight=1.0, elasticity=2.0, spread=SPREAD)
        assert float(closed) == pytest.approx(mc, abs=2e-3)


def test_rationing_table_refuses_a_non_positive_spread():
    with pytest.raises(ValueError, match="spread"):
        rationing_table(COST, MRP, EPS, 0.0)
