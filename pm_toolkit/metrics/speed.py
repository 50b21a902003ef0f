"""Page-load speed: its percentiles, conversion by load-time bucket, and how fast conversion decays."""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import _html_table, _require
from .tables import session_table

__all__ = [
    "LOAD_TIME_EDGES_MS",
    "NOT_MEASURED",
    "LoadTimeEffect",
    "LoadTimeSummary",
    "conversion_by_load_time",
    "load_time_sensitivity",
    "load_time_summary",
]


#: The row of :func:`conversion_by_load_time` for sessions whose load time is missing.
NOT_MEASURED = "not measured"
#: Page-load buckets (milliseconds) used when relating speed to conversion.
LOAD_TIME_EDGES_MS: tuple[float, ...] = (0, 1000, 2000, 3000, 4000, 6000, math.inf)


@dataclass(frozen=True)
class LoadTimeSummary:
    """Page-load time of sessions: the mean and the percentiles that show the tail."""

    n: int
    mean_ms: float
    percentiles_ms: dict[float, float]
    #: Sessions without a load time, left out of the mean and the percentiles.
    not_measured: int = 0

    def p(self, q: float) -> float:
        """The q-th percentile in ms, e.g. ``summary.p(95)``."""
        return self.percentiles_ms[float(q)]

    def __repr__(self) -> str:
        ps = ", ".join(f"p{q:g}={v:,.0f} ms" for q, v in self.percentiles_ms.items())
        skipped = f", {self.not_measured:,} not measured" if self.not_measured else ""
        return f"LoadTimeSummary(n={self.n:,}, mean={self.mean_ms:,.0f} ms, {ps}{skipped})"

    def _repr_html_(self) -> str:
        frame = pd.DataFrame(
            {"ms": [self.mean_ms, *self.percentiles_ms.values()]},
            index=["mean", *[f"p{q:g}" for q in self.percentiles_ms]],
        )
        note = (
            f"{self.not_measured:,} sessions without a load time left out"
            if self.not_measured
            else ""
        )
        shown = frame["ms"].map("{:,.0f}".format).to_frame()
        return _html_table(f"Page-load time over {self.n:,} sessions", shown, note)


@dataclass(frozen=True)
class LoadTimeEffect:
    """How fast conversion decays with page-load time: ``CR(t) = CR0 · exp(−k · t)``.

    ``k_per_s`` is the decay per second of load time; ``pct_per_100ms`` is the relative drop in
    conversion for each extra 100 ms (1 − exp(−k/10)).
    """

    k_per_s: float
    ci_low: float
    ci_high: float
    n_sessions: int
    adjusted_for: tuple[str, ...]
    #: Sessions left out of the fit because their load time (or a segment) is missing.
    not_measured: int = 0

    @property
    def pct_per_100ms(self) -> float:
        return 1.0 - math.exp(-self.k_per_s / 10.0)

    def __repr__(self) -> str:
        adj = ", ".join(self.adjusted_for) or "nothing"
        skipped = f"; {self.not_measured:,} sessions left out" if self.not_measured else ""
        return (
            f"LoadTimeEffect(k={self.k_per_s:.3f}/s [95% CI {self.ci_low:.3f} to {self.ci_high:.3f}]"
            f", i.e. −{self.pct_per_100ms:.2%} conversion per +100 ms; adjusted for {adj}{skipped})"
        )

    def _repr_html_(self) -> str:
        return f"<div>{html.escape(repr(self))}</div>"


def load_time_summary(
    sessions: pd.DataFrame,
    percentiles: Sequence[float] = (50, 75, 90, 95, 99),
    column: str = "page_load_ms",
) -> LoadTimeSummary:
    """Mean and percentiles of page-load time, in ms (linear interpolation, as ``np.percentile``).

    Report p75/p95, not only the mean: the slowest sessions (cheap phones on patchy networks)
    are the ones that leave, and the mean hides them.

    >>> s = pd.DataFrame({"page_load_ms": [100, 200, 300, 400, 10_000]})
    >>> summary = load_time_summary(s, percentiles=(50, 95))
    >>> round(summary.mean_ms), round(summary.p(50)), round(summary.p(95))
    (2200, 300, 8080)
    """
    _require(sessions, "sessions", [column])
    x = sessions[column].dropna().to_numpy(dtype=float)
    if x.size == 0:
        raise ValueError(f"no page-load times to summarise: column {column!r} is empty")
    qs = [float(q) for q in percentiles]
    values = np.percentile(x, qs)
    return LoadTimeSummary(
        n=int(x.size),
        mean_ms=float(x.mean()),
        percentiles_ms=dict(zip(qs, map(float, values), strict=False)),
        not_measured=int(len(sessions) - x.size),
    )


