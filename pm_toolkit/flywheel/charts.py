"""Static pictures of the flywheel, its runs and its levers (matplotlib, imported lazily).

Each ``plot_*`` draws one figure whose title states the finding it shows.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from pm_toolkit.flywheel.calibration import Calibration
from pm_toolkit.flywheel.decisions import DATA_DRIVEN, GUESSWORK, DecisionComparison
from pm_toolkit.flywheel.levers import best_promotion, price_change, profit_max_price
from pm_toolkit.flywheel.model import COST_LOOP, MAIN_LOOP


def plot_loop() -> None:
    """Draw the flywheel: the reinforcing loop as a circle of arrows, the cost loop feeding in."""
    from matplotlib.patches import FancyArrowPatch

    from pm_toolkit import viz

    _fig, ax = viz.new_axes(figsize=(7.0, 5.2))
    ax.grid(False)
    ax.set_axis_off()
    n = len(MAIN_LOOP)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
    pts = [(math.cos(a), math.sin(a)) for a in angles]
    for i, (label, (x, y)) in enumerate(zip(MAIN_LOOP, pts, strict=True)):
        ax.text(x, y, label, ha="center", va="center", fontsize=11,
                bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": viz.PALETTE[0]})  # fmt: skip
        nx, ny = pts[(i + 1) % n]
        ax.add_patch(FancyArrowPatch((x * 0.8, y * 0.8), (nx * 0.8, ny * 0.8),
                                     connectionstyle="arc3,rad=-0.3", arrowstyle="-|>",
                                     mutation_scale=18, color=viz.PALETTE[0], lw=2))  # fmt: skip
    cost = [(-2.1, 0.9), (-2.1, 0.0), (-2.1, -0.9)]
    for label, (x, y) in zip(COST_LOOP, cost, strict=True):
        ax.text(x, y, label, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": viz.PALETTE[1]})  # fmt: skip
    for (x0, y0), (x1, y1) in itertools.pairwise(cost):
        ax.add_patch(FancyArrowPatch((x0, y0 - 0.15), (x1, y1 + 0.15), arrowstyle="-|>",
                                     mutation_scale=15, color=viz.PALETTE[1], lw=1.5))  # fmt: skip
    ax.add_patch(FancyArrowPatch((-1.75, -0.9), (pts[0][0] - 0.45, pts[0][1] - 0.05),
                                 connectionstyle="arc3,rad=-0.4", arrowstyle="-|>",
                                 mutation_scale=15, color=viz.PALETTE[1], lw=1.5))  # fmt: skip
    ax.text(0, 0, "more\ncustomers\nmore\ndata", ha="center", va="center", fontsize=9,
            color=viz.PALETTE[7])  # fmt: skip
    ax.set_xlim(-2.8, 1.6)
    ax.set_ylim(-1.4, 1.4)
    viz.finish(ax, title="Each link feeds the next: the wheel speeds itself up")


def plot_run(frame: pd.DataFrame, default: pd.DataFrame | None = None) -> None:
    """Customers (lakh) and price vs competitor (₹) over the weeks; ``default`` dashed."""
    from pm_toolkit import viz

    _fig, (left, right) = viz.new_axes(1, 2, figsize=(11.0, 3.8))
    weeks = frame["period"]
    left.plot(weeks, frame["customers"] / 1e5, color=viz.PALETTE[0], lw=2, label="this run")
    right.plot(weeks, frame["price"], color=viz.PALETTE[0], lw=2, label="our price")
    right.plot(weeks, frame["competitor_price"], color=viz.PALETTE[5], lw=1.5,
               label="competitor price")  # fmt: skip
    if default is not None:
        left.plot(default["period"], default["customers"] / 1e5, color=viz.PALETTE[7], lw=1,
                  ls="--", label="default settings")  # fmt: skip
        change = frame["customers"].iloc[-1] / default["customers"].iloc[-1] - 1
        title = f"{100 * change:+.0f} % customers vs default after {len(frame)} weeks"
    else:
        title = f"{frame['customers'].iloc[-1] / 1e5:,.1f} lakh customers after {len(frame)} weeks"
    left.set_title(title, loc="left")
    left.set_xlabel("Week")
    left.set_ylabel("Customers (lakh)")
    left.legend(frameon=False)
    right.yaxis.set_major_formatter(viz.RUPEES)
    gap = frame["price"].iloc[-1] / frame["competitor_price"].iloc[-1] - 1
    viz.finish(right, title=f"Our price ends {100 * abs(gap):.0f} % "
               f"{'below' if gap < 0 else 'above'} the competitor's",
               xlabel="Week", ylabel="Price of an average order (₹)")  # fmt: skip


def plot_comparison(cmp: DecisionComparison) -> None:
    """Customers over time with and without data science, and what each decision costs."""
    from pm_toolkit import viz

    _fig, (left, right) = viz.new_axes(1, 2, figsize=(11.0, 3.8))
    for frame, colour, label in ((cmp.data_driven, viz.PALETTE[0], DATA_DRIVEN.name),
                                 (cmp.guesswork, viz.PALETTE[1], GUESSWORK.name)):  # fmt: skip
        left.plot(frame["period"], frame["customers"] / 1e5, color=colour, lw=2, label=label)
    left.axhline(cmp.target / 1e5, color=viz.PALETTE[7], lw=0.8, ls=":")
    slow = cmp.slowdown
    left.set_title("Guesswork never reaches the target" if slow is None else
                   f"Guesswork needs {slow:.1f}× as long to reach the target", loc="left")  # fmt: skip
    left.set_xlabel("Week")
    left.set_ylabel("Customers (lakh)")
    left.legend(frameon=False)
    names = list(cmp.factor_cost)
    lost = [cmp.factor_cost[n] / 1e5 for n in names]
    right.barh(names, lost, color=[viz.PALETTE[i] for i in (2, 3, 4)])
    viz.finish(right, title=f"{cmp.costliest_factor.capitalize()} by guesswork costs the most",
               xlabel="Customers lost at the end (lakh), one decision done by guesswork")  # fmt: skip


def plot_calibration(cal: Calibration) -> None:
    """Amazon's 3P share [S] beside the model's after fitting the seller knobs."""
    from matplotlib.ticker import MaxNLocator

    from pm_toolkit import viz

    _fig, ax = viz.new_axes()
    c = cal.comparison
    ax.plot(c["year"], c["observed"], "o-", color=viz.PALETTE[0], label="Amazon, 3P share [S]")
    ax.plot(c["year"], c["model"], color=viz.PALETTE[1], lw=2, label="model, seller knobs fitted")
    ax.yaxis.set_major_formatter(viz.PERCENT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    viz.finish(ax, title=f"An S-curve follows the 3P rise to within {cal.rmse:.0f} points",
               xlabel="Year", ylabel="Third-party share of sales (%)")  # fmt: skip


def plot_category_shares(demand: pd.DataFrame, growth: pd.DataFrame, *, period: str = "week",
                         category: str = "category", value: str = "units") -> None:  # fmt: skip
    """Each category's share of demand per period; the fastest riser drawn bold."""
    from pm_toolkit import viz

    wide = demand.pivot_table(index=period, columns=category, values=value, aggfunc="sum",
                              fill_value=0).sort_index()  # fmt: skip
    share = wide.div(wide.sum(axis=1), axis=0)
    top = growth["category"].iloc[0]
    _fig, ax = viz.new_axes()
    x = np.arange(len(share))
    for cat in share.columns:
        if cat != top:
            ax.plot(x, share[cat], color="#BBBBBB", lw=1)
    ax.plot(x, share[top], color=viz.PALETTE[5], lw=3, label=top)
    ax.yaxis.set_major_formatter(viz.PERCENT)
    g = growth["weekly_growth"].iloc[0]
    viz.finish(
        ax,
        title=f"{top} gains share fastest: {100 * g:+.0f} % a week",
        xlabel=f"{period.capitalize()} of the period",
        ylabel="Share of demand (%)",
    )


