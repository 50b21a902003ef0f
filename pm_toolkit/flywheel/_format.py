"""Formatting shared by the flywheel's result records: HTML tables and rupee amounts.

Kept private: learners see the records' ``__str__`` and ``_repr_html_``, never these helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from pm_toolkit.formatting import format_inr


def _html_table(rows: Sequence[tuple[str, str]], caption: str) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table><caption>{escape(caption)}</caption>{body}</table>"


def _inr(x: float) -> str:
    """A rupee total in words a PM reads at a glance: ``'₹3.45 crore'``, ``'-₹12.35 lakh'``.

    >>> _inr(34_500_000), _inr(-1_234_567), _inr(98_765.4)
    ('₹3.45 crore', '-₹12.35 lakh', '₹98,765')
    """
    if abs(x) >= 1e7:
        return f"{format_inr(x / 1e7, 2)} crore"
    if abs(x) >= 1e5:
        return f"{format_inr(x / 1e5, 2)} lakh"
    return format_inr(x)
