"""A Bayesian reading for stakeholders: "what is the chance B is better, and what do we risk?"

Each arm's conversion rate gets a Beta posterior: Beta(prior_alpha + conversions,
prior_beta + non-conversions); the default Beta(1, 1) prior is flat. From the two posteriors:

* P(p_B > p_A), exactly, with Evan Miller's closed form (needs a whole-number posterior alpha
  for one arm, true with whole-number priors):
  P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i)·B(1+i, β_B)·B(α_A, β_A));
  otherwise by numerical integration of f_B(x)·F_A(x).
* Two different "losses" of shipping B, which people often mix up:

  - the **expected loss** (also called the *risk*), E[max(p_A − p_B, 0)]: the conversion we give
    up on average, counting a zero whenever B is in fact better. It is small when B is very
    likely better, however bad B would be in the unlucky case;
  - the **loss if B is worse**, E[p_A − p_B | p_B < p_A] = expected loss ÷ P(p_B < p_A): how much
    worse B is in the unlucky case.

  For a clear win the two differ by the factor 1 / P(B worse), easily a thousandfold, so a
  sentence must say which one it quotes. Both come in closed form from the same function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, special, stats

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments._random import rng_for
from pm_toolkit.formatting import format_inr


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


def _chance(p: float) -> str:
    """A probability as a person would say it: "97.2%", "more than 99.9%", "less than 0.1%"."""
    if p > 0.999:
        return "more than 99.9%"
    if p < 0.001:
        return "less than 0.1%"
    return f"{p:.1%}"


def _about_pp(x: float) -> str:
    """A difference in a rate in percentage points, to about two significant figures.

    >>> _about_pp(0.00103), _about_pp(0.0242), _about_pp(7.5e-8)
    ('0.10 pp', '2.4 pp', 'less than 0.0001 pp')
    """
    pp = 100 * x
    if pp < 0.0001:
        return "less than 0.0001 pp"
    return (f"{pp:.0f}" if pp >= 10 else f"{pp:.1f}" if pp >= 1 else f"{pp:#.2g}") + " pp"


def _about_count(x: float) -> str:
    """A count to two significant figures, Indian digit grouping: "about 2,500", "about 3.4".

    >>> _about_count(2543.2), _about_count(6.36), _about_count(0.03), _about_count(123456)
    ('about 2,500', 'about 6.4', 'less than 0.1', 'about 1,20,000')
    """
    if x < 0.1:
        return "less than 0.1"
    if x < 10:
        return f"about {x:.1f}"
    return "about " + format_inr(float(f"{x:.2g}")).removeprefix("₹")


@dataclass(frozen=True, repr=False)
class BayesResult:
    """Posterior reading of an A/B test on a conversion rate.

    ``expected_loss_b`` is the *unconditional* expected loss of shipping B, E[max(p_A − p_B, 0)];
    ``loss_if_b_worse`` is the loss *given* B is worse, E[p_A − p_B | p_B < p_A]. They differ by
    the factor ``prob_b_worse``; see the module docstring.
    """

    prob_b_beats_a: float
    prob_b_worse: float
    expected_loss_b: float
    expected_loss_a: float
    loss_if_b_worse: float
    posterior_mean_a: float
    posterior_mean_b: float
    lift_ci_low: float
    lift_ci_high: float
    credible_level: float = 0.95

    @property
    def chance_text(self) -> str:
        """P(B beats A) as a person would say it: "97.2%", "more than 99.9%"."""
        return _chance(self.prob_b_beats_a)

    def risk_text(
        self, visitors: int = 1_000_000, unit: str = "orders", *, b: str = "B", a: str = "A"
    ) -> str:
        """What shipping B risks, in words a stakeholder reads correctly, per ``visitors``.

        Names both numbers: how much worse B would be *if* it is worse, and the expected loss
        that weighs that case by its (small) chance. ``b`` and ``a`` name the two versions.

        >>> print(prob_b_beats_a(500, 10_000, 580, 10_000).risk_text())  # doctest: +ELLIPSIS
        The chance that B is worse than A is 0.6%. If it is, it converts 0.10 pp worse ...
        """
        per = "10 lakh" if visitors == 1_000_000 else f"{visitors:,}"
        if self.prob_b_worse < 1e-9:
            return (
                f"The chance that {b} is worse than {a} is {_chance(self.prob_b_worse)}: too "
                f"small to put a number on what it would cost. Keeping {a} instead gives up "
                f"{_about_count(self.expected_loss_a * visitors)} {unit} per {per} visitors."
            )
        return (
            f"The chance that {b} is worse than {a} is {_chance(self.prob_b_worse)}. If it is, "
            f"it converts {_about_pp(self.loss_if_b_worse)} worse on average: "
            f"{_about_count(self.loss_if_b_worse * visitors)} fewer {unit} per {per} visitors. "
            f"Weighing that case by its chance, the expected loss of shipping {b} is "
            f"{_about_count(self.expected_loss_b * visitors)} {unit} per {per} visitors, against "
            f"{_about_count(self.expected_loss_a * visitors)} for keeping {a}."
        )

    @property
    def verdict(self) -> str:
        return (
            f"The chance that B converts better than A is {self.chance_text}; with "
            f"{self.credible_level:.0%} probability the relative lift is between "
            f"{fmt.signed_pct(self.lift_ci_low)} and {fmt.signed_pct(self.lift_ci_high)} (flat "
            "prior). What shipping B risks is in the rows above: how much worse B is if it is "
            "worse, and the expected loss that weighs that by its chance."
        )

    def __repr__(self) -> str:
        return (
            f"BayesResult(prob_b_beats_a={self.prob_b_beats_a:.4f}, "
            f"prob_b_worse={self.prob_b_worse:.3g}, loss_if_b_worse={self.loss_if_b_worse:.3g}, "
            f"expected_loss_b={self.expected_loss_b:.3g}, expected_loss_a={self.expected_loss_a:.3g}, "
            f"lift_ci=[{self.lift_ci_low:+.3f}, {self.lift_ci_high:+.3f}])"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Chance B beats A", self.chance_text),
            ("Chance B is worse", _chance(self.prob_b_worse)),
            ("If B is worse, by how much (average)", _about_pp(self.loss_if_b_worse)),
            ("Expected loss of shipping B (chance × size)", _about_pp(self.expected_loss_b)),
            ("Expected loss of keeping A", _about_pp(self.expected_loss_a)),
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

    ``prob_b_beats_a``, ``prob_b_worse``, the expected losses and the loss if B is worse are
    exact (closed form); only the credible interval for the relative lift p_B/p_A − 1 uses
    ``n_draws`` seeded posterior draws.

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
    # P(B worse) directly, not 1 − P(B better): for a clear win 1 − 0.9999 keeps few digits.
    p_b_worse = prob_beta_greater(a_b, b_b, a_a, b_a)
    mean_a, mean_b = a_a / (a_a + b_a), a_b / (a_b + b_b)
    # E[max(pA − pB, 0)] = E[pA·1{pA > pB}] − E[pB·1{pA > pB}], and E[p·1{event}] =
    # E[p]·P_{size-biased}(event) where the size-biased posterior is Beta(α + 1, β).
    loss_b = mean_a * prob_beta_greater(a_b, b_b, a_a + 1, b_a) - mean_b * prob_beta_greater(
        a_b + 1, b_b, a_a, b_a
    )
    loss_a = mean_b * prob_beta_greater(a_a, b_a, a_b + 1, b_b) - mean_a * prob_beta_greater(
        a_a + 1, b_a, a_b, b_b
    )
    loss_b, loss_a = max(0.0, float(loss_b)), max(0.0, float(loss_a))
    rng = rng_for(seed, "bayes-lift")
    draws = rng.beta(a_b, b_b, n_draws) / rng.beta(a_a, b_a, n_draws) - 1
    tail = (1 - credible_level) / 2
    lo, hi = np.quantile(draws, [tail, 1 - tail])
    return BayesResult(
        prob_b_beats_a=p_b_better,
        prob_b_worse=p_b_worse,
        expected_loss_b=loss_b,
        expected_loss_a=loss_a,
        loss_if_b_worse=loss_b / p_b_worse if p_b_worse > 0 else math.nan,
        posterior_mean_a=mean_a,
        posterior_mean_b=mean_b,
        lift_ci_low=float(lo),
        lift_ci_high=float(hi),
        credible_level=credible_level,
    )
