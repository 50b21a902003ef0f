"""Metrics on missing values (issue 19): a missing value is left out and counted, never silent.

The rules live in ``pm_toolkit.metrics.definitions.MISSING_VALUE_RULES`` and the data dictionary;
each test below failed on the code before the rules existed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import metrics as m


def test_aov_leaves_out_a_sale_without_a_value_and_says_so():
    o = pd.DataFrame(
        {"net_value": [100.0, 300.0, np.nan], "status": ["delivered", "delivered", "delivered"]}
    )
    r = m.average_order_value(o)
    assert (r.numerator, r.denominator) == (400.0, 2)  # not ₹400 over 3 orders
    assert r.notes == ("1 order without a net_value left out",)
    assert "left out" in repr(r) and "left out" in r._repr_html_()


def test_missing_session_ids_never_make_a_false_conversion():
    sessions = pd.DataFrame({"session_id": [1.0, 2.0, np.nan, np.nan]})
    orders = pd.DataFrame({"session_id": [np.nan], "net_value": [500.0], "status": ["delivered"]})
    r = m.conversion_rate(sessions, orders)
    assert r.numerator == 0  # NaN == NaN in isin would have called a session converted
    assert r.denominator == 2
    assert r.notes == ("2 sessions without a session_id left out",)
    table = m.session_table(sessions, orders)
    assert len(table) == 2 and table["converted"].sum() == 0


def test_per_visitor_conversion_uses_the_same_rule():
    sessions = pd.DataFrame({"session_id": [1.0, np.nan], "customer_id": ["a", "b"]})
    orders = pd.DataFrame({"session_id": [np.nan], "net_value": [1.0], "status": ["delivered"]})
    r = m.conversion_rate(sessions, orders, per="visitor")
    assert (r.numerator, r.denominator) == (0, 1) and r.notes


def test_load_time_bands_show_sessions_without_a_load_time():
    s = pd.DataFrame({"session_id": [1, 2, 3, 4, 5], "page_load_ms": [500, 1500, None, None, 800]})
    o = pd.DataFrame({"session_id": [3, 5], "net_value": [10.0, 20.0]})
    t = m.conversion_by_load_time(s, o, edges_ms=(0, 1000, math.inf))
    assert t["sessions"].sum() == len(s)  # nothing dropped silently
    assert t.loc[m.NOT_MEASURED, "sessions"] == 2
    assert t.loc[m.NOT_MEASURED, "conversion_rate"] == pytest.approx(0.5)
    complete = m.conversion_by_load_time(s.dropna(), o, edges_ms=(0, 1000, math.inf))
    assert m.NOT_MEASURED not in complete.index  # the row appears only when needed


def test_load_summaries_count_what_they_left_out():
    s = pd.DataFrame({"session_id": range(6), "page_load_ms": [100, 200, 300, None, 500, 600]})
    summary = m.load_time_summary(s)
    assert summary.n == 5 and summary.not_measured == 1 and "not measured" in repr(summary)


def test_repeat_purchase_leaves_out_orders_without_a_customer():
    o = pd.DataFrame({"customer_id": ["a", "a", None, None], "status": ["delivered"] * 4})
    r = m.repeat_purchase_rate(o)
    assert (r.numerator, r.denominator) == (1, 1)  # the two anonymous orders are not a repeat
    assert r.notes == ("2 orders without a customer_id left out",)


def test_event_metrics_leave_out_events_without_a_session():
    e = pd.DataFrame(
        {
            "session_id": [1, 1, 2, np.nan, np.nan],
            "event_type": ["page_view", "add_to_cart", "page_view", "add_to_cart", "page_view"],
        }
    )
    bounce = m.bounce_rate(e)
    assert (bounce.numerator, bounce.denominator) == (1, 2)
    assert bounce.notes == ("2 events without a session_id left out",)
    cart = m.cart_abandonment_rate(e)
    assert (cart.numerator, cart.denominator) == (1, 1) and cart.notes


def test_breakdown_keeps_a_row_for_a_missing_segment():
    s = pd.DataFrame({"session_id": [1, 2, 3], "city_tier": [1.0, np.nan, 1.0]})
    o = pd.DataFrame({"session_id": [2], "net_value": [10.0], "status": ["delivered"]})
    t = m.breakdown(s, o, "city_tier")
    assert t["sessions"].sum() == 3 and t["converted"].sum() == 1


def test_the_rules_are_documented_in_the_data_dictionary():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "datasets" / "README.md").read_text("utf-8")
    section = text.split("## Missing values", 1)[1].split("\n## ", 1)[0]
    for column in ("session_id", "net_value", "customer_id", "page_load_ms"):
        assert f"`{column}`" in section, column
