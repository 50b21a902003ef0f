"""Tests for pm_toolkit.metrics: hand-computed small examples, closed forms, and the data world."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import metrics as m

IST = "Asia/Kolkata"


# --------------------------------------------------------------------------- small frames


@pytest.fixture
def shop() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six sessions from four visitors, four orders (one cancelled, two in one session)."""
    sessions = pd.DataFrame(
        {
            "session_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "customer_id": ["a", "a", "b", "c", "d", None],
            "device": ["app", "app", "mobile_web", "mobile_web", "desktop", "mobile_web"],
            "start_ts": pd.to_datetime(
                [
                    "2026-10-01 10:00",
                    "2026-10-02 11:00",
                    "2026-10-01 12:00",
                    "2026-10-02 09:00",
                    "2026-10-02 20:00",
                    "2026-10-02 21:00",
                ]
            ).tz_localize(IST),
            "page_load_ms": [800.0, 1200.0, 2500.0, 4200.0, 900.0, 7000.0],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "customer_id": ["a", "a", "b", "d"],
            "session_id": ["s1", "s1", "s3", "s5"],
            "order_ts": pd.to_datetime(
                ["2026-10-01 10:05", "2026-10-01 10:09", "2026-10-01 12:30", "2026-10-02 20:10"]
            ).tz_localize(IST),
            "payment_method": ["upi", "upi", "cod", "card"],
            "gross_value": [1200.0, 400.0, 900.0, 2000.0],
            "discount": [200.0, 0.0, 0.0, 500.0],
            "net_value": [1000.0, 400.0, 900.0, 1500.0],
            "status": ["delivered", "returned", "cancelled", "delivered"],
        }
    )
    return sessions, orders


# --------------------------------------------------------------------------- conversion


def test_conversion_per_session_counts_converting_sessions_not_orders(shop):
    sessions, orders = shop
    r = m.conversion_rate(sessions, orders)
    # s1 (two orders, counted once), s3, s5 -> 3 of 6 sessions
    assert (r.numerator, r.denominator) == (3, 6)
    assert r.value == pytest.approx(0.5)


def test_conversion_per_visitor_uses_distinct_customers(shop):
    sessions, orders = shop
    r = m.conversion_rate(sessions, orders, per="visitor")
    # visitors a, b, c, d + one anonymous session = 5; buyers a, b, d = 3
    assert (r.numerator, r.denominator) == (3, 5)
    assert r.value > m.conversion_rate(sessions, orders).value


def test_conversion_can_exclude_cancelled_orders(shop):
    sessions, orders = shop
    r = m.conversion_rate(sessions, orders, exclude_statuses=("cancelled",))
    assert (r.numerator, r.denominator) == (2, 6)


def test_conversion_ignores_orders_from_sessions_not_given(shop):
    sessions, orders = shop
    r = m.conversion_rate(sessions[sessions["device"] == "app"], orders)
    assert (r.numerator, r.denominator) == (1, 2)


def test_conversion_rejects_unknown_unit(shop):
    with pytest.raises(ValueError, match="per must be 'session' or 'visitor'"):
        m.conversion_rate(*shop, per="customer")


def test_missing_column_error_names_the_column(shop):
    sessions, orders = shop
    with pytest.raises(ValueError, match=r"\['session_id'\]"):
        m.conversion_rate(sessions.drop(columns="session_id"), orders)


# --------------------------------------------------------------------------- AOV


def test_aov_is_net_revenue_over_sales_only(shop):
    _, orders = shop
    r = m.average_order_value(orders)
    # o1 and o4 were delivered and kept; o2 was returned (refunded), o3 cancelled
    assert (r.numerator, r.denominator) == (2500.0, 2)
    assert r.value == pytest.approx(1250.0)
    assert r.unit == "₹" and r.notes == ()


