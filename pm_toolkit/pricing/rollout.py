"""How to test hourly pricing before launching it: the experiment design and its power.

Prices cannot be tested like a button colour. Showing two shoppers different prices for the
same item at the same moment is unfair (Amazon's September 2000 DVD test ended in refunds to
6,896 customers and a public apology) and contaminated (shoppers compare, share links, and
both groups draw on the same stock). The designs that work randomise *when and where* a
policy runs, not *who* sees it: a **switchback** (region × time block) or a split by **item**.

Power must be computed at the unit that was randomised. Orders inside one region-day share
that region-day's luck, so ``n`` orders carry the information of only ``n / DE`` independent
ones, with the design effect ``DE = 1 + (m − 1)·ICC`` for ``m`` orders per unit.

>>> design_effect(cluster_size=101, icc=0.05)
6.0
>>> switchback_units_needed(unit_mean=100_000, unit_sd=20_000, lift=0.05)
504
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from pm_toolkit.pricing._random import rng_for

__all__ = [
    "GUARDRAIL_METRICS",
    "ROLLOUT_DESIGNS",
    "GuardrailMetric",
    "RolloutDesign",
    "SwitchbackPower",
    "assign_items",
    "assign_switchback",
    "design_effect",
    "effective_sample_size",
    "region_day_units",
    "switchback_mde",
    "switchback_power",
    "switchback_units_needed",
]


@dataclass(frozen=True)
class RolloutDesign:
    """One way to test a pricing policy, with what it gets right and wrong."""

    key: str
    name: str
    unit: str
    fair_to_customers: bool
    contamination: str
    verdict: str


ROLLOUT_DESIGNS: tuple[RolloutDesign, ...] = (
    RolloutDesign(
        "user_ab",
        "User-level A/B test (half the shoppers get hourly prices)",
        "customer",
        False,
        "Shoppers compare prices with friends and across devices, and both groups buy from the "
        "same stock, so the control group is not a clean 'world without hourly pricing'.",
        "Avoid: two people see different prices for the same item at the same time. That is "
        "what caused the backlash to Amazon's 2000 DVD price test.",
    ),
    RolloutDesign(
        "pre_post",
        "Launch everywhere and compare with last month",
        "whole market, before vs after",
        True,
        "No control group: the festive season, competitor sales and stock changes all move "
        "sales at the same time, so you cannot separate them from the effect of the policy.",
        "Avoid: it is not an experiment, and by the time you see harm it has hit every customer.",
    ),
    RolloutDesign(
        "item_level",
        "Item-level split (hourly prices on a random half of products)",
        "product",
        True,
        "Shoppers switch between treated and untreated substitutes (cannibalisation), which "
        "inflates the apparent effect; the trust effect spills over to the whole store.",
        "Usable with care: fair, but pair similar products and watch for substitution.",
    ),
    RolloutDesign(
        "switchback",
        "Switchback: each region alternates hourly and fixed pricing in random time blocks",
        "region × time block",
        True,
        "Carry-over between blocks (a shopper who saw a high price yesterday); handled with "
        "blocks of a day or more, a wash-out period, and analysis at the region × block level.",
        "Recommended: everyone in a region at a given time sees one price; each region is its "
        "own control. DoorDash uses region × time units for pricing tests.",
    ),
)


@dataclass(frozen=True)
class GuardrailMetric:
    """A metric that must not get worse while the primary metric (margin) is chased."""

    name: str
    why: str
    stop_when: str


GUARDRAIL_METRICS: tuple[GuardrailMetric, ...] = (
    GuardrailMetric(
        "repeat purchase rate",
        "trust lost shows up as customers not coming back",
        "30-day repeat rate in hourly blocks falls below fixed blocks by more than "
        "the pre-registered margin",
    ),
    GuardrailMetric(
        "price complaints and price queries",
        "customers noticing and disliking changes",
        "support contacts about price rise significantly",
    ),
    GuardrailMetric(
        "returns and cancellations",
        "buyers who feel cheated after a price drop return or cancel",
        "return rate rises beyond its normal weekly range",
    ),
    GuardrailMetric(
        "price-match / refund requests",
        "the cost of lowest-price protection",
        "requests exceed the budget set before the test",
    ),
    GuardrailMetric(
        "cart abandonment",
        "a price that moved between cart and checkout",
        "abandonment after a price change rises",
    ),
    GuardrailMetric(
        "MRP compliance",
        "selling above MRP is illegal (Legal Metrology rules)",
        "any single listing above MRP: stop at once",
    ),
)


def design_effect(cluster_size: float, icc: float) -> float:
    """Variance inflation from analysing clustered data as if independent: ``1 + (m − 1)·ICC``."""
    if cluster_size < 1:
        raise ValueError(f"cluster_size is the number of orders per unit (≥ 1); got {cluster_size}")
    if not 0 <= icc <= 1:
        raise ValueError(f"icc (intra-cluster correlation) must be in [0, 1]; got {icc}")
    return 1.0 + (cluster_size - 1.0) * icc


def effective_sample_size(n_obs: int, cluster_size: float, icc: float) -> float:
    """How many independent observations ``n_obs`` clustered ones are worth: ``n / DE``.

    >>> effective_sample_size(10_000, cluster_size=100, icc=0.01)
    5025.125628140703
    """
    return n_obs / design_effect(cluster_size, icc)


@dataclass(frozen=True)
class SwitchbackPower:
    """Power of a switchback analysed at the unit of randomisation (two-sided z-test)."""

    n_units: int
    lift: float
    unit_mean: float
    unit_sd: float
    alpha: float
    power: float

    def __repr__(self) -> str:
        return (
            f"SwitchbackPower({self.n_units} units, lift {self.lift:.1%}: "
            f"power {self.power:.1%} at α = {self.alpha})"
        )


def _check_unit_inputs(
    unit_mean: float,
    unit_sd: float,
    alpha: float,
    *,
    lift: float | None = None,
    power: float | None = None,
    n_units: int | None = None,
) -> None:
    """Validate the switchback inputs; ``lift``, ``power`` and ``n_units`` only when given."""
    if unit_mean <= 0 or unit_sd <= 0:
        raise ValueError("unit_mean and unit_sd must be positive, e.g. ₹1,20,000 and ₹30,000")
    if lift is not None and lift == 0:
        raise ValueError("lift must be non-zero, e.g. 0.03 for a 3 % change in margin")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, e.g. 0.05; got {alpha}")
    if power is not None and not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, e.g. 0.8; got {power}")
    if n_units is not None and n_units < 4:
        raise ValueError(f"need at least 4 units (2 per arm); got {n_units}")


def switchback_power(
    n_units: int, *, unit_mean: float, unit_sd: float, lift: float, alpha: float = 0.05
) -> SwitchbackPower:
    """Power to detect a relative ``lift`` with ``n_units`` region-blocks, half of them treated.

    ``unit_sd`` is the spread of the metric between units (after removing region and day
    effects, if the analysis will). Normal approximation:
    ``power = Φ(δ/se − z) + Φ(−δ/se − z)`` with ``δ = lift·mean``, ``se = sd·√(2/(n/2))``.

    >>> round(switchback_power(504, unit_mean=100_000, unit_sd=20_000, lift=0.05).power, 3)
    0.801
    """
    _check_unit_inputs(unit_mean, unit_sd, alpha, lift=lift, n_units=n_units)
    per_arm = n_units / 2
    se = unit_sd * math.sqrt(2.0 / per_arm)
    z = stats.norm.ppf(1 - alpha / 2)
    shift = abs(lift) * unit_mean / se
    power = float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))
    return SwitchbackPower(int(n_units), lift, unit_mean, unit_sd, alpha, power)


def switchback_units_needed(
    *, unit_mean: float, unit_sd: float, lift: float, power: float = 0.8, alpha: float = 0.05
) -> int:
    """Total region-blocks (both arms) to detect ``lift`` with the given power.

    Per arm ``n = 2·(z₁₋α/₂ + z_power)²·sd² / (lift·mean)²``, rounded up; the total is twice that.
    """
    _check_unit_inputs(unit_mean, unit_sd, alpha, lift=lift, power=power)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    per_arm = math.ceil(2 * z**2 * unit_sd**2 / (lift * unit_mean) ** 2)
    return 2 * per_arm


def switchback_mde(
    n_units: int, *, unit_mean: float, unit_sd: float, power: float = 0.8, alpha: float = 0.05
) -> float:
    """The smallest relative lift ``n_units`` region-blocks can detect with the given power.

    ``MDE = (z₁₋α/₂ + z_power)·sd·√(2/(n/2)) / mean``, the inverse of
    :func:`switchback_units_needed`.

    >>> round(switchback_mde(504, unit_mean=100_000, unit_sd=20_000), 4)
    0.0499
    """
    _check_unit_inputs(unit_mean, unit_sd, alpha, power=power, n_units=n_units)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z * unit_sd * math.sqrt(2.0 / (n_units / 2)) / unit_mean)


def region_day_units(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    region: str = "state",
    value: str = "net_value",
) -> pd.DataFrame:
    """Orders summed to the units a switchback would randomise: region × day.

    Returns one row per (region, day), days without orders included, with ``revenue`` and
    ``orders``; cancelled orders are left out because they earn nothing.
    """
    need_o = {"customer_id", "order_ts", value, "status"}
    if need_o - set(orders.columns):
        raise ValueError(f"orders lacks {sorted(need_o - set(orders.columns))}")
    if {"customer_id", region} - set(customers.columns):
        raise ValueError(f"customers lacks 'customer_id' or {region!r}")
    df = orders.loc[orders["status"] != "cancelled", ["customer_id", "order_ts", value]]
    df = df.merge(customers[["customer_id", region]], on="customer_id", how="left")
    df["day"] = pd.to_datetime(df["order_ts"]).dt.date
    sums = df.groupby([region, "day"], observed=True)[value].agg(["sum", "size"])
    # A region-day with no orders is a unit too (revenue ₹0): leaving it out would overstate
    # the mean and understate the spread.
    days = pd.date_range(min(df["day"]), max(df["day"]), freq="D").date
    full = pd.MultiIndex.from_product(
        [sorted(customers[region].dropna().unique()), days], names=[region, "day"]
    )
    sums = sums.reindex(full, fill_value=0)
    return pd.DataFrame(
        {
            "region": sums.index.get_level_values(0),
            "day": sums.index.get_level_values(1),
            "revenue": sums["sum"].to_numpy(float),
            "orders": sums["size"].to_numpy(int),
        }
    )


def assign_switchback(regions: Sequence[str], n_blocks: int, *, seed: int = 0) -> pd.DataFrame:
    """A balanced switchback schedule: each region runs the new policy in half of its blocks.

    Randomised separately for each region (so regions do not switch in lock-step, which would
    confound the policy with the calendar), deterministic for a seed.

    >>> s = assign_switchback(["delhi", "karnataka"], n_blocks=4, seed=1)
    >>> s.groupby("region")["treated"].sum().tolist()
    [2, 2]
    """
    if n_blocks < 2 or n_blocks % 2:
        raise ValueError(f"n_blocks must be an even number ≥ 2 to balance arms; got {n_blocks}")
    regions = list(dict.fromkeys(regions))
    if not regions:
        raise ValueError("give at least one region")
    rows = []
    for r_index, region in enumerate(regions):
        rng = rng_for(seed, 4, r_index)
        arms = rng.permutation(np.repeat([True, False], n_blocks // 2))
        rows.extend((region, b, bool(a)) for b, a in enumerate(arms))
    return pd.DataFrame(rows, columns=["region", "block", "treated"])


def assign_items(product_ids: Sequence[str], *, seed: int = 0) -> pd.DataFrame:
    """Item-level randomisation: a random half of the products get the new policy.

    >>> assign_items(["a", "b", "c", "d"], seed=2)["treated"].sum()
    np.int64(2)
    """
    ids = list(dict.fromkeys(product_ids))
    rng = rng_for(seed, 5)
    treated = np.zeros(len(ids), dtype=bool)
    treated[rng.permutation(len(ids))[: len(ids) // 2]] = True
    return pd.DataFrame({"product_id": ids, "treated": treated})
