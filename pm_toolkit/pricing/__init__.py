"""Pricing for the capstone: should Amazon India launch hourly dynamic pricing?

One module per idea:

* :mod:`~pm_toolkit.pricing.demand`: demand curves and their optimal prices (closed forms and a
  constrained grid search: MRP ceiling, minimum margin, maximum change).
* :mod:`~pm_toolkit.pricing.elasticity`: log-log elasticity estimates and the endogeneity trap.
* :mod:`~pm_toolkit.pricing.rationing`: the pricing model's rule when stock may run short.
* :mod:`~pm_toolkit.pricing.simulator`: a repricing simulator over the hourly panel
  (static, daily, guarded, hourly), with competitors, stock-outs and customer trust.
* :mod:`~pm_toolkit.pricing.power`: how big a test must be, and what switching blocks hide.
* :mod:`~pm_toolkit.pricing.rollout`: the test designs, their units and guardrail metrics.
* :mod:`~pm_toolkit.pricing.memo`: the decision memo's calls, points, rubric and model answer.
* :mod:`~pm_toolkit.pricing.case`: the case's numbers from the learner's own tables.
* :mod:`~pm_toolkit.pricing.findings`: the lesson's sentences, built from those numbers.
* :mod:`~pm_toolkit.pricing.charts` and :mod:`~pm_toolkit.pricing.dashboard`: what it draws.

>>> from pm_toolkit import pricing
>>> pricing.optimal_price(cost=250.0, elasticity=2.0)
500.0
"""

from __future__ import annotations

from pm_toolkit.pricing.case import (
    case_market,
    hour_dummies,
    list_prices,
    panel_elasticity,
    price_response,
    price_rows,
)
from pm_toolkit.pricing.demand import (
    GridOptimum,
    PriceOptimum,
    capped_optimal_price,
    demand_constant_elasticity,
    demand_linear,
    optimal_price,
    optimal_price_linear,
    optimal_price_logit,
    optimise_price_grid,
    purchase_probability_logit,
)
from pm_toolkit.pricing.elasticity import (
    ElasticityEstimate,
    estimate_elasticity,
    ols_elasticity_plim,
    simulate_endogenous_prices,
)
from pm_toolkit.pricing.power import (
    SwitchbackPower,
    carryover_share,
    design_effect,
    effective_sample_size,
    geo_test_mde,
    orders_needed,
    switchback_mde,
    switchback_power,
    switchback_units_needed,
    within_region_sd,
)
from pm_toolkit.pricing.rollout import (
    GUARDRAIL_METRICS,
    ROLLOUT_DESIGNS,
    assign_items,
    assign_switchback,
    cluster_weeks,
    geo_clusters,
    order_margins,
    region_day_units,
)
from pm_toolkit.pricing.simulator import (
    STANDARD_POLICIES,
    Market,
    Policy,
    SimulationReport,
    break_even_trust,
    fixed_prices,
    model_prices,
    simulate,
    trust_sensitivity,
)

__all__ = [
    "GUARDRAIL_METRICS",
    "ROLLOUT_DESIGNS",
    "STANDARD_POLICIES",
    "ElasticityEstimate",
    "GridOptimum",
    "Market",
    "Policy",
    "PriceOptimum",
    "SimulationReport",
    "SwitchbackPower",
    "assign_items",
    "assign_switchback",
    "break_even_trust",
    "capped_optimal_price",
    "carryover_share",
    "case_market",
    "cluster_weeks",
    "demand_constant_elasticity",
    "demand_linear",
    "design_effect",
    "effective_sample_size",
    "estimate_elasticity",
    "fixed_prices",
    "geo_clusters",
    "geo_test_mde",
    "hour_dummies",
    "list_prices",
    "model_prices",
    "ols_elasticity_plim",
    "optimal_price",
    "optimal_price_linear",
    "optimal_price_logit",
    "optimise_price_grid",
    "order_margins",
    "orders_needed",
    "panel_elasticity",
    "price_response",
    "price_rows",
    "purchase_probability_logit",
    "region_day_units",
    "simulate",
    "simulate_endogenous_prices",
    "switchback_mde",
    "switchback_power",
    "switchback_units_needed",
    "trust_sensitivity",
    "within_region_sd",
]
