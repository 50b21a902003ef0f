"""Sentences built from the learner's data: what a lesson or a model answer says is true of it.

A lesson never types a number or a direction ("rose", "significant", "the best offer") into its
prose: it calls a function that computes the fact and words it. Those functions return a
:class:`Finding`: the Markdown a learner reads plus ``facts``, the values the words rest on, so a
test can recompute each fact independently for several learner ids and check the words.

The wording helpers keep the vocabulary in one place:

>>> direction(0.82)
'rose'
>>> direction(-0.2, up="grew", down="shrank")
'shrank'
>>> direction(0.001, flat_below=0.01)
'held steady'
>>> change_phrase(0.82, "Sessions")
'Sessions rose 82%'
>>> significance(-0.0102, -0.0012)
'significantly lower'
>>> significance(-0.01, 0.02)
'not significantly different'
>>> f = Finding("Sessions rose 82%", {"sessions_growth": 0.82})
>>> f.facts["sessions_growth"] > 0, str(f)
(True, 'Sessions rose 82%')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pm_toolkit.formatting import format_inr, format_inr_compact, format_pct

__all__ = [
    "Finding",
    "change_phrase",
    "direction",
    "say",
    "significance",
    "tidy_table",
]


@dataclass(frozen=True)
class Finding:
    """A sentence about the learner's data (``text``, Markdown) and the facts it states.

    ``facts`` maps a name to the value the words rest on (a growth rate, a p-value, the name of
    the winning option), so tests can check the words against an independent computation.
    """

    text: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


def direction(
    change: float,
    *,
    up: str = "rose",
    down: str = "fell",
    flat: str = "held steady",
    flat_below: float = 0.0,
) -> str:
    """The word for a change: ``up`` if positive, ``down`` if negative, ``flat`` if within
    ``flat_below`` of zero (or exactly zero, or missing)."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return flat
    if abs(change) <= flat_below:
        return flat
    return up if change > 0 else down


def change_phrase(
    change: float,
    subject: str,
    *,
    up: str = "rose",
    down: str = "fell",
    flat: str = "held steady",
    flat_below: float = 0.0,
    decimals: int = 0,
) -> str:
    """``"Sessions rose 82%"``: a subject, the direction word and the size of a relative change."""
    word = direction(change, up=up, down=down, flat=flat, flat_below=flat_below)
    if word == flat:
        return f"{subject} {flat}"
    return f"{subject} {word} {format_pct(abs(change), decimals)}"


def significance(
    ci_low: float,
    ci_high: float,
    *,
    higher: str = "significantly higher",
    lower: str = "significantly lower",
    neither: str = "not significantly different",
) -> str:
    """Words for a confidence interval of a difference (treatment − control): significant
    only when the whole interval sits on one side of zero."""
    if ci_low > 0:
        return higher
    if ci_high < 0:
        return lower
    return neither


def say(text: Any) -> None:
    """Show a sentence (a :class:`Finding` or Markdown text) in the notebook, or print it."""
    body = text.text if isinstance(text, Finding) else str(text)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: the words still reach the reader
        print(body)
        return
    if get_ipython() is None:
        print(body)
    else:
        display(Markdown(body))


def tidy_table(
    frame: Any,
    *,
    money: Iterable[str] = (),
    compact_money: Iterable[str] = (),
    pct: Iterable[str] = (),
    decimals: int = 1,
    pct_decimals: int = 1,
) -> Any:
    """A copy of ``frame`` ready to read: rupees with Indian grouping (``money``) or in
    lakh/crore (``compact_money``), rates as percentages (``pct``), other floats rounded to
    ``decimals``. Values become text, so use it for display only, never for further sums.

    >>> import pandas as pd
    >>> t = tidy_table(pd.DataFrame({"revenue": [66021344.26], "share": [0.1234]}),
    ...                compact_money=["revenue"], pct=["share"])
    >>> t.iloc[0].tolist()
    ['₹6.6 crore', '12.3%']
    """
    out = frame.copy()
    money, compact_money, pct = set(money), set(compact_money), set(pct)
    unknown = (money | compact_money | pct) - set(out.columns)
    if unknown:
        raise ValueError(f"tidy_table: no column(s) {sorted(unknown)} in {list(out.columns)}")
    for col in out.columns:
        if col in money:
            out[col] = out[col].map(format_inr)
        elif col in compact_money:
            out[col] = out[col].map(format_inr_compact)
        elif col in pct:
            out[col] = out[col].map(lambda v: format_pct(v, pct_decimals))
        elif out[col].dtype.kind == "f":
            out[col] = out[col].round(decimals)
    return out
