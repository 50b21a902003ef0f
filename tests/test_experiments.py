"""pm_toolkit.experiments: every statistic cross-checked against scipy, statsmodels or a closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from pm_toolkit import experiments as ex

PROPORTION_CASES = [(500, 10_000, 580, 10_000), (120, 2_000, 95, 2_100), (3, 40, 9, 38)]


# --- proportion_test ---------------------------------------------------------------------------


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PROPORTION_CASES)
def test_proportion_p_value_matches_statsmodels_pooled_ztest(xa, na, xb, nb):
    r = ex.proportion_test(xa, na, xb, nb)
    z, p = proportions_ztest([xb, xa], [nb, na])
    assert r.statistic == pytest.approx(z, rel=1e-10)
    assert r.p_value == pytest.approx(p, rel=1e-10)


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PROPORTION_CASES)
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_proportion_ci_matches_statsmodels_unpooled_wald(xa, na, xb, nb, alpha):
    r = ex.proportion_test(xa, na, xb, nb, alpha=alpha)
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff", alpha=alpha)
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-10)


def test_relative_lift_ci_is_the_delta_method_closed_form():
    r = ex.proportion_test(500, 10_000, 580, 10_000)
    pa, pb = 0.05, 0.058
    se = math.sqrt((pb * (1 - pb) / 10_000) / pa**2 + pb**2 * (pa * (1 - pa) / 10_000) / pa**4)
    assert r.relative_lift == pytest.approx(0.16)
    assert r.relative_ci_low == pytest.approx(0.16 - 1.959963985 * se, rel=1e-8)
    assert r.relative_ci_high == pytest.approx(0.16 + 1.959963985 * se, rel=1e-8)


def test_proportion_test_verdicts_read_in_plain_words():
    win = ex.proportion_test(500, 10_000, 580, 10_000)
    flat = ex.proportion_test(500, 10_000, 505, 10_000)
    assert win.significant and "Treatment is higher" in win.verdict
    assert not flat.significant and "not proof" in flat.verdict
    assert "pp" in repr(win) and "✅" in win._repr_html_()


def test_proportion_test_with_no_conversions_anywhere_is_not_significant():
    r = ex.proportion_test(0, 100, 0, 100)
    assert r.p_value == 1.0 and not r.significant and math.isnan(r.relative_lift)


@pytest.mark.parametrize(
    ("args", "message"),
    [((5, 0, 5, 10), "at least one user"), ((11, 10, 5, 10), "between 0 and n")],
)
def test_proportion_test_rejects_impossible_counts_with_actionable_message(args, message):
    with pytest.raises(ValueError, match=message):
        ex.proportion_test(*args)


# --- Welch -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_welch_matches_scipy_ttest_ind_unequal_variances(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.lognormal(6, 1, 300), rng.lognormal(6.1, 1.3, 250)
    r = ex.mean_test_samples(a, b, alpha=0.1)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert r.df == pytest.approx(ref.df, rel=1e-10)
    assert (r.ci_low, r.ci_high) == pytest.approx(tuple(ref.confidence_interval(0.9)), rel=1e-10)


def test_mean_test_from_summaries_equals_mean_test_from_arrays():
    a, b = np.array([120.0, 0, 450, 80, 0, 999]), np.array([300.0, 20, 0, 0, 610, 700, 150])
    from_arrays = ex.mean_test_samples(a, b, unit="₹")
    from_stats = ex.mean_test(a.mean(), a.var(ddof=1), 6, b.mean(), b.var(ddof=1), 7, unit="₹")
    assert from_arrays == from_stats
    assert "₹" in repr(from_arrays)


def test_mean_test_rejects_missing_values():
    with pytest.raises(ValueError, match="NaN"):
        ex.mean_test_samples([1.0, np.nan, 3.0], [1.0, 2.0])


# --- ratio metric (delta method) --------------------------------------------------------------


def test_ratio_with_one_order_per_user_reduces_to_a_difference_in_means():
    rng = np.random.default_rng(4)
    a, b = rng.gamma(2, 500, 400), rng.gamma(2, 520, 400)
    r = ex.ratio_metric_test(a, np.ones(400), b, np.ones(400))
    w = ex.mean_test_samples(a, b)
    se_w = math.sqrt(a.var(ddof=1) / 400 + b.var(ddof=1) / 400)
    assert r.difference == pytest.approx(w.difference)
    assert (r.ci_high - r.ci_low) / (2 * 1.959963985) == pytest.approx(se_w, rel=1e-9)


def test_ratio_delta_method_se_agrees_with_a_bootstrap_over_users():
    rng = np.random.default_rng(5)
    n = 1_500
    orders = rng.poisson(0.6, size=(2, n))
    revenue = orders * rng.gamma(3, 300, size=(2, n)) * np.exp(0.3 * rng.standard_normal((2, n)))
    r = ex.ratio_metric_test(revenue[0], orders[0], revenue[1], orders[1])
    boot = rng.integers(0, n, size=(2, 3_000, n))  # resample users, keeping their orders together
    ratios = [revenue[k][boot[k]].sum(1) / orders[k][boot[k]].sum(1) for k in (0, 1)]
    se_boot = np.std(ratios[1] - ratios[0], ddof=1)
    se_delta = (r.ci_high - r.ci_low) / (2 * 1.959963985)
    assert se_delta == pytest.approx(se_boot, rel=0.08)


def test_ratio_hand_computed_example():
    r = ex.ratio_metric_test([100, 300, 0], [1, 2, 0], [200, 0, 400], [1, 0, 2])
    assert r.control == pytest.approx(400 / 3) and r.treatment == pytest.approx(200.0)
    num, den = np.array([100.0, 300, 0]), np.array([1.0, 2, 0])
    cov = np.cov(num, den)
    var = (cov[0, 0] - 2 * (400 / 3) * cov[0, 1] + (400 / 3) ** 2 * cov[1, 1]) / (3 * 1.0**2)
    num_b, den_b = np.array([200.0, 0, 400]), np.array([1.0, 0, 2])
    cov_b = np.cov(num_b, den_b)
    var_b = (cov_b[0, 0] - 400 * cov_b[0, 1] + 200**2 * cov_b[1, 1]) / (3 * 1.0**2)
    assert r.statistic == pytest.approx((200 - 400 / 3) / math.sqrt(var + var_b))


def test_ratio_without_any_orders_says_so():
    with pytest.raises(ValueError, match="no orders"):
        ex.ratio_metric_test([0, 0], [0, 0], [10, 0], [1, 0])


# --- sample size, power, MDE ------------------------------------------------------------------


@pytest.mark.parametrize(("baseline", "delta"), [(0.05, 0.01), (0.10, 0.015), (0.30, -0.03)])
@pytest.mark.parametrize("two_sided", [True, False])
def test_sample_size_matches_statsmodels_unpooled_formula(baseline, delta, two_sided):
    r = ex.sample_size(baseline, delta, two_sided=two_sided)
    alt = "two-sided" if two_sided else ("larger" if delta > 0 else "smaller")
    ref = samplesize_proportions_2indep_onetail(delta, baseline, 0.8, alternative=alt)
    assert r.n_per_arm == math.ceil(ref)


def test_sample_size_is_close_to_the_arcsine_approximation():
    r = ex.sample_size(0.05, 0.01)
    h = proportion_effectsize(0.06, 0.05)
    ref = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8)
    assert r.n_per_arm == pytest.approx(ref, rel=0.02)


def test_relative_and_absolute_mde_give_the_same_answer():
    assert (
        ex.sample_size(0.05, 0.2, relative=True).n_per_arm == ex.sample_size(0.05, 0.01).n_per_arm
    )


def test_sample_size_grows_with_smaller_effect_and_higher_power():
    sizes = [ex.sample_size(0.05, d).n_per_arm for d in (0.02, 0.01, 0.005)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] == pytest.approx(4 * sizes[1], rel=0.05)  # half the effect, ~4x the users
    assert ex.sample_size(0.05, 0.01, power=0.9).n_per_arm > sizes[1]


@pytest.mark.parametrize(("baseline", "delta"), [(0.05, 0.01), (0.12, 0.006), (0.5, 0.02)])
def test_power_and_sample_size_are_inverses(baseline, delta):
    n = ex.sample_size(baseline, delta, power=0.8).n_per_arm
    assert ex.power(baseline, delta, n) >= 0.8 > ex.power(baseline, delta, n - 1)


@pytest.mark.parametrize("n", [1_000, 8_158, 120_000])
def test_mde_and_power_are_inverses(n):
    d = ex.mde(0.05, n, power=0.8)
    assert ex.power(0.05, d, n) == pytest.approx(0.8, abs=1e-9)
    assert ex.sample_size(0.05, d).n_per_arm in (n, n + 1)
    assert ex.mde(0.05, n, relative=True) == pytest.approx(d / 0.05)


def test_sample_size_mean_matches_statsmodels_normal_power():
    r = ex.sample_size_mean(std=500.0, mde=25.0)
    ref = NormalIndPower().solve_power(effect_size=25 / 500, alpha=0.05, power=0.8)
    assert r.n_per_arm == math.ceil(ref)
    shrunk = ex.sample_size_mean(std=500.0 * math.sqrt(0.5), mde=25.0)
    assert shrunk.n_per_arm == pytest.approx(r.n_per_arm / 2, abs=1)


def test_duration_days_rounds_up_and_respects_traffic_share():
    r = ex.sample_size(0.05, 0.01)
    assert r.days(daily_users=3_000) == math.ceil(r.total / 3_000)
    assert ex.duration_days(10_000, 1_000, share=0.5) == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": 5, "mde": 0.01}, "5% is 0.05"),
        ({"baseline": 0.05, "mde": 0.99}, "relative=True"),
        ({"baseline": 0.05, "mde": 0.0}, "must not be zero"),
        ({"baseline": 0.05, "mde": 0.01, "power": 80}, "power must be between 0 and 1"),
    ],
)
def test_sample_size_errors_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ex.sample_size(**kwargs)


# --- SRM ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "weights"),
    [([5_000, 4_600], None), ([5_010, 4_990], None), ([900, 2_100, 1_000], [1, 2, 1])],
)
def test_srm_matches_scipy_chisquare(counts, weights):
    r = ex.srm_test(counts, weights)
    w = np.ones(len(counts)) if weights is None else np.asarray(weights, float)
    ref = stats.chisquare(counts, f_exp=np.sum(counts) * w / w.sum())
    assert r.chi2 == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)


def test_srm_drops_arms_with_zero_weight_and_keeps_names():
    r = ex.srm_test(
        {"control": 5_000, "treatment": 5_020, "holdout": 3},
        {"control": 1, "treatment": 1, "holdout": 0},
    )
    assert r.arms == ("control", "treatment") and not r.mismatch
    assert "No sample-ratio mismatch" in r.verdict


def test_srm_flags_a_broken_split_and_says_not_to_trust_it():
    r = ex.srm_test({"control": 5_000, "treatment": 4_600})
    assert r.mismatch and "Do not trust" in r.verdict and "⚠️" in r._repr_html_()


# --- multiple testing -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["bonferroni", "holm", "fdr_bh"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adjust_p_values_matches_statsmodels_multipletests(method, seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.06, 8), rng.uniform(0, 1, 12), [0.01, 0.01]])
    r = ex.adjust_p_values(p, method, alpha=0.05)
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method=method)
    assert np.allclose(r.adjusted, adjusted) and r.reject == tuple(reject)


def test_adjust_accepts_metric_names_and_the_bh_alias():
    r = ex.adjust_p_values({"conversion": 0.01, "aov": 0.04, "returns": 0.30}, "bh")
    assert r.method == "fdr_bh" and r.labels == ("conversion", "aov", "returns")
    with pytest.raises(ValueError, match="bonferroni"):
        ex.adjust_p_values([0.1], "sidak")


def test_false_discovery_share_closed_form():
    assert ex.false_discovery_share(0.05, 0.8, 0.1) == pytest.approx(0.045 / (0.045 + 0.08))
    assert ex.false_discovery_share(0.05, 0.8, 0.0) == 1.0


# --- CUPED -------------------------------------------------------------------------------------


def test_cuped_removes_rho_squared_of_the_variance_exactly_on_pooled_data():
    rng = np.random.default_rng(6)
    x = rng.gamma(2, 400, 6_000)
    y = 0.6 * x + rng.normal(0, 300, 6_000)
    r = ex.cuped(y[:3_000], x[:3_000], y[3_000:], x[3_000:])
    adj = ex.cuped_adjust(y, x, r.theta, x.mean())
    assert r.variance_reduction == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2)
    assert 1 - adj.var() / y.var() == pytest.approx(r.variance_reduction, rel=1e-9)
    assert r.theta == pytest.approx(np.polyfit(x, y, 1)[0])
    assert r.ci_width_ratio == pytest.approx(math.sqrt(r.sample_size_factor), rel=0.05)


def test_cuped_keeps_the_treatment_effect_and_narrows_its_interval():
    rng = np.random.default_rng(7)
    n = 20_000
    x = rng.gamma(2, 400, 2 * n)
    y = 0.8 * x + rng.normal(0, 200, 2 * n) + np.r_[np.zeros(n), np.full(n, 15.0)]
    r = ex.cuped(y[:n], x[:n], y[n:], x[n:], unit="₹")
    assert r.adjusted.ci_low < 15 < r.adjusted.ci_high
    assert r.adjusted.ci_high - r.adjusted.ci_low < 0.6 * (r.raw.ci_high - r.raw.ci_low)


def test_cuped_with_an_unrelated_covariate_changes_almost_nothing():
    rng = np.random.default_rng(8)
    y, x = rng.normal(100, 10, 4_000), rng.normal(50, 5, 4_000)
    assert ex.cuped(y[:2000], x[:2000], y[2000:], x[2000:]).variance_reduction < 0.01


# --- sequential boundaries --------------------------------------------------------------------


def _mvn_crossing(z_bounds):
    """Oracle: 1 − P(all |Z_k| < z_k) with Corr(Z_i, Z_j) = √(i/j), via scipy's mvn CDF."""
    k = np.arange(1, len(z_bounds) + 1)
    corr = np.sqrt(np.minimum.outer(k, k) / np.maximum.outer(k, k))
    z = np.asarray(z_bounds)
    # Seed the frozen distribution itself: the cdf() keyword for it was renamed across scipy
    # versions (random_state → rng), the constructor's `seed` works on every supported one.
    mvn = stats.multivariate_normal(mean=np.zeros(len(k)), cov=corr, seed=0)
    return 1 - mvn.cdf(z, lower_limit=-z)


