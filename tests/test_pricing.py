"""Pricing: closed forms against numeric optimisation, the elasticity estimator and the
simulator. Pure functions only (the data world is in test_pricing_data.py, the rollout
statistics in test_pricing_rollout.py, the memo in test_pricing_memo.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from pm_toolkit import pricing
from pm_toolkit.pricing import (
    Market,
    Policy,
    capped_optimal_price,
    estimate_elasticity,
    ols_elasticity_plim,
    optimal_price,
    optimal_price_linear,
    optimal_price_logit,
    optimise_price_grid,
    simulate,
    simulate_endogenous_prices,
)

# ---------------------------------------------------------------- closed-form optima (oracles)


@pytest.mark.parametrize(("eps", "ratio"), [(2.0, 2.0), (3.0, 1.5), (1.5, 3.0)])
def test_lerner_rule_oracles(eps, ratio):
    assert optimal_price(100.0, eps) == pytest.approx(100.0 * ratio)


def test_lerner_margin_is_one_over_elasticity():
    p = optimal_price(80.0, 5.0)
    assert (p - 80.0) / p == pytest.approx(0.20)


@pytest.mark.parametrize("eps", [1.3, 2.0, 2.62, 4.0])
def test_lerner_rule_matches_numeric_optimisation(eps):
    cost = 240.0
    res = optimize.minimize_scalar(
        lambda p: -(p - cost) * 1e6 * p**-eps,
        bounds=(cost, 50 * cost),
        method="bounded",
        options={"xatol": 1e-6},
    )
    assert optimal_price(cost, eps) == pytest.approx(res.x, rel=1e-4)


@pytest.mark.parametrize("eps", [1.0, 0.8, 0.0, -2.0, float("nan")])
def test_no_interior_optimum_raises_with_a_clear_message(eps):
    with pytest.raises(ValueError, match="elasticity must be > 1"):
        optimal_price(100.0, eps)


def test_capped_price_respects_mrp_and_inelastic_goes_to_mrp():
    assert capped_optimal_price(300.0, 1.5, mrp=699.0) == 699.0  # Lerner ₹900 > MRP
    assert capped_optimal_price(300.0, 0.7, mrp=699.0) == 699.0  # profit rises with price
    assert capped_optimal_price(300.0, 4.0, mrp=699.0) == pytest.approx(400.0)
    with pytest.raises(ValueError, match="above the MRP"):
        capped_optimal_price(800.0, 3.0, mrp=699.0)


def test_capped_price_is_the_numeric_optimum_on_the_legal_interval():
    cost, eps, mrp = 300.0, 1.8, 549.0
    res = optimize.minimize_scalar(
        lambda p: -(p - cost) * p**-eps,
        bounds=(cost, mrp),
        method="bounded",
        options={"xatol": 1e-8},
    )
    assert capped_optimal_price(cost, eps, mrp) == pytest.approx(res.x, abs=1e-3)


def test_linear_oracles():
    rev = optimal_price_linear(50, 7)
    assert rev.price == pytest.approx(3.5714, abs=1e-4)
    assert rev.revenue == pytest.approx(89.2857, abs=1e-4)
    prof = optimal_price_linear(50, 7, cost=2)
    assert prof.price == pytest.approx(4.5714, abs=1e-4)
    assert prof.quantity == pytest.approx((50 - 7 * 2) / 2)
    assert prof.profit == pytest.approx((50 - 14) ** 2 / 28)


@pytest.mark.parametrize(("a", "b", "c"), [(50, 7, 0), (50, 7, 2), (120, 0.8, 30)])
def test_linear_matches_numeric_optimisation(a, b, c):
    res = optimize.minimize_scalar(
        lambda p: -(p - c) * (a - b * p),
        bounds=(c, a / b),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert optimal_price_linear(a, b, c).price == pytest.approx(res.x, abs=1e-5)


def test_logit_oracles():
    rev = optimal_price_logit(4, 1)
    assert (rev.price, rev.quantity, rev.revenue) == pytest.approx(
        (3.2079, 0.6883, 2.2079), abs=1e-4
    )
    prof = optimal_price_logit(4, 1, cost=1)
    assert (prof.price, prof.profit) == pytest.approx((3.5571, 1.5571), abs=1e-4)
    # First-order condition p = c + 1/(β(1 − P)).
    assert prof.price == pytest.approx(1 + 1 / (1 - prof.quantity))


@pytest.mark.parametrize(("alpha", "beta", "c"), [(4, 1, 0), (4, 1, 1), (2.5, 0.01, 120)])
def test_logit_matches_numeric_optimisation(alpha, beta, c):
    def neg_profit(p):
        return -(p - c) / (1 + np.exp(-(alpha - beta * p)))

    res = optimize.minimize_scalar(
        neg_profit, bounds=(c, c + 50 / beta), method="bounded", options={"xatol": 1e-9}
    )
    assert optimal_price_logit(alpha, beta, c).price == pytest.approx(res.x, rel=1e-5)


def test_grid_oracle_and_revenues():
    grid = [1.99, 2.49, 2.99, 3.49, 3.99, 4.49]
    best = optimise_price_grid(grid, lambda p: 50 - 7 * p)
    assert best.price == 3.49
    assert best.candidates["revenue"].round(2).tolist() == [
        71.78,
        81.10,
        86.92,
        89.24,
        88.06,
        83.38,
    ]


def test_grid_constraints_exclude_candidates_with_reasons():
    grid = [399, 449, 499, 549, 599]
    demand = lambda p: 1e7 * np.asarray(p, float) ** -2.0  # noqa: E731
    free = optimise_price_grid(grid, demand, cost=250, objective="profit")
    assert free.price == 499  # Lerner ₹500
    capped = optimise_price_grid(grid, demand, cost=250, objective="profit", mrp=449)
    assert capped.price == 449
    assert "above MRP" in capped.candidates["excluded_because"].tolist()
    step = optimise_price_grid(
        grid, demand, cost=250, objective="profit", current_price=399, max_change=0.13
    )
    assert step.price == 449
    margin = optimise_price_grid(grid, demand, cost=250, objective="profit", min_margin=0.5)
    assert margin.price == 549
    with pytest.raises(ValueError, match="no candidate price"):
        optimise_price_grid(grid, demand, cost=250, mrp=300)
    with pytest.raises(ValueError, match="current_price"):
        optimise_price_grid(grid, demand, max_change=0.1)


# ---------------------------------------------------------------- elasticity and endogeneity


def test_estimator_matches_scipy_linregress_and_its_ci():
    df = simulate_endogenous_prices(400, elasticity=2.0, gamma=0.0, seed=3)
    est = estimate_elasticity(df["price"], df["units"])
    lr = stats.linregress(np.log(df["price"]), np.log(df["units"]))
    assert est.elasticity == pytest.approx(-lr.slope)
    assert est.std_error == pytest.approx(lr.stderr)
    t = stats.t.ppf(0.975, len(df) - 2)
    assert est.ci_low == pytest.approx(-lr.slope - t * lr.stderr)


def test_fixed_effects_equal_the_dummy_regression():
    rng = np.random.default_rng(0)
    n = 300
    g = rng.integers(0, 5, n)
    level = np.array([2.0, 3.0, 1.0, 4.0, 2.5])[g]
    logp = 5 + 0.5 * level + rng.normal(0, 0.2, n)  # dear products sell more: confounded
    logq = level - 1.7 * logp + rng.normal(0, 0.3, n) + 0.5 * level
    df = pd.DataFrame({"lp": logp, "lq": logq, "g": g})
    ref = smf.ols("lq ~ lp + C(g)", data=df).fit()
    est = estimate_elasticity(np.exp(logp), np.exp(logq), groups=g)
    assert est.elasticity == pytest.approx(-ref.params["lp"])
    assert est.std_error == pytest.approx(ref.bse["lp"])
    assert est.n_groups == 5


def test_controls_enter_the_regression():
    rng = np.random.default_rng(1)
    n = 500
    lp = rng.normal(6, 0.2, n)
    lc = 0.8 * lp + rng.normal(0, 0.1, n)
    lq = 3 - 2.0 * lp + 0.6 * lc + rng.normal(0, 0.1, n)
    ref = sm.OLS(lq, sm.add_constant(np.column_stack([lp, lc]))).fit()
    est = estimate_elasticity(np.exp(lp), np.exp(lq), controls=lc)
    assert est.elasticity == pytest.approx(-ref.params[1])


@pytest.mark.parametrize(
    ("gamma", "sigma_v", "expected"),
    [(1.0, 1.0, 1.5), (1.0, 1e-9, 1.0), (1.0, 3.0, 1.9), (0.0, 1.0, 2.0)],
)
def test_plim_table(gamma, sigma_v, expected):
    assert ols_elasticity_plim(2.0, gamma, 1.0, sigma_v) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("gamma", "sv", "plim"), [(1.0, 0.3, 1.5), (1.0, 0.9, 1.9), (0.0, 0.3, 2.0)]
)
def test_simulated_naive_estimates_converge_to_the_plim(gamma, sv, plim):
    df = simulate_endogenous_prices(
        100_000, elasticity=2.0, gamma=gamma, sigma_u=0.3, sigma_v=sv, seed=11
    )
    est = estimate_elasticity(df["price"], df["units"])
    assert est.elasticity == pytest.approx(plim, abs=0.02)
    assert est.covers(2.0) == (gamma == 0.0)


def test_estimator_rejects_zero_units_with_advice():
    with pytest.raises(ValueError, match="0 units"):
        estimate_elasticity([100, 110, 120], [3, 0, 2])


# ---------------------------------------------------------------- simulator


@pytest.fixture(scope="module")
def market():
    return Market.example(n_products=8, n_days=14, seed=4)


def test_simulation_is_deterministic_per_seed_and_varies_with_it(market):
    a = simulate(market, trust_effect=0.03, competitor_reaction=0.5, seed=9)
    b = simulate(market, trust_effect=0.03, competitor_reaction=0.5, seed=9)
    c = simulate(market, trust_effect=0.03, competitor_reaction=0.5, seed=10)
    pd.testing.assert_frame_equal(a.table(), b.table())
    assert not a.table().equals(c.table())


def test_prices_stay_within_floor_and_mrp_and_guardrails_hold(market):
    rep = simulate(market, seed=1)
    assert np.all(rep.prices <= market.mrp[None, :, None] + 1e-9)
    assert np.all(rep.prices >= market.cost[None, :, None] - 1e-9)
    static = rep.prices[0]
    assert np.all(static == static[:, :1])  # static never moves
    k = list(rep.table().index).index("guarded")
    moves = np.abs(np.diff(rep.prices[k], axis=1)) / rep.prices[k][:, :-1]
    assert moves.max() <= 0.05 + 1e-9
    per_day = (moves > 0)[:, 23:].reshape(market.n_products, -1, 24).sum(axis=2)
    assert per_day.max() <= 2
    t = rep.table()
    assert t.loc["static", "price_changes"] == 0
    assert t.loc["hourly", "price_changes"] > t.loc["guarded", "price_changes"]


def test_first_come_cap_on_changes_per_day_holds():
    m = Market.example(n_products=5, n_days=7, seed=3)
    capped = Policy("capped", 1, max_changes_per_day=3, min_change=0.001)
    rep = simulate(m, [Policy("static", None), capped], seed=2)
    changed = np.diff(rep.prices[1], axis=1) != 0
    per_day = np.concatenate([np.zeros((5, 1), bool), changed], axis=1).reshape(5, -1, 24)
    assert per_day.sum(axis=2).max() <= 3


def test_hourly_model_reprices_when_its_inputs_move_more_than_the_guarded_cap(market):
    """The stakeholders' worry is simulated: the hourly policy changes prices several times
    a day on products whose stock runs short, well above the guarded policy's two."""
    rep = simulate(market, seed=1)
    hourly = rep.prices[list(rep.table().index).index("hourly")]
    per_product_day = (np.diff(hourly, axis=1) != 0).sum(axis=1) / (market.n_hours / 24)
    assert per_product_day.max() > 4
    assert rep.table().loc["hourly", "changes_per_product_day"] > 2


