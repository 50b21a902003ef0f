"""How fast does the Lesson 2 metrics dashboard react when a learner changes a picker?

Drives ``pm_toolkit.metrics.metrics_dashboard`` through ``Dashboard.update`` (the same path a
dropdown or the date slider takes) over the learner's ``small`` data, with a fixed, seeded
sequence of segment and date choices. Prints p50/p95 per update for:

- the dashboard as shipped (per-session arrays prepared once; SVG trend line),
- the same with a matplotlib chart instead of the SVG line (what a redraw of a figure costs),
- a baseline measured in the same run: recomputing the numbers from the raw tables with
  pandas on every change (filter sessions, join orders, conversion rate and AOV).

Target: the shipped dashboard under 100 ms p95. No assertions: compare ratios on one machine.

    python benchmarks/bench_dashboard.py [--scale small] [--updates 200] [--seed 2026]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no window; figures are still built, laid out and closed

import numpy as np
import pandas as pd

from pm_toolkit import data, metrics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, meets_p95, print_vs_baseline


def choices(dash, n: int, seed: int) -> list[dict]:
    """A seeded sequence of picker changes, one control at a time, as a learner clicks."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(42,)))
    dates = list(dash.controls["dates"].options)
    out = []
    for _ in range(n):
        name = str(rng.choice(list(dash.controls)))
        if name == "dates":
            a, b = sorted(rng.choice(len(dates), 2, replace=False))
            out.append({"dates": (dates[a], dates[b])})
        else:
            out.append({name: str(rng.choice(list(dash.controls[name].options)))})
    return out


def time_dashboard(dash, steps: list[dict]) -> np.ndarray:
    clock = Clock()
    # Outside a kernel the Output widget echoes to stdout; keep the benchmark's output readable.
    with contextlib.redirect_stdout(io.StringIO()):
        dash.redraw()  # first draw (warm-up), as when the cell runs
        for step in steps:
            with clock():
                dash.update(**step)
                # JupyterLab shows the result as HTML (tiles + SVG trend): building it is timed.
                html = getattr(dash.result, "_repr_html_", None)
                if html is not None:
                    html()
    return clock.wall


def time_baseline(sessions: pd.DataFrame, orders: pd.DataFrame, steps: list[dict]) -> np.ndarray:
    """Recompute from raw frames on every change: the obvious pandas version."""
    state = {"device": "all", "city_tier": "all", "channel": "all", "dates": None}
    day = sessions["start_ts"].dt.strftime("%d %b")
    first_day = sessions["start_ts"].dt.tz_localize(None).dt.normalize()
    pos = (first_day - first_day.min()).dt.days
    labels = {d: i for i, d in enumerate(pd.unique(day.iloc[np.argsort(pos.to_numpy())]))}
    clock = Clock()
    for step in steps:
        with clock():
            state.update(step)
            mask = pd.Series(True, index=sessions.index)
            for col in ("device", "city_tier", "channel"):
                if state[col] != "all":
                    mask &= sessions[col].astype("string").fillna("unknown") == state[col]
            if state["dates"] is not None:
                a, b = (labels[d] for d in state["dates"])
                mask &= pos.between(a, b)
            chosen = sessions[mask]
            mine = orders[orders["session_id"].isin(chosen["session_id"])]
            metrics.conversion_rate(chosen, mine)
            metrics.average_order_value(mine)
    return clock.wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None, help="dataset seed (default: learner's)")
    args = parser.parse_args()

    setup = Clock()
    with setup():
        sessions = data.load("sessions", scale=args.scale, seed=args.seed)
        orders = data.load("orders", scale=args.scale, seed=args.seed)
    with setup():
        dash = metrics.metrics_dashboard(sessions, orders)
    load_s, build_s = setup.wall
    steps = choices(dash, args.updates, seed=7)
    print(
        f"scale={args.scale}: {len(sessions):,} sessions, {len(orders):,} orders; "
        f"load {load_s:.2f} s, dashboard build {build_s * 1000:.0f} ms; {len(steps)} updates"
    )

    base = time_baseline(sessions, orders, steps)
    shipped = time_dashboard(dash, steps)
    mpl = time_dashboard(
        metrics.metrics_dashboard(sessions, orders, chart="matplotlib"), steps[:50]
    )
    print_vs_baseline(
        ("baseline: pandas recompute per change", base),
        {"dashboard (prepared arrays + SVG)": shipped, "dashboard with a matplotlib chart": mpl},
        width=38,
    )
    print(f"shipped dashboard {meets_p95(shipped)} the 100 ms p95 target")


if __name__ == "__main__":
    main()
