"""The four data-driven levers, computed on the learner's data, and the queries that feed them.

:func:`category_growth` (market conditions), :func:`segment_preferences` (customer
satisfaction), :func:`promotion_response` (sales) and :func:`price_change` (cost
optimisation) are plain functions over data frames; the ``*_SQL`` queries are the same text
in the lesson and in the exercises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pm_toolkit.flywheel._format import _html_table
from pm_toolkit.formatting import format_inr

#: The four data-driven levers of the course text, each tied to the link of the loop it speeds.
LEVERS: dict[str, str] = {
    "market conditions": "selection: stock the categories shoppers are starting to want",
    "customer satisfaction": "customer experience: tailor what each segment sees",
    "sales": "traffic -> orders: show each segment the promotion that converts it",
    "cost optimisation": "lower cost structure -> lower prices: price where demand and margin balance",
}


# --------------------------------------------------------------------------------------------
# The four levers, computed on the learner's data
# --------------------------------------------------------------------------------------------


def category_growth(
    demand: pd.DataFrame,
    *,
    period: str = "week",
    category: str = "category",
    value: str = "units",
) -> pd.DataFrame:
    """Lever 1, market conditions: which categories are gaining share of demand, and how fast.

    ``demand`` has one row per (period, category) with a demand count (views, units). For each
    category we fit ``log(share_t) = α + g·t`` by least squares over the periods where it had
    any demand; ``weekly_growth = e^g − 1`` is its share's growth per period. Using the *share*
    rather than raw counts removes what moves every category at once (a festive sale, growth of
    the whole site), leaving what is special to the category. Sorted, fastest riser first.

    >>> d = pd.DataFrame({"week": [0, 0, 1, 1, 2, 2], "category": ["a", "b"] * 3,
    ...                   "units": [10, 90, 20, 80, 40, 60]})
    >>> category_growth(d)["category"].tolist()
    ['a', 'b']
    """
    from scipy import stats  # heavy import, only when analysing data

    missing = {period, category, value} - set(demand.columns)
    if missing:
        raise ValueError(f"demand needs columns {sorted(missing)}; it has {list(demand.columns)}")
    wide = demand.pivot_table(index=period, columns=category, values=value, aggfunc="sum",
                              fill_value=0).sort_index()  # fmt: skip
    if len(wide) < 3:
        raise ValueError(f"need at least 3 periods to see a trend; got {len(wide)}")
    share = wide.div(wide.sum(axis=1), axis=0)
    t = np.arange(len(share), dtype=float)
    rows = []
    for cat in share.columns:
        s = share[cat].to_numpy()
        ok = s > 0
        if ok.sum() < 3:
            continue
        fit = stats.linregress(t[ok], np.log(s[ok]))
        rows.append({
            "category": cat,
            "share_first": float(s[0]),
            "share_last": float(s[-1]),
            "weekly_growth": float(math.expm1(fit.slope)),
            "p_value": float(fit.pvalue),
            "total": float(wide[cat].sum()),
        })  # fmt: skip
    out = pd.DataFrame(rows).sort_values("weekly_growth", ascending=False)
    return out.reset_index(drop=True)


def segment_preferences(
    frame: pd.DataFrame,
    *,
    segment: str = "segment",
    category: str = "category",
    value: str = "value",
) -> pd.DataFrame:
    """Lever 2, customer satisfaction: what each segment buys more (or less) than average.

    Returns a table with one row per segment and one column per category holding the *index*:
    ``100 × (category's share of the segment's spend) / (its share of all spend)``. 100 means
    "like everyone else"; 150 means the segment leans 1.5× towards that category.

    >>> f = pd.DataFrame({"segment": ["x", "x", "y", "y"], "category": ["a", "b", "a", "b"],
    ...                   "value": [30.0, 10.0, 10.0, 30.0]})
    >>> float(segment_preferences(f).loc["x", "a"])
    150.0
    """
    wide = frame.pivot_table(index=segment, columns=category, values=value, aggfunc="sum",
                             fill_value=0.0)  # fmt: skip
    within = wide.div(wide.sum(axis=1), axis=0)
    overall = wide.sum(axis=0) / wide.to_numpy().sum()
    return (100 * within / overall).round(1)


def promotion_response(
    sessions: pd.DataFrame,
    *,
    segment: str = "segment",
    promotion: str = "promotion_shown",
    converted: str = "converted",
    baseline: str = "none",
) -> pd.DataFrame:
    """Lever 3, sales: which promotion moves which segment, from a randomised banner test.

    One row per (segment, promotion) other than ``baseline``: sessions, conversion rate, the
    baseline's conversion rate in the same segment, the relative ``lift`` and a two-sided
    p-value from the two-proportion z-test (pooled variance,
    :func:`pm_toolkit.experiments.proportion_test`). Because the banner was assigned at
    random per session, the difference is the promotion's effect, not a difference in shoppers,
    *as long as* ``sessions`` holds every randomised session (or a subset chosen by something
    the banner cannot change): keeping only sessions that reached a later step, such as
    checkout, compares groups the banner itself may have shaped.

    >>> s = pd.DataFrame({"segment": ["a"] * 4, "promotion_shown": ["none", "none", "x", "x"],
    ...                   "converted": [0, 1, 1, 1]})
    >>> float(promotion_response(s)["lift"].iloc[0])
    1.0
    """
    from pm_toolkit.experiments.significance import proportion_test

    g = sessions.groupby([segment, promotion])[converted].agg(["sum", "count"])
    rows = []
    for seg in g.index.get_level_values(0).unique():
        if (seg, baseline) not in g.index:
            continue
        b_conv, b_n = g.loc[(seg, baseline)]
        for promo, (conv, n) in g.loc[seg].iterrows():
            if promo == baseline:
                continue
            rate, b_rate = conv / n, b_conv / b_n
            p = proportion_test(b_conv, b_n, conv, n).p_value
            rows.append({
                "segment": seg, "promotion": promo, "sessions": int(n),
                "conversion": float(rate), "baseline_conversion": float(b_rate),
                "lift": float(rate / b_rate - 1) if b_rate > 0 else float("nan"),
                "p_value": p,
            })  # fmt: skip
    return pd.DataFrame(rows)


def best_promotion(response: pd.DataFrame) -> pd.Series:
    """The promotion with the highest lift in each segment (from :func:`promotion_response`)."""
    best = response.loc[response.groupby("segment")["lift"].idxmax()]
    return best.set_index("segment")["promotion"]


def checkout_reach(
    sessions: pd.DataFrame,
    *,
    promotion: str = "promotion_shown",
    reached: str = "reached_checkout",
) -> pd.DataFrame:
    """Does the banner change *who reaches checkout*? One row per banner: sessions, the share
    that reached checkout, and (on every row) the chi-square test's p-value of "the share is
    the same under every banner".

    A comparison made only among sessions that reached checkout is fair only if this share does
    not depend on the banner: otherwise each banner's checkout group holds different shoppers.
    A large p-value does not prove the shares equal; it says this data shows no sign they differ.

    >>> s = pd.DataFrame({"promotion_shown": ["none"] * 4 + ["x"] * 4,
    ...                   "reached_checkout": [1, 0, 1, 0, 1, 0, 1, 0]})
    >>> checkout_reach(s)["share"].tolist()
    [0.5, 0.5]
    """
    from scipy import stats

    g = sessions.groupby(promotion)[reached].agg(["sum", "count"])
    table = np.column_stack([g["sum"], g["count"] - g["sum"]])
    # a banner nobody (or everybody) reached checkout with leaves nothing to test
    p = (
        float(stats.chi2_contingency(table, correction=False).pvalue)
        if (table.sum(axis=0) > 0).all()
        else float("nan")
    )
    out = pd.DataFrame({"sessions": g["count"].astype(int), "share": g["sum"] / g["count"]})
    out["p_value"] = p
    return out.rename_axis("promotion").reset_index()


@dataclass(frozen=True)
class PriceChange:
    """What a price change does under constant elasticity ``Q = A·p^(−ε)``.

    Ratios are new/old minus 1 (``-0.1`` = 10 % lower). Margin is ``(p − c)·Q``.
    """

    price: float
    new_price: float
    unit_cost: float
    elasticity: float
    demand_change: float
    revenue_change: float
    margin_change: float

    def _rows(self) -> list[tuple[str, str]]:
        return [
            ("price", f"{format_inr(self.price, 2)} → {format_inr(self.new_price, 2)}"),
            ("unit cost", format_inr(self.unit_cost, 2)),
            ("elasticity", f"{self.elasticity:.2f}"),
            ("units sold", f"{100 * self.demand_change:+.1f} %"),
            ("revenue", f"{100 * self.revenue_change:+.1f} %"),
            ("margin", f"{100 * self.margin_change:+.1f} %"),
        ]

    def __str__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self._rows())

    def _repr_html_(self) -> str:
        return _html_table(self._rows(), "Effect of the price change (constant elasticity)")


def price_change(price: float, unit_cost: float, elasticity: float, change: float) -> PriceChange:
    """Lever 4, cost optimisation: how a price change of ``change`` (−0.1 = 10 % cut) moves
    units, revenue and margin when demand has constant elasticity ε (``Q ∝ p^(−ε)``).

    Units scale by ``(1 + change)^(−ε)``; revenue by ``(1 + change)^(1−ε)``; margin by
    ``(p(1 + change) − c) / (p − c)`` times the units' factor.

    >>> r = price_change(price=1000, unit_cost=600, elasticity=2.0, change=-0.10)
    >>> round(r.demand_change, 4), round(r.margin_change, 4)
    (0.2346, -0.0741)
    """
    if elasticity <= 0:
        raise ValueError(f"elasticity is a magnitude and must be > 0; got {elasticity}")
    if price <= 0 or unit_cost < 0:
        raise ValueError(f"price must be > 0 and unit_cost >= 0; got {price}, {unit_cost}")
    if change <= -1:
        raise ValueError(f"a price change must leave a price above zero; got {change:+.0%}")
    if price <= unit_cost:
        raise ValueError(
            f"price {format_inr(price, 2)} must be above unit cost {format_inr(unit_cost, 2)} "
            "for the margin to change by a percentage"
        )
    factor = (1 + change) ** (-elasticity)
    new_price = price * (1 + change)
    return PriceChange(
        price=float(price),
        new_price=float(new_price),
        unit_cost=float(unit_cost),
        elasticity=float(elasticity),
        demand_change=float(factor - 1),
        revenue_change=float((1 + change) * factor - 1),
        margin_change=float((new_price - unit_cost) / (price - unit_cost) * factor - 1),
    )


def profit_max_price(unit_cost: float, elasticity: float, mrp: float | None = None) -> float:
    """The margin-maximising price under constant elasticity: ``c·ε/(ε − 1)``, capped at MRP.

    >>> profit_max_price(100, 2.0)
    200.0
    >>> profit_max_price(100, 2.0, mrp=180)
    180.0
    """
    if elasticity <= 1:
        raise ValueError(f"elasticity must be > 1 for an interior optimum; got {elasticity}")
    best = unit_cost * elasticity / (elasticity - 1)
    return float(min(best, mrp)) if mrp is not None else float(best)


# --------------------------------------------------------------------------------------------
# The queries the lesson and the exercises run on the learner's data (same text in both)
# --------------------------------------------------------------------------------------------

#: Product views per week and category, by signed-in shoppers (bots browse without an id).
WEEKLY_CATEGORY_VIEWS_SQL = """
SELECT date_trunc('week', e.ts AT TIME ZONE 'Asia/Kolkata') AS week, p.category,
       COUNT(*) AS units
