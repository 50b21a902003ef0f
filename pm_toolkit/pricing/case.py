"""The capstone's data, arranged: the case's elasticities and market from the learner's panel.

Small functions the lesson, the exercises and the tests share, so that all three compute the
same numbers the same way from the data world's tables (``pricing_panel``, ``products``).

>>> from pm_toolkit import data
>>> panel = data.load("pricing_panel", scale="tiny")
>>> est = panel_elasticity(panel, randomised=True)
>>> est.elasticity > 1
True
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit.pricing.elasticity import ElasticityEstimate, estimate_elasticity
from pm_toolkit.pricing.simulator import Market

__all__ = [
    "case_market",
    "hour_dummies",
    "list_prices",
    "panel_elasticity",
    "price_response",
    "price_rows",
]


def price_rows(panel: pd.DataFrame, *, randomised: bool) -> pd.DataFrame:
    """The panel's randomised price-test hours (``randomised=True``) or the observational ones."""
    return panel.loc[panel["price_test"].astype(bool) == randomised]


def hour_dummies(rows: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per hour of the day (but the first): demand at 9 pm is not demand at 4 am."""
    return pd.get_dummies(rows["hour_ts"].dt.hour, prefix="h", drop_first=True, dtype=float)


def panel_elasticity(panel: pd.DataFrame, *, randomised: bool) -> ElasticityEstimate:
    """The pooled elasticity of the panel: Poisson log-log fit, product and hour-of-day effects.

    ``randomised=True`` uses the price-test hours (prices drawn at random: unbiased);
    ``False`` uses the rest, where prices chased demand (biased towards zero). Poisson keeps
    the hours that sold nothing, which a log of units would have to drop.
    """
    rows = price_rows(panel, randomised=randomised)
    return estimate_elasticity(
        rows["our_price"],
        rows["units_sold"],
        groups=rows["product_id"],
        controls=hour_dummies(rows),
        method="poisson",
        label="randomised price test" if randomised else "price history",
    )


def list_prices(products: pd.DataFrame) -> pd.Series:
    """``product_id`` → list price (₹): the price at which the panel's demand forecast holds."""
    return products.set_index("product_id")["list_price"].astype(float)


def case_market(
    panel: pd.DataFrame,
    products: pd.DataFrame,
    *,
    elasticity: float,
    model_elasticity: float | None = None,
    cross_elasticity: float = 0.3,
) -> Market:
    """The simulator's market for the case: the panel, the list prices, one elasticity.

    ``elasticity`` is how the simulated shoppers respond (use the randomised estimate: the best
    evidence there is); ``model_elasticity`` is what the pricing model believes (default: the
    same). ``cross_elasticity`` (0.3) is an assumption [A] near the published mean of 0.26.
    """
    return Market.from_panel(
        panel,
        elasticity=elasticity,
        model_elasticity=model_elasticity,
        reference_price=list_prices(products),
        cross_elasticity=cross_elasticity,
    )


def price_response(
    panel: pd.DataFrame, products: pd.DataFrame, *, randomised: bool
) -> pd.DataFrame:
    """Average sales at each price level, relative to each product's own average, for a chart.

    Prices are expressed as a share of the list price and rounded to the nearest 5 %; sales
    as an index (1.0 = the product's average hour), so products of all sizes share one axis.
    Levels seen in fewer than 50 hours are dropped as too noisy.
    """
    rows = price_rows(panel, randomised=randomised)
    lp = rows["product_id"].map(list_prices(products))
    level = (rows["our_price"] / lp / 0.05).round() * 0.05
    index = rows["units_sold"] / rows.groupby("product_id")["units_sold"].transform("mean")
    out = (
        pd.DataFrame({"price_vs_list": level.round(2), "sales_index": index})
        .groupby("price_vs_list")["sales_index"]
        .agg(["mean", "size"])
        .rename(columns={"mean": "sales_index", "size": "hours"})
        .reset_index()
    )
    return out[out["hours"] >= 50].reset_index(drop=True)
