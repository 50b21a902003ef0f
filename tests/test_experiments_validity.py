"""Statistical validity: simulated A/A tests are false positives at rate alpha, CIs cover at their
nominal rate, power is what the sample-size formula promises, sequential plans hold alpha.

Each check compares a Monte-Carlo rate with its target within 4 standard errors
(√(p(1 − p)/n_sims)), so a correct method fails about once in 15,000 runs and a wrong one
(e.g. a pooled CI, a t-test on orders, peeking) fails reliably. All draws are seeded.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pm_toolkit import experiments as ex

N_SIMS = 4_000
ALPHA = 0.05


def _within_mc_error(rate: float, target: float, n: int = N_SIMS, k: float = 4.0) -> bool:
    return abs(rate - target) <= k * math.sqrt(target * (1 - target) / n)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(2026, spawn_key=(sum(map(ord, name)),)))


def test_proportion_test_aa_false_positives_and_ci_coverage():
    rng = _rng("prop")
    n, p = 3_000, 0.08
    xa, xb = rng.binomial(n, p, N_SIMS), rng.binomial(n, p + 0.01, N_SIMS)
    aa = [
        ex.proportion_test(a, n, b, n) for a, b in zip(xa, rng.binomial(n, p, N_SIMS), strict=True)
    ]
    ab = [ex.proportion_test(a, n, b, n) for a, b in zip(xa, xb, strict=True)]
    fpr = np.mean([r.significant for r in aa])
    cover = np.mean([r.ci_low <= 0.01 <= r.ci_high for r in ab])
    rel_cover = np.mean([r.relative_ci_low <= 0.01 / p <= r.relative_ci_high for r in ab])
    assert _within_mc_error(fpr, ALPHA)
    assert _within_mc_error(cover, 1 - ALPHA)
    assert _within_mc_error(rel_cover, 1 - ALPHA)


def test_welch_aa_false_positives_and_coverage_with_skewed_revenue():
    rng = _rng("welch")
    n = 400
    a = rng.lognormal(6.5, 1.0, (N_SIMS, n)) * (rng.random((N_SIMS, n)) < 0.3)
    b = rng.lognormal(6.5, 1.0, (N_SIMS, n)) * (rng.random((N_SIMS, n)) < 0.3)
    results = [ex.mean_test_samples(x, y) for x, y in zip(a, b, strict=True)]
    assert _within_mc_error(np.mean([r.significant for r in results]), ALPHA, k=4.5)
    assert _within_mc_error(
        np.mean([r.ci_low <= 0 <= r.ci_high for r in results]), 1 - ALPHA, k=4.5
    )


def test_ratio_metric_aa_false_positive_rate_is_alpha_at_the_user_level():
    rng = _rng("ratio")
    n = 600
    results = []
    for _ in range(N_SIMS // 2):
        heavy = rng.gamma(0.5, 2, (2, n))  # some users order a lot: orders cluster by user
        orders = rng.poisson(heavy)
        revenue = orders * rng.gamma(4, 250, (2, n)) * rng.lognormal(0, 0.3, (2, n))
        results.append(ex.ratio_metric_test(revenue[0], orders[0], revenue[1], orders[1]))
    assert _within_mc_error(np.mean([r.significant for r in results]), ALPHA, n=N_SIMS // 2)


def test_cuped_aa_false_positive_rate_is_alpha():
    rng = _rng("cuped")
    n, sims = 300, N_SIMS // 2
    x = rng.gamma(2, 300, (sims, 2, n))
    y = 0.7 * x + rng.normal(0, 250, (sims, 2, n))
    results = [ex.cuped(s[0][0], s[1][0], s[0][1], s[1][1]) for s in zip(y, x, strict=True)]
    assert _within_mc_error(np.mean([r.adjusted.significant for r in results]), ALPHA, n=sims)


def test_sample_size_delivers_the_promised_power():
    rng = _rng("power")
    plan = ex.sample_size(0.10, 0.015, power=0.8)
    n = plan.n_per_arm
    xa, xb = rng.binomial(n, 0.10, N_SIMS), rng.binomial(n, 0.115, N_SIMS)
    hits = np.mean(
        [ex.proportion_test(a, n, b, n).significant for a, b in zip(xa, xb, strict=True)]
    )
    assert _within_mc_error(hits, 0.8)


def test_peeking_simulation_matches_the_exact_rate_and_sequential_plans_hold_alpha():
    for design in ("obrien_fleming", "pocock"):
        r = ex.peeking_simulation(5, n_sims=20_000, seed=3, design=design)
        assert _within_mc_error(r.peeking_fpr, r.exact_peeking_fpr, n=20_000)
        assert _within_mc_error(r.final_look_fpr, ALPHA, n=20_000)
        assert _within_mc_error(r.sequential_fpr, ALPHA, n=20_000)
        assert sum(r.first_win_look) == round(r.peeking_fpr * 20_000)


def test_peeking_simulation_is_deterministic_by_seed():
    a = ex.peeking_simulation(5, n_sims=2_000, seed=11)
    assert a == ex.peeking_simulation(5, n_sims=2_000, seed=11)
    assert a != ex.peeking_simulation(5, n_sims=2_000, seed=12)
    with pytest.raises(ValueError, match="n_sims"):
        ex.peeking_simulation(5, n_sims=10)


def test_portfolio_false_discovery_share_matches_the_closed_form_and_bh_controls_it():
    r = ex.portfolio_simulation(50_000, share_true=0.1, seed=5)
    wins_se = math.sqrt(r.expected_false_share * (1 - r.expected_false_share) / r.wins)
    assert abs(r.false_share - r.expected_false_share) < 4 * wins_se
    assert r.false_share_bh <= 0.05 * (1 - 0.1) + 4 * math.sqrt(0.05 * 0.95 / r.wins_bh)
