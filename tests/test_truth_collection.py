"""Lesson 3 says only true things: each direction, count and verdict it states about a learner's
data is recomputed here independently (pandas, statsmodels), for five learners."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from pm_toolkit import collection as col
from pm_toolkit.course import collection as course
from pm_toolkit.exercises import LearnerContext

KEYS = ["session_id", "event_type", "product_id", "ts"]


@pytest.fixture
def ctx(truth_seed):
    return LearnerContext(seed=truth_seed, scale="small")


def conversion(events: pd.DataFrame) -> float:
    """Sessions with a purchase event ÷ sessions, by plain pandas."""
    bought = events.loc[events["event_type"] == "purchase", "session_id"].nunique()
    return bought / events["session_id"].nunique()


def test_duplicates_and_bots_sentences_state_the_right_directions(ctx):
    ev = ctx.load("events")
    deduped = ev.drop_duplicates(subset=KEYS)
    dupes = col.find_duplicates(ev)
    said = col.duplicates_finding(dupes).text
    assert ("does not move" in said) == (conversion(deduped) == conversion(ev))
    assert dupes.found == len(ev) - len(deduped)
    # bots, by the data dictionary: sessions without a customer that never pause
    humans = deduped[
        deduped["session_id"].isin(
            ctx.load("sessions").dropna(subset=["customer_id"])["session_id"]
        )
    ]
    bots = col.find_bots(dupes.cleaned)
    text = col.bots_finding(bots).text
    looked = "lower" if conversion(deduped) < conversion(humans) else "higher"
    assert f"conversion look **{looked}**" in text
    eps_raw = len(deduped) / deduped["session_id"].nunique()
    eps_humans = len(humans) / humans["session_id"].nunique()
    assert f"engagement look **{'higher' if eps_raw > eps_humans else 'lower'}**" in text


def test_cleaning_sentence_moves_conversion_the_way_an_independent_clean_does(ctx):
    ev, sessions = ctx.load("events"), ctx.load("sessions")
    report = col.clean_events(ev, sessions=sessions)
    assert report.before.session_conversion == pytest.approx(conversion(ev))
    people = sessions.dropna(subset=["customer_id"])["session_id"]
    mine = ev.drop_duplicates(subset=KEYS)
    mine = mine[
        mine["session_id"].isin(people) & (mine["ingested_ts"] - mine["ts"] <= pd.Timedelta("3D"))
    ]
    pp = col.cleaning_finding(report).facts["conversion_pp"]
    assert np.sign(pp) == np.sign(conversion(mine) - conversion(ev))


def test_device_sentence_names_the_most_engaged_device_before_and_after(ctx):
    ev, sessions = ctx.load("events"), ctx.load("sessions")
    clean = col.clean_events(ev, sessions=sessions).cleaned

    def top(events):
        d = events.merge(sessions[["session_id", "device"]], on="session_id")
        per = d.groupby("device").size() / d.groupby("device")["session_id"].nunique()
        return per.idxmax(), per

    (raw_top, raw), (clean_top, cleaned) = top(ev), top(clean)
    f = col.device_engagement_finding(
        col.device_table(ev, sessions), col.device_table(clean, sessions)
    )
    assert (f.facts["top_raw"], f.facts["top_clean"]) == (raw_top, clean_top)
    word = "cut" if cleaned[raw_top] < raw[raw_top] else "raised"
    assert f"cleaning {word} that figure" in f.text


def test_rule_check_matches_statsmodels(ctx):
    orders = ctx.load("orders").sort_values(["customer_id", "order_ts"], kind="stable")
    cod = orders["payment_method"] == "cod"
    first = ~orders["customer_id"].duplicated()
    flag = cod & first & (orders["net_value"] > orders["net_value"].quantile(0.95))
    rto = orders["status"] == "rto"
    f = col.rule_check(ctx.load("orders"))
    assert f.facts["flagged"] == int(flag.sum())
    if flag.sum() == 0:
        assert not f.facts["separates"]
        return
    count = np.array([rto[flag].sum(), rto[cod & ~flag].sum()])
    nobs = np.array([flag.sum(), (cod & ~flag).sum()])
    _, p = proportions_ztest(count, nobs)
    low, _high = confint_proportions_2indep(count[0], nobs[0], count[1], nobs[1], method="wald")
    assert f.facts["p_value"] == pytest.approx(p, rel=1e-6)
    assert f.facts["separates"] == (low > 0)
    assert ("significantly more often" in f.text) == (low > 0)
    assert course._rule_verdict(ctx) == (course.SEPARATES if low > 0 else course.NO_SEPARATION)


def test_watermark_choice_and_lateness_profile_match_pandas(ctx):
    ev = ctx.load("events")
    late = ev["ingested_ts"] - ev["ts"]
    shares = {w: float((late > pd.Timedelta(w)).mean()) for w in course.WATERMARKS}
    profile = col.lateness_profile(ev, list(course.WATERMARKS))
    assert profile["share_dropped"].tolist() == pytest.approx(list(shares.values()))
    assert col.lateness_finding(profile).facts["falls"]
    ok = [w for w, s in shares.items() if s <= course.MAX_DROPPED]
    assert course._watermark(ctx) == (ok[0] if ok else course.NONE_FITS)
    by_device = ctx.sql(course.LATE_BY_DEVICE_SQL).set_index("device")
    d = ev.merge(ctx.load("sessions")[["session_id", "device"]], on="session_id")
    want = (d["ingested_ts"] - d["ts"] > pd.Timedelta("1h")).groupby(d["device"]).mean()
    assert by_device["late_share"].sort_index().to_numpy() == pytest.approx(
        want.sort_index().to_numpy()
    )


def smallest_group(frame: pd.DataFrame, columns: list[str]) -> int:
    return int(frame.groupby(columns, dropna=False).size().min())


def test_release_and_suppression_sentences_match_group_sizes(ctx):
    customers, orders = ctx.load("customers"), ctx.load("orders")
    view = col.customer_360(customers, orders, ctx.load("order_items"), ctx.load("inventory"),
                            ctx.load("support_contacts"))  # fmt: skip
    checks = col.release_steps(view.frame, col.Pseudonymiser("a-long-test-secret-0123456789"))
    f = view.frame.assign(pin3=view.frame["pin_code"].str[:3],
                          year=pd.to_datetime(view.frame["signup_date"]).dt.year)  # fmt: skip
    assert checks["as collected"].k == smallest_group(f, list(col.story.RELEASE_QI))
    assert checks["… and signup → year"].k == smallest_group(
        f, ["pin3", "year", "preferred_device", "is_member"]
    )
    first = next((n for n, r in checks.items() if r.k >= 5), None)
    assert col.release_finding(checks).facts["first"] == first
    buyers = orders.merge(customers[["customer_id", "city"]], on="customer_id")
    small = (buyers.groupby("city")["customer_id"].nunique() < 10).sum()
    by_city = col.safe_aggregate(buyers, ["city"], value="net_value", min_group_size=10)
    assert col.suppression_finding(by_city).facts["suppressed"] == small
    # the exercise's own table agrees with the toolkit's suppression
    mine = course._city_spend(ctx).set_index("city")
    assert mine["spend"].isna().sum() == small


def test_join_and_stockout_counts_match_pandas(ctx):
    customers, orders, support = (
        ctx.load("customers"),
        ctx.load("orders"),
        ctx.load("support_contacts"),
    )
    view = col.customer_360(
        customers, orders, ctx.load("order_items"), ctx.load("inventory"), support
    )
    f = col.join_finding(view, support).facts
    assert f["contacts_without_order"] == support["order_id"].isna().sum()
    assert (
        f["customers_without_orders"]
        == (~customers["customer_id"].isin(orders["customer_id"])).sum()
    )


def test_courier_memo_numbers_are_the_group_sizes_of_the_extract(ctx):
    x = course.courier_extract(ctx.load("orders"), ctx.load("customers"))
    key = course._courier_key(ctx)
    week = smallest_group(x, ["pin3", "order_week"])
    day = smallest_group(x, ["pin3", "order_day"])
    assert key.numbers == {"k with PIN-3 and order week": week, "k with PIN-3 and order day": day}
    assert (course.EV_K in key.evidence) == (week >= 5)
    assert (course.EV_DAY in key.evidence) == (day >= 5)
    verdict = "reaches" if week >= 5 else "does not reach"
    assert f"extract {verdict} k ≥ 5 (smallest group {week})" in course._courier_model_answer(ctx)
