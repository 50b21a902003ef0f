"""The lesson's simulator dashboard, driven through their Python path (`.update`), no browser."""

from __future__ import annotations

import contextlib
import io
import re

import matplotlib
import pytest

matplotlib.use("Agg")

from pm_toolkit import pricing
from pm_toolkit.pricing.dashboard import policies_for, simulator_dashboard


def _quiet(fn, *args, **kwargs):
    # Outside a kernel the dashboard's display() prints; keep the test log clean.
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def dash():
    return simulator_dashboard(pricing.Market.example(n_products=5, n_days=14, seed=3))


def test_slider_change_resimulates_with_the_new_settings(dash):
    calm = _quiet(dash.update, trust_effect=0.0, review_every=1).result.table.copy()
    wary = _quiet(dash.update, trust_effect=0.01).result.table.copy()
    assert list(calm.index) == ["static", "every 1 h", "every 1 h + guardrails"]
    assert calm.loc["every 1 h", "lost to trust"] == 0
    assert wary.loc["every 1 h", "lost to trust"] > 0
    # The static price never changes, so trust does not touch it.
    assert wary.loc["static", "margin"] == calm.loc["static", "margin"]


def test_frequency_slider_renames_and_slows_the_dynamic_policies(dash):
    hourly = _quiet(dash.update, review_every=1, trust_effect=0.0).result.table.copy()
    slow = _quiet(dash.update, review_every=12).result.table.copy()
    assert "every 12 h" in slow.index
    assert (
        slow.loc["every 12 h", "changes / product-day"]
        < hourly.loc["every 1 h", "changes / product-day"]
    )
    assert dash.timings  # every update is timed for the benchmark


def test_the_trust_cost_follows_the_frequency_the_learner_sets(dash):
    lost = [
        _quiet(dash.update, review_every=h, trust_effect=0.005).result.table.iloc[1][
            "lost to trust"
        ]
        for h in (1, 4, 24)
    ]
    assert lost[0] > lost[1] > lost[2] > 0


def test_controls_are_wide_with_steps_a_learner_can_reach(dash):
    freq, trust = dash.controls["review_every"], dash.controls["trust_effect"]
    assert [v for _label, v in freq.options] == [1, 2, 3, 4, 6, 8, 12, 24]
    assert all(label.endswith(" h") for label, _v in freq.options)
    for c in dash.controls.values():
        width = int(c.layout.width.removesuffix("px"))
        label = int(c.style.description_width.removesuffix("px"))
        assert width - label >= 250, "the label leaves the track too little room"
    assert trust.options[0][1] == 0.0 and len(trust.options) >= 6


def test_dashboard_matches_a_direct_simulation(dash):
    res = _quiet(dash.update, review_every=6, trust_effect=0.002, competitor_reaction=0.5).result
    direct = pricing.simulate(
        dash.market, policies_for(6), trust_effect=0.002, competitor_reaction=0.5
    ).table()
    assert res.table["margin"].tolist() == pytest.approx(direct["gross_margin"].tolist())


def test_one_output_per_redraw_with_money_in_lakh_or_crore(dash):
    view = _quiet(dash.update, review_every=2, trust_effect=0.002).result
    page = view._repr_html_()
    assert page.count("<svg") == 2 and page.count("<table") == 1
    assert "lakh" in page or "crore" in page
    assert not re.search(r"\d{6,}\.\d", view.tidy().to_string())  # no 66021344.26


def test_simulator_redraws_its_two_svg_charts_from_the_run(dash):
    view = _quiet(dash.update, review_every=2, trust_effect=0.002, competitor_reaction=0.0).result
    table, charts = view.table, dash.charts
    assert view.charts is charts
    page = charts._repr_html_()
    assert page.count("<svg") == 2 and page.count("role='img'") == 2
    best = table["margin"].idxmax()
    assert f"<title>Best at trust effect 0.20%: {best}</title>" in charts.margin
    # One bar per dynamic policy; the axis is in ₹ lakh, so labels stay short.
    assert charts.margin.count("<rect") == 2 and "(₹ lakh)" in charts.margin
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
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == list(mpl.result.table.index[1:])
    assert list(res.table.index) == ["static", "every 4 h", "every 4 h + guardrails"]
    with pytest.raises(ValueError, match="chart must be"):
        simulator_dashboard(market, chart="png")
