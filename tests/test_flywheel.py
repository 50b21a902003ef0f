"""Specifications of the flywheel model (pm_toolkit.flywheel) and of Lesson 1's levers."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pm_toolkit import flywheel as fw
from pm_toolkit.viz_svg import nice_ticks

STOCKS = ("customers", "sellers", "selection", "capacity", "cumulative_orders", "orders")


def bass_params(a: float = 0.01, b: float = 0.1, c0: float = 0.0) -> fw.FlywheelParams:
    """The model with every loop but word of mouth switched off: plain Bass diffusion.

    θ = 0 (no cost loop), w_N = 0 (selection does not matter), no churn, price at parity with
    a competitor who never responds, and no delivery or stock-out penalties, so CX stays 0.
    """
    return fw.FlywheelParams(
        market_size=1_000_000, initial_customers=c0, innovation=a, imitation=b, churn=0.0,
        scale_economies=0.0, selection_weight=0.0, markup=0.25, unit_cost=800,
        competitor_price=1000, competitor_response=0.0, delivery_weight=0.0,
        availability_weight=0.0,
    )  # fmt: skip


# ---------------------------------------------------------------- Bass diffusion oracle


def test_reduces_to_discrete_bass_recursion_when_cost_and_selection_loops_are_off():
    p = bass_params(a=0.01, b=0.1)
    frame = fw.simulate(p, 120)
    c = [0.0]
    for _ in range(119):
        c.append(c[-1] + (0.01 + 0.1 * c[-1] / 1e6) * (1e6 - c[-1]))
    np.testing.assert_allclose(frame["customers"], c, rtol=1e-12, atol=1e-6)
    assert (frame["customer_experience"].abs() < 1e-12).all()


def test_bass_adoption_peaks_at_m_b_minus_a_over_2b():
    p = bass_params(a=0.01, b=0.1)
    frame = fw.simulate(p, 120)
    peak_c = fw.bass_peak_customers(1e6, 0.01, 0.1)
    assert peak_c == pytest.approx(1e6 * 0.09 / 0.2)
    # The flow is a parabola in C with its top at peak_c: the busiest week is the one whose
    # customer count is nearest to it.
    busiest = int(frame["new_customers"].idxmax())
    nearest = int((frame["customers"] - peak_c).abs().idxmin())
    assert busiest == nearest


def test_slow_bass_tracks_continuous_closed_form_and_peak_time():
    a, b = 0.001, 0.02  # small weekly rates: the weekly steps approximate continuous time
    frame = fw.simulate(bass_params(a=a, b=b), 600)
    exact = fw.bass_customers(frame["period"].to_numpy(), 1e6, a, b)
    assert np.max(np.abs(frame["customers"] - exact)) / 1e6 < 0.02
    t_peak = math.log(b / a) / (a + b)  # closed form of the Bass peak time
    assert abs(int(frame["new_customers"].idxmax()) - t_peak) <= 3


def test_bass_peak_needs_imitation_above_innovation():
    with pytest.raises(ValueError, match="imitation > innovation"):
        fw.bass_peak_customers(1000, 0.1, 0.05)


# ---------------------------------------------------------------- loop structure


def test_more_sellers_mean_more_selection_and_more_customers():
    base = fw.FlywheelParams()
    lo = fw.simulate(base, 156)
    hi = fw.simulate(replace(base, max_sellers=3 * base.max_sellers), 156)
    assert (hi["sellers"].iloc[1:] > lo["sellers"].iloc[1:]).all()
    assert (hi["selection"].iloc[1:] > lo["selection"].iloc[1:]).all()
    assert hi["customers"].iloc[-1] > lo["customers"].iloc[-1]


def test_higher_markup_means_fewer_long_run_customers():
    ends = [
        fw.simulate(replace(fw.FlywheelParams(), markup=mu), 780)["customers"].iloc[-1]
        for mu in (0.05, 0.15, 0.25, 0.4, 0.6)
    ]
    assert all(x > y for x, y in itertools.pairwise(ends))


def test_cutting_seller_to_selection_link_breaks_the_reinforcing_loop():
    base = fw.FlywheelParams()
    linked = fw.simulate(base, 208)
    cut = fw.simulate(replace(base, seller_link=False), 208)
    assert cut["customers"].iloc[-1] < linked["customers"].iloc[-1]
    assert (cut["selection"] == cut["selection"].iloc[0]).all()
    # With the link cut, more sellers no longer reach customers at all.
    cut_more = fw.simulate(replace(base, seller_link=False, max_sellers=500_000), 208)
    np.testing.assert_allclose(cut_more["customers"], cut["customers"])
    assert cut_more["sellers"].iloc[-1] > cut["sellers"].iloc[-1]


def test_stronger_competitor_response_is_a_balancing_loop():
    base = fw.FlywheelParams()
    calm = fw.simulate(replace(base, competitor_response=0.0), 260)
    fierce = fw.simulate(replace(base, competitor_response=0.6), 260)
    assert fierce["competitor_price"].iloc[-1] < calm["competitor_price"].iloc[-1]
    assert fierce["customers"].iloc[-1] < calm["customers"].iloc[-1]


def test_delivery_capacity_is_a_balancing_loop():
    base = fw.FlywheelParams()
    slow = fw.simulate(replace(base, capacity_build=0.02), 156)
    fast = fw.simulate(replace(base, capacity_build=0.5), 156)
    assert slow["on_time_share"].min() < fast["on_time_share"].min()
    assert slow["customers"].iloc[-1] < fast["customers"].iloc[-1]


def test_unit_cost_follows_the_experience_curve_and_price_the_markup():
    p = fw.FlywheelParams(scale_economies=0.2, markup=0.3)
    f = fw.simulate(p, 104)
    expected = p.unit_cost * (f["cumulative_orders"] / p.initial_volume) ** -0.2
    np.testing.assert_allclose(f["unit_cost"], expected, rtol=1e-12)
    np.testing.assert_allclose(f["price"], 1.3 * f["unit_cost"], rtol=1e-12)
    assert f["unit_cost"].is_monotonic_decreasing


def test_saturation_caps_customers_at_the_market_size():
    p = replace(fw.FlywheelParams(), churn=0.0, imitation=0.5)
    f = fw.simulate(p, 300)
    assert f["customers"].max() <= p.market_size
    assert f["customers"].iloc[-1] == pytest.approx(p.market_size, rel=1e-6)


# ---------------------------------------------------------------- steady state, robustness


def test_wheel_settles_into_a_steady_state_where_inflows_equal_outflows():
    # With scale economies the cost keeps creeping down as volume piles up; without them the
    # wheel must come to rest with every inflow matched by an outflow.
    p = replace(fw.FlywheelParams(), scale_economies=0.0)
    f = fw.simulate(p, 1560)
    assert fw.steady_state_gap(f) < 1e-6
    last = f.iloc[-1]
    assert last["new_customers"] == pytest.approx(last["lost_customers"], rel=1e-5)
    entry_minus_exit = f["sellers"].iloc[-1] - f["sellers"].iloc[-2]
    assert abs(entry_minus_exit) < 1e-6 * last["sellers"]
    assert 0 < last["customers"] < p.market_size
    # Balance equation of the customer stock, solved independently: (a+bx)(1-x)g = δ h x.
    cx = last["customer_experience"]
    g, h = 2 / (1 + math.exp(-p.cx_acquisition * cx)), 2 / (1 + math.exp(p.cx_churn * cx))
    x = last["customers"] / p.market_size
    lhs = (p.innovation + p.imitation * x) * (1 - x) * g
    assert lhs == pytest.approx(p.churn * h * x, rel=1e-5)


def test_with_scale_economies_the_wheel_still_comes_almost_to_rest():
    assert fw.steady_state_gap(fw.simulate(fw.FlywheelParams(), 1560)) < 1e-4


@pytest.mark.parametrize(
    "changes",
    [
        {"churn": 1.0, "imitation": 0.0, "innovation": 0.0},
        {"imitation": 1.0, "innovation": 1.0, "cx_acquisition": 50.0},
        {"seller_exit": 1.0, "seller_imitation": 1.0},
        {"markup": -0.99, "price_weight": 50.0},
        {"markup": 50.0, "price_weight": 50.0, "cx_churn": 50.0},
        {"initial_capacity": 0.0, "capacity_build": 0.0, "delivery_weight": 20.0},
        {"initial_customers": 0.0, "innovation": 0.0},
        {"initial_sellers": 0.0, "listings_per_seller": 0.0, "first_party_listings": 1.0},
        {"scale_economies": 3.0},
    ],
)
def test_no_negative_or_overflowing_stocks_under_extreme_params(changes):
    p = replace(fw.FlywheelParams(), **changes)
    for decisions in (None, fw.GUESSWORK):
        f = fw.simulate(p, 156, decisions=decisions, seed=3)
        assert np.isfinite(f.to_numpy()).all()
        assert (f[list(STOCKS)] >= 0).all().all()
        assert (f["customers"] <= p.market_size).all()
        assert (f["sellers"] <= p.max_sellers).all()
        for share in ("fill_rate", "on_time_share", "conversion_rate", "third_party_share"):
            assert f[share].between(0, 1).all(), share


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    churn=st.floats(0, 1),
    imitation=st.floats(0, 1),
    markup=st.floats(-0.9, 5),
    theta=st.floats(0, 1),
    price_noise=st.floats(0, 1),
    forecast_error=st.floats(0, 2),
    seed=st.integers(0, 2**31),
)
def test_stocks_stay_in_bounds_for_any_sane_params(
    churn, imitation, markup, theta, price_noise, forecast_error, seed
):
    p = replace(fw.FlywheelParams(), churn=churn, imitation=imitation, markup=markup,
                scale_economies=theta)  # fmt: skip
    d = fw.Decisions(price_noise=price_noise, forecast_error=forecast_error, reprice_every=4)
    f = fw.simulate(p, 52, decisions=d, seed=seed)
    assert np.isfinite(f.to_numpy()).all()
    assert f["customers"].between(0, p.market_size).all()
    assert f["sellers"].between(0, p.max_sellers).all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"churn": 1.5}, "churn is a weekly share"),
        ({"market_size": 0}, "market_size must be > 0"),
        ({"initial_customers": -1}, "initial_customers must be between"),
        ({"markup": -1.0}, "markup must be > -1"),
        ({"competitor_response": 1.0}, "competitor_response must be in"),
    ],
)
def test_bad_params_give_an_actionable_error(changes, message):
    with pytest.raises(ValueError, match=message):
        replace(fw.FlywheelParams(), **changes)


def test_bad_periods_and_decisions_are_rejected():
    with pytest.raises(ValueError, match="periods"):
        fw.simulate(fw.FlywheelParams(), 0)
    with pytest.raises(ValueError, match="reprice_every"):
        fw.Decisions(reprice_every=0)


# ---------------------------------------------------------------- decisions, determinism


def test_same_seed_same_run_and_different_seed_different_run():
    a = fw.simulate(None, 104, decisions=fw.GUESSWORK, seed=7)
    b = fw.simulate(None, 104, decisions=fw.GUESSWORK, seed=7)
    c = fw.simulate(None, 104, decisions=fw.GUESSWORK, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["price"].equals(c["price"])


def test_noise_free_decisions_ignore_the_seed():
    pd.testing.assert_frame_equal(fw.simulate(None, 52, seed=1), fw.simulate(None, 52, seed=2))


def test_each_kind_of_noise_has_its_own_random_stream():
    # The fill rate depends only on the stock forecast's draws (stock is demand times noise),
    # so it must not change when price noise is switched off.
    with_price = fw.simulate(None, 30, decisions=fw.DATA_DRIVEN, seed=11)
    no_price = fw.simulate(None, 30, decisions=replace(fw.DATA_DRIVEN, price_noise=0.0), seed=11)
    np.testing.assert_allclose(with_price["fill_rate"], no_price["fill_rate"], rtol=1e-12)
    assert not with_price["price"].equals(no_price["price"])
    stream = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(fw._STREAM, 1)))
    draw = stream.normal(0.0, fw.DATA_DRIVEN.forecast_error)
    expected = min(1.0, math.exp(draw) * (1 + fw.DATA_DRIVEN.safety_stock))
    assert with_price["fill_rate"].iloc[0] == pytest.approx(expected)


def test_prices_only_move_at_reviews():
    f = fw.simulate(None, 52, decisions=fw.Decisions(reprice_every=13))
    blocks = f.groupby(f["period"] // 13)["price"].nunique()
    assert (blocks == 1).all()
    assert f["price"].nunique() == 4


def test_guesswork_turns_the_wheel_slower_and_costs_margin():
    cmp = fw.compare_decisions(None, 260, seed=5)
    sd, sg = cmp.summary_data, cmp.summary_guess
    assert sg["customers_end"] < sd["customers_end"]
    assert sg["gross_margin"] < sd["gross_margin"]
    assert sg["lost_sales_share"] > sd["lost_sales_share"]
    assert sg["overstock_share"] > sd["overstock_share"]
    assert cmp.weeks_data is not None
    assert cmp.weeks_guess is None or cmp.weeks_guess > cmp.weeks_data
    assert all(cost > 0 for cost in cmp.factor_cost.values())
    assert cmp.costliest_factor in fw.DECISION_FACTORS
    assert "data-driven" in cmp._repr_html_() and "weeks to target" in str(cmp)
    assert list(cmp.table().columns) == [fw.DATA_DRIVEN.name, fw.GUESSWORK.name]


def test_guesswork_loses_whatever_the_luck_of_the_draw():
    spread = fw.compare_many(None, 208, seeds=range(8))
    assert list(spread["seed"]) == list(range(8))
    assert (spread["customer_gap"] > 0).all() and (spread["margin_gap"] > 0).all()
    assert spread["delay_weeks"].notna().all() and (spread["delay_weeks"] > 0).all()
    assert spread["delay_weeks"].nunique() > 1  # luck moves the size of the gap


# ---------------------------------------------------------------- calibration honesty


def test_third_party_share_series_matches_the_2018_shareholder_letter():
    h = fw.third_party_share_history()
    assert list(h["year"]) == list(range(1999, 2019))
    assert h["share"].iloc[0] == 0.03 and h["share"].iloc[-1] == 0.58
    assert h.set_index("year").loc[2008, "share"] == 0.30
    assert h["share"].is_monotonic_increasing


def test_calibration_recovers_a_series_the_model_itself_produced():
    truth = replace(fw.FlywheelParams(), initial_sellers=400.0, seller_innovation=3e-4,
                    seller_imitation=0.004, seller_exit=0.003)  # fmt: skip
    target = fw.yearly_third_party_share(fw.simulate(truth, 52 * 8), 2000)
    cal = fw.fit_third_party_share(fw.FlywheelParams(), target=target)
    assert cal.rmse < 0.5  # percentage points
    assert list(cal.comparison["year"]) == list(range(2000, 2008))


# ---------------------------------------------------------------- the four levers


def _demand(weeks: int = 12, seed: int = 0) -> pd.DataFrame:
    """Weekly views by category: 'rising' grows 10 % a week, a sale week lifts everything."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    rows = []
    for w in range(weeks):
        sale = 2.0 if w == 6 else 1.0
        base = {"fashion": 3000, "grocery": 2000, "books": 800, "rising": 200 * 1.1**w}
        for cat, mean in base.items():
            rows.append({"week": w, "category": cat, "units": rng.poisson(mean * sale)})
    return pd.DataFrame(rows)


