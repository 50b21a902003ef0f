"""Peeking: why checking a test every day and stopping at the first "win" lies, and the fix.

A z-test at α = 0.05 is wrong 5% of the time when there is no effect, *if you look once*.
Look after every batch of users and stop at the first p < 0.05, and the chances add up: five
looks give about 14% false wins. Group-sequential designs fix this by planning the looks and
using a stricter threshold at each one, chosen so the overall false-positive rate stays α:

* **Pocock**: the same z threshold at every look (≈ 2.41 for 5 looks at α = 0.05).
* **O'Brien–Fleming**: very strict early, close to 1.96 at the end (z_k = c·√(K/k),
  c ≈ 2.04 for 5 looks), so a planned full-length test loses almost no power.

Boundary constants are computed, not looked up: the crossing probability of K equally spaced
looks is integrated numerically with the Armitage–McPherson–Rowe recursion (the running sum of
standardised increments is a Gaussian random walk), and the constant solved for by root finding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import optimize, special

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments._random import rng_for

Design = Literal["obrien_fleming", "pocock"]
_GRID = 201  # points per integration interval; Simpson's rule, odd count
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _simpson_weights(n: int, h: float) -> np.ndarray:
    w = np.ones(n)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return w * h / 3


def crossing_probability(z_bounds: tuple[float, ...]) -> float:
    """P(|Z_k| ≥ z_k at some look k) under the null, for equally spaced looks.

    Z_k = S_k/√k where S_k is a sum of k independent N(0, 1) increments; the density of S
    among paths still running is carried look to look on a grid (Simpson's rule; 201 points
    per look already agree with 801 to about 1e-8).

    >>> round(crossing_probability((1.959964,)), 6)
    0.05
    """
    if not z_bounds or min(z_bounds) <= 0:
        raise ValueError("pass one positive z threshold per look")
    b = [z * math.sqrt(k) for k, z in enumerate(z_bounds, start=1)]  # thresholds on S_k
    crossed = 2 * float(special.ndtr(-b[0]))
    grid = np.linspace(-b[0], b[0], _GRID)
    dens = np.exp(-0.5 * grid**2) * _INV_SQRT_2PI  # density of S_1 on the continuing region
    for k in range(1, len(b)):
        w = _simpson_weights(_GRID, grid[1] - grid[0]) * dens
        crossed += float(w @ (special.ndtr(grid - b[k]) + special.ndtr(-b[k] - grid)))
        new_grid = np.linspace(-b[k], b[k], _GRID)
        gap = new_grid[:, None] - grid[None, :]
        dens = (np.exp(-0.5 * gap**2) * _INV_SQRT_2PI) @ w
        grid = new_grid
    return float(crossed)


def _check_looks(looks: int) -> int:
    if not isinstance(looks, (int, np.integer)) or not 1 <= looks <= 50:
        raise ValueError(f"looks must be a whole number from 1 to 50; got {looks!r}")
    return int(looks)


def _shape(c: float, looks: int, design: str) -> tuple[float, ...]:
    """The z threshold of each look for constant ``c``: Pocock c, O'Brien–Fleming c·√(K/k)."""
    if design == "pocock":
        return (c,) * looks
    return tuple(c * math.sqrt(looks / k) for k in range(1, looks + 1))


@lru_cache(maxsize=256)
def _boundary_constant(looks: int, alpha: float, design: str) -> float:
    return float(
        optimize.brentq(
            lambda c: crossing_probability(_shape(c, looks, design)) - alpha, 0.5, 10.0, xtol=1e-9
        )
    )


@dataclass(frozen=True, repr=False)
class Boundaries:
    """z thresholds for K equally spaced looks that keep the overall false-positive rate α."""

    design: str
    looks: int
    alpha: float
    constant: float
    z: tuple[float, ...]

    @property
    def name(self) -> str:
        """The design as people write it: "O'Brien–Fleming" or "Pocock"."""
        return {"obrien_fleming": "O'Brien–Fleming", "pocock": "Pocock"}[self.design]

    @property
    def nominal_alpha(self) -> tuple[float, ...]:
        """The two-sided p-value threshold each look's z threshold corresponds to."""
        return tuple(float(2 * special.ndtr(-z)) for z in self.z)

    def __repr__(self) -> str:
        zs = ", ".join(f"{z:.3f}" for z in self.z)
        return f"Boundaries({self.design}, looks={self.looks}, alpha={self.alpha:g}, z=({zs}))"

    def _repr_html_(self) -> str:
        rows = [
            (f"Look {k}", f"stop if |z| ≥ {z:.3f}  (p < {fmt.p_value(p)})")
            for k, (z, p) in enumerate(zip(self.z, self.nominal_alpha, strict=True), start=1)
        ]
        verdict = (
            f"{self.name} plan for {self.looks} looks keeps the "
            f"overall false-positive rate at {self.alpha:.0%}."
        )
        return fmt.card("Sequential stopping boundaries", rows, verdict, None)


def group_sequential_boundaries(
    looks: int, alpha: float = 0.05, design: Design | str = "obrien_fleming"
) -> Boundaries:
    """Two-sided Pocock or O'Brien–Fleming boundaries for ``looks`` equally spaced analyses.

    Pocock: z_k = c for every k. O'Brien–Fleming: z_k = c·√(K/k). In both, c solves
    P(any |Z_k| ≥ z_k | no effect) = α (see :func:`crossing_probability`).

    >>> group_sequential_boundaries(1).z
    (1.959963984540054,)
    >>> round(group_sequential_boundaries(5, design="pocock").constant, 2)
    2.41
    """
    looks = _check_looks(looks)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha}")
    if design not in ("obrien_fleming", "pocock"):
        raise ValueError(f"design must be 'obrien_fleming' or 'pocock'; got {design!r}")
    design = str(design)
    if looks == 1:
        c = float(special.ndtri(1 - alpha / 2))
    else:
        c = _boundary_constant(looks, float(alpha), design)
    z = _shape(c, looks, design)
    return Boundaries(design=design, looks=looks, alpha=alpha, constant=c, z=z)


