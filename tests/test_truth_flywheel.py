"""Lesson 1 says only true things: every direction, significance and "best" it states about a
learner's data is recomputed here independently (pandas, numpy, statsmodels), for five learners."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_chisquare, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from pm_toolkit import flywheel as fw
from pm_toolkit.course import flywheel as course
from pm_toolkit.exercises import LearnerContext


@pytest.fixture
def ctx(truth_seed):
    return LearnerContext(seed=truth_seed, scale="small")


def randomised_sessions(ctx) -> pd.DataFrame:
    """Signed-in sessions with their segment, banner, checkout and order flags, by pandas."""
    s = ctx.load("sessions").dropna(subset=["customer_id"])
    s = s.merge(ctx.load("customers")[["customer_id", "segment"]], on="customer_id")
    ev = ctx.load("events")
    s["reached_checkout"] = s["session_id"].isin(
        ev.loc[ev["event_type"] == "begin_checkout", "session_id"]
    )
    s["converted"] = s["session_id"].isin(ctx.load("orders")["session_id"])
    return s


def test_promotion_sentence_names_the_best_banner_and_its_significance(ctx):
    finding = fw.promotion_finding(fw.promotion_response(ctx.sql(fw.RANDOMISED_SESSIONS_SQL)))
    s = randomised_sessions(ctx)
    for seg, (promo, lift, p) in finding.facts["best"].items():
        rates = s[s["segment"] == seg].groupby("promotion_shown")["converted"].mean()
        assert rates.drop("none").idxmax() == promo
        assert lift == pytest.approx(rates[promo] / rates["none"] - 1)
        grp = s[(s["segment"] == seg) & s["promotion_shown"].isin([promo, "none"])]
        counts = grp.groupby("promotion_shown")["converted"].agg(["sum", "count"])
        _, p_sm = proportions_ztest(counts["sum"].to_numpy(), counts["count"].to_numpy())
        assert p == pytest.approx(p_sm, rel=1e-6)
        word = "significant" if p_sm < 0.05 else "could be noise"
        assert f"**{seg}** → {promo} ({lift:+.0%}, p = {p:.2g}: {word})" in finding.text


def test_planted_banner_effects_show_where_they_are_strong(ctx):
    """The generator plants bank offer ≫ free delivery for value seekers and the reverse for busy
    professionals; on all randomised sessions the lesson's table recovers both."""
    best = fw.best_promotion(fw.promotion_response(ctx.sql(fw.RANDOMISED_SESSIONS_SQL)))
    assert best["value_seeker"] == "bank_offer_10"
    assert best["busy_professional"] == "free_delivery"


def test_checkout_reach_sentence_matches_a_chi_square_test(ctx):
    s = randomised_sessions(ctx)
    counts = s.groupby("promotion_shown")["reached_checkout"].agg(["sum", "count"])
    _, p, _ = proportions_chisquare(counts["sum"].to_numpy(), counts["count"].to_numpy())
    finding = fw.checkout_reach_finding(fw.checkout_reach(ctx.sql(fw.RANDOMISED_SESSIONS_SQL)))
    assert finding.facts["p_value"] == pytest.approx(p, rel=1e-6)
    said_differs = "does change who reaches checkout" in finding.text
    assert said_differs == (p < 0.05)
    assert course._checkout_fair(ctx) == (course.UNFAIR if p < 0.05 else course.FAIR)


def test_emerging_sentence_names_the_fastest_riser_and_the_biggest_category(ctx):
    views = ctx.sql(fw.WEEKLY_CATEGORY_VIEWS_SQL)
    wide = views.pivot_table(index="week", columns="category", values="units", aggfunc="sum")
    share = wide.fillna(0).div(wide.sum(axis=1), axis=0)
    t = np.arange(len(share))
    slopes = {c: np.polyfit(t, np.log(share[c]), 1)[0] for c in share if (share[c] > 0).all()}
    riser = max(slopes, key=slopes.get)
    biggest = wide.sum().idxmax()
    finding = fw.emerging_finding(fw.category_growth(views))
    assert finding.facts["emerging"] == riser
    assert finding.facts["weekly_growth"] == pytest.approx(np.expm1(slopes[riser]), rel=1e-6)
    assert finding.facts["biggest"] == biggest
    assert ("is not the one rising" in finding.text) == (biggest != riser)
    assert ("unlikely to be chance" in finding.text) == (finding.facts["p_value"] < 0.05)


def contribution_by_hand(ctx) -> pd.Series:
    """Each order's contribution, row by row with the default costs (no vectorised shortcut)."""
    c = fw.COSTS
    cost = ctx.load("products").set_index("product_id")["unit_cost"]
    items = ctx.load("order_items")
    margin: dict[int, float] = {}
    for r in items.itertuples():
        margin[r.order_id] = margin.get(r.order_id, 0.0) + r.quantity * (
            r.unit_price - cost[r.product_id]
        )
    out = {}
    for o in ctx.load("orders").itertuples():
        cod = o.payment_method == "cod"
        fee = c.fee_rate.get(o.payment_method, 0.0) * o.net_value + (c.cod_handling if cod else 0)
        if o.status == "delivered":
            v = margin[o.order_id] - o.discount - c.delivery - fee
        elif o.status == "returned":
            v = -c.delivery - c.return_leg - fee
        elif o.status == "rto":
            v = -c.delivery - c.return_leg - (0 if cod else fee)
        else:
            v = 0.0
        out[o.order_id] = v
    return pd.Series(out)


