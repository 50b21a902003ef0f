"""What the lesson says about the learner's data, built from it (:class:`pm_toolkit.findings.Finding`).

Each function computes its facts, words them with the shared helpers, and returns the text with
the facts, so ``tests/test_truth_forecasting.py`` can recompute each one for several learners.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit.findings import Finding, direction
from pm_toolkit.forecasting import baselines as B
from pm_toolkit.forecasting import metrics
from pm_toolkit.forecasting.backtest import Backtest, backtest
from pm_toolkit.forecasting.festivals import festival_table
from pm_toolkit.forecasting.models import gradient_boosting, holt_winters
from pm_toolkit.forecasting.series import sold_out, to_panel
from pm_toolkit.formatting import format_inr, format_inr_compact, format_pct

__all__ = [
    "backtest_finding",
    "censoring_finding",
    "disruption_finding",
    "diwali_finding",
    "diwali_week",
    "diwali_week_backtest",
    "mape_finding",
    "newsvendor_finding",
    "overview",
    "placement_finding",
    "policy_finding",
    "quantile_finding",
    "standard_methods",
    "without_data_science",
]


def standard_methods(models: bool = True) -> dict:
    """The forecasters the lesson compares, by name (baselines first)."""
    out = {
        "seasonal naive": B.seasonal_naive,
        "moving average": B.moving_average,
        "same week last year": B.same_week_last_year,
        "aligned last year": B.aligned_last_year_forecast,
    }
    if models:
        out |= {"Holt-Winters": holt_winters, "gradient boosting": gradient_boosting}
    return out


def overview(demand: pd.DataFrame) -> Finding:
    dates = pd.to_datetime(demand["date"])
    facts = {
        "rows": len(demand),
        "days": int(dates.nunique()),
        "warehouses": int(demand["warehouse"].nunique()),
        "categories": int(demand["category"].nunique()),
        "units_sold": int(demand["units_sold"].sum()),
    }
    text = (
        f"{facts['rows']:,} rows: {facts['days']:,} days ({dates.min():%d %b %Y} to "
        f"{dates.max():%d %b %Y}) × {facts['warehouses']} warehouses × {facts['categories']} "
        f"categories; {facts['units_sold'] / 1e5:,.1f} lakh units sold."
    )
    return Finding(text, facts)


def placement_finding(lanes) -> Finding:
    """The region whose orders lose most days when shipped from its farthest warehouse."""
    home = np.diag(lanes.days)
    far = lanes.days.max(axis=0)
    j = int(np.argmax(far - home))
    src = int(np.argmax(lanes.days[:, j]))
    facts = {
        "region": lanes.names[j],
        "home_days": float(home[j]),
        "far_source": lanes.names[src],
        "far_days": float(lanes.days[src, j]),
        "extra_cost": float(lanes.cost[src, j] - lanes.cost[j, j]),
    }
    text = (
        f"An order from the **{facts['region']}** warehouse's region arrives in "
        f"{facts['home_days']:.1f} days on average from its home warehouse, but in "
        f"{facts['far_days']:.1f} days from {facts['far_source']}, at "
        f"{format_inr(facts['extra_cost'])} more shipping per unit."
    )
    return Finding(text, facts)


def diwali_windows(demand: pd.DataFrame) -> pd.Series:
    """True on rows inside a Diwali shopping window (12 days before Diwali)."""
    dates = pd.to_datetime(demand["date"])
    t = festival_table()
    mask = pd.Series(False, index=demand.index)
    for _, r in t[t["event"] == "diwali"].iterrows():
        mask |= (dates >= r["window_start"]) & (dates <= r["window_end"])
    return mask


def censoring_finding(demand: pd.DataFrame, before: str = "2025-10-09") -> Finding:
    """How often sales were censored, overall and before Diwali, and what that hid."""
    d = demand[pd.to_datetime(demand["date"]) < pd.Timestamp(before)]
    out, win = sold_out(d), diwali_windows(d)
    in_win = d[win]
    facts = {
        "sold_out_share": float(out.mean()),
        "diwali_sold_out_share": float(out[win].mean()),
        "other_sold_out_share": float(out[~win].mean()),
        "diwali_hidden_share": float(
            1 - in_win["units_sold"].sum() / in_win["units_demanded"].sum()
        ),
    }
    ratio = facts["diwali_sold_out_share"] / max(facts["other_sold_out_share"], 1e-9)
    facts["ratio"] = float(ratio)
    text = (
        f"{format_pct(facts['sold_out_share'])} of all warehouse-category days sold out, but "
        f"{format_pct(facts['diwali_sold_out_share'])} of the days in Diwali's shopping windows "
        f"({ratio:,.1f}× as often). There, sales understate true demand by "
        f"{format_pct(facts['diwali_hidden_share'])}: a forecast trained on sales learns the shelf, "
        "not the shopper."
    )
    return Finding(text, facts)


def backtest_finding(bt: Backtest) -> Finding:
    s = bt.scores()
    best = str(s["wape"].idxmin())
    facts = {
        "best": best,
        "best_wape": float(s.loc[best, "wape"]),
        "baseline_wape": float(s.loc[bt.baseline, "wape"]),
        "origins": int(bt.forecasts["origin"].nunique()),
    }
    facts["fva"] = facts["baseline_wape"] - facts["best_wape"]
    text = (
        f"Over {facts['origins']} origins, **{best}** missed least: WAPE "
        f"{format_pct(facts['best_wape'])}, against {format_pct(facts['baseline_wape'])} for the "
        f"seasonal-naive baseline"
        + (
            f", a forecast value added of {100 * facts['fva']:.1f} WAPE points."
            if best != bt.baseline
            else ": no model beat the baseline here."
        )
    )
    return Finding(text, facts)


def slowest_series(demand: pd.DataFrame, before: str = "2025-10-09") -> tuple[str, str]:
    """(warehouse, category) with the fewest units sold in the 8 weeks before ``before``."""
    d = demand.assign(date=pd.to_datetime(demand["date"]))
    last = d[(d["date"] < before) & (d["date"] >= pd.Timestamp(before) - pd.Timedelta(days=56))]
    key = last.groupby(["warehouse", "category"])["units_sold"].sum().idxmin()
    return str(key[0]), str(key[1])


def mape_finding(demand: pd.DataFrame, before: str = "2025-10-09") -> Finding:
    """MAPE against WAPE of the seasonal-naive forecast on the slowest seller, last 4 weeks."""
    w, c = slowest_series(demand, before)
    rows = demand[(demand["warehouse"] == w) & (demand["category"] == c)]
    origin = pd.Timestamp(before) - pd.Timedelta(days=28)
    bt = backtest(rows, {"seasonal naive": B.seasonal_naive}, [origin], 28, actual="units_sold")
    a, f = bt.forecasts["actual"], bt.forecasts["forecast"]
    facts = {
        "warehouse": w,
        "category": c,
        "mean_daily": float(a.mean()),
        "zero_days": int((a == 0).sum()),
        "mape": metrics.mape(a, f),
        "wape": metrics.wape(a, f),
    }
    mape_text = (
        "undefined (a day with no sales divides by zero)"
        if not np.isfinite(facts["mape"])
        else format_pct(facts["mape"])
    )
    text = (
        f"Your slowest seller is {c} at {w} ({facts['mean_daily']:.1f} units a day, "
        f"{facts['zero_days']} days with no sale in 4 weeks). For the seasonal-naive forecast, "
        f"MAPE is {mape_text}, WAPE {format_pct(facts['wape'])}."
    )
    return Finding(text, facts)


def diwali_week(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The 7 days before Diwali (the peak of the shopping window)."""
    t = festival_table()
    d = t[(t["event"] == "diwali") & (t["date"].dt.year == year)]["date"].iloc[0]
    return d - pd.Timedelta(days=7), d - pd.Timedelta(days=1)