@pytest.mark.parametrize("looks", [2, 3, 5])
def test_crossing_probability_matches_scipy_multivariate_normal(looks):
    for bounds in (
        (1.959964,) * looks,
        ex.group_sequential_boundaries(looks, design="pocock").z,
        ex.group_sequential_boundaries(looks).z,
    ):
        assert ex.crossing_probability(tuple(bounds)) == pytest.approx(
            _mvn_crossing(bounds), abs=2e-4
        )


def test_boundaries_keep_overall_alpha_and_reduce_to_1_96_for_one_look():
    assert ex.group_sequential_boundaries(1).z[0] == pytest.approx(stats.norm.ppf(0.975))
    for design in ("pocock", "obrien_fleming"):
        b = ex.group_sequential_boundaries(5, alpha=0.05, design=design)
        assert ex.crossing_probability(b.z) == pytest.approx(0.05, abs=1e-7)


def test_boundaries_agree_with_published_tables_roughly():
    # About 2.413 (Pocock) and 2.040 (O'Brien–Fleming) for 5 looks at 5% (Jennison & Turnbull).
    assert ex.group_sequential_boundaries(5, design="pocock").constant == pytest.approx(
        2.413, abs=2e-3
    )
    assert ex.group_sequential_boundaries(5).constant == pytest.approx(2.040, abs=2e-3)


