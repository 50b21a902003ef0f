"""Judging a yes/no model in the units a PM decides in: orders, rupees and people.

A risk model gives each order a score (the chance it goes wrong); the business picks a
**threshold** and acts on every order above it. Each choice of threshold fills the four cells
of a confusion matrix, and each cell has a price, so the threshold is a money decision:

|              | acted on (flagged)   | let through          |
|--------------|----------------------|----------------------|
| went wrong   | caught (true pos.)   | missed (false neg.)  |
| went fine    | false alarm (f. pos.)| fine (true neg.)     |

Precision = caught ÷ flagged; recall = caught ÷ went wrong; false-positive rate = false alarms ÷
went fine. Metrics are scikit-learn's (tests check every one against it and hand cases).

>>> import numpy as np
>>> c = confusion(np.array([1, 1, 0, 0, 0]), np.array([True, False, True, False, False]))
>>> (c.tp, c.fp, c.fn, c.tn), c.precision, c.recall
((1, 1, 1, 2), 0.5, 0.5)
>>> c.cost(CostMatrix(false_negative=200, false_positive=110))
310.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, roc_auc_score

from pm_toolkit.formatting import format_inr, format_pct

#: The thresholds a sweep tries unless told otherwise: 0.05, 0.10, …, 0.95.
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.951, 0.05))


@dataclass(frozen=True)
class CostMatrix:
    """₹ per order in each cell of the confusion matrix (positive = the bad outcome)."""

    false_negative: float  # a bad order let through (e.g. an RTO: two shipping legs)
    false_positive: float  # a good order acted on (e.g. a sale lost when COD is refused)
    true_positive: float = 0.0
    true_negative: float = 0.0

    def break_even(self) -> float:
        """The score above which acting is cheaper, for a calibrated model:
        act when p·FN + (1 − p)·TN > p·TP + (1 − p)·FP."""
        gain = (self.false_negative - self.true_positive) + (
            self.false_positive - self.true_negative
        )
        return (self.false_positive - self.true_negative) / gain


@dataclass(frozen=True)
class Confusion:
    """Counts of the four cells, and the rates a PM reads from them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def flagged(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        """Share of flagged orders that really were bad (NaN when nothing is flagged)."""
        return self.tp / self.flagged if self.flagged else float("nan")

    @property
    def recall(self) -> float:
        """Share of bad orders that were flagged."""
        bad = self.tp + self.fn
        return self.tp / bad if bad else float("nan")

    @property
    def false_positive_rate(self) -> float:
        """Share of good orders that were flagged anyway."""
        good = self.fp + self.tn
        return self.fp / good if good else float("nan")

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else float("nan")

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.n if self.n else float("nan")

    def cost(self, costs: CostMatrix) -> float:
        """Total ₹ of the four cells."""
        return float(
            self.tp * costs.true_positive
            + self.fp * costs.false_positive
            + self.fn * costs.false_negative
            + self.tn * costs.true_negative
        )

    def table(self, costs: CostMatrix | None = None) -> pd.DataFrame:
        """The 2 × 2 matrix as a table of counts, or of rupees with ``costs``."""
        cells = np.array([[self.tp, self.fn], [self.fp, self.tn]], dtype=float)
        if costs is not None:
            cells = cells * np.array(
                [
                    [costs.true_positive, costs.false_negative],
                    [costs.false_positive, costs.true_negative],
                ]
            )
        return pd.DataFrame(
            cells,
            index=pd.Index(["went wrong", "went fine"], name="what happened"),
            columns=pd.Index(["flagged", "let through"], name="model said"),
        )

    def _repr_html_(self) -> str:
        rows = [("went wrong", self.tp, "caught", self.fn, "missed")]
        rows.append(("went fine", self.fp, "false alarm", self.tn, "fine"))
        body = "".join(
            f"<tr><th>{label}</th><td>{a:,} {na}</td><td>{b:,} {nb}</td></tr>"
            for label, a, na, b, nb in rows
        )
        return (
            "<table><tr><th></th><th>flagged</th><th>let through</th></tr>"
            f"{body}</table><p>precision {format_pct(self.precision)} · recall "
            f"{format_pct(self.recall)} · false-positive rate "
            f"{format_pct(self.false_positive_rate)} · accuracy {format_pct(self.accuracy)}</p>"
        )


def _as_arrays(y, flagged) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y).astype(int)
    flagged = np.asarray(flagged).astype(bool)
    if y.shape != flagged.shape:
        raise ValueError(f"outcomes and flags differ in length: {len(y)} vs {len(flagged)}")
    return y, flagged


