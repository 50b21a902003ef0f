"""demand_daily and warehouses: the contract, determinism, censoring, and the planted truths
recovered from the data (statsmodels) within stated tolerances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pm_toolkit.data import demand as D

COLUMNS = ["date", "warehouse", "category", "units_demanded", "units_sold", "stock_start",
           "price_index", "promo", "rainfall_mm"]  # fmt: skip


@pytest.fixture(scope="module")
def table():
    tab, truth = D.make_demand_daily(2026, "tiny")
    return tab.to_pandas().assign(date=lambda x: pd.to_datetime(x["date"])), truth


def test_contract_rows_and_columns(table):
    df, truth = table
    assert list(df.columns) == COLUMNS
    assert len(df) == D.N_DAYS * 5 * 10 == truth["rows"]
    assert df["date"].min() == pd.Timestamp("2023-01-01")
    assert df["date"].max() == pd.Timestamp("2025-12-31")


def test_same_seed_same_table_other_seed_other_table():
    a, _ = D.make_demand_daily(5, "tiny")
    D._world.cache_clear()
    b, _ = D.make_demand_daily(5, "small")
    c, _ = D.make_demand_daily(6, "tiny")
    assert a.equals(b) and not a.equals(c)


def test_sales_are_demand_censored_by_stock(table):
    df, truth = table
    assert (df["units_sold"] == np.minimum(df["units_demanded"], df["stock_start"])).all()
    lost = df["units_demanded"] - df["units_sold"]
    assert lost.sum() == truth["lost_units"] > 0
    assert (lost > 0).mean() == pytest.approx(truth["censored_share"], abs=1e-4)


def test_holdout_truth_in_the_manifest_matches_the_table(table):
    df, truth = table
    hold = df[df["date"] >= truth["holdout_start"]]
    first = hold[(hold["warehouse"] == "kolkata") & (hold["category"] == "fashion")]
    weekly = first.groupby((first["date"] - first["date"].min()).dt.days // 7)["units_demanded"]
    assert weekly.sum().tolist() == truth["holdout_weekly_true_demand"]["kolkata"]["fashion"]
    assert len(weekly) == 12


def _glm(df: pd.DataFrame, extra: list[str]):
    """Poisson GLM of true demand on the planted structure (statsmodels)."""
    import statsmodels.api as sm

    x = pd.get_dummies(df["date"].dt.day_of_week, prefix="dow", drop_first=True, dtype=float)
    x["years"] = (df["date"] - pd.Timestamp("2023-01-01")).dt.days / 365.25
    doy = df["date"].dt.day_of_year
    x["cos"], x["sin"] = np.cos(2 * np.pi * doy / 365.25), np.sin(2 * np.pi * doy / 365.25)
    for col in extra:
        x[col] = df[col].astype(float)
    x = sm.add_constant(x)
    return sm.GLM(df["units_demanded"], x, family=sm.families.Poisson()).fit()


def _window(df: pd.DataFrame, name: str) -> pd.Series:
    mask = pd.Series(False, index=df.index)
    for _y, days in D.festival_days(name):
        dates = pd.to_datetime([D.START + pd.Timedelta(days=int(d)) for d in days])
        mask |= df["date"].isin(dates)
    return mask


@pytest.mark.parametrize("seed", [2026, 42])
def test_planted_trend_diwali_and_promotion_are_recovered(seed):
    """Electronics at Bhiwandi: growth within 3 points, the mean Diwali-window multiplier
    within 10 % of the planted one, a promotion's total lift within 10 %."""
    tab, truth = D.make_demand_daily(seed, "tiny")
    df = tab.to_pandas().assign(date=lambda x: pd.to_datetime(x["date"]))
    s = df[(df["warehouse"] == "bhiwandi") & (df["category"] == "electronics")].copy()
    for name in D.FESTIVAL_CATEGORY:
        s[name] = _window(s, name)
    s["promo_on"] = s["promo"]
    s["log_price"] = np.log(s["price_index"])
    s["july_aug"] = s["date"].dt.month.isin([7, 8])
    s["heavy_rain"] = s["rainfall_mm"] >= D.HEAVY_RAIN_MM
    fit = _glm(s, [*D.FESTIVAL_CATEGORY, "promo_on", "log_price", "july_aug", "heavy_rain"])
    growth = truth["yearly_growth"]["electronics"]
    assert np.expm1(fit.params["years"]) == pytest.approx(growth, abs=0.03)
    amp = truth["festivals"]["diwali"]["category_weight"]["electronics"]
    strength = np.mean(truth["festivals"]["diwali"]["year_strength"])
    planted = np.mean(1 + strength * amp * D.window_profile(12))
    assert np.exp(fit.params["diwali"]) == pytest.approx(planted, rel=0.10)
    # a promotion lifts demand and cuts the price; only their product is identified here
    promo = np.exp(fit.params["promo_on"] + fit.params["log_price"] * np.log(D.PROMO_PRICE))
    planted_promo = (1 + D.PROMO_LIFT) * D.PROMO_PRICE ** (-D.PRICE_ELASTICITY)
    assert promo == pytest.approx(planted_promo, rel=0.10)


