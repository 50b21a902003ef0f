"""The lesson's dashboards, driven through their Python path (`.update`), no browser."""

from __future__ import annotations

import contextlib
import io

import matplotlib
import pytest

matplotlib.use("Agg")

from pm_toolkit import pricing
from pm_toolkit.pricing.dashboard import (
    memo_dashboard,
    policies_for,
    simulator_dashboard,
)


def _quiet(fn, *args, **kwargs):
    # Outside a kernel the dashboard's display() prints; keep the test log clean.
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def dash():
    return simulator_dashboard(pricing.Market.example(n_products=5, n_days=14, seed=3))


def test_slider_change_resimulates_with_the_new_settings(dash):
    calm = _quiet(dash.update, trust_effect=0.0, review_every=1).result.copy()
    wary = _quiet(dash.update, trust_effect=0.05).result.copy()
    assert list(calm.index) == ["static", "every 1 h", "every 1 h + guardrails"]
    assert calm.loc["every 1 h", "lost to trust (₹)"] == 0
    assert wary.loc["every 1 h", "lost to trust (₹)"] > 0
    # The static price never changes, so trust does not touch it.
    assert wary.loc["static", "margin (₹)"] == calm.loc["static", "margin (₹)"]


def test_frequency_slider_renames_and_slows_the_dynamic_policies(dash):
    hourly = _quiet(dash.update, review_every=1, trust_effect=0.0).result.copy()
    slow = _quiet(dash.update, review_every=12).result.copy()
    assert "every 12 h" in slow.index
    assert (
        slow.loc["every 12 h", "changes / product / day"]
        <= hourly.loc["every 1 h", "changes / product / day"]
    )
    assert dash.timings  # every update is timed for the benchmark


def test_dashboard_matches_a_direct_simulation(dash):
    res = _quiet(dash.update, review_every=6, trust_effect=0.01, competitor_reaction=0.5).result
    direct = pricing.simulate(
        dash.market, policies_for(6), trust_effect=0.01, competitor_reaction=0.5
    ).table()
    assert res["margin (₹)"].tolist() == pytest.approx(direct["gross_margin"].round(2).tolist())


def test_memo_dashboard_scores_and_reveals_the_model_answer_on_request():
    memo = memo_dashboard("MODEL ANSWER TEXT")
    weak = _quiet(memo.update, decision="approve_as_proposed").result
    assert weak.score.points == 0 and weak.model_answer == ""
    strong = _quiet(
        memo.update,
        decision="guarded_pilot",
        evidence=("randomised_elasticity", "switchback_test", "trust_metrics", "success_criterion"),
        guardrails=("mrp_cap", "change_cap", "step_cap", "no_false_urgency", "cost_floor"),
        stop_conditions=("mrp_breach", "repeat_drop", "complaints_rise"),
        show_model_answer=True,
    ).result
    assert strong.score.points == strong.score.max_points
    assert "MODEL ANSWER TEXT" in strong._repr_markdown_()
    assert "✅ met" in strong._repr_markdown_()


def test_simulator_redraws_its_two_svg_charts_from_the_run(dash):
    table = _quiet(dash.update, review_every=2, trust_effect=0.02, competitor_reaction=0.0).result
    charts = dash.charts
    page = charts._repr_html_()
    assert page.count("<svg") == 2 and page.count("role='img'") == 2
    best = table["margin (₹)"].idxmax()
    assert f"<title>Best at trust effect 2.00%: {best}</title>" in charts.margin
    # One bar per dynamic policy, its value printed as the table has it.
    assert charts.margin.count("<rect") == 2
    gain = table.loc["every 2 h", "vs static (₹)"]
    assert pricing_format(gain) in charts.margin
    # One price line per policy, labelled in the legend; the static price is flat (dashed).
    for name in table.index:
        assert f">{name}</text>" in charts.prices
    assert charts.prices.count("<polyline") == 3 and "stroke-dasharray" in charts.prices
    # A new move replaces the charts.
    _quiet(dash.update, review_every=24)
    assert ">every 24 h</text>" in dash.charts.prices and dash.charts is not charts


def test_matplotlib_variant_updates_one_figure_in_place():
    market = pricing.Market.example(n_products=3, n_days=7, seed=1)
    mpl = simulator_dashboard(market, chart="matplotlib")
    res = _quiet(mpl.update, review_every=4).result
    figure = mpl.figure
    _quiet(mpl.update, review_every=8)
    assert mpl.figure is figure and mpl.charts is None
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == list(mpl.result.index[1:])
    assert list(res.index) == ["static", "every 4 h", "every 4 h + guardrails"]
    with pytest.raises(ValueError, match="chart must be"):
        simulator_dashboard(market, chart="png")


def pricing_format(value: float) -> str:
    from pm_toolkit import viz

    return viz.format_inr(value)