def peeking_false_positive_rate(looks: int, alpha: float = 0.05) -> float:
    """Exact chance of a false win when a null test is checked ``looks`` times at the usual
    threshold z_{1−α/2} and stopped at the first significant look (equally spaced looks).

    >>> round(peeking_false_positive_rate(5), 3)
    0.142
    """
    return crossing_probability((float(special.ndtri(1 - alpha / 2)),) * _check_looks(looks))


@dataclass(frozen=True, repr=False)
class PeekingResult:
    """Simulated A/A tests checked at every look: naive peeking against a sequential plan."""

    looks: int
    alpha: float
    n_sims: int
    seed: int
    peeking_fpr: float
    final_look_fpr: float
    sequential_fpr: float
    exact_peeking_fpr: float
    boundaries: Boundaries
    first_win_look: tuple[int, ...]
    z_paths: np.ndarray = field(compare=False)

    @property
    def mc_standard_error(self) -> float:
        """Monte-Carlo standard error of ``peeking_fpr``: √(p(1 − p)/n_sims)."""
        p = self.peeking_fpr
        return math.sqrt(p * (1 - p) / self.n_sims)

    @property
    def verdict(self) -> str:
        return (
            f"With no real effect, stopping at the first p < {self.alpha:g} over {self.looks} "
            f"looks declared a winner in {self.peeking_fpr:.1%} of {self.n_sims:,} tests "
            f"(exact: {self.exact_peeking_fpr:.1%}), not {self.alpha:.0%}. Looking only at the "
            f"end: {self.final_look_fpr:.1%}. With the {self.boundaries.name} boundaries: "
            f"{self.sequential_fpr:.1%}."
        )

    def __repr__(self) -> str:
        return (
            f"PeekingResult(looks={self.looks}, n_sims={self.n_sims}, "
            f"peeking_fpr={self.peeking_fpr:.4f}, final_look_fpr={self.final_look_fpr:.4f}, "
            f"sequential_fpr={self.sequential_fpr:.4f}, exact={self.exact_peeking_fpr:.4f})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Looks", str(self.looks)),
            ("A/A tests simulated", f"{self.n_sims:,}"),
            ("False wins, peeking", f"{self.peeking_fpr:.1%} (± {self.mc_standard_error:.1%})"),
            ("False wins, one look at the end", f"{self.final_look_fpr:.1%}"),
            (f"False wins, {self.boundaries.name} plan", f"{self.sequential_fpr:.1%}"),
        ]
        return fmt.card("Peeking simulation", rows, self.verdict, None)


def peeking_simulation(
    looks: int,
    alpha: float = 0.05,
    n_sims: int = 10_000,
    seed: int = 0,
    *,
    baseline: float = 0.05,
    users_per_look: int = 2_000,
    design: Design | str = "obrien_fleming",
    keep_paths: int = 50,
) -> PeekingResult:
    """Simulate ``n_sims`` A/A tests (same conversion rate in both arms) checked ``looks`` times.

    Each look adds ``users_per_look`` users per arm; the pooled two-proportion z statistic is
    recomputed on the cumulative data. Reported: the share of tests that are ever significant at
    the usual threshold (peeking), significant at the last look only (the honest fixed-horizon
    test), and that ever cross the group-sequential ``design`` boundaries. Vectorised over all
    simulations; randomness from ``SeedSequence(seed)``.

    >>> r = peeking_simulation(5, n_sims=4_000, seed=1)
    >>> r.peeking_fpr > 0.1 and r.sequential_fpr < 0.07
    True
    """
    if not isinstance(n_sims, (int, np.integer)) or n_sims < 100:
        raise ValueError(f"n_sims must be a whole number of at least 100; got {n_sims!r}")
    if not 0 < baseline < 1:
        raise ValueError(f"baseline must be a rate between 0 and 1; got {baseline}")
    if users_per_look < 10:
        raise ValueError(f"users_per_look must be at least 10; got {users_per_look}")
    bounds = group_sequential_boundaries(looks, alpha, design)
    rng = rng_for(seed, "peeking")
    conv = rng.binomial(users_per_look, baseline, size=(2, int(n_sims), int(looks)))
    cum = conv.cumsum(axis=2).astype(float)
    n = users_per_look * np.arange(1, looks + 1, dtype=float)  # users per arm at each look
    pooled = (cum[0] + cum[1]) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * (2 / n))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (cum[1] - cum[0]) / n / se, 0.0)
    z_crit = float(special.ndtri(1 - alpha / 2))
    hit = np.abs(z) >= z_crit
    ever = hit.any(axis=1)
    first = np.where(ever, hit.argmax(axis=1) + 1, 0)
    sequential = (np.abs(z) >= np.asarray(bounds.z)).any(axis=1)
    return PeekingResult(
        looks=int(looks),
        alpha=alpha,
        n_sims=int(n_sims),
        seed=int(seed),
        peeking_fpr=float(ever.mean()),
        final_look_fpr=float(hit[:, -1].mean()),
        sequential_fpr=float(sequential.mean()),
        exact_peeking_fpr=peeking_false_positive_rate(looks, alpha),
        boundaries=bounds,
        first_win_look=tuple(int((first == k).sum()) for k in range(1, looks + 1)),
        z_paths=z[:keep_paths].copy(),
    )
