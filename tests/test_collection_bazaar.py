"""Lesson 3 checks on the Bazaar data world: they find exactly the planted dirt, and nothing more.

The data world records in its manifest how many duplicates, bot sessions, missing ids and late
events it planted; these tests hold the checks to those counts on two seeds (tiny scale).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from pm_toolkit import collection as col
from pm_toolkit import data

matplotlib.use("Agg")

KEYS = ["session_id", "event_type", "product_id", "ts"]


@pytest.fixture(scope="module", params=[2026, 11])
def world(request):
    seed = request.param
    manifest = data.manifest(scale="tiny", seed=seed)["clickstream"]["realised"]
    return {
        "seed": seed,
        "events": data.load("events", scale="tiny", seed=seed),
        "sessions": data.load("sessions", scale="tiny", seed=seed),
        "truth": manifest["dirt_counts"],
        "counts": manifest["counts"],
        "clean_rates": manifest["clean_rates"],
    }


def test_checks_find_exactly_the_planted_dirt(world):
    ev, truth = world["events"], world["truth"]
    dupes = col.find_duplicates(ev)
    assert dupes.found == truth["duplicate_events"]
    bots = col.find_bots(dupes.cleaned)
    assert bots.found == truth["bot_sessions"]
    assert len(bots.flagged) == truth["bot_events"]
    # Bots never log in: the bot rule, which looks only at timing, agrees with the sessions table.
    anonymous = world["sessions"].loc[world["sessions"]["customer_id"].isna(), "session_id"]
    assert set(bots.ids) == set(anonymous)
    missing = col.find_missing_ids(bots.cleaned, sessions=world["sessions"])
    assert missing.found == truth["missing_customer_id_events"]
    assert len(missing.cleaned) == len(bots.cleaned)  # every gap repaired from its session
    assert col.find_late_events(ev).found == truth["late_events_over_3d"]
    assert col.find_late_events(ev, allowed_lateness="1h").found == truth["late_events_over_1h"]


def test_cleaned_rates_match_the_generators_clean_rates(world):
    dupes = col.find_duplicates(world["events"])
    bots = col.find_bots(dupes.cleaned)
    m = bots.after
    assert m.sessions == world["counts"]["sessions"]
    assert m.session_conversion == pytest.approx(
        world["clean_rates"]["session_conversion"], abs=1e-12
    )
    assert m.cart_abandonment == pytest.approx(world["clean_rates"]["cart_abandonment"], abs=1e-12)
    # Bots never buy, so raw data understates conversion by exactly their share of sessions.
    raw = bots.before
    assert raw.session_conversion == pytest.approx(
        m.session_conversion * m.sessions / (m.sessions + world["truth"]["bot_sessions"])
    )


def test_checks_find_nothing_once_the_planted_dirt_is_removed(world):
    ev, sessions = world["events"], world["sessions"]
    # Remove the dirt by ground truth, independently of the checks' own rules.
    humans = sessions.loc[sessions["customer_id"].notna(), ["session_id", "customer_id"]]
    clean = ev.drop_duplicates(subset=KEYS)
    clean = clean[clean["session_id"].isin(humans["session_id"])]
    clean = clean.assign(
        customer_id=clean["session_id"].map(humans.set_index("session_id")["customer_id"])
    )
    clean = clean[clean["ingested_ts"] - clean["ts"] <= pd.Timedelta(days=3)]
    report = col.clean_events(clean, sessions=sessions)
    assert [s.found for s in report.steps] == [0, 0, 0, 0]
    assert len(report.cleaned) == len(clean)
    assert col.bazaar_tracking_plan().validate(clean).ok


def test_cleaning_report_steps_match_the_checks_run_one_by_one(world):
    ev, sessions = world["events"], world["sessions"]
    report = col.clean_events(ev, sessions=sessions)
    dupes = col.find_duplicates(ev)
    bots = col.find_bots(dupes.cleaned)
    missing = col.find_missing_ids(bots.cleaned, sessions=sessions)
    late = col.find_late_events(missing.cleaned)
    checks = (dupes, bots, missing, late)
    assert report.steps == tuple(c.summary() for c in checks)
    assert [s.rows for s in report.steps] == [len(c.cleaned) for c in checks]
    assert sum(s.found for s in report.steps) > 0  # the world has dirt of every kind
    pd.testing.assert_frame_equal(report.cleaned, late.cleaned)
    # a step keeps counts and metrics only: no copy of the events per step
    assert not any(isinstance(v, pd.DataFrame) for s in report.steps for v in vars(s).values())
    assert report.table()["rows"].tolist() == [len(ev), *(len(c.cleaned) for c in checks)]


def test_raw_events_follow_the_tracking_plan(world):
    report = col.bazaar_tracking_plan().validate(world["events"])
    assert report.ok, report.counts()


def test_daily_windows_count_every_purchasing_session_once(world):
    clean = col.find_bots(col.find_duplicates(world["events"]).cleaned).cleaned
    daily = col.window_metrics(clean, "1D")
    assert daily["purchases"].sum() == world["counts"]["purchase_sessions"]
    assert daily["running_conversion"].iloc[-1] == pytest.approx(
        daily["purchases"].sum() / daily["sessions"].sum()
    )


def test_customer_360_keeps_every_order_and_rupee():
    kw = {"scale": "tiny", "seed": 2026}
    orders = data.load("orders", **kw)
    view = col.customer_360(
        data.load("customers", **kw),
        orders,
        data.load("order_items", **kw),
        data.load("inventory", **kw),
        data.load("support_contacts", **kw),
    )
    report = view.join_report().set_index("join")
    assert report.loc["orders → customers", "unmatched_left"] == 0
    assert report.loc["order_items → orders", "unmatched_left"] == 0
    assert view.frame["orders"].sum() == len(orders)
    assert view.frame["net_spend"].sum() == pytest.approx(orders["net_value"].sum())
    assert "segment" not in view.frame.columns  # the hidden segment never leaks into a view


def test_alert_dashboard_python_path_finds_the_sale_week():
    kw = {"scale": "tiny", "seed": 2026}
    clean = col.clean_events(
        data.load("events", **kw), sessions=data.load("sessions", **kw)
    ).cleaned
    start, end = (
        pd.Timestamp(d, tz="Asia/Kolkata")
        for d in data.manifest(**kw)["clickstream"]["period"]["festive_week"]
    )
    dash = col.alert_dashboard(clean, start, end + pd.Timedelta("1D"))
    daily = dash.update(window="1D", factor=1.5).result
    assert isinstance(daily, col.AlertSummary) and daily.window == "1D"
    # Daily windows see the sale within its first two days and raise no false alarm.
    assert daily.alerts_in_period > 0 and daily.false_alarms == 0
    assert daily.hours_to_first_alert <= 48
    assert "false alarms" in daily._repr_markdown_()
    strict = dash.update(factor=4.0).result
    assert strict.alerts_in_period == 0 and np.isnan(strict.hours_to_first_alert)
