"""Period arithmetic for cohort tables: bucket timestamps, age cohorts, hide cells not yet seen."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _local_time


def _period_index(ts: pd.Series, period: str) -> pd.Series:
    return _local_time(ts).dt.to_period(period)


def _ages(cohorts: pd.Index, last: pd.Period) -> np.ndarray:
    """How many periods each cohort has been observed for (its oldest possible age)."""
    return np.array([last.ordinal - c.ordinal for c in cohorts], dtype=int)


def _all_ages(table: pd.DataFrame, last: pd.Period) -> pd.DataFrame:
    # An age with no orders at all still deserves a column (of zeros), so the grid is complete.
    n = int(_ages(table.index, last).max()) + 1 if len(table) else 1
    return table.reindex(columns=range(n), fill_value=0)


def _mask_unseen(table: pd.DataFrame, last: pd.Period) -> pd.DataFrame:
    # Cells later than the data reaches are unknown, not zero: a zero would read as churn.
    seen = np.arange(table.shape[1])[None, :] <= _ages(table.index, last)[:, None]
    return table.where(seen)


def _period_diff(a: pd.Series, b: pd.Series) -> pd.Series:
    return pd.Series(
        [x.ordinal - y.ordinal for x, y in zip(a, b, strict=False)], index=a.index, dtype="int64"
    )
