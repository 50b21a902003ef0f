"""How big a pricing test must be, and what a test with switching blocks cannot see.

Three questions a PM asks before approving a rollout test, each a small closed form:

* **How many orders does any test need** to detect a change of ``effect`` (a share of margin)?
  Margin per arm is a sum over orders, so chance alone gives it a relative spread of
  ``√((1 + CV²)/n)`` for ``n`` orders whose margins vary with coefficient of variation CV:
  :func:`orders_needed`. No design beats this; clustering only adds to it.
* **What can a switchback detect?** Region × time units, each region its own control, analysed
  at the unit that was randomised: :func:`switchback_power`, :func:`switchback_mde`,
  :func:`switchback_units_needed`, with the spread *within* regions (:func:`within_region_sd`).
* **What does switching hide?** An effect that builds up and fades slowly (lost trust heals
  with a half-life of about a week) carries over from treated blocks into control blocks. A
  block of ``L`` days sees only :func:`carryover_share` of the long-run effect: about 9 % for
  day blocks with a one-week half-life. Geo-clusters that keep one policy for weeks see most
  of it, and their per-cluster comparison is :func:`geo_test_mde`.

>>> round(carryover_share(block_days=1, half_life_days=7), 3)
0.094
>>> switchback_units_needed(unit_mean=100_000, unit_sd=20_000, lift=0.05)
504
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq

__all__ = [
    "SwitchbackPower",
    "carryover_share",
    "design_effect",
    "effective_sample_size",
    "geo_test_mde",
    "orders_needed",
    "switchback_mde",
    "switchback_power",
    "switchback_units_needed",
    "within_region_sd",
]


def design_effect(cluster_size: float, icc: float) -> float:
    """Variance inflation from analysing clustered data as if independent: ``1 + (m − 1)·ICC``.

    ICC (intra-cluster correlation) is how alike two orders of the same unit are: 0 means no
    more alike than any two orders, 1 means identical.
    """
    if cluster_size < 1:
        raise ValueError(f"cluster_size is the number of orders per unit (≥ 1); got {cluster_size}")
    if not 0 <= icc <= 1:
        raise ValueError(f"icc (intra-cluster correlation) must be in [0, 1]; got {icc}")
    return 1.0 + (cluster_size - 1.0) * icc


def effective_sample_size(n_obs: int, cluster_size: float, icc: float) -> float:
    """How many independent observations ``n_obs`` clustered ones are worth: ``n / DE``.

    >>> effective_sample_size(10_000, cluster_size=100, icc=0.01)
    5025.125628140703
    """
    return n_obs / design_effect(cluster_size, icc)


def _z(alpha: float, power: float) -> float:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, e.g. 0.05; got {alpha}")
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, e.g. 0.8; got {power}")
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


def orders_needed(
    effect: float, order_cv: float, *, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Orders (both arms together) any test needs to detect a relative change ``effect`` in margin.

    Per arm ``n = 2·(z₁₋α/₂ + z_power)²·(1 + CV²) / effect²``: the number of orders and each
    order's margin both vary by chance. This is the floor for a perfectly run test; regions,
    days and carry-over only add to it.

    >>> orders_needed(0.01, order_cv=1.0)
    627912
    """
    if not effect or not math.isfinite(effect):
        raise ValueError(f"effect must be a non-zero share such as 0.004 (0.4 %); got {effect}")
    if not order_cv >= 0:
        raise ValueError(f"order_cv must be ≥ 0 (spread of margin per order); got {order_cv}")
    per_arm = math.ceil(2 * _z(alpha, power) ** 2 * (1 + order_cv**2) / effect**2)
    return 2 * per_arm


@dataclass(frozen=True)
class SwitchbackPower:
    """Power of a switchback analysed at the unit of randomisation (two-sided z-test)."""

    n_units: int
    lift: float
    unit_mean: float
    unit_sd: float
    alpha: float
    power: float

    def __repr__(self) -> str:
        return (
            f"SwitchbackPower({self.n_units} units, lift {self.lift:.2%}: "
            f"power {self.power:.1%} at α = {self.alpha})"
        )


def _check_units(unit_mean: float, unit_sd: float, n_units: int | None = None) -> None:
    if not (unit_mean > 0 and unit_sd > 0):
        raise ValueError("unit_mean and unit_sd must be positive, e.g. ₹1,20,000 and ₹30,000")
    if n_units is not None and n_units < 4:
        raise ValueError(f"need at least 4 units (2 per arm); got {n_units}")


def switchback_power(
    n_units: int, *, unit_mean: float, unit_sd: float, lift: float, alpha: float = 0.05
) -> SwitchbackPower:
    """Power to detect a relative ``lift`` with ``n_units`` region-blocks, half of them treated.

    ``unit_sd`` is the spread between units *within* a region and day (each region is its own
    control: use :func:`within_region_sd`), not the raw spread, which mostly measures how big
    Maharashtra is next to Goa. ``power = Φ(δ/se − z) + Φ(−δ/se − z)``, ``δ = lift·mean``,
    ``se = sd·√(2/(n/2))``.

    >>> round(switchback_power(504, unit_mean=100_000, unit_sd=20_000, lift=0.05).power, 3)
    0.801
    """
    _check_units(unit_mean, unit_sd, n_units)
    if not lift:
        raise ValueError("lift must be non-zero, e.g. 0.004 for a 0.4 % change in margin")
    _z(alpha, 0.5)
    se = unit_sd * math.sqrt(2.0 / (n_units / 2))
    z = stats.norm.ppf(1 - alpha / 2)
    shift = abs(lift) * unit_mean / se
    power = float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))
    return SwitchbackPower(int(n_units), lift, unit_mean, unit_sd, alpha, power)


