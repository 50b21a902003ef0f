"""Machine learning a PM works with (lesson 7): risk, recommendations, targeting, support bots.

scikit-learn does the learning; this package frames each case as a decision: what to predict
and when, the baseline to beat, a split by time, a threshold in rupees, the checks for leakage,
overfitting and fairness, and the sentences the lesson states (:mod:`.story`). Every statistic
is cross-checked against scikit-learn or a hand case in ``tests/test_ml*.py``.

>>> from pm_toolkit import ml
>>> ml.confusion([1, 0, 0], [True, True, False]).precision
0.5

Modules: :mod:`.splits`, :mod:`.evaluate` (confusion matrix in ₹, thresholds, calibration,
per-group rates), :mod:`.diagnostics` (leakage, learning curves), :mod:`.rto` (case 1),
:mod:`.recommend` (case 2), :mod:`.targeting` and :mod:`.clusters` (case 3), :mod:`.intents`
and :mod:`.voice` (case 4), :mod:`.card` (working with ML engineers), :mod:`.charts`.
"""

from __future__ import annotations

from pm_toolkit.ml import (
    card,
    charts,
    clusters,
    diagnostics,
    intents,
    recommend,
    rto,
    story,
    targeting,
    voice,
)
from pm_toolkit.ml.diagnostics import leakage_report, learning_curve_table, single_feature_auc
from pm_toolkit.ml.evaluate import (
    THRESHOLDS,
    Confusion,
    CostMatrix,
    at_threshold,
    best_threshold,
    by_group,
    calibration_table,
    confusion,
    roc_auc,
    threshold_table,
)
from pm_toolkit.ml.splits import Split, time_split

__all__ = [
    "THRESHOLDS",
    "Confusion",
    "CostMatrix",
    "Split",
    "at_threshold",
    "best_threshold",
    "by_group",
    "calibration_table",
    "card",
    "charts",
    "clusters",
    "confusion",
    "diagnostics",
    "intents",
    "leakage_report",
    "learning_curve_table",
    "recommend",
    "roc_auc",
    "rto",
    "single_feature_auc",
    "story",
    "targeting",
    "threshold_table",
    "time_split",
    "voice",
]
