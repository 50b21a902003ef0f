"""Shared plumbing: column checks, the orders that count as sales, missing values, HTML tables."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from .definitions import NOT_A_SALE as NOT_A_SALE


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


def _known(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, int]:
    """The rows where ``column`` is known, and how many were left out (see definitions)."""
    missing = frame[column].isna()
    n = int(missing.sum())
    return (frame[~missing] if n else frame), n


def _left_out(n: int, what: str, why: str) -> tuple[str, ...]:
    """A note for a result: ``('3 orders without a net_value left out',)``, or nothing."""
    if not n:
        return ()
    return (f"{n:,} {what if n == 1 else what + 's'} {why} left out",)


def _name(code: object) -> str:
    """A code as words for a sentence or a chart: ``mobile_web`` → ``mobile web``."""
    return str(code).replace("_", " ")


def _html_table(title: str, frame: pd.DataFrame, note: str = "") -> str:
    note_html = f"<p>{html.escape(note)}</p>" if note else ""
    # callers pass tables already made readable (percentages, ₹); other floats get 2 decimals
    return f"<div><b>{html.escape(title)}</b>{note_html}{frame.to_html(float_format='{:,.2f}'.format)}</div>"
