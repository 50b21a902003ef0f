"""The interactive metrics dashboard: pick a segment and dates, read conversion, AOV and revenue."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from pm_toolkit.formatting import format_inr, format_inr_compact
from pm_toolkit.viz_svg import Series, line_chart

from ._common import NOT_A_SALE, _local_time, _require
from .tables import session_table

__all__ = ["DashboardView", "metrics_dashboard"]


@dataclass(frozen=True)
class DashboardView:
    """What the metrics dashboard shows for one choice of segment and dates.

    ``daily`` is the segment's conversion rate per day of the range (NaN on days without a
    session); the HTML view draws it as a small trend line next to the KPI tiles. Revenue and
    AOV count sales only (delivered and kept; see :mod:`~pm_toolkit.metrics.definitions`).
    The view says its finding once, as its heading; the chart's title names what it draws.
    """

    label: str
    first_day: str
    last_day: str
    sessions: int
    converted: int
    orders: int
    revenue: float
    all_conversion: float
    all_aov: float
    daily: tuple[float, ...] = field(default=(), repr=False)

    @property
    def conversion_rate(self) -> float:
        return self.converted / self.sessions if self.sessions else math.nan

    @property
    def aov(self) -> float:
        return self.revenue / self.orders if self.orders else math.nan

    @property
    def finding(self) -> str:
        """One sentence comparing the segment with everyone over the same dates."""
        cr = self.conversion_rate
        if math.isnan(cr):
            return f"No sessions for {self.label} in these dates"
        if self.all_conversion and abs(cr / self.all_conversion - 1) < 0.05:
            return f"{self.label} converts about as well as everyone ({cr:.2%})"
        side = "better" if cr > self.all_conversion else "worse"
        return f"{self.label} converts {side} than everyone: {cr:.2%} vs {self.all_conversion:.2%}"

    def __repr__(self) -> str:
        return (
            f"DashboardView({self.label}, {self.first_day} to {self.last_day}: "
            f"{self.sessions:,} sessions, conversion {self.conversion_rate:.2%} "
            f"(everyone: {self.all_conversion:.2%}), AOV {format_inr(self.aov)} "
            f"(everyone: {format_inr(self.all_aov)}), revenue {format_inr_compact(self.revenue)})"
        )

    def _repr_html_(self) -> str:
        def cell(name: str, value: str, ref: str = "") -> str:
            ref_html = f"<div style='opacity:0.75'>everyone: {ref}</div>" if ref else ""
            return (
                "<td style='padding:4px 14px;text-align:left;vertical-align:top'>"
                f"<div style='opacity:0.75'>{name}</div><div style='font-size:1.3em'>"
                f"<b>{html.escape(value)}</b></div>{ref_html}</td>"
            )

        cr = "n/a" if self.sessions == 0 else f"{self.conversion_rate:.2%}"
        aov = "n/a" if self.orders == 0 else format_inr(self.aov)
        return (
            f"<div class='pm-metrics-view'><b>{html.escape(self.finding)}</b>"
            f"<div style='opacity:0.75'>{self.first_day} to {self.last_day}</div>"
            "<table><tr>"
            + cell("sessions", f"{self.sessions:,}")
            + cell("conversion", cr, f"{self.all_conversion:.2%}")
            + cell("AOV (sales)", aov, format_inr(self.all_aov))
            + cell("revenue (sales)", format_inr_compact(self.revenue))
            + "</tr></table>"
            + _sparkline_svg(
                self.daily,
                self.all_conversion,
                self.first_day,
                self.last_day,
                f"Daily conversion: {self.label} against everyone",
            )
            + "</div>"
        )


def _sparkline_svg(
    daily: Sequence[float], reference: float, first: str, last: str, title: str = ""
) -> str:
    """Daily conversion against everyone's, as a shared inline SVG chart (cheap to redraw).

    Days without a session are gaps in the line, not zeros; no day at all draws nothing.
    """
    y = np.asarray(daily, dtype=float)
    if y.size == 0 or np.isnan(y).all():
        return ""
    from pm_toolkit.viz import PALETTE, PERCENT

    days = np.arange(1, y.size + 1)
    return line_chart(
        days,
        [
            Series(y, "this segment", PALETTE[0]),
            Series(np.full(y.size, reference), "everyone", PALETTE[1], dashed=True),
        ],
        title=title or "Daily conversion rate",
        xlabel=f"Day of the range (day 1 = {first}, day {y.size} = {last})",
        ylabel="Conversion (%)",
        yfmt=PERCENT,  # the course's percent ticks: a matplotlib formatter is a callable too
        width=520,
        height=220,
    )


def _labels(values: pd.Series) -> np.ndarray:
    """Segment values as text for a picker: tier 2.0 reads "2", a missing value "unknown"."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    return values.astype("string").fillna("unknown").to_numpy(dtype=object)


