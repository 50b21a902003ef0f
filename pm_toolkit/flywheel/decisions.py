"""Data-driven vs guesswork: the same wheel run with two ways of deciding, and why they differ.

:func:`compare_decisions` runs the wheel twice with the same seed and measures what each
decision (pricing, inventory, personalisation) costs when done by guesswork;
:func:`compare_many` repeats that over many seeds to separate luck from method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from pm_toolkit.flywheel._format import _html_table, _inr
from pm_toolkit.flywheel.model import Decisions, FlywheelParams, simulate, weeks_to_reach

#: Prices reviewed weekly from measured costs, forecasts from models, pages personalised [A].
DATA_DRIVEN = Decisions(
    "data-driven",
    price_noise=0.02,
    reprice_every=1,
    forecast_error=0.10,
    safety_stock=0.10,
    personalisation_lift=0.25,
)
#: Gut-feel prices reviewed once a quarter, spreadsheet forecasts, one page for everyone [A].
GUESSWORK = Decisions(
    "without data science",
    price_noise=0.10,
    reprice_every=13,
    forecast_error=0.35,
    safety_stock=0.15,
    personalisation_lift=0.0,
)

#: The three decisions the lesson compares, as the fields of :class:`Decisions` they change.
DECISION_FACTORS: dict[str, tuple[str, ...]] = {
    "pricing": ("price_noise", "reprice_every"),
    "inventory": ("forecast_error", "safety_stock"),
    "personalisation": ("personalisation_lift",),
}


def _summary(frame: pd.DataFrame) -> dict[str, float]:
    demand = frame["demand"].sum()
    return {
        "customers_end": float(frame["customers"].iloc[-1]),
        "orders": float(frame["orders"].sum()),
        "gross_margin": float(frame["gross_margin"].sum()),
        "lost_sales_share": float(1 - frame["orders"].sum() / demand) if demand else 0.0,
        "overstock_share": float(frame["overstock"].sum() / demand) if demand else 0.0,
        "price_gap": float((frame["price"] / frame["competitor_price"] - 1).mean()),
    }


@dataclass(frozen=True)
class DecisionComparison:
    """Two runs of the same wheel: data-driven vs guesswork decisions, and why they differ.

    ``target`` is half the data-driven run's final customers; ``weeks_data`` and
    ``weeks_guess`` are the weeks each run needs to get there (None: never, in this horizon).
    ``factor_cost`` gives, for each decision, the customers lost at the end when only that
    decision is made the guesswork way (everything else data-driven).
    """

    data_driven: pd.DataFrame = field(repr=False)
    guesswork: pd.DataFrame = field(repr=False)
    target: float
    weeks_data: int | None
    weeks_guess: int | None
    summary_data: dict[str, float] = field(repr=False)
    summary_guess: dict[str, float] = field(repr=False)
    factor_cost: dict[str, float]

    @property
    def customer_gap(self) -> float:
        """Share of end customers guesswork loses (0.2 = 20 % fewer)."""
        return 1 - self.summary_guess["customers_end"] / self.summary_data["customers_end"]

    @property
    def slowdown(self) -> float | None:
        """How many times longer guesswork takes to reach the target (None if it never does)."""
        if self.weeks_guess is None or not self.weeks_data:
            return None
        return self.weeks_guess / self.weeks_data

    @property
    def costliest_factor(self) -> str:
        return max(self.factor_cost, key=self.factor_cost.__getitem__)

    def table(self) -> pd.DataFrame:
        """The side-by-side numbers a PM would quote."""
        rows = {}
        for label, s, weeks in (
            (DATA_DRIVEN.name, self.summary_data, self.weeks_data),
            (GUESSWORK.name, self.summary_guess, self.weeks_guess),
        ):
            rows[label] = {
                "customers at the end": s["customers_end"],
                "weeks to reach target": np.nan if weeks is None else weeks,
                "orders (total)": s["orders"],
                "gross margin ₹ (total)": s["gross_margin"],
                "sales lost to stock-outs %": 100 * s["lost_sales_share"],
                "overstock % of demand": 100 * s["overstock_share"],
                "avg price vs competitor %": 100 * s["price_gap"],
            }
        return pd.DataFrame(rows)

    def readable(self) -> pd.DataFrame:
        """:meth:`table` as text a PM reads: customers and orders in lakh, margin in crore."""
        t = self.table()
        out = pd.DataFrame(index=t.index, columns=t.columns, dtype=object)
        for row in t.index:
            for col in t.columns:
                v = t.loc[row, col]
                if pd.isna(v):
                    out.loc[row, col] = "never"
                elif row.startswith(("customers", "orders")):
                    big = v >= 1e7  # Indian counting: 100 lakh make a crore
                    out.loc[row, col] = f"{v / 1e7:,.2f} crore" if big else f"{v / 1e5:,.1f} lakh"
                elif row.startswith("gross margin"):
                    out.loc[row, col] = _inr(v)
                elif row.startswith("weeks"):
                    out.loc[row, col] = f"{v:.0f}"
                else:
                    out.loc[row, col] = f"{v:.1f}"
        return out

    def _rows(self) -> list[tuple[str, str]]:
        slow = "never, within this horizon" if self.slowdown is None else f"{self.slowdown:.1f}×"
        return [
            ("target (customers)", f"{self.target:,.0f}"),
            ("weeks to target, data-driven", str(self.weeks_data)),
            ("weeks to target, guesswork", str(self.weeks_guess)),
            ("guesswork takes", slow),
            ("customers lost at the end", f"{100 * self.customer_gap:.1f} %"),
            ("margin, data-driven", _inr(self.summary_data["gross_margin"])),
            ("margin, guesswork", _inr(self.summary_guess["gross_margin"])),
            ("costliest decision", self.costliest_factor),
        ]

    def __str__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self._rows())

    def _repr_html_(self) -> str:
        return _html_table(self._rows(), "Data-driven vs guesswork (illustrative parameters [A])")


def compare_decisions(
    params: FlywheelParams | None = None,
    periods: int = 260,
    *,
    seed: int = 0,
    data_driven: Decisions = DATA_DRIVEN,
    guesswork: Decisions = GUESSWORK,
) -> DecisionComparison:
    """Run the wheel with data-driven and with guesswork decisions (same seed, same params).

    Each decision's cost is measured by switching only that decision to guesswork: because
    every kind of noise has its own random stream, the runs differ only in that decision.

    >>> cmp = compare_decisions(FlywheelParams(), periods=156, seed=1)
    >>> bool(cmp.summary_guess["customers_end"] < cmp.summary_data["customers_end"])
    True
    """
    p = params if params is not None else FlywheelParams()
    run_d = simulate(p, periods, decisions=data_driven, seed=seed)
    run_g = simulate(p, periods, decisions=guesswork, seed=seed)
    end_d = float(run_d["customers"].iloc[-1])
    factor_cost = {}
    for factor, fields in DECISION_FACTORS.items():
        mixed = replace(data_driven, **{f: getattr(guesswork, f) for f in fields})
        end = float(simulate(p, periods, decisions=mixed, seed=seed)["customers"].iloc[-1])
        factor_cost[factor] = end_d - end
    target = end_d / 2
    return DecisionComparison(
        data_driven=run_d,
        guesswork=run_g,
        target=target,
        weeks_data=weeks_to_reach(run_d, target),
        weeks_guess=weeks_to_reach(run_g, target),
        summary_data=_summary(run_d),
        summary_guess=_summary(run_g),
        factor_cost=factor_cost,
    )


def compare_many(
    params: FlywheelParams | None = None, periods: int = 260, seeds: Sequence[int] = range(30)
) -> pd.DataFrame:
    """:func:`compare_decisions` over many seeds: how much of the gap is luck, how much is method.

    One row per seed: ``delay_weeks`` (None if guesswork never reaches the target),
    ``customer_gap`` and ``margin_gap`` (shares lost by guesswork) and the costliest decision.

    >>> spread = compare_many(FlywheelParams(), 104, seeds=range(3))
    >>> len(spread), bool((spread["customer_gap"] > 0).all())
    (3, True)
    """
    rows = []
    for seed in seeds:
        cmp = compare_decisions(params, periods, seed=seed)
        delay = None if cmp.weeks_guess is None else cmp.weeks_guess - (cmp.weeks_data or 0)
        rows.append({
            "seed": int(seed),
            "delay_weeks": delay,
            "customer_gap": cmp.customer_gap,
            "margin_gap": 1 - cmp.summary_guess["gross_margin"] / cmp.summary_data["gross_margin"],
            "costliest": cmp.costliest_factor,
        })  # fmt: skip
    return pd.DataFrame(rows)
