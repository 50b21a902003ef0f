"""Is the difference between control (A) and treatment (B) real? Frequentist tests.

Three metric shapes, one result record (:class:`ComparisonResult`):

* :func:`proportion_test`: a rate per user (conversion), two-proportion z-test.
* :func:`mean_test` / :func:`mean_test_samples`: a mean per user (revenue), Welch's t-test.
* :func:`ratio_metric_test`: a ratio of two per-user sums (AOV = revenue / orders) when the
  unit of randomisation is the user, not the order: delta-method variance.

All tests are two-sided. The relative lift (B / A − 1) gets a delta-method confidence interval,
the same first-order approximation GrowthBook's stats engine uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from pm_toolkit.experiments import _format as fmt

Kind = Literal["proportion", "mean", "ratio"]


@dataclass(frozen=True, repr=False)
class ComparisonResult:
    """Control (A) against treatment (B) on one metric: difference, CI, p-value, lift.

    ``difference`` is B − A in the metric's own units (a rate for proportions, ₹ for revenue);
    ``ci_low``/``ci_high`` bound it at ``1 − alpha``; ``relative_lift`` is B / A − 1.
    """

    kind: Kind
    method: str
    control: float
    treatment: float
    n_control: int
    n_treatment: int
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    statistic: float
    relative_lift: float
    relative_ci_low: float
    relative_ci_high: float
    alpha: float = 0.05
    df: float | None = None
    unit: str = ""
    metric: str = ""

    @property
    def significant(self) -> bool:
        """True when p < alpha (equivalently, for these tests, the CI excludes zero)."""
        return bool(self.p_value < self.alpha)

    @property
    def confidence(self) -> float:
        """The confidence level of the intervals, ``1 − alpha``."""
        return 1 - self.alpha

    def _value(self, v: float) -> str:
        return fmt.pct(v) if self.kind == "proportion" else fmt.amount(v, self.unit)

    def _diff(self, v: float) -> str:
        if self.kind == "proportion":
            return fmt.signed_pp(v)
        return fmt.amount(v, self.unit, signed=True)

    @property
    def verdict(self) -> str:
        """The result in one plain sentence."""
        level = f"{self.confidence:.0%}"
        ci = f"{level} CI {self._diff(self.ci_low)} to {self._diff(self.ci_high)}"
        p = f"p = {fmt.p_value(self.p_value)}"
        if not self.significant:
            return (
                f"No clear difference: {self._diff(self.difference)} ({ci}) includes zero; {p}. "
                "Not significant, which is not proof that there is no effect."
            )
        word = "higher" if self.difference > 0 else "lower"
        return (
            f"Treatment is {word}: {self._diff(self.difference)} "
            f"({fmt.signed_pct(self.relative_lift)} relative; {ci}); {p}, "
            f"significant at the {self.alpha:.0%} level."
        )

    def __repr__(self) -> str:
        name = f" {self.metric!r}" if self.metric else ""
        return (
            f"ComparisonResult{name}(control={self._value(self.control)}, "
            f"treatment={self._value(self.treatment)}, difference={self._diff(self.difference)} "
            f"[{self._diff(self.ci_low)}, {self._diff(self.ci_high)}], "
            f"lift={fmt.signed_pct(self.relative_lift)} "
            f"[{fmt.signed_pct(self.relative_ci_low)}, {fmt.signed_pct(self.relative_ci_high)}], "
            f"p={fmt.p_value(self.p_value)}, n={self.n_control:,}/{self.n_treatment:,})"
        )

    def _repr_html_(self) -> str:
        level = f"{self.confidence:.0%}"
        rows = [
            ("Control (A)", f"{self._value(self.control)}  (n = {self.n_control:,})"),
            ("Treatment (B)", f"{self._value(self.treatment)}  (n = {self.n_treatment:,})"),
            (
                "Difference B − A",
                f"{self._diff(self.difference)}  ({level} CI {self._diff(self.ci_low)} to "
                f"{self._diff(self.ci_high)})",
            ),
            (
                "Relative lift",
                f"{fmt.signed_pct(self.relative_lift)}  ({level} CI "
                f"{fmt.signed_pct(self.relative_ci_low)} to "
                f"{fmt.signed_pct(self.relative_ci_high)})",
            ),
            ("p-value", fmt.p_value(self.p_value)),
            ("Method", self.method),
        ]
        title = f"A/B comparison: {self.metric}" if self.metric else "A/B comparison"
        return fmt.card(title, rows, self.verdict, self.significant)


def _relative_lift(
    mean_a: float, var_mean_a: float, mean_b: float, var_mean_b: float, z: float
) -> tuple[float, float, float]:
    """B/A − 1 with a delta-method CI: Var(B/A) ≈ Var(B)/A² + B²·Var(A)/A⁴ (A, B independent)."""
    if mean_a == 0:
        return math.nan, math.nan, math.nan
    lift = mean_b / mean_a - 1
    se = math.sqrt(var_mean_b / mean_a**2 + mean_b**2 * var_mean_a / mean_a**4)
    return lift, lift - z * se, lift + z * se


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha}")


def proportion_test(
    conversions_a: int,
    n_a: int,
    conversions_b: int,
    n_b: int,
    alpha: float = 0.05,
    *,
    metric: str = "",
) -> ComparisonResult:
    """Two-proportion z-test: is B's conversion rate different from A's?

    * p-value: **pooled** two-sided z-test, z = (p̂_B − p̂_A) / √(p̄(1−p̄)(1/n_A + 1/n_B)) with
      p̄ = (x_A + x_B)/(n_A + n_B): the null says both arms share one rate.
    * CI for the difference: **unpooled** Wald, (p̂_B − p̂_A) ± z_{1−α/2}·√(p̂_A q̂_A/n_A +
      p̂_B q̂_B/n_B): away from the null each arm has its own rate.
    * Relative lift p̂_B/p̂_A − 1 with a delta-method CI.

    These match statsmodels' ``proportions_ztest`` and ``confint_proportions_2indep(method="wald")``.

    >>> r = proportion_test(500, 10_000, 580, 10_000)
    >>> round(r.difference, 4), round(r.p_value, 4), r.significant
    (0.008, 0.0123, True)
    """
    _check_alpha(alpha)
    for x, n, arm in ((conversions_a, n_a, "A"), (conversions_b, n_b, "B")):
        if n <= 0:
            raise ValueError(f"arm {arm} needs at least one user; got n = {n}")
        if not 0 <= x <= n:
            raise ValueError(f"arm {arm}: conversions must be between 0 and n = {n}; got {x}")
    p_a, p_b = conversions_a / n_a, conversions_b / n_b
    diff = p_b - p_a
    pooled = (conversions_a + conversions_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z_stat = diff / se_pooled if se_pooled > 0 else 0.0
    p_val = float(2 * special.ndtr(-abs(z_stat)))
    var_a, var_b = p_a * (1 - p_a) / n_a, p_b * (1 - p_b) / n_b
    z = float(special.ndtri(1 - alpha / 2))
    half = z * math.sqrt(var_a + var_b)
    lift, lift_lo, lift_hi = _relative_lift(p_a, var_a, p_b, var_b, z)
    return ComparisonResult(
        kind="proportion",
        method="two-proportion z-test (pooled p-value, unpooled Wald CI), two-sided",
        control=p_a,
        treatment=p_b,
        n_control=int(n_a),
        n_treatment=int(n_b),
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        p_value=p_val,
        statistic=z_stat,
        relative_lift=lift,
        relative_ci_low=lift_lo,
        relative_ci_high=lift_hi,
        alpha=alpha,
        metric=metric,
    )


def mean_test(
    mean_a: float,
    var_a: float,
    n_a: int,
    mean_b: float,
    var_b: float,
    n_b: int,
    alpha: float = 0.05,
    *,
    unit: str = "",
    metric: str = "",
) -> ComparisonResult:
    """Welch's t-test from summary statistics (``var_*`` are sample variances, ddof = 1).

    Unequal variances: SE = √(s²_A/n_A + s²_B/n_B), Welch–Satterthwaite degrees of freedom
    ν = SE⁴ / ((s²_A/n_A)²/(n_A−1) + (s²_B/n_B)²/(n_B−1)); two-sided p from Student's t(ν);
    CI = (x̄_B − x̄_A) ± t_{1−α/2, ν}·SE. Agrees with ``scipy.stats.ttest_ind(equal_var=False)``.

    >>> r = mean_test(1200.0, 250_000.0, 4000, 1235.0, 260_000.0, 4000, unit="₹")
    >>> round(r.difference, 2), round(r.p_value, 3)
    (35.0, 0.002)
    """
    _check_alpha(alpha)
    if n_a < 2 or n_b < 2:
        raise ValueError(f"Welch's test needs at least 2 users per arm; got {n_a} and {n_b}")
    if var_a < 0 or var_b < 0:
        raise ValueError(f"variances cannot be negative; got {var_a} and {var_b}")
    va, vb = var_a / n_a, var_b / n_b
    se = math.sqrt(va + vb)
    diff = mean_b - mean_a
    if se > 0:
        df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
        t_stat = diff / se
        p_val = float(2 * special.stdtr(df, -abs(t_stat)))
        half = float(special.stdtrit(df, 1 - alpha / 2)) * se
    else:  # every user identical: no noise at all
        df, t_stat, half = float(n_a + n_b - 2), 0.0, 0.0
        p_val = 1.0 if diff == 0 else 0.0
    lift, lift_lo, lift_hi = _relative_lift(
        mean_a, va, mean_b, vb, float(special.ndtri(1 - alpha / 2))
    )
    return ComparisonResult(
        kind="mean",
        method="Welch's t-test (unequal variances), two-sided",
        control=float(mean_a),
        treatment=float(mean_b),
        n_control=int(n_a),
        n_treatment=int(n_b),
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        p_value=p_val,
        statistic=t_stat,
        relative_lift=lift,
        relative_ci_low=lift_lo,
        relative_ci_high=lift_hi,
        alpha=alpha,
        df=float(df),
        unit=unit,
        metric=metric,
    )


def mean_test_samples(
    a: ArrayLike, b: ArrayLike, alpha: float = 0.05, *, unit: str = "", metric: str = ""
) -> ComparisonResult:
    """Welch's t-test on two arrays of per-user values (see :func:`mean_test`).

    >>> r = mean_test_samples([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0])
    >>> r.difference, round(r.p_value, 3)
    (1.0, 0.315)
    """
    xa = np.asarray(a, dtype=float)
    xb = np.asarray(b, dtype=float)
    if xa.ndim != 1 or xb.ndim != 1:
        raise ValueError("pass one flat array of per-user values per arm")
    if np.isnan(xa).any() or np.isnan(xb).any():
        raise ValueError("the arrays contain missing values (NaN); fill or drop them first")
    if len(xa) < 2 or len(xb) < 2:
        raise ValueError(f"Welch's test needs at least 2 users per arm; got {len(xa)}, {len(xb)}")
    return mean_test(
        float(xa.mean()),
        float(xa.var(ddof=1)),
        len(xa),
        float(xb.mean()),
        float(xb.var(ddof=1)),
        len(xb),
        alpha,
        unit=unit,
        metric=metric,
    )


def _ratio_and_variance(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """R = Σnum/Σden and its delta-method variance for n i.i.d. users.

    Var(R) ≈ (s²_num − 2R·s_num,den + R²·s²_den) / (n · mean(den)²).
    """
    n = len(num)
    mean_num, mean_den = num.mean(), den.mean()
    if mean_den == 0:
        raise ValueError("the denominator sums to zero in one arm (e.g. no orders); no ratio")
    ratio = mean_num / mean_den
    cov = np.cov(num, den, ddof=1)
    var = (cov[0, 0] - 2 * ratio * cov[0, 1] + ratio**2 * cov[1, 1]) / (n * mean_den**2)
    return float(ratio), float(max(var, 0.0))


def ratio_metric_test(
    numerator_a: ArrayLike,
    denominator_a: ArrayLike,
    numerator_b: ArrayLike,
    denominator_b: ArrayLike,
    alpha: float = 0.05,
    *,
    unit: str = "",
    metric: str = "",
) -> ComparisonResult:
    """Compare a ratio metric such as AOV = Σ revenue / Σ orders, randomised by user.

    Each array holds one value per *user* (revenue and order count). Orders of one user are
    correlated, so treating orders as independent understates the noise; the delta method
    keeps the user as the unit: Var(R) ≈ (s²_N − 2R·s_ND + R²·s²_D) / (n·D̄²) per arm.
    Two-sided z-test on R_B − R_A with SE = √(Var(R_A) + Var(R_B)); relative lift by the
    delta method again.

    >>> r = ratio_metric_test([100, 300, 0], [1, 2, 0], [200, 0, 400], [1, 0, 2])
    >>> r.control, r.treatment
    (133.33333333333334, 200.0)
    """
    _check_alpha(alpha)
    arrays = [np.asarray(x, dtype=float) for x in (numerator_a, denominator_a)]
    arrays += [np.asarray(x, dtype=float) for x in (numerator_b, denominator_b)]
    na, da, nb, db = arrays
    if len(na) != len(da) or len(nb) != len(db):
        raise ValueError("numerator and denominator need one value per user, same length")
    if len(na) < 2 or len(nb) < 2:
        raise ValueError(f"need at least 2 users per arm; got {len(na)} and {len(nb)}")
    if any(np.isnan(x).any() for x in arrays):
        raise ValueError("the arrays contain missing values (NaN); fill or drop them first")
    r_a, v_a = _ratio_and_variance(na, da)
    r_b, v_b = _ratio_and_variance(nb, db)
    diff = r_b - r_a
    se = math.sqrt(v_a + v_b)
    z_stat = diff / se if se > 0 else 0.0
    p_val = float(2 * special.ndtr(-abs(z_stat))) if se > 0 else float(diff == 0)
    z = float(special.ndtri(1 - alpha / 2))
    lift, lift_lo, lift_hi = _relative_lift(r_a, v_a, r_b, v_b, z)
    return ComparisonResult(
        kind="ratio",
        method="delta-method z-test on a ratio of per-user sums, two-sided",
        control=r_a,
        treatment=r_b,
        n_control=len(na),
        n_treatment=len(nb),
        difference=diff,
        ci_low=diff - z * se,
        ci_high=diff + z * se,
        p_value=p_val,
        statistic=z_stat,
        relative_lift=lift,
        relative_ci_low=lift_lo,
        relative_ci_high=lift_hi,
        alpha=alpha,
        unit=unit,
        metric=metric,
    )
