"""The rollout test's statistics against statsmodels, closed forms and simulation, and the
designs, units and schedules it is built from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from pm_toolkit import pricing

# ---------------------------------------------------------------- power at the unit randomised


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
    mde = pricing.switchback_mde(n, unit_mean=1.2e5, unit_sd=4e4)
    assert mde == pytest.approx(0.04, rel=0.01)


def test_power_inputs_are_checked():
    with pytest.raises(ValueError, match="power must be between 0 and 1"):
        pricing.switchback_mde(504, unit_mean=100_000, unit_sd=20_000, power=80)
    with pytest.raises(ValueError, match="non-zero"):
        pricing.orders_needed(0.0, 1.0)
    with pytest.raises(ValueError, match="2 clusters"):
        pricing.geo_test_mde(1, cluster_week_cv=0.02, test_weeks=4, pre_weeks=4)


def test_design_effect_shrinks_the_sample():
    assert pricing.design_effect(1, 0.3) == 1.0
    assert pricing.effective_sample_size(5000, 50, 0.02) == pytest.approx(5000 / 1.98)
    with pytest.raises(ValueError, match="icc"):
        pricing.design_effect(10, 1.5)


@pytest.mark.parametrize(("effect", "cv"), [(0.01, 1.0), (0.004, 1.3), (0.05, 0.5)])
def test_orders_needed_matches_statsmodels_on_the_per_order_effect_size(effect, cv):
    """Margin per arm is a compound-Poisson sum: the per-order effect size is δ/√(1 + CV²)."""
    n = pricing.orders_needed(effect, cv)
    per_arm = NormalIndPower().solve_power(
        effect_size=effect / np.sqrt(1 + cv**2), power=0.8, alpha=0.05
    )
    # statsmodels also counts the far tail's sliver of power, so it needs a few orders fewer.
    assert n == pytest.approx(2 * per_arm, rel=1e-4)
    assert n >= 2 * per_arm


def test_orders_needed_gives_80_percent_power_in_a_simulation():
    """Two arms of Poisson-many orders with log-normal margins; treatment earns 5 % more."""
    effect, sigma = 0.05, 0.8
    cv = float(np.sqrt(np.exp(sigma**2) - 1))
    per_arm = pricing.orders_needed(effect, cv) // 2
    rng = np.random.default_rng(11)
    wins, runs = 0, 400
    for _ in range(runs):
        totals = []
        for lift in (1.0, 1.0 + effect):
            k = rng.poisson(per_arm)
            totals.append(lift * np.exp(rng.normal(-0.5 * sigma**2, sigma, k)).sum())
        # A z-test on the totals, with the compound-Poisson variance estimated from the data.
        se = np.sqrt(2 * per_arm * (1 + cv**2))
        wins += abs(totals[1] - totals[0]) / se > 1.959964
    assert wins / runs == pytest.approx(0.8, abs=0.05)


def test_within_region_sd_matches_a_two_way_fixed_effects_regression():
    rng = np.random.default_rng(2)
    regions, days = [f"r{i}" for i in range(6)], pd.date_range("2025-10-01", periods=20).date
    grid = pd.MultiIndex.from_product([regions, days], names=["region", "day"]).to_frame(False)
    size = dict(zip(regions, [50.0, 20.0, 8.0, 5.0, 2.0, 1.0], strict=True))
    grid["margin"] = grid["region"].map(size) * 1000 + rng.normal(0, 300, len(grid))
    fit = smf.ols("margin ~ C(region) + C(day)", data=grid.astype({"day": str})).fit()
    assert pricing.within_region_sd(grid) == pytest.approx(np.sqrt(fit.scale), rel=1e-9)
    assert pricing.within_region_sd(grid) < 0.1 * grid["margin"].std()
    with pytest.raises(ValueError, match="every region and day"):
        pricing.within_region_sd(grid.iloc[1:])


# ---------------------------------------------------------------- carry-over


@pytest.mark.parametrize(("block", "half_life", "skip"), [(1, 7, 0), (7, 7, 0), (42, 7, 14)])
def test_carryover_share_matches_a_simulated_switchback(block, half_life, skip):
    """Trust damage d_t = δ·d_{t−1} + treated_t, random blocks; compare treated and control days
    (read from ``skip`` on in each block) against the long-run effect 1/(1 − δ)."""
    rng = np.random.default_rng(7)
    keep = 0.5 ** (1 / half_life)
    n_blocks = 40_000 // block + 200
    arms = rng.random(n_blocks) < 0.5
    treated = np.repeat(arms, block)
    day_in_block = np.tile(np.arange(block), n_blocks)
    damage = np.empty(treated.size)
    d = 0.0
    for t, on in enumerate(treated):
        d = keep * d + on
        damage[t] = d
    read = day_in_block >= skip
    read[: 100 * block] = False  # burn-in
    seen = damage[read & treated].mean() - damage[read & ~treated].mean()
    want = pricing.carryover_share(block, half_life, skip_days=skip)
    assert seen * (1 - keep) == pytest.approx(want, abs=0.02)


def test_day_blocks_see_about_a_tenth_of_a_one_week_effect():
    assert pricing.carryover_share(1, 7) == pytest.approx(1 - 0.5 ** (1 / 7))
    assert pricing.carryover_share(1, 7) < pricing.carryover_share(7, 7) < 0.5
    assert pricing.carryover_share(42, 7, skip_days=14) > 0.85


# ---------------------------------------------------------------- geo-clusters


@pytest.mark.parametrize("k", [2, 4, 10])
def test_geo_mde_matches_statsmodels_t_test(k):
    cv, weeks, pre = 0.03, 6, 4
    per_cluster = cv * np.sqrt(1 / weeks + 1 / pre)
    d = TTestIndPower().solve_power(nobs1=k, alpha=0.05, power=0.8, ratio=1.0)
    ours = pricing.geo_test_mde(k, cluster_week_cv=cv, test_weeks=weeks, pre_weeks=pre)
    assert ours == pytest.approx(d * per_cluster, rel=1e-4)


def test_geo_mde_gives_80_percent_power_in_a_simulation():
    k, cv, weeks, pre = 6, 0.04, 6, 6
    mde = pricing.geo_test_mde(k, cluster_week_cv=cv, test_weeks=weeks, pre_weeks=pre)
    rng = np.random.default_rng(5)
    from scipy import stats

    hits = 0
    for _ in range(1000):
        results = []
        for lift in (0.0, mde):
            pre_m = rng.normal(1, cv, (k, pre)).mean(axis=1)
            test_m = rng.normal(1 + lift, cv, (k, weeks)).mean(axis=1)
            results.append(test_m - pre_m)
        hits += stats.ttest_ind(results[1], results[0]).pvalue < 0.05
    assert hits / 1000 == pytest.approx(0.8, abs=0.04)


def test_geo_clusters_are_balanced_pairs_randomised_per_seed():
    units = pd.DataFrame(
        {"region": [f"s{i}" for i in range(16)], "day": 0, "margin": np.arange(16, 0, -1) ** 2}
    )
    a = pricing.geo_clusters(units, n_clusters=4, seed=3)
    pd.testing.assert_frame_equal(a, pricing.geo_clusters(units, n_clusters=4, seed=3))
    assert sorted(a["region"]) == sorted(units["region"])
    per = a.merge(units, on="region").groupby("cluster")["margin"].sum()
    assert per.max() / per.min() < 1.3  # snake dealing keeps cluster sizes alike
    arms = a.groupby("cluster")["treated"].first()
    assert arms.sum() == 2
    seeds = {tuple(pricing.geo_clusters(units, 4, seed=s)["treated"]) for s in range(12)}
    assert len(seeds) > 1
    with pytest.raises(ValueError, match="even"):
        pricing.geo_clusters(units, n_clusters=3)


def test_cluster_weeks_keeps_whole_weeks_only():
    days = pd.date_range("2025-10-01", periods=17).date
    units = pd.DataFrame({"region": "a", "day": days, "margin": 1.0, "orders": 1})
    weeks = pricing.cluster_weeks(units, pd.DataFrame({"region": ["a"], "cluster": [0]}))
    assert weeks["week"].tolist() == [0, 1] and weeks["margin"].tolist() == [7.0, 7.0]


# ---------------------------------------------------------------- units from orders


def _tiny_shop():
    ts = pd.to_datetime(
        ["2025-10-01 10:00", "2025-10-01 12:00", "2025-10-02 09:00", "2025-10-02 10:00"]
    ).tz_localize("Asia/Kolkata")
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "customer_id": [1, 2, 1, 2],
            "order_ts": ts,
            "status": ["delivered", "delivered", "returned", "cancelled"],
        }
    )
    items = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 4],
            "product_id": [10, 11, 10, 10, 11],
            "quantity": [2, 1, 1, 1, 5],
            "unit_price": [100.0, 50.0, 100.0, 100.0, 50.0],
            "discount": [10.0, 0.0, 0.0, 0.0, 0.0],
        }
    )
    products = pd.DataFrame({"product_id": [10, 11], "unit_cost": [60.0, 30.0]})
    customers = pd.DataFrame({"customer_id": [1, 2], "state": ["delhi", "goa"]})
    return orders, items, products, customers


def test_order_margins_count_delivered_orders_only():
    orders, items, products, _ = _tiny_shop()
    m = pricing.order_margins(orders, items, products).set_index("order_id")["margin"]
    assert m.to_dict() == {1: 2 * 40 - 10 + 20, 2: 40.0}


def test_region_day_units_fill_the_grid_with_zero_days():
    u = pricing.region_day_units(*_tiny_shop())
    assert len(u) == 4 and u["margin"].sum() == 130.0
    assert u.loc[(u["region"] == "goa"), "orders"].tolist() == [1, 0]


def test_switchback_schedule_is_balanced_and_reproducible():
    regions = ["delhi", "maharashtra", "karnataka", "tamil_nadu"]
    a = pricing.assign_switchback(regions, 28, seed=3)
    pd.testing.assert_frame_equal(a, pricing.assign_switchback(regions, 28, seed=3))
    assert (a.groupby("region")["treated"].sum() == 14).all()
    wide = a.pivot(index="block", columns="region", values="treated")
    assert not (wide.nunique(axis=1) == 1).all()  # regions are not switched in lock-step
    with pytest.raises(ValueError, match="even"):
        pricing.assign_switchback(regions, 7)


def test_designs_recommend_geo_clusters_and_refuse_user_level_prices():
    keys = {d.key: d for d in pricing.ROLLOUT_DESIGNS}
    assert not keys["user_ab"].fair_to_customers
    assert keys["geo_clusters"].verdict.startswith("Recommended")
    assert [d.key for d in pricing.ROLLOUT_DESIGNS if d.verdict.startswith("Recommended")] == [
        "geo_clusters"
    ]
    assert "cluster" in next(g for g in pricing.GUARDRAIL_METRICS if "repeat" in g.name).stop_when