def test_obrien_fleming_is_strict_early_and_near_1_96_at_the_end():
    z = ex.group_sequential_boundaries(5).z
    assert z[0] > 4 and list(z) == sorted(z, reverse=True) and z[-1] < 2.1


def test_exact_peeking_rate_grows_with_looks():
    rates = [ex.peeking_false_positive_rate(k) for k in (1, 2, 5, 10)]
    assert rates[0] == pytest.approx(0.05, abs=1e-9)
    assert rates == sorted(rates) and rates[2] == pytest.approx(
        _mvn_crossing((1.959964,) * 5), abs=2e-4
    )


def test_looks_must_be_a_sensible_whole_number():
    with pytest.raises(ValueError, match="whole number from 1 to 50"):
        ex.group_sequential_boundaries(0)
    with pytest.raises(ValueError, match="design must be"):
        ex.group_sequential_boundaries(3, design="haybittle")


# --- Bayesian ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("xa", "na", "xb", "nb"), PROPORTION_CASES)
def test_prob_b_beats_a_matches_monte_carlo_and_integration(xa, na, xb, nb):
    r = ex.prob_b_beats_a(xa, na, xb, nb)
    rng = np.random.default_rng(9)
    m = 1_000_000
    pa, pb = rng.beta(1 + xa, 1 + na - xa, m), rng.beta(1 + xb, 1 + nb - xb, m)
    assert r.prob_b_beats_a == pytest.approx((pb > pa).mean(), abs=4 * 0.5 / math.sqrt(m))
    assert r.expected_loss_b == pytest.approx(np.maximum(pa - pb, 0).mean(), rel=0.03, abs=1e-6)
    assert r.expected_loss_a == pytest.approx(np.maximum(pb - pa, 0).mean(), rel=0.03, abs=1e-6)
    worse = pa > pb
    assert r.prob_b_worse == pytest.approx(worse.mean(), abs=4 * 0.5 / math.sqrt(m))
    if worse.sum() > 1_000:  # the loss *given* B is worse: the mean over the unlucky draws only
        assert r.loss_if_b_worse == pytest.approx((pa - pb)[worse].mean(), rel=0.03)