def test_category_growth_spots_the_rising_category_despite_a_sale_week():
    g = fw.category_growth(_demand())
    assert g["category"].iloc[0] == "rising"
    assert g["weekly_growth"].iloc[0] > 0.05
    assert g["p_value"].iloc[0] < 0.001
    assert g["share_last"].iloc[0] > g["share_first"].iloc[0]


def test_category_growth_slope_matches_statsmodels_ols():
    import statsmodels.api as sm

    d = _demand(seed=3)
    wide = d.pivot_table(index="week", columns="category", values="units", aggfunc="sum")
    share = wide.div(wide.sum(axis=1), axis=0)
    t = sm.add_constant(np.arange(len(share), dtype=float))
    ols = sm.OLS(np.log(share["books"].to_numpy()), t).fit()
    row = fw.category_growth(d).set_index("category").loc["books"]
    assert row["weekly_growth"] == pytest.approx(math.expm1(ols.params[1]), rel=1e-9)
    assert row["p_value"] == pytest.approx(ols.pvalues[1], rel=1e-6)


def test_category_growth_rejects_missing_columns_and_too_few_periods():
    with pytest.raises(ValueError, match="needs columns"):
        fw.category_growth(pd.DataFrame({"week": [1], "units": [2]}))
    with pytest.raises(ValueError, match="at least 3 periods"):
        fw.category_growth(_demand(weeks=2))


