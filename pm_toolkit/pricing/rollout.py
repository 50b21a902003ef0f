"""How to test hourly pricing before launching it: the designs, their units and guardrails.

Prices cannot be tested like a button colour. Showing two shoppers different prices for the
same item at the same moment is unfair (Amazon's September 2000 DVD test ended in refunds to
6,896 customers and a public apology) and contaminated (shoppers compare, share links, and
both groups draw on the same stock). The designs that work randomise *when and where* a
policy runs, not *who* sees it: a **switchback** (region × time block), a split by **item**,
or **geo-clusters** (groups of regions that keep one policy for several weeks).

Which one depends on what must be measured. The gain from repricing shows up at once; the
cost in trust builds up over weeks and fades slowly, so it leaks from one block into the next
(:func:`pm_toolkit.pricing.power.carryover_share`), and a repeat-purchase guardrail needs
weeks of the same customers under one policy. Both point to geo-clusters run for weeks.

>>> s = assign_switchback(["delhi", "karnataka"], n_blocks=4, seed=1)
>>> s.groupby("region")["treated"].sum().tolist()
[2, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pm_toolkit.pricing._random import rng_for

__all__ = [
    "GUARDRAIL_METRICS",
    "ROLLOUT_DESIGNS",
    "GuardrailMetric",
    "RolloutDesign",
    "assign_items",
    "assign_switchback",
    "cluster_weeks",
    "geo_clusters",
    "order_margins",
    "region_day_units",
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
        "Shoppers switch between treated and untreated substitutes (cannibalisation), and lost "
        "trust spills over to the whole store, control items included.",
        "Usable for the price effect only: fair, but blind to a store-wide loss of trust.",
    ),
    RolloutDesign(
        "switchback",
        "Day-level switchback: each region alternates hourly and fixed pricing day by day",
        "region × day",
        True,
        "Lost trust heals over weeks, so a treated day's damage carries over into the next "
        "control day: the comparison sees only a small part of it. A 30-day repeat rate "
        "cannot be read per day.",
        "Usable for the immediate price effect only: it flatters hourly pricing, because it "
        "sees the gain in full and the trust cost hardly at all.",
    ),
    RolloutDesign(
        "geo_clusters",
        "Geo-clusters: groups of regions keep hourly or fixed pricing for several weeks",
        "cluster of regions × test period",
        True,
        "Regions next to each other share shoppers, so clusters group neighbours; a few "
        "clusters make a noisy comparison, so each is compared with its own weeks before the "
        "test and clusters are matched in pairs.",
        "Recommended: one price per region at a time, no switching for carry-over to leak "
        "through, and repeat purchase, complaints and returns readable per cluster.",
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
        "customers' 28-day repeat rate in hourly clusters falls below fixed clusters by more "
        "than the pre-registered margin (read per cluster, after the build-up weeks)",
    ),
    GuardrailMetric(
        "price complaints and price queries",
        "customers noticing and disliking changes",
        "price contacts per 1,000 orders in hourly clusters rise beyond the pre-set level",
    ),
    GuardrailMetric(
        "returns and cancellations",
        "buyers who feel cheated after a price drop return or cancel",
        "the return rate of hourly clusters rises beyond its normal weekly range",
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


def order_margins(
    orders: pd.DataFrame, order_items: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    """Gross margin (₹) of each **delivered** order: its items at the price charged, minus their
    unit cost, minus the order's discount. Returned and RTO orders came back and cancelled ones
    never shipped, so none of them earns a margin a finance team would book.

    Returns ``order_id``, ``customer_id``, ``order_ts``, ``margin``.
    """
    for name, frame, need in (
        ("orders", orders, {"order_id", "customer_id", "order_ts", "status"}),
        ("order_items", order_items, {"order_id", "product_id", "quantity", "unit_price"}),
        ("products", products, {"product_id", "unit_cost"}),
    ):
        if need - set(frame.columns):
            raise ValueError(f"{name} lacks {sorted(need - set(frame.columns))}")
    delivered = orders.loc[orders["status"] == "delivered", ["order_id", "customer_id", "order_ts"]]
    items = order_items.merge(products[["product_id", "unit_cost"]], on="product_id", how="left")
    line = items["quantity"] * (items["unit_price"] - items["unit_cost"])
    if "discount" in items.columns:
        line = line - items["discount"]
    per_order = line.groupby(items["order_id"]).sum().rename("margin")
    return delivered.merge(per_order, left_on="order_id", right_index=True, how="left").fillna(
        {"margin": 0.0}
    )


def region_day_units(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    products: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    region: str = "state",
) -> pd.DataFrame:
    """Delivered orders summed to the units a switchback would randomise: region × day.

    One row per (region, day) over the orders' whole period, days without orders included
    (margin ₹0: leaving them out would overstate the mean and understate the spread). Columns
    ``region``, ``day``, ``orders``, ``margin``.
    """
    if {"customer_id", region} - set(customers.columns):
        raise ValueError(f"customers lacks 'customer_id' or {region!r}")
    margins = order_margins(orders, order_items, products)
    df = margins.merge(customers[["customer_id", region]], on="customer_id", how="left")
    df["day"] = pd.to_datetime(df["order_ts"]).dt.date
    sums = df.groupby([region, "day"], observed=True)["margin"].agg(["sum", "size"])
    all_days = pd.to_datetime(orders["order_ts"]).dt.date
    days = pd.date_range(all_days.min(), all_days.max(), freq="D").date
    full = pd.MultiIndex.from_product(
        [sorted(customers[region].dropna().unique()), days], names=[region, "day"]
    )
    sums = sums.reindex(full, fill_value=0)
    return pd.DataFrame(
        {
            "region": sums.index.get_level_values(0),
            "day": sums.index.get_level_values(1),
            "orders": sums["size"].to_numpy(int),
            "margin": sums["sum"].to_numpy(float),
        }
    )


def geo_clusters(units: pd.DataFrame, n_clusters: int = 8, *, seed: int = 0) -> pd.DataFrame:
    """Group regions into ``n_clusters`` of similar size and randomise them in matched pairs.

    Regions are dealt to clusters largest first, snake order (1, 2, …, n, n, …, 2, 1), so
    clusters end up alike in margin; clusters are then paired by size and a coin flip per pair
    decides which one gets the new policy. Returns ``region``, ``cluster``, ``treated``.

    >>> u = pd.DataFrame({"region": list("abcdef"), "day": 0, "margin": [6, 5, 4, 3, 2, 1]})
    >>> g = geo_clusters(u, n_clusters=2, seed=1)
    >>> g.groupby("cluster")["region"].size().tolist(), int(g.groupby("cluster")["treated"].first().sum())
    ([3, 3], 1)
    """
    if n_clusters < 2 or n_clusters % 2:
        raise ValueError(f"n_clusters must be an even number ≥ 2 (pairs); got {n_clusters}")
    size = units.groupby("region", observed=True)["margin"].sum().sort_values(ascending=False)
    if len(size) < n_clusters:
        raise ValueError(f"{len(size)} regions cannot make {n_clusters} clusters")
    snake = np.concatenate([np.arange(n_clusters), np.arange(n_clusters)[::-1]])
    cluster = snake[np.arange(len(size)) % (2 * n_clusters)]
    out = pd.DataFrame({"region": size.index, "cluster": cluster})
    totals = size.groupby(cluster).sum().sort_values(ascending=False)
    treated = {}
    rng = rng_for(seed, 6)
    for pair in range(n_clusters // 2):
        a, b = totals.index[2 * pair], totals.index[2 * pair + 1]
        flip = bool(rng.random() < 0.5)
        treated[a], treated[b] = flip, not flip
    out["treated"] = out["cluster"].map(treated)
    return out.sort_values(["cluster", "region"]).reset_index(drop=True)


def cluster_weeks(units: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Margin per cluster and week (weeks counted from the first day): the geo test's data.

    Returns ``cluster``, ``week``, ``margin``, ``orders``; only whole weeks are kept.
    """
    df = units.merge(clusters[["region", "cluster"]], on="region")
    day0 = pd.to_datetime(df["day"]).min()
    df["week"] = (pd.to_datetime(df["day"]) - day0).dt.days // 7
    whole = df.groupby("week")["day"].nunique()
    df = df[df["week"].isin(whole.index[whole.to_numpy() == whole.max()])]
    out = df.groupby(["cluster", "week"])[["margin", "orders"]].sum().reset_index()
    return out


def assign_switchback(regions: Sequence[str], n_blocks: int, *, seed: int = 0) -> pd.DataFrame:
    """A balanced switchback schedule: each region runs the new policy in half of its blocks.

    Randomised separately for each region (so regions do not switch in lock-step, which would
    confound the policy with the calendar), deterministic for a seed.
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
