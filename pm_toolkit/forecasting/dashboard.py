"""The newsvendor slider: what a stock-out and a day of holding cost, and what that does.

Two sliders: the goodwill lost with a missed sale (as a share of the price, on top of the lost
margin) and the holding cost (a multiple of the warehouses' daily rates). Each move recomputes
the critical ratio, re-places the forecast-based stock and replays the season for every
policy; the result (an inline SVG chart and a table) replaces the old one in place. The
redraw is timed by ``benchmarks/bench_forecasting.py`` (target: p95 under 100 ms).

>>> from pm_toolkit.forecasting.simulator import Season
>>> dash = newsvendor_dashboard(Season.example())
>>> sorted(dash.controls)
['goodwill', 'holding']
>>> bool(dash.update(goodwill=0.5).result.ratio > 0.5)  # doctest: +ELLIPSIS
ReplayView(...)
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pm_toolkit import viz, viz_svg
from pm_toolkit.findings import tidy_table
from pm_toolkit.forecasting.simulator import (
    POLICIES,
    PolicyComparison,
    ReplayResult,
    Season,
    compare_policies,
    replay,
)
from pm_toolkit.formatting import format_inr_compact

__all__ = ["ReplayView", "newsvendor_dashboard", "replay_view"]


@dataclass(frozen=True)
class ReplayView:
    """One slider position: the average critical ratio, the policy table and its chart."""

    ratio: float
    table: pd.DataFrame
    chart: str

    def _repr_html_(self) -> str:
        t = tidy_table(
            self.table.reset_index(names="policy")[
                ["policy", "margin (₹)", "stock-outs (units)", "avg delivery days", "fill rate"]
            ],
            compact_money=["margin (₹)"],
            pct=["fill rate"],
        )
        t["stock-outs (units)"] = self.table["stock-outs (units)"].map("{:,.0f}".format).to_numpy()
        return (
            f"<p>Critical ratio (average over warehouses and categories): "
            f"<b>{self.ratio:.0%}</b>: stock to that chance of not running out.</p>"
            f"<div style='display:flex;flex-wrap:wrap;gap:12px'>{self.chart}"
            f"{t.to_html(index=False)}</div>"
        )

    def __repr__(self) -> str:
        best = str(self.table["margin (₹)"].idxmax())
        return f"ReplayView(ratio={self.ratio:.2f}, best margin: {html.unescape(best)})"


#: Policies whose placement does not depend on the cost sliders: replayed once per dashboard.
FIXED_POLICIES = ("last year + 10%", "manual")


def _rescaled(result: ReplayResult, holding: float) -> ReplayResult:
    """A replay run at holding scale 1, with its holding cost scaled (margin nets it)."""
    extra = result.holding_cost * (holding - 1.0)
    return replace(result, holding_cost=result.holding_cost + extra, margin=result.margin - extra)


def replay_view(
    season: Season,
    goodwill: float,
    holding: float,
    fixed: dict[str, ReplayResult] | None = None,
) -> ReplayView:
    """Replay every policy at these costs and draw the margins. ``fixed``: replays (at holding
    scale 1) of the policies whose placement ignores the costs, to reuse instead of rerunning."""
    s = season.with_costs(goodwill, holding)
    cu, co = s.costs()
    moving = [p for p in POLICIES if fixed is None or p not in fixed]
    results = compare_policies(s, moving).results
    for p, r in (fixed or {}).items():
        results[p] = _rescaled(r, holding)
    table = PolicyComparison({p: results[p] for p in POLICIES}).table()
    margin = table["margin (₹)"]
    best = str(margin.idxmax())
    chart = viz_svg.bar_chart(
        list(margin.index),
        (margin / 1e7).to_numpy(),
        title=f"Highest margin at these costs: {best}",
        xlabel="margin over the season (₹ crore)",
        fmt=lambda v: format_inr_compact(v * 1e7),
    )
    return ReplayView(float(np.mean(cu / (cu + co))), table, chart)


def newsvendor_dashboard(season: Season):
    """Sliders for the stock-out and holding costs; the replay redraws in place."""
    import ipywidgets as w

    goodwill = w.FloatSlider(
        value=season.goodwill_share, min=0.0, max=1.0, step=0.05,
        description="goodwill", readout_format=".0%",
        tooltip="What a missed sale costs on top of the lost margin, as a share of the price",
    )  # fmt: skip
    holding = w.FloatSlider(
        value=season.holding_scale, min=0.25, max=5.0, step=0.25,
        description="holding", readout_format=".2f",
        tooltip="Holding cost as a multiple of the warehouses' daily rates",
    )  # fmt: skip
    base = season.with_costs(season.goodwill_share, 1.0)
    fixed = {p: replay(base, base.placement(p)) for p in FIXED_POLICIES}
    return viz.Dashboard(
        lambda goodwill, holding: replay_view(season, goodwill, holding, fixed),
        goodwill=goodwill,
        holding=holding,
    )
