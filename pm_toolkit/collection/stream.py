"""A micro-batch event stream: replay events window by window, with live metrics and alerts.

An event-driven pipeline does not wait for a nightly report. It cuts the stream into small
windows (15 minutes, an hour, a day), updates the metrics for each window as it closes, and
raises an alert when something unusual happens: a demand spike (a festive sale going viral) or
a stock-out signal (shoppers keep adding a product that no warehouse has).

The window size is a trade-off. Small windows are fresh (you hear about a spike within
minutes) but noisy (a 15-minute window has few sessions, so its conversion jumps around by
chance: the standard error of a rate is √(p(1−p)/n)). Large windows are calm but late.

All computation is a ``groupby`` on the window, never a Python loop over events.

>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "session_id": ["a", "a", "b", "c"],
...     "event_type": ["add_to_cart", "purchase", "add_to_cart", "page_view"],
...     "ts": pd.to_datetime(["2025-10-01 10:05", "2025-10-01 10:20", "2025-10-01 10:40",
...                           "2025-10-01 11:10"]),
... })
>>> m = window_metrics(ev, "1h")
>>> m[["sessions", "purchases", "conversion"]].to_dict("list")
{'sessions': [2, 1], 'purchases': [1, 0], 'conversion': [0.5, 0.0]}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pm_toolkit.collection._display import html_card
from pm_toolkit.formatting import format_pct

if TYPE_CHECKING:
    from pm_toolkit.viz import Dashboard

#: The alert threshold slider of :func:`alert_dashboard`: (min, max, step).
_FACTOR_SLIDER = (1.2, 4.0, 0.1)


def _window(ts: pd.Series, window: str) -> pd.Series:
    try:
        width = pd.Timedelta(window)
    except ValueError as err:
        raise ValueError(
            f"window must be a duration like '15min', '1h' or '1D'; got {window!r}"
        ) from err
    if width <= pd.Timedelta(0):
        raise ValueError(f"window must be longer than zero; got {window!r}")
    return ts.dt.floor(width)


def window_metrics(events: pd.DataFrame, window: str = "1h") -> pd.DataFrame:
    """Per window: active sessions, carts, purchases, conversion, abandonment, running conversion.

    A session counts in every window in which it sent an event. Empty windows are kept (zero
    sessions, NaN rates) so the timeline has no holes.
    """
    w = _window(events["ts"], window)
    flags = pd.DataFrame(
        {
            "window": w,
            "session_id": events["session_id"],
            "cart": events["event_type"].eq("add_to_cart"),
            "buy": events["event_type"].eq("purchase"),
        }
    )
    per_session = flags.groupby(["window", "session_id"], sort=False)[["cart", "buy"]].any()
    per_session["cart_and_buy"] = per_session["cart"] & per_session["buy"]
    per = per_session.groupby(level="window").agg(
        sessions=("cart", "size"),
        carts=("cart", "sum"),
        purchases=("buy", "sum"),
        carts_bought=("cart_and_buy", "sum"),
    )
    full = pd.date_range(per.index.min(), per.index.max(), freq=pd.Timedelta(window))
    per = per.reindex(full, fill_value=0).astype(int)
    per.index.name = "window"
    with np.errstate(divide="ignore", invalid="ignore"):
        per["conversion"] = per["purchases"] / per["sessions"].replace(0, np.nan)
        per["cart_abandonment"] = 1 - per["carts_bought"] / per["carts"].replace(0, np.nan)
        per["running_conversion"] = per["purchases"].cumsum() / per["sessions"].cumsum().replace(
            0, np.nan
        )
        per["std_error"] = np.sqrt(
            per["conversion"] * (1 - per["conversion"]) / per["sessions"].replace(0, np.nan)
        )
    return per.reset_index()


def spike_alerts(
    metrics: pd.DataFrame,
    *,
    factor: float = 2.0,
    lookback_days: int = 7,
    min_sessions: int = 5,
    z: float = 3.0,
) -> pd.DataFrame:
    """Windows whose sessions exceed ``factor`` × their usual level, by more than chance allows.

    "Usual" is the median of the same time of day over the previous ``lookback_days`` days, so
    the everyday 9 pm peak is not an alert but a festive-sale evening is. Session counts vary
    by chance roughly like a Poisson count (standard deviation √baseline), so a window must
    also beat its baseline by ``z`` standard deviations: 12 sessions in a quiet night window
    where 5 are usual is not a spike.

    >>> days = pd.date_range("2025-10-01", periods=9, freq="D")
    >>> m = pd.DataFrame({"window": days, "sessions": [100] * 8 + [250]})
    >>> spike_alerts(m)[["sessions", "baseline", "ratio"]].values.tolist()
    [[250.0, 100.0, 2.5]]
    """
    if factor <= 1:
        raise ValueError(f"factor must be above 1 (a spike is more than usual); got {factor}")
    m = metrics.set_index("window")
    time_of_day = np.asarray(m.index - m.index.normalize())
    # Row order within a time-of-day group is day order, so a rolling window is "last N days".
    baseline = (
        m["sessions"]
        .groupby(time_of_day)
        .transform(
            lambda s: s.rolling(lookback_days, min_periods=min(3, lookback_days)).median().shift(1)
        )
    )
    out = m.assign(baseline=baseline)
    hit = (
        (out["sessions"] >= min_sessions)
        & (out["sessions"] > factor * out["baseline"])
        & (out["sessions"] - out["baseline"] > z * np.sqrt(out["baseline"]))
    )
    alerts = out.loc[hit, ["sessions", "baseline"]].reset_index()
    alerts["ratio"] = alerts["sessions"] / alerts["baseline"]
    alerts["alert"] = "demand spike"
    return alerts


def stockout_alerts(
    events: pd.DataFrame,
    window: str = "1D",
    *,
    inventory: pd.DataFrame | None = None,
    min_warehouses_out: int | None = None,
    min_carts: int = 3,
) -> pd.DataFrame:
    """Products shoppers want but cannot get, per window.

    With ``inventory`` (daily ``on_hand`` per product and warehouse): a product added to cart
    in a window on a day when at least ``min_warehouses_out`` warehouses had 0 units (``None``:
    every warehouse, a complete stock-out). Without it, the events-only signal: at least
    ``min_carts`` add-to-carts of the product in the window and no purchase of it.
    """
    ev = events.loc[events["product_id"].notna()]
    frame = pd.DataFrame(
        {
            "window": _window(ev["ts"], window),
            "product_id": ev["product_id"],
            "cart": ev["event_type"].eq("add_to_cart"),
            "buy": ev["event_type"].eq("purchase"),
        }
    )
    per = frame.groupby(["window", "product_id"], sort=True).agg(
        carts=("cart", "sum"), purchases=("buy", "sum")
    )
    per = per[per["carts"] > 0].reset_index()
    if inventory is None:
        hit = (per["carts"] >= min_carts) & (per["purchases"] == 0)
        per["alert"] = "stock-out signal: carted, never bought"
        return per.loc[hit].reset_index(drop=True)
    stock = (
        inventory.assign(out=inventory["on_hand"].eq(0))
        .groupby(["product_id", "date"], as_index=False)
        .agg(on_hand=("on_hand", "sum"), warehouses_out=("out", "sum"), warehouses=("out", "size"))
    )
    stock["date"] = pd.to_datetime(stock["date"]).dt.date
    per["date"] = per["window"].dt.date
    per = per.merge(stock, on=["product_id", "date"], how="left")
    need = per["warehouses"] if min_warehouses_out is None else min_warehouses_out
    hit = per["warehouses_out"].ge(need)
    per["alert"] = np.where(
        per["warehouses_out"].eq(per["warehouses"]),
        "stock-out: carted while every warehouse is empty",
        "partial stock-out: carted while some warehouses are empty",
    )
    return per.loc[hit].drop(columns="date").reset_index(drop=True)


@dataclass(frozen=True)
class WindowTradeoff:
    """How each window size trades freshness for noise, and how fast it saw a known spike."""

    table: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        rows = "; ".join(
            f"{r.window}: noise ±{100 * r.typical_std_error:.1f} pp"
            for r in self.table.itertuples()
        )
        return f"WindowTradeoff({rows})"

    def _repr_html_(self) -> str:
        t = self.table.copy()
        for col in ("conversion_spread", "typical_std_error"):
            t[col] = t[col].map(lambda v: format_pct(v, 1))
        return html_card("Window size: freshness versus noise", [], t)


def window_tradeoff(
    events: pd.DataFrame,
    windows: Sequence[str] = ("15min", "1h", "1D"),
    *,
    spike_start: pd.Timestamp | None = None,
    spike_end: pd.Timestamp | None = None,
    factor: float = 2.0,
) -> WindowTradeoff:
    """For each window size: delay until a window closes, noise of conversion, spike detection.

    ``conversion_spread`` is the standard deviation of per-window conversion (windows with at
    least one session); ``typical_std_error`` is √(p(1−p)/n) for the overall rate p and the
    median window size n. With a known spike
    period, ``hours_to_detect`` is how long after its start the first spike alert could fire
    (when its window closes) and ``false_alerts`` counts alerts outside the period.
    """
    rows = []
    for window in windows:
        m = window_metrics(events, window)
        live = m[m["sessions"] > 0]
        p = live["purchases"].sum() / live["sessions"].sum()
        typical_n = float(live["sessions"].median())
        row = {
            "window": window,
            "minutes_until_closed": pd.Timedelta(window).total_seconds() / 60,
            "windows": len(m),
            "median_sessions": typical_n,
            "conversion_spread": float(live["conversion"].std()),
            # The overall rate, not each window's own: a window with 0 buyers is not noise-free.
            "typical_std_error": float(np.sqrt(p * (1 - p) / typical_n)),
        }
        if spike_start is not None:
            end = spike_end if spike_end is not None else m["window"].max() + pd.Timedelta(window)
            summary, _ = alert_summary(m, window, factor, spike_start, end)
            row["hours_to_detect"] = summary.hours_to_first_alert
            row["alerts_in_period"] = summary.alerts_in_period
            row["false_alerts"] = summary.false_alarms
        rows.append(row)
    return WindowTradeoff(pd.DataFrame(rows))


@dataclass(frozen=True)
class Snapshot:
    """What a dashboard shows when one window closes."""

    window: pd.Timestamp
    sessions: int
    conversion: float
    running_conversion: float
    alerts: tuple[str, ...]


def replay(events: pd.DataFrame, window: str = "1h", *, factor: float = 2.0) -> Iterator[Snapshot]:
    """Replay the events as a stream: one :class:`Snapshot` per window, in time order.

    The metrics are computed once with a groupby; the generator only hands them out window by
    window, as a streaming dashboard would refresh.
    """
    m = window_metrics(events, window)
    spikes = set(spike_alerts(m, factor=factor)["window"])
    for row in m.itertuples(index=False):
        yield Snapshot(
            window=row.window,
            sessions=int(row.sessions),
            conversion=float(row.conversion),
            running_conversion=float(row.running_conversion),
            alerts=("demand spike",) if row.window in spikes else (),
        )


@dataclass(frozen=True)
class AlertSummary:
    """What one window size and threshold would have told you about a known busy period."""

    window: str
    factor: float
    alerts_in_period: int
    false_alarms: int
    hours_to_first_alert: float

    def _repr_markdown_(self) -> str:
        wait = (
            "no alert fired in the period"
            if np.isnan(self.hours_to_first_alert)
            else f"first alert **{self.hours_to_first_alert:.1f} h** after it began"
        )
        return (
            f"Window **{self.window}**, threshold **{self.factor:.1f}×**: {wait}; "
            f"{self.alerts_in_period} alerts inside it, **{self.false_alarms}** false alarms outside."
        )


def alert_summary(
    metrics: pd.DataFrame, window: str, factor: float, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[AlertSummary, pd.DataFrame]:
    """Spike alerts for ``metrics`` split into inside ``[start, end)`` and false alarms outside."""
    a = spike_alerts(metrics, factor=factor)
    width = pd.Timedelta(window)
    a["in_period"] = (a["window"] + width > start) & (a["window"] < end)
    first = a.loc[a["in_period"], "window"].min()
    wait = (first + width - start) / pd.Timedelta("1h") if pd.notna(first) else float("nan")
    summary = AlertSummary(
        window=window,
        factor=float(factor),
        alerts_in_period=int(a["in_period"].sum()),
        false_alarms=int((~a["in_period"]).sum()),
        hours_to_first_alert=float(wait),
    )
    return summary, a


def alert_dashboard(
    events: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    windows: Sequence[str] = ("15min", "1h", "6h", "1D"),
    factor: float = 1.5,
) -> Dashboard:
    """A :class:`pm_toolkit.viz.Dashboard`: pick a window and a threshold, see alerts and false alarms.

    ``start``/``end`` bound the known busy period (e.g. a sale week); the threshold slider
    starts at ``factor``. ``dash.update(window="1D", factor=1.5)`` redraws; ``dash.result`` is
    the :class:`AlertSummary`.
    """
    import ipywidgets as widgets
    import matplotlib.dates as mdates

    from pm_toolkit import viz

    lo, hi, step = _FACTOR_SLIDER
    if not lo <= factor <= hi:
        raise ValueError(f"factor must be between {lo} and {hi} (the slider's range); got {factor}")

    cache: dict[str, pd.DataFrame] = {}

    def render(window: str, factor: float) -> AlertSummary:
        if window not in cache:
            cache[window] = window_metrics(events, window)
        m = cache[window]
        summary, a = alert_summary(m, window, factor, start, end)
        _fig, ax = viz.new_axes()
        ax.plot(m["window"], m["sessions"], color=viz.PALETTE[0], lw=0.6)
        ax.axvspan(start, end, color=viz.PALETTE[1], alpha=0.15, label="busy period")
        inside = a["in_period"]
        ax.scatter(
            a.loc[inside, "window"],
            a.loc[inside, "sessions"],
            color=viz.PALETTE[5],
            zorder=3,
            label="alert in the period",
        )
        ax.scatter(
            a.loc[~inside, "window"],
            a.loc[~inside, "sessions"],
            color=viz.PALETTE[3],
            marker="x",
            zorder=3,
            label="false alarm",
        )
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b", tz=start.tz))
        viz.finish(
            ax,
            title=f"{summary.alerts_in_period} alerts in the busy period, "
            f"{summary.false_alarms} false alarms",
            xlabel="Window start (IST)",
            ylabel=f"Sessions per {window} window",
        )
        return summary

    return viz.Dashboard(
        render,
        window=widgets.Dropdown(options=list(windows), value=windows[min(1, len(windows) - 1)]),
        factor=widgets.FloatSlider(
            value=factor, min=lo, max=hi, step=step, continuous_update=False
        ),
    )
