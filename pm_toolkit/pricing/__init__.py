"""Pricing for the capstone: should Amazon India launch hourly dynamic pricing?

One module per idea:

* :mod:`~pm_toolkit.pricing.demand`: demand curves and their optimal prices (closed forms and a
  constrained grid search: MRP ceiling, minimum margin, maximum change).
* :mod:`~pm_toolkit.pricing.elasticity`: log-log elasticity estimates and the endogeneity trap.
* :mod:`~pm_toolkit.pricing.simulator`: a repricing simulator over the hourly panel
  (static, daily, hourly, hourly with guardrails), with competitors, stock-outs and trust.
* :mod:`~pm_toolkit.pricing.rollout`: switchback and item-level designs, power, guardrails.
* :mod:`~pm_toolkit.pricing.memo`: the decision memo and its rubric.
* :mod:`~pm_toolkit.pricing.case`: the case's numbers from the learner's own tables.
* :mod:`~pm_toolkit.pricing.dashboard`: the simulator and memo dashboards of the lesson.

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
from pm_toolkit.pricing.memo import DecisionMemo, MemoScore, model_answer, score_memo
from pm_toolkit.pricing.rollout import (
    GUARDRAIL_METRICS,
    ROLLOUT_DESIGNS,
    assign_items,
    assign_switchback,
    design_effect,
    effective_sample_size,
    region_day_units,
    switchback_mde,
    switchback_power,
    switchback_units_needed,
)
from pm_toolkit.pricing.simulator import (
    STANDARD_POLICIES,
    Market,
    Policy,
    SimulationReport,
    break_even_trust,
    model_prices,
    simulate,
    trust_sensitivity,
)

__all__ = [
    "GUARDRAIL_METRICS",
    "ROLLOUT_DESIGNS",
    "STANDARD_POLICIES",
    "DecisionMemo",
    "ElasticityEstimate",
    "GridOptimum",
    "Market",
    "MemoScore",
    "Policy",
    "PriceOptimum",
    "SimulationReport",
    "assign_items",
    "assign_switchback",
    "break_even_trust",
    "capped_optimal_price",
    "case_market",
    "demand_constant_elasticity",
    "demand_linear",
    "design_effect",
    "effective_sample_size",
    "estimate_elasticity",
    "hour_dummies",
    "list_prices",
    "model_answer",
    "model_prices",
    "ols_elasticity_plim",
    "optimal_price",
    "optimal_price_linear",
    "optimal_price_logit",
    "optimise_price_grid",
    "panel_elasticity",
    "price_rows",
    "purchase_probability_logit",
    "region_day_units",
    "score_memo",
    "simulate",
    "simulate_endogenous_prices",
    "switchback_mde",
    "switchback_power",
    "switchback_units_needed",
    "trust_sensitivity",
]