def diwali_week_backtest(
    demand: pd.DataFrame, year: int = 2024, category: str = "electronics", methods=None
) -> Backtest:
    """Each method's forecast of ``category`` (all warehouses) for Diwali week of ``year``, made
    four weeks before it, scored against true demand."""
    lo, hi = diwali_week(year)
    origin = lo - pd.Timedelta(days=28)
    rows = demand[demand["category"] == category]
    bt = backtest(rows, methods or standard_methods(), [origin], 35)
    f = bt.forecasts
    return Backtest(f[(f["date"] >= lo) & (f["date"] <= hi)].reset_index(drop=True), bt.baseline)


def diwali_finding(bt: Backtest) -> Finding:
    s = bt.scores()
    best = str(s["wape"].idxmin())
    facts = {
        "best": best,
        "best_wape": float(s.loc[best, "wape"]),
        "same_week_wape": float(s.loc["same week last year", "wape"]),
        "same_week_bias": float(s.loc["same week last year", "bias"]),
    }
    lean = direction(facts["same_week_bias"], up="over", down="under", flat="on")
    text = (
        f"In Diwali week, **{best}** came closest (WAPE {format_pct(facts['best_wape'])}). "
        f"'Same week last year' missed by {format_pct(facts['same_week_wape'])} and leaned "
        f"{lean} true demand: it looked at an ordinary week, because Diwali moved."
    )
    return Finding(text, facts)