def test_the_two_bayesian_losses_differ_by_the_chance_that_b_is_worse():
    """Issue 17: "if we ship it and it is worse we lose N" quoted the unconditional expected
    loss E[max(pA − pB, 0)], which for a clear win is about P(B worse) times the loss given
    B is worse. Both are kept, related exactly, and the words name each."""
    r = ex.prob_b_beats_a(480, 4_000, 600, 4_000)  # a clear win: B worse with chance ≈ 1e-4
    assert r.prob_b_worse == pytest.approx(1 - r.prob_b_beats_a, abs=1e-10)
    assert r.loss_if_b_worse * r.prob_b_worse == pytest.approx(r.expected_loss_b, rel=1e-9)
    assert r.loss_if_b_worse > 1_000 * r.expected_loss_b
    # E[pA − pB | pA > pB] from a normal approximation to the posterior difference (truncated
    # normal mean): within a few per cent of the exact Beta answer at these sample sizes
    mu = r.posterior_mean_b - r.posterior_mean_a
    sd = math.sqrt(sum(m * (1 - m) / 4_002 for m in (r.posterior_mean_a, r.posterior_mean_b)))
    tail = stats.norm.pdf(mu / sd) * sd / stats.norm.cdf(-mu / sd) - mu
    assert r.loss_if_b_worse == pytest.approx(tail, rel=0.1)
    text = r.risk_text()
    assert "If it is, it converts 0.18 pp worse" in text and "about 1,800 fewer orders" in text
    assert "expected loss of shipping B is less than 0.1 orders" in text


