"""Train on the past, test on the future: a time-based split.

A model is used on orders that have not happened yet, so it must be judged on orders placed
after everything it learned from. A random split lets it peek at the future (next month's
customers and prices leak into training) and flatters the score.

>>> import pandas as pd
>>> df = pd.DataFrame({"ts": pd.to_datetime(["2025-08-30", "2025-09-02", "2025-09-05"])})
>>> s = time_split(df, "ts", "2025-09-01")
>>> len(s.train), len(s.test)
(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Split:
    """Rows before ``cutoff`` (``train``) and from ``cutoff`` on (``test``)."""

    train: pd.DataFrame
    test: pd.DataFrame
    cutoff: pd.Timestamp

    def __repr__(self) -> str:
        return (
            f"Split(train={len(self.train):,} rows before {self.cutoff:%d %b %Y}, "
            f"test={len(self.test):,} rows from then on)"
        )


def time_split(frame: pd.DataFrame, ts_col: str, cutoff: str | pd.Timestamp) -> Split:
    """Split ``frame`` at ``cutoff`` on column ``ts_col`` (a date in the column's time zone)."""
    if ts_col not in frame.columns:
        raise ValueError(f"time_split: no column {ts_col!r}; have {list(frame.columns)}")
    ts = frame[ts_col]
    cut = pd.Timestamp(cutoff)
    tz = getattr(ts.dt, "tz", None)
    if tz is not None and cut.tzinfo is None:
        cut = cut.tz_localize(tz)
    before = ts < cut
    if before.all() or not before.any():
        raise ValueError(f"time_split: {cutoff} leaves one side empty; pick a date inside the data")
    return Split(frame[before].reset_index(drop=True), frame[~before].reset_index(drop=True), cut)