def test_aov_gross_and_with_every_placed_order_differ(shop):
    _, orders = shop
    assert m.average_order_value(orders, value="gross_value").value == pytest.approx(3200 / 2)
    assert m.average_order_value(orders, exclude_statuses=()).value == pytest.approx(3800 / 4)


def test_aov_ratio_of_sums_differs_from_mean_of_daily_aov(shop):
    _, orders = shop
    kept = ("cancelled",)  # returned o2 kept in, so the two days differ in size
    sales = orders[orders["status"] != "cancelled"]
    daily = sales.groupby(sales["order_ts"].dt.date)["net_value"].mean()
    assert daily.mean() == pytest.approx((700 + 1500) / 2)  # each day weighs the same
    ratio = m.average_order_value(orders, exclude_statuses=kept).value
    assert ratio == pytest.approx(2900 / 3) and ratio != pytest.approx(daily.mean())


def test_the_definition_of_a_sale_lives_in_one_place():
    from pm_toolkit.metrics import definitions

    assert set(m.NOT_A_SALE) | {m.SALE_STATUS} == set(m.ORDER_STATUSES)
    assert m.SALE_STATUS not in m.NOT_A_SALE
    # every revenue metric defaults to it
    import inspect

    for fn in (m.average_order_value, m.repeat_purchase_rate, m.cohort_ltv, m.cohort_retention):
        default = inspect.signature(fn).parameters["exclude_statuses"].default
        assert default == definitions.NOT_A_SALE, fn.__name__


# --------------------------------------------------------------------------- LTV


def test_discounted_ltv_matches_gupta_lehmann_oracle():
    assert m.discounted_ltv(100, 0.8, 0.10) == pytest.approx(266.6667, abs=1e-4)


def test_discounted_ltv_equals_the_infinite_sum():
    mgn, r, i = 250.0, 0.65, 0.12
    t = np.arange(1, 400)
    assert m.discounted_ltv(mgn, r, i) == pytest.approx(np.sum(mgn * r**t / (1 + i) ** t))
    t0 = np.arange(0, 400)
    assert m.discounted_ltv(mgn, r, i, include_first=True) == pytest.approx(
        np.sum(mgn * r**t0 / (1 + i) ** t0)
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retention": 1.0}, "retention must be in"),
        ({"retention": -0.1}, "retention must be in"),
        ({"discount_rate": -1.5}, "discount_rate must be > -1"),
        ({"retention": 0.9, "discount_rate": -0.2}, "sum never ends"),
    ],
)
def test_discounted_ltv_rejects_impossible_inputs(kwargs, message):
    args = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(ValueError, match=message):
        m.discounted_ltv(**args)


def test_simple_ltv_is_the_product():
    assert m.simple_ltv(1000, 2, 3, 0.3) == pytest.approx(1800)
    with pytest.raises(ValueError, match="gross_margin"):
        m.simple_ltv(1000, 2, 3, 30)


def test_cohort_ltv_cumulates_value_per_cohort_customer():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "c"],
            "status": ["delivered", "delivered", "delivered", "delivered", "cancelled"],
            "net_value": [100.0, 50.0, 300.0, 80.0, 999.0],
            "order_ts": pd.to_datetime(
                ["2026-01-05", "2026-01-20", "2026-01-06", "2026-01-13", "2026-01-14"]
            ).tz_localize(IST),
        }
    )
    ltv = m.cohort_ltv(orders, period="W", gross_margin=0.5)
    # cohort week of Jan 5: a and b; week 0: (100 + 300)/2 * .5 = 100; week 2: + 50/2*.5
    first = ltv.iloc[0]
    assert first[0] == pytest.approx(100.0)
    assert first[1] == pytest.approx(100.0)
    assert first[2] == pytest.approx(112.5)
    # cohort week of Jan 12 (c) has seen only ages 0 and 1
    second = ltv.iloc[1]
    assert second[0] == pytest.approx(40.0)
    assert math.isnan(second[2])


