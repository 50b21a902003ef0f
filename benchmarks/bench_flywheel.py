"""How fast does the Lesson 1 flywheel dashboard react when a learner lets go of a slider?

Drives ``pm_toolkit.flywheel.dashboard`` through ``Dashboard.update`` (the path a slider takes)
with a fixed, seeded sequence of slider moves, and times each update *including* building what
the notebook displays (``_repr_html_``: the inline SVG charts, or the PNG for matplotlib).
Prints p50/p95 per update for:

- the dashboard as shipped (260-week simulation + two inline SVG charts),
- the same dashboard drawing with matplotlib, one figure updated in place (+ PNG),
- a baseline measured in the same run: the obvious version, a fresh matplotlib figure per move
  (``fw.plot_run`` + PNG), as an ``interact`` around the lesson's plot would do,
- the simulation alone (the floor: what any chart adds comes on top of it).

Target: the shipped dashboard under 100 ms p95. No assertions: compare ratios on one machine.

    python benchmarks/bench_flywheel.py [--updates 100] [--weeks 260]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no window; figures are still built, laid out and rendered to PNG

import matplotlib.pyplot as plt
import numpy as np

from pm_toolkit import flywheel as fw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, meets_p95, print_vs_baseline


def moves(n: int, seed: int = 7) -> list[dict]:
    """A seeded sequence of slider moves, one control at a time, as a learner drags them."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    out: list[dict] = []
    names = [*fw.SLIDERS, "seller_link"]
    for _ in range(n):
        name = names[int(rng.integers(len(names)))]
        if name == "seller_link":
            out.append({name: bool(rng.integers(2))})
        else:
            lo, hi, step, _label = fw.SLIDERS[name]
            out.append({name: round(lo + step * int(rng.integers(round((hi - lo) / step) + 1)), 4)})
    return out


def time_dashboard(dash, steps: list[dict]) -> np.ndarray:
    clock = Clock()
    # Outside a kernel the Output widget echoes to stdout; keep the benchmark's output readable.
    with contextlib.redirect_stdout(io.StringIO()):
        dash.redraw()  # the first draw, as when the cell runs (warm-up)
        dash.result._repr_html_()
        for step in steps:
            with clock():
                dash.update(**step)
                dash.result._repr_html_()  # what the notebook front end is sent
    return clock.wall


def time_baseline(steps: list[dict], weeks: int) -> np.ndarray:
    """A fresh figure per move: simulate, fw.plot_run, render to PNG, close."""
    base = fw.FlywheelParams()
    default = fw.simulate(base, weeks)
    state: dict = {}
    clock = Clock()
    show = plt.show
    plt.show = lambda *a, **k: None  # fw.plot_run ends with plt.show(); the PNG is made below
    try:
        for step in steps:
            with clock():
                state.update(step)
                frame = fw.simulate(replace(base, **state), weeks)
                fw.plot_run(frame, default)
                for num in plt.get_fignums():
                    plt.figure(num).savefig(io.BytesIO(), format="png")
                plt.close("all")
    finally:
        plt.show = show
    return clock.wall


def time_simulation(steps: list[dict], weeks: int) -> np.ndarray:
    base, state, clock = fw.FlywheelParams(), {}, Clock()
    for step in steps:
        with clock():
            state.update(step)
            fw.simulate(replace(base, **state), weeks)
    return clock.wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=260)
    args = parser.parse_args()
    steps = moves(args.updates)
    few = steps[: max(10, args.updates // 4)]  # the slow variants on fewer moves
    print(f"{len(steps)} slider moves, {args.weeks} weeks per run")

    base = time_baseline(few, args.weeks)
    shipped = time_dashboard(fw.dashboard(periods=args.weeks), steps)
    mpl = time_dashboard(fw.dashboard(periods=args.weeks, chart="matplotlib"), few)
    sim = time_simulation(steps, args.weeks)
    rows = {
        "dashboard as shipped (SVG)": shipped,
        "dashboard, matplotlib figure in place": mpl,
        "simulation alone": sim,
    }
    print_vs_baseline(("baseline: new matplotlib figure per move", base), rows, width=44)
    print(f"shipped dashboard {meets_p95(shipped)} the 100 ms p95 target")


if __name__ == "__main__":
    main()