def test_risk_words_keep_sensible_precision():
    from pm_toolkit.experiments.bayes import _about_count, _about_pp

    assert [_about_pp(x) for x in (0.0242, 0.00103, 0.0000251, 1e-9)] == [
        "2.4 pp",
        "0.10 pp",
        "0.0025 pp",
        "less than 0.0001 pp",
    ]
    assert [_about_count(x) for x in (0.02, 6.36, 1532.7, 1_234_567)] == [
        "less than 0.1",
        "about 6.4",
        "about 1,500",
        "about 12,00,000",
    ]
    tiny = ex.prob_b_beats_a(400, 4_000, 800, 4_000)  # B worse with chance ≈ 1e-36
    assert "too small to put a number on" in tiny.risk_text()
    named = ex.prob_b_beats_a(500, 4_000, 480, 4_000).risk_text(b="the banner", a="no banner")
    assert named.startswith("The chance that the banner is worse than no banner is")


def test_exact_formula_agrees_with_numerical_integration_for_fractional_priors():
    exact = ex.prob_beta_greater(31, 70, 41, 60)
    nearby = ex.prob_beta_greater(30.5, 70.5, 40.5, 60.5)  # integration path
    via_quad = ex.prob_beta_greater(31.0000001, 70, 41.0000001, 60)
    assert via_quad == pytest.approx(exact, abs=1e-6) and abs(nearby - exact) < 0.02