def test_cohort_retention_shares_and_unseen_cells():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "d", "d"],
            "status": ["delivered"] * 6,
            "order_ts": pd.to_datetime(
                [
                    "2026-01-05",
                    "2026-01-20",
                    "2026-01-06",
                    "2026-01-07",
                    "2026-01-14",
                    "2026-01-21",
                ]
            ),
        }
    )
    ret = m.cohort_retention(orders)
    # week of Jan 5: a, b, c; a comes back in week 2 -> 1/3
    assert ret.iloc[0].tolist() == pytest.approx([1.0, 0.0, 1 / 3])
    # week of Jan 12: d, back in week 1; week 2 not observed yet
    assert ret.iloc[1, 0] == 1.0 and ret.iloc[1, 1] == 1.0 and math.isnan(ret.iloc[1, 2])


# --------------------------------------------------------------------------- cart, bounce, repeat


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        ("s1", "page_view"), ("s1", "product_view"), ("s1", "add_to_cart"),
        ("s1", "begin_checkout"), ("s1", "purchase"),
        ("s2", "page_view"),
        ("s3", "page_view"), ("s3", "product_view"), ("s3", "add_to_cart"),
        ("s4", "page_view"), ("s4", "product_view"), ("s4", "add_to_cart"),
        ("s4", "begin_checkout"),
        ("s5", "page_view"), ("s5", "product_view"),
        ("s6", "page_view"),
        ("s7", "purchase"),  # a purchase logged without a cart (tracking gap)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["session_id", "event_type"])


def test_cart_abandonment_counts_cart_sessions_without_purchase(events):
    r = m.cart_abandonment_rate(events)
    assert (r.numerator, r.denominator) == (2, 3)  # s3, s4 of s1, s3, s4


def test_bounce_rate_is_single_event_sessions(events):
    r = m.bounce_rate(events)
    assert (r.numerator, r.denominator) == (3, 7)  # s2, s6, s7
    sessions = pd.DataFrame({"session_id": [f"s{i}" for i in range(1, 9)]})
    r2 = m.bounce_rate(events, sessions)  # s8 has no events: a bounce too
    assert (r2.numerator, r2.denominator) == (4, 8)


def test_duplicated_events_hide_bounces(events):
    doubled = pd.concat([events, events[events["session_id"] == "s2"]])
    assert m.bounce_rate(doubled).numerator == 2


def test_repeat_purchase_rate_counts_sales_only(shop):
    _, orders = shop
    r = m.repeat_purchase_rate(orders)
    # buyers a (one sale: o2 was returned) and d; b only cancelled -> not a buyer
    assert (r.numerator, r.denominator) == (0, 2)
    placed = m.repeat_purchase_rate(orders, exclude_statuses=("cancelled",))
    assert (placed.numerator, placed.denominator) == (1, 2)  # the returned order counted


# --------------------------------------------------------------------------- funnel


def test_closed_funnel_counts_and_rates(events):
    f = m.funnel(events)
    assert f.table["sessions"].tolist() == [6, 4, 3, 2, 1]
    assert f.rate("add_to_cart") == pytest.approx(3 / 4)
    assert f.table["overall_rate"].iloc[-1] == pytest.approx(1 / 6)
    # overall = product of step rates
    assert np.prod(f.table["step_rate"].iloc[1:]) == pytest.approx(1 / 6)
    assert f.biggest_drop() == "purchase"


def test_open_funnel_counts_any_session_with_the_event(events):
    f = m.funnel(events, closed=False)
    assert f.table["sessions"].tolist() == [6, 4, 3, 2, 2]


@pytest.mark.parametrize("closed", [True, False])
def test_funnel_matches_a_crosstab_and_leaves_out_events_without_a_session(closed):
    rng = np.random.default_rng(7)
    steps = ["page_view", "product_view", "add_to_cart", "purchase"]
    ids = pd.array(rng.integers(0, 300, 3000), dtype="Int64")
    ids[rng.random(3000) < 0.05] = pd.NA
    e = pd.DataFrame({"session_id": ids, "event_type": rng.choice([*steps, "search"], 3000)})
    rel = e[e["event_type"].isin(steps)]
    want = pd.crosstab(rel["session_id"], rel["event_type"]).reindex(columns=steps).to_numpy() > 0
    if closed:
        want = np.logical_and.accumulate(want, axis=1)
    got = m.funnel(e, steps=steps, closed=closed).table["sessions"].tolist()
    assert got == want.sum(axis=0).tolist()


