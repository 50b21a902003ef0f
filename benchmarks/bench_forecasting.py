"""Lesson 6 costs: the demand tables in the world, backtests over every series, the slider.

    python benchmarks/bench_forecasting.py                  # all three parts
    python benchmarks/bench_forecasting.py --skip-world     # without the `large` world
    python benchmarks/bench_forecasting.py --skip-world --skip-backtest   # the slider only

1. **Data cost**: generate a world at ``--world-scale`` (default ``large``) with stage timings;
   print the ``demand_daily`` + ``warehouses`` stage's CPU seconds and file bytes against the
   rest of the world (same run). The tables are the same size at every scale.
2. **Backtest time for all series**: every forecaster over all 50 warehouse × category series
   from ``--origins`` rolling origins (28 days each), against the seasonal-naive baseline
   measured in the same run, with each method's WAPE.
3. **Slider re-simulation**: the newsvendor dashboard driven through ``Dashboard.update`` (the
   path a slider takes) with a seeded sequence of moves: replay of all four policies plus the
   SVG chart and HTML. Baselines in the same run: the replay alone, and the obvious way (replay
   plus a fresh matplotlib figure rendered to PNG). Target: p95 under 100 ms.

No assertions: compare ratios from one run (the machine is shared; noise is 30–50 %).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, percentiles_ms, report_row

from pm_toolkit import data, viz
from pm_toolkit import forecasting as fc


def cpu() -> float:
    return time.process_time()


def world_cost(scale: str, seed: int) -> None:
    from pm_toolkit.data.generate import generate_world

    marks: list[tuple[str, float, float]] = [("start", time.perf_counter(), cpu())]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "w"
        m = generate_world(seed, scale, out, progress=False,
                           on_step=lambda s: marks.append((s, time.perf_counter(), cpu())))  # fmt: skip
        marks.append(("end", time.perf_counter(), cpu()))
        sizes = {}
        for t, info in m["tables"].items():
            p = out / info["path"]
            sizes[t] = (
                sum(f.stat().st_size for f in p.rglob("*")) if p.is_dir() else p.stat().st_size
            )
    stages = {a[0]: (b[1] - a[1], b[2] - a[2]) for a, b in pairwise(marks[1:])}
    total_wall, total_cpu = marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2]
    _wall, mine_cpu = stages["demand_daily"]
    mine_bytes = sizes["demand_daily"] + sizes["warehouses"]
    print(
        f"world {scale} seed {seed}: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU (main process)"
    )
    for name, (w, c) in stages.items():
        print(f"  stage {name:<14} {w:7.2f} s wall {c:7.2f} s CPU")
    print(f"demand_daily + warehouses: {mine_cpu:.2f} s CPU = {mine_cpu / (total_cpu - mine_cpu):.2%}"
          f" of the rest of the world; {mine_bytes / 2**20:.2f} MiB of "
          f"{sum(sizes.values()) / 2**20:.1f} MiB ({mine_bytes / (sum(sizes.values()) - mine_bytes):.2%})")  # fmt: skip


def backtest_cost(seed: int, n_origins: int) -> None:
    demand = data.load("demand_daily", scale="small", seed=seed)
    origins = fc.rolling_origins(fc.SEASON_START, n=n_origins)
    print(f"backtest: 50 series, {n_origins} origin(s) × 28 days")
    times = {}
    for name, method in fc.standard_methods().items():
        clock = Clock()
        with clock():
            bt = fc.backtest(demand, {name: method}, origins)
        times[name] = (clock.wall[0], clock.cpu[0], bt.scores()["wape"].iloc[0])
    base = times["seasonal naive"][0]
    for name, (w, c, wape) in times.items():
        print(f"  {name:<22} {w:7.2f} s wall {c:7.2f} s CPU  {w / base:8.1f}× baseline   "
              f"WAPE {wape:.1%}")  # fmt: skip
    total = sum(w for w, _c, _x in times.values())
    print(f"  all methods together: {total:.1f} s wall")


def moves(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(66,)))
    out = []
    for _ in range(n):
        if rng.integers(2):
            out.append({"goodwill": float(rng.integers(0, 21) * 0.05)})
        else:
            out.append({"holding": float(rng.integers(1, 21) * 0.25)})
    return out


def slider_cost(seed: int, n: int) -> None:
    demand = data.load("demand_daily", scale="small", seed=seed)
    season = fc.build_season(
        demand, data.load("warehouses", scale="small", seed=seed),
        data.load("products", scale="small", seed=seed),
    )  # fmt: skip
    steps = moves(n, seed)
    dash = fc.newsvendor_dashboard(season)
    shipped, replay_only, baseline = Clock(), Clock(), Clock()
    state = {"goodwill": season.goodwill_share, "holding": season.holding_scale}
    with contextlib.redirect_stdout(io.StringIO()):
        dash.redraw()
        for step in steps:
            with shipped():
                dash.update(**step)
                dash.result._repr_html_()
    for step in steps:
        state.update(step)
        with replay_only():
            fc.compare_policies(season.with_costs(state["goodwill"], state["holding"]))
        with baseline():
            t = fc.compare_policies(season.with_costs(state["goodwill"], state["holding"])).table()
            _fig, ax = viz.new_axes()
            ax.barh(t.index, t["margin (₹)"])
            _fig.tight_layout()
            _fig.savefig(io.BytesIO(), format="png")
            plt.close(_fig)
    print(f"slider: {n} moves on the small season ({season})")
    print(report_row("replay only (4 policies)", replay_only.wall, cpu=replay_only.cpu))
    print(report_row("dashboard update (SVG + HTML)", shipped.wall, baseline.wall, cpu=shipped.cpu))
    print(report_row("baseline: replay + new matplotlib PNG", baseline.wall, cpu=baseline.cpu))
    p95 = percentiles_ms(shipped.wall)[1]
    print(f"shipped p95 {p95:.1f} ms: target < 100 ms {'met' if p95 < 100 else 'MISSED'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--world-scale", default="large")
    ap.add_argument("--skip-world", action="store_true")
    ap.add_argument("--skip-backtest", action="store_true")
    ap.add_argument("--origins", type=int, default=2)
    ap.add_argument("--updates", type=int, default=60)
    args = ap.parse_args()
    if not args.skip_world:
        world_cost(args.world_scale, args.seed)
    if not args.skip_backtest:
        backtest_cost(args.seed, args.origins)
    slider_cost(args.seed, args.updates)


if __name__ == "__main__":
    main()
