"""Realism targets (domain-facts §1) and recovery of the planted truth, at small scale.

The seed is the course default, so these are the numbers every lesson shows in CI. Tolerances
are sampling errors (3 standard errors) computed from the data, not hand-tuned constants.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pm_toolkit.data.generate import generate_world

pytestmark = pytest.mark.slow
SEED = 2026


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small") / "w"
    generate_world(SEED, "small", folder, progress=False)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Kolkata'")
    for f in folder.glob("*.parquet"):
        con.execute(f"CREATE VIEW {f.stem} AS SELECT * FROM read_parquet('{f}')")
    manifest = json.loads((folder / "manifest.json").read_text())
    return con, manifest


def q(con, sql) -> pd.DataFrame:
    return con.execute(sql).df()


SESSION_FUNNEL = """
SELECT s.session_id, s.device, s.page_load_ms, EXTRACT(MONTH FROM s.start_ts) AS month,
       COUNT(*) AS n_events,
       MAX(CASE WHEN e.event_type = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
       MAX(CASE WHEN e.event_type = 'remove_from_cart' THEN 1 ELSE 0 END) AS removed,
       MAX(CASE WHEN e.event_type = 'begin_checkout' THEN 1 ELSE 0 END) AS checkout,
       MAX(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
FROM sessions s JOIN events e ON e.session_id = s.session_id
WHERE s.customer_id IS NOT NULL
GROUP BY s.session_id, s.device, s.page_load_ms, month
"""


@pytest.fixture(scope="module")
def funnel(world):
    return q(world[0], SESSION_FUNNEL)


def test_web_metrics_land_on_realism_targets(funnel, world):
    conv = funnel.bought.mean()
    assert 0.01 <= conv <= 0.05
    by_dev = funnel.groupby("device").bought.mean()
    assert by_dev["mobile_web"] < by_dev["app"] < by_dev["desktop"]
    # Monetate: mobile converts at 0.37x (global Q4 2016) to 0.40x (US Q1 2019) of desktop;
    # other benchmarks reach about 0.7x. Before generator 1.5 this was about 0.25x.
    assert 0.37 <= by_dev["mobile_web"] / by_dev["desktop"] <= 0.7
    abandon = 1 - funnel.bought.sum() / funnel.carted.sum()
    assert 0.60 <= abandon <= 0.80
    bounce = (funnel.n_events == 1).mean()  # single-page sessions (UA definition)
    assert 0.30 <= bounce <= 0.60
    clean = world[1]["clickstream"]["realised"]["clean_rates"]
    assert clean["session_conversion"] == pytest.approx(conv)
    assert clean["bounce_rate"] == pytest.approx(bounce)


def test_orders_look_like_indian_ecommerce(world):
    con = world[0]
    o = q(con, "SELECT * FROM orders")
    assert 600 <= o.net_value.median() <= 900
    assert 850 <= o.net_value.mean() <= 1300
    status = o.status.value_counts(normalize=True)
    assert 0.05 <= status["returned"] <= 0.11
    cod = o[o.payment_method == "cod"]
    pre = o[o.payment_method != "cod"]
    assert (
        cod.status.isin(["rto", "cancelled"]).mean() > pre.status.isin(["rto", "cancelled"]).mean()
    )
    prices = q(con, "SELECT unit_price FROM order_items").unit_price
    assert (prices % 100 == 99).all()  # "…99" price points
    repeat = o.groupby("customer_id").size()
    assert (repeat >= 2).mean() > 0.12, "repeat purchase must be meaningful for LTV lessons"
    cohorts = q(
        con,
        "SELECT DISTINCT strftime(signup_date, '%Y-%m') AS m FROM customers "
        "JOIN orders USING (customer_id)",
    )
    assert len(cohorts) >= 12


def test_planted_funnel_rates_are_recovered(funnel, world):
    truth = world[1]["clickstream"]["funnel"]
    # P(checkout | a cart left non-empty) is planted exactly
    kept = funnel[(funnel.carted == 1) & (funnel.removed == 0)]
    p, n = kept.checkout.mean(), len(kept)
    assert abs(p - truth["checkout_given_cart"]) < 3 * np.sqrt(p * (1 - p) / n)
    # bounce: observed vs the mean planted probability given device and load time
    slope = np.log(1.3) / 2
    base = funnel.device.map(truth["bounce_base_by_device"])
    prob = np.minimum(base * np.exp(slope * (funnel.page_load_ms / 1000 - 1)), 0.95)
    obs = (funnel.n_events == 1).mean()
    se = np.sqrt((prob * (1 - prob)).sum()) / len(funnel)
    assert abs(obs - prob.mean()) < 3 * se


def test_simpsons_paradox_across_september_and_october(funnel, world):
    sep, octo = funnel[funnel.month == 9], funnel[funnel.month == 10]
    assert octo.bought.mean() < sep.bought.mean()  # overall conversion falls …
    for dev in ("mobile_web", "app", "desktop"):  # … while every device improves
        assert octo[octo.device == dev].bought.mean() > sep[sep.device == dev].bought.mean()
    assert (octo.device == "mobile_web").mean() > (sep.device == "mobile_web").mean() + 0.3
    sim = world[1]["clickstream"]["simpson"]
    assert sim["period_a"] == "2025-09" and sim["period_b"] == "2025-10"


#: The Simpson's-paradox story must hold for every learner; these are the seeds it is checked on
#: (it held for 199 of seeds 0-199 when calibrated; the lesson's sentences hedge for the rest).
SIMPSON_SEEDS = (*range(25), 2026, 42)


def _month_device_cells(seed: int) -> dict:
    """(sessions, purchases) by (month, device) of human sessions: the clickstream alone."""
    from collections import Counter

    from pm_toolkit.data import catalog
    from pm_toolkit.data.clickstream import World, make_day, partitions

    world, stats = World.build(seed, "small"), Counter()
    for key in partitions("small"):
        stats.update(make_day(world, *key).stats)
    return {
        (m, d): (stats[f"sessions_{m}_{d}"], stats[f"purchases_{m}_{d}"])
        for m in (9, 10, 11)
        for d in catalog.DEVICES
    }


@pytest.mark.parametrize("seed", SIMPSON_SEEDS)
def test_simpsons_paradox_holds_for_every_learner_seed(seed):
    cells = _month_device_cells(seed)
    devices = ("mobile_web", "app", "desktop")
    rate = {k: p / n for k, (n, p) in cells.items()}
    for dev in devices:  # every device converts better in October ...
        assert rate[10, dev] > rate[9, dev], (seed, dev)

    def total(month):
        return sum(cells[month, d][1] for d in devices) / sum(cells[month, d][0] for d in devices)

    assert total(10) < total(9), seed  # ... and the total falls
    # mobile web stays within the benchmarks' range of desktop over the whole period
    pooled = {
        d: sum(cells[m, d][1] for m in (9, 10, 11)) / sum(cells[m, d][0] for m in (9, 10, 11))
        for d in devices
    }
    assert 0.33 <= pooled["mobile_web"] / pooled["desktop"] <= 0.7, seed


def test_calendar_peaks_and_emerging_category(world):
    con = world[0]
    daily = q(
        con,
        "SELECT CAST(start_ts AS DATE) AS d, COUNT(*) AS n FROM sessions "
        "WHERE customer_id IS NOT NULL GROUP BY 1",
    )
    daily["d"] = pd.to_datetime(daily.d)
    fest = daily.d.between("2025-10-13", "2025-10-19")
    octo = daily.d.dt.month.eq(10) & ~fest
    assert daily[fest].n.mean() > 1.5 * daily[octo].n.mean()
    aov = q(con, "SELECT CAST(order_ts AS DATE) AS d, net_value FROM orders")
    aov["d"] = pd.to_datetime(aov.d)
    in_fest = aov.d.between("2025-10-13", "2025-10-19")
    ratio = aov[in_fest].net_value.median() / aov[~in_fest].net_value.median()
    assert 0.75 < ratio < 1.3, "festive peaks raise volume, not basket size"
    hours = (
        q(con, "SELECT EXTRACT(HOUR FROM start_ts) AS h, COUNT(*) AS n FROM sessions GROUP BY 1")
        .set_index("h")
        .n
    )
    assert hours.loc[[20, 21]].mean() > 4 * hours.loc[[3, 4]].mean()
    cat = (
        q(
            con,
            """SELECT EXTRACT(MONTH FROM e.ts) AS m,
                           AVG(CASE WHEN p.category = 'smart_home' THEN 1.0 ELSE 0 END) AS share
                    FROM events e JOIN products p ON e.product_id = p.product_id
                    WHERE e.event_type = 'product_view' AND e.customer_id IS NOT NULL
                    GROUP BY 1""",
        )
        .set_index("m")
        .share
    )
    assert world[1]["clickstream"]["emerging_category"]["category"] == "smart_home"
    assert cat[11] > 1.5 * cat[9]


def _conv(df, exp):
    d = df[df.experiment_id == exp]
    c, t = d[d.variant == "control"], d[d.variant == "treatment"]
    diff = t.converted.mean() - c.converted.mean()
    se = np.sqrt(t.converted.var() / len(t) + c.converted.var() / len(c))
    return d, c, t, diff, se


def test_experiments_recover_their_planted_effects(world):
    a = q(world[0], "SELECT * FROM assignments")
    truth = world[1]["experiments"]
    assert len(truth) >= 5
    kinds = {v["kind"] for v in truth.values()}
    assert {"clean_win", "aa", "srm", "novelty", "guardrail_harm"} <= kinds
    for exp, t in truth.items():
        d, c, tr, diff, se = _conv(a, exp)
        # sample-ratio check against the planned split (chi-square, as a lesson would do)
        p_srm = stats.chisquare(
            [len(c), len(tr)], [len(d) * (1 - t["planned_split"]), len(d) * t["planned_split"]]
        ).pvalue
        if t["kind"] == "srm":
            assert p_srm < 1e-3
            continue
        assert p_srm > 1e-3, exp
        assert abs(diff - t["expected_absolute_lift"]) < 3 * se, exp
        if t["kind"] == "clean_win":
            assert diff / se > 2
        if t["kind"] == "aa":
            assert t["expected_absolute_lift"] == 0
    # novelty: the lift of early entrants is larger than that of late entrants
    nov = next(k for k, v in truth.items() if v["kind"] == "novelty")
    d = a[a.experiment_id == nov]
    early = d[d.day <= 2].groupby("variant").converted.mean()
    late = d[d.day >= 10].groupby("variant").converted.mean()
    assert early.treatment - early.control > late.treatment - late.control
    # guardrail harm: conversion up, page load and returns up
    harm = next(k for k, v in truth.items() if v["kind"] == "guardrail_harm")
    d = a[a.experiment_id == harm]
    g = d.groupby("variant")
    load = g.page_load_ms.mean()
    load_se = np.sqrt((g.page_load_ms.var() / g.size()).sum())
    assert abs(load.treatment - load.control - truth[harm]["page_load_delta_ms"]) < 3 * load_se
    ret = d[d.converted == 1].groupby("variant").returned.mean()
    assert ret.treatment > ret.control
    # CUPED needs a pre-period covariate that predicts revenue
    assert np.corrcoef(a.pre_revenue, a.revenue)[0, 1] > 0.2
    # ratio metric: revenue per order = Σ revenue / Σ orders moves as planted in exp_06
    ratio = next(k for k, v in truth.items() if v["kind"] == "ratio_metric")
    d = a[a.experiment_id == ratio].groupby("variant")[["revenue", "orders"]].sum()
    aov = d.revenue / d.orders
    assert aov.treatment < aov.control


def _poisson_elasticities(panel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per-product Poisson GLM of units on log price, log competitor price and hour of day."""
    import statsmodels.api as sm

    coef, se = {}, {}
    for pid, d in panel.groupby("product_id"):
        hours = pd.get_dummies(d.hour_ts.dt.hour, prefix="h", drop_first=True, dtype=float)
        x = np.column_stack(
            [np.ones(len(d)), np.log(d.our_price), np.log(d.competitor_price), hours.to_numpy()]
        )
        fit = sm.GLM(d.units_sold.to_numpy(), x, family=sm.families.Poisson()).fit()
        coef[pid], se[pid] = -fit.params[1], fit.bse[1]
    return pd.Series(coef), pd.Series(se)


def test_price_test_recovers_elasticity_and_naive_ols_is_biased(world):
    panel = q(world[0], "SELECT * FROM pricing_panel")
    truth = world[1]["pricing_panel"]
    eps = pd.Series(truth["elasticity"]).rename(index=int)
    coef, se = _poisson_elasticities(panel[panel.price_test])
    # pooled: the mean randomised estimate matches the mean true elasticity within 3 SE
    gap = coef.mean() - eps.loc[coef.index].mean()
    assert abs(gap) < 3 * np.sqrt((se**2).sum()) / len(se)
    # and most products individually
    assert (np.abs(coef - eps.loc[coef.index]) < 3 * se).mean() >= 0.8
    # observational prices chase demand: naive estimates are biased towards zero
    naive, _ = _poisson_elasticities(panel[~panel.price_test])
    assert naive.mean() < eps.loc[naive.index].mean() - 0.5
    assert (panel.our_price <= panel.mrp).all()
    ctr = truth["customer_trust"]
    assert ctr["plausible_range"][0] <= ctr["tau_per_price_change_24h"] <= ctr["plausible_range"][1]


def test_promotions_move_segments_differently(world):
    """The randomised banner's planted lift on P(purchase | checkout) differs by segment."""
    d = q(
        world[0],
        """
        SELECT c.segment, s.promotion_shown AS promo,
               MAX(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
        FROM sessions s
        JOIN customers c ON c.customer_id = s.customer_id
        JOIN events e ON e.session_id = s.session_id
        WHERE s.session_id IN (SELECT session_id FROM events WHERE event_type = 'begin_checkout')
        GROUP BY s.session_id, c.segment, s.promotion_shown
        """,
    )
    rate = d.groupby(["segment", "promo"]).bought.mean()
    lifts = world[1]["clickstream"]["promotions"]["lift_on_purchase_given_checkout"]
    assert lifts["bank_offer_10"]["value_seeker"] > lifts["free_delivery"]["value_seeker"]
    assert lifts["free_delivery"]["busy_professional"] > lifts["bank_offer_10"]["busy_professional"]
    assert rate["value_seeker", "bank_offer_10"] > rate["value_seeker", "none"]
    assert rate["busy_professional", "free_delivery"] > rate["busy_professional", "none"]
    orders = q(world[0], "SELECT promotion, AVG(discount) AS d FROM orders GROUP BY 1")
    assert orders.set_index("promotion").d["none"] == 0