def test_funnel_needs_two_steps(events):
    with pytest.raises(ValueError, match="at least two steps"):
        m.funnel(events, steps=("page_view",))


# --------------------------------------------------------------------------- page load


def test_load_time_summary_matches_numpy(shop):
    sessions, _ = shop
    s = m.load_time_summary(sessions)
    x = sessions["page_load_ms"].to_numpy()
    assert s.mean_ms == pytest.approx(x.mean())
    for q in (50, 75, 90, 95, 99):
        assert s.p(q) == pytest.approx(np.percentile(x, q))
    assert s.p(95) > s.mean_ms > s.p(50)  # a long tail: mean above median


def test_conversion_by_load_time_buckets(shop):
    sessions, orders = shop
    t = m.conversion_by_load_time(sessions, orders, edges_ms=(0, 1000, 3000, math.inf))
    assert t["sessions"].tolist() == [2, 2, 2]
    assert t["converted"].tolist() == [2, 1, 0]
    assert list(t.index) == ["0–1 s", "1–3 s", "≥3 s"]


def test_load_time_sensitivity_recovers_a_planted_decay():
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(1,)))
    n, k = 30_000, 0.35
    load_ms = rng.gamma(2.0, 900.0, n)
    p = 0.06 * np.exp(-k * load_ms / 1000)
    sessions = pd.DataFrame({"session_id": np.arange(n), "page_load_ms": load_ms})
    orders = pd.DataFrame({"session_id": np.flatnonzero(rng.random(n) < p), "net_value": 1.0})
    eff = m.load_time_sensitivity(sessions, orders)
    assert eff.ci_low < k < eff.ci_high
    assert eff.pct_per_100ms == pytest.approx(1 - math.exp(-eff.k_per_s / 10))


def test_poisson_fit_matches_statsmodels_glm_with_robust_errors():
    import statsmodels.api as sm

    from pm_toolkit.metrics.speed import _poisson_fit

    rng = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(5,)))
    n = 5_000
    X = np.column_stack([np.ones(n), rng.gamma(2.0, 0.8, n), rng.random(n) < 0.4])
    y = (rng.random(n) < 0.05 * np.exp(-0.3 * X[:, 1] + 0.5 * X[:, 2])).astype(float)
    ours, ours_se = _poisson_fit(X, y)
    fit = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type="HC0")
    assert ours == pytest.approx(fit.params, abs=1e-8)
    assert ours_se == pytest.approx(fit.bse, rel=1e-6)


def test_load_time_sensitivity_adjustment_removes_segment_confounding():
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(2,)))
    n, k = 30_000, 0.2
    mobile = rng.random(n) < 0.5
    # mobile loads slower AND converts less for other reasons
    load_ms = rng.gamma(2.0, 600.0, n) + np.where(mobile, 1500.0, 0.0)
    p = np.where(mobile, 0.02, 0.05) * np.exp(-k * load_ms / 1000)
    sessions = pd.DataFrame(
        {
            "session_id": np.arange(n),
            "page_load_ms": load_ms,
            "device": np.where(mobile, "mobile_web", "desktop"),
        }
    )
    orders = pd.DataFrame({"session_id": np.flatnonzero(rng.random(n) < p), "net_value": 1.0})
    naive = m.load_time_sensitivity(sessions, orders)
    adjusted = m.load_time_sensitivity(sessions, orders, adjust_for=("device",))
    assert naive.ci_low > k  # confounded: overstates the speed effect
    assert adjusted.ci_low < k < adjusted.ci_high


