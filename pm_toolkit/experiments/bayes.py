"""A Bayesian reading for stakeholders: "what is the chance B is better, and what do we risk?"

Each arm's conversion rate gets a Beta posterior: Beta(prior_alpha + conversions,
prior_beta + non-conversions); the default Beta(1, 1) prior is flat. From the two posteriors:

* P(p_B > p_A), exactly, with Evan Miller's closed form (needs a whole-number posterior alpha
  for one arm, true with whole-number priors):
  P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i)·B(1+i, β_B)·B(α_A, β_A));
  otherwise by numerical integration of f_B(x)·F_A(x).
* the expected loss of shipping B, E[max(p_A − p_B, 0)] (how much conversion we give up, on
  average, if B is in fact worse), in closed form from the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments._random import rng_for


def _is_whole(x: float) -> bool:
    return float(x).is_integer()


def prob_beta_greater(a_a: float, b_a: float, a_b: float, b_b: float) -> float:
    """P(X_B > X_A) for independent X_A ~ Beta(a_a, b_a), X_B ~ Beta(a_b, b_b).

    >>> prob_beta_greater(1, 1, 1, 1)
    0.5
    """
    if min(a_a, b_a, a_b, b_b) <= 0:
        raise ValueError("Beta parameters must be positive")
    if _is_whole(a_b):
        i = np.arange(int(a_b), dtype=float)
        log_terms = (
            special.betaln(a_a + i, b_a + b_b)
            - np.log(b_b + i)
            - special.betaln(1 + i, b_b)
            - special.betaln(a_a, b_a)
        )
        return float(min(1.0, max(0.0, np.exp(special.logsumexp(log_terms)))))
    if _is_whole(a_a):
        return 1.0 - prob_beta_greater(a_b, b_b, a_a, b_a)
    value, _ = integrate.quad(
        lambda x: stats.beta.pdf(x, a_b, b_b) * stats.beta.cdf(x, a_a, b_a), 0, 1, limit=200
    )
    return float(value)


@dataclass(frozen=True, repr=False)
class BayesResult:
    """Posterior reading of an A/B test on a conversion rate."""

    prob_b_beats_a: float
    expected_loss_b: float
    expected_loss_a: float
    posterior_mean_a: float
    posterior_mean_b: float
    lift_ci_low: float
    lift_ci_high: float
    credible_level: float = 0.95

    @property
    def chance_text(self) -> str:
        """P(B beats A) as a person would say it: "97.2%", "more than 99.9%"."""
        p = self.prob_b_beats_a
        if p > 0.999:
            return "more than 99.9%"
        if p < 0.001:
            return "less than 0.1%"
        return f"{p:.1%}"

    @property
    def verdict(self) -> str:
        return (
            f"The chance that B converts better than A is {self.chance_text}. "
            f"If we ship B and it is in fact worse, we expect to lose "
            f"{fmt.signed_pp(-self.expected_loss_b, 3).lstrip('-+')} of conversion on average; "
            f"the relative lift is between {fmt.signed_pct(self.lift_ci_low)} and "
            f"{fmt.signed_pct(self.lift_ci_high)} with {self.credible_level:.0%} probability."
        )

    def __repr__(self) -> str:
        return (
            f"BayesResult(prob_b_beats_a={self.prob_b_beats_a:.4f}, "
            f"expected_loss_b={self.expected_loss_b:.3g}, expected_loss_a={self.expected_loss_a:.3g}, "
            f"lift_ci=[{self.lift_ci_low:+.3f}, {self.lift_ci_high:+.3f}])"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Chance B beats A", self.chance_text),
            ("Expected loss if we ship B", fmt.signed_pp(self.expected_loss_b, 3).lstrip("+")),
            ("Expected loss if we keep A", fmt.signed_pp(self.expected_loss_a, 3).lstrip("+")),
            (
                f"{self.credible_level:.0%} credible interval, relative lift",
                f"{fmt.signed_pct(self.lift_ci_low)} to {fmt.signed_pct(self.lift_ci_high)}",
            ),
        ]
        return fmt.card("Bayesian reading", rows, self.verdict, None)


def prob_b_beats_a(
    conversions_a: int,
    n_a: int,
    conversions_b: int,
    n_b: int,
    prior_alpha: float = 1.0,
    prior_beta: float = 1.0,
    *,
    credible_level: float = 0.95,
    n_draws: int = 200_000,
    seed: int = 0,
) -> BayesResult:
    """Beta-binomial posterior comparison of two conversion rates.

    ``prob_b_beats_a`` and the expected losses are exact (closed form); only the credible
    interval for the relative lift p_B/p_A − 1 uses ``n_draws`` seeded posterior draws.

    >>> r = prob_b_beats_a(500, 10_000, 580, 10_000)
    >>> round(r.prob_b_beats_a, 3)
    0.994
    """
    for x, n, arm in ((conversions_a, n_a, "A"), (conversions_b, n_b, "B")):
        if n <= 0 or not 0 <= x <= n:
            raise ValueError(f"arm {arm}: need n > 0 and 0 ≤ conversions ≤ n; got {x} of {n}")
    if prior_alpha <= 0 or prior_beta <= 0:
        raise ValueError("prior_alpha and prior_beta must be positive (1, 1 is a flat prior)")
    a_a, b_a = prior_alpha + conversions_a, prior_beta + n_a - conversions_a
    a_b, b_b = prior_alpha + conversions_b, prior_beta + n_b - conversions_b
    p_b_better = prob_beta_greater(a_a, b_a, a_b, b_b)
    mean_a, mean_b = a_a / (a_a + b_a), a_b / (a_b + b_b)
    # E[max(pA − pB, 0)] = E[pA]·P(pA' > pB) − E[pB]·P(pA > pB'), where ' is the size-biased
    # posterior Beta(α + 1, β): E[p·1{event}] = E[p]·P_{size-biased}(event).
    loss_b = mean_a * (1 - prob_beta_greater(a_a + 1, b_a, a_b, b_b)) - mean_b * (
        1 - prob_beta_greater(a_a, b_a, a_b + 1, b_b)
    )
    loss_a = mean_b * prob_beta_greater(a_a, b_a, a_b + 1, b_b) - mean_a * prob_beta_greater(
        a_a + 1, b_a, a_b, b_b
    )
    rng = rng_for(seed, "bayes-lift")
    draws = rng.beta(a_b, b_b, n_draws) / rng.beta(a_a, b_a, n_draws) - 1
    tail = (1 - credible_level) / 2
    lo, hi = np.quantile(draws, [tail, 1 - tail])
    return BayesResult(
        prob_b_beats_a=p_b_better,
        expected_loss_b=max(0.0, float(loss_b)),
        expected_loss_a=max(0.0, float(loss_a)),
        posterior_mean_a=mean_a,
        posterior_mean_b=mean_b,
        lift_ci_low=float(lo),
        lift_ci_high=float(hi),
        credible_level=credible_level,
    )
