"""The data flywheel as a small system-dynamics model, and the four data-driven levers.

The loop (Amazon's "virtuous cycle", sketched around 2001):

    customer experience -> traffic -> sellers -> selection -> customer experience
    growth -> lower cost structure -> lower prices -> customer experience

:func:`simulate` steps that loop week by week and returns one row per week. Balancing loops
stop it from running away: the market is finite (saturation), deliveries need capacity, and
competitors cut their prices as we take share. :func:`compare_decisions` runs the same wheel
twice, once with data-driven decisions and once with guesswork, and says how much slower the
second one turns and which decision costs the most.

**Every parameter is illustrative [A].** No public, calibrated model of a marketplace flywheel
exists; the only public series we line the model up against is the third-party (3P) share of
Amazon's physical sales, 1999-2018 (Amazon's 2018 shareholder letter), see
:func:`third_party_share_history` and :func:`fit_third_party_share`.

>>> frame = simulate(FlywheelParams(), periods=104)
>>> bool(frame["customers"].iloc[-1] > frame["customers"].iloc[0])
True

The levers are plain functions over the learner's data: :func:`category_growth` (market
conditions), :func:`segment_preferences` (customer satisfaction), :func:`promotion_response`
(sales) and :func:`price_change` (cost optimisation). :func:`unit_economics` computes the
contribution margin per order by payment method (the cost loop, order by order), and
:func:`prepaid_nudge` / :func:`cod_fee` the decisions it informs; every cost the data does not
record is an assumption in :data:`COSTS`.

Modules: :mod:`.model` (the loop, its knobs, :func:`simulate` and its closed forms),
:mod:`.decisions` (data-driven vs guesswork, over one seed or many), :mod:`.calibration`
(Amazon's 3P share and the fit of the seller knobs), :mod:`.levers` (the four levers and their
SQL), :mod:`.unit_economics` (contribution per order), :mod:`.findings` (the lesson's
sentences, built from the data), :mod:`.charts` (the lesson's static figures) and :mod:`.interactive` (the slider
dashboard).
"""

from __future__ import annotations

from pm_toolkit.flywheel.calibration import (
    CALIBRATED,
    THIRD_PARTY_SOURCE,
    Calibration,
    fit_third_party_share,
    third_party_share_history,
    yearly_third_party_share,
)
from pm_toolkit.flywheel.charts import (
    plot_calibration,
    plot_category_shares,
    plot_comparison,
    plot_loop,
    plot_price_curve,
    plot_promotion_lift,
    plot_run,
    plot_unit_economics,
)
from pm_toolkit.flywheel.decisions import (
    DATA_DRIVEN,
    DECISION_FACTORS,
    GUESSWORK,
    DecisionComparison,
    compare_decisions,
    compare_many,
)
from pm_toolkit.flywheel.findings import (
    bass_finding,
    calibration_finding,
    checkout_reach_finding,
    comparison_finding,
    emerging_finding,
    link_experiments,
    link_experiments_finding,
    preferences_finding,
    promotion_finding,
    run_finding,
    spread_finding,
    teams_finding,
)
from pm_toolkit.flywheel.interactive import (
    SLIDERS,
    FlywheelView,
    RunSummary,
    dashboard,
    summarise_run,
    svg_chart,
)
from pm_toolkit.flywheel.levers import (
    LEVERS,
    RANDOMISED_SESSIONS_SQL,
    SEGMENT_CATEGORY_VIEWS_SQL,
    TOP_PRODUCT_SQL,
    WEEKLY_CATEGORY_VIEWS_SQL,
    PriceChange,
    best_promotion,
    category_growth,
    checkout_reach,
    emerging_category,
    price_change,
    profit_max_price,
    promotion_response,
    segment_preferences,
)
from pm_toolkit.flywheel.model import _STREAM as _STREAM  # used by the tests
from pm_toolkit.flywheel.model import (
    COLUMNS,
    COST_LOOP,
    MAIN_LOOP,
    PARAM_NOTES,
    Decisions,
    FlywheelParams,
    bass_customers,
    bass_peak_customers,
    params_table,
    simulate,
    steady_state_gap,
    weeks_to_reach,
)
from pm_toolkit.flywheel.unit_economics import (
    COSTS,
    STATUS_RULES,
    CodFee,
    CostAssumptions,
    PrepaidNudge,
    UnitEconomics,
    by_payment,
    cod_fee,
    order_economics,
    prepaid_nudge,
    unit_economics,
    unit_economics_finding,
)

__all__ = [
    "CALIBRATED",
    "COLUMNS",
    "COSTS",
    "COST_LOOP",
    "DATA_DRIVEN",
    "DECISION_FACTORS",
    "GUESSWORK",
    "LEVERS",
    "MAIN_LOOP",
    "PARAM_NOTES",
    "RANDOMISED_SESSIONS_SQL",
    "SEGMENT_CATEGORY_VIEWS_SQL",
    "SLIDERS",
    "STATUS_RULES",
    "THIRD_PARTY_SOURCE",
    "TOP_PRODUCT_SQL",
    "WEEKLY_CATEGORY_VIEWS_SQL",
    "Calibration",
    "CodFee",
    "CostAssumptions",
    "DecisionComparison",
    "Decisions",
    "FlywheelParams",
    "FlywheelView",
    "PrepaidNudge",
    "PriceChange",
    "RunSummary",
    "UnitEconomics",
    "bass_customers",
    "bass_finding",
    "bass_peak_customers",
    "best_promotion",
    "by_payment",
    "calibration_finding",
    "category_growth",
    "checkout_reach",
    "checkout_reach_finding",
    "cod_fee",
    "compare_decisions",
    "compare_many",
    "comparison_finding",
    "dashboard",
    "emerging_category",
    "emerging_finding",
    "fit_third_party_share",
    "link_experiments",
    "link_experiments_finding",
    "order_economics",
    "params_table",
    "plot_calibration",
    "plot_category_shares",
    "plot_comparison",
    "plot_loop",
    "plot_price_curve",
    "plot_promotion_lift",
    "plot_run",
    "plot_unit_economics",
    "preferences_finding",
    "prepaid_nudge",
    "price_change",
    "profit_max_price",
    "promotion_finding",
    "promotion_response",
    "run_finding",
    "segment_preferences",
    "simulate",
    "spread_finding",
    "steady_state_gap",
    "summarise_run",
    "svg_chart",
    "teams_finding",
    "third_party_share_history",
    "unit_economics",
    "unit_economics_finding",
    "weeks_to_reach",
    "yearly_third_party_share",
]