# --------------------------------------------------------------------------- segments


def test_breakdown_by_session_segment(shop):
    sessions, orders = shop
    t = m.breakdown(sessions, orders, "device")
    assert t.loc["app", "conversion_rate"] == pytest.approx(1 / 2)
    assert t.loc["mobile_web", "conversion_rate"] == pytest.approx(1 / 3)  # s3 (cancelled) counts
    assert t.loc["mobile_web", "revenue"] == 0.0  # ...but not its revenue
    assert t.loc["app", "aov"] == pytest.approx(1000.0)  # o2 was returned: not a sale
    assert t["sessions"].sum() == len(sessions)
    assert t["share_of_sessions"].sum() == pytest.approx(1.0)


def test_breakdown_by_order_segment(shop):
    sessions, orders = shop
    t = m.breakdown(sessions, orders, "payment_method")
    assert t.loc["cod", "cancelled_share"] == 1.0
    assert math.isnan(t.loc["cod", "aov"])
    assert t.loc["upi", "aov"] == pytest.approx(1000.0)
    assert t.loc["upi", "returned_share"] == pytest.approx(0.5)


def test_breakdown_unknown_column_is_explained(shop):
    with pytest.raises(ValueError, match="neither a sessions column"):
        m.breakdown(*shop, by="pin_code")


def test_segment_rates_weighted_by_share_give_the_total(shop):
    sessions, orders = shop
    t = m.breakdown(sessions, orders, "device")
    total = (t["share_of_sessions"] * t["conversion_rate"]).sum()
    assert total == pytest.approx(m.conversion_rate(sessions, orders).value)


def _mix_frames(seed: int):
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))
    n = 4000
    day = rng.integers(0, 20, n)
    device = rng.choice(["app", "desktop", "mobile_web"], n)
    sessions = pd.DataFrame(
        {
            "session_id": np.arange(n),
            "device": device,
            "start_ts": pd.Timestamp("2026-10-01", tz=IST) + pd.to_timedelta(day, unit="D"),
        }
    )
    orders = pd.DataFrame({"session_id": np.flatnonzero(rng.random(n) < 0.05), "net_value": 1.0})
    return sessions, orders


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mix_shift_decomposition_adds_up(seed):
    sessions, orders = _mix_frames(seed)
    ms = m.mix_shift(sessions, orders, "device", "2026-10-11")
    assert ms.within + ms.mix == pytest.approx(ms.change)
    cr = m.conversion_rate
    before = sessions[sessions["start_ts"] < pd.Timestamp("2026-10-11", tz=IST)]
    assert ms.before == pytest.approx(cr(before, orders).value)


def test_mix_shift_flags_simpsons_paradox():
    # desktop converts 10% -> 12%, mobile web 2% -> 3%, but traffic moves to mobile web
    rows = []
    for period, dev, n, conv in [
        ("2026-10-01", "desktop", 800, 80), ("2026-10-01", "mobile_web", 200, 4),
        ("2026-10-20", "desktop", 200, 24), ("2026-10-20", "mobile_web", 800, 24),
    ]:  # fmt: skip
        rows += [(period, dev, i < conv) for i in range(n)]
    frame = pd.DataFrame(rows, columns=["start_ts", "device", "conv"])
    frame["start_ts"] = pd.to_datetime(frame["start_ts"]).dt.tz_localize(IST)
    frame["session_id"] = np.arange(len(frame))
    orders = pd.DataFrame({"session_id": frame.loc[frame["conv"], "session_id"], "net_value": 1.0})
    ms = m.mix_shift(frame, orders, "device", "2026-10-10")
    assert ms.before == pytest.approx(0.084) and ms.after == pytest.approx(0.048)
    assert ms.paradox
    assert ms.within > 0 > ms.mix
    assert "Simpson" in repr(ms)


