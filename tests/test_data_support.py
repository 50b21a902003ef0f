"""Support contacts: every reason an order's status allows does occur."""

from __future__ import annotations

from pm_toolkit import data


def test_order_contacts_use_every_reason_their_statuses_allow():
    contacts = data.load("support_contacts", scale="small", seed=2026)
    reasons = set(contacts["reason"])
    assert {"late_delivery", "refund", "wrong_item", "payment_failed", "price_query"} <= reasons
    # Contacts without an order are price questions asked while browsing; every other reason
    # is about an order.
    no_order = contacts["order_id"].isna()
    assert (contacts.loc[no_order, "reason"] == "price_query").all()
    assert contacts.loc[contacts["reason"] != "price_query", "order_id"].notna().all()