FROM events AS e
JOIN products AS p USING (product_id)
WHERE e.event_type = 'product_view' AND e.customer_id IS NOT NULL
GROUP BY ALL
ORDER BY week, category
""".strip()

#: Product views per customer segment and category.
SEGMENT_CATEGORY_VIEWS_SQL = """
SELECT c.segment, p.category, COUNT(*) AS value
FROM events AS e
JOIN products AS p USING (product_id)
JOIN customers AS c USING (customer_id)
WHERE e.event_type = 'product_view'
GROUP BY ALL
""".strip()

#: Every session of a signed-in shopper: the banner it was shown at random, whether it reached
#: checkout and whether it ended in an order. Bot sessions have no customer and drop out here.
RANDOMISED_SESSIONS_SQL = """
SELECT s.session_id, c.segment, s.promotion_shown,
       CASE WHEN k.session_id IS NULL THEN 0 ELSE 1 END AS reached_checkout,
       CASE WHEN o.session_id IS NULL THEN 0 ELSE 1 END AS converted
FROM sessions AS s
JOIN customers AS c USING (customer_id)
LEFT JOIN (SELECT DISTINCT session_id FROM events WHERE event_type = 'begin_checkout') AS k
       USING (session_id)
LEFT JOIN (SELECT DISTINCT session_id FROM orders) AS o USING (session_id)
ORDER BY s.session_id
""".strip()


#: The most-viewed product (signed-in shoppers), with what a price decision needs.
TOP_PRODUCT_SQL = """
SELECT p.product_id, p.category, p.brand, p.list_price, p.unit_cost, p.mrp, p.elasticity,
       COUNT(*) AS views
FROM events AS e
JOIN products AS p USING (product_id)
WHERE e.event_type = 'product_view' AND e.customer_id IS NOT NULL
GROUP BY ALL
ORDER BY views DESC, product_id
LIMIT 1
""".strip()


def emerging_category(sql: Callable[[str], pd.DataFrame]) -> str:
    """The category whose share of product views rises fastest in the learner's data.

    ``sql`` runs a query on the learner's data (``pm_toolkit.data.sql`` or ``ctx.sql``).
    """
    return str(category_growth(sql(WEEKLY_CATEGORY_VIEWS_SQL))["category"].iloc[0])
