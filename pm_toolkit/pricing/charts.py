"""The capstone's static charts, one call each, titled with what the learner's data show.

Each function draws with :mod:`pm_toolkit.viz` (course style, axes labelled with units) and
returns ``None``, so a lesson cell ending with it prints nothing else. The title is a finding,
so it is computed: which way the curves differ, where the break-even lies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pm_toolkit import viz
from pm_toolkit.formatting import format_pct
from pm_toolkit.pricing.case import price_response

__all__ = ["curve_slope", "plot_price_response", "plot_trust_sweep"]


def curve_slope(curve: pd.DataFrame) -> float:
    """The log-log slope of a price-response curve (``price_vs_list`` → ``sales_index``),
    weighted by the hours behind each point: how fast sales fall as price rises."""
    x = np.log(curve["price_vs_list"].to_numpy(float))
    y = np.log(curve["sales_index"].to_numpy(float))
    return float(np.polyfit(x, y, 1, w=np.sqrt(curve["hours"].to_numpy(float)))[0])


def plot_price_response(panel: pd.DataFrame, products: pd.DataFrame) -> None:
    """Average sales at each price level, randomised hours against the price history."""
    test = price_response(panel, products, randomised=True)
    hist = price_response(panel, products, randomised=False)
    steeper = curve_slope(test) < curve_slope(hist)
    _fig, ax = viz.new_axes()
    ax.plot(test["price_vs_list"], test["sales_index"], "o-", label="randomised prices")
    ax.plot(hist["price_vs_list"], hist["sales_index"], "s--", label="price history")
    ax.xaxis.set_major_formatter(viz.PERCENT)
    viz.finish(
        ax,
        title=f"Sales fall {'faster' if steeper else 'slower'} with price when prices are "
        "random than in the history",
        xlabel="price (% of list price)",
        ylabel="sales (1 = product's average hour)",
    )


def plot_trust_sweep(
    sweep: pd.DataFrame, break_evens: Mapping[str, float], policies: Sequence[str] | None = None
) -> None:
    """Margin over the static price (₹ lakh) of each policy as the trust effect grows.

    ``sweep`` comes from :func:`pm_toolkit.pricing.trust_sensitivity` (rows: trust effect,
    columns: policy); ``break_evens`` maps policy → break-even trust effect (dotted lines).
    """
    names = [p for p in (policies or sweep.columns) if p != "static"]
    _fig, ax = viz.new_axes()
    x = 100 * sweep.index.to_numpy(float)
    for k, name in enumerate(names):
        colour = viz.PALETTE[(k + 1) % len(viz.PALETTE)]
        ax.plot(x, (sweep[name] - sweep["static"]) / 1e5, label=name, color=colour)
        if name in break_evens:
            ax.axvline(100 * break_evens[name], color=colour, linestyle=":", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.8)
    first = min(break_evens, key=break_evens.get)
    viz.finish(
        ax,
        title=f"{first.capitalize()} stops paying first, at a trust effect of "
        f"{format_pct(break_evens[first], 3)} per change",
        xlabel="trust effect (% of repeat customers' trust lost per price change)",
        ylabel="margin vs static price (₹ lakh)",
    )
