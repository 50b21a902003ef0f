"""pm_toolkit.forecasting: every measure and rule against a hand case, a closed form or the
library that already does it (scikit-learn, scipy, statsmodels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, stats

from pm_toolkit import forecasting as fc
from pm_toolkit.forecasting import metrics
from pm_toolkit.forecasting.simulator import Season


@pytest.fixture(scope="module")
def tiny_demand() -> pd.DataFrame:
    from pm_toolkit.data.demand import make_demand_daily

    return make_demand_daily(2026, "tiny")[0].to_pandas()


@pytest.fixture(scope="module")
def tiny_warehouses() -> pd.DataFrame:
    from pm_toolkit.data.demand import make_warehouses

    return make_warehouses().to_pandas()


# ---- metrics --------------------------------------------------------------------------------------
def test_metrics_on_a_hand_computed_case():
    actual, forecast = [10, 20, 30, 40], [12, 18, 33, 30]
    # errors 2, 2, 3, 10 → MAE 4.25; WAPE 17/100; bias (−7)/100
    assert metrics.mae(actual, forecast) == pytest.approx(4.25)
    assert metrics.wape(actual, forecast) == pytest.approx(0.17)
    assert metrics.bias(actual, forecast) == pytest.approx(-0.07)
    assert metrics.mape(actual, forecast) == pytest.approx((0.2 + 0.1 + 0.1 + 0.25) / 4)
    assert metrics.fva(0.30, 0.17) == pytest.approx(0.13)


def test_metrics_agree_with_scikit_learn():
    from sklearn.metrics import (
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_pinball_loss,
    )

    g = np.random.default_rng(3)
    a = g.poisson(40, 200).astype(float) + 1
    f = a * g.lognormal(0, 0.2, 200)
    assert metrics.mae(a, f) == pytest.approx(mean_absolute_error(a, f))
    assert metrics.mape(a, f) == pytest.approx(mean_absolute_percentage_error(a, f))
    for tau in (0.1, 0.5, 0.9):
        assert metrics.pinball(a, f, tau) == pytest.approx(mean_pinball_loss(a, f, alpha=tau))


def test_mape_breaks_on_a_day_with_no_sales_and_wape_does_not():
    actual, forecast = [0, 3, 1], [1, 2, 1]
    assert metrics.mape(actual, forecast) == float("inf")
    assert metrics.wape(actual, forecast) == pytest.approx(2 / 4)


@pytest.mark.parametrize("bad", [([], []), ([1, 2], [1]), ([0, 0], [1, 1])])
def test_metrics_refuse_what_they_cannot_score(bad):
    with pytest.raises(ValueError):
        metrics.wape(*bad)


def test_pinball_rejects_a_quantile_outside_zero_one():
    with pytest.raises(ValueError, match="tau"):
        metrics.pinball([1], [1], 1.5)


# ---- newsvendor -------------------------------------------------------------------------------------
def test_critical_ratio_and_costs_from_economics():
    c = fc.stock_costs(price=1000, unit_cost=700, goodwill=50, salvage=500, holding=20)
    assert (c.under, c.over) == (350.0, 220.0)
    assert c.critical_ratio == pytest.approx(350 / 570)
    with pytest.raises(ValueError, match="positive"):
        fc.stock_costs(price=500, unit_cost=700)


@pytest.mark.parametrize(("cu", "co"), [(300, 100), (100, 300), (50, 50), (999, 1)])
def test_normal_newsvendor_matches_the_closed_form_and_minimises_expected_cost(cu, co):
    mu, sd = 500.0, 80.0
    q = fc.newsvendor_normal(mu, sd, cu, co)
    assert q == pytest.approx(mu + sd * stats.norm.ppf(cu / (cu + co)))
    # the closed form is the minimum of the expected cost, found numerically
    best = optimize.minimize_scalar(
        lambda x: fc.expected_cost_normal(x, mu, sd, cu, co), bounds=(0, 2000), method="bounded"
    )
    assert q == pytest.approx(best.x, abs=0.05)


def test_expected_cost_matches_numerical_integration():
    mu, sd, q, cu, co = 100.0, 15.0, 110.0, 40.0, 10.0

    def cost(d):
        return (cu * max(d - q, 0) + co * max(q - d, 0)) * stats.norm.pdf(d, mu, sd)

    numeric = integrate.quad(cost, mu - 10 * sd, mu + 10 * sd, points=[q])[0]
    assert fc.expected_cost_normal(q, mu, sd, cu, co) == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize(("lam", "cu", "co"), [(4.0, 9, 1), (20.0, 1, 1), (0.7, 3, 2)])
def test_poisson_newsvendor_is_the_smallest_stock_reaching_the_ratio(lam, cu, co):
    q = fc.newsvendor_poisson(lam, cu, co)
    ratio = cu / (cu + co)
    assert stats.poisson.cdf(q, lam) >= ratio
    assert q == 0 or stats.poisson.cdf(q - 1, lam) < ratio
    # and it minimises the expected cost over whole units (brute force)
    ks = np.arange(0, 100)
    d = np.arange(0, 400)
    p = stats.poisson.pmf(d, lam)
    costs = [(p * (cu * np.maximum(d - k, 0) + co * np.maximum(k - d, 0))).sum() for k in ks]
    assert q == int(np.argmin(costs))


def test_empirical_newsvendor_takes_the_ratio_quantile():
    assert fc.newsvendor_empirical([5, 1, 3, 2, 4], 3, 1) == 4.0  # 75 % → 4th of 5


# ---- allocation -------------------------------------------------------------------------------------
def test_allocation_equalises_service_levels_and_beats_a_numerical_optimiser():
    mu, sd = np.array([400.0, 250.0, 120.0]), np.array([60.0, 90.0, 20.0])
    a = fc.allocate_buy(mu, sd, total=700, cost_under=300, cost_over=120, names=list("abc"))
    assert a.units.sum() == pytest.approx(700)
    z = (a.units - mu) / sd
    assert np.ptp(z) == pytest.approx(0, abs=1e-6)
    res = optimize.minimize(
        lambda u: fc.allocation_cost(u, mu, sd, 300, 120),
        x0=np.full(3, 700 / 3),
        constraints=[{"type": "eq", "fun": lambda u: u.sum() - 700}],
        bounds=[(0, 700)] * 3,
        method="SLSQP",
    )
    assert a.expected_cost <= res.fun + 1e-6
    assert list(a.table()["warehouse"]) == ["a", "b", "c"]


def test_allocation_rejects_bad_forecasts():
    with pytest.raises(ValueError, match="sigma"):
        fc.allocate_buy([1, 2], [0, 1], 3, 1, 1)


# ---- series, festivals, baselines, models -------------------------------------------------------------
def _toy(days=60, start="2025-01-01"):
    dates = pd.date_range(start, periods=days)
    rows = pd.DataFrame({"date": dates, "warehouse": "kolkata", "category": "books"})
    rows["units_sold"] = 10 + np.tile([0, 1, 2, 3, 4, 8, 9], days // 7 + 1)[:days]
    rows["stock_start"] = rows["units_sold"] + 5
    rows["units_demanded"] = rows["units_sold"]
    rows["price_index"], rows["promo"] = 1.0, False
    return rows


def test_baselines_on_a_hand_case():
    hist, fut = _toy(14), _toy(3, "2025-01-15")
    assert fc.naive(hist, fut).iloc[:, 0].tolist() == [19.0] * 3
    assert fc.seasonal_naive(hist, fut).iloc[:, 0].tolist() == [10.0, 11.0, 12.0]
    assert fc.moving_average(hist, fut, window=7).iloc[0, 0] == pytest.approx(np.mean(
        [10, 11, 12, 13, 14, 18, 19]))  # fmt: skip


def test_diwali_moves_and_aligned_last_year_follows_it():
    t = fc.festival_table()
    diwali = t[t["event"] == "diwali"]["date"].dt.date.astype(str).tolist()
    assert diwali == ["2023-11-12", "2024-10-31", "2025-10-20"]
    day = pd.Timestamp("2025-10-10")  # 10 days before Diwali 2025
    assert fc.aligned_last_year(day) == pd.Timestamp("2024-10-21")  # 10 days before 2024's


def test_holt_winters_is_statsmodels_exponential_smoothing():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y = _toy(140).set_index("date")["units_sold"].astype(float).asfreq("D")
    ours = fc.holt_winters_series(y, 14)
    direct = ExponentialSmoothing(
        np.log1p(y), trend="add", damped_trend=True, seasonal="add", seasonal_periods=7
    ).fit()
    assert np.allclose(ours.to_numpy(), np.expm1(direct.forecast(14)).to_numpy())


def test_sold_out_days_and_censored_weeks():
    rows = _toy(14)
    rows.loc[[3, 10], "stock_start"] = rows.loc[[3, 10], "units_sold"]
    assert fc.sold_out(rows).sum() == 2
    weeks = fc.censored_weeks(rows, "kolkata", "books")
    assert weeks["days_sold_out"].sum() == 2 and len(weeks) == 2


def test_backtest_never_shows_a_forecaster_the_future():
    seen = []

    def spy(history, future):
        seen.append((history["date"].max(), set(future.columns)))
        return fc.naive(history, future)

    rows = _toy(60)
    bt = fc.backtest(rows, {"spy": spy, "seasonal naive": fc.seasonal_naive},
                     fc.rolling_origins("2025-03-01", n=2, horizon=14), horizon=14)  # fmt: skip
    for (last, cols), origin in zip(seen, sorted(bt.forecasts["origin"].unique()), strict=True):
        assert last < origin
        assert "units_sold" not in cols and "units_demanded" not in cols
    assert set(bt.scores().index) == {"spy", "seasonal naive"}
    assert bt.scores().loc["seasonal naive", "fva"] == 0


def test_gbm_quantiles_are_ordered(tiny_demand):
    history, future, _ = fc.split_at(tiny_demand, "2025-09-01", 14)
    q = fc.gbm_forecast(history, (0.5, 0.9)).predict(future)
    assert (q[0.9].to_numpy() >= q[0.5].to_numpy() - 1e-9).mean() > 0.95


# ---- simulator -------------------------------------------------------------------------------------
def test_replay_conserves_units_and_counts_far_shipments():
    s = Season.example()
    for policy in fc.POLICIES:
        r = fc.replay(s, s.placement(policy))
        assert r.sold + r.lost == pytest.approx(r.demanded)
        assert r.sold + r.leftover == pytest.approx(s.placement(policy).sum())
        assert r.co2_kg == pytest.approx(r.km * 0.00015)


def test_central_ships_everything_from_one_place_and_rerouting_only_helps():
    s = Season.example()
    central = s.placement("central")
    assert (central.sum(axis=1) > 0).sum() == 1
    assert central.sum() == s.placement("anticipatory").sum()
    r = fc.replay(s, central)
    assert (
        r.far_units > 0
        and r.avg_delivery_days > fc.replay(s, s.placement("anticipatory")).avg_delivery_days
    )
    assert fc.replay(s, central, reroute=False).lost >= r.lost


def test_higher_goodwill_raises_the_stock_placed():
    s = Season.example()
    low = s.with_costs(0.0, 1.0).placement("anticipatory").sum()
    high = s.with_costs(1.0, 1.0).placement("anticipatory").sum()
    assert high > low


def test_the_dashboard_redraws_through_update():
    dash = fc.newsvendor_dashboard(Season.example())
    view = dash.update(goodwill=0.6, holding=2.0).result
    assert "<svg" in view.chart and set(view.table.index) == set(fc.POLICIES)
    assert 0 < view.ratio < 1


def test_lanes_and_disruption_from_the_tables(tiny_demand, tiny_warehouses):
    lanes = fc.lanes(tiny_warehouses)
    assert np.all(np.diag(lanes.km) <= lanes.km.min(axis=0) + 1e-9)  # home is the nearest
    storm = fc.replay_disruption(tiny_demand, tiny_warehouses, "bhiwandi")
    assert 0 <= storm.kept_no_reroute <= storm.kept_reroute <= 1
    assert (storm.extra_km > 0) == (storm.heavy_rain_days > 0)


def test_the_dashboard_reuses_cost_free_replays_without_changing_the_result():
    s = Season.example()
    dash = fc.newsvendor_dashboard(s)
    got = dash.update(goodwill=0.3, holding=2.5).result.table
    want = fc.compare_policies(s.with_costs(0.3, 2.5)).table()
    pd.testing.assert_frame_equal(got, want)