def test_segment_preferences_index_averages_to_100_over_segments():
    rng = np.random.default_rng(np.random.SeedSequence(4))
    f = pd.DataFrame({
        "segment": rng.choice(["a", "b", "c"], 500),
        "category": rng.choice(["x", "y", "z", "w"], 500),
        "value": rng.gamma(2.0, 300.0, 500),
    })  # fmt: skip
    idx = fw.segment_preferences(f)
    spend = f.groupby("segment")["value"].sum()
    weights = spend / spend.sum()
    # Spend-weighted average of each category's index over segments is 100 by construction.
    avg = (idx.mul(weights, axis=0)).sum(axis=0)
    np.testing.assert_allclose(avg.to_numpy(), 100.0, atol=0.2)


def test_promotion_response_p_values_match_statsmodels_ztest():
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng(np.random.SeedSequence(5))
    n = 4000
    seg = rng.choice(["value_seeker", "busy_professional"], n)
    promo = rng.choice(["none", "bank_offer_10", "free_delivery"], n)
    p = np.where((seg == "value_seeker") & (promo == "bank_offer_10"), 0.06, 0.03)
    p = np.where((seg == "busy_professional") & (promo == "free_delivery"), 0.07, p)
    s = pd.DataFrame({"segment": seg, "promotion_shown": promo,
                      "converted": (rng.random(n) < p).astype(int)})  # fmt: skip
    r = fw.promotion_response(s)
    assert len(r) == 4
    for row in r.itertuples():
        a = s[(s.segment == row.segment) & (s.promotion_shown == row.promotion)]["converted"]
        b = s[(s.segment == row.segment) & (s.promotion_shown == "none")]["converted"]
        _, pval = proportions_ztest([a.sum(), b.sum()], [len(a), len(b)])
        assert row.p_value == pytest.approx(pval, rel=1e-9)
    best = fw.best_promotion(r)
    assert best["value_seeker"] == "bank_offer_10"
    assert best["busy_professional"] == "free_delivery"