def test_mix_shift_rejects_an_empty_period(shop):
    sessions, orders = shop
    with pytest.raises(ValueError, match="leaves one period empty"):
        m.mix_shift(sessions, orders, "device", "2030-01-01")


def test_daily_summary_sums_back_to_the_total(shop):
    sessions, orders = shop
    daily = m.daily_summary(m.session_table(sessions, orders))
    assert daily["sessions"].tolist() == [2, 4]
    assert daily["converted"].sum() / daily["sessions"].sum() == pytest.approx(
        m.conversion_rate(sessions, orders).value
    )


# --------------------------------------------------------------------------- records


def test_ratio_prints_both_totals():
    r = m.Ratio("conversion rate per session", 31, 1000, "converting sessions", "sessions")
    assert float(r) == pytest.approx(0.031)
    assert "3.10%" in repr(r) and "1,000 sessions" in repr(r)
    assert "converting sessions" in r._repr_html_()
    aov = m.Ratio("average order value", 2500.5, 2, "revenue", "orders", "₹")
    assert "₹1,250.25" in repr(aov)
    assert math.isnan(m.Ratio("x", 0, 0, "a", "b").value)


# --------------------------------------------------------------------------- the data world
#
# "tiny" recovers the manifest's realised counts exactly; "small" (generated once, a few seconds)
# has the power to recover planted *parameters* within sampling error.


def _world(scale: str):
    from pm_toolkit import collection, data

    events_raw = data.load("events", scale=scale, seed=2026)
    sessions_raw = data.load("sessions", scale=scale, seed=2026)
    bots = collection.find_bots(collection.find_duplicates(events_raw).cleaned)
    return {
        "sessions_raw": sessions_raw,
        "events_raw": events_raw,
        "sessions": sessions_raw[~sessions_raw["session_id"].isin(bots.ids)],
        "events": bots.cleaned,
        "orders": data.load("orders", scale=scale, seed=2026),
        "customers": data.load("customers", scale=scale, seed=2026),
        "manifest": data.manifest(scale=scale, seed=2026)["clickstream"],
    }


@pytest.fixture(scope="module")
def tiny():
    return _world("tiny")


@pytest.fixture(scope="module")
def small():
    return _world("small")


def test_tiny_world_matches_the_manifest_exactly(tiny):
    real = tiny["manifest"]["realised"]
    rates, counts = real["clean_rates"], real["counts"]
    s, e, o = tiny["sessions"], tiny["events"], tiny["orders"]
    assert len(tiny["sessions_raw"]) - len(s) == real["dirt_counts"]["bot_sessions"]
    assert len(s) == counts["sessions"]
    assert m.conversion_rate(s, o).value == pytest.approx(rates["session_conversion"])
    assert m.bounce_rate(e).value == pytest.approx(rates["bounce_rate"])
    assert m.cart_abandonment_rate(e).value == pytest.approx(rates["cart_abandonment"])
    placed = m.average_order_value(o, exclude_statuses=()).value
    assert placed == pytest.approx(rates["net_value_per_placed_order"])
    assert m.average_order_value(o).value == pytest.approx(rates["aov_of_sales"])
    assert (o["status"] == m.SALE_STATUS).sum() == counts["sales"]
    f = m.funnel(e)
    assert f.table.loc["add_to_cart", "sessions"] == counts["cart_sessions"]
    assert f.rate("begin_checkout") == pytest.approx(rates["checkout_given_cart"])
    assert f.rate("purchase") == pytest.approx(rates["purchase_given_checkout"])


def test_bots_inflate_sessions_and_events_but_not_carts(tiny):
    raw, clean = tiny["events_raw"], tiny["events"]
    assert (
        m.conversion_rate(tiny["sessions_raw"], tiny["orders"]).value
        < m.conversion_rate(tiny["sessions"], tiny["orders"]).value
    )
    assert len(raw) / raw["session_id"].nunique() > len(clean) / clean["session_id"].nunique()
    assert m.cart_abandonment_rate(raw).value == pytest.approx(m.cart_abandonment_rate(clean).value)