def plot_promotion_lift(response: pd.DataFrame) -> None:
    """Relative conversion lift of each promotion, by segment."""
    from pm_toolkit import viz

    wide = response.pivot(index="segment", columns="promotion", values="lift")
    _fig, ax = viz.new_axes()
    y = np.arange(len(wide))
    h = 0.8 / len(wide.columns)
    for i, promo in enumerate(wide.columns):
        ax.barh(y + i * h, wide[promo], height=h, color=viz.PALETTE[i], label=promo)
    ax.set_yticks(y + h * (len(wide.columns) - 1) / 2, wide.index)
    ax.axvline(0, color=viz.PALETTE[7], lw=0.8)
    ax.xaxis.set_major_formatter(viz.PERCENT)
    best = best_promotion(response)
    title = "No one promotion wins everywhere" if best.nunique() > 1 else (
        f"{best.iloc[0]} wins in every segment")  # fmt: skip
    viz.finish(ax, title=title, xlabel="Conversion lift vs no banner (%)", ylabel="Segment")


def plot_price_curve(price: float, unit_cost: float, elasticity: float,
                     mrp: float | None = None) -> None:  # fmt: skip
    """Weekly margin (relative to today) across prices, with today's and the best price."""
    from pm_toolkit import viz

    hi = mrp if mrp is not None else 2 * price
    prices = np.linspace(unit_cost * 1.02, max(hi, price) * 1.0, 200)
    margin = (prices - unit_cost) * (prices / price) ** (-elasticity) / (price - unit_cost)
    _fig, ax = viz.new_axes()
    ax.plot(prices, margin - 1, color=viz.PALETTE[0], lw=2)
    ax.axvline(price, color=viz.PALETTE[7], ls="--", lw=1, label="today's price")
    if elasticity > 1:
        best = profit_max_price(unit_cost, elasticity, mrp)
        ax.axvline(best, color=viz.PALETTE[2], lw=1.5, label="margin-maximising price")
        gain = price_change(price, unit_cost, elasticity, best / price - 1).margin_change
        title = (
            "Today's price is already within 0.5 % of the best margin"
            if abs(gain) < 0.005
            else f"Moving to {viz.format_inr(best)} would change margin by {100 * gain:+.0f} %"
        )
    else:
        title = "Inelastic demand: margin keeps rising up to the MRP"
    ax.xaxis.set_major_formatter(viz.RUPEES)
    ax.yaxis.set_major_formatter(viz.PERCENT)
    viz.finish(ax, title=title, xlabel="Price (₹)", ylabel="Margin vs today (%)")


