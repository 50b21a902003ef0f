"""What the capstone says about the learner's data: every sentence built from their numbers.

Each function returns a :class:`~pm_toolkit.findings.Finding`: the Markdown the lesson shows
and the facts its words rest on (``tests/test_truth_pricing.py`` recomputes each fact for
several learners and checks the words). Money is in ₹ with lakh and crore; shares as %.

>>> from pm_toolkit.pricing.elasticity import ElasticityEstimate
>>> naive = ElasticityEstimate(0.8, 0.05, 0.7, 0.9, 0.95, 1000, 30)
>>> test = ElasticityEstimate(2.0, 0.1, 1.8, 2.2, 0.95, 500, 30)
>>> elasticity_gap(naive, test).facts["significance"]
'significantly higher'
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from pm_toolkit.findings import Finding, direction, significance
from pm_toolkit.formatting import format_inr, format_inr_compact, format_pct
from pm_toolkit.pricing.elasticity import ElasticityEstimate
from pm_toolkit.pricing.power import (
    carryover_share,
    geo_test_mde,
    orders_needed,
    switchback_mde,
    switchback_units_needed,
    within_region_sd,
)
from pm_toolkit.pricing.rollout import cluster_weeks
from pm_toolkit.pricing.simulator import SimulationReport

__all__ = [
    "carryover",
    "count_words",
    "elasticity_gap",
    "gains_over_static",
    "geo_plan",
    "guardrail_baselines",
    "mrp_binding",
    "panel_summary",
    "simulation_summary",
    "switchback_verdict",
    "test_size",
    "trust_break_even",
    "wrong_elasticity_cost",
]

#: Assumed daily order volumes of a large marketplace [A], to translate orders into days.
MARKETPLACE_ORDERS_PER_DAY = (100_000, 1_000_000, 10_000_000)


def count_words(n: float) -> str:
    """A count the Indian way: ``12,345`` under a lakh, then ``12.3 lakh``, ``12.3 crore``.

    >>> count_words(12345), count_words(1234567), count_words(123456789)
    ('12,345', '12.3 lakh', '12.3 crore')
    """
    return format_inr_compact(n).replace("₹", "")


def _days(n: float) -> str:
    return f"{n:,.0f} days" if n >= 10 else f"{n:.1f} days"


def panel_summary(panel: pd.DataFrame) -> Finding:
    """How big the pricing panel is and how much of it is the randomised price test."""
    n_products = int(panel["product_id"].nunique())
    n_days = int(panel["hour_ts"].dt.date.nunique())
    share = float(panel["price_test"].mean())
    text = (
        f"{n_products} products × {n_days} days = {count_words(len(panel))} product-hours; "
        f"on {format_pct(share, 0)} of them the price was set at random (the price test)."
    )
    return Finding(text, {"products": n_products, "days": n_days, "test_share": share})


def elasticity_gap(naive: ElasticityEstimate, test: ElasticityEstimate) -> Finding:
    """The price history's elasticity against the randomised test's, with the gap's
    significance (a z-test on the two independent estimates)."""
    diff = test.elasticity - naive.elasticity
    se = math.hypot(test.std_error, naive.std_error)
    z = stats.norm.ppf(0.975)
    word = significance(diff - z * se, diff + z * se)
    says = direction(-diff, up="overstates", down="understates", flat="matches")
    sure = {
        "significantly higher": "far more than chance explains",
        "significantly lower": "far more than chance explains",
        "not significantly different": "though the gap is within chance",
    }[word]
    text = (
        f"The price history says a 1 % price rise loses {naive.elasticity:.2f} % of units "
        f"(95 % interval {naive.ci_low:.2f} to {naive.ci_high:.2f}); the randomised test says "
        f"{test.elasticity:.2f} % ({test.ci_low:.2f} to {test.ci_high:.2f}). The history "
        f"{says} how much shoppers react to price, {sure}."
    )
    facts = {
        "naive": naive.elasticity,
        "test": test.elasticity,
        "difference": diff,
        "ci": (diff - z * se, diff + z * se),
        "history_word": says,
        "significance": word,
    }
    return Finding(text, facts)


def mrp_binding(catalogue: pd.DataFrame) -> Finding:
    """Share of products whose best legal price is the MRP, under each elasticity.

    ``catalogue`` has ``mrp`` and the columns ``best price (test ε)``, ``best price (history ε)``.
    """
    test = float((catalogue["best price (test ε)"] >= catalogue["mrp"] - 0.005).mean())
    hist = float((catalogue["best price (history ε)"] >= catalogue["mrp"] - 0.005).mean())
    text = (
        f"With the test's elasticity the MRP caps the best price for {format_pct(test, 0)} of "
        f"the products; with the history's, for {format_pct(hist, 0)}."
    )
    return Finding(text, {"at_mrp_test": test, "at_mrp_history": hist})


def gains_over_static(report: SimulationReport) -> pd.Series:
    """Each policy's gross margin over the static price's, as a share of the static margin."""
    margin = report.summary["gross_margin"]
    return margin / margin["static"] - 1.0


def simulation_summary(report: SimulationReport, days: int) -> Finding:
    """What each policy earned over the static price, and how often the hourly one changed prices."""
    gains = gains_over_static(report)
    margin = report.summary["gross_margin"]
    changes = report.summary["changes_per_product_day"]
    per_product = (np.diff(report.prices[list(margin.index).index("hourly")], axis=1) != 0).sum(
        axis=1
    ) / days
    best = report.best_policy()
    hourly = gains["hourly"]
    others = [p for p in gains.index if p not in ("static", "hourly")]
    rest = "; ".join(f"{p} {format_pct(gains[p], 2)}" for p in others)
    text = (
        f"With **no** trust effect, hourly repricing earns "
        f"{format_inr_compact(margin['hourly'] - margin['static'])} "
        f"{direction(hourly, up='more', down='less', flat='the same')} gross margin than the "
        f"static price over {days} days: **{format_pct(hourly, 2)} of margin** (the others: "
        f"{rest}). It changes a price {changes['hourly']:.1f} times per product-day on "
        f"average, and {per_product.max():.0f} times a day on the product it re-prices most, "
        f"whose stock runs short. Most margin at this setting: **{best}**."
    )
    facts = {
        "gains": gains.to_dict(),
        "best": best,
        "changes_per_day": float(changes["hourly"]),
        "max_changes_per_day": float(per_product.max()),
    }
    return Finding(text, facts)


def trust_break_even(break_evens: dict[str, float], changes: dict[str, float]) -> Finding:
    """Where each dynamic policy stops paying, from ``{policy: break-even trust effect}`` and
    ``{policy: price changes per product-day}``; says "more changes, less trust to spare" only
    when the learner's numbers line up that way."""
    ranked = sorted(break_evens, key=break_evens.get)
    parts = ", ".join(
        f"{p} ({changes[p]:.1f} changes a product-day) at {format_pct(break_evens[p], 3)}"
        for p in ranked
    )
    busiest_first = sorted(break_evens, key=lambda p: -changes[p]) == ranked
    tail = (
        "The more often a policy changes prices, the less trust it can afford to lose."
        if busiest_first
        else "Fewer changes alone do not decide it: what each change earns matters too."
    )
    text = (
        f"Each policy stops beating the static price at its own trust effect per change: "
        f"{parts}. {tail}"
    )
    facts = {
        "break_even": dict(break_evens),
        "first": ranked[0],
        "last": ranked[-1],
        "busiest_gives_up_first": busiest_first,
    }
    return Finding(text, facts)


