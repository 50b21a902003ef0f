"""Only true things in Lesson 5: every sentence the lesson and the memo state about the data,
checked for several learners against an independent computation (statsmodels, SQL, a plain
replay of the simulated world, closed forms).

Each test runs once per seed of the ``truth_seed`` fixture at the ``small`` scale the lessons
use. The lesson's objects are built once per seed, the way the notebook builds them.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from scipy.signal import lfilter
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from pm_toolkit import data, pricing
from pm_toolkit.formatting import format_pct
from pm_toolkit.pricing import case, charts, memo
from pm_toolkit.pricing import findings as facts
from pm_toolkit.pricing._random import rng_for
from pm_toolkit.pricing.simulator import SHOCK_PERSISTENCE

SCALE = "small"


@functools.cache
def lesson(seed: int) -> dict:
    """What the notebook computes, for one learner seed."""
    load = functools.partial(data.load, scale=SCALE, seed=seed)
    panel, products = load("pricing_panel"), load("products")
    naive = pricing.panel_elasticity(panel, randomised=False)
    test = pricing.panel_elasticity(panel, randomised=True)
    market = pricing.case_market(panel, products, elasticity=test.elasticity)
    calm = pricing.simulate(market, trust_effect=0.0)
    orders, items, customers = load("orders"), load("order_items"), load("customers")
    units = pricing.region_day_units(orders, items, products, customers)
    return {
        "panel": panel,
        "products": products,
        "naive": naive,
        "test": test,
        "market": market,
        "calm": calm,
        "orders": orders,
        "units": units,
        "margins": pricing.order_margins(orders, items, products),
        "days": int(panel["hour_ts"].dt.date.nunique()),
        "gain": case.hourly_gain(calm),
    }


@functools.cache
def break_evens(seed: int) -> dict[str, float]:
    return case.break_evens(lesson(seed)["market"])


def glm_elasticity(panel: pd.DataFrame, randomised: bool) -> tuple[float, float]:
    """Pooled Poisson GLM with product and hour-of-day dummies (statsmodels, robust errors)."""
    rows = panel[panel["price_test"] == randomised]
    x = pd.get_dummies(rows["product_id"].astype(str), prefix="p", dtype=float)
    x = x.join(pd.get_dummies(rows["hour_ts"].dt.hour, prefix="h", drop_first=True, dtype=float))
    x.insert(0, "log_price", np.log(rows["our_price"]))
    fit = sm.GLM(rows["units_sold"], x, family=sm.families.Poisson()).fit(cov_type="HC1")
    return -float(fit.params["log_price"]), float(fit.bse["log_price"])


def replay_margin(market, prices: np.ndarray, trust: float, seed: int = 0) -> float:
    """The world of the simulator written out plainly, hour by hour, for one price path
    (products × hours): the margin those prices earn, with no competitor reaction."""
    rng = rng_for(seed, 3)
    sigma, rho = 0.2, SHOCK_PERSISTENCE
    innov = rng.normal(0.0, sigma * np.sqrt(1 - rho**2), prices.shape)
    innov[:, 0] = rng.normal(0.0, sigma, prices.shape[0])
    shock = np.exp(lfilter([1.0], [1.0, -rho], innov, axis=1) - sigma**2 / 2)
    demand = market.forecast * shock * (prices / market.ref_price) ** -market.elasticity[:, None]
    demand *= (market.comp_price / market.ref_comp) ** market.cross_elasticity
    stock = market.start_stock.astype(float).copy()
    keep, margin = np.ones(len(stock)), 0.0
    heal, repeat = 0.5 ** (1 / 168), 0.4
    for t in range(prices.shape[1]):
        stock += market.arrivals[:, t]
        stock = np.where(
            market.restock_to[:, t] > 0, np.maximum(stock, market.restock_to[:, t]), stock
        )
        if t > 0:
            moved = prices[:, t] != prices[:, t - 1]
            keep = np.where(moved, keep * (1 - trust) + trust * (1 - repeat), keep)
        sold = np.minimum(demand[:, t] * keep, stock)
        stock -= sold
        margin += float(((prices[:, t] - market.cost) * sold).sum())
        keep = keep * heal + (1 - heal)
    return margin


# ---------------------------------------------------------------- demand and elasticity


def test_panel_summary_counts(truth_seed):
    s = lesson(truth_seed)
    f = facts.panel_summary(s["panel"])
    assert f.facts["products"] == s["panel"]["product_id"].nunique()
    assert f.facts["test_share"] == pytest.approx(s["panel"]["price_test"].sum() / len(s["panel"]))


def test_elasticity_gap_words_match_statsmodels(truth_seed):
    s = lesson(truth_seed)
    naive, naive_se = glm_elasticity(s["panel"], randomised=False)
    test, test_se = glm_elasticity(s["panel"], randomised=True)
    assert s["naive"].elasticity == pytest.approx(naive, rel=1e-6)
    assert s["test"].elasticity == pytest.approx(test, rel=1e-6)
    f = facts.elasticity_gap(s["naive"], s["test"])
    assert f.facts["history_word"] == ("understates" if naive < test else "overstates")
    z = (test - naive) / np.hypot(test_se, naive_se)
    want = "not significantly different"
    if abs(z) > stats.norm.ppf(0.975):
        want = "significantly higher" if z > 0 else "significantly lower"
    assert f.facts["significance"] == want
    assert f"{naive:.2f} %" in f.text and f"{test:.2f} %" in f.text


def test_price_response_title_says_which_curve_falls_faster(truth_seed):
    s = lesson(truth_seed)
    plt.close("all")
    charts.plot_price_response(s["panel"], s["products"])
    title = plt.gcf().axes[0].get_title(loc="left")
    plt.close("all")
    slopes = {}
    for randomised in (True, False):
        curve = pricing.price_response(s["panel"], s["products"], randomised=randomised)
        fit = smf.wls(
            "np.log(sales_index) ~ np.log(price_vs_list)", data=curve, weights=curve["hours"] ** 0.5
        ).fit()
        slopes[randomised] = fit.params["np.log(price_vs_list)"]
    word = "faster" if slopes[True] < slopes[False] else "slower"
    assert title.startswith(f"Sales fall {word} with price when prices are random")


def test_mrp_binding_shares(truth_seed):
    s = lesson(truth_seed)
    cat = case.catalogue_prices(s["panel"], s["test"].elasticity, s["naive"].elasticity)
    f = facts.mrp_binding(cat)
    for key, eps in (
        ("at_mrp_test", s["test"].elasticity),
        ("at_mrp_history", s["naive"].elasticity),
    ):
        lerner = cat["unit_cost"] * eps / (eps - 1) if eps > 1 else np.inf
        assert f.facts[key] == pytest.approx(float((lerner >= cat["mrp"]).mean()))


# ---------------------------------------------------------------- the simulation


def test_best_policy_and_gains_hold_in_a_plain_replay_of_the_world(truth_seed):
    s = lesson(truth_seed)
    report, market = s["calm"], s["market"]
    f = facts.simulation_summary(report, s["days"])
    margins = {
        name: replay_margin(market, report.prices[k], trust=0.0)
        for k, name in enumerate(report.summary.index)
    }
    for name, value in margins.items():
        assert report.margin(name) == pytest.approx(value, rel=1e-9)
    assert f.facts["best"] == max(margins, key=margins.get)
    gain = margins["hourly"] / margins["static"] - 1
    assert f.facts["gains"]["hourly"] == pytest.approx(gain, rel=1e-9)
    assert ("more gross margin" in f.text) == (gain > 0)
    assert f"**{format_pct(gain, 2)} of margin**" in f.text


def test_hourly_changes_prices_as_often_as_stated_and_more_than_the_guarded_cap(truth_seed):
    s = lesson(truth_seed)
    report = s["calm"]
    f = facts.simulation_summary(report, s["days"])
    k = list(report.summary.index).index("hourly")
    changes = (np.diff(report.prices[k], axis=1) != 0).sum(axis=1) / s["days"]
    assert f.facts["changes_per_day"] == pytest.approx(changes.mean())
    assert f.facts["max_changes_per_day"] == pytest.approx(changes.max())
    assert changes.mean() > 2  # the stakeholders' worry is simulated: more than the guarded two
    g = list(report.summary.index).index("guarded")
    guarded = (np.diff(report.prices[g], axis=1) != 0).reshape(len(changes), -1)
    assert guarded.sum(axis=1).max() <= 2 * s["days"]


def test_break_evens_bracket_the_crossing_and_their_ranking(truth_seed):
    s = lesson(truth_seed)
    bes = break_evens(truth_seed)
    for name, theta in bes.items():
        assert theta > 0, f"{name} should pay with no trust effect"
        for factor, sign in ((0.9, 1), (1.1, -1)):
            t = pricing.simulate(s["market"], trust_effect=theta * factor).table()["gross_margin"]
            assert sign * (t[name] - t["static"]) > 0, (name, factor)
    changes = s["calm"].table()["changes_per_product_day"]
    f = facts.trust_break_even(bes, changes)
    assert f.facts["first"] == min(bes, key=bes.get)
    busiest = sorted(bes, key=lambda p: -changes[p]) == sorted(bes, key=bes.get)
    assert f.facts["busiest_gives_up_first"] == busiest


def test_wrong_elasticity_cost_direction_and_size(truth_seed):
    s = lesson(truth_seed)
    good = pricing.simulate(s["market"]).margin("hourly")
    bad = pricing.simulate(s["market"].with_model_elasticity(s["naive"].elasticity))
    loss = good - bad.margin("hourly")
    gain = s["calm"].margin("hourly") - s["calm"].margin("static")
    f = facts.wrong_elasticity_cost(
        loss,
        s["calm"].margin("static"),
        s["naive"].elasticity,
        s["test"].elasticity,
        repricing_gain=gain,
    )
    assert ("gives up" in f.text) == (loss > 0)
    assert f.facts["bigger_than_gain"] == (abs(loss) > abs(gain))


def test_best_policy_exercise_answer_varies_and_is_the_argmax(truth_seed):
    s = lesson(truth_seed)
    from pm_toolkit.course.pricing import TRUST_FOR_CHOICE

    wary = pricing.simulate(s["market"], trust_effect=TRUST_FOR_CHOICE)
    margins = {
        name: replay_margin(s["market"], wary.prices[k], trust=TRUST_FOR_CHOICE)
        for k, name in enumerate(wary.summary.index)
    }
    assert wary.best_policy() == max(margins, key=margins.get)


# ---------------------------------------------------------------- the rollout test


def test_switchback_verdict_matches_statsmodels(truth_seed):
    s = lesson(truth_seed)
    units, gain = s["units"], s["gain"]
    fit = smf.ols("margin ~ C(region) + C(day)", data=units.astype({"day": str})).fit()
    sd, mean = np.sqrt(fit.scale), units["margin"].mean()
    n = units["region"].nunique() * 28
    d = NormalIndPower().solve_power(nobs1=n / 2, alpha=0.05, power=0.8, ratio=1.0)
    f = facts.switchback_verdict(units, gain, test_days=28)
    assert f.facts["within_sd"] == pytest.approx(sd, rel=1e-9)
    assert f.facts["mde"] == pytest.approx(d * sd / mean, rel=1e-4)
    assert f.facts["can_detect"] == (d * sd / mean <= gain)
    assert ("cannot see it" in f.text) == (not f.facts["can_detect"])
    per_arm = NormalIndPower().solve_power(effect_size=gain * mean / sd, alpha=0.05, power=0.8)
    assert f.facts["units_needed"] == pytest.approx(2 * per_arm, rel=1e-3)


def test_orders_needed_from_an_independent_sql_margin(truth_seed):
    s = lesson(truth_seed)
    per_order = data.sql(
        """
        SELECT o.order_id, SUM(i.quantity * (i.unit_price - p.unit_cost) - i.discount) AS m
        FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (product_id)
        WHERE o.status = 'delivered' GROUP BY o.order_id
        """,
        scale=SCALE,
        seed=truth_seed,
    )["m"]
    cv = per_order.std() / per_order.mean()
    f = facts.test_size(s["margins"], s["gain"], s["units"]["day"].nunique())
    assert f.facts["order_cv"] == pytest.approx(cv, rel=1e-9)
    per_arm = NormalIndPower().solve_power(
        effect_size=s["gain"] / np.sqrt(1 + cv**2), alpha=0.05, power=0.8
    )
    assert f.facts["orders_needed"] == pytest.approx(2 * per_arm, rel=1e-4)


def test_carryover_shares_match_a_simulated_switchback():
    f = facts.carryover(half_life_days=7, geo_weeks=6, skip_weeks=2)
    keep = 0.5 ** (1 / 7)
    rng = np.random.default_rng(1)
    treated = rng.random(60_000) < 0.5
    damage = lfilter([1.0], [1.0, -keep], treated.astype(float))[1_000:]
    on = treated[1_000:]
    seen = (damage[on].mean() - damage[~on].mean()) * (1 - keep)
    assert f.facts["day"] == pytest.approx(seen, abs=0.01)
    assert f.facts["day"] < f.facts["week"] < f.facts["geo"]
    assert f"**{format_pct(f.facts['day'], 0)}**" in f.text


def test_geo_plan_matches_a_t_test_on_cluster_weeks(truth_seed):
    s = lesson(truth_seed)
    clusters = pricing.geo_clusters(s["units"], n_clusters=8, seed=1)
    weeks = pricing.cluster_weeks(s["units"], clusters)
    fit = smf.ols("margin ~ C(cluster) + C(week)", data=weeks).fit()
    cv = np.sqrt(fit.scale) / weeks["margin"].mean()
    f = facts.geo_plan(s["units"], clusters, s["gain"], test_weeks=6, pre_weeks=6)
    assert f.facts["cluster_week_cv"] == pytest.approx(cv, rel=1e-9)
    d = TTestIndPower().solve_power(nobs1=4, alpha=0.05, power=0.8, ratio=1.0)
    assert f.facts["mde"] == pytest.approx(d * cv * np.sqrt(2 / 6), rel=1e-4)
    assert f.facts["scale_needed"] == pytest.approx((f.facts["mde"] / s["gain"]) ** 2)


def test_guardrail_baselines_match_sql(truth_seed):
    s = lesson(truth_seed)
    q = data.sql(
        """
        SELECT (SELECT COUNT(*) FROM support_contacts WHERE reason = 'price_query') AS queries,
               (SELECT AVG(CASE WHEN status = 'returned' THEN 1.0 ELSE 0 END) FROM orders) AS ret,
               (SELECT COUNT(*) FROM orders) AS n
        """,
        scale=SCALE,
        seed=truth_seed,
    ).iloc[0]
    f = facts.guardrail_baselines(
        s["orders"], data.load("support_contacts", scale=SCALE, seed=truth_seed)
    )
    assert f.facts["price_queries_per_1000"] == pytest.approx(1000 * q["queries"] / q["n"])
    assert f.facts["return_rate"] == pytest.approx(q["ret"])


# ---------------------------------------------------------------- the memo


def test_model_memo_makes_the_call_the_numbers_support(truth_seed):
    from pm_toolkit.course.pricing import model_memo
    from pm_toolkit.exercises import LearnerContext

    s = lesson(truth_seed)
    ctx = LearnerContext(seed=truth_seed, scale=SCALE)
    text = model_memo(ctx)
    gain = s["gain"]
    assert memo.right_call(hourly_gain=gain) == (memo.PILOT if gain > 0 else memo.REJECT)
    assert ("approve a guarded pilot" in text) == (gain > 0)
    assert format_pct(gain, 2) in text
    assert format_pct(break_evens(truth_seed)["hourly"], 3) in text
    naive, _ = glm_elasticity(s["panel"], randomised=False)
    test, _ = glm_elasticity(s["panel"], randomised=True)
    assert f"{'lower' if naive < test else 'higher'} than the randomised test's" in text


def test_memo_exercise_key_agrees_with_the_lesson(truth_seed):
    from pm_toolkit.course import exercises_for
    from pm_toolkit.exercises import LearnerContext

    ctx = LearnerContext(seed=truth_seed, scale=SCALE)
    ex = next(e for e in exercises_for("pricing") if e.id == "pricing.decision_memo")
    key = ex.expected(ctx)
    assert key.call == memo.right_call(hourly_gain=lesson(truth_seed)["gain"])
    assert key.numbers[memo.NUMBERS[0]] == pytest.approx(lesson(truth_seed)["gain"])
    assert key.numbers[memo.NUMBERS[1]] == pytest.approx(break_evens(truth_seed)["hourly"])
