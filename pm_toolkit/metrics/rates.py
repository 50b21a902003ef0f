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

from ._common import NOT_A_SALE, _known, _left_out, _require, _sales

__all__ = [
    "GA4_ENGAGED_SECONDS",
    "PAGE_EVENTS",
    "Ratio",
    "bounce_rate",
    "cart_abandonment_rate",
    "conversion_rate",
    "ga4_bounce_rate",
    "repeat_purchase_rate",
]

#: GA4 calls a session engaged when it lasts longer than this many seconds (or converts, or
#: has two or more page views).
GA4_ENGAGED_SECONDS = 10.0
#: Events GA4 counts as a view: ``page_view`` (and ``screen_view`` in apps). Bazaar's tag sends
#: ``page_view`` for the landing page only; product pages send ``product_view``, GA4's
#: ``view_item``, an e-commerce event that is not a view.
PAGE_EVENTS: tuple[str, ...] = ("page_view",)


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
    #: Rows left out because a value the metric needs is missing ("3 orders without a
    #: net_value left out"): never dropped silently (see ``metrics.definitions``).
    notes: tuple[str, ...] = ()

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
        notes = "".join(f"; {n}" for n in self.notes)
        return (
            f"Ratio({self.name} = {self.formatted()}: {self._count(self.numerator)} "
            f"{self.numerator_label} / {self.denominator:,.0f} {self.denominator_label}{notes})"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        notes = "".join(f"<div style='opacity:0.8'>⚠ {e(n)}</div>" for n in self.notes)
        return (
            f"<div><b>{e(self.name)}</b>: <b>{e(self.formatted())}</b> "
            f"<span style='opacity:0.8'>= {e(self._count(self.numerator))} "
            f"{e(self.numerator_label)} ÷ {self.denominator:,.0f} {e(self.denominator_label)}"
            f"</span>{notes}</div>"
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
    orders count twice. Every placed order counts (the customer decided to buy, whatever
    happened to the parcel later); pass ``exclude_statuses=NOT_A_SALE`` for "net" conversion,
    sessions that ended in a sale (see :mod:`~pm_toolkit.metrics.definitions`).

    A session without a ``session_id`` cannot be matched to orders: it is left out (the result's
    ``notes`` say how many). An order without one converts no session.

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
    sessions, n_unknown = _known(sessions, "session_id")
    notes = _left_out(n_unknown, "session", "without a session_id")
    sales = _sales(orders, exclude_statuses)
    # an order without a session id must not "match" a session without one (NaN == NaN in isin)
    converted = sessions["session_id"].isin(sales["session_id"].dropna())
    if per == "session":
        return Ratio(
            "conversion rate per session",
            int(converted.sum()),
            len(sessions),
            "converting sessions",
            "sessions",
            notes=notes,
        )
    _require(sessions, "sessions", ["customer_id"])
    cust = sessions["customer_id"]
    anon = cust.isna()
    visitors = cust[~anon].nunique() + int(anon.sum())
    buyers = cust[converted & ~anon].nunique() + int((converted & anon).sum())
    return Ratio(
        "conversion rate per visitor", buyers, visitors, "buying visitors", "visitors", notes=notes
    )


def bounce_rate(events: pd.DataFrame, sessions: pd.DataFrame | None = None) -> Ratio:
    """Share of sessions that saw one page and left: sessions with a single event.

    This is Universal Analytics' definition (a single-hit session). GA4 instead calls a session
    "not engaged" when it lasted under 10 s, had no conversion and fewer than 2 page views, so GA4
    numbers are not comparable with this one. Pass ``sessions`` to count sessions without any
    tracked event as bounces too (denominator: all sessions). Events without a ``session_id``
    belong to no session and are left out (``notes`` says how many).

    >>> e = pd.DataFrame({"session_id": [1, 2, 2, 3],
    ...                   "event_type": ["page_view", "page_view", "product_view", "page_view"]})
    >>> bounce_rate(e).value  # sessions 1 and 3
    0.6666666666666666
    """
    _require(events, "events", ["session_id"])
    events, n_unknown = _known(events, "session_id")
    notes = _left_out(n_unknown, "event", "without a session_id")
    per = events.groupby("session_id", sort=False).size()
    if sessions is None:
        n, bounced = len(per), int((per == 1).sum())
    else:
        sessions, n_sess = _known(sessions, "session_id")
        notes += _left_out(n_sess, "session", "without a session_id")
        counts = per.reindex(pd.Index(sessions["session_id"])).fillna(0)
        n, bounced = len(counts), int((counts <= 1).sum())
    return Ratio("bounce rate", bounced, n, "single-page sessions", "sessions", notes=notes)


def ga4_bounce_rate(events: pd.DataFrame, time_column: str = "ts") -> Ratio:
    """Google Analytics 4's bounce rate: the share of sessions that were *not engaged*.

    GA4 calls a session engaged when it lasted longer than 10 seconds, or had a conversion
    (here a ``purchase``), or had at least two page views (:data:`PAGE_EVENTS`). A session's
    length is its last event's time minus its first. Bounce is every other session, so it is
    not the single-page bounce of :func:`bounce_rate` (Universal Analytics): a visitor who
    opens a product page and leaves within seconds did more than one thing (not a UA bounce)
    but was not engaged (a GA4 bounce). Events without a ``session_id`` are left out.

    >>> t = pd.to_datetime(["2026-01-01 10:00:00", "2026-01-01 10:00:30",
    ...                     "2026-01-01 11:00:00", "2026-01-01 12:00:00", "2026-01-01 12:00:04"])
    >>> e = pd.DataFrame({"session_id": [1, 1, 2, 3, 3], "ts": t,
    ...                   "event_type": ["page_view", "search", "page_view", "page_view", "search"]})
    >>> ga4_bounce_rate(e).value  # 1 lasted 30 s (engaged); 2 and 3 are short, one view each
    0.6666666666666666
    """
    _require(events, "events", ["session_id", "event_type", time_column])
    events, n_unknown = _known(events, "session_id")
    et = events["event_type"]
    # Series on one index, not .to_numpy(): a time-zone-aware column would become an object
    # array of Timestamps, and building the frame from it took ≈ 2 s for a lesson's events.
    frame = pd.DataFrame(
        {
            "session_id": events["session_id"],
            "ts": events[time_column],
            "page": et.isin(list(PAGE_EVENTS)),
            "buy": et == "purchase",
        }
    )
    g = frame.groupby("session_id", sort=False).agg(
        first=("ts", "min"), last=("ts", "max"), pages=("page", "sum"), buy=("buy", "any")
    )
    seconds = (g["last"] - g["first"]).dt.total_seconds()
    engaged = (seconds > GA4_ENGAGED_SECONDS) | g["buy"] | (g["pages"] >= 2)
    return Ratio(
        "GA4 bounce rate",
        int((~engaged).sum()),
        len(g),
        "sessions not engaged",
        "sessions",
        notes=_left_out(n_unknown, "event", "without a session_id"),
    )


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
    events, n_unknown = _known(events, "session_id")
    et = events["event_type"]
    carts = pd.Index(events.loc[et == "add_to_cart", "session_id"].unique())
    bought = carts.isin(events.loc[et == "purchase", "session_id"].unique())
    return Ratio(
        "cart abandonment rate",
        int((~bought).sum()),
        len(carts),
        "carts not bought",
        "sessions with a cart",
        notes=_left_out(n_unknown, "event", "without a session_id"),
    )


def repeat_purchase_rate(
    orders: pd.DataFrame, exclude_statuses: Sequence[str] = NOT_A_SALE
) -> Ratio:
    """Share of buying customers who bought at least twice (in the orders given).

    Denominator: customers with at least one sale, not all customers, so it measures loyalty
    among buyers. Only sales count as purchases (delivered and kept; see
    :mod:`~pm_toolkit.metrics.definitions`): an order refused at the door or returned is not a
    purchase the customer came back for. Orders without a ``customer_id`` are left out.

    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c"],
    ...                   "status": ["delivered", "delivered", "delivered", "delivered", "rto"]})
    >>> repeat_purchase_rate(o).value  # only "a" bought twice; c's second order never arrived
    0.3333333333333333
    """
    _require(orders, "orders", ["customer_id"])
    sales, n_unknown = _known(_sales(orders, exclude_statuses), "customer_id")
    per = sales.groupby("customer_id").size()
    return Ratio(
        "repeat purchase rate",
        int((per >= 2).sum()),
        len(per),
        "customers with 2+ sales",
        "customers with a sale",
        notes=_left_out(n_unknown, "order", "without a customer_id"),
    )
