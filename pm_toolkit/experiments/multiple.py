"""Many metrics, many experiments: adjusting p-values and the false-discovery rate.

Test twenty metrics at α = 0.05 and, with no real effect anywhere, about one "wins" by chance.
Bonferroni and Holm control the family-wise error (the chance of *any* false win);
Benjamini–Hochberg controls the false-discovery rate (the share of wins that are false), the
better question for a company running thousands of experiments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments._random import rng_for

Method = Literal["bonferroni", "holm", "fdr_bh"]
_ALIASES = {"bonferroni": "bonferroni", "holm": "holm", "fdr_bh": "fdr_bh", "bh": "fdr_bh"}


@dataclass(frozen=True, repr=False)
class AdjustedPValues:
    """Raw and adjusted p-values (same order as given) and which survive at ``alpha``."""

    method: str
    p_values: tuple[float, ...]
    adjusted: tuple[float, ...]
    reject: tuple[bool, ...]
    alpha: float = 0.05
    labels: tuple[str, ...] = ()

    @property
    def n_significant_raw(self) -> int:
        return sum(p < self.alpha for p in self.p_values)

    @property
    def verdict(self) -> str:
        return (
            f"{self.n_significant_raw} of {len(self.p_values)} metrics look significant before "
            f"adjustment; {sum(self.reject)} remain after {self.method} at α = {self.alpha:g}."
        )

    def __repr__(self) -> str:
        return (
            f"AdjustedPValues(method={self.method!r}, n={len(self.p_values)}, "
            f"significant_raw={self.n_significant_raw}, significant_adjusted={sum(self.reject)})"
        )

    def _repr_html_(self) -> str:
        names = self.labels or tuple(f"metric {i + 1}" for i in range(len(self.p_values)))
        rows = [
            (n, f"p = {fmt.p_value(p)} → adjusted {fmt.p_value(q)}" + ("  ✔" if r else ""))
            for n, p, q, r in zip(names, self.p_values, self.adjusted, self.reject, strict=True)
        ]
        return fmt.card(f"Adjusted p-values ({self.method})", rows, self.verdict, None)


def adjust_p_values(
    p_values: ArrayLike | dict[str, float],
    method: Method | str = "holm",
    alpha: float = 0.05,
) -> AdjustedPValues:
    """Adjust p-values for testing several hypotheses at once.

    * ``"bonferroni"``: p·m (capped at 1); family-wise error ≤ α for any dependence.
    * ``"holm"``: step-down; sorted p₍ᵢ₎·(m − i + 1), made non-decreasing; same guarantee,
      never less powerful than Bonferroni.
    * ``"fdr_bh"`` (alias ``"bh"``): Benjamini–Hochberg step-up; sorted p₍ᵢ₎·m/i, made
      non-increasing from the top; false-discovery rate ≤ α for independent (or positively
      dependent) tests.

    Matches ``statsmodels.stats.multitest.multipletests``. Pass a dict to keep metric names.

    >>> adjust_p_values([0.01, 0.04, 0.03], "holm").adjusted
    (0.03, 0.06, 0.06)
    """
    key = _ALIASES.get(str(method).lower())
    if key is None:
        raise ValueError(f"method must be one of 'bonferroni', 'holm', 'fdr_bh'; got {method!r}")
    labels: tuple[str, ...] = ()
    if isinstance(p_values, dict):
        labels = tuple(p_values)
        p_values = list(p_values.values())
    p = np.asarray(p_values, dtype=float).ravel()
    if p.size == 0:
        raise ValueError("pass at least one p-value")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("p-values must be numbers between 0 and 1")
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if key == "bonferroni":
        adj_sorted = ranked * m
    elif key == "holm":
        adj_sorted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        adj_sorted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(adj_sorted, 1.0)
    return AdjustedPValues(
        method=key,
        p_values=tuple(float(x) for x in p),
        adjusted=tuple(float(x) for x in adjusted),
        reject=tuple(bool(x <= alpha) for x in adjusted),
        alpha=alpha,
        labels=labels,
    )


def false_discovery_share(alpha: float, power: float, share_true: float) -> float:
    """Expected share of "wins" that are false when ``share_true`` of ideas really work.

    FDR = α(1 − π) / (α(1 − π) + power·π), π = ``share_true``: a null test "wins" with
    probability α, a real effect with probability ``power`` (closed form, no simulation).

    >>> round(false_discovery_share(0.05, 0.8, 0.1), 3)
    0.36
    """
    if not 0 <= share_true <= 1:
        raise ValueError(f"share_true must be between 0 and 1; got {share_true}")
    false_wins = alpha * (1 - share_true)
    true_wins = power * share_true
    return false_wins / (false_wins + true_wins) if false_wins + true_wins else 0.0


@dataclass(frozen=True, repr=False)
class PortfolioResult:
    """A company's year of experiments, simulated: how many wins were real?"""

    n_experiments: int
    n_real_effects: int
    wins: int
    false_wins: int
    wins_bh: int
    false_wins_bh: int
    alpha: float
    power: float
    expected_false_share: float

    @property
    def false_share(self) -> float:
        """Share of wins (p < α, no correction) that had no real effect behind them."""
        return self.false_wins / self.wins if self.wins else 0.0

    @property
    def false_share_bh(self) -> float:
        """Same share after Benjamini–Hochberg at ``alpha``."""
        return self.false_wins_bh / self.wins_bh if self.wins_bh else 0.0

    @property
    def verdict(self) -> str:
        return (
            f"Of {self.n_experiments:,} experiments, {self.wins:,} came out significant and "
            f"{self.false_wins:,} of those ({self.false_share:.0%}) had no real effect. "
            f"With Benjamini–Hochberg: {self.wins_bh:,} wins, {self.false_share_bh:.0%} false."
        )

    def __repr__(self) -> str:
        return (
            f"PortfolioResult(n_experiments={self.n_experiments}, wins={self.wins}, "
            f"false_wins={self.false_wins}, false_share={self.false_share:.3f}, "
            f"false_share_bh={self.false_share_bh:.3f})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Experiments", f"{self.n_experiments:,} ({self.n_real_effects:,} with a real effect)"),
            ("Significant wins (p < α)", f"{self.wins:,}, of which false {self.false_wins:,}"),
            (
                "Wins after Benjamini–Hochberg",
                f"{self.wins_bh:,}, of which false {self.false_wins_bh:,}",
            ),
            ("Expected false share (formula)", fmt.pct(self.expected_false_share, 1)),
        ]
        return fmt.card("Many experiments at once", rows, self.verdict, None)