def wrong_elasticity_cost(
    loss: float, margin: float, naive: float, test: float, *, repricing_gain: float
) -> Finding:
    """What a model fed the price history's elasticity gives up against one fed the test's,
    set against what repricing every hour earns (``repricing_gain``, ₹)."""
    bigger = abs(loss) > abs(repricing_gain)
    text = (
        f"A model that believes ε = {naive:.2f} instead of {test:.2f} "
        f"{direction(loss, up='gives up', down='gains', flat='changes')} "
        f"{format_inr_compact(abs(loss))} of margin ({format_pct(abs(loss) / margin, 1)}), "
        + (
            "more than repricing every hour earns: get the elasticity right first."
            if bigger
            else "less than repricing every hour earns, but a loss all the same."
        )
    )
    return Finding(text, {"loss": loss, "share": loss / margin, "bigger_than_gain": bigger})


def switchback_verdict(
    units: pd.DataFrame, gain: float, *, test_days: int = 28, power: float = 0.8
) -> Finding:
    """What a day-level switchback over all regions for ``test_days`` can and cannot detect."""
    mean = float(units["margin"].mean())
    raw = float(units["margin"].std())
    within = within_region_sd(units)
    regions = int(units["region"].nunique())
    n = regions * test_days
    mde = switchback_mde(n, unit_mean=mean, unit_sd=within, power=power)
    need = switchback_units_needed(unit_mean=mean, unit_sd=within, lift=gain, power=power)
    years = need / regions / 365
    can = mde <= gain
    text = (
        f"A region-day earns {format_inr(mean)} of margin on average. Comparing each region "
        f"with itself (taking out region and day levels) cuts the spread from "
        f"{format_inr(raw)} to {format_inr(within)}. A {test_days}-day switchback over "
        f"{regions} regions ({count_words(n)} region-days) detects changes of "
        f"**{format_pct(mde, 0)}** or more; the gain at stake is {format_pct(gain, 2)}, so it "
        f"{'can' if can else 'cannot'} see it. That would take {count_words(need)} "
        f"region-days: about {years:,.0f} years of your store."
    )
    facts = {
        "mean": mean,
        "raw_sd": raw,
        "within_sd": within,
        "mde": mde,
        "units_needed": need,
        "can_detect": can,
        "years": years,
    }
    return Finding(text, facts)


