"""Lesson 2's charts, drawn in the course style (:mod:`pm_toolkit.viz`).

Each function draws one chart whose title states what the learner's data shows (worked out
from the data, never typed), shows it and returns ``None``, so a lesson cell stays one line.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from pm_toolkit import viz

from ._common import _name
from .definitions import SALE_STATUS
from .journey import Funnel
from .speed import LoadTimeSummary, conversion_by_load_time

__all__ = [
    "bounce_by_load",
    "bounce_rises_on_every_device",
    "cohort_value",
    "conversion_by_load",
    "device_conversion",
    "funnel_bars",
    "load_bands_by_device",
    "load_histogram",
    "mix_shift_bars",
    "order_values",
    "retention_heatmap",
    "slowest_band_converts_least",
]


def device_conversion(by_device: pd.DataFrame, *, show: bool = True) -> None:
    """Conversion per device (a ``breakdown(..., "device")`` table) as bars."""
    rate = by_device["conversion_rate"]
    best, worst = rate.idxmax(), rate.idxmin()
    _fig, ax = viz.new_axes()
    ax.bar([_name(d) for d in rate.index], rate, color=viz.PALETTE[: len(rate)])
    ax.yaxis.set_major_formatter(viz.PERCENT)
    title = (
        f"{_name(best)} sessions convert {rate[best] / rate[worst]:.1f}× as often as {_name(worst)}"
    )
    viz.finish(
        ax, title=title, xlabel="Device", ylabel="Conversion rate (% of sessions)", show=show
    )


def order_values(orders: pd.DataFrame, *, show: bool = True) -> None:
    """Histogram of sale values with the median and the mean (AOV) marked."""
    values = orders.loc[orders["status"] == SALE_STATUS, "net_value"].dropna()
    median, mean = values.median(), values.mean()
    _fig, ax = viz.new_axes()
    ax.hist(values, bins=60, range=(0, values.quantile(0.98)), color=viz.PALETTE[0])
    ax.axvline(median, color=viz.PALETTE[1], lw=2, label=f"median {viz.format_inr(median)}")
    ax.axvline(
        mean, color=viz.PALETTE[5], lw=2, ls="--", label=f"AOV (mean) {viz.format_inr(mean)}"
    )
    ax.xaxis.set_major_formatter(viz.RUPEES)
    side = "pull AOV up" if mean > median else "sit below the median"
    viz.finish(
        ax,
        title=f"Half the sales are under {viz.format_inr(median)}; big baskets {side} "
        f"to {viz.format_inr(mean)}",
        xlabel="Sale value (₹, after discount)",
        ylabel="Sales",
        show=show,
    )


def cohort_value(cohorts: pd.DataFrame, *, show: bool = True) -> None:
    """Cumulative margin per customer of each monthly first-order cohort (``cohort_ltv``)."""
    _fig, ax = viz.new_axes()
    for i, (cohort, row) in enumerate(cohorts.iterrows()):
        label = f"first order in {cohort.strftime('%b %Y')}"
        ax.plot(row.index, row.values, marker="o", color=viz.PALETTE[i % 8], label=label)
    ax.yaxis.set_major_formatter(viz.RUPEES)
    ax.set_ylim(bottom=0)
    ax.set_xticks(list(cohorts.columns))
    first = cohorts.iloc[0].dropna()
    viz.finish(
        ax,
        title=f"A {cohorts.index[0].strftime('%B')} buyer has earned Bazaar "
        f"{viz.format_inr(first.iloc[-1])} of margin so far",
        xlabel="Months since first order",
        ylabel="Cumulative margin per customer (₹)",
        show=show,
    )


def funnel_bars(fun: Funnel, *, show: bool = True) -> None:
    """Sessions reaching each funnel step, with the step rate written on each bar."""
    table = fun.table[::-1]
    _fig, ax = viz.new_axes()
    ax.barh([_name(s) for s in table.index], table["sessions"], color=viz.PALETTE[0])
    ax.xaxis.set_major_formatter(_COUNT)
    for y, (sessions, rate) in enumerate(zip(table["sessions"], table["step_rate"], strict=True)):
        ax.annotate(f" {rate:.0%} of previous", (sessions, y), va="center", fontsize=9)
    drop = fun.biggest_drop()
    before = fun.steps[fun.steps.index(drop) - 1]
    viz.finish(
        ax,
        title=f"The biggest leak: only {fun.rate(drop):.0%} of '{_name(before)}' sessions reach "
        f"'{_name(drop)}'",
        xlabel="Sessions reaching the step",
        ylabel="Funnel step",
        show=show,
    )


def load_histogram(sessions: pd.DataFrame, summary: LoadTimeSummary, *, show: bool = True) -> None:
    """Page-load times with the median, the mean and the p95 marked."""
    _fig, ax = viz.new_axes()
    ax.hist(
        sessions["page_load_ms"].dropna(), bins=80, range=(0, summary.p(99)), color=viz.PALETTE[4]
    )
    for q, color, style in ((50, viz.PALETTE[2], "-"), (95, viz.PALETTE[5], "--")):
        ax.axvline(summary.p(q), color=color, ls=style, lw=2, label=f"p{q}: {summary.p(q):,.0f} ms")
    ax.axvline(
        summary.mean_ms, color=viz.PALETTE[7], lw=1, label=f"mean: {summary.mean_ms:,.0f} ms"
    )
    viz.finish(
        ax,
        title=f"1 in 20 sessions waits more than {summary.p(95) / 1000:.1f} s for the first page",
        xlabel="Page-load time (ms)",
        ylabel="Sessions",
        show=show,
    )


#: Whole counts with thousands separators on an axis.
_COUNT = FuncFormatter(lambda v, _pos: f"{v:,.0f}")

#: Load-time bands of the lesson's speed charts (ms).
LESSON_LOAD_EDGES = (0, 1000, 1500, 2000, 3000, 4000, math.inf)


def load_bands_by_device(sessions: pd.DataFrame, orders: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Conversion per load-time band for each device, bands under 100 sessions left out."""
    out = {}
    for device in sorted(sessions["device"].dropna().unique()):
        mine = sessions[sessions["device"] == device]
        band = conversion_by_load_time(mine, orders, edges_ms=LESSON_LOAD_EDGES)
        out[str(device)] = band[band["sessions"] >= 100]
    return out


