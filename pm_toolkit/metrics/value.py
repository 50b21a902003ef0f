"""What a customer is worth: average order value and lifetime value three ways.

:func:`simple_ltv` and :func:`discounted_ltv` are formulas that project forward;
:func:`cohort_ltv` is what each first-purchase cohort has actually earned so far.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._cohorts import _all_ages, _mask_unseen, _period_diff, _period_index
from ._common import NOT_A_SALE, _known, _left_out, _require, _sales
from .rates import Ratio

__all__ = ["average_order_value", "cohort_ltv", "discounted_ltv", "simple_ltv"]


def average_order_value(
    orders: pd.DataFrame,
    value: str = "net_value",
    exclude_statuses: Sequence[str] = NOT_A_SALE,
) -> Ratio:
    """Average order value (AOV) = revenue from sales / number of sales, in ₹.

    Uses what the customer paid (``net_value``, after discount) on **sales**: orders delivered
    and kept. Cancelled, refused-at-the-door (RTO) and returned orders brought no money, so
    they are left out (see :mod:`~pm_toolkit.metrics.definitions`). It is a ratio of sums:
    averaging each day's AOV (or each customer's) instead would give a slow day the same weight
    as a festive-sale day. A sale without a value is left out of both sums (``notes`` says how
    many), never counted as an order worth ₹0.

    >>> o = pd.DataFrame({"net_value": [100.0, 300.0, 999.0, 50.0, None],
    ...                   "status": ["delivered", "delivered", "cancelled", "rto", "delivered"]})
    >>> aov = average_order_value(o)
    >>> aov.value, aov.notes
    (200.0, ('1 order without a net_value left out',))
    """
    _require(orders, "orders", [value])
    sales, n_unknown = _known(_sales(orders, exclude_statuses), value)
    return Ratio(
        "average order value",
        float(sales[value].sum()),
        len(sales),
        "revenue",
        "orders",
        "₹",
        notes=_left_out(n_unknown, "order", f"without a {value}"),
    )


def simple_ltv(
    aov: float, purchases_per_period: float, lifespan_periods: float, gross_margin: float
) -> float:
    """Simple lifetime value: AOV × purchases per period × expected lifespan × gross margin.

    Quick to explain, but it ignores that a rupee next year is worth less than one today and
    that customers leave gradually; see :func:`discounted_ltv`.

    >>> simple_ltv(aov=800, purchases_per_period=4, lifespan_periods=3, gross_margin=0.25)
    2400.0
    """
    if not 0 <= gross_margin <= 1:
        raise ValueError(f"gross_margin is a share between 0 and 1; got {gross_margin}")
    if min(aov, purchases_per_period, lifespan_periods) < 0:
        raise ValueError("aov, purchases_per_period and lifespan_periods must not be negative")
    return float(aov * purchases_per_period * lifespan_periods * gross_margin)


def discounted_ltv(
    margin: float, retention: float, discount_rate: float, include_first: bool = False
) -> float:
    """Discounted lifetime value (Gupta & Lehmann): Σₜ₌₁^∞ m·rᵗ/(1+i)ᵗ = m·r / (1 + i − r).

    ``margin`` m is the profit per customer per period (₹), ``retention`` r the share of
    customers still buying next period, ``discount_rate`` i the cost of money per period.
    With ``include_first=True`` the margin of the current period is counted too:
    m·(1+i)/(1+i−r).

    >>> round(discounted_ltv(margin=100, retention=0.8, discount_rate=0.10), 2)
    266.67
    """
    if not 0 <= retention < 1:
        raise ValueError(f"retention must be in [0, 1): a share of customers kept; got {retention}")
    if discount_rate <= -1:
        raise ValueError(f"discount_rate must be > -1 (e.g. 0.10 for 10%); got {discount_rate}")
    if 1 + discount_rate - retention <= 0:
        raise ValueError(
            "retention must be below 1 + discount_rate or the sum never ends; "
            f"got retention={retention}, discount_rate={discount_rate}"
        )
    base = 1 + discount_rate if include_first else retention
    return float(margin * base / (1 + discount_rate - retention))


def cohort_ltv(
    orders: pd.DataFrame,
    period: str = "W",
    gross_margin: float = 1.0,
    value: str = "net_value",
    exclude_statuses: Sequence[str] = NOT_A_SALE,
    time_column: str = "order_ts",
) -> pd.DataFrame:
    """Empirical LTV: cumulative value per customer of each first-purchase cohort, by age.

    Rows are cohorts, columns periods since first order; a cell is the cohort's total
    ``value`` × ``gross_margin`` up to that age, divided by the cohort's size. Ages the data
    has not reached yet are NaN. This is what has *actually* been earned; the formulas in
    :func:`simple_ltv` and :func:`discounted_ltv` project it forward. Only sales count (delivered
    and kept); rows without a customer or a value are left out.

    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b"], "status": ["delivered"] * 3,
    ...     "net_value": [100.0, 50.0, 300.0],
    ...     "order_ts": pd.to_datetime(["2026-01-05", "2026-01-13", "2026-01-06"])})
    >>> cohort_ltv(o).iloc[0].tolist()  # (100 + 300) / 2, then + 50 / 2
    [200.0, 225.0]
    """
    if not 0 <= gross_margin <= 1:
        raise ValueError(f"gross_margin is a share between 0 and 1; got {gross_margin}")
    _require(orders, "orders", ["customer_id", time_column, value])
    sales = _sales(orders, exclude_statuses).dropna(subset=["customer_id", time_column, value])
    per = _period_index(sales[time_column], period)
    frame = pd.DataFrame(
        {
            "customer_id": sales["customer_id"].to_numpy(),
            "per": per.to_numpy(),
            "value": sales[value].to_numpy(dtype=float) * gross_margin,
        }
    )
    first = frame.groupby("customer_id")["per"].transform("min")
    frame["cohort"] = first
    frame["age"] = _period_diff(frame["per"], first)
    size = frame.groupby("cohort")["customer_id"].nunique()
    value_by_age = frame.pivot_table(
        index="cohort", columns="age", values="value", aggfunc="sum", fill_value=0.0
    )
    value_by_age = _all_ages(value_by_age, per.max())
    cum = value_by_age.cumsum(axis=1).div(size, axis=0).astype(float)
    cum = _mask_unseen(cum, per.max())
    cum.columns.name = f"periods since first order ({period})"
    return cum
