"""How fast does the Lesson 5 repricing simulator react when a learner moves a slider?

Drives ``pm_toolkit.pricing.dashboard.simulator_dashboard`` through ``Dashboard.update`` (the
same path a slider takes) over the learner's ``small`` pricing panel (30 products × 672 hours,
3 policies), with a fixed, seeded sequence of slider moves. Prints p50/p95 per update for:

- the simulation alone (``pricing.simulate``): the floor any chart comes on top of,
- the dashboard as shipped: re-simulate and redraw its two inline SVG charts
  (``pm_toolkit.viz_svg``) and its table, including the HTML the browser gets (one output),
- the matplotlib variant measured in the same run (``chart="matplotlib"``, the previous
  shipped version): re-simulate and update one figure in place, then the same plus rendering
  the figure to PNG (what JupyterLab's inline display costs),
- a baseline: re-simulate and build a fresh two-panel figure with ``viz.new_axes`` +
  ``tight_layout`` on every move (the obvious way), also rendered to PNG.

Target: the shipped dashboard under 100 ms p95. No assertions: compare ratios on one machine.
Each line also shows the p50 CPU time of this process: on a shared, busy machine wall time is
CPU time plus waiting for a core, and the gap shows how much of it was waiting.

    python benchmarks/bench_pricing.py [--scale small] [--updates 60] [--seed 2026]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no window; figures are still built and drawn

import matplotlib.pyplot as plt
import numpy as np

from pm_toolkit import data, pricing, viz
from pm_toolkit.pricing.dashboard import (
    FREQUENCIES,
    TRUST_EFFECTS,
    policies_for,
    simulator_dashboard,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, percentiles_ms, report_row


def moves(n: int, seed: int) -> list[dict]:
    """A seeded sequence of slider moves, one control at a time, as a learner drags."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(55,)))
    out = []
    for _ in range(n):
        which = int(rng.integers(3))
        if which == 0:
            out.append({"review_every": int(rng.choice(FREQUENCIES))})
        elif which == 1:
            out.append({"trust_effect": float(rng.choice(TRUST_EFFECTS))})
        else:
            out.append({"competitor_reaction": float(rng.integers(0, 11) / 10)})
    return out


def _simulate(market, state: dict):
    return pricing.simulate(
        market,
        policies_for(state["review_every"]),
        trust_effect=state["trust_effect"],
        competitor_reaction=state["competitor_reaction"],
    )


def time_moves(market, steps, one) -> tuple[np.ndarray, np.ndarray]:
    """Replay the moves on the slider state, timing ``one(market, state)`` after each (wall, CPU)."""
    state = {"review_every": 1, "trust_effect": 0.0, "competitor_reaction": 0.0}
    clock = Clock()
    for step in steps:
        state.update(step)
        with clock():
            one(market, state)
    return clock.wall, clock.cpu


def time_dashboard(dash, steps, draw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Each move through ``dash.update``; ``draw`` adds what the browser is sent: the SVG
    charts' HTML, or the matplotlib figure rendered to PNG."""
    clock = Clock()
    with contextlib.redirect_stdout(io.StringIO()):  # display() echoes outside a kernel
        dash.redraw()  # first draw, as when the cell runs
        for step in steps:
            with clock():
                dash.update(**step)
                if draw and dash.charts is not None:
                    dash.result._repr_html_()  # charts and table: the one output shown
                elif draw:
                    # What JupyterLab's inline backend does to show the figure: a PNG.
                    dash.figure.savefig(io.BytesIO(), format="png")
    return clock.wall, clock.cpu


def _baseline_step(market, state) -> None:
    """One move the obvious way: simulate, then a fresh figure with tight_layout."""
    report = _simulate(market, state)
    table = report.table()
    fig, (left, right) = viz.new_axes(1, 2, figsize=(11, 3.6))
    gains = table["gross_margin"] - table.loc["static", "gross_margin"]
    left.barh(gains.index[1:], gains.to_numpy()[1:])
    for k, name in enumerate(table.index):
        right.step(np.arange(168) / 24, report.prices[k, 0, :168], label=name)
    right.legend()
    fig.tight_layout()
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def row(name: str, times: tuple[np.ndarray, np.ndarray]) -> str:
    return report_row(name, times[0], cpu=times[1], width=33)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--updates", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    panel = data.load("pricing_panel", scale=args.scale, seed=args.seed)
    products = data.load("products", scale=args.scale, seed=args.seed)
    eps = pricing.panel_elasticity(panel, randomised=True).elasticity
    market = pricing.case_market(panel, products, elasticity=eps)
    steps = moves(args.updates, args.seed)
    print(f"{market}, {args.updates} slider moves, scale={args.scale}, seed={args.seed}")

    sim = time_moves(market, steps, _simulate)
    shipped = time_dashboard(simulator_dashboard(market), steps, draw=True)
    mpl = time_dashboard(simulator_dashboard(market, chart="matplotlib"), steps)
    mpl_drawn = time_dashboard(simulator_dashboard(market, chart="matplotlib"), steps, draw=True)
    base = time_moves(market, steps, _baseline_step)
    print(row("simulation only", sim))
    print(row("dashboard update (shipped, SVG)", shipped))
    print(row("matplotlib: figure in place", mpl))
    print(row("  + PNG render (inline)", mpl_drawn))
    print(row("baseline: new figure + PNG", base))
    p95 = {name: percentiles_ms(t[0])[1] for name, t in
           (("svg", shipped), ("mpl", mpl_drawn), ("base", base))}  # fmt: skip
    print(f"ratio p95 shipped SVG / matplotlib in place + PNG: {p95['svg'] / p95['mpl']:.2f}")
    print(f"ratio p95 shipped SVG / baseline: {p95['svg'] / p95['base']:.2f}")
    print(f"shipped p95 {p95['svg']:.1f} ms: target < 100 ms "
          f"{'met' if p95['svg'] < 100 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
