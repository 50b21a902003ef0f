"""Case 1: should we stop offering cash on delivery to orders likely to come back (RTO)?

The pieces: the order-time features (``FEATURES``), the business rule in use today
(``rule_flags``), a time split at ``TEST_START``, and models trained through scikit-learn
pipelines (``fit_model``: logistic regression, gradient boosting, or an unpruned decision tree
to show overfitting). Scores are probabilities of RTO.

>>> import pandas as pd
>>> from pm_toolkit.data.cod import make_cod_orders
>>> cod = make_cod_orders(1, "tiny")[0].to_pandas()
>>> split = split_cod(cod)
>>> model = fit_model(split.train, "logistic")
>>> 0.5 < model.auc(split.test) < 1.0
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from pm_toolkit.ml.evaluate import CostMatrix, roc_auc
from pm_toolkit.ml.splits import Split, time_split

#: What is known when the order is placed (the only columns a live model may use).
FEATURES = (
    "first_order",
    "prior_orders",
    "prior_rtos",
    "city_tier",
    "order_value",
    "n_items",
    "category",
    "device",
    "hour",
    "address_score",
    "payment_switch",
)
CATEGORICAL = ("city_tier", "category", "device")
#: Recorded by the courier after the outcome: never a feature of a live model.
LEAKY = "delivery_attempts"
#: The last 90 days (the clickstream's period) are the test window.
TEST_START = "2025-09-01"
#: Today's rule: COD is refused on a customer's first order above ₹2,000 [A].
RULE_MIN_VALUE = 2_000.0
RULE_TEXT = "refuse COD on a customer's first order above ₹2,000"
#: ₹ per order [A]: an RTO costs both shipping legs, packing and a week of blocked stock; a good
#: order whose COD is refused is lost about half the time, with its contribution margin.
RTO_COSTS = CostMatrix(false_negative=200.0, false_positive=110.0)
#: The threshold the lesson's exercises read precision and recall at.
REVIEW_THRESHOLD = 0.2
KINDS = ("logistic", "boosting", "tree")


def rto_label(frame: pd.DataFrame) -> np.ndarray:
    """1 for an order that came back undelivered (RTO), 0 for a delivered one."""
    return (frame["outcome"] == "rto").to_numpy().astype(int)


def split_cod(cod: pd.DataFrame, cutoff: str = TEST_START) -> Split:
    """Train on COD orders before ``cutoff``, test on the orders from then on."""
    return time_split(cod, "order_ts", cutoff)


def rule_flags(frame: pd.DataFrame, min_value: float = RULE_MIN_VALUE) -> np.ndarray:
    """The rule in use: flag a customer's first order of at least ``min_value`` rupees."""
    return (frame["first_order"].astype(bool) & (frame["order_value"] >= min_value)).to_numpy()


def _pipeline(kind: str, features: Sequence[str], seed: int) -> Pipeline:
    cats = [f for f in features if f in CATEGORICAL]
    nums = [f for f in features if f not in CATEGORICAL]
    prep = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats),
            ("numbers", StandardScaler(), nums),
        ]
    )
    if kind == "logistic":
        model = LogisticRegression(max_iter=2_000)
    elif kind == "boosting":
        # early stopping off: it would hold out a random slice, breaking the time order
        model = HistGradientBoostingClassifier(
            max_iter=80, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False,
            random_state=seed,
        )  # fmt: skip
    elif kind == "tree":
        model = DecisionTreeClassifier(random_state=seed)  # no depth limit: it memorises
    elif kind == "majority":
        model = DummyClassifier(strategy="prior")
    else:
        raise ValueError(f"unknown model kind {kind!r}; use one of {(*KINDS, 'majority')}")
    return Pipeline([("prepare", prep), ("model", model)])


def _inputs(frame: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise ValueError(f"the table has no column(s) {missing}")
    x = frame[list(features)].copy()
    for col in x.columns:
        if x[col].dtype == bool:
            x[col] = x[col].astype(int)
        if col in CATEGORICAL:
            x[col] = x[col].astype(str)
    return x


@dataclass(frozen=True)
class RtoModel:
    """A fitted scikit-learn pipeline and the features it reads."""

    kind: str
    features: tuple[str, ...]
    pipeline: Pipeline = field(repr=False)

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's probability of RTO for each order of ``frame``."""
        with threadpool_limits(1):
            return self.pipeline.predict_proba(_inputs(frame, self.features))[:, 1]

    def auc(self, frame: pd.DataFrame) -> float:
        """ROC-AUC of the scores on ``frame`` (needs its ``outcome`` column)."""
        return roc_auc(rto_label(frame), self.score(frame))


def fit_model(
    train: pd.DataFrame, kind: str = "logistic", features: Sequence[str] = FEATURES, seed: int = 0
) -> RtoModel:
    """Fit a model of kind ``logistic``, ``boosting``, ``tree`` or ``majority`` on ``train``.

    ``features``: the columns it may read (default: the order-time ``FEATURES``)."""
    features = tuple(features)
    pipe = _pipeline(kind, features, seed)
    # One thread: on a shared 2-core laptop or hub, boosting's OpenMP threads fight each other
    # and run about 3x slower than one thread alone (benchmarks/bench_ml.py).
    with threadpool_limits(1):
        pipe.fit(_inputs(train, features), rto_label(train))
    return RtoModel(kind, features, pipe)


#: When each column of ``cod_orders`` is recorded (from the data dictionary): after the outcome?
RECORDED_AFTER_OUTCOME = {f: False for f in FEATURES} | {LEAKY: True}


def leakage(train: pd.DataFrame) -> pd.DataFrame:
    """The leakage screen over every candidate column of the COD log (see ``diagnostics``)."""
    from pm_toolkit.ml.diagnostics import leakage_report

    cols = (*FEATURES, LEAKY)
    return leakage_report(train, cols, rto_label(train), RECORDED_AFTER_OUTCOME)


def learning_curve(split: Split, kind: str = "tree", sizes=(0.1, 0.25, 0.5, 1.0)) -> pd.DataFrame:
    """Training vs test ROC-AUC as the model of ``kind`` sees more of the training window."""
    from pm_toolkit.ml.diagnostics import learning_curve_table

    return learning_curve_table(
        _pipeline(kind, FEATURES, 0),
        _inputs(split.train, FEATURES),
        rto_label(split.train),
        _inputs(split.test, FEATURES),
        rto_label(split.test),
        sizes,
    )