def quantile_finding(demand: pd.DataFrame, p50: pd.DataFrame, p90: pd.DataFrame) -> Finding:
    """How often true demand stayed under the P90 forecast, and each quantile's pinball loss."""
    truth = to_panel(demand, "units_demanded").reindex(index=p90.index, columns=p90.columns)
    a, q50, q90 = (x.to_numpy(dtype=float).ravel() for x in (truth, p50, p90))
    facts = {
        "coverage_p90": float((a <= q90).mean()),
        "pinball_p50": metrics.pinball(a, q50, 0.5),
        "pinball_p90": metrics.pinball(a, q90, 0.9),
        "series_days": int(a.size),
    }
    aim = direction(facts["coverage_p90"] - 0.9, up="more", down="less", flat="exactly as")
    text = (
        f"Over the season's {facts['series_days']:,} warehouse-category days, true demand "
        f"stayed at or under the P90 forecast on {format_pct(facts['coverage_p90'])} of them "
        f"({aim} often than the 90 % a P90 promises). Pinball loss: "
        f"{facts['pinball_p50']:,.1f} units a day at P50, {facts['pinball_p90']:,.1f} at P90."
    )
    return Finding(text, facts)


def newsvendor_finding(season, warehouse: str, category: str) -> Finding:
    from scipy import stats

    w, c = season.warehouses.index(warehouse), season.categories.index(category)
    cu, co = (float(x[w, c]) for x in season.costs())
    ratio = cu / (cu + co)
    mu, sd = float(season.forecast_mu[w, c]), float(season.forecast_sd[w, c])
    q = mu + sd * float(stats.norm.ppf(ratio))
    facts = {"cu": cu, "co": co, "ratio": ratio, "mu": mu, "sd": sd, "q": q}
    more = direction(q - mu, up="above", down="below", flat="at")
    text = (
        f"For {category} at {warehouse}: a unit short costs {format_inr(cu)} (margin plus "
        f"goodwill), a unit left over {format_inr(co)} (cost after markdown plus holding). "
        f"Stock to a {ratio:.0%} chance of not running out: {q:,.0f} units, {more} the "
        f"forecast's {mu:,.0f}."
    )
    return Finding(text, facts)


def policy_finding(comparison) -> Finding:
    t = comparison.table()
    a, c = t.loc["anticipatory"], t.loc["central"]
    facts = {
        "best_margin": comparison.best("margin (₹)"),
        "margin_gap_vs_central": float(a["margin (₹)"] - c["margin (₹)"]),
        "days_saved_vs_central": float(c["avg delivery days"] - a["avg delivery days"]),
        "co2_saved_vs_central": float(c["CO₂ (kg)"] - a["CO₂ (kg)"]),
    }
    more = direction(facts["margin_gap_vs_central"], up="more", down="less", flat="the same")
    faster = direction(facts["days_saved_vs_central"], up="faster", down="slower", flat="as fast")
    text = (
        f"Placing stock near customers from the forecast earned "
        f"{format_inr_compact(abs(facts['margin_gap_vs_central']))} {more} margin than one "
        f"central warehouse, delivered {abs(facts['days_saved_vs_central']):.1f} days {faster} "
        f"on average, and {'saved' if facts['co2_saved_vs_central'] >= 0 else 'added'} "
        f"{abs(facts['co2_saved_vs_central']):,.0f} kg of CO₂. The policy with the highest "
        f"margin: **{facts['best_margin']}**."
    )
    return Finding(text, facts)


def without_data_science(comparison) -> Finding:
    t = comparison.table()
    a, m = t.loc["anticipatory"], t.loc["manual"]
    facts = {
        "extra_stockouts": float(m["stock-outs (units)"] - a["stock-outs (units)"]),
        "margin_lost": float(a["margin (₹)"] - m["margin (₹)"]),
        "extra_leftover_cost": float(m["markdown (₹)"] - a["markdown (₹)"]),
    }
    more = direction(facts["extra_stockouts"], up="more", down="fewer", flat="as many")
    lost = direction(facts["margin_lost"], up="gives up", down="earns", flat="matches")
    text = (
        f"The manual plan (the last four weeks × 1.5) runs out on "
        f"{abs(facts['extra_stockouts']):,.0f} {more} units than the forecast-based placement "
        f"and {lost} {format_inr_compact(abs(facts['margin_lost']))} of margin over the season."
    )
    return Finding(text, facts)


def disruption_finding(storm) -> Finding:
    facts = {
        "heavy_days": storm.heavy_rain_days,
        "kept_wait": storm.kept_no_reroute,
        "kept_reroute": storm.kept_reroute,
        "extra_shipping": storm.extra_shipping,
        "extra_co2": storm.extra_co2_kg,
    }
    if storm.heavy_rain_days == 0:
        text = (
            f"Your wettest {storm.warehouse} week (from {storm.start:%d %b}) had no day above "
            "64.5 mm, so no lane slowed: every promise was kept either way."
        )
        return Finding(text, facts)
    text = (
        f"The wettest week at {storm.warehouse} (from {storm.start:%d %b %Y}) had "
        f"{storm.heavy_rain_days} heavy-rain day(s). Waiting kept "
        f"{format_pct(storm.kept_no_reroute)} of delivery promises; rerouting from the "
        f"next-nearest warehouse kept {format_pct(storm.kept_reroute)}, for "
        f"{format_inr(storm.extra_shipping)} more shipping and {storm.extra_co2_kg:,.0f} kg more CO₂."
    )
    return Finding(text, facts)