@pytest.mark.parametrize(("eps", "multiple"), [(2.0, 2.0), (3.0, 1.5), (1.5, 3.0), (5.0, 1.25)])
def test_profit_max_price_is_lerner_optimum(eps, multiple):
    assert fw.profit_max_price(100.0, eps) == pytest.approx(100.0 * multiple)
    # Moving 1 % either way from the optimum lowers the margin.
    p_star = fw.profit_max_price(100.0, eps)
    for step in (-0.01, 0.01):
        assert fw.price_change(p_star, 100.0, eps, step).margin_change < 0


def test_profit_max_price_needs_elastic_demand():
    with pytest.raises(ValueError, match="must be > 1 for an interior optimum"):
        fw.profit_max_price(100.0, 0.8)


def test_price_change_closed_forms():
    r = fw.price_change(1000.0, 600.0, 2.0, -0.10)
    assert r.new_price == pytest.approx(900.0)
    assert r.demand_change == pytest.approx(0.9**-2 - 1)
    assert r.revenue_change == pytest.approx(0.9**-1 - 1)
    assert r.margin_change == pytest.approx(300 / 400 * 0.9**-2 - 1)
    # Unit elasticity: revenue does not move whatever the price.
    assert fw.price_change(500.0, 100.0, 1.0, 0.2).revenue_change == pytest.approx(0.0)
    assert "margin" in str(r) and "<table>" in r._repr_html_()
    with pytest.raises(ValueError, match="above unit cost"):
        fw.price_change(500.0, 600.0, 2.0, 0.1)