def slowest_band_converts_least(bands: dict[str, pd.DataFrame]) -> bool:
    """True when, on every device, the slowest band converts less than the fastest one."""
    return all(b["conversion_rate"].iloc[-1] < b["conversion_rate"].iloc[0] for b in bands.values())


def conversion_by_load(sessions: pd.DataFrame, orders: pd.DataFrame, *, show: bool = True) -> None:
    """Conversion per load-time band, one line per device (bands under 100 sessions hidden).

    The title claims the slowest pages convert least only when that holds on every device
    (:func:`slowest_band_converts_least`).
    """
    bands = load_bands_by_device(sessions, orders)
    _fig, ax = viz.new_axes()
    for i, (device, band) in enumerate(bands.items()):
        ax.plot(band.index, band["conversion_rate"], marker="o", color=viz.PALETTE[i], label=device)
    ax.yaxis.set_major_formatter(viz.PERCENT)
    title = (
        "On every device, the slowest first pages convert least"
        if slowest_band_converts_least(bands)
        else "Conversion by page-load time and device"
    )
    viz.finish(
        ax,
        title=title,
        xlabel="Page-load time band",
        ylabel="Conversion rate (% of sessions)",
        show=show,
    )


def bounce_rises_on_every_device(by_load: pd.DataFrame) -> bool:
    """True when, on every device, the slowest band bounces more than the fastest one."""
    return all(col.dropna().iloc[-1] > col.dropna().iloc[0] for _, col in by_load.items())


def bounce_by_load(by_load: pd.DataFrame, *, show: bool = True) -> None:
    """Bounce per load-time band, one line per device (from ``story.bounce_lever``)."""
    _fig, ax = viz.new_axes()
    for i, device in enumerate(by_load.columns):
        ax.plot(
            by_load.index.astype(str),
            by_load[device],
            marker="o",
            color=viz.PALETTE[i],
            label=device,
        )
    ax.yaxis.set_major_formatter(viz.PERCENT)
    viz.finish(
        ax,
        title="The slower the first page, the more sessions bounce, on every device"
        if bounce_rises_on_every_device(by_load)
        else "Bounce rate by page-load time and device",
        xlabel="Page-load time of the landing page",
        ylabel="Bounce rate (% of sessions)",
        show=show,
    )


def retention_heatmap(retention: pd.DataFrame, weeks: int = 8, *, show: bool = True) -> None:
    """Weekly cohort retention as a heat map (weeks 1..``weeks`` after the first sale)."""
    later = retention.iloc[:, 1 : weeks + 1]
    fig, ax = viz.new_axes()
    image = ax.imshow(later.to_numpy(dtype=float), aspect="auto", cmap="cividis")
    ax.set_yticks(range(len(later)), [f"{c.start_time:%d %b}" for c in later.index])
    ax.set_xticks(range(later.shape[1]), later.columns)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="share of cohort buying again")
    mean = float(np.nanmean(later.to_numpy(dtype=float)))
    viz.finish(
        ax,
        title=f"About {mean:.1%} of a cohort buys again in any later week; blank = not seen yet",
        xlabel="Weeks since first sale",
        ylabel="Cohort (week of first sale)",
        show=show,
    )


def mix_shift_bars(shift, *, show: bool = True) -> None:
    """Conversion and share of sessions by device, before and after (a ``MixShift``)."""
    t = shift.table
    up = int((t["rate_change"] > 0).sum())
    gainer = (t["share_after"] - t["share_before"]).idxmax()
    _fig, axes = viz.new_axes(1, 2, figsize=(11, 3.8))
    x = np.arange(len(t))
    for ax, col, label in (
        (axes[0], "rate", "Conversion rate"),
        (axes[1], "share", "Share of sessions"),
    ):
        ax.bar(x - 0.2, t[f"{col}_before"], width=0.4, label="September", color=viz.PALETTE[0])
        ax.bar(x + 0.2, t[f"{col}_after"], width=0.4, label="October", color=viz.PALETTE[1])
        ax.set_xticks(list(x), [_name(d) for d in t.index])
        ax.yaxis.set_major_formatter(viz.PERCENT)
        ax.set(xlabel="Device", ylabel=f"{label} (%)")
    axes[1].set_title(f"…and traffic moved to {_name(gainer)}", loc="left")
    axes[1].legend(frameon=False)
    viz.finish(
        axes[0],
        title=f"{up} of {len(t)} devices converted better in October…",
        xlabel="Device",
        ylabel="Conversion rate (% of sessions)",
        show=show,
    )