def test_conversion_by_month_and_device_matches_the_manifest(small):
    s, o = small["sessions"], small["orders"]
    real = small["manifest"]["realised"]["conversion_by_month_device"]
    month = s["start_ts"].dt.strftime("%Y-%m")
    for period, devices in real.items():
        t = m.breakdown(s[month == period], o, "device")
        for device, cell in devices.items():
            assert t.loc[device, "sessions"] == cell["sessions"]
            assert t.loc[device, "conversion_rate"] == pytest.approx(cell["conversion"])


def test_bounce_recovers_the_planted_model_within_sampling_error(small):
    # Planted [A]: P(bounce) = min(base[device] * exp(ln(1.3)/2 * (load_s - 1)), 0.95).
    funnel = small["manifest"]["funnel"]
    s, e = small["sessions"], small["events"]
    base = s["device"].map(funnel["bounce_base_by_device"]).to_numpy(dtype=float)
    p = np.minimum(
        base * np.exp(math.log(1.3) / 2 * (s["page_load_ms"].to_numpy() / 1000 - 1)), 0.95
    )
    observed = m.bounce_rate(e, s).numerator
    z = (observed - p.sum()) / math.sqrt((p * (1 - p)).sum())
    assert abs(z) < 4, z


def test_load_time_decay_recovers_the_planted_k(small):
    # Planted [A]: P(purchase | checkout) *= exp(-k (load_s - t0)); month and banner also move it.
    k = small["manifest"]["page_load"]["k_per_s"]
    s, e = small["sessions"], small["events"]
    checkout = s[s["session_id"].isin(e.loc[e["event_type"] == "begin_checkout", "session_id"])]
    checkout = checkout.assign(month=checkout["start_ts"].dt.month)
    eff = m.load_time_sensitivity(
        checkout, small["orders"], adjust_for=("month", "promotion_shown", "device")
    )
    assert eff.ci_low < k < eff.ci_high, eff
    # Across all sessions the naive estimate is confounded by device (slow AND low-converting).
    naive = m.load_time_sensitivity(s, small["orders"])
    assert naive.k_per_s > eff.ci_high


def test_device_mix_shift_recovers_the_planted_simpson_story(small):
    planted = small["manifest"]["simpson"]
    s, o = small["sessions"], small["orders"]
    sep_oct = s[s["start_ts"] < pd.Timestamp("2025-11-01", tz=IST)]
    ms = m.mix_shift(sep_oct, o, "device", "2025-10-01")
    # The story: traffic moves to mobile web, the total falls, the mix explains the fall.
    assert ms.change < 0 and ms.mix < 0 and ms.within > 0
    t = ms.table
    for device, row in t.iterrows():  # no device got significantly worse
        se = math.sqrt(
            row["rate_before"] * (1 - row["rate_before"]) / row["sessions_before"]
            + row["rate_after"] * (1 - row["rate_after"]) / row["sessions_after"]
        )
        assert row["rate_change"] / se > -2, device
    # October mobile-web share = stickiness * preferred share + (1 - stickiness) * month mix.
    cust = small["customers"].set_index("customer_id")["preferred_device"]
    octo = sep_oct[sep_oct["start_ts"] >= pd.Timestamp("2025-10-01", tz=IST)]
    pref = (octo["customer_id"].map(cust) == "mobile_web").mean()
    stick = planted["device_stickiness"]
    expected = stick * pref + (1 - stick) * planted["month_device_mix"]["10"]["mobile_web"]
    se = math.sqrt(expected * (1 - expected) / len(octo))
    assert abs(t.loc["mobile_web", "share_after"] - expected) < 4 * se


