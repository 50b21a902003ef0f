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

from importlib import import_module
from typing import Any

# Two modules share a name with one of their functions: importing the module binds the package
# attribute to it, so they load now (both are light) and the function names win below.
from pm_toolkit.experiments.cuped import CupedResult, cuped, cuped_adjust, cuped_theta
from pm_toolkit.experiments.power import (
    SampleSizeResult,
    duration_days,
    mde,
    power,
    sample_size,
    sample_size_mean,
)

# Names load with their module on first use: a lesson that needs one test (a z-test for a
# rule check) must not pay for scipy.stats and statsmodels, about 60 MiB in every learner's
# kernel (benchmarks/bench_memory.py). ``from pm_toolkit.experiments import charts`` still
# imports the submodule, as for any package.
_LAZY: dict[str, tuple[str, str]] = {
    "format_p": ("_format", "p_value"),
    "ExperimentReport": ("analysis", "ExperimentReport"),
    "METRICS": ("analysis", "METRICS"),
    "ReadableTable": ("analysis", "ReadableTable"),
    "analyse": ("analysis", "analyse"),
    "arm_summary": ("analysis", "arm_summary"),
    "cuped_revenue": ("analysis", "cuped_revenue"),
    "daily_lift": ("analysis", "daily_lift"),
    "metric_table": ("analysis", "metric_table"),
    "report": ("analysis", "report"),
    "srm_check": ("analysis", "srm_check"),
    "srm_table": ("analysis", "srm_table"),
    "BayesResult": ("bayes", "BayesResult"),
    "prob_b_beats_a": ("bayes", "prob_b_beats_a"),
    "prob_beta_greater": ("bayes", "prob_beta_greater"),
    "Decision": ("decision", "Decision"),
    "decide": ("decision", "decide"),
    "AdjustedPValues": ("multiple", "AdjustedPValues"),
    "PortfolioResult": ("multiple", "PortfolioResult"),
    "adjust_p_values": ("multiple", "adjust_p_values"),
    "false_discovery_share": ("multiple", "false_discovery_share"),
    "portfolio_simulation": ("multiple", "portfolio_simulation"),
    "Boundaries": ("sequential", "Boundaries"),
    "PeekingResult": ("sequential", "PeekingResult"),
    "crossing_probability": ("sequential", "crossing_probability"),
    "group_sequential_boundaries": ("sequential", "group_sequential_boundaries"),
    "peeking_false_positive_rate": ("sequential", "peeking_false_positive_rate"),
    "peeking_simulation": ("sequential", "peeking_simulation"),
    "ComparisonResult": ("significance", "ComparisonResult"),
    "mean_test": ("significance", "mean_test"),
    "mean_test_samples": ("significance", "mean_test_samples"),
    "proportion_test": ("significance", "proportion_test"),
    "ratio_metric_test": ("significance", "ratio_metric_test"),
    "SRM_THRESHOLD": ("srm", "SRM_THRESHOLD"),
    "SrmResult": ("srm", "SrmResult"),
    "srm_test": ("srm", "srm_test"),
}

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


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'pm_toolkit.experiments' has no attribute {name!r}")
    value = getattr(import_module(f"pm_toolkit.experiments.{where[0]}"), where[1])
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *globals()})
