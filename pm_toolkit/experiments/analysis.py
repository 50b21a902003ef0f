"""The experiment tools applied to the data world's ``assignments`` table (one row per user).

Each function takes the ``assignments`` DataFrame (columns ``experiment_id``, ``variant``
(``control``/``treatment``), ``day``, ``converted``, ``orders``, ``revenue``, ``pre_revenue``,
``page_load_ms``, ``returned``) and an experiment id, and returns the same result records as
the number-level functions, so a lesson reads ``analyse(assignments, "exp_01", "converted")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments.cuped import CupedResult, cuped
from pm_toolkit.experiments.decision import Decision, decide
from pm_toolkit.experiments.multiple import adjust_p_values
from pm_toolkit.experiments.significance import (
    ComparisonResult,
    mean_test_samples,
    proportion_test,
    ratio_metric_test,
)
from pm_toolkit.experiments.srm import SrmResult, srm_test
from pm_toolkit.findings import tidy_table

#: How each metric a test can name is analysed: 0/1 per user → proportions; per-user amounts →
#: Welch; "aov" is revenue per *order* while users are randomised → delta-method ratio.
METRICS: dict[str, tuple[str, str]] = {
    "converted": ("proportion", ""),
    "returned": ("proportion", ""),
    "revenue": ("mean", "₹"),
    "pre_revenue": ("mean", "₹"),
    "page_load_ms": ("mean", "ms"),
    "orders": ("mean", ""),
    "aov": ("ratio", "₹"),
}

_REQUIRED = ("experiment_id", "variant")


def _arms(assignments: pd.DataFrame, experiment_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    missing = [c for c in _REQUIRED if c not in assignments.columns]
    if missing:
        raise ValueError(
            f"assignments is missing column(s) {missing}; load it with data.load('assignments')"
        )
    rows = assignments[assignments["experiment_id"] == experiment_id]
    if rows.empty:
        known = sorted(assignments["experiment_id"].unique())
        raise ValueError(f"no experiment {experiment_id!r}; the table has {known}")
    control = rows[rows["variant"] == "control"]
    treatment = rows[rows["variant"] == "treatment"]
    if control.empty or treatment.empty:
        raise ValueError(f"{experiment_id} needs users in both 'control' and 'treatment'")
    return control, treatment


def analyse(
    assignments: pd.DataFrame, experiment_id: str, metric: str = "converted", alpha: float = 0.05
) -> ComparisonResult:
    """Compare control and treatment of one experiment on one metric (see :data:`METRICS`).

    >>> df = pd.DataFrame({"experiment_id": "e", "variant": ["control"] * 4 + ["treatment"] * 4,
    ...                    "converted": [0, 1, 0, 0, 1, 1, 0, 1]})
    >>> analyse(df, "e").difference
    0.5
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {sorted(METRICS)}")
    kind, unit = METRICS[metric]
    a, b = _arms(assignments, experiment_id)
    if kind == "proportion":
        return proportion_test(
            int(a[metric].sum()), len(a), int(b[metric].sum()), len(b), alpha, metric=metric
        )
    if kind == "ratio":
        return ratio_metric_test(
            a["revenue"], a["orders"], b["revenue"], b["orders"], alpha, unit=unit, metric="AOV"
        )
    return mean_test_samples(a[metric], b[metric], alpha, unit=unit, metric=metric)


def srm_check(
    assignments: pd.DataFrame, experiment_id: str, planned_split: float = 0.5
) -> SrmResult:
    """SRM test of the users per arm against the planned treatment share ``planned_split``."""
    a, b = _arms(assignments, experiment_id)
    return srm_test(
        {"control": len(a), "treatment": len(b)},
        {"control": 1 - planned_split, "treatment": planned_split},
    )


@dataclass(frozen=True, repr=False, eq=False)
class ReadableTable:
    """A results table: ``frame`` keeps the numbers, the notebook shows them rounded.

    Rates print as percentages (``pct``), p-values the way a report prints them (``p``),
    rupees with Indian grouping (``money``), other floats to ``decimals``.
    """

    frame: pd.DataFrame
    pct: tuple[str, ...] = ()
    p: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    decimals: int = 2

    def readable(self) -> pd.DataFrame:
        """The table as text, ready to read (never for further sums)."""
        out = tidy_table(self.frame, pct=self.pct, money=self.money, decimals=self.decimals)
        for col in self.p:
            out[col] = self.frame[col].map(fmt.p_value)
        return out

    def __repr__(self) -> str:
        return self.readable().to_string()

    def _repr_html_(self) -> str:
        return self.readable().to_html()