def test_changes_and_trust_cost_follow_the_review_interval(market):
    from pm_toolkit.pricing.dashboard import policies_for

    changes, lost = [], []
    for every in (1, 4, 12, 24):
        t = simulate(market, policies_for(every), trust_effect=0.002, seed=1).table()
        changes.append(t.iloc[1]["changes_per_product_day"])
        lost.append(t.iloc[1]["trust_lost_revenue"])
    assert changes == sorted(changes, reverse=True) and changes[0] > 2 * changes[-1]
    assert lost == sorted(lost, reverse=True) and lost[-1] > 0


def test_static_policy_matches_a_hand_computed_world_without_stock_limits():
    m = Market.example(n_products=3, n_days=3, seed=2)
    from dataclasses import replace

    big = replace(m, start_stock=np.full(3, 1e12))
    rep = simulate(big, [Policy("static", None)], demand_noise=1e-12, seed=0)
    p = pricing.model_prices(big)  # with stock to spare, the best fixed price is Lerner's
    assert pricing.fixed_prices(big) == pytest.approx(p, rel=3e-3)
    p = pricing.fixed_prices(big)
    demand = big.forecast * (p[:, None] / big.ref_price) ** -big.elasticity[:, None]
    demand *= (big.comp_price / big.ref_comp) ** big.cross_elasticity
    assert rep.table().loc["static", "revenue"] == pytest.approx((p[:, None] * demand).sum())
    assert rep.table().loc["static", "stockout_hours"] == 0


