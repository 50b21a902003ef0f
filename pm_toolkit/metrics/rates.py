"""Rates of sessions and customers: conversion, bounce, cart abandonment, repeat purchase.

Each returns a :class:`Ratio`, which keeps the numerator and denominator next to the value.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pm_toolkit.formatting import format_inr, format_pct

from ._common import NOT_A_SALE, _require, _sales

__all__ = [
    "Ratio",
    "bounce_rate",
    "cart_abandonment_rate",
    "conversion_rate",
    "repeat_purchase_rate",
]


@dataclass(frozen=True)
class Ratio:
    """A metric that is one total divided by another, keeping both totals visible.

    >>> r = Ratio("conversion rate", 30, 1000, "converting sessions", "sessions")
    >>> r.value, f"{float(r):.1%}"
    (0.03, '3.0%')
    """

    name: str
    numerator: float
    denominator: float
    numerator_label: str
    denominator_label: str
    unit: Literal["%", "₹", ""] = "%"

    @property
    def value(self) -> float:
        """numerator / denominator (NaN when the denominator is zero)."""
        return self.numerator / self.denominator if self.denominator else math.nan

    def __float__(self) -> float:
        return float(self.value)

    def formatted(self) -> str:
        """The value as a learner reads it: '3.12%' or '₹1,234.50'."""
        if math.isnan(self.value):
            return "n/a"
        if self.unit == "%":
            return format_pct(self.value, 2)
        if self.unit == "₹":
            return format_inr(self.value, 2)
        return f"{self.value:.4g}"

    def _count(self, x: float) -> str:
        if self.unit == "₹":
            return format_inr(x, 0 if x == int(x) else 2)
        return f"{x:,.0f}"

    def __repr__(self) -> str:
        return (
            f"Ratio({self.name} = {self.formatted()}: {self._count(self.numerator)} "
            f"{self.numerator_label} / {self.denominator:,.0f} {self.denominator_label})"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        return (
            f"<div><b>{e(self.name)}</b>: <b>{e(self.formatted())}</b> "
            f"<span style='opacity:0.8'>= {e(self._count(self.numerator))} "
            f"{e(self.numerator_label)} ÷ {self.denominator:,.0f} {e(self.denominator_label)}"
            "</span></div>"
        )


def conversion_rate(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    per: Literal["session", "visitor"] = "session",
    exclude_statuses: Sequence[str] = (),
) -> Ratio:
    """Share of sessions (or of visitors) that placed at least one order.

    - ``per="session"``: converting sessions / sessions. What most dashboards (and GA) show.
    - ``per="visitor"``: customers with an order / distinct customers who visited. Higher,
      because a visitor gets several sessions to decide. Anonymous sessions (no
      ``customer_id``) each count as their own visitor, since nothing links them.

    Counting *orders* / sessions instead of converting sessions would let one session with two
    orders count twice. By default every placed order counts (the purchase happened, even if it
    is cancelled later); pass ``exclude_statuses=("cancelled",)`` for a "net" conversion rate.

    >>> s = pd.DataFrame({"session_id": [1, 2, 3, 4], "customer_id": ["a", "a", "b", None]})
    >>> o = pd.DataFrame({"session_id": [1, 1], "customer_id": ["a", "a"],
    ...                   "net_value": [1.0, 2.0], "status": ["delivered", "delivered"]})
    >>> conversion_rate(s, o).value, conversion_rate(s, o, per="visitor").value
    (0.25, 0.3333333333333333)
    """
    if per not in ("session", "visitor"):
        raise ValueError(f"per must be 'session' or 'visitor'; got {per!r}")
    _require(sessions, "sessions", ["session_id"])
    _require(orders, "orders", ["session_id"])
    sales = _sales(orders, exclude_statuses)
    converted = sessions["session_id"].isin(sales["session_id"])
    if per == "session":
        return Ratio(
            "conversion rate per session",
            int(converted.sum()),
            len(sessions),
            "converting sessions",
            "sessions",
        )
    _require(sessions, "sessions", ["customer_id"])
    cust = sessions["customer_id"]
    anon = cust.isna()
    visitors = cust[~anon].nunique() + int(anon.sum())
    buyers = cust[converted & ~anon].nunique() + int((converted & anon).sum())
    return Ratio("conversion rate per visitor", buyers, visitors, "buying visitors", "visitors")


def bounce_rate(events: pd.DataFrame, sessions: pd.DataFrame | None = None) -> Ratio:
    """Share of sessions that saw one page and left: sessions with a single event.

    This is Universal Analytics' definition (a single-hit session). GA4 instead calls a session
    "not engaged" when it lasted under 10 s, had no conversion and fewer than 2 page views, so GA4
    numbers are not comparable with this one. Pass ``sessions`` to count sessions without any
    tracked event as bounces too (denominator: all sessions).

    >>> e = pd.DataFrame({"session_id": [1, 2, 2, 3],
    ...                   "event_type": ["page_view", "page_view", "product_view", "page_view"]})
    >>> bounce_rate(e).value  # sessions 1 and 3
    0.6666666666666666
    """
    _require(events, "events", ["session_id"])
    per = events.groupby("session_id", sort=False).size()
    if sessions is None:
        n, bounced = len(per), int((per == 1).sum())
    else:
        counts = per.reindex(pd.Index(sessions["session_id"])).fillna(0)
        n, bounced = len(counts), int((counts <= 1).sum())
    return Ratio("bounce rate", bounced, n, "single-page sessions", "sessions")


def cart_abandonment_rate(events: pd.DataFrame) -> Ratio:
    """Share of carts that were not bought: sessions with an add-to-cart but no purchase.

    Counted per session (a cart is "abandoned" when the session that filled it ends without a
    purchase). Real carts can outlive a session; this session view is what a checkout team acts on.

    >>> e = pd.DataFrame({"session_id": [1, 1, 2, 3, 3],
    ...                   "event_type": ["add_to_cart", "purchase", "add_to_cart",
    ...                                  "add_to_cart", "remove_from_cart"]})
    >>> cart_abandonment_rate(e).value  # sessions 2 and 3 abandoned, 1 bought
    0.6666666666666666
    """
    _require(events, "events", ["session_id", "event_type"])
    et = events["event_type"]
    carts = pd.Index(events.loc[et == "add_to_cart", "session_id"].unique())
    bought = carts.isin(events.loc[et == "purchase", "session_id"].unique())
    return Ratio(
        "cart abandonment rate",
        int((~bought).sum()),
        len(carts),
        "carts not bought",
        "sessions with a cart",
    )


def repeat_purchase_rate(
    orders: pd.DataFrame, exclude_statuses: Sequence[str] = NOT_A_SALE
) -> Ratio:
    """Share of buying customers who bought at least twice (in the orders given).

    Denominator: customers with at least one order, not all customers, so it measures
    loyalty among buyers. Cancelled orders do not count as purchases.

    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"],
    ...                   "status": ["delivered", "rto", "delivered", "delivered", "cancelled"]})
    >>> repeat_purchase_rate(o).value  # only "a" bought twice
    0.3333333333333333
    """
    _require(orders, "orders", ["customer_id"])
    per = _sales(orders, exclude_statuses).groupby("customer_id").size()
    return Ratio(
        "repeat purchase rate",
        int((per >= 2).sum()),
        len(per),
        "customers with 2+ orders",
        "customers with an order",
    )
