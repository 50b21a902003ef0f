"""Lesson 6: forecast demand and place stock before the festive rush (anticipatory shipping).

Pure functions over the ``demand_daily`` and ``warehouses`` tables, with statsmodels and
scikit-learn underneath:

- ``series``: the date × series panel and the sold-out (censored) days;
- ``festivals``: the moving festival calendar, features known in advance, alignment;
- ``baselines`` and ``models``: naive, seasonal naive, same/aligned week last year, moving
  average; Holt-Winters (statsmodels) and boosted P50/P90 quantile models (scikit-learn);
- ``backtest`` and ``metrics``: rolling origins; MAE, WAPE, bias, MAPE, pinball, FVA;
- ``newsvendor`` and ``allocation``: stock to the critical ratio; split a fixed buy;
- ``simulator``, ``season`` and ``dashboard``: replay the festive weeks under each placement
  policy, a monsoon week with and without rerouting, and the cost sliders;
- ``charts``, ``findings`` and ``memo``: what the lesson draws and says, from the data.

>>> from pm_toolkit import forecasting as fc
>>> round(fc.critical_ratio(300, 100), 2)
0.75
"""

from __future__ import annotations

from pm_toolkit.forecasting.allocation import Allocation, allocate_buy, allocation_cost
from pm_toolkit.forecasting.backtest import Backtest, backtest, rolling_origins, split_at
from pm_toolkit.forecasting.baselines import (
    aligned_last_year_forecast,
    moving_average,
    naive,
    same_week_last_year,
    seasonal_naive,
)
from pm_toolkit.forecasting.charts import (
    most_censored,
    plot_baselines,
    plot_censoring,
    plot_festival_shift,
    plot_policies,
)
from pm_toolkit.forecasting.dashboard import newsvendor_dashboard, replay_view
from pm_toolkit.forecasting.festivals import aligned_last_year, calendar_features, festival_table
from pm_toolkit.forecasting.findings import (
    backtest_finding,
    censoring_finding,
    disruption_finding,
    diwali_finding,
    diwali_week,
    diwali_week_backtest,
    mape_finding,
    newsvendor_finding,
    overview,
    placement_finding,
    policy_finding,
    quantile_finding,
    slowest_series,
    standard_methods,
    without_data_science,
)
from pm_toolkit.forecasting.metrics import bias, fva, mae, mape, pinball, wape
from pm_toolkit.forecasting.models import (
    gbm_forecast,
    gradient_boosting,
    holt_winters,
    holt_winters_series,
)
from pm_toolkit.forecasting.newsvendor import (
    StockCosts,
    critical_ratio,
    expected_cost_normal,
    newsvendor_empirical,
    newsvendor_normal,
    newsvendor_poisson,
    stock_costs,
)
from pm_toolkit.forecasting.season import (
    SEASON_DAYS,
    SEASON_START,
    build_season,
    festive_forecast,
    unit_economics,
)
from pm_toolkit.forecasting.series import (
    censored_weeks,
    daily_series,
    sold_out,
    to_panel,
    weekly_by_warehouse,
)
from pm_toolkit.forecasting.simulator import (
    POLICIES,
    Season,
    compare_policies,
    lanes,
    replay,
    replay_disruption,
    wettest_week,
)

__all__ = [
    "POLICIES",
    "SEASON_DAYS",
    "SEASON_START",
    "Allocation",
    "Backtest",
    "Season",
    "StockCosts",
    "aligned_last_year",
    "aligned_last_year_forecast",
    "allocate_buy",
    "allocation_cost",
    "backtest",
    "backtest_finding",
    "bias",
    "build_season",
    "calendar_features",
    "censored_weeks",
    "censoring_finding",
    "compare_policies",
    "critical_ratio",
    "daily_series",
    "disruption_finding",
    "diwali_finding",
    "diwali_week",
    "diwali_week_backtest",
    "expected_cost_normal",
    "festival_table",
    "festive_forecast",
    "fva",
    "gbm_forecast",
    "gradient_boosting",
    "holt_winters",
    "holt_winters_series",
    "lanes",
    "mae",
    "mape",
    "mape_finding",
    "most_censored",
    "moving_average",
    "naive",
    "newsvendor_dashboard",
    "newsvendor_empirical",
    "newsvendor_finding",
    "newsvendor_normal",
    "newsvendor_poisson",
    "overview",
    "pinball",
    "placement_finding",
    "plot_baselines",
    "plot_censoring",
    "plot_festival_shift",
    "plot_policies",
    "policy_finding",
    "quantile_finding",
    "replay",
    "replay_disruption",
    "replay_view",
    "rolling_origins",
    "same_week_last_year",
    "seasonal_naive",
    "slowest_series",
    "sold_out",
    "split_at",
    "standard_methods",
    "stock_costs",
    "to_panel",
    "unit_economics",
    "wape",
    "weekly_by_warehouse",
    "wettest_week",
    "without_data_science",
]