def test_fixed_price_is_the_best_single_price_in_the_models_own_view():
    """Brute force: the fixed price beats nearby fixed prices in expected margin."""
    from pm_toolkit.pricing.rationing import expected_sales
    from pm_toolkit.pricing.simulator import _cycles

    m = Market.example(n_products=4, n_days=14, seed=5)
    fixed = pricing.fixed_prices(m, 0.25)
    w = m.forecast * (m.comp_price / m.ref_comp) ** m.cross_elasticity
    w = w * (m.ref_price / m.mrp[:, None]) ** m.model_elasticity[:, None]
    for i, (starts, stock) in enumerate(_cycles(m)):
        per_cycle = np.add.reduceat(w[i], starts)

        def margin(p, i=i, stock=stock, per_cycle=per_cycle):
            sold = expected_sales(
                p / m.mrp[i],
                stock=stock,
                weight=per_cycle,
                elasticity=m.model_elasticity[i],
                spread=0.25,
            ).sum()
            return (p - m.cost[i]) * sold

        best = optimize.minimize_scalar(
            lambda p, f=margin: -f(p),
            bounds=(pricing.model_prices(m)[i], m.mrp[i]),
            method="bounded",
        )
        assert margin(fixed[i]) >= -best.fun * (1 - 1e-4)