def test_planted_weekday_pattern_and_annual_season_are_recovered(table):
    """20 series, on days with no festival, sale, promotion, monsoon dip or heavy rain:
    a Poisson GLM with series effects recovers each weekday's factor relative to Monday within
    2 %, and each category's yearly cosine."""
    import statsmodels.api as sm

    df, truth = table
    df = df[df["warehouse"].isin(["bhiwandi", "gurugram"])].reset_index(drop=True)  # 20 series
    busy = np.zeros(len(df), dtype=bool)
    for name in D.FESTIVAL_CATEGORY:
        busy |= _window(df, name).to_numpy()
    busy |= df["promo"].to_numpy() | df["date"].dt.month.isin([7, 8]).to_numpy()
    busy |= (df["rainfall_mm"] >= D.HEAVY_RAIN_MM).to_numpy()
    clean = df[~busy]
    x = pd.get_dummies(clean["date"].dt.day_of_week, prefix="dow", drop_first=True, dtype=float)
    series = clean["warehouse"] + ":" + clean["category"]
    x = x.join(pd.get_dummies(series, drop_first=True, dtype=float))
    years = (clean["date"] - pd.Timestamp("2023-01-01")).dt.days / 365.25
    doy = 2 * np.pi * clean["date"].dt.day_of_year / 365.25
    for c in D._CATS:
        on = (clean["category"] == c).astype(float)
        x[f"t_{c}"], x[f"cos_{c}"], x[f"sin_{c}"] = on * years, on * np.cos(doy), on * np.sin(doy)
    fit = sm.GLM(clean["units_demanded"], sm.add_constant(x), family=sm.families.Poisson()).fit()
    wd = list(truth["weekday_factor"].values())
    for k in range(1, 7):
        assert np.exp(fit.params[f"dow_{k}"]) == pytest.approx(wd[k] / wd[0], rel=0.02)
    # the annual seasonality of each category: amplitude within 0.02, peak within 3 weeks
    for c in D._CATS:
        b_cos, b_sin = fit.params[f"cos_{c}"], fit.params[f"sin_{c}"]
        amp = truth["annual"]["amplitude_log"][c]
        assert np.hypot(b_cos, b_sin) == pytest.approx(amp, abs=0.02), c
        peak = (np.degrees(np.arctan2(b_sin, b_cos)) % 360) * 365.25 / 360
        gap = abs(peak - truth["annual"]["peak_day_of_year"][c])
        assert min(gap, 365.25 - gap) < 21 or amp < 0.06, c


def test_durga_puja_peaks_only_in_the_east(table):
    df, _ = table
    f = df[df["category"] == "fashion"].copy()
    f["puja"] = _window(f, "durga_puja")
    lift = f.groupby(["warehouse", "puja"])["units_demanded"].mean().unstack()
    ratio = lift[True] / lift[False]
    assert ratio.idxmax() == "kolkata" and ratio["kolkata"] > 1.5


def test_festival_windows_sell_out_more_often_than_other_days(table):
    df, _ = table
    out = df["units_sold"] >= df["stock_start"]
    diwali = _window(df, "diwali")
    assert out[diwali].mean() > 3 * out[~diwali].mean()


def test_warehouses_serve_every_state_once_from_the_nearest():
    w = D.make_warehouses().to_pandas()
    assert len(w) == 5 * len(D.STATE_COORDS)
    home = w[w["serves"]]
    assert home["region"].is_unique and set(home["region"]) == set(D.STATE_COORDS)
    nearest = w.loc[w.groupby("region")["distance_km"].idxmin()].set_index("region")["warehouse"]
    assert home.set_index("region")["warehouse"].sort_index().equals(nearest.sort_index())
    assert np.allclose(home.groupby("warehouse")["region_share"].sum(), 1, atol=1e-3)
    by_km = w.sort_values("distance_km")
    assert by_km["delivery_days"].is_monotonic_increasing
    assert by_km["ship_cost_per_unit"].is_monotonic_increasing


def test_both_tables_are_in_the_world_and_the_manifest(tmp_path):
    from pm_toolkit.data.generate import generate_world

    m = generate_world(3, "tiny", tmp_path / "w", progress=False)
    assert m["tables"]["demand_daily"]["rows"] == D.N_DAYS * 50
    assert m["tables"]["warehouses"]["rows"] == 5 * len(D.STATE_COORDS)
    assert m["demand_daily"]["festivals"]["diwali"]["dates"][2] == "2025-10-20"
