"""The customer's path: the shopping funnel within a session, and cohort retention across weeks.

(Named ``journey`` rather than ``funnel`` so the module does not shadow the :func:`funnel`
function re-exported by :mod:`pm_toolkit.metrics`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._cohorts import _all_ages, _mask_unseen, _period_diff, _period_index
from ._common import NOT_A_SALE, _html_table, _require, _sales

__all__ = ["FUNNEL_STEPS", "Funnel", "cohort_retention", "funnel"]


#: The shopping funnel, in the order a session moves through it.
FUNNEL_STEPS: tuple[str, ...] = (
    "page_view",
    "product_view",
    "add_to_cart",
    "begin_checkout",
    "purchase",
)


@dataclass(frozen=True)
class Funnel:
    """Sessions reaching each funnel step, with step-to-step and overall rates.

    ``table`` has one row per step: ``sessions``, ``step_rate`` (share of the previous step
    that reached this one) and ``overall_rate`` (share of the first step).
    """

    table: pd.DataFrame = field(repr=False)
    closed: bool = True

    @property
    def steps(self) -> list[str]:
        return list(self.table.index)

    def rate(self, step: str) -> float:
        """Step rate into ``step`` from the step before it."""
        return float(self.table.loc[step, "step_rate"])

    def biggest_drop(self) -> str:
        """The step that loses the largest share of the sessions that reached the previous one."""
        return str(self.table["step_rate"].iloc[1:].idxmin())

    def __repr__(self) -> str:
        parts = [f"{s}={int(n):,}" for s, n in self.table["sessions"].items()]
        return f"Funnel({', '.join(parts)}; overall {self.table['overall_rate'].iloc[-1]:.2%})"

    def _repr_html_(self) -> str:
        kind = "closed (each step requires the earlier ones)" if self.closed else "open"
        from pm_toolkit.findings import tidy_table

        shown = tidy_table(self.table, pct=["step_rate", "overall_rate"])
        return _html_table("Funnel", shown, f"{kind} funnel, counted in sessions")


def funnel(
    events: pd.DataFrame, steps: Sequence[str] = FUNNEL_STEPS, closed: bool = True
) -> Funnel:
    """Sessions reaching each step of the funnel, with step and overall rates.

    ``closed=True`` counts a session at a step only if it also reached every earlier step (the
    usual checkout-funnel view); ``closed=False`` counts any session with that event.

    >>> e = pd.DataFrame({"session_id": [1, 1, 1, 2, 2, 3],
    ...                   "event_type": ["page_view", "add_to_cart", "purchase",
    ...                                  "page_view", "add_to_cart", "page_view"]})
    >>> funnel(e, steps=("page_view", "add_to_cart", "purchase")).table["sessions"].tolist()
    [3, 2, 1]
    """
    _require(events, "events", ["session_id", "event_type"])
    if len(steps) < 2:
        raise ValueError(f"a funnel needs at least two steps; got {list(steps)}")
    # one row per session with any funnel event, one column per step: did it get there?
    # (a crosstab gives the same matrix but took ≈ 1.5 s on a lesson's events; this ≈ 20 ms)
    step_of = pd.Index(list(steps)).get_indexer(events["event_type"])
    relevant = step_of >= 0
    sessions, uniques = pd.factorize(events["session_id"][relevant])  # no id: code -1, left out
    hit = np.zeros((len(uniques), len(steps)), dtype=bool)
    known = sessions >= 0
    hit[sessions[known], step_of[relevant][known]] = True
    if closed:
        hit = np.logical_and.accumulate(hit, axis=1)
    counts = hit.sum(axis=0).astype(int)
    table = pd.DataFrame({"sessions": counts}, index=pd.Index(list(steps), name="step"))
    prev = np.r_[counts[0], counts[:-1]].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["step_rate"] = np.where(prev > 0, counts / prev, np.nan)
        table["overall_rate"] = counts / counts[0] if counts[0] else np.nan
    return Funnel(table=table, closed=closed)


def cohort_retention(
    orders: pd.DataFrame,
    period: str = "W",
    exclude_statuses: Sequence[str] = NOT_A_SALE,
    time_column: str = "order_ts",
) -> pd.DataFrame:
    """Cohort retention: share of each first-purchase cohort that orders again k periods later.

    Rows are cohorts (the period of a customer's first order), columns are periods since that
    first order (0, 1, 2, …), values are the share of the cohort with an order in that period.
    Column 0 is always 1. Cells the data cannot have seen yet are NaN, not 0. Only sales count
    (delivered and kept; see :mod:`~pm_toolkit.metrics.definitions`); rows without a customer are
    left out.

    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["delivered"] * 3,
    ...     "order_ts": pd.to_datetime(["2026-01-05", "2026-01-13", "2026-01-06"])})
    >>> cohort_retention(o).iloc[0].tolist()
    [1.0, 0.5]
    """
    _require(orders, "orders", ["customer_id", time_column])
    sales = _sales(orders, exclude_statuses).dropna(subset=["customer_id", time_column])
    per = _period_index(sales[time_column], period)
    frame = pd.DataFrame({"customer_id": sales["customer_id"].to_numpy(), "per": per.to_numpy()})
    first = frame.groupby("customer_id")["per"].transform("min")
    frame["cohort"] = first
    frame["age"] = _period_diff(frame["per"], first)
    active = frame.drop_duplicates(["customer_id", "age"])
    counts = active.pivot_table(
        index="cohort", columns="age", values="customer_id", aggfunc="count", fill_value=0
    )
    counts = _all_ages(counts, per.max())
    share = counts.div(counts[0], axis=0).astype(float)
    share = _mask_unseen(share, per.max())
    share.columns.name = f"periods since first order ({period})"
    return share