def test_trust_effect_costs_only_policies_that_change_prices(market):
    calm = simulate(market, trust_effect=0.0, seed=2).table()
    wary = simulate(market, trust_effect=0.01, seed=2).table()
    assert calm["trust_lost_units"].sum() == 0
    assert wary.loc["static", "gross_margin"] == pytest.approx(calm.loc["static", "gross_margin"])
    assert wary.loc["hourly", "trust_lost_units"] > wary.loc["daily", "trust_lost_units"] > 0


def test_short_deliveries_raise_the_fixed_price_and_hourly_rationing_earns_more(market):
    # Weekly deliveries fall short of demand at the Lerner price: the best fixed price is higher.
    assert np.any(pricing.fixed_prices(market) > pricing.model_prices(market) * 1.01)
    t = simulate(market, seed=5).table()
    assert t.loc["hourly", "stockout_units"] <= t.loc["static", "stockout_units"]
    assert t.loc["hourly", "gross_margin"] > t.loc["static", "gross_margin"]


def test_demand_shocks_persist_from_hour_to_hour_with_the_planted_correlation():
    from dataclasses import replace

    from pm_toolkit.pricing.simulator import SHOCK_PERSISTENCE

    m = Market.example(n_products=40, n_days=60, seed=1)
    big = replace(m, start_stock=np.full(40, 1e12))
    rep = simulate(big, [Policy("static", None)], demand_noise=0.2, seed=3)
    p = pricing.fixed_prices(big)
    expected = big.forecast * (p[:, None] / big.ref_price) ** -big.elasticity[:, None]
    expected *= (big.comp_price / big.ref_comp) ** big.cross_elasticity
    log_shock = np.log(rep.sales[0] / expected)
    rho = np.mean([np.corrcoef(r[:-1], r[1:])[0, 1] for r in log_shock])
    assert rho == pytest.approx(SHOCK_PERSISTENCE, abs=0.03)
    assert log_shock.std() == pytest.approx(0.2, abs=0.01)
    assert np.exp(log_shock).mean() == pytest.approx(1.0, abs=0.02)  # mean-one shocks


