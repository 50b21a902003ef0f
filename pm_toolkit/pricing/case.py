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

from pm_toolkit.pricing.demand import capped_optimal_price
from pm_toolkit.pricing.elasticity import (
    ElasticityEstimate,
    estimate_elasticity,
    ols_elasticity_plim,
)
from pm_toolkit.pricing.simulator import (
    STANDARD_POLICIES,
    Market,
    Policy,
    SimulationReport,
    break_even_trust,
)

__all__ = [
    "break_evens",
    "case_market",
    "catalogue_prices",
    "hour_dummies",
    "hourly_gain",
    "list_prices",
    "panel_elasticity",
    "plim_table",
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


def catalogue_prices(panel: pd.DataFrame, test: float, naive: float) -> pd.DataFrame:
    """Per panel product: unit cost, MRP and the best legal price under each elasticity."""
    out = panel.groupby("product_id")[["unit_cost", "mrp"]].first()
    for label, eps in (("test", test), ("history", naive)):
        out[f"best price ({label} ε)"] = [
            capped_optimal_price(c, eps, m)
            for c, m in out[["unit_cost", "mrp"]].itertuples(index=False)
        ]
    return out


def plim_table(elasticity: float = 2.0, gamma: float = 1.0) -> pd.DataFrame:
    """What the naive regression converges to, for price noise from none to randomised."""
    rows = {
        "0 (price only follows demand)": ols_elasticity_plim(elasticity, gamma, 1.0, 1e-9),
        "1 × the demand shock": ols_elasticity_plim(elasticity, gamma, 1.0, 1.0),
        "3 × the demand shock": ols_elasticity_plim(elasticity, gamma, 1.0, 3.0),
        "randomised (price ignores demand)": ols_elasticity_plim(elasticity, 0.0, 1.0, 1.0),
    }
    return pd.DataFrame(
        {"own price noise": list(rows), "naive estimate with endless data": list(rows.values())}
    ).round(2)


def hourly_gain(report: SimulationReport, policy: str = "hourly") -> float:
    """Extra gross margin of ``policy`` over the static price, as a share of the static margin."""
    margin = report.summary["gross_margin"]
    return float(margin[policy] / margin["static"] - 1.0)


def break_evens(
    market: Market, policies: tuple[Policy, ...] = STANDARD_POLICIES[1:], **kwargs
) -> dict[str, float]:
    """For each dynamic policy, the trust effect per change at which it stops beating static."""
    return {p.name: break_even_trust(market, p, "static", **kwargs) for p in policies}
