"""The lesson's two dashboards: the repricing simulator and the decision memo.

Both are :class:`pm_toolkit.viz.Dashboard` objects: sliders and pickers whose output is
redrawn in place, and whose ``.update(...)`` method is the same path a learner's click takes,
so tests and the benchmark drive them without a browser. The simulator draws its charts as
inline SVG (:mod:`pm_toolkit.viz_svg`), so a slider move redraws in well under 100 ms.

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
from pm_toolkit.pricing.memo import (
    DECISIONS,
    EVIDENCE_OPTIONS,
    GUARDRAIL_OPTIONS,
    STOP_OPTIONS,
    DecisionMemo,
    MemoScore,
    score_memo,
)
from pm_toolkit.pricing.simulator import Market, Policy, simulate

__all__ = [
    "MemoReview",
    "SimulatorCharts",
    "memo_dashboard",
    "policies_for",
    "simulator_dashboard",
]

#: Hours between price reviews offered by the "change frequency" slider.
FREQUENCIES = (1, 2, 3, 4, 6, 8, 12, 24)
_DELIVERY_HOUR = 6  # the panel's warehouse restocks at 06:00 IST


def policies_for(review_every: int) -> tuple[Policy, ...]:
    """Static, dynamic every ``review_every`` hours, and the same with guardrails.

    Guardrails: at most 2 visible changes per product per day, at most 5 % per change.
    """
    offset = _DELIVERY_HOUR % review_every  # review right after the morning delivery
    name = f"every {review_every} h"
    return (
        Policy("static", None),
        Policy(name, review_every, review_offset=offset),
        Policy(
            f"{name} + guardrails",
            review_every,
            max_changes_per_day=2,
            max_step=0.05,
            review_offset=offset,
        ),
    )


_COLUMNS = {
    "gross_margin": "margin (₹)",
    "margin_vs_static": "vs static (₹)",
    "changes_per_product_day": "changes / product / day",
    "max_change_pct": "largest change (%)",
    "stockout_hours": "stock-out hours",
    "trust_lost_revenue": "lost to trust (₹)",
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


def _changes(n: int) -> str:
    return f"{n} price change" + ("" if n == 1 else "s")


def _price_fmt(value: float) -> str:
    return viz.format_inr(value, 0 if value == round(value) else 2)


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
        xlabel="margin gained over the static price (₹)",
        fmt=viz.format_inr,
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

    Each change re-runs the simulation and redraws two charts: margin against the static
    price, and one product's price over the first ``days_shown`` days. ``.result`` holds the
    summary table of the last run and ``.charts`` its :class:`SimulatorCharts` (inline SVG).
    ``chart="matplotlib"`` draws one matplotlib figure instead (``.figure``; slower, kept for
    benchmarks/bench_pricing.py to compare).
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
        table["margin_vs_static"] = table["gross_margin"] - table.loc["static", "gross_margin"]
        prices = report.prices[:, product, :hours_shown]
        if picture is not None:
            picture.draw(table, prices, trust_effect)
            display(picture.fig)
        else:
            dash.charts = _svg_charts(
                table,
                prices,
                trust_effect=trust_effect,
                product_id=market.product_ids[product],
                days_shown=days_shown,
            )
            display(dash.charts)
        return table[list(_COLUMNS)].rename(columns=_COLUMNS).round(2)

    controls = {
        "review_every": w.SelectionSlider(
            options=FREQUENCIES, value=1, description="hours between price changes"
        ),
        "trust_effect": w.FloatSlider(
            value=0.0,
            min=0.0,
            max=0.05,
            step=0.0025,
            readout_format=".2%",
            description="trust effect",
        ),
        "competitor_reaction": w.FloatSlider(
            value=0.0, min=0.0, max=1.0, step=0.1, description="competitor reaction"
        ),
    }
    for c in controls.values():
        c.style = {"description_width": "initial"}
    dash = viz.Dashboard(render, **controls)
    dash.market = market  # what it simulates, for tests and curious learners
    dash.charts = None  # the last run's SimulatorCharts (SVG); set on every redraw
    if picture is not None:
        dash.figure = picture.fig  # the one figure it updates in place (the benchmark draws it)
    return dash


@dataclass(frozen=True)
class MemoReview:
    """A memo's rubric score and, once asked for, the model answer (Markdown)."""

    score: MemoScore
    model_answer: str = ""

    def __repr__(self) -> str:
        return repr(self.score) + (
            f"\n\nModel answer:\n{self.model_answer}" if self.model_answer else ""
        )

    def _repr_markdown_(self) -> str:
        lines = [
            f"**Your memo scores {self.score.points} of {self.score.max_points}.**",
            "",
            "| | criterion | points | feedback |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {ln.mark} | {ln.criterion} | {ln.points}/{ln.max_points} | {ln.feedback} |"
            for ln in self.score.lines
        ]
        if self.model_answer:
            lines += ["", "---", "### Model answer", "", self.model_answer]
        return "\n".join(lines)


def memo_dashboard(model_answer: str) -> viz.Dashboard:
    """The decision memo: a call, evidence, guardrails and stop rules, marked as you choose.

    Tick "show the model answer" to compare after writing your own. ``.result`` is a
    :class:`MemoReview`.
    """
    import ipywidgets as w

    def options(d: dict[str, tuple[str, bool]]) -> list[tuple[str, str]]:
        return [(label, key) for key, (label, _good) in d.items()]

    layout = w.Layout(width="48%", height="150px")

    def render(decision, evidence, guardrails, stop_conditions, reasoning, show_model_answer):
        memo = DecisionMemo(
            decision, tuple(evidence), tuple(guardrails), tuple(stop_conditions), reasoning
        )
        return MemoReview(score_memo(memo), model_answer if show_model_answer else "")

    return viz.Dashboard(
        render,
        decision=w.RadioButtons(
            options=[(v, k) for k, v in DECISIONS.items()],
            value="approve_as_proposed",
            description="The call",
        ),
        evidence=w.SelectMultiple(
            options=options(EVIDENCE_OPTIONS), layout=layout, description="Evidence first"
        ),
        guardrails=w.SelectMultiple(
            options=options(GUARDRAIL_OPTIONS), layout=layout, description="Guardrails"
        ),
        stop_conditions=w.SelectMultiple(
            options=options(STOP_OPTIONS), layout=layout, description="Stop if"
        ),
        reasoning=w.Textarea(
            placeholder="Your reasoning, in a few sentences",
            layout=w.Layout(width="98%"),
            description="Why",
        ),
        show_model_answer=w.Checkbox(value=False, description="show the model answer"),
    )