# ---------------------------------------------------------------- the lesson's dashboard


def test_dashboard_update_reruns_the_model_and_redraws_in_place():
    dash = fw.dashboard(periods=104)
    assert all(getattr(c, "continuous_update", False) is False for c in dash.controls.values())
    dash.update(markup=0.5)
    expected = fw.simulate(replace(fw.FlywheelParams(), markup=0.5), 104)
    summary = dash.result.summary
    assert summary.customers == pytest.approx(expected["customers"].iloc[-1])
    assert summary.customers_vs_default < 0
    # A second move keeps the first one (markup stays at 50 %).
    dash.update(seller_link=False)
    both = fw.simulate(replace(fw.FlywheelParams(), markup=0.5, seller_link=False), 104)
    assert dash.result.summary.customers == pytest.approx(both["customers"].iloc[-1])
    pd.testing.assert_frame_equal(dash.result.frame, both)
    html = dash.result._repr_html_()
    assert html.count("<svg") == 2 and "customers after 104 weeks" in html
    assert "customers after 104 weeks" in str(dash.result)


def test_matplotlib_dashboard_redraws_the_same_figure_in_place():
    import matplotlib

    matplotlib.use("Agg")
    dash = fw.dashboard(periods=52, chart="matplotlib")
    figure = dash.update(markup=0.5).result.figure
    dash.update(markup=0.1)
    assert dash.result.figure is figure
    run = fw.simulate(replace(fw.FlywheelParams(), markup=0.1), 52)
    np.testing.assert_allclose(figure.axes[0].lines[1].get_ydata(), run["customers"] / 1e5)
    assert dash.result._repr_html_().startswith("<img src='data:image/png;base64,")