def srm_table(assignments: pd.DataFrame, registry: pd.DataFrame | None = None) -> ReadableTable:
    """The sample-ratio check of every experiment: users per arm, the treatment share and the
    chi-square p-value against the planned split (from ``registry``, else 50/50).

    >>> df = pd.DataFrame({"experiment_id": ["e"] * 8, "variant": ["control"] * 4 + ["treatment"] * 4})
    >>> float(srm_table(df).frame.loc["e", "srm_p_value"])
    1.0
    """
    planned = {}
    if registry is not None:
        planned = dict(zip(registry["experiment_id"], registry["planned_split"], strict=True))
    rows = {}
    for e in sorted(assignments["experiment_id"].unique()):
        r = srm_check(assignments, e, float(planned.get(e, 0.5)))
        rows[e] = {
            "control": r.observed[0],
            "treatment": r.observed[1],
            "treatment_share": r.observed[1] / sum(r.observed),
            "srm_p_value": r.p_value,
            "mismatch": r.mismatch,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index").rename_axis("experiment_id")
    return ReadableTable(frame, pct=("treatment_share",), p=("srm_p_value",))


def metric_table(
    assignments: pd.DataFrame, experiment_id: str, metrics: Sequence[str], alpha: float = 0.05
) -> ReadableTable:
    """Many metrics of one test: each difference's p-value, raw and after Holm and
    Benjamini–Hochberg, and whether it is significant at ``alpha`` each way."""
    results = {m: analyse(assignments, experiment_id, m, alpha) for m in metrics}
    raw = {m: r.p_value for m, r in results.items()}
    holm = adjust_p_values(raw, "holm", alpha)
    bh = adjust_p_values(raw, "fdr_bh", alpha)
    frame = pd.DataFrame(
        {
            "relative_change": [r.relative_lift for r in results.values()],
            "raw_p": list(raw.values()),
            "holm_p": holm.adjusted,
            "bh_p": bh.adjusted,
            "significant_raw": [p < alpha for p in raw.values()],
            "significant_holm": holm.reject,
            "significant_bh": bh.reject,
        },
        index=pd.Index(list(metrics), name="metric"),
    )
    return ReadableTable(frame, pct=("relative_change",), p=("raw_p", "holm_p", "bh_p"))


def cuped_revenue(
    assignments: pd.DataFrame, experiment_id: str, alpha: float = 0.05
) -> CupedResult:
    """Revenue per user, raw and CUPED-adjusted with ``pre_revenue`` as the covariate."""
    a, b = _arms(assignments, experiment_id)
    return cuped(
        a["revenue"],
        a["pre_revenue"],
        b["revenue"],
        b["pre_revenue"],
        alpha,
        unit="₹",
        metric="revenue",
    )


def daily_lift(
    assignments: pd.DataFrame,
    experiment_id: str,
    alpha: float = 0.05,
    *,
    cumulative: bool = False,
) -> pd.DataFrame:
    """Conversion by day of the test, per arm, with the relative lift and its CI.

    With ``cumulative=True`` each row uses every user up to that day (what a dashboard that
    "keeps running" shows). A novelty effect shows as a lift that starts high and fades; a real
    effect stays flat.

    >>> df = pd.DataFrame({"experiment_id": "e", "day": [0, 0, 1, 1] * 2,
    ...                    "variant": ["control"] * 4 + ["treatment"] * 4,
    ...                    "converted": [0, 1, 0, 1, 1, 1, 0, 1]})
    >>> daily_lift(df, "e", cumulative=True)["lift"].round(2).tolist()
    [1.0, 0.5]
    """
    a, b = _arms(assignments, experiment_id)
    rows = []
    for day in sorted(set(a["day"]) & set(b["day"])):
        if cumulative:
            da, db = a[a["day"] <= day], b[b["day"] <= day]
        else:
            da, db = a[a["day"] == day], b[b["day"] == day]
        r = proportion_test(
            int(da["converted"].sum()), len(da), int(db["converted"].sum()), len(db), alpha
        )
        rows.append(
            {
                "day": int(day),
                "users": len(da) + len(db),
                "control_rate": r.control,
                "treatment_rate": r.treatment,
                "lift": r.relative_lift,
                "lift_low": r.relative_ci_low,
                "lift_high": r.relative_ci_high,
            }
        )
    return pd.DataFrame(rows)


def arm_summary(assignments: pd.DataFrame, experiment_id: str) -> pd.DataFrame:
    """One row per arm: users, conversion, revenue per user, AOV, page load, return rate."""
    a, b = _arms(assignments, experiment_id)
    out = {}
    for name, arm in (("control", a), ("treatment", b)):
        orders = arm["orders"].sum() if "orders" in arm else np.nan
        out[name] = {
            "users": len(arm),
            "conversion": arm["converted"].mean(),
            "revenue_per_user": arm["revenue"].mean(),
            "aov": arm["revenue"].sum() / orders if orders else np.nan,
            "page_load_ms": arm["page_load_ms"].mean(),
            "return_rate": arm["returned"].mean(),
        }
    return pd.DataFrame(out).T


@dataclass(frozen=True, repr=False)
class ExperimentReport:
    """Trust check, primary metric, guardrails and the call for one experiment."""

    experiment_id: str
    srm: SrmResult
    primary: ComparisonResult
    guardrails: Mapping[str, ComparisonResult]
    decision: Decision

    @property
    def verdict(self) -> str:
        return self.decision.verdict

    def __repr__(self) -> str:
        return (
            f"ExperimentReport({self.experiment_id}: decision={self.decision.action!r}, "
            f"srm_p={fmt.p_value(self.srm.p_value)}, primary_p={fmt.p_value(self.primary.p_value)}, "
            f"lift={fmt.signed_pct(self.primary.relative_lift)})"
        )

    def _repr_html_(self) -> str:
        parts = [
            f"<h4>Experiment {self.experiment_id}</h4>",
            self.srm._repr_html_(),
            self.primary._repr_html_(),
        ]
        parts += [g._repr_html_() for g in self.guardrails.values()]
        parts.append(self.decision._repr_html_())
        return "".join(parts)


def report(
    assignments: pd.DataFrame,
    experiment_id: str,
    *,
    primary: str = "converted",
    guardrails: Sequence[str] = ("page_load_ms", "returned"),
    min_effect: float = 0.05,
    planned_split: float = 0.5,
    alpha: float = 0.05,
) -> ExperimentReport:
    """SRM check, primary metric, guardrails (up is bad) and :func:`decide` on relative lift."""
    srm = srm_check(assignments, experiment_id, planned_split)
    main = analyse(assignments, experiment_id, primary, alpha)
    guards = {g: analyse(assignments, experiment_id, g, alpha) for g in guardrails}
    call = decide(main, min_effect, relative=True, guardrails=guards, srm=srm)
    return ExperimentReport(experiment_id, srm, main, guards, call)