def confusion(y, flagged) -> Confusion:
    """The confusion matrix of outcomes ``y`` (1 = bad) and decisions ``flagged``."""
    y, flagged = _as_arrays(y, flagged)
    tn, fp, fn, tp = confusion_matrix(y, flagged.astype(int), labels=[0, 1]).ravel()
    return Confusion(int(tp), int(fp), int(fn), int(tn))


def at_threshold(y, score, threshold: float) -> Confusion:
    """The confusion matrix when every order scoring at least ``threshold`` is flagged."""
    return confusion(y, np.asarray(score) >= threshold)


def roc_auc(y, score) -> float:
    """Chance that a random bad order scores above a random good one (0.5 = coin flip)."""
    return float(roc_auc_score(np.asarray(y).astype(int), np.asarray(score, dtype=float)))


def threshold_table(
    y, score, costs: CostMatrix, thresholds: Sequence[float] = THRESHOLDS
) -> pd.DataFrame:
    """One row per threshold: share flagged, precision, recall, false-positive rate, total
    cost (₹) and the saving (₹) against acting on nobody."""
    y = np.asarray(y).astype(int)
    score = np.asarray(score, dtype=float)
    nobody = confusion(y, np.zeros(len(y), dtype=bool)).cost(costs)
    rows = []
    for t in thresholds:
        c = at_threshold(y, score, t)
        total = c.cost(costs)
        rows.append(
            {
                "threshold": float(t),
                "flagged_share": c.flagged_share,
                "precision": c.precision,
                "recall": c.recall,
                "false_positive_rate": c.false_positive_rate,
                "cost": total,
                "saving": nobody - total,
            }
        )
    return pd.DataFrame(rows)


def best_threshold(y, score, costs: CostMatrix, thresholds: Sequence[float] = THRESHOLDS) -> float:
    """The threshold of ``thresholds`` with the lowest total cost (the lowest one on a tie)."""
    table = threshold_table(y, score, costs, thresholds)
    return float(table.loc[table["cost"].idxmin(), "threshold"])


def by_group(y, score, groups, threshold: float) -> pd.DataFrame:
    """Per group (e.g. city tier): orders, bad rate, share flagged, precision, recall and
    false-positive rate at ``threshold``: the fairness check before anyone is blocked."""
    frame = pd.DataFrame(
        {"y": np.asarray(y).astype(int), "s": np.asarray(score, float), "g": np.asarray(groups)}
    )
    rows = []
    for g, part in frame.groupby("g", sort=True):
        c = at_threshold(part["y"], part["s"], threshold)
        rows.append(
            {
                "group": g,
                "orders": c.n,
                "bad_rate": part["y"].mean(),
                "flagged_share": c.flagged_share,
                "precision": c.precision,
                "recall": c.recall,
                "false_positive_rate": c.false_positive_rate,
            }
        )
    return pd.DataFrame(rows)


def calibration_table(y, score, bins: int = 10) -> pd.DataFrame:
    """Predicted against observed rates in ``bins`` equal-sized score groups: a calibrated
    model's "20 %" orders go wrong 20 % of the time. Uses scikit-learn's calibration curve."""
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(
        np.asarray(y).astype(int), np.asarray(score, float), n_bins=bins, strategy="quantile"
    )
    return pd.DataFrame({"predicted": predicted, "observed": observed})


def describe_confusion(c: Confusion, costs: CostMatrix) -> str:
    """One line in words: what the threshold catches, misses and costs."""
    return (
        f"Flags {c.flagged:,} of {c.n:,} orders ({format_pct(c.flagged_share)}); catches "
        f"{c.tp:,} of {c.tp + c.fn:,} bad ones (recall {format_pct(c.recall)}); "
        f"{c.fp:,} false alarms; total cost {format_inr(c.cost(costs))}."
    )