class _DashboardData:
    """Per-session arrays prepared once, so each dashboard update is a mask and a few sums."""

    def __init__(self, sessions: pd.DataFrame, orders: pd.DataFrame, filters: Sequence[str]):
        _require(sessions, "sessions", ["start_ts", *filters])
        placed = session_table(sessions, orders)
        sales = session_table(sessions, orders, NOT_A_SALE)
        day = _local_time(placed["start_ts"]).dt.normalize()
        self.first = day.min()
        self.day = ((day - self.first).dt.days).to_numpy(dtype=np.int64)
        self.n_days = int(self.day.max()) + 1
        self.dates = [
            (self.first + pd.Timedelta(days=i)).strftime("%d %b") for i in range(self.n_days)
        ]
        self.converted = placed["converted"].to_numpy(dtype=np.int64)
        self.orders = sales["orders"].to_numpy(dtype=np.int64)
        self.revenue = sales["revenue"].to_numpy(dtype=float)
        self.columns: dict[str, np.ndarray] = {}
        self.options: dict[str, list[str]] = {}
        for col in filters:
            values = _labels(placed[col])
            self.columns[col] = values
            self.options[col] = ["all", *sorted(pd.unique(values))]

    def view(self, first: int, last: int, **choice: str) -> DashboardView:
        if not 0 <= first <= last < self.n_days:
            raise ValueError(f"date positions must satisfy 0 <= first <= last < {self.n_days}")
        in_dates = (self.day >= first) & (self.day <= last)
        mask = in_dates.copy()
        for col, value in choice.items():
            if value != "all":
                mask &= self.columns[col] == str(value)
        chosen = [f"{c.replace('_', ' ')} {v}" for c, v in choice.items() if v != "all"]
        all_orders = self.orders[in_dates].sum()
        days = self.day[mask] - first
        n = last - first + 1
        sess = np.bincount(days, minlength=n)
        conv = np.bincount(days, weights=self.converted[mask], minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            daily = np.where(sess > 0, conv / np.maximum(sess, 1), np.nan)
        return DashboardView(
            label=", ".join(chosen) or "All sessions",
            first_day=self.dates[first],
            last_day=self.dates[last],
            sessions=int(mask.sum()),
            converted=int(self.converted[mask].sum()),
            orders=int(self.orders[mask].sum()),
            revenue=float(self.revenue[mask].sum()),
            all_conversion=float(self.converted[in_dates].sum() / max(int(in_dates.sum()), 1)),
            all_aov=float(self.revenue[in_dates].sum() / all_orders) if all_orders else math.nan,
            daily=tuple(daily.tolist()),
        )


def metrics_dashboard(
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    filters: Sequence[str] = ("device", "city_tier", "channel"),
    chart: Literal["svg", "matplotlib"] = "svg",
) -> object:
    """A small dashboard: pick a segment and a date range, read conversion, AOV and revenue.

    Conversion counts placed orders; AOV and revenue count sales (delivered and kept).
    Returns a :class:`pm_toolkit.viz.Dashboard`; display it in a notebook, or call
    ``dash.update(device="mobile_web", dates=("01 Oct", "31 Oct"))`` and read ``dash.result``
    (a :class:`DashboardView`). Everything is prepared once, so an update only masks and sums.
    The trend is drawn as inline SVG by default: a matplotlib redraw (``chart="matplotlib"``)
    costs more than the whole computation.
    """
    import ipywidgets as widgets

    from pm_toolkit import viz

    prep = _DashboardData(sessions, orders, filters)
    controls: dict[str, object] = {
        col: widgets.Dropdown(
            options=prep.options[col], value="all", description=col.replace("_", " ")
        )
        for col in filters
    }
    controls["dates"] = widgets.SelectionRangeSlider(
        options=prep.dates,
        index=(0, prep.n_days - 1),
        description="dates",
        continuous_update=False,
        layout=widgets.Layout(width="520px"),
    )
    position = {d: i for i, d in enumerate(prep.dates)}

    def render(dates: tuple[str, str], **choice: str) -> DashboardView:
        view = prep.view(position[dates[0]], position[dates[1]], **choice)
        if chart == "matplotlib":
            _, ax = viz.new_axes(figsize=(7.0, 2.6))
            ax.plot(np.arange(len(view.daily)), view.daily, color=viz.PALETTE[0], lw=1.5)
            ax.axhline(view.all_conversion, color=viz.PALETTE[1], ls="--", label="everyone")
            ax.yaxis.set_major_formatter(viz.PERCENT)
            viz.finish(
                ax,
                title=f"Daily conversion: {view.label} against everyone",
                xlabel="Day of range",
                ylabel="Conversion (%)",
            )
        return view

    return viz.Dashboard(render, **controls)