def test_prob_b_beats_a_is_symmetric_and_near_the_normal_approximation():
    r = ex.prob_b_beats_a(500, 10_000, 580, 10_000)
    back = ex.prob_b_beats_a(580, 10_000, 500, 10_000)
    assert r.prob_b_beats_a + back.prob_b_beats_a == pytest.approx(1.0, abs=1e-9)
    z = ex.proportion_test(500, 10_000, 580, 10_000)
    se = (z.ci_high - z.ci_low) / (2 * 1.959963985)
    assert r.prob_b_beats_a == pytest.approx(stats.norm.cdf(z.difference / se), abs=0.005)
    assert "chance" in r.verdict


# --- decision ---------------------------------------------------------------------------------


def _res(lo, hi, p=0.01):
    base = ex.proportion_test(500, 10_000, 560, 10_000)
    from dataclasses import replace

    return replace(base, ci_low=lo, ci_high=hi, difference=(lo + hi) / 2, p_value=p)


@pytest.mark.parametrize(
    ("lo", "hi", "p", "action"),
    [
        (0.006, 0.012, 0.001, "ship"),
        (-0.010, -0.002, 0.01, "don't ship"),
        (0.0005, 0.004, 0.03, "don't ship"),  # real but smaller than worth shipping
        (-0.004, 0.008, 0.4, "extend"),
        (-0.002, 0.003, 0.7, "don't ship"),  # flat: rules out a worthwhile effect
    ],
)
def test_decide_weighs_practical_against_statistical_significance(lo, hi, p, action):
    assert ex.decide(_res(lo, hi, p), min_effect=0.005).action == action


def test_decide_stops_on_srm_and_on_a_broken_guardrail():
    good = _res(0.006, 0.012)
    srm = ex.srm_test([5_000, 4_600])
    assert ex.decide(good, 0.005, srm=srm).action == "investigate"
    slow = ex.mean_test(1400, 300**2, 5_000, 1750, 300**2, 5_000, unit="ms")
    d = ex.decide(good, 0.005, guardrails={"page_load_ms": slow})
    assert d.action == "don't ship" and "page_load_ms" in d.verdict
