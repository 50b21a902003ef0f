"""Only true things (Lesson 2): every sentence the lesson, its charts' titles and its model answers
state about the data is checked, for each learner seed of ``truth_seed``, against an independent
computation (plain pandas, DuckDB SQL, statsmodels or scipy), never against the function that
wrote the sentence.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import data
from pm_toolkit import metrics as m
from pm_toolkit.course import metrics as course
from pm_toolkit.data.scales import FESTIVE_END, FESTIVE_START
from pm_toolkit.exercises import LearnerContext
from pm_toolkit.metrics import charts, story

pytestmark = pytest.mark.slow
TZ = "Asia/Kolkata"


@cache
def world(seed: int) -> dict:
    sessions_raw = data.load("sessions", scale="small", seed=seed)
    events_raw = data.load("events", scale="small", seed=seed)
    traffic = m.human_traffic(sessions_raw, events_raw)
    return {
        "seed": seed,
        "sessions_raw": sessions_raw,
        "events_raw": events_raw,
        "traffic": traffic,
        "sessions": traffic.sessions,
        "events": traffic.events,
        "orders": data.load("orders", scale="small", seed=seed),
    }


@pytest.fixture
def w(truth_seed) -> dict:
    return world(truth_seed)


def converted(sessions: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    return sessions["session_id"].isin(set(orders["session_id"]))


# --------------------------------------------------------------------------- which orders count


def test_status_sentence(w):
    o = w["orders"]
    f = story.status_finding(o)
    sql = data.sql(
        "SELECT AVG(CASE WHEN status = 'delivered' THEN 1.0 ELSE 0 END) AS share, "
        "SUM(net_value) AS placed, SUM(net_value) FILTER (WHERE status = 'delivered') AS sold "
        "FROM orders",
        scale="small",
        seed=w["seed"],
    )
    assert f.facts["sale_share"] == pytest.approx(sql["share"][0])
    assert f.facts["placed_value"] > f.facts["sales_value"]  # "… too much"
    assert f.facts["sales_value"] == pytest.approx(sql["sold"][0])


def test_per_visitor_is_higher_and_bots_do_not_cart(w):
    s, o = w["sessions"], w["orders"]
    assert m.conversion_rate(s, o, per="visitor").value > converted(s, o).mean()
    raw, clean = w["events_raw"], w["events"]

    def abandonment(e):
        carts = set(e.loc[e["event_type"] == "add_to_cart", "session_id"])
        buys = set(e.loc[e["event_type"] == "purchase", "session_id"])
        return 1 - len(carts & buys) / len(carts)

    assert abandonment(raw) == pytest.approx(abandonment(clean))  # "SQL over raw events agrees"


# --------------------------------------------------------------------------- devices and baskets


def test_device_sentence_and_calibration(w):
    s, o = w["sessions"], w["orders"]
    rate = converted(s, o).groupby(s["device"]).mean()
    share = s["device"].value_counts(normalize=True)
    f = story.device_finding(m.breakdown(s, o, "device"))
    assert f.facts["best"] == rate.idxmax() and f.facts["worst"] == rate.idxmin()
    assert f.facts["biggest"] == share.idxmax()
    assert f.facts["biggest_is_worst"] == (share.idxmax() == rate.idxmin())
    # the lesson says the data is tuned to the benchmarks' range of mobile vs desktop
    assert 0.33 <= rate["mobile_web"] / rate["desktop"] <= 0.7


def test_festive_basket_sentence(w):
    o = w["orders"]
    sales = o[o["status"] == "delivered"]
    day = sales["order_ts"].dt.tz_convert(TZ).dt.date
    fest = (day >= FESTIVE_START) & (day <= FESTIVE_END)
    f = story.festive_aov_finding(o, FESTIVE_START, FESTIVE_END)
    per_day_sale = fest.sum() / 7
    per_day_other = (~fest).sum() / (day.nunique() - 7)
    assert ("more" in f.text) == (per_day_sale > per_day_other)
    change = sales.loc[fest, "net_value"].mean() / sales.loc[~fest, "net_value"].mean() - 1
    assert f.facts["aov_change"] == pytest.approx(change)
    word = "about the same" if abs(change) < 0.05 else ("bigger" if change > 0 else "smaller")
    assert word in f.text


def test_cart_device_sentence(w):
    e, s = w["events"], w["sessions"]
    carts = e.loc[e["event_type"] == "add_to_cart", "session_id"].drop_duplicates()
    buys = set(e.loc[e["event_type"] == "purchase", "session_id"])
    device = s.set_index("session_id")["device"]
    lost = (~carts.isin(buys)).groupby(carts.map(device).to_numpy()).mean()
    sql = data.sql(
        """WITH carts AS (SELECT DISTINCT session_id FROM events WHERE event_type = 'add_to_cart'),
        buys AS (SELECT DISTINCT session_id FROM events WHERE event_type = 'purchase')
        SELECT s.device, COUNT(*) AS cart_sessions,
               1 - COUNT(b.session_id) / COUNT(*) AS cart_abandonment
        FROM carts c JOIN sessions s USING (session_id) LEFT JOIN buys b USING (session_id)
        GROUP BY s.device""",
        scale="small",
        seed=w["seed"],
    )
    assert story.cart_device_finding(sql).facts["worst_device"] == lost.idxmax()


# --------------------------------------------------------------------------- speed and bounce


def test_load_cost_sentence_and_model_answer_match_statsmodels(w):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    s, o = w["sessions"], w["orders"]
    frame = s.assign(y=converted(s, o).astype(float), t=s["page_load_ms"] / 1000)
    frame["tier"] = frame["city_tier"].astype(str)
    fam = sm.families.Poisson()
    naive = smf.glm("y ~ t", frame, family=fam).fit(cov_type="HC0")
    fair = smf.glm("y ~ t + C(device) + C(tier)", frame, family=fam).fit(cov_type="HC0")
    k_naive = -naive.params["t"]
    lo, hi = sorted(-fair.conf_int().loc["t"])
    inflated = k_naive > hi
    ours_naive = m.load_time_sensitivity(s, o)
    ours_fair = m.load_time_sensitivity(s, o, adjust_for=("device", "city_tier"))
    assert story.load_sensitivity_finding(ours_naive, ours_fair).facts["naive_inflated"] == inflated
    expected = (
        course.LOAD_LESS if inflated else (course.LOAD_MORE if k_naive < lo else course.LOAD_SAME)
    )
    assert course.load_cost_reading(ours_naive, ours_fair) == expected


def test_speed_chart_titles_state_only_what_holds(w):
    s, o = w["sessions"], w["orders"]
    y = converted(s, o)
    band = pd.cut(s["page_load_ms"], list(charts.LESSON_LOAD_EDGES), right=False)
    every = True
    for device in s["device"].unique():
        mine = s["device"] == device
        cells = y[mine].groupby(band[mine], observed=True).agg(["mean", "size"])
        cells = cells[cells["size"] >= 100]
        every &= cells["mean"].iloc[-1] < cells["mean"].iloc[0]
    assert charts.slowest_band_converts_least(charts.load_bands_by_device(s, o)) == every


def test_bounce_lever_sentence(w):
    s, e = w["sessions"], w["events"]
    single = e.groupby("session_id").size().reindex(s["session_id"]).eq(1).to_numpy()
    by_landing = pd.Series(single).groupby(s["landing_page"].to_numpy()).mean()
    spread = by_landing.max() - by_landing.min()
    edges = [0, 1000, 1500, 2000, 3000, 4000, math.inf]
    band = pd.cut(s["page_load_ms"], edges, right=False).to_numpy()
    climbs = []
    for device in s["device"].unique():
        mine = (s["device"] == device).to_numpy()
        cells = pd.Series(single[mine]).groupby(band[mine], observed=True).agg(["mean", "size"])
        cells = cells[cells["size"] >= 100]["mean"]
        climbs.append(cells.iloc[-1] - cells.iloc[0])
    by_load, finding = story.bounce_lever(s, e)
    assert finding.facts["landing_spread"] == pytest.approx(spread)
    assert finding.facts["speed_wins"] == (max(climbs) > spread)
    assert charts.bounce_rises_on_every_device(by_load) == all(c > 0 for c in climbs)


def test_tail_sentence(w):
    s = w["sessions"]
    p95 = {
        k: np.percentile(g.to_numpy(dtype=float), 95)
        for k, g in s.groupby(["device", "city_tier"])["page_load_ms"]
    }
    slowest = max(p95, key=p95.get)
    _, f = story.tail_finding(s)
    assert f.facts["slowest_device"] == slowest[0]
    per_dev = pd.Series(p95).groupby(level=0).agg(["min", "max"])
    decides = (per_dev["max"] - per_dev["min"]).max() < per_dev["max"].max() - per_dev["max"].min()
    assert f.facts["device_decides"] == decides


# --------------------------------------------------------------------------- segments and traps


def test_cod_sentence(w):
    o = w["orders"]
    f = story.cod_finding(o)
    cod = o["payment_method"] == "cod"
    assert f.facts["cod_rto"] == pytest.approx((o.loc[cod, "status"] == "rto").mean())
    assert f.facts["prepaid_rto"] == pytest.approx((o.loc[~cod, "status"] == "rto").mean())


def test_simpson_sentence_chart_and_model_answer(w):
    s, o = w["sessions"], w["orders"]
    ts = s["start_ts"]
    month = ts.dt.tz_convert(TZ).dt.month
    y = converted(s, o)
    sep, octo = month == 9, month == 10
    rate = {
        mo: y[mask].groupby(s.loc[mask, "device"]).mean() for mo, mask in ((9, sep), (10, octo))
    }
    share = {
        mo: s.loc[mask, "device"].value_counts(normalize=True)
        for mo, mask in ((9, sep), (10, octo))
    }
    up = int((rate[10] > rate[9]).sum())
    total_change = y[octo].mean() - y[sep].mean()
    shift = course.simpson_table(LearnerContext(scale="small", seed=w["seed"]))
    f = story.simpson_finding(shift)
    assert f.facts["devices_up"] == up
    assert f.facts["change"] == pytest.approx(total_change)
    assert ("fell" in f.text) == (total_change < 0)
    assert f.facts["paradox"] == (up == 3 and total_change < 0)
    assert f.facts["within"] + f.facts["mix"] == pytest.approx(total_change)
    # the lesson's premise: October's campaigns pull in far more mobile-web traffic
    assert share[10]["mobile_web"] > share[9]["mobile_web"] + 0.3
    # the exercise's answer follows the table
    if up == 3 and f.facts["mix"] < 0:
        assert course.simpson_reading(shift) == course.SIMPSON_MIX


def test_bots_sentence(w):
    t, o, raw = w["traffic"], w["orders"], w["sessions_raw"]
    bots = raw[raw["customer_id"].isna()]
    f = story.bots_finding(t, o, raw)
    assert f.facts["bot_device"] == bots["device"].mode()[0]
    assert f.facts["bot_orders"] == int(o["session_id"].isin(set(bots["session_id"])).sum())
    assert t.bot_event_share > t.bot_sessions / t.raw_sessions  # "x% of sessions but y% of events"


def test_ratio_and_dashboard_average_traps(w):
    s, o = w["sessions"], w["orders"]
    sales = o[o["status"] == "delivered"]
    f = story.ratio_trap_finding(o)
    assert f.facts["aov"] == pytest.approx(sales["net_value"].mean())
    assert f.facts["aov"] != pytest.approx(f.facts["mean_of_daily"])  # "different number"
    day = s["start_ts"].dt.tz_convert(TZ).dt.date
    y = converted(s, o)
    mean_of_days = y.groupby(day).mean().mean()
    d = story.daily_average_trap(s, o)
    assert d.facts["mean_of_days"] == pytest.approx(mean_of_days)
    assert ("higher" in d.text) == (mean_of_days > y.mean())


def test_sale_week_sentence_and_memo_match_statsmodels(w):
    from statsmodels.stats.proportion import confint_proportions_2indep

    s, e, o = w["sessions"], w["events"], w["orders"]
    day = s["start_ts"].dt.tz_convert(TZ).dt.date
    y = converted(s, o)
    before = (day >= FESTIVE_START - pd.Timedelta(days=7)) & (day < FESTIVE_START)
    sale = (day >= FESTIVE_START) & (day <= FESTIVE_END)
    lo, hi = confint_proportions_2indep(
        y[sale].sum(), sale.sum(), y[before].sum(), before.sum(), method="wald"
    )
    week = story.sale_week(s, e, o, FESTIVE_START, FESTIVE_END)
    assert week.sessions_growth == pytest.approx(sale.sum() / before.sum() - 1)
    assert (week.ci_low, week.ci_high) == pytest.approx((lo, hi), abs=1e-9)
    verdict = "significantly higher" if lo > 0 else ("significantly lower" if hi < 0 else "not")
    assert week.verdict.startswith(verdict)
    key = course.memo_key(week)
    assert (key.call == course.MEMO_FUNNEL) == (lo > 0)
    assert (course.MEMO_NOISE in key.evidence) == (lo <= 0 <= hi)
    assert week.finding.text in course.memo_text(week)


def test_tool_trap_sentences(w):
    e, s, o = w["events"], w["sessions"], w["orders"]
    carts = e[e["event_type"] == "add_to_cart"]
    f = story.totals_vs_uniques(e)
    assert (f.facts["totals"], f.facts["uniques"]) == (len(carts), carts["session_id"].nunique())
    ret = m.cohort_retention(o, period="W")
    u = story.unseen_cohort_cells(ret)
    assert u.facts["blank_cells"] == int(ret.isna().sum().sum())
    ch = m.breakdown(s, o, "channel")
    small = story.smallest_segment(ch, "channel")
    assert small.facts["segment"] == s["channel"].value_counts().idxmin()
    from statsmodels.stats.proportion import proportion_confint

    n = int((s["channel"] == small.facts["segment"]).sum())
    k = int(converted(s, o)[s["channel"] == small.facts["segment"]].sum())
    lo, hi = proportion_confint(k, n, method="normal")
    assert small.facts["half_width"] == pytest.approx((hi - lo) / 2)


def test_retention_sentence(w):
    ret = m.cohort_retention(w["orders"], period="W")
    later = ret.iloc[:, 1:9].to_numpy(dtype=float)
    assert story.retention_finding(ret).facts["mean_weekly_return"] == pytest.approx(
        later[~np.isnan(later)].mean()
    )


# --------------------------------------------------------------------------- exercises' decisions


def test_device_to_fix_answer(w):
    s, o = w["sessions"], w["orders"]
    rate = converted(s, o).groupby(s["device"]).mean()
    n = s["device"].value_counts()
    gain = n * (rate.max() - rate) / 2
    ctx = LearnerContext(scale="small", seed=w["seed"])
    assert course._device_to_fix(ctx) == course.DEVICE_OPTIONS[gain.idxmax()]


def test_dashboard_sentence(w):
    s, o = w["sessions"], w["orders"]
    dash = m.metrics_dashboard(s, o)
    view = dash.update(device="mobile_web").result
    mine = converted(s, o)[s["device"] == "mobile_web"].mean()
    everyone = converted(s, o).mean()
    assert view.conversion_rate == pytest.approx(mine)
    if abs(mine / everyone - 1) >= 0.05:
        assert ("worse" in view.finding) == (mine < everyone)
