"""How collection results show themselves in a notebook: a heading, a few facts, a table."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd


def html_card(
    title: str, facts: Iterable[tuple[str, str]], table: pd.DataFrame | None = None
) -> str:
    """A small HTML block: bold title, a list of label/value facts and an optional table."""
    rows = "".join(
        f"<li><b>{html.escape(label)}:</b> {html.escape(value)}</li>" for label, value in facts
    )
    parts = [f"<div class='pm-result'><p><b>{html.escape(title)}</b></p><ul>{rows}</ul>"]
    if table is not None and len(table):
        parts.append(table.head(20).to_html(index=False, border=0, na_rep="—"))
        if len(table) > 20:
            parts.append(f"<p><i>… {len(table) - 20:,} more rows</i></p>")
    parts.append("</div>")
    return "".join(parts)
