"""How many users does a test need? Sample size, power and minimum detectable effect.

For a conversion rate the course uses the unpooled normal-approximation formula (Fleiss,
without continuity correction), per arm, two-sided by default:

    n = (z_{1−α/2}·√(2·p̄(1−p̄)) + z_{1−β}·√(p₁(1−p₁) + p₂(1−p₂)))² / δ²,   p̄ = (p₁ + p₂)/2

where p₁ is the baseline, p₂ = p₁ + δ and δ the minimum detectable effect (MDE). Under the null
both arms share p̄ (hence the pooled term); under the alternative each has its own rate.
:func:`power` and :func:`mde` solve the same equation for the other unknown, so the three are
exact inverses. :func:`sample_size_mean` is the continuous-metric version,
n = 2σ²(z_{1−α/2} + z_{1−β})²/δ².
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from scipy import special

from pm_toolkit.experiments import _format as fmt

FORMULA = "unpooled normal approximation: n = (z₁₋α/₂·√(2p̄(1−p̄)) + z₁₋β·√(p₁(1−p₁)+p₂(1−p₂)))² / δ²"
FORMULA_MEAN = "normal approximation: n = 2σ²(z₁₋α/₂ + z₁₋β)² / δ²"


@dataclass(frozen=True, repr=False)
class SampleSizeResult:
    """Users needed per arm to detect ``mde_absolute`` with the given power."""

    n_per_arm: int
    baseline: float
    mde_absolute: float
    alpha: float
    power: float
    two_sided: bool
    formula: str
    arms: int = 2
    kind: str = "proportion"
    #: Users entering the test per day, when known (see :meth:`with_traffic`).
    daily_users: float | None = None

    @property
    def total(self) -> int:
        """Users needed across all arms."""
        return self.n_per_arm * self.arms

    @property
    def mde_relative(self) -> float:
        """The MDE as a share of the baseline (δ / p₁)."""
        return self.mde_absolute / self.baseline if self.baseline else math.nan

    def days(self, daily_users: float, share: float = 1.0) -> int:
        """Days to reach the sample when ``share`` of ``daily_users`` enter the test."""
        return duration_days(self.total, daily_users, share=share)

    def with_traffic(self, daily_users: float) -> SampleSizeResult:
        """The same plan, also saying how many days ``daily_users`` a day take to fill it.

        >>> sample_size(0.05, 0.01).with_traffic(3_000).verdict.endswith("6 days.")
        True
        """
        duration_days(self.total, daily_users)  # refuses daily_users <= 0 with a clear message
        return dataclasses.replace(self, daily_users=float(daily_users))

    @property
    def verdict(self) -> str:
        effect = (
            f"{fmt.signed_pp(self.mde_absolute)} ({fmt.signed_pct(self.mde_relative)} relative) "
            f"on a baseline of {fmt.pct(self.baseline)}"
            if self.kind == "proportion"
            else f"{self.mde_absolute:+,.2f} on a metric with σ = {self.baseline:,.2f}"
        )
        sides = "two-sided" if self.two_sided else "one-sided"
        text = (
            f"You need {self.n_per_arm:,} users per arm ({self.total:,} in total) to detect "
            f"{effect} with {self.power:.0%} power at α = {self.alpha:g} ({sides})."
        )
        if self.daily_users:
            days = self.days(self.daily_users)
            text += (
                f" At {self.daily_users:,.0f} users a day that is {days} day{'s' * (days != 1)}."
            )
        return text

    def __repr__(self) -> str:
        return (
            f"SampleSizeResult(n_per_arm={self.n_per_arm:,}, total={self.total:,}, "
            f"baseline={self.baseline:g}, mde_absolute={self.mde_absolute:g}, "
            f"alpha={self.alpha:g}, power={self.power:g}, two_sided={self.two_sided})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Users per arm", f"{self.n_per_arm:,}"),
            ("Users in total", f"{self.total:,}"),
        ]
        if self.daily_users:
            rows.append(("Days at this traffic", f"{self.days(self.daily_users)}"))
        rows.append(("Formula", self.formula))
        return fmt.card("Sample size", rows, self.verdict, None)


def _check(alpha: float, power: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha}")
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1 (e.g. 0.8); got {power}")


def _z_alpha(alpha: float, two_sided: bool) -> float:
    return float(special.ndtri(1 - alpha / 2 if two_sided else 1 - alpha))


def _absolute_effect(baseline: float, mde: float, relative: bool) -> float:
    if not 0 < baseline < 1:
        raise ValueError(f"baseline must be a rate between 0 and 1 (5% is 0.05); got {baseline}")
    delta = mde * baseline if relative else mde
    if delta == 0:
        raise ValueError("the minimum detectable effect must not be zero")
    if not 0 < baseline + delta < 1:
        raise ValueError(
            f"baseline {baseline:g} plus an effect of {delta:g} leaves the 0–1 range; "
            "for a relative MDE pass relative=True (10% lift is mde=0.10)"
        )
    return delta


def _sds(p1: float, delta: float) -> tuple[float, float]:
    """Per-user SD of the difference under the null (shared p̄) and the alternative (p₁, p₂)."""
    p2 = p1 + delta
    p_bar = (p1 + p2) / 2
    return math.sqrt(2 * p_bar * (1 - p_bar)), math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))


def _power(p1: float, delta: float, n: float, alpha: float, two_sided: bool) -> float:
    null_sd, alt_sd = _sds(p1, delta)
    return float(
        special.ndtr((abs(delta) * math.sqrt(n) - _z_alpha(alpha, two_sided) * null_sd) / alt_sd)
    )


def sample_size(
    baseline: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    relative: bool = False,
    *,
    two_sided: bool = True,
) -> SampleSizeResult:
    """Users per arm to detect a change of ``mde`` in a conversion rate (rounded up).

    ``mde`` is absolute (0.005 = half a percentage point) unless ``relative=True``
    (0.10 = a 10% lift on the baseline). Formula: see the module docstring.

    >>> sample_size(0.05, 0.01).n_per_arm
    8158
    >>> sample_size(0.05, 0.20, relative=True).n_per_arm
    8158
    """
    _check(alpha, power)
    delta = _absolute_effect(baseline, mde, relative)
    null_sd, alt_sd = _sds(baseline, delta)
    z_a, z_b = _z_alpha(alpha, two_sided), float(special.ndtri(power))
    n = (z_a * null_sd + z_b * alt_sd) ** 2 / delta**2
    # Round before ceil so floating noise (8158.0000001) does not add a user.
    return SampleSizeResult(
        n_per_arm=math.ceil(round(n, 6)),
        baseline=baseline,
        mde_absolute=abs(delta),
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        formula=FORMULA,
    )


def power(
    baseline: float,
    mde: float,
    n_per_arm: int,
    alpha: float = 0.05,
    relative: bool = False,
    *,
    two_sided: bool = True,
) -> float:
    """Chance that a test with ``n_per_arm`` users per arm detects a true change of ``mde``.

    The inverse of :func:`sample_size`: Φ((|δ|√n − z_{1−α/2}√(2p̄(1−p̄))) / √(p₁q₁ + p₂q₂))
    (the negligible chance of significance in the wrong direction is ignored, as in the formula).

    >>> round(power(0.05, 0.01, 8158), 3)
    0.8
    """
    if n_per_arm <= 0:
        raise ValueError(f"n_per_arm must be positive; got {n_per_arm}")
    _check(alpha, 0.5)
    delta = _absolute_effect(baseline, mde, relative)
    return _power(baseline, delta, n_per_arm, alpha, two_sided)


def mde(
    baseline: float,
    n_per_arm: int,
    alpha: float = 0.05,
    power: float = 0.8,
    relative: bool = False,
    *,
    two_sided: bool = True,
) -> float:
    """Smallest upward change a test with ``n_per_arm`` users per arm detects with ``power``.

    Solves the :func:`sample_size` equation for δ (absolute; relative to the baseline when
    ``relative=True``).

    >>> round(mde(0.05, 8158), 4)
    0.01
    """
    _check(alpha, power)
    if not 0 < baseline < 1:
        raise ValueError(f"baseline must be a rate between 0 and 1 (5% is 0.05); got {baseline}")
    if n_per_arm <= 0:
        raise ValueError(f"n_per_arm must be positive; got {n_per_arm}")
    top = 1 - baseline - 1e-12
    if _power(baseline, top, n_per_arm, alpha, two_sided) < power:
        raise ValueError(
            f"{n_per_arm} users per arm cannot reach {power:.0%} power for any lift on a "
            f"{baseline:.1%} baseline; use more users"
        )
    from scipy import optimize  # the solver only here: importing it costs 20 MiB per kernel

    delta = optimize.brentq(
        lambda d: _power(baseline, d, n_per_arm, alpha, two_sided) - power, 1e-12, top, xtol=1e-12
    )
    return float(delta / baseline if relative else delta)


def sample_size_mean(
    std: float, mde: float, alpha: float = 0.05, power: float = 0.8, *, two_sided: bool = True
) -> SampleSizeResult:
    """Users per arm to detect a change of ``mde`` in a mean metric with standard deviation
    ``std``: n = 2σ²(z_{1−α/2} + z_{1−β})²/δ² (normal approximation, equal arms).

    CUPED shrinks σ² by (1 − ρ²), and with it the sample size.

    >>> sample_size_mean(std=500.0, mde=25.0).n_per_arm
    6280
    """
    _check(alpha, power)
    if std <= 0:
        raise ValueError(f"std must be positive; got {std}")
    if mde == 0:
        raise ValueError("the minimum detectable effect must not be zero")
    z_a, z_b = _z_alpha(alpha, two_sided), float(special.ndtri(power))
    n = 2 * std**2 * (z_a + z_b) ** 2 / mde**2
    return SampleSizeResult(
        n_per_arm=math.ceil(round(n, 6)),
        baseline=std,
        mde_absolute=abs(mde),
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        formula=FORMULA_MEAN,
        kind="mean",
    )


def duration_days(total_users: int, daily_users: float, share: float = 1.0) -> int:
    """Whole days until ``total_users`` have entered when ``share`` of ``daily_users`` do so.

    >>> duration_days(16_316, daily_users=3_000)
    6
    """
    if daily_users <= 0:
        raise ValueError(f"daily_users must be positive; got {daily_users}")
    if not 0 < share <= 1:
        raise ValueError(f"share of traffic in the test must be in (0, 1]; got {share}")
    return math.ceil(total_users / (daily_users * share))