def test_svg_chart_scales_points_into_the_plot_area():
    svg = fw.svg_chart([0, 10], [([0.0, 100.0], "#000000", "line", False)], title="t",
                       xlabel="x", ylabel="y", width=200, height=100)  # fmt: skip
    # left margin 62, right 12, top 40, bottom 42: (0, 0) and (10, 100) map to the corners.
    assert "points='62.0,58.0 188.0,40.0'" in svg
    assert nice_ticks(0, 97) == [0, 25, 50, 75, 100]


def test_params_table_labels_every_knob_as_an_assumption():
    table = fw.params_table()
    assert set(table.index) == set(fw.FlywheelParams.__dataclass_fields__)
    assert (table["grade"] == "[A] assumption").all()
    assert (table["meaning"].str.len() > 0).all()


# ---------------------------------------------------------------- the lesson's queries and exercises


@pytest.fixture(scope="module")
def tiny_ctx():
    from pm_toolkit.exercises import LearnerContext

    return LearnerContext(seed=2026, scale="tiny")


def test_lesson_queries_run_on_the_data_world(tiny_ctx):
    views = tiny_ctx.sql(fw.WEEKLY_CATEGORY_VIEWS_SQL)
    assert {"week", "category", "units"} <= set(views.columns)
    assert fw.emerging_category(tiny_ctx.sql) in set(views["category"])
    sessions = tiny_ctx.sql(fw.RANDOMISED_SESSIONS_SQL)
    assert set(sessions["converted"].unique()) <= {0, 1}
    assert set(sessions["promotion_shown"]) <= {"none", "bank_offer_10", "free_delivery"}
    # every signed-in session is in, once; a conversion is a session with an order
    signed_in = tiny_ctx.load("sessions")["customer_id"].notna().sum()
    assert len(sessions) == sessions["session_id"].nunique() == signed_in
    assert sessions["converted"].sum() == tiny_ctx.load("orders")["session_id"].nunique()
    assert (sessions["converted"] <= sessions["reached_checkout"]).all()
    prefs = fw.segment_preferences(tiny_ctx.sql(fw.SEGMENT_CATEGORY_VIEWS_SQL))
    assert len(prefs) == 4
    top = tiny_ctx.sql(fw.TOP_PRODUCT_SQL)
    assert len(top) == 1 and top["list_price"].iloc[0] <= top["mrp"].iloc[0]


