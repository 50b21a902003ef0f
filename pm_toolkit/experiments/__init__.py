"""Experimentation done right: design, analyse and decide A/B tests (Lesson 4).

Pure functions over plain numbers or arrays, each returning a frozen result record that prints
a verdict in plain words. Each is cross-checked in ``tests/test_experiments*.py`` against scipy,
statsmodels or a closed form.

>>> from pm_toolkit import experiments as ex
>>> ex.sample_size(baseline=0.05, mde=0.10, relative=True).n_per_arm
31234
>>> ex.srm_test({"control": 50_000, "treatment": 48_800}).mismatch
True

Modules: :mod:`.significance` (z, Welch and delta-method tests), :mod:`.power` (sample size,
power, MDE, duration), :mod:`.srm`, :mod:`.multiple` (p-value adjustment, false discoveries),
:mod:`.cuped`, :mod:`.sequential` (peeking and group-sequential boundaries), :mod:`.bayes`,
:mod:`.decision`, :mod:`.analysis` (the same tools on the data world's ``assignments``) and
:mod:`.readout` (the lesson's sentences, built from the learner's data).
"""

from __future__ import annotations

from pm_toolkit.experiments._format import p_value as format_p
from pm_toolkit.experiments.analysis import (
    METRICS,
    ExperimentReport,
    ReadableTable,
    analyse,
    arm_summary,
    cuped_revenue,
    daily_lift,
    metric_table,
    report,
    srm_check,
    srm_table,
)
from pm_toolkit.experiments.bayes import BayesResult, prob_b_beats_a, prob_beta_greater
from pm_toolkit.experiments.cuped import CupedResult, cuped, cuped_adjust, cuped_theta
from pm_toolkit.experiments.decision import Decision, decide
from pm_toolkit.experiments.multiple import (
    AdjustedPValues,
    PortfolioResult,
    adjust_p_values,
    false_discovery_share,
    portfolio_simulation,
)
from pm_toolkit.experiments.power import (
    SampleSizeResult,
    duration_days,
    mde,
    power,
    sample_size,
    sample_size_mean,
)
from pm_toolkit.experiments.sequential import (
    Boundaries,
    PeekingResult,
    crossing_probability,
    group_sequential_boundaries,
    peeking_false_positive_rate,
    peeking_simulation,
)
from pm_toolkit.experiments.significance import (
    ComparisonResult,
    mean_test,
    mean_test_samples,
    proportion_test,
    ratio_metric_test,
)
from pm_toolkit.experiments.srm import SRM_THRESHOLD, SrmResult, srm_test

__all__ = [
    "METRICS",
    "SRM_THRESHOLD",
    "AdjustedPValues",
    "BayesResult",
    "Boundaries",
    "ComparisonResult",
    "CupedResult",
    "Decision",
    "ExperimentReport",
    "PeekingResult",
    "PortfolioResult",
    "ReadableTable",
    "SampleSizeResult",
    "SrmResult",
    "adjust_p_values",
    "analyse",
    "arm_summary",
    "crossing_probability",
    "cuped",
    "cuped_adjust",
    "cuped_revenue",
    "cuped_theta",
    "daily_lift",
    "decide",
    "duration_days",
    "false_discovery_share",
    "format_p",
    "group_sequential_boundaries",
    "mde",
    "mean_test",
    "mean_test_samples",
    "metric_table",
    "peeking_false_positive_rate",
    "peeking_simulation",
    "portfolio_simulation",
    "power",
    "prob_b_beats_a",
    "prob_beta_greater",
    "proportion_test",
    "ratio_metric_test",
    "report",
    "sample_size",
    "sample_size_mean",
    "srm_check",
    "srm_table",
    "srm_test",
]
