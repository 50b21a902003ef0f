"""Metrics by segment: per-segment breakdowns and the mix-shift (Simpson's paradox) decomposition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._common import NOT_A_SALE, _html_table, _require, _sales
from .tables import session_table

__all__ = ["SEGMENTS", "MixShift", "breakdown", "mix_shift"]


#: Segment columns a PM reads metrics by; the first three live on sessions, the last on orders.
SEGMENTS: tuple[str, ...] = ("device", "city_tier", "channel", "payment_method")


@dataclass(frozen=True)
class MixShift:
    """A metric compared across two periods, segment by segment, with the change decomposed.

    ``change = within + mix``: ``within`` is the part due to segment rates changing (weighted by
    the new mix), ``mix`` the part due only to traffic moving between segments (at the old rates).
    ``paradox`` is True when every segment moved one way and the total moved the other
    (Simpson's paradox).
    """

    table: pd.DataFrame = field(repr=False)
    by: str
    before: float
    after: float
    within: float
    mix: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def paradox(self) -> bool:
        d = self.table["rate_change"].dropna()
        if d.empty or self.change == 0:
            return False
        return bool((np.sign(d) == -np.sign(self.change)).all())

    @property
    def summary(self) -> str:
        """One line: the totals and the decomposition, in percentage points."""
        flag = " — Simpson's paradox" if self.paradox else ""
        return (
            f"by {self.by}: {self.before:.2%} → {self.after:.2%} "
            f"(change {100 * self.change:+.2f} pp = within segments {100 * self.within:+.2f} pp "
            f"+ mix {100 * self.mix:+.2f} pp){flag}"
        )

    def __repr__(self) -> str:
        return f"MixShift({self.summary})"

    def _repr_html_(self) -> str:
        from pm_toolkit.findings import tidy_table

        rates = [c for c in self.table.columns if c.startswith(("share_", "rate_"))]
        return _html_table(self.summary, tidy_table(self.table, pct=rates, pct_decimals=2))


def breakdown(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    by: str,
    exclude_statuses: Sequence[str] = NOT_A_SALE,
) -> pd.DataFrame:
    """Metrics per segment, each a ratio of sums within the segment.

    For a session column (``device``, ``city_tier``, ``channel``, ``landing_page``): ``sessions``,
    ``share_of_sessions``, ``converted``, ``conversion_rate``, ``revenue``, ``orders``, ``aov``.
    For an order column (``payment_method``, ``status``): ``orders``, ``share_of_orders``,
    ``revenue``, ``aov`` and the share of orders cancelled / returned / RTO.
    Conversion uses every placed order; revenue and AOV count sales only (they leave out
    ``exclude_statuses``; see :mod:`~pm_toolkit.metrics.definitions`). Rows whose segment is
    missing form their own row (index NaN), so the rows always add up to the total.

    >>> s = pd.DataFrame({"session_id": [1, 2, 3], "device": ["app", "app", "desktop"]})
    >>> o = pd.DataFrame({"session_id": [1, 3], "net_value": [200.0, 600.0],
    ...                   "status": ["delivered", "delivered"]})
    >>> breakdown(s, o, "device")["conversion_rate"].tolist()
    [0.5, 1.0]
    """
    if by in sessions.columns:
        table = session_table(sessions, orders)
        sales = session_table(sessions, orders, exclude_statuses)
        g = table.groupby(by, observed=True, sort=True, dropna=False)
        out = pd.DataFrame({"sessions": g.size(), "converted": g["converted"].sum().astype(int)})
        gs = sales.groupby(by, observed=True, sort=True, dropna=False)
        out["revenue"] = gs["revenue"].sum()
        out["orders"] = gs["orders"].sum().astype(int)
        out["share_of_sessions"] = out["sessions"] / out["sessions"].sum()
        out["conversion_rate"] = out["converted"] / out["sessions"]
        out["aov"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
        return out[
            [
                "sessions",
                "share_of_sessions",
                "converted",
                "conversion_rate",
                "orders",
                "revenue",
                "aov",
            ]
        ]
    if by in orders.columns:
        _require(orders, "orders", ["status", "net_value"])
        g = orders.groupby(by, observed=True, sort=True, dropna=False)
        out = pd.DataFrame({"orders": g.size()})
        out["share_of_orders"] = out["orders"] / out["orders"].sum()
        for status in ("cancelled", "returned", "rto"):
            out[f"{status}_share"] = g["status"].apply(lambda s, st=status: (s == st).mean())
        valued = _sales(orders, exclude_statuses).dropna(subset=["net_value"])
        sales = valued.groupby(by, observed=True, dropna=False)
        out["revenue"] = sales["net_value"].sum().reindex(out.index, fill_value=0.0)
        n_sales = sales.size().reindex(out.index, fill_value=0)
        out["aov"] = out["revenue"] / n_sales.where(n_sales > 0)
        return out
    raise ValueError(
        f"cannot break down by {by!r}: it is neither a sessions column "
        f"{list(sessions.columns)} nor an orders column {list(orders.columns)}"
    )


def mix_shift(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    by: str,
    split: str | pd.Timestamp,
    time_column: str = "start_ts",
) -> MixShift:
    """Compare conversion before and after ``split`` by segment, and decompose the change.

    With segment shares w and rates c in the two periods (0 before, 1 after), the change splits
    exactly into ``Σ w1·(c1 − c0)`` (within segments) ``+ Σ (w1 − w0)·c0`` (mix). When traffic
    shifts towards a low-converting segment (say, mobile web during a festive campaign), the
    total can fall even though every segment improved: Simpson's paradox.

    >>> s = pd.DataFrame({"session_id": range(11),
    ...     "device": ["desktop"] * 5 + ["mobile_web"] * 6,
    ...     "start_ts": pd.to_datetime(["2026-01-01"] * 4 + ["2026-02-01"]
    ...                                + ["2026-01-01"] + ["2026-02-01"] * 5)})
    >>> o = pd.DataFrame({"session_id": [0, 1, 4, 6], "net_value": [1.0] * 4})
    >>> m = mix_shift(s, o, "device", "2026-01-15")  # desktop 50% → 100%, mobile 0% → 20%
    >>> round(m.before, 3), round(m.after, 3), m.paradox
    (0.4, 0.333, True)
    """
    _require(sessions, "sessions", [by, time_column])
    table = session_table(sessions, orders)
    ts = table[time_column]
    cut = pd.Timestamp(split)
    if isinstance(ts.dtype, pd.DatetimeTZDtype) and cut.tzinfo is None:
        cut = cut.tz_localize(ts.dt.tz)
    after = ts >= cut
    if after.all() or not after.any():
        raise ValueError(
            f"split {split} leaves one period empty; pick a date between "
            f"{ts.min():%Y-%m-%d} and {ts.max():%Y-%m-%d}"
        )
    parts = {}
    for name, mask in (("before", ~after), ("after", after)):
        g = table[mask].groupby(by, observed=True)["converted"].agg(["size", "sum"])
        parts[name] = g
    seg = parts["before"].index.union(parts["after"].index)
    b, a = (parts[k].reindex(seg, fill_value=0) for k in ("before", "after"))
    out = pd.DataFrame(index=seg)
    out.index.name = by
    out["sessions_before"], out["sessions_after"] = b["size"], a["size"]
    out["share_before"] = b["size"] / b["size"].sum()
    out["share_after"] = a["size"] / a["size"].sum()
    out["rate_before"] = b["sum"] / b["size"].where(b["size"] > 0)
    out["rate_after"] = a["sum"] / a["size"].where(a["size"] > 0)
    out["rate_change"] = out["rate_after"] - out["rate_before"]
    total_b = b["sum"].sum() / b["size"].sum()
    total_a = a["sum"].sum() / a["size"].sum()
    within = float((out["share_after"] * out["rate_change"]).sum())
    mix = float(((out["share_after"] - out["share_before"]) * out["rate_before"]).sum())
    return MixShift(
        table=out, by=by, before=float(total_b), after=float(total_a), within=within, mix=mix
    )