def carryover(half_life_days: float = 7.0, *, geo_weeks: int = 6, skip_weeks: int = 2) -> Finding:
    """How much of a slow trust effect a day-level switchback and a geo test each see."""
    day = carryover_share(1, half_life_days)
    week = carryover_share(7, half_life_days)
    geo = carryover_share(7 * geo_weeks, half_life_days, skip_days=7 * skip_weeks)
    text = (
        f"If lost trust heals with a half-life of {half_life_days:g} days, day-long blocks see "
        f"**{format_pct(day, 0)}** of its long-run size and week-long blocks "
        f"{format_pct(week, 0)}: the rest leaks into the next block of the other arm. A "
        f"{geo_weeks}-week geo test read after its first {skip_weeks} weeks sees "
        f"{format_pct(geo, 0)}."
    )
    return Finding(text, {"day": day, "week": week, "geo": geo})


def test_size(margins: pd.DataFrame, gain: float, days_observed: int) -> Finding:
    """Orders any test needs to detect ``gain``, in days of this store and of bigger ones."""
    per_order = margins["margin"]
    cv = float(per_order.std() / per_order.mean())
    need = orders_needed(gain, cv)
    per_day = len(per_order) / days_observed
    years = need / per_day / 365
    big = ", ".join(
        f"{_days(need / v)} at {count_words(v)} orders a day" for v in MARKETPLACE_ORDERS_PER_DAY
    )
    text = (
        f"Each delivered order's margin varies (coefficient of variation {cv:.2f}), so chance "
        f"alone hides a {format_pct(gain, 2)} change until a test holds about "
        f"**{count_words(need)} orders**, whatever its design. Your store delivers "
        f"{per_day:.0f} a day: about {years:,.0f} years. A marketplace would need {big} [A]."
    )
    return Finding(text, {"order_cv": cv, "orders_needed": need, "years": years})


def geo_plan(
    units: pd.DataFrame,
    clusters: pd.DataFrame,
    gain: float,
    *,
    test_weeks: int = 6,
    pre_weeks: int = 6,
) -> Finding:
    """What a geo-cluster test over ``test_weeks`` detects on this store, and how big a store
    would detect ``gain`` if chance were the only noise (it shrinks with √orders)."""
    weeks = cluster_weeks(units, clusters)
    cv = within_region_sd(weeks, unit="cluster", time="week") / float(weeks["margin"].mean())
    n_clusters = int(clusters["cluster"].nunique())
    mde = geo_test_mde(
        n_clusters // 2, cluster_week_cv=cv, test_weeks=test_weeks, pre_weeks=pre_weeks
    )
    scale = (mde / gain) ** 2
    per_day = float(units["orders"].sum()) / units["day"].nunique()
    text = (
        f"Your {units['region'].nunique()} states make {n_clusters} clusters of similar size, "
        f"paired and randomised. A cluster's weekly margin varies by {format_pct(cv, 0)} once "
        f"its own level and each week's are taken out. A {test_weeks}-week test, each cluster "
        f"against its own {pre_weeks} weeks before, detects changes of "
        f"**{format_pct(mde, 0)}** or more on your store; the gain at stake is "
        f"{format_pct(gain, 2)}. If chance were the only noise, a store about "
        f"{count_words(scale)} times bigger (some {count_words(scale * per_day)} orders a day) "
        "would detect it; local shocks, such as a festival in one state, push that higher."
    )
    facts = {"cluster_week_cv": cv, "mde": mde, "scale_needed": scale, "orders_per_day": per_day}
    return Finding(text, facts)


def guardrail_baselines(orders: pd.DataFrame, contacts: pd.DataFrame) -> Finding:
    """Today's levels of two guardrails: price queries per 1,000 orders and the return rate."""
    queries = int((contacts["reason"] == "price_query").sum())
    per_1000 = 1000 * queries / len(orders)
    returned = float((orders["status"] == "returned").mean())
    text = (
        f"Today's baselines: {per_1000:.0f} price queries per 1,000 orders, and "
        f"{format_pct(returned, 1)} of orders returned. A test's stop rules are set against "
        "levels like these, per cluster, before it starts."
    )
    return Finding(text, {"price_queries_per_1000": per_1000, "return_rate": returned})