def test_the_planted_emerging_category_is_found():
    from pm_toolkit import data

    planted = data.manifest(scale="tiny", seed=2026)["clickstream"]["emerging_category"]
    found = fw.emerging_category(lambda q: data.sql(q, scale="tiny", seed=2026))
    assert found == planted["category"]


def test_every_flywheel_exercise_accepts_its_reference_and_flags_its_wrong_answers(tiny_ctx):
    from pm_toolkit.course import exercises_for

    exercises = exercises_for("flywheel")
    assert len(exercises) >= 6
    assert len({e.kind.kind_name for e in exercises}) >= 5
    for ex in exercises:
        assert ex.evaluate(ex.reference_answer(tiny_ctx), tiny_ctx).status == "correct", ex.id
        assert ex.evaluate(ex.placeholder(), tiny_ctx).status == "not_attempted", ex.id
        for wrong in ex.wrong_answers:
            out = ex.evaluate(wrong.example(tiny_ctx), tiny_ctx)
            assert out.status == "incorrect" and wrong.message in out.text, (ex.id, wrong)


def test_simulator_exercises_depend_on_the_learners_seed():
    from pm_toolkit.course import exercises_for
    from pm_toolkit.exercises import LearnerContext

    delay = {e.id: e for e in exercises_for("flywheel")}["flywheel.guesswork_delay"]
    refs = {delay.resolve_reference(LearnerContext(seed=s, scale="tiny")) for s in (1, 2, 3)}
    assert len(refs) > 1


def test_plots_title_the_finding_they_show(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles: list[str] = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: titles.extend(
        ax.get_title(loc="left") for ax in plt.gcf().axes))  # fmt: skip
    d = _demand()
    fw.plot_category_shares(d, fw.category_growth(d))
    assert titles[-1].startswith("rising gains share fastest")
    fw.plot_price_curve(1000.0, 600.0, 2.0)
    best = fw.profit_max_price(600.0, 2.0)
    assert "₹1,200" in titles[-1] and best == 1200.0
    cmp = fw.compare_decisions(None, 156, seed=1)
    fw.plot_comparison(cmp)
    assert titles[-1].lower().startswith(cmp.costliest_factor)
    fw.plot_loop()
    fw.plot_run(fw.simulate(None, 52), fw.simulate(replace(fw.FlywheelParams(), markup=0.5), 52))
    assert titles[-2].startswith("+")  # the default markup beats a 50 % markup
    plt.close("all")


def test_checkout_reach_matches_a_chi_square_by_hand():
    # 100 sessions per banner; 10, 10 and 25 reach checkout: the third banner changes the crowd
    s = pd.DataFrame(
        {
            "promotion_shown": ["none"] * 100 + ["a"] * 100 + ["b"] * 100,
            "reached_checkout": [1] * 10 + [0] * 90 + [1] * 10 + [0] * 90 + [1] * 25 + [0] * 75,
        }
    )
    reach = fw.checkout_reach(s).set_index("promotion")
    assert reach.loc["b", "share"] == 0.25
    # chi-square by hand: expected 15 reach per arm; Σ (o − e)² / e over the 2 × 3 table
    chi2 = sum((o - 15) ** 2 / 15 + (o - 15) ** 2 / 85 for o in (10, 10, 25))
    from scipy.stats import chi2 as dist

    assert reach["p_value"].iloc[0] == pytest.approx(dist.sf(chi2, 2))
    finding = fw.checkout_reach_finding(reach.reset_index())
    assert finding.facts["differs"] and "does change who reaches checkout" in finding.text
