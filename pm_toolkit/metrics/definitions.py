"""Which orders count, and what happens to rows with a missing value: the course's rules, once.

**A placed order** is any row of ``orders``: the customer clicked "place order" (paid, or chose
cash on delivery). **Conversion counts placed orders**: the funnel ends at that click, and what
happens afterwards (a parcel refused at the door, a refund) is fulfilment, not the shopping
experience a checkout team changes. Pass ``exclude_statuses=NOT_A_SALE`` for "net" conversion.

**A sale** is an order that was delivered and kept: status ``delivered``. Revenue, average order
value, lifetime value, repeat purchase and cohort retention count **sales only**, the way a
finance team books revenue:

- ``cancelled``: never shipped; no money changed hands.
- ``rto`` (return to origin): refused at the door, mostly cash-on-delivery orders; the cash was
  never collected, and the parcel cost two shipping legs.
- ``returned``: delivered, then sent back and refunded.

**Missing values** are never counted silently (:data:`MISSING_VALUE_RULES`): a row whose value
the metric needs is left out of numerator *and* denominator, and the result says how many rows
were left out (``Ratio.notes``; a "not measured" row in load-time tables).

>>> import pandas as pd
>>> is_sale(pd.Series(["delivered", "rto", "returned", "cancelled"])).tolist()
[True, False, False, False]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["MISSING_VALUE_RULES", "NOT_A_SALE", "ORDER_STATUSES", "SALE_STATUS", "is_sale"]

#: Every order status of the data world, in the order an order can end up in them.
ORDER_STATUSES: tuple[str, ...] = ("delivered", "returned", "rto", "cancelled")
#: The one status that is a sale: delivered and kept.
SALE_STATUS = "delivered"
#: Orders that brought no money: left out of every revenue metric by default.
NOT_A_SALE: tuple[str, ...] = tuple(s for s in ORDER_STATUSES if s != SALE_STATUS)

#: What each metric does with a missing value (documented in datasets/README.md as well).
MISSING_VALUE_RULES: dict[str, str] = {
    "session_id (sessions)": "a session without an id cannot be matched to orders or events: "
    "left out of every session metric; conversion says how many",
    "session_id (orders, events)": "an order or event without a session cannot be attributed: "
    "it converts no session; bounce and cart abandonment say how many events were left out",
    "net_value": "an order without a value still converts its session, but is left out of "
    "revenue and of the order count of AOV; AOV says how many",
    "customer_id": "an order without a customer cannot be a repeat purchase: left out of repeat "
    "purchase (which says how many) and of cohort tables",
    "page_load_ms": "a session without a load time gets its own 'not measured' row in conversion "
    "by load time, and is left out of the percentiles and of the decay fit (which say how many)",
}


def is_sale(status: pd.Series) -> pd.Series:
    """True where an order status is a sale (delivered and kept)."""
    return status == SALE_STATUS
