"""The lesson's simulator dashboard: change frequency, trust effect and competitor reaction.

A :class:`pm_toolkit.viz.Dashboard`: sliders whose output is redrawn in place, and whose
``.update(...)`` method is the same path a learner's click takes, so tests and the benchmark
drive it without a browser. It draws its charts as inline SVG (:mod:`pm_toolkit.viz_svg`), so
a slider move redraws in well under 100 ms, and shows charts and table as one output.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from pm_toolkit.pricing.simulator import Market
>>> dash = simulator_dashboard(Market.example(n_products=3, n_days=7))
>>> sorted(dash.controls)
['competitor_reaction', 'review_every', 'trust_effect']
>>> [p.name for p in policies_for(6)]
['static', 'every 6 h', 'every 6 h + guardrails']
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pm_toolkit import viz, viz_svg
from pm_toolkit.formatting import format_inr_compact, format_pct
from pm_toolkit.pricing.simulator import Market, Policy, simulate

__all__ = ["SimulatorCharts", "SimulatorView", "policies_for", "simulator_dashboard"]

#: Hours between price reviews offered by the "change frequency" slider.
FREQUENCIES = (1, 2, 3, 4, 6, 8, 12, 24)
#: Trust effects offered by the slider (share of trust lost per visible change): spaced to
#: cover every policy's break-even, from "nobody minds" to "each change hurts".
TRUST_EFFECTS = (0.0, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01)
_DELIVERY_HOUR = 6  # the panel's warehouse restocks at 06:00 IST
#: Guardrails of the guarded variant: reviews at most twice a day, at most 5 % per change.
GUARD_EVERY, GUARD_STEP = 12, 0.05


def policies_for(review_every: int) -> tuple[Policy, ...]:
    """Static, dynamic every ``review_every`` hours, and the same with guardrails.

    Guardrails: price reviews no more often than every 12 hours (so at most two visible
    changes per product per day, at scheduled times), at most 5 % per change.
    """
    offset = _DELIVERY_HOUR % review_every  # review right after the morning delivery
    name = f"every {review_every} h"
    guarded_every = max(review_every, GUARD_EVERY)
    return (
        Policy("static", None),
        Policy(name, review_every, review_offset=offset),
        Policy(
            f"{name} + guardrails",
            guarded_every,
            max_step=GUARD_STEP,
            review_offset=_DELIVERY_HOUR % guarded_every,
        ),
    )


_COLUMNS = {
    "gross_margin": "margin",
    "margin_vs_static": "vs static",
    "gain_pct": "vs static (%)",
    "changes_per_product_day": "changes / product-day",
    "max_change_pct": "largest step (%)",
    "stockout_hours": "stock-out hours",
    "trust_lost_revenue": "lost to trust",
}


@dataclass(frozen=True)
class SimulatorCharts:
    """The simulator's two inline SVG charts: margin against static, and one product's price."""

    margin: str
    prices: str

    def __repr__(self) -> str:  # what display() prints outside a notebook: the two findings
        titles = [svg.partition("<title>")[2].partition("</title>")[0] for svg in self]
        return "SimulatorCharts(" + "; ".join(map(html.unescape, titles)) + ")"

    def __iter__(self) -> Iterator[str]:
        return iter((self.margin, self.prices))

    def _repr_html_(self) -> str:
        return f"<div style='display:flex;flex-wrap:wrap;gap:8px'>{self.margin}{self.prices}</div>"


@dataclass(frozen=True, eq=False)
class SimulatorView:
    """One redraw of the dashboard: the charts and the table, shown as a single output.

    ``table`` keeps the numbers (₹, shares) for tests and code; the notebook shows them
    rounded, in ₹ lakh/crore.
    """

    table: pd.DataFrame
    charts: SimulatorCharts | None = None

    def tidy(self) -> pd.DataFrame:
        """The table as the learner reads it: ₹ in lakh/crore, shares as %, counts rounded."""
        return pd.DataFrame(self._cells(), index=self.table.index, columns=self.table.columns)

    def _cells(self) -> list[list[str]]:
        # Formatted by hand, not through pandas: this runs on every slider move.
        fmt = {
            "margin": format_inr_compact,
            "vs static": format_inr_compact,
            "lost to trust": format_inr_compact,
            "vs static (%)": lambda v: format_pct(v, 2),
            "stock-out hours": lambda v: f"{v:.0f}",
        }
        cols = list(self.table.columns)
        return [
            [fmt.get(c, lambda v: f"{v:.1f}")(v) for c, v in zip(cols, row, strict=True)]
            for row in self.table.to_numpy(float)
        ]

    def __repr__(self) -> str:
        best = str(self.table["margin"].idxmax())
        return f"SimulatorView({len(self.table)} policies; most margin: {best})"

    def _repr_html_(self) -> str:
        charts = self.charts._repr_html_() if self.charts is not None else ""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in ["policy", *self.table.columns])
        body = "".join(
            f"<tr><th>{html.escape(str(name))}</th>"
            + "".join(f"<td>{html.escape(v)}</td>" for v in row)
            + "</tr>"
            for name, row in zip(self.table.index, self._cells(), strict=True)
        )
        table = f"<table class='pm-simulator-table'><thead><tr>{head}</tr></thead>{body}</table>"
        return charts + table


def _changes(n: int) -> str:
    return f"{n} price change" + ("" if n == 1 else "s")


def _price_fmt(value: float) -> str:
    return viz.format_inr(value, 0 if value == round(value) else 2)


def _lakh(value: float) -> str:
    """Tick and bar labels in ₹ lakh (the unit is in the axis label): short, so none is cut."""
    text = f"{value / 1e5:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "0", "-0") else text


def _svg_charts(
    table: pd.DataFrame,
    prices: np.ndarray,
    *,
    trust_effect: float,
    product_id: object,
    days_shown: int,
) -> SimulatorCharts:
    """Both charts of one run as SVG: well under a millisecond, where matplotlib takes ~100."""
    gains = table["margin_vs_static"].iloc[1:]
    best = str(table["gross_margin"].idxmax())
    margin = viz_svg.bar_chart(
        [str(name) for name in gains.index],
        gains.to_numpy(dtype=float),
        title=f"Best at trust effect {trust_effect:.2%}: {best}",
        xlabel="margin gained over the static price (₹ lakh)",
        fmt=_lakh,
        width=460,
        height=190,
    )
    changes = (np.diff(prices, axis=1) != 0).sum(axis=1)
    hours = prices.shape[1]
    names = [str(name) for name in table.index]
    price_chart = viz_svg.line_chart(
        np.arange(hours) / 24,
        [
            viz_svg.Series(prices[k], names[k], viz.PALETTE[k], dashed=k == 0)
            for k in range(len(names))
        ],
        title=f"Product {product_id}: {_changes(changes[1])} in {days_shown} days, "
        f"{changes[-1]} with guardrails",
        xlabel="day",
        ylabel="price (₹)",
        yfmt=_price_fmt,
        step=True,
        width=520,
        height=260,
    )
    return SimulatorCharts(margin, price_chart)


class _SimulatorFigure:
    """The matplotlib variant of the charts (kept for the benchmark's comparison): one figure,
    built once and updated in place, since re-laying it out on every move costs even more."""

    def __init__(self, market: Market, product: int, hours_shown: int, days_shown: int) -> None:
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        fig, (left, right) = viz.new_axes(1, 2, figsize=(11, 3.6))
        plt.close(fig)  # keep it out of pyplot's list, so only our display() shows it
        self.bars = left.barh([0, 1], [0.0, 0.0], color=viz.PALETTE[0])
        left.axvline(0, color="black", linewidth=0.8)
        left.set_yticks([0, 1])
        left.xaxis.set_major_formatter(viz.RUPEES)
        left.set_xlabel("margin gained over the static price (₹)")
        t = np.arange(hours_shown) / 24
        self.lines = [
            right.step(t, np.zeros(hours_shown), where="post", color=viz.PALETTE[k])[0]
            for k in range(3)
        ]
        right.yaxis.set_major_formatter(viz.RUPEES)
        right.set_xlabel("day")
        right.set_ylabel("price (₹)")
        right.set_title(
            f"Price of product {market.product_ids[product]}, first {days_shown} days", loc="left"
        )
        fig.subplots_adjust(left=0.17, right=0.98, bottom=0.16, top=0.88, wspace=0.35)
        # Few ticks: drawing text is most of what showing the figure costs.
        left.xaxis.set_major_locator(MaxNLocator(5))
        right.xaxis.set_major_locator(MaxNLocator(8))
        right.yaxis.set_major_locator(MaxNLocator(4))
        self.fig, self.left, self.right = fig, left, right

    def draw(self, table: pd.DataFrame, prices: np.ndarray, trust_effect: float) -> None:
        gains = table["margin_vs_static"].iloc[1:].to_numpy()
        for bar, gain in zip(self.bars, gains, strict=True):
            bar.set_width(gain)
            bar.set_color(viz.PALETTE[0] if gain >= 0 else viz.PALETTE[5])
        self.left.set_yticklabels(table.index[1:])
        reach = max(np.abs(gains).max(), 1.0) * 1.15
        self.left.set_xlim(-reach, reach)
        best = str(table["gross_margin"].idxmax())
        self.left.set_title(f"Best at trust effect {trust_effect:.2%}: {best}", loc="left")
        for k, line in enumerate(self.lines):
            line.set_ydata(prices[k])
            line.set_label(table.index[k])
        low, high = prices.min(), prices.max()
        pad = max(0.05 * (high - low), 0.01 * high)
        self.right.set_ylim(low - pad, high + pad)
        self.right.legend(frameon=False, fontsize=8, loc="upper right")


def simulator_dashboard(
    market: Market,
    *,
    seed: int = 0,
    product: int | None = None,
    days_shown: int = 7,
    chart: Literal["svg", "matplotlib"] = "svg",
) -> viz.Dashboard:
    """Sliders for change frequency, trust effect and competitor reaction over ``market``.

    Each change re-runs the simulation and redraws, as one output, two charts (margin against
    the static price; one product's price over the first ``days_shown`` days) and the table.
    ``.result`` is a :class:`SimulatorView` (``.result.table`` has the numbers) and ``.charts``
    its :class:`SimulatorCharts`. ``chart="matplotlib"`` draws one matplotlib figure instead
    (``.figure``; slower, kept for benchmarks/bench_pricing.py to compare).
    """
    import ipywidgets as w
    from IPython.display import display

    if chart not in ("svg", "matplotlib"):
        raise ValueError(f"chart must be 'svg' or 'matplotlib'; got {chart!r}")
    if product is None:
        # Show the product the hourly model re-prices most often: that is where it acts.
        first = simulate(market, policies_for(1), seed=seed).prices[1]
        product = int(np.argmax((np.diff(first, axis=1) != 0).sum(axis=1)))
    hours_shown = min(days_shown * 24, market.n_hours)
    picture = (
        _SimulatorFigure(market, product, hours_shown, days_shown)
        if chart == "matplotlib"
        else None
    )

    def render(review_every: int, trust_effect: float, competitor_reaction: float):
        report = simulate(
            market,
            policies_for(review_every),
            trust_effect=trust_effect,
            competitor_reaction=competitor_reaction,
            seed=seed,
        )
        table = report.table()
        static = table.loc["static", "gross_margin"]
        table["margin_vs_static"] = table["gross_margin"] - static
        table["gain_pct"] = table["margin_vs_static"] / static
        prices = report.prices[:, product, :hours_shown]
        view = table[list(_COLUMNS)].rename(columns=_COLUMNS)
        if picture is not None:
            picture.draw(table, prices, trust_effect)
            display(picture.fig)
            return SimulatorView(view)
        dash.charts = _svg_charts(
            table,
            prices,
            trust_effect=trust_effect,
            product_id=market.product_ids[product],
            days_shown=days_shown,
        )
        return SimulatorView(view, dash.charts)

    # Wide enough that the label never squeezes the track; labels say the unit.
    wide = w.Layout(width="560px", max_width="100%")
    label = {"description_width": "230px"}
    controls = {
        "review_every": w.SelectionSlider(
            options=[(f"{h} h", h) for h in FREQUENCIES],
            value=1,
            description="hours between price changes",
            layout=wide,
            style=label,
        ),
        "trust_effect": w.SelectionSlider(
            options=[(f"{100 * t:g} %", t) for t in TRUST_EFFECTS],
            value=0.0,
            description="trust lost per price change",
            layout=wide,
            style=label,
        ),
        "competitor_reaction": w.FloatSlider(
            value=0.0,
            min=0.0,
            max=1.0,
            step=0.1,
            description="competitor reaction (0–1)",
            layout=wide,
            style=label,
        ),
    }
    dash = viz.Dashboard(render, **controls)
    dash.market = market  # what it simulates, for tests and curious learners
    dash.charts = None  # the last run's SimulatorCharts (SVG); set on every redraw
    if picture is not None:
        dash.figure = picture.fig  # the one figure it updates in place (the benchmark draws it)
    return dash
