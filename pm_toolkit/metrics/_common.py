"""Shared plumbing: column checks, the orders that count as sales, and HTML tables for results."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

#: Orders that never became a sale; excluded from revenue metrics by default.
NOT_A_SALE: tuple[str, ...] = ("cancelled",)


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} needs the column(s) {missing}; it has {list(frame.columns)}. "
            f"Load it with data.load({name!r})."
        )


def _local_time(ts: pd.Series) -> pd.Series:
    # Drop the timezone: days and periods are calendar buckets in local (IST) time.
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        return ts.dt.tz_localize(None)
    return ts


def _sales(orders: pd.DataFrame, exclude_statuses: Sequence[str]) -> pd.DataFrame:
    if not exclude_statuses:
        return orders
    _require(orders, "orders", ["status"])
    return orders[~orders["status"].isin(list(exclude_statuses))]


def _html_table(title: str, frame: pd.DataFrame, note: str = "") -> str:
    note_html = f"<p>{html.escape(note)}</p>" if note else ""
    return f"<div><b>{html.escape(title)}</b>{note_html}{frame.to_html(float_format='{:,.4f}'.format)}</div>"