def portfolio_simulation(
    n_experiments: int = 1_000,
    share_true: float = 0.1,
    alpha: float = 0.05,
    power: float = 0.8,
    seed: int = 0,
) -> PortfolioResult:
    """Simulate ``n_experiments`` two-sided tests of which ``share_true`` have a real effect.

    A real effect is sized so each test has ``power`` (z ~ N(z_{1−α/2} + z_{power}, 1)); the
    others are null (z ~ N(0, 1)). Vectorised; randomness from a SeedSequence of ``seed``.

    >>> r = portfolio_simulation(2_000, seed=1)
    >>> r.false_share > 0.25
    True
    """
    if n_experiments < 1:
        raise ValueError(f"n_experiments must be at least 1; got {n_experiments}")
    rng = rng_for(seed, "portfolio")
    real = rng.random(n_experiments) < share_true
    shift = float(special.ndtri(1 - alpha / 2) + special.ndtri(power))
    z = rng.standard_normal(n_experiments) + np.where(real, shift, 0.0)
    p = 2 * special.ndtr(-np.abs(z))
    win = p < alpha
    bh = np.array(adjust_p_values(p, "fdr_bh", alpha).reject)
    return PortfolioResult(
        n_experiments=n_experiments,
        n_real_effects=int(real.sum()),
        wins=int(win.sum()),
        false_wins=int((win & ~real).sum()),
        wins_bh=int(bh.sum()),
        false_wins_bh=int((bh & ~real).sum()),
        alpha=alpha,
        power=power,
        expected_false_share=false_discovery_share(alpha, power, share_true),
    )
