"""Sample-ratio mismatch (SRM): did the split come out the way it was planned?

If a 50/50 test ends with visibly more users in one arm, something broke the assignment
(a redirect that loses users, a bot filter applied to one arm, a crash in the new page), and
the comparison is no longer between like groups. Check this *before* reading any result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from pm_toolkit.experiments import _format as fmt

#: Industry practice flags an SRM at p < 0.001: real splits are checked on every test, so a
#: strict threshold keeps false alarms rare while real breakages give far smaller p-values.
SRM_THRESHOLD = 0.001


@dataclass(frozen=True, repr=False)
class SrmResult:
    """Observed against expected counts per arm, Pearson's chi-square test."""

    arms: tuple[str, ...]
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    chi2: float
    df: int
    p_value: float
    threshold: float = SRM_THRESHOLD

    @property
    def mismatch(self) -> bool:
        """True when the split is too uneven to be chance (p below the threshold)."""
        return bool(self.p_value < self.threshold)

    @property
    def verdict(self) -> str:
        shares = ", ".join(
            f"{arm} {o / sum(self.observed):.2%}"
            for arm, o in zip(self.arms, self.observed, strict=True)
        )
        if self.mismatch:
            return (
                f"Sample-ratio mismatch: the split came out {shares} (p = "
                f"{fmt.p_value(self.p_value)}). Do not trust this test's results; find out why "
                "users went missing from one arm first."
            )
        return (
            f"No sample-ratio mismatch: the split came out {shares} "
            f"(p = {fmt.p_value(self.p_value)}), within chance of the plan."
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{a}={o:,}" for a, o in zip(self.arms, self.observed, strict=True))
        return (
            f"SrmResult({counts}, chi2={self.chi2:.3f}, p={fmt.p_value(self.p_value)}, "
            f"mismatch={self.mismatch})"
        )

    def _repr_html_(self) -> str:
        rows = [
            (arm, f"{o:,} users (expected {e:,.0f})")
            for arm, o, e in zip(self.arms, self.observed, self.expected, strict=True)
        ]
        rows.append(("χ² (df)", f"{self.chi2:.3f} ({self.df})"))
        rows.append(("p-value", fmt.p_value(self.p_value)))
        return fmt.card("Sample-ratio check", rows, self.verdict, not self.mismatch)


def srm_test(
    counts: Mapping[str, int] | Sequence[int],
    weights: Mapping[str, float] | Sequence[float] | None = None,
    threshold: float = SRM_THRESHOLD,
) -> SrmResult:
    """Pearson's chi-square goodness-of-fit test of the observed split against the plan.

    χ² = Σ (observed − expected)² / expected with expected = total × weight / Σweights and
    df = arms − 1 (the same as ``scipy.stats.chisquare``). ``weights`` default to an even split;
    arms with zero weight are dropped (a holdout that was switched off). The test is two-sided in
    the sense that any departure from the plan counts.

    >>> srm_test({"control": 5_000, "treatment": 4_600}).mismatch
    True
    >>> srm_test([5_000, 5_050]).mismatch
    False
    """
    if isinstance(counts, Mapping):
        arms = tuple(str(k) for k in counts)
        observed = np.array([counts[k] for k in counts], dtype=float)
        if isinstance(weights, Mapping):
            missing = set(counts) - set(weights)
            if missing:
                raise ValueError(f"weights are missing for arm(s) {sorted(missing)}")
            weights = [weights[k] for k in counts]
    else:
        observed = np.asarray(counts, dtype=float)
        arms = tuple(f"arm {i}" for i in range(len(observed)))
        if isinstance(weights, Mapping):
            raise ValueError("pass weights as a list when counts is a list")
    w = np.ones_like(observed) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != observed.shape:
        raise ValueError(f"{len(observed)} counts but {len(w)} weights; give one weight per arm")
    if (observed < 0).any() or (w < 0).any():
        raise ValueError("counts and weights cannot be negative")
    keep = w > 0
    arms = tuple(a for a, k in zip(arms, keep, strict=True) if k)
    observed, w = observed[keep], w[keep]
    if len(observed) < 2:
        raise ValueError("an SRM check needs at least two arms with a positive planned weight")
    if observed.sum() == 0:
        raise ValueError("no users were assigned; there is no split to check")
    expected = observed.sum() * w / w.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    df = len(observed) - 1
    return SrmResult(
        arms=arms,
        observed=tuple(int(o) for o in observed),
        expected=tuple(float(e) for e in expected),
        chi2=chi2,
        df=df,
        p_value=float(special.chdtrc(df, chi2)),
        threshold=threshold,
    )
