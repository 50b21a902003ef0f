"""Two checks to run before trusting an offline score: leakage and overfitting.

**Leakage**: a column that is only known after the outcome (the courier's delivery attempts,
a refund flag) predicts the outcome almost perfectly offline and is useless when the decision
is made. Screen each column alone: one that ranks outcomes far better than everything else, or
that is recorded after the outcome, is a suspect.

**Overfitting**: a model that memorises its training rows scores near-perfectly on them and
worse on new ones. A learning curve shows training and test scores as the training set grows;
a wide, persistent gap is the warning sign.

>>> import pandas as pd
>>> df = pd.DataFrame({"x": [1, 2, 3, 4], "noise": [2, 1, 1, 2], "y": [0, 0, 1, 1]})
>>> leakage_report(df, ["x", "noise"], df["y"])["single_feature_auc"].tolist()
[1.0, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import learning_curve
from threadpoolctl import threadpool_limits

#: A single column that ranks outcomes this well on its own deserves a question [A].
TOO_GOOD_AUC = 0.85


def single_feature_auc(values: pd.Series, y) -> float:
    """ROC-AUC of one column used alone, in its better direction (0.5 = useless, 1 = perfect).
    Text columns are scored by their category's outcome rate."""
    y = np.asarray(y).astype(int)
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        text = values.astype(str)
        values = text.map(pd.Series(y, index=values.index).groupby(text).mean())
    auc = roc_auc_score(y, np.asarray(values, dtype=float))
    return float(max(auc, 1.0 - auc))


def leakage_report(
    frame: pd.DataFrame,
    features: Sequence[str],
    y,
    recorded_after: Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """Each column's single-feature AUC, whether it is too good, and (when the data dictionary
    says so via ``recorded_after``) whether it is recorded after the outcome; most
    suspicious first."""
    recorded_after = dict(recorded_after or {})
    rows = [
        {
            "feature": f,
            "single_feature_auc": single_feature_auc(frame[f], y),
            "recorded_after_outcome": bool(recorded_after.get(f, False)),
        }
        for f in features
    ]
    out = pd.DataFrame(rows)
    out["suspect"] = (out["single_feature_auc"] >= TOO_GOOD_AUC) | out["recorded_after_outcome"]
    return out.sort_values("single_feature_auc", ascending=False, ignore_index=True)


def learning_curve_table(
    estimator,
    x_train: pd.DataFrame,
    y_train,
    x_test: pd.DataFrame,
    y_test,
    sizes=(0.1, 0.25, 0.5, 1.0),
) -> pd.DataFrame:
    """Training and test ROC-AUC of ``estimator`` fitted on the first ``sizes`` shares of the
    training rows (in time order), through scikit-learn's ``learning_curve``."""
    x = pd.concat([x_train, x_test], ignore_index=True)
    y = np.concatenate([np.asarray(y_train), np.asarray(y_test)]).astype(int)
    n_train = len(x_train)
    split = [(np.arange(n_train), np.arange(n_train, len(x)))]  # one fixed time split
    with threadpool_limits(1):
        n, train_scores, test_scores = learning_curve(
            estimator, x, y, train_sizes=list(sizes), cv=split, scoring="roc_auc", shuffle=False
        )
    return pd.DataFrame(
        {"training_rows": n, "train_auc": train_scores[:, 0], "test_auc": test_scores[:, 0]}
    )
