"""Integrating internal systems: one row per customer from orders, inventory and support.

Each team's system has its own keys: orders know ``customer_id`` and ``order_id``, the
warehouse knows ``product_id`` and ``date``, support knows ``contact_id`` and (sometimes) an
``order_id``. A "360° customer view" is a chain of joins, and every join can silently lose rows
(a contact logged without an order number, an item whose stock was never recorded that day).
:func:`audited_merge` keeps the receipts: for each join, the keys and what did not match.

>>> import pandas as pd
>>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["c1", "c9"]})
>>> customers = pd.DataFrame({"customer_id": ["c1", "c2"]})
>>> merged, step = audited_merge(orders, customers, on="customer_id", name="orders → customers")
>>> step.unmatched_left, step.unmatched_right
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pm_toolkit.collection._display import html_card


@dataclass(frozen=True)
class JoinStep:
    """One join: its keys, the rows on each side, and the rows that found no partner."""

    name: str
    keys: tuple[str, ...]
    left_rows: int
    right_rows: int
    matched_left: int
    unmatched_left: int
    unmatched_right: int


def audited_merge(
    left: pd.DataFrame,
    right: pd.DataFrame,
    on: str | Sequence[str],
    *,
    name: str,
    how: str = "left",
) -> tuple[pd.DataFrame, JoinStep]:
    """``left.merge(right, on=on, how=how)`` plus a :class:`JoinStep` of what did not match.

    ``unmatched_left`` counts left rows with no partner (they get empty right-hand columns in
    a left join); ``unmatched_right`` counts right rows no left row points to (dropped).
    """
    keys = [on] if isinstance(on, str) else list(on)
    for side, frame in (("left", left), ("right", right)):
        missing = [k for k in keys if k not in frame.columns]
        if missing:
            raise ValueError(f"{name}: the {side} table has no key column(s) {missing}")
    if right.duplicated(keys).any() and how == "left":
        raise ValueError(
            f"{name}: the right table has several rows per {keys}, so the join would multiply "
            "left rows; aggregate it to one row per key first"
        )
    left_keys = pd.MultiIndex.from_frame(left[keys])
    right_keys = pd.MultiIndex.from_frame(right[keys])
    in_right = left_keys.isin(right_keys)
    in_left = right_keys.isin(left_keys)
    step = JoinStep(
        name=name,
        keys=tuple(keys),
        left_rows=len(left),
        right_rows=len(right),
        matched_left=int(in_right.sum()),
        unmatched_left=int((~in_right).sum()),
        unmatched_right=int((~in_left).sum()),
    )
    merged = left.merge(right, on=keys, how=how)
    return merged, step


@dataclass(frozen=True)
class CustomerView:
    """The joined customer table and the audit of every join that built it."""

    frame: pd.DataFrame = field(repr=False)
    joins: tuple[JoinStep, ...] = field(repr=False)

    def join_report(self) -> pd.DataFrame:
        """One row per join: keys, sizes and unmatched rows on each side."""
        rows = [
            {
                "join": s.name,
                "keys": ", ".join(s.keys),
                "left_rows": s.left_rows,
                "right_rows": s.right_rows,
                "unmatched_left": s.unmatched_left,
                "unmatched_right": s.unmatched_right,
            }
            for s in self.joins
        ]
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        lost = ", ".join(f"{s.name}: {s.unmatched_left:,}" for s in self.joins)
        return (
            f"CustomerView({len(self.frame):,} customers × {self.frame.shape[1]} columns; "
            f"left rows without a partner per join: {lost})"
        )

    def _repr_html_(self) -> str:
        facts = [("customers", f"{len(self.frame):,}"), ("columns", ", ".join(self.frame.columns))]
        return html_card("Customer 360: what each join kept and lost", facts, self.join_report())


def customer_360(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    inventory: pd.DataFrame,
    support_contacts: pd.DataFrame,
    *,
    low_stock: int = 0,
) -> CustomerView:
    """One row per customer: orders and spend, items bought while stock was low, support contacts.

    Joins (each audited): orders → customers on ``customer_id``; order_items → orders on
    ``order_id``; items → daily stock (``on_hand`` summed over warehouses) on ``product_id`` and
    the order's date; support_contacts → orders on ``order_id``; and the per-customer summaries
    back onto customers. An item counts as "sold at low stock" when that day's total stock was
    at most ``low_stock`` (an oversell risk the support team later hears about).
    """
    joins = []
    o, step = audited_merge(
        orders, customers[["customer_id"]], on="customer_id", name="orders → customers"
    )
    joins.append(step)

    items, step = audited_merge(
        order_items,
        orders[["order_id", "customer_id", "order_ts"]],
        on="order_id",
        name="order_items → orders",
    )
    joins.append(step)

    stock = inventory.groupby(["product_id", "date"], as_index=False)["on_hand"].sum()
    stock["date"] = pd.to_datetime(stock["date"]).dt.date
    items["date"] = pd.to_datetime(items["order_ts"]).dt.date
    items, step = audited_merge(
        items, stock, on=["product_id", "date"], name="order_items → inventory (product, day)"
    )
    joins.append(step)
    items["low_stock_item"] = items["on_hand"].le(low_stock)

    with_order = support_contacts[support_contacts["order_id"].notna()]
    _contacts, step = audited_merge(
        with_order,
        orders[["order_id", "status"]],
        on="order_id",
        name="support_contacts → orders (order_id)",
    )
    joins.append(step)

    per_order = o.groupby("customer_id").agg(
        orders=("order_id", "nunique"),
        net_spend=("net_value", "sum"),
        returned_or_rto=("status", lambda s: int(s.isin(["returned", "rto"]).sum())),
    )
    per_item = items.groupby("customer_id").agg(
        items=("quantity", "sum"), low_stock_items=("low_stock_item", "sum")
    )
    per_contact = support_contacts.groupby("customer_id").agg(
        support_contacts=("contact_id", "nunique"),
        top_reason=("reason", lambda s: s.value_counts().index[0]),
    )
    summary = per_order.join(per_item, how="outer").join(per_contact, how="outer").reset_index()
    base = customers[[c for c in customers.columns if c != "segment"]]
    frame, step = audited_merge(base, summary, on="customer_id", name="customers ← summaries")
    joins.append(step)
    for col in ("orders", "items", "low_stock_items", "support_contacts", "returned_or_rto"):
        frame[col] = frame[col].fillna(0).astype(int)
    frame["net_spend"] = frame["net_spend"].fillna(0.0)
    return CustomerView(frame=frame, joins=tuple(joins))
