"""Lesson 4 on the data world: the analysis helpers, the planted effects, and the dashboards'
Python paths (``Dashboard.update``), exactly as the lesson and the exercises call them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import html
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pm_toolkit import data
from pm_toolkit import experiments as ex
from pm_toolkit.experiments import charts


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    return data.load("assignments", scale="tiny", seed=2026)


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, dict]:
    # The lesson's scale on CI's seed: the planted effects must be recoverable there.
    return (
        data.load("assignments", scale="small", seed=2026),
        data.manifest(scale="small", seed=2026)["experiments"],
    )


def test_analyse_picks_the_right_test_for_each_metric(tiny):
    rows = tiny[tiny["experiment_id"] == "exp_01"]
    a, b = (rows[rows["variant"] == v] for v in ("control", "treatment"))
    conv = ex.analyse(tiny, "exp_01", "converted")
    assert conv.kind == "proportion" and conv.treatment == pytest.approx(b["converted"].mean())
    rev = ex.analyse(tiny, "exp_01", "revenue")
    ref = stats.ttest_ind(b["revenue"], a["revenue"], equal_var=False)
    assert rev.p_value == pytest.approx(ref.pvalue) and rev.unit == "₹"
    aov = ex.analyse(tiny, "exp_01", "aov")
    assert aov.control == pytest.approx(a["revenue"].sum() / a["orders"].sum())
    with pytest.raises(ValueError, match="unknown metric"):
        ex.analyse(tiny, "exp_01", "gmv")
    with pytest.raises(ValueError, match="no experiment"):
        ex.analyse(tiny, "exp_99")


def test_srm_check_counts_users_per_arm(tiny):
    counts = tiny[tiny["experiment_id"] == "exp_02"]["variant"].value_counts()
    r = ex.srm_check(tiny, "exp_02")
    assert r.p_value == pytest.approx(stats.chisquare(counts[["control", "treatment"]]).pvalue)


def test_cumulative_daily_lift_ends_at_the_overall_result(tiny):
    cum = ex.daily_lift(tiny, "exp_04", cumulative=True)
    overall = ex.analyse(tiny, "exp_04")
    assert cum["lift"].iloc[-1] == pytest.approx(overall.relative_lift)
    assert cum["users"].is_monotonic_increasing
    daily = ex.daily_lift(tiny, "exp_04")
    assert daily["users"].sum() == overall.n_control + overall.n_treatment


def test_planted_clean_win_and_guardrail_harm_are_recovered(small):
    frame, truth = small
    # 99.9% intervals: a recovery check that fails by chance once in a thousand seeds.
    win = ex.analyse(frame, "exp_01", alpha=0.001)
    assert win.ci_low <= truth["exp_01"]["expected_absolute_lift"] <= win.ci_high
    assert win.significant or ex.analyse(frame, "exp_01").significant
    load = ex.analyse(frame, "exp_05", "page_load_ms", alpha=0.001)
    assert load.ci_low <= truth["exp_05"]["page_load_delta_ms"] <= load.ci_high
    assert ex.report(frame, "exp_05").decision.action == "don't ship"


def test_planted_srm_is_caught_and_the_aa_test_is_clean(small):
    frame, truth = small
    assert truth["exp_03"]["srm_bug"] is not None
    assert ex.srm_check(frame, "exp_03").mismatch
    assert ex.report(frame, "exp_03").decision.action == "investigate"
    assert not ex.srm_check(frame, "exp_02").mismatch


def test_planted_aov_drop_shows_in_the_ratio_metric(small):
    frame, truth = small
    aov = ex.analyse(frame, "exp_06", "aov")
    assert truth["exp_06"]["relative_lift_in_value_per_order"] < 0 and aov.ci_high < 0


def test_cuped_on_revenue_reduces_variance_by_rho_squared(small):
    frame, _ = small
    r = ex.cuped_revenue(frame, "exp_06")
    rows = frame[frame["experiment_id"] == "exp_06"]
    rho = np.corrcoef(rows["revenue"], rows["pre_revenue"])[0, 1]
    assert r.variance_reduction == pytest.approx(rho**2)
    assert r.adjusted.ci_high - r.adjusted.ci_low < r.raw.ci_high - r.raw.ci_low


def test_sample_size_dashboard_updates_like_the_slider(capsys):
    dash = charts.sample_size_dashboard(baseline=0.12, daily_users=700)
    result = dash.update(mde_percent=5, power_percent=90).result
    assert result == ex.sample_size(0.12, 0.05, power=0.9, relative=True).with_traffic(700)
    assert result.verdict.endswith(f"that is {result.days(700)} days.")
    assert dash.controls["mde_percent"].continuous_update is False
    # issue 19: the verdict was printed and shown again in the card; now only the card has it
    assert result.verdict not in capsys.readouterr().out


def test_peeking_dashboard_runs_the_simulation_for_the_chosen_looks(capsys):
    dash = charts.peeking_dashboard(seed=3, n_sims=2_000)
    result = dash.update(looks=8, design="pocock").result
    assert result.looks == 8 and result.boundaries.design == "pocock"
    assert result == ex.peeking_simulation(8, n_sims=2_000, seed=3, design="pocock")
    assert result.peeking_fpr > result.sequential_fpr
    assert result.verdict not in capsys.readouterr().out


def test_portfolio_dashboard_reports_more_false_wins_when_good_ideas_are_rare(capsys):
    dash = charts.portfolio_dashboard(seed=4, n_experiments=5_000)
    rare = dash.update(share_true_percent=4).result
    common = dash.update(share_true_percent=40).result
    assert rare.false_share > common.false_share
    assert common.verdict not in capsys.readouterr().out


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.sample_size_dashboard(0.12, 700),
        lambda: charts.peeking_dashboard(seed=1, n_sims=200),
        lambda: charts.portfolio_dashboard(seed=1, n_experiments=100),
    ],
)
def test_dashboard_labels_are_never_cut(make):
    """Issue 19: "Sequentia…" and "Ideas that…": a label gets the width it needs."""
    for control in make().controls.values():
        assert control.style.description_width == "initial", control.description


def test_srm_table_matches_scipy_chisquare_for_every_test(tiny):
    registry = data.load("experiments", scale="tiny", seed=2026)
    table = ex.srm_table(tiny, registry)
    for e, row in table.frame.iterrows():
        counts = tiny[tiny["experiment_id"] == e]["variant"].value_counts()
        ref = stats.chisquare(counts[["control", "treatment"]]).pvalue
        assert row["srm_p_value"] == pytest.approx(ref) and row["mismatch"] == (ref < 1e-3)
    shown = table.readable()
    assert shown["treatment_share"].str.endswith("%").all()
    assert shown.loc["exp_03", "srm_p_value"] == ex.format_p(
        table.frame.loc["exp_03", "srm_p_value"]
    )


def test_metric_table_adjusts_like_statsmodels(tiny):
    from statsmodels.stats.multitest import multipletests

    metrics = ["converted", "orders", "revenue", "aov", "returned"]
    t = ex.metric_table(tiny, "exp_06", metrics).frame
    raw = [ex.analyse(tiny, "exp_06", m).p_value for m in metrics]
    assert t["raw_p"].tolist() == pytest.approx(raw)
    for method, col in (("holm", "holm_p"), ("fdr_bh", "bh_p")):
        reject, adjusted, *_ = multipletests(raw, 0.05, method)
        assert t[col].tolist() == pytest.approx(adjusted.tolist())
        assert t[f"significant_{col.split('_')[0]}"].tolist() == reject.tolist()


def test_cumulative_lift_plot_says_it_is_cumulative(tiny, monkeypatch):
    from pm_toolkit import viz

    seen = {}
    monkeypatch.setattr(viz, "finish", lambda ax, **kw: seen.update(kw))
    charts.plot_lift_over_time(ex.daily_lift(tiny, "exp_04", cumulative=True), cumulative=True)
    assert seen["title"].startswith("Cumulative lift") and "up to that day" in seen["xlabel"]


def test_result_records_render_for_learners(small):
    frame, _ = small
    rep = ex.report(frame, "exp_01")
    html = rep._repr_html_()
    assert "Sample-ratio check" in html and "Decision" in html and "<script" not in html
    for record in (
        rep.primary,
        rep.srm,
        ex.prob_b_beats_a(10, 100, 20, 100),
        ex.group_sequential_boundaries(3),
        ex.portfolio_simulation(100, seed=1),
    ):
        assert record._repr_html_().startswith("<div") and repr(record)


@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_peeking_plot_draws_the_one_look_threshold_of_the_tests_alpha(alpha, monkeypatch):
    import matplotlib.pyplot as plt

    from pm_toolkit import viz

    drawn = []
    monkeypatch.setattr(viz, "finish", lambda ax, **kw: drawn.append(ax))
    result = ex.peeking_simulation(3, alpha=alpha, n_sims=200, seed=1)
    charts.plot_peeking(result)
    (ax,) = drawn
    z_crit = stats.norm.ppf(1 - alpha / 2)
    naive = [ln for ln in ax.get_lines() if ln.get_label() == f"p < {alpha:g} at one look"]
    assert len(naive) == 1 and naive[0].get_ydata()[0] == pytest.approx(z_crit)
    plt.close(ax.figure)


def test_no_card_shows_the_same_sentence_twice(small):
    """Issue 19: a verdict printed and shown again. Within one card, every sentence is unique."""
    frame, _ = small
    rep = ex.report(frame, "exp_05")
    for record in (rep.decision, rep.srm, rep.primary, ex.prob_b_beats_a(480, 4_000, 600, 4_000)):
        text = re.sub(r"<[^>]+>", "\n", record._repr_html_())
        sentences = [s.strip() for s in re.split(r"(?<=[.:])\s|\n", html.unescape(text))]
        sentences = [s for s in sentences if len(s) > 20]
        assert len(sentences) == len(set(sentences)), record
