"""Pricing: closed forms against numeric optimisation, the elasticity estimator, the simulator,
the rollout statistics and the memo rubric. Pure functions only (the data world is in
test_pricing_data.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower

from pm_toolkit import pricing
from pm_toolkit.pricing import (
    DecisionMemo,
    Market,
    Policy,
    capped_optimal_price,
    estimate_elasticity,
    ols_elasticity_plim,
    optimal_price,
    optimal_price_linear,
    optimal_price_logit,
    optimise_price_grid,
    score_memo,
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
    k = list(rep.table().index).index("hourly_guarded")
    moves = np.abs(np.diff(rep.prices[k], axis=1)) / rep.prices[k][:, :-1]
    assert moves.max() <= 0.05 + 1e-9
    changed = moves > 0
    per_day = changed[:, 23:].reshape(market.n_products, -1, 24).sum(axis=2)  # hours 24.. by day
    assert per_day.max() <= 2
    t = rep.table()
    assert t.loc["static", "price_changes"] == 0
    assert t.loc["hourly", "price_changes"] > t.loc["daily", "price_changes"]


def test_static_policy_matches_a_hand_computed_world_without_stock_limits():
    m = Market.example(n_products=3, n_days=3, seed=2)
    from dataclasses import replace

    big = replace(m, start_stock=np.full(3, 1e12))
    rep = simulate(big, [Policy("static", None)], demand_noise=1e-12, seed=0)
    p = pricing.model_prices(big)
    demand = big.forecast * (p[:, None] / big.ref_price) ** -big.elasticity[:, None]
    demand *= (big.comp_price / big.ref_comp) ** big.cross_elasticity
    assert rep.table().loc["static", "revenue"] == pytest.approx((p[:, None] * demand).sum())
    assert rep.table().loc["static", "stockout_hours"] == 0


def test_trust_effect_costs_only_policies_that_change_prices(market):
    calm = simulate(market, trust_effect=0.0, seed=2).table()
    wary = simulate(market, trust_effect=0.1, seed=2).table()
    assert calm["trust_lost_units"].sum() == 0
    assert wary.loc["static", "gross_margin"] == pytest.approx(calm.loc["static", "gross_margin"])
    assert wary.loc["hourly", "trust_lost_units"] > wary.loc["daily", "trust_lost_units"] > 0


def test_stock_runs_out_and_scarcity_pricing_reduces_stockouts(market):
    t = simulate(market, seed=5).table()
    assert t.loc["static", "stockout_hours"] > 0
    assert t.loc["hourly", "stockout_units"] < t.loc["static", "stockout_units"]


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


# ---------------------------------------------------------------- rollout


@pytest.mark.parametrize(("n", "lift"), [(40, 0.05), (168, 0.03), (504, 0.05)])
def test_switchback_power_matches_statsmodels(n, lift):
    mean, sd = 100_000.0, 20_000.0
    ours = pricing.switchback_power(n, unit_mean=mean, unit_sd=sd, lift=lift).power
    ref = NormalIndPower().power(effect_size=lift * mean / sd, nobs1=n / 2, alpha=0.05, ratio=1.0)
    assert ours == pytest.approx(ref, rel=1e-9)


def test_units_needed_reaches_the_power_and_one_pair_less_does_not():
    kw = {"unit_mean": 1.2e5, "unit_sd": 4e4, "lift": 0.04}
    n = pricing.switchback_units_needed(**kw)
    assert pricing.switchback_power(n, **kw).power >= 0.8
    assert pricing.switchback_power(n - 2, **kw).power < 0.8
    per_arm = NormalIndPower().solve_power(effect_size=0.04 * 1.2e5 / 4e4, power=0.8, alpha=0.05)
    assert n == 2 * int(np.ceil(per_arm))


def test_design_effect_shrinks_the_sample():
    assert pricing.design_effect(1, 0.3) == 1.0
    assert pricing.effective_sample_size(5000, 50, 0.02) == pytest.approx(5000 / 1.98)
    with pytest.raises(ValueError, match="icc"):
        pricing.design_effect(10, 1.5)


def test_switchback_schedule_is_balanced_and_reproducible():
    regions = ["delhi", "maharashtra", "karnataka", "tamil_nadu"]
    a = pricing.assign_switchback(regions, 28, seed=3)
    b = pricing.assign_switchback(regions, 28, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a.groupby("region")["treated"].sum() == 14).all()
    # Regions are randomised separately, not in lock-step.
    wide = a.pivot(index="block", columns="region", values="treated")
    assert not (wide.nunique(axis=1) == 1).all()
    with pytest.raises(ValueError, match="even"):
        pricing.assign_switchback(regions, 7)


def test_region_day_units_sums_revenue_and_skips_cancelled():
    ts = pd.to_datetime(
        ["2025-10-01 10:00", "2025-10-01 12:00", "2025-10-02 09:00", "2025-10-02 10:00"]
    ).tz_localize("Asia/Kolkata")
    orders = pd.DataFrame(
        {
            "customer_id": [1, 2, 1, 2],
            "order_ts": ts,
            "net_value": [100.0, 50.0, 70.0, 999.0],
            "status": ["delivered", "delivered", "returned", "cancelled"],
        }
    )
    customers = pd.DataFrame({"customer_id": [1, 2], "state": ["delhi", "goa"]})
    u = pricing.region_day_units(orders, customers)
    assert u["revenue"].sum() == 220.0
    assert len(u) == 4  # goa on 2 Oct had only a cancelled order: a ₹0 unit
    assert u.loc[(u["region"] == "goa") & (u["orders"] == 0), "revenue"].tolist() == [0.0]


def test_designs_include_one_recommended_fair_design():
    keys = {d.key: d for d in pricing.ROLLOUT_DESIGNS}
    assert not keys["user_ab"].fair_to_customers
    assert keys["switchback"].verdict.startswith("Recommended")


# ---------------------------------------------------------------- memo rubric


def test_memo_rubric_rewards_a_guarded_pilot_and_penalises_dark_patterns():
    good = DecisionMemo(
        "guarded_pilot",
        evidence=("randomised_elasticity", "switchback_test", "trust_metrics", "success_criterion"),
        guardrails=("mrp_cap", "change_cap", "step_cap", "no_false_urgency", "cost_floor"),
        stop_conditions=("mrp_breach", "repeat_drop", "complaints_rise"),
    )
    s = score_memo(good)
    assert s.points == s.max_points
    bad = DecisionMemo(
        "approve_as_proposed",
        evidence=("user_ab_test",),
        guardrails=("countdown_banner",),
        stop_conditions=("revenue_only",),
    )
    assert score_memo(bad).points == 0
    assert "dark pattern" in repr(score_memo(bad))
    with pytest.raises(ValueError, match="decision must be one of"):
        DecisionMemo("launch_now")
    with pytest.raises(ValueError, match="unknown guardrails"):
        DecisionMemo("reject", guardrails=("vibes",))


def test_model_answer_uses_the_numbers_given():
    text = pricing.model_answer(
        naive_elasticity=1.23,
        test_elasticity=2.34,
        hourly_gain_pct=4.5,
        break_even=0.0123,
        units_needed=321,
    )
    for piece in ("1.23", "2.34", "4.5 %", "1.2%", "321"):
        assert piece in text


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


def test_switchback_mde_rejects_a_power_outside_0_1():
    with pytest.raises(ValueError, match="power must be between 0 and 1"):
        pricing.switchback_mde(504, unit_mean=100_000, unit_sd=20_000, power=80)


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