def switchback_units_needed(
    *, unit_mean: float, unit_sd: float, lift: float, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Total region-blocks (both arms) to detect ``lift``: per arm
    ``n = 2·(z₁₋α/₂ + z_power)²·sd² / (lift·mean)²``, rounded up."""
    _check_units(unit_mean, unit_sd)
    if not lift:
        raise ValueError("lift must be non-zero, e.g. 0.004 for a 0.4 % change in margin")
    per_arm = math.ceil(2 * _z(alpha, power) ** 2 * unit_sd**2 / (lift * unit_mean) ** 2)
    return 2 * per_arm


def switchback_mde(
    n_units: int, *, unit_mean: float, unit_sd: float, power: float = 0.8, alpha: float = 0.05
) -> float:
    """The smallest relative lift ``n_units`` region-blocks detect with the given power
    (minimum detectable effect, MDE): ``(z₁₋α/₂ + z_power)·sd·√(2/(n/2)) / mean``.

    >>> round(switchback_mde(504, unit_mean=100_000, unit_sd=20_000), 4)
    0.0499
    """
    _check_units(unit_mean, unit_sd, n_units)
    return float(_z(alpha, power) * unit_sd * math.sqrt(2.0 / (n_units / 2)) / unit_mean)


def within_region_sd(
    units: pd.DataFrame, value: str = "margin", *, unit: str = "region", time: str = "day"
) -> float:
    """The spread of ``value`` per region-day once each region's level and each day's level
    are taken out (two-way fixed effects), with the degrees of freedom they use up.

    This is the noise a switchback fights: comparing a region with itself on other days
    removes the (large) differences between regions and the swings shared by all regions.
    ``units`` has one row per ``unit`` and ``time`` (a full grid; e.g. cluster and week).
    """
    need = {unit, time, value}
    if need - set(units.columns):
        raise ValueError(f"units lacks {sorted(need - set(units.columns))}")
    grid = units.pivot(index=unit, columns=time, values=value)
    if grid.isna().to_numpy().any():
        raise ValueError(f"units must have one row for every {unit} and {time} (fill gaps with 0)")
    y = grid.to_numpy(float)
    resid = y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + y.mean()
    r, d = y.shape
    dof = r * d - r - d + 1
    if dof < 1:
        raise ValueError(f"need at least two of each: {unit} and {time}")
    return float(np.sqrt((resid**2).sum() / dof))


def carryover_share(block_days: float, half_life_days: float, *, skip_days: float = 0) -> float:
    """The share of an effect's long-run size that a block of ``block_days`` sees on average.

    The effect builds up by the same step every treated day and fades with a half-life of
    ``half_life_days`` (``δ = 0.5^(1/half-life)`` survives each day). Blocks assigned at random
    carry the past equally into both arms, so a block's own days are all a comparison sees:
    ``(1/(L − s))·Σ_{j=s+1..L} (1 − δ^j)``, reading days ``s+1 … L`` of the block. One-day
    blocks see ``1 − δ``; a test that keeps one policy for weeks and skips the first ones
    sees nearly all of it.

    >>> round(carryover_share(28, 7, skip_days=14), 2)
    0.87
    """
    if not (block_days >= 1 and half_life_days > 0):
        raise ValueError("block_days must be ≥ 1 and half_life_days > 0 (e.g. 1 and 7)")
    if not 0 <= skip_days < block_days:
        raise ValueError(f"skip_days must be in [0, block_days); got {skip_days}")
    keep = 0.5 ** (1.0 / half_life_days)
    days = np.arange(int(skip_days) + 1, int(block_days) + 1)
    return float(np.mean(1.0 - keep**days))


def geo_test_mde(
    clusters_per_arm: int,
    *,
    cluster_week_cv: float,
    test_weeks: int,
    pre_weeks: int,
    power: float = 0.8,
    alpha: float = 0.05,
) -> float:
    """The smallest relative change a geo-cluster test detects (a share of margin).

    Each cluster (a group of regions) keeps one policy for ``test_weeks``; its result is its
    margin in the test weeks against its own ``pre_weeks`` before the test (each cluster its own
    control). With week-to-week spread ``cluster_week_cv`` (relative), one cluster's result
    varies by ``cv·√(1/test + 1/pre)``; treated and control clusters are compared with a t-test
    on ``2·clusters − 2`` degrees of freedom (few clusters: the t, not the normal, applies).

    >>> round(geo_test_mde(10, cluster_week_cv=0.02, test_weeks=6, pre_weeks=6), 4)
    0.0153
    """
    if clusters_per_arm < 2:
        raise ValueError(f"need at least 2 clusters per arm; got {clusters_per_arm}")
    if not (test_weeks >= 1 and pre_weeks >= 1):
        raise ValueError("test_weeks and pre_weeks must be ≥ 1")
    if not cluster_week_cv > 0:
        raise ValueError(f"cluster_week_cv must be > 0, e.g. 0.02; got {cluster_week_cv}")
    _z(alpha, power)
    df = 2 * clusters_per_arm - 2
    per_cluster = cluster_week_cv * math.sqrt(1 / test_weeks + 1 / pre_weeks)
    se = per_cluster * math.sqrt(2 / clusters_per_arm)
    # The t-test's power at shift Δ is ≈ P(T' > t_crit) for a noncentral T' with ncp Δ/se;
    # solve for the Δ where it reaches the wanted power.
    crit = stats.t.ppf(1 - alpha / 2, df)

    def gap(ncp: float) -> float:
        wrong_side = float(np.nan_to_num(stats.nct.cdf(-crit, df, ncp)))  # ~0, NaN far out
        return float(stats.nct.sf(crit, df, ncp)) + wrong_side - power

    ncp = brentq(gap, 0.0, 30.0)
    return float(ncp * se)