def test_unit_economics_sentence_matches_a_row_by_row_computation(ctx):
    orders = ctx.load("orders")
    by_hand = contribution_by_hand(ctx)
    is_cod = orders.set_index("order_id")["payment_method"].eq("cod")
    cod, pre = by_hand[is_cod[by_hand.index]], by_hand[~is_cod[by_hand.index]]
    ue = fw.unit_economics(orders, ctx.load("order_items"), ctx.load("products"))
    f = fw.unit_economics_finding(ue).facts
    assert f["cod_contribution"] == pytest.approx(cod.mean(), abs=0.01)
    assert f["prepaid_contribution"] == pytest.approx(pre.mean(), abs=0.01)
    low, high = CompareMeans(DescrStatsW(pre), DescrStatsW(cod)).tconfint_diff(usevar="unequal")
    assert (f["gap_low"], f["gap_high"]) == pytest.approx((low, high), abs=0.01)
    text = fw.unit_economics_finding(ue).text
    assert ("COD earns" in text) and (("less" in text) == (pre.mean() > cod.mean()))
    assert ("excludes zero" in text) == (low > 0 or high < 0)
    rto = orders["status"].eq("rto")
    assert f["cod_rto_rate"] == pytest.approx(rto[orders["payment_method"] == "cod"].mean())


def test_the_planted_cod_refusals_show(ctx):
    """The generator refuses COD at the door far more often: the lesson's claim holds."""
    f = fw.unit_economics_finding(
        fw.unit_economics(ctx.load("orders"), ctx.load("order_items"), ctx.load("products"))
    ).facts
    assert f["cod_rto_rate"] > 2 * f["prepaid_rto_rate"]


def test_memo_call_and_evidence_follow_the_learners_numbers(ctx):
    by_hand = contribution_by_hand(ctx)
    orders = ctx.load("orders").set_index("order_id")
    cod_mask = orders["payment_method"].eq("cod")
    c, gap = cod_mask.mean(), by_hand[~cod_mask].mean() - by_hand[cod_mask].mean()
    nudge = c * 0.30 * (gap - 25) - (1 - c) * 25
    paid = orders.loc[cod_mask, "status"].isin(["delivered", "returned"]).mean()
    fee = c * (0.6 * 39 * paid + 0.3 * gap - 0.1 * by_hand[cod_mask].mean())
    best = max({course.CALL_FEE: fee, course.CALL_NUDGE: nudge}.items(), key=lambda kv: kv[1])
    key = course._memo_key(ctx)
    assert key.call == (best[0] if best[1] > 0 else course.CALL_NEITHER)
    assert (course.EV_RTO in key.evidence) == (
        orders.loc[cod_mask, "status"].eq("rto").mean()
        > orders.loc[~cod_mask, "status"].eq("rto").mean()
    )
    assert course._nudge_verdict(ctx) == (course.ADDS if nudge > 0 else course.LOSES)
    answer = course._memo_model_answer(ctx)
    assert key.call.split(":")[0] in answer or "Neither" in answer


def test_best_banner_exercise_matches_pandas(ctx):
    s = randomised_sessions(ctx)
    rates = s[s["segment"] == "value_seeker"].groupby("promotion_shown")["converted"].mean()
    assert course._best_banner(ctx) == rates.idxmax()


def test_banner_table_exercise_matches_pandas(ctx):
    s = randomised_sessions(ctx)
    want = s.groupby(["segment", "promotion_shown"])["converted"].agg(["size", "mean"])
    got = course._banner_table(ctx).set_index(["segment", "promotion_shown"])
    assert got["sessions"].to_numpy() == pytest.approx(want["size"].to_numpy())
    assert got["conversion"].to_numpy() == pytest.approx(want["mean"].to_numpy())


def test_guesswork_sentences_follow_the_runs(ctx):
    cmp = fw.compare_decisions(None, 260, seed=ctx.seed)
    guess_end = cmp.guesswork["customers"].iloc[-1]
    data_end = cmp.data_driven["customers"].iloc[-1]
    text = fw.comparison_finding(cmp).text
    assert ("fewer customers" in text) == (guess_end <= data_end)


def test_model_sentences_state_the_directions_of_the_runs():
    """Not learner data, but the lesson states them: the altered wheels all end lower, and the
    cost of serving an order falls as the wheel grows."""
    changes = fw.link_experiments()
    assert all(v < 0 for v in changes.values())
    run = fw.simulate(fw.FlywheelParams(), 260)
    assert "fell" in fw.run_finding(run).text
    assert run["unit_cost"].iloc[-1] < run["unit_cost"].iloc[0]
    bass = fw.bass_finding().facts
    assert bass["model_peak"] == pytest.approx(bass["formula_peak"], rel=0.02)
