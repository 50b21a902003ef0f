"""Only true things in Lesson 6: each sentence the lesson (or the memo's model answer) states is
checked against an independent computation, for every learner seed in ``truth_seed``, at the
``small`` scale the lesson uses.

The tables are built straight from the generators (no whole world per seed). The boosted model
runs with fewer rounds here to keep the suite fast: the sentences are checked against whatever
forecasts they are given, and the planted effects (Diwali moves, sales are censored most before
Diwali, forecast-based placement beats the manual plan and delivers faster than one central
warehouse) must show for every seed even with the lighter model.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import forecasting as fc
from pm_toolkit.data.demand import make_demand_daily, make_warehouses
from pm_toolkit.data.dimensions import make_products
from pm_toolkit.forecasting import models


@pytest.fixture(autouse=True)
def _light_boosting(monkeypatch):
    monkeypatch.setattr(models, "GBM_ITERATIONS", 30)
    monkeypatch.setattr(models, "GBM_TRAIN_DAYS", 500)


@lru_cache(maxsize=8)
def tables(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    demand = make_demand_daily(seed, "small")[0].to_pandas()
    products = make_products(seed, "small")[0].to_pandas()
    return demand, make_warehouses().to_pandas(), products


_SEASONS: dict[int, tuple] = {}
_FORECASTS: dict[int, tuple] = {}


def forecast(seed: int):
    """The season's P50/P90 (computed once per seed, with the light boosting)."""
    if seed not in _FORECASTS:
        _FORECASTS[seed] = fc.festive_forecast(tables(seed)[0])
    return _FORECASTS[seed]


def season_and_replay(seed: int):
    if seed not in _SEASONS:
        d, w, p = tables(seed)
        s = fc.build_season(d, w, p, forecast=forecast(seed))
        _SEASONS[seed] = (s, fc.compare_policies(s))
    return _SEASONS[seed]


def test_overview_counts(truth_seed):
    d, _, _ = tables(truth_seed)
    f = fc.overview(d)
    assert f.facts["rows"] == len(d) == 1096 * 50
    assert f.facts["units_sold"] == int(d["units_sold"].sum())
    assert f"{f.facts['units_sold'] / 1e5:,.1f} lakh" in f.text


def test_placement_sentence_matches_the_warehouse_table(truth_seed):
    _, w, _ = tables(truth_seed)
    f = fc.placement_finding(fc.lanes(w))
    region, src = f.facts["region"], f.facts["far_source"]
    states = w[w["serves"] & (w["warehouse"] == region)]
    far = w[(w["warehouse"] == src) & w["region"].isin(states["region"])].set_index("region")
    share = states.set_index("region")["region_share"]
    expected_far = (far["delivery_days"] * share).sum() / share.sum()
    assert f.facts["far_days"] == pytest.approx(expected_far)
    assert f.facts["far_days"] > f.facts["home_days"] and f.facts["extra_cost"] > 0


def test_censoring_is_commonest_before_diwali(truth_seed):
    d, _, _ = tables(truth_seed)
    f = fc.censoring_finding(d)
    past = d[pd.to_datetime(d["date"]) < fc.SEASON_START]
    out = past["units_sold"] >= past["stock_start"]
    dates = pd.to_datetime(past["date"])
    win = pd.Series(False, index=past.index)
    for lo, hi in (("2023-10-31", "2023-11-11"), ("2024-10-19", "2024-10-30"),
                   ("2025-10-08", "2025-10-19")):  # fmt: skip
        win |= dates.between(lo, hi)
    assert f.facts["sold_out_share"] == pytest.approx(out.mean())
    assert f.facts["diwali_sold_out_share"] == pytest.approx(out[win].mean())
    assert f.facts["ratio"] > 1 and "as often" in f.text  # the words say "more often"
    hidden = 1 - past.loc[win, "units_sold"].sum() / past.loc[win, "units_demanded"].sum()
    assert f.facts["diwali_hidden_share"] == pytest.approx(hidden) and hidden > 0


def test_mape_sentence_on_the_slowest_seller(truth_seed):
    from sklearn.metrics import mean_absolute_percentage_error

    d, _, _ = tables(truth_seed)
    f = fc.mape_finding(d)
    rows = d[(d["warehouse"] == f.facts["warehouse"]) & (d["category"] == f.facts["category"])]
    y = rows.set_index(pd.to_datetime(rows["date"]))["units_sold"].astype(float)
    origin = fc.SEASON_START - pd.Timedelta(days=28)
    actual = y[origin : origin + pd.Timedelta(days=27)]
    forecast = y.shift(7)[actual.index]
    for k in range(7, 28):  # seasonal naive never looks past the origin: repeat the last week
        forecast.iloc[k] = forecast.iloc[k - 7]
    assert f.facts["wape"] == pytest.approx(np.abs(actual - forecast).sum() / actual.sum())
    if (actual > 0).all():
        assert f.facts["mape"] == pytest.approx(mean_absolute_percentage_error(actual, forecast))
    else:
        assert f.facts["mape"] == float("inf") and "undefined" in f.text


def _wape_table(bt: fc.Backtest) -> pd.Series:
    g = bt.forecasts.assign(err=lambda x: (x["actual"] - x["forecast"]).abs())
    sums = g.groupby("method")[["err", "actual"]].sum()
    return sums["err"] / sums["actual"]


