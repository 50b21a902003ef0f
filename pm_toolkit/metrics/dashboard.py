"""The interactive metrics dashboard: pick a segment and dates, read conversion, AOV and revenue."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ._common import NOT_A_SALE, _require
from .tables import session_table

__all__ = ["DashboardView", "metrics_dashboard"]


@dataclass(frozen=True)
class DashboardView:
    """What the metrics dashboard shows for one choice of segment and dates.

    ``daily`` is the segment's conversion rate per day of the range (NaN on days without a
    session); the HTML view draws it as a small trend line next to the KPI tiles.
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
            f"(everyone: {self.all_conversion:.2%}), AOV ₹{self.aov:,.0f} "
            f"(everyone: ₹{self.all_aov:,.0f}), revenue ₹{self.revenue:,.0f})"
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
        aov = "n/a" if self.orders == 0 else f"₹{self.aov:,.0f}"
        return (
            f"<div class='pm-metrics-view'><b>{html.escape(self.finding)}</b>"
            f"<div style='opacity:0.75'>{self.first_day} to {self.last_day}</div>"
            "<table><tr>"
            + cell("sessions", f"{self.sessions:,}")
            + cell("conversion", cr, f"{self.all_conversion:.2%}")
            + cell("AOV", aov, f"₹{self.all_aov:,.0f}")
            + cell("revenue", f"₹{self.revenue:,.0f}")
            + "</tr></table>"
            + _sparkline_svg(self.daily, self.all_conversion, self.first_day, self.last_day)
            + "</div>"
        )


def _sparkline_svg(
    daily: Sequence[float], reference: float, first: str, last: str, w: int = 520, h: int = 110
) -> str:
    """Daily conversion as an inline SVG line: cheap enough to redraw on every dashboard change."""
    y = np.asarray(daily, dtype=float)
    if y.size == 0 or np.isnan(y).all():
        return ""
    from pm_toolkit.viz import PALETTE  # the course's colour-blind-safe colours

    left, right, top, bottom = 46, 8, 8, 22
    top_val = max(float(np.nanmax(y)), reference, 1e-9) * 1.1
    xs = left + (w - left - right) * (np.arange(y.size) / max(y.size - 1, 1))
    ys = top + (h - top - bottom) * (1 - np.nan_to_num(y, nan=0.0) / top_val)
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
    ref_y = top + (h - top - bottom) * (1 - reference / top_val)
    font = "font-size='10' fill='currentColor'"
    return (
        f"<svg width='{w}' height='{h}' role='img' "
        "aria-label='Daily conversion rate of the chosen segment; dashed line: everyone'>"
        f"<polyline fill='none' stroke='{PALETTE[0]}' stroke-width='1.6' points='{points}'/>"
        f"<line x1='{left}' x2='{w - right}' y1='{ref_y:.1f}' y2='{ref_y:.1f}' "
        f"stroke='{PALETTE[1]}' stroke-dasharray='4 3'/>"
        f"<text x='2' y='{top + 8}' {font}>{top_val:.1%}</text>"
        f"<text x='2' y='{h - bottom}' {font}>0%</text>"
        f"<text x='{left}' y='{h - 6}' {font}>{html.escape(first)}</text>"
        f"<text x='{w - right}' y='{h - 6}' text-anchor='end' {font}>{html.escape(last)}</text>"
        f"<text x='{(left + w) // 2}' y='{h - 6}' text-anchor='middle' {font}>"
        "daily conversion (%); dashed: everyone</text></svg>"
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
        ts = placed["start_ts"]
        if isinstance(ts.dtype, pd.DatetimeTZDtype):
            ts = ts.dt.tz_localize(None)
        day = ts.dt.normalize()
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
            viz.finish(ax, title=view.finding, xlabel="Day of range", ylabel="Conversion (%)")
        return view

    return viz.Dashboard(render, **controls)