def conversion_by_load_time(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    edges_ms: Sequence[float] = LOAD_TIME_EDGES_MS,
    column: str = "page_load_ms",
) -> pd.DataFrame:
    """Conversion rate per page-load bucket: ``sessions``, ``converted``, ``conversion_rate``.

    Buckets are left-closed, ``[1000, 2000)`` ms, labelled in seconds ("1–2 s"). Sessions
    without a load time are not dropped silently: they get their own last row,
    :data:`NOT_MEASURED` (only when there are any), so the rows always add up to all sessions.

    >>> s = pd.DataFrame({"session_id": [1, 2, 3, 4], "page_load_ms": [500, 800, 2500, None]})
    >>> o = pd.DataFrame({"session_id": [1, 4], "net_value": [1.0, 2.0]})
    >>> t = conversion_by_load_time(s, o, edges_ms=(0, 1000, 5000))
    >>> t["sessions"].tolist(), t["conversion_rate"].tolist()
    ([2, 1, 1], [0.5, 0.0, 1.0])
    >>> t.index[-1]
    'not measured'
    """
    _require(sessions, "sessions", [column])
    table = session_table(sessions, orders)
    labels = [_bucket_label(lo, hi) for lo, hi in itertools.pairwise(edges_ms)]
    bucket = pd.cut(table[column], bins=list(edges_ms), right=False, labels=labels)
    bucket = bucket.astype(object).where(table[column].notna(), NOT_MEASURED)
    order = labels + ([NOT_MEASURED] if table[column].isna().any() else [])
    g = table.groupby(bucket.to_numpy(), sort=False)["converted"]
    out = g.agg(["size", "sum"]).reindex(order, fill_value=0).astype(int)
    out.columns = ["sessions", "converted"]
    out.index.name = "load_time"
    out["conversion_rate"] = out["converted"] / out["sessions"].where(out["sessions"] > 0)
    return out


def _bucket_label(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"≥{lo / 1000:g} s"
    return f"{lo / 1000:g}–{hi / 1000:g} s"


def _poisson_fit(
    X: np.ndarray, y: np.ndarray, iterations: int = 50
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson regression with a log link by iteratively reweighted least squares, and its
    robust (HC0, "sandwich") standard errors: statsmodels' ``GLM(..., Poisson()).fit(cov_type=
    "HC0")`` in a few lines of numpy, so a notebook need not load scipy and statsmodels for it
    (about 100 MiB of kernel memory). ``tests/test_metrics.py`` checks it against statsmodels."""
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(max(y.mean(), 1e-12))  # the first column is the constant
    for _ in range(iterations):
        mu = np.exp(X @ beta)
        step = np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = np.exp(X @ beta)
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    meat = X.T @ (X * ((y - mu) ** 2)[:, None])
    return beta, np.sqrt(np.diag(bread @ meat @ bread))


def load_time_sensitivity(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    adjust_for: Sequence[str] = (),
    column: str = "page_load_ms",
) -> LoadTimeEffect:
    """Estimate k in ``CR(t) = CR0 · exp(−k·t)`` (t in seconds) from sessions.

    A Poisson regression with a log link of "converted" on load time (robust standard errors,
    the usual way to fit a log-linear model to a 0/1 outcome). Add segment columns to
    ``adjust_for`` when slow loads cluster in segments that convert less anyway (mobile web in
    tier-3 towns), or k will mix the two effects.
    """
    _require(sessions, "sessions", [column, *adjust_for])
    full = session_table(sessions, orders)
    table = full.dropna(subset=[column, *adjust_for])
    parts = [np.ones((len(table), 1)), table[[column]].to_numpy(dtype=float) / 1000.0]
    for col in adjust_for:
        dummies = pd.get_dummies(table[col].astype(str), prefix=col, drop_first=True, dtype=float)
        parts.append(dummies.to_numpy())
    X = np.hstack(parts)
    beta, se = _poisson_fit(X, table["converted"].to_numpy(dtype=float))
    b, s = float(beta[1]), float(se[1])
    return LoadTimeEffect(
        k_per_s=-b,
        ci_low=-b - 1.96 * s,
        ci_high=-b + 1.96 * s,
        n_sessions=len(table),
        adjusted_for=tuple(adjust_for),
        not_measured=len(full) - len(table),
    )
