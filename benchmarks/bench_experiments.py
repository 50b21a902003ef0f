"""How fast are Lesson 4's live simulations, and what does vectorising them buy?

Each row times one thing the lesson (or its tests) runs, p50/p95 over ``--repeats`` runs, next
to a baseline measured in the same run on the same machine:

- ``peeking_simulation`` (5 looks, 10,000 A/A tests; the lesson's live simulation, vectorised
  with numpy) against the obvious loop: one statsmodels ``proportions_ztest`` per test per look;
- the peeking dashboard's update (simulation + plot, what a slider move costs) for 1–20 looks;
- ``group_sequential_boundaries`` (O'Brien–Fleming, 5 and 10 looks, cache cleared: recursive
  integration + root finding) against one evaluation of the same crossing probability with
  scipy's multivariate-normal CDF (the test oracle);
- the A/A validity check of the test suite (4,000 ``proportion_test`` calls) against the same
  loop with statsmodels' ``proportions_ztest``;
- ``prob_b_beats_a`` (exact closed form) against 1,000,000 Monte-Carlo posterior draws.

Target: every simulation the lesson runs well under a second. No assertions: compare ratios.

    python benchmarks/bench_experiments.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from pm_toolkit import experiments as ex
from pm_toolkit.experiments import charts, sequential

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, percentiles_ms, report_row, time_calls


def timings(fn: Callable[[], object], repeats: int) -> np.ndarray:
    return time_calls(fn, repeats, warmup=1)  # warm-up: imports, caches of numpy/scipy


def row(name: str, t: np.ndarray, base: np.ndarray | None = None, scale: float = 1.0) -> None:
    """p50/p95 of ``t``; with ``base``, its p50 (× ``scale``) and how many times faster ``t`` is."""
    text = report_row(name, t, width=58)
    if base is not None:
        b50 = percentiles_ms(base)[0] * scale
        text += f"   baseline p50 {b50:9.1f} ms   ×{b50 / percentiles_ms(t)[0]:7.1f} faster"
    print(text)


def loop_peeking(looks: int, n_sims: int, seed: int = 1, users: int = 2_000) -> float:
    """The obvious version: simulate each test and call statsmodels at every look."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(99,)))
    wins = 0
    for _ in range(n_sims):
        conv = rng.binomial(users, 0.05, size=(2, looks)).cumsum(axis=1)
        for k in range(looks):
            n = users * (k + 1)
            _, p = proportions_ztest([conv[1, k], conv[0, k]], [n, n])
            if p < 0.05:
                wins += 1
                break
    return wins / n_sims


def mvn_crossing(z: tuple[float, ...]) -> float:
    k = np.arange(1, len(z) + 1)
    corr = np.sqrt(np.minimum.outer(k, k) / np.maximum.outer(k, k))
    zz = np.asarray(z)
    # `seed` in the constructor works on every supported scipy; the cdf() keyword was renamed.
    mvn = stats.multivariate_normal(mean=np.zeros(len(z)), cov=corr, seed=0)
    return 1 - mvn.cdf(zz, lower_limit=-zz)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    r = args.repeats

    print("Lesson 4 benchmarks (times per call; baselines measured in this run)\n")

    sim = timings(lambda: ex.peeking_simulation(5, n_sims=10_000, seed=1), r)
    base_sims = 300  # the loop is slow: time 300 tests and scale to 10,000
    base = timings(lambda: loop_peeking(5, base_sims), max(1, r // 3))
    row("peeking_simulation, 5 looks, 10,000 A/A tests", sim, base, scale=10_000 / base_sims)

    dash = charts.peeking_dashboard(seed=1)
    with contextlib.redirect_stdout(io.StringIO()):
        dash.redraw()
        moves = [1, 5, 10, 20, 3, 8, 15, 2]
        clock = Clock()
        for looks in moves * max(1, r // 4):
            with clock():
                dash.update(looks=looks)
    row("peeking dashboard update (simulate + plot), 1–20 looks", clock.wall)

    def boundaries(looks: int) -> Callable[[], object]:
        def run() -> object:
            sequential._boundary_constant.cache_clear()
            return ex.group_sequential_boundaries(looks)

        return run

    for looks in (5, 10):
        z = ex.group_sequential_boundaries(looks).z
        b = timings(boundaries(looks), r)
        base = timings(lambda z=z: mvn_crossing(z), max(1, r // 3))
        row(f"O'Brien–Fleming boundaries, {looks} looks (solve) vs 1 mvn CDF", b, base)

    rng = np.random.default_rng(np.random.SeedSequence(2026, spawn_key=(1,)))
    xa, xb = rng.binomial(3_000, 0.08, 4_000), rng.binomial(3_000, 0.08, 4_000)
    ours = timings(
        lambda: [ex.proportion_test(a, 3_000, b, 3_000) for a, b in zip(xa, xb, strict=True)], r
    )
    theirs = timings(
        lambda: [proportions_ztest([b, a], [3_000, 3_000]) for a, b in zip(xa, xb, strict=True)], r
    )
    row("A/A validity check: 4,000 proportion_test calls", ours, theirs)

    exact = timings(lambda: ex.prob_b_beats_a(500, 10_000, 580, 10_000), r)

    def monte_carlo() -> float:
        g = np.random.default_rng(0)
        return float((g.beta(581, 9_421, 1_000_000) > g.beta(501, 9_501, 1_000_000)).mean())

    row("prob_b_beats_a exact (+200k draws for the lift CI)", exact, timings(monte_carlo, r))


if __name__ == "__main__":
    main()
