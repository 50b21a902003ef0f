"""Pricing on the data world: the estimator recovers the planted elasticities on the randomised
price test and is measurably biased on the observational rows; the case's simulator runs on
the real panel. Uses the default learner's `small` panel (30 products × 28 days)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import data, pricing


@pytest.fixture(scope="module")
def world():
    panel = data.load("pricing_panel", scale="small", seed=2026)
    products = data.load("products", scale="small", seed=2026)
    truth = data.manifest(scale="small", seed=2026)["pricing_panel"]["elasticity"]
    return panel, products, pd.Series({int(k): v for k, v in truth.items()})


def _per_product(panel: pd.DataFrame, randomised: bool) -> pd.DataFrame:
    rows = pricing.price_rows(panel, randomised=randomised)
    out = {}
    for pid, g in rows.groupby("product_id"):
        est = pricing.estimate_elasticity(
            g["our_price"], g["units_sold"], method="poisson", controls=pricing.hour_dummies(g)
        )
        out[pid] = est
    return pd.DataFrame(
        {
            "estimate": {k: e.elasticity for k, e in out.items()},
            "low": {k: e.ci_low for k, e in out.items()},
            "high": {k: e.ci_high for k, e in out.items()},
        }
    )


def test_randomised_rows_recover_each_products_planted_elasticity(world):
    panel, _, truth = world
    est = _per_product(panel, randomised=True)
    err = est["estimate"] - truth.reindex(est.index)
    covered = (est["low"] <= truth) & (truth <= est["high"])
    assert abs(err.mean()) < 0.2  # no systematic bias
    assert covered.mean() >= 0.75  # 95 % intervals cover the truth for most products
    assert np.corrcoef(est["estimate"], truth.reindex(est.index))[0, 1] > 0.5


def test_observational_rows_are_biased_towards_zero(world):
    panel, _, truth = world
    est = _per_product(panel, randomised=False)
    err = est["estimate"] - truth.reindex(est.index)
    covered = (est["low"] <= truth) & (truth <= est["high"])
    assert err.mean() < -0.5  # far below the truth, on average
    assert covered.mean() <= 0.3  # and the intervals miss it for most products


def test_pooled_estimates_tell_the_same_story(world):
    panel, _, truth = world
    test = pricing.panel_elasticity(panel, randomised=True)
    naive = pricing.panel_elasticity(panel, randomised=False)
    assert abs(test.elasticity - truth.mean()) < 0.35
    assert naive.elasticity < 0.7 * test.elasticity
    assert naive.ci_high < test.ci_low  # the two intervals do not even overlap


def test_case_market_and_simulator_on_the_real_panel(world):
    panel, products, _ = world
    eps = pricing.panel_elasticity(panel, randomised=True).elasticity
    market = pricing.case_market(panel, products, elasticity=eps)
    assert market.n_products == panel["product_id"].nunique()
    assert market.n_hours == panel["hour_ts"].nunique()
    a = pricing.simulate(market, trust_effect=0.01, competitor_reaction=0.5, seed=4)
    b = pricing.simulate(market, trust_effect=0.01, competitor_reaction=0.5, seed=4)
    pd.testing.assert_frame_equal(a.table(), b.table())
    assert np.all(a.prices <= market.mrp[None, :, None] + 1e-9)
    assert a.table().loc["hourly", "stockout_hours"] > 0  # stock does run out in the panel
    theta = pricing.break_even_trust(market, "hourly", "static")
    assert 0 < theta < 0.1
    margins = pricing.trust_sensitivity(market, [0.0, 2 * theta])
    assert margins.loc[0.0, "hourly"] > margins.loc[0.0, "static"]
    assert margins.loc[2 * theta, "hourly"] < margins.loc[2 * theta, "static"]


def test_a_model_fed_the_naive_elasticity_earns_less(world):
    panel, products, _ = world
    test = pricing.panel_elasticity(panel, randomised=True).elasticity
    naive = pricing.panel_elasticity(panel, randomised=False).elasticity
    good = pricing.case_market(panel, products, elasticity=test)
    fooled = good.with_model_elasticity(naive)
    assert pricing.simulate(fooled).margin("hourly") < pricing.simulate(good).margin("hourly")


def test_switchback_units_from_the_learners_orders(world):
    tables = [data.load(t, scale="small", seed=2026) for t in ("orders", "order_items")]
    customers = data.load("customers", scale="small", seed=2026)
    units = pricing.region_day_units(*tables, world[1], customers)
    assert units.groupby("region").size().nunique() == 1  # every region has every day
    margins = pricing.order_margins(*tables, world[1])
    assert units["margin"].sum() == pytest.approx(margins["margin"].sum())
    assert units["orders"].sum() == (tables[0]["status"] == "delivered").sum()


def test_exercise_tolerance_sits_well_inside_the_confidence_interval(world):
    # pricing.test_elasticity accepts ±0.1: it must be tighter than the estimate's own CI,
    # so that a right method passes and a different estimate does not.
    from pm_toolkit.course.pricing import EXERCISES

    ex = next(e for e in EXERCISES if e.id == "pricing.test_elasticity")
    est = pricing.panel_elasticity(world[0], randomised=True)
    assert ex.kind.abs < (est.ci_high - est.ci_low) / 2
