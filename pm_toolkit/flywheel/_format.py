"""Formatting shared by the flywheel's result records: HTML tables and rupee amounts.

Kept private: learners see the records' ``__str__`` and ``_repr_html_``, never these helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def _html_table(rows: Sequence[tuple[str, str]], caption: str) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table><caption>{escape(caption)}</caption>{body}</table>"


def _inr(x: float) -> str:
    if abs(x) >= 1e7:
        return f"₹{x / 1e7:,.2f} crore"
    if abs(x) >= 1e5:
        return f"₹{x / 1e5:,.2f} lakh"
    return f"₹{x:,.0f}"