def test_margins_add_up_from_prices_and_sales(market):
    """The report's totals, recomputed from its own price and sales paths."""
    rep = simulate(market, trust_effect=0.002, competitor_reaction=0.3, seed=4)
    revenue = (rep.prices * rep.sales).sum(axis=(1, 2))
    margin = revenue - (rep.sales * market.cost[None, :, None]).sum(axis=(1, 2))
    assert rep.table()["revenue"].to_numpy() == pytest.approx(revenue)
    assert rep.table()["gross_margin"].to_numpy() == pytest.approx(margin)


def test_break_even_is_where_the_margins_cross():
    m = Market.example(n_products=6, n_days=14, seed=7)
    gain = simulate(m, trust_effect=0.0, seed=1).table()["gross_margin"]
    assert gain["hourly"] > gain["static"]
    theta = pricing.break_even_trust(m, "hourly", "static", seed=1)
    assert 0 < theta < 0.5
    below = simulate(m, trust_effect=theta * 0.5, seed=1).table()["gross_margin"]
    above = simulate(m, trust_effect=min(theta * 2, 0.9), seed=1).table()["gross_margin"]
    assert below["hourly"] > below["static"]
    assert above["hourly"] < above["static"]


def test_market_from_panel_reads_deliveries_and_rejects_missing_columns():
    hours = pd.date_range("2025-10-01", periods=4, freq="h", tz="Asia/Kolkata")
    panel = pd.DataFrame(
        {
            "product_id": ["a"] * 4,
            "hour_ts": hours,
            "our_price": [100.0] * 4,
            "competitor_price": [105.0] * 4,
            "mrp": [120.0] * 4,
            "unit_cost": [60.0] * 4,
            "inventory": [10, 8, 20, 19],
            "demand_forecast": [2.0] * 4,
            "units_sold": [2, 1, 1, 1],
        }
    )
    m = Market.from_panel(panel, elasticity=2.0)
    # Stock went 8 → (8 − 1 sold) = 7 → 20: a top-up to 20 in hour 2.
    assert m.restock_to[0].tolist() == [0.0, 0.0, 20.0, 0.0]
    assert m.start_stock.tolist() == [10.0]
    with pytest.raises(ValueError, match="lacks column"):
        Market.from_panel(panel.drop(columns="mrp"), elasticity=2.0)
    with pytest.raises(ValueError, match="missing products"):
        Market.from_panel(panel, elasticity={"zzz": 2.0})


