"""Formatting shared by the experiment result records: plain-text and HTML cards.

Kept private: learners see the records' ``__repr__`` and ``_repr_html_``, never these helpers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from pm_toolkit.formatting import format_inr, format_pct


def pct(value: float, decimals: int = 2) -> str:
    """A rate as a percentage, ``'5.12%'``; ``'n/a'`` for NaN (see :func:`format_pct`)."""
    return format_pct(value, decimals)


def signed_pct(value: float, decimals: int = 1) -> str:
    """A relative change, ``'+12.3%'``."""
    return "n/a" if not math.isfinite(value) else f"{100 * value:+.{decimals}f}%"


def signed_pp(value: float, decimals: int = 2) -> str:
    """An absolute change in a rate, in percentage points: ``'+0.62 pp'``."""
    return "n/a" if not math.isfinite(value) else f"{100 * value:+.{decimals}f} pp"


def amount(value: float, unit: str = "", decimals: int = 2, signed: bool = False) -> str:
    """A number with an optional unit: ``'₹1,234.50'``, ``'+35.2 ms'``.

    Rupees (``'₹'``, ``'Rs'``) use Indian digit grouping, like :func:`format_inr`:

    >>> amount(1234567.5, "₹"), amount(-250000, "Rs", 0, signed=True), amount(35.25, "ms", 1)
    ('₹12,34,567.50', '-Rs2,50,000', '35.2 ms')
    """
    if not math.isfinite(value):
        return "n/a"
    sign = ("+" if value >= 0 else "-") if signed else ("-" if value < 0 else "")
    if unit in ("₹", "Rs"):
        return f"{sign}{unit}{format_inr(abs(value), decimals).removeprefix('₹')}"
    body = f"{abs(value):,.{decimals}f}"
    if unit == "$":
        return f"{sign}{unit}{body}"
    return f"{sign}{body}{(' ' + unit) if unit else ''}"


def p_value(p: float) -> str:
    """A p-value the way a report prints it: ``'0.012'``, ``'0.0034'``, ``'3.2e-05'``."""
    if not math.isfinite(p):
        return "n/a"
    return f"{p:.1e}" if p < 1e-4 else f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def card(title: str, rows: Sequence[tuple[str, str]], verdict: str, ok: bool | None) -> str:
    """A small HTML table with a verdict line; an icon and words, never colour alone."""
    icon = {True: "✅", False: "⚠️", None: "ℹ️"}[ok]
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return (
        f"<div class='pm-result'><strong>{html.escape(title)}</strong>"
        f"<table>{body}</table><p>{icon} {html.escape(verdict)}</p></div>"
    )