def test_cohort_tables_match_an_independent_computation(small):
    o = small["orders"]
    sales = o[o["status"] == "delivered"]
    month = sales["order_ts"].dt.strftime("%Y-%m")
    first = month.groupby(sales["customer_id"]).transform("min")
    sept = sales[first == "2025-09"]
    sept_buyers = sept["customer_id"].nunique()
    ret = m.cohort_retention(o, period="M")
    back_in_oct = sept.loc[month[first == "2025-09"] == "2025-10", "customer_id"].nunique()
    assert ret.iloc[0, 1] == pytest.approx(back_in_oct / sept_buyers)
    ltv = m.cohort_ltv(o, period="M", gross_margin=0.3)
    assert ltv.iloc[0, 2] == pytest.approx(0.3 * sept["net_value"].sum() / sept_buyers)
    assert (ltv.diff(axis=1).iloc[:, 1:].fillna(0) >= 0).all().all()  # cumulative never falls
    assert math.isnan(ltv.iloc[-1, 1])  # the last cohort has not reached month 1 yet


# --------------------------------------------------------------------------- dashboard


def test_dashboard_update_matches_direct_computation(tiny):
    s, o = tiny["sessions"], tiny["orders"]
    dash = m.metrics_dashboard(s, o)
    dates = list(dash.controls["dates"].options)
    dash.update(device="mobile_web", dates=(dates[30], dates[59]))
    view = dash.result
    day = s["start_ts"].dt.tz_localize(None).dt.normalize()
    first = day.min()
    in_range = (day >= first + pd.Timedelta(days=30)) & (day <= first + pd.Timedelta(days=59))
    chosen = s[in_range & (s["device"] == "mobile_web")]
    assert view.sessions == len(chosen)
    assert view.conversion_rate == pytest.approx(m.conversion_rate(chosen, o).value)
    mine = o[o["session_id"].isin(chosen["session_id"])]
    assert view.aov == pytest.approx(m.average_order_value(mine).value)
    assert view.all_conversion == pytest.approx(m.conversion_rate(s[in_range], o).value)
    assert len(view.daily) == 30
    assert "<svg" in view._repr_html_() and view.label in view._repr_html_()
    assert dash.timings and max(dash.timings) < 1.0


def test_dashboard_city_tier_picker_uses_plain_labels(tiny):
    dash = m.metrics_dashboard(tiny["sessions_raw"], tiny["orders"])
    assert list(dash.controls["city_tier"].options) == ["all", "1", "2", "3", "unknown"]
    dash.update(city_tier="unknown")  # bot sessions have no city: they must be selectable
    assert dash.result.sessions == tiny["sessions_raw"]["city_tier"].isna().sum()
    with pytest.raises(ValueError, match="unknown control"):
        dash.update(pin_code="110001")


def test_dashboard_view_shows_rupees_in_lakh_grouping():
    view = m.DashboardView("All sessions", "01 Oct", "31 Oct", 1000, 30, 40, 1234567.0, 0.03, 900.0)
    assert "revenue ₹12.3 lakh" in repr(view)
    assert "₹12.3 lakh" in view._repr_html_() and "₹30,864" in view._repr_html_()


def test_dashboard_view_states_its_finding_once():
    view = m.DashboardView(
        "device mobile_web", "01 Oct", "31 Oct", 1000, 30, 40, 1234567.0, 0.02, 900.0, (0.03,) * 5
    )
    page = view._repr_html_()
    assert page.count(view.finding) == 1 and "<svg" in page


def test_records_render_for_learners(events, shop):
    sessions, _ = shop
    f = m.funnel(events)
    assert "closed" in f._repr_html_() and "purchase" in repr(f)
    s = m.load_time_summary(sessions)
    assert "p95" in s._repr_html_() and "p95=" in repr(s)
    frame, o = _mix_frames(1)
    ms = m.mix_shift(frame, o, "device", "2026-10-11")
    assert "pp" in repr(ms) and "<table" in ms._repr_html_()
    eff = m.LoadTimeEffect(0.1, 0.05, 0.15, 1000, ("device",))
    assert "per +100 ms" in repr(eff) and eff.pct_per_100ms == pytest.approx(1 - math.exp(-0.01))