def test_policy_validation():
    with pytest.raises(ValueError, match="max_step"):
        Policy("x", 1, max_step=5)
    with pytest.raises(ValueError, match="unique"):
        simulate(Market.example(2, 2), [Policy("a", 1), Policy("a", 24)])


@pytest.mark.parametrize("with_groups", [False, True])
def test_poisson_method_matches_statsmodels_glm_with_robust_errors(with_groups):
    rng = np.random.default_rng(5)
    n = 600
    g = rng.integers(0, 4, n)
    lp = rng.normal(6.0, 0.15, n)
    mu = np.exp(np.array([1.0, 0.2, 0.7, 1.5])[g] - 2.0 * (lp - 6.0))
    units = rng.poisson(mu)  # many zero hours, which OLS on log units would have to drop
    assert (units == 0).any()
    cols = [lp[:, None]]
    cols.append(np.eye(4)[g] if with_groups else np.ones((n, 1)))
    ref = sm.GLM(units, np.hstack(cols), family=sm.families.Poisson()).fit(cov_type="HC1")
    est = estimate_elasticity(
        np.exp(lp), units, groups=g if with_groups else None, method="poisson"
    )
    assert est.elasticity == pytest.approx(-ref.params[0], rel=1e-8)
    assert est.std_error == pytest.approx(ref.bse[0], rel=1e-6)
    assert est.covers(2.0)


def test_poisson_method_with_controls_and_groups_matches_statsmodels_glm():
    rng = np.random.default_rng(6)
    n = 600
    g = rng.integers(0, 3, n)
    lp = rng.normal(6.0, 0.15, n)
    evening = (rng.random(n) < 0.4).astype(float)
    mu = np.exp(np.array([1.0, 0.2, 0.7])[g] + 0.5 * evening - 2.0 * (lp - 6.0))
    units = rng.poisson(mu)
    x = np.hstack([lp[:, None], evening[:, None], np.eye(3)[g]])
    ref = sm.GLM(units, x, family=sm.families.Poisson()).fit(cov_type="HC1")
    est = estimate_elasticity(np.exp(lp), units, groups=g, controls=evening, method="poisson")
    assert est.elasticity == pytest.approx(-ref.params[0], rel=1e-8)
    assert est.std_error == pytest.approx(ref.bse[0], rel=1e-6)


@pytest.mark.parametrize("method", ["ols", "poisson"])
def test_estimate_elasticity_checks_confidence_and_controls_for_every_method(method):
    p = np.array([100.0, 110, 120, 130])
    q = np.array([40.0, 33, 28, 24])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        estimate_elasticity(p, q, method=method, confidence=1.5)
    with pytest.raises(ValueError, match="controls must have one row per price"):
        estimate_elasticity(p, q, method=method, controls=np.ones(3))


# ---------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(
    cost=st.floats(1.0, 5_000.0),
    markup=st.floats(1.01, 5.0),
    eps=st.floats(0.1, 8.0),
)
def test_capped_price_is_always_legal_and_never_below_cost(cost, markup, eps):
    mrp = cost * markup
    p = capped_optimal_price(cost, eps, mrp)
    assert cost - 1e-9 <= p <= mrp + 1e-9
    # No legal price earns more profit under constant elasticity.
    grid = np.linspace(cost, mrp, 101)
    profit = (grid - cost) * grid**-eps
    assert (p - cost) * p**-eps >= profit.max() * (1 - 1e-9)


@settings(max_examples=100, deadline=None)
@given(
    prices=st.lists(st.floats(10.0, 2_000.0), min_size=1, max_size=12, unique=True),
    mrp=st.floats(10.0, 2_000.0),
)
def test_grid_optimum_is_feasible_or_refused(prices, mrp):
    try:
        best = optimise_price_grid(prices, lambda p: 1e6 * np.asarray(p) ** -2.0, mrp=mrp)
    except ValueError:
        assert min(prices) > mrp
    else:
        assert best.price <= mrp + 1e-9
        assert best.candidates.loc[best.candidates["feasible"], "revenue"].max() == best.revenue