def test_backtest_sentence_names_the_lowest_wape(truth_seed):
    d, _, _ = tables(truth_seed)
    methods = fc.standard_methods(models=False) | {"gradient boosting": fc.gradient_boosting}
    bt = fc.backtest(
        d[d["category"] == "electronics"], methods, fc.rolling_origins(fc.SEASON_START, n=2)
    )
    f = fc.backtest_finding(bt)
    wapes = _wape_table(bt)
    assert f.facts["best"] == wapes.idxmin()
    assert f.facts["fva"] == pytest.approx(wapes["seasonal naive"] - wapes.min())


def test_diwali_moved_and_the_aligned_forecast_beats_same_week_last_year(truth_seed):
    d, _, _ = tables(truth_seed)
    methods = fc.standard_methods(models=False) | {"gradient boosting": fc.gradient_boosting}
    bt = fc.diwali_week_backtest(d, methods=methods)
    f = fc.diwali_finding(bt)
    wapes = _wape_table(bt)
    assert f.facts["best"] == wapes.idxmin()
    assert wapes["aligned last year"] < wapes["same week last year"]
    fc_sum = bt.forecasts.groupby("method")[["forecast", "actual"]].sum()
    lean = fc_sum.loc["same week last year"]
    assert ("under" in f.text) == (lean["forecast"] < lean["actual"])


def test_newsvendor_sentence_is_the_closed_form(truth_seed):
    from scipy import stats

    s, _ = season_and_replay(truth_seed)
    f = fc.newsvendor_finding(s, "kolkata", "fashion")
    econ = fc.unit_economics(tables(truth_seed)[2]).loc["fashion"]
    cu = econ["list_price"] - econ["unit_cost"] + 0.10 * econ["list_price"]
    assert f.facts["cu"] == pytest.approx(cu)
    q = f.facts["mu"] + f.facts["sd"] * stats.norm.ppf(
        f.facts["cu"] / (f.facts["cu"] + f.facts["co"])
    )
    assert f.facts["q"] == pytest.approx(q)
    assert ("above" in f.text) == (f.facts["ratio"] > 0.5)


def test_replay_sentences_and_the_planted_advantage(truth_seed):
    s, comp = season_and_replay(truth_seed)
    t = comp.table()
    for policy in fc.POLICIES:  # units are conserved in every replay
        r = comp.results[policy]
        assert r.sold + r.lost == pytest.approx(s.demand.sum())
    f = fc.policy_finding(comp)
    assert f.facts["best_margin"] == t["margin (₹)"].idxmax()
    gap = t.loc["anticipatory", "margin (₹)"] - t.loc["central", "margin (₹)"]
    assert ("more margin" in f.text) == (gap > 0)
    assert t.loc["anticipatory", "avg delivery days"] < t.loc["central", "avg delivery days"]
    assert "faster" in f.text
    w = fc.without_data_science(comp)
    assert t.loc["anticipatory", "margin (₹)"] > t.loc["manual", "margin (₹)"]
    assert "gives up" in w.text
    more = t.loc["manual", "stock-outs (units)"] > t.loc["anticipatory", "stock-outs (units)"]
    assert ("more units" in w.text) == more


def test_memo_model_answer_is_built_from_the_replay(truth_seed):
    from pm_toolkit.course import forecasting as course
    from pm_toolkit.exercises import LearnerContext

    _, comp = season_and_replay(truth_seed)
    ctx = LearnerContext(seed=truth_seed, scale="small")
    ctx.cached("fc:comparison", lambda: comp)
    key, text = course._memo_key(ctx), course.memo_model_answer(ctx)
    t = comp.table()
    assert key.call == course.CALLS[t["margin (₹)"].idxmax()]
    days = t.loc["central", "avg delivery days"] - t.loc["anticipatory", "avg delivery days"]
    assert key.numbers[course.NUMBERS[0]] == pytest.approx(days)
    assert f"{abs(days):.2f} days {'faster' if days > 0 else 'slower'}" in text


def test_disruption_sentence(truth_seed):
    d, w, _ = tables(truth_seed)
    storm = fc.replay_disruption(d, w, "bhiwandi")
    f = fc.disruption_finding(storm)
    rain = d[d["warehouse"] == "bhiwandi"].groupby("date")["rainfall_mm"].first()
    rain.index = pd.to_datetime(rain.index)
    week = rain[storm.start : storm.start + pd.Timedelta(days=6)]
    summer = rain["2025-06-01":"2025-09-30"].rolling(7).sum()
    assert week.sum() == pytest.approx(summer.max())
    assert storm.heavy_rain_days == int((week >= 64.5).sum())
    if storm.heavy_rain_days:
        assert storm.kept_reroute > storm.kept_no_reroute and "rerouting" in f.text
    else:
        assert "kept either way" in f.text


def test_p90_coverage_sentence(truth_seed):
    d, _, _ = tables(truth_seed)
    p50, p90 = forecast(truth_seed)
    f = fc.quantile_finding(d, p50, p90)
    rows = d.assign(date=pd.to_datetime(d["date"])).set_index(["date", "warehouse", "category"])
    q = p90.stack(["warehouse", "category"], future_stack=True)
    truth = rows["units_demanded"].reindex(q.index)
    assert f.facts["coverage_p90"] == pytest.approx(float((truth <= q).mean()))
    assert ("more often" in f.text) == (f.facts["coverage_p90"] > 0.9)