def plot_unit_economics(ue) -> None:
    """Contribution per order by payment method (₹), one bar per method, split into its parts."""
    from pm_toolkit import viz

    parts = ["goods_margin", "discount", "delivery", "return_leg", "payment_fee"]
    t = ue.methods.sort_values("contribution")
    _fig, ax = viz.new_axes(figsize=(9.0, 3.8))
    y = np.arange(len(t))
    pos, neg = np.zeros(len(t)), np.zeros(len(t))
    for i, part in enumerate(parts):
        v = t[part].to_numpy()
        left = np.where(v >= 0, pos, neg)
        ax.barh(y, v, left=left, color=viz.PALETTE[i], height=0.6, label=part.replace("_", " "))
        pos, neg = pos + np.clip(v, 0, None), neg + np.clip(v, None, 0)
    ax.scatter(t["contribution"], y, color="black", zorder=3, marker="D", label="contribution")
    ax.set_yticks(y, t.index)
    ax.axvline(0, color=viz.PALETTE[7], lw=0.8)
    ax.xaxis.set_major_formatter(viz.RUPEES)
    worst = t.index[0]
    viz.finish(ax, title=f"{worst} orders leave the least per order",
               xlabel="₹ per order (costs to the left of zero)", ylabel="Payment method")  # fmt: skip
