"""The web-analytics metrics that matter, computed from raw sessions, events and orders.

Every function takes the data world's tables (or any frames with the same columns) *as given*:
cleaning bots and duplicate events is the collection lesson's job, and the traps section of the
metrics lesson shows what happens when you skip it.

Rates are **ratios of sums**: total converting sessions over total sessions, total revenue over
total orders. The tempting alternative, averaging a per-unit ratio (each day's conversion rate,
each customer's average basket), weights a quiet Tuesday as much as Diwali and gives a different,
usually wrong, answer. Docstrings say which unit each metric counts.

>>> import pandas as pd
>>> sessions = pd.DataFrame({"session_id": [1, 2, 3, 4], "customer_id": ["a", "a", "b", "c"]})
>>> orders = pd.DataFrame({"order_id": [10], "customer_id": ["a"], "session_id": [2],
...                        "net_value": [500.0], "status": ["delivered"]})
>>> conversion_rate(sessions, orders).value
0.25
>>> conversion_rate(sessions, orders, per="visitor").value  # 1 of 3 visitors bought
0.3333333333333333

The package is split by idea; import from ``pm_toolkit.metrics`` itself, which re-exports all:

- :mod:`~pm_toolkit.metrics.definitions`: which orders count (placed orders vs sales) and
  what each metric does with a missing value: the one place these rules live.
- :mod:`~pm_toolkit.metrics.traffic`: ``human_traffic``, the raw tables without bots and
  retried clicks.
- :mod:`~pm_toolkit.metrics.tables`: ``session_table`` and ``daily_summary``, the rows to sum.
- :mod:`~pm_toolkit.metrics.rates`: ``Ratio``; conversion, bounce, cart abandonment, repeat purchase.
- :mod:`~pm_toolkit.metrics.value`: average order value and the three forms of LTV.
- :mod:`~pm_toolkit.metrics.speed`: page-load percentiles and load time vs conversion.
- :mod:`~pm_toolkit.metrics.journey`: the shopping funnel and cohort retention.
- :mod:`~pm_toolkit.metrics.segments`: breakdowns by segment and the Simpson mix-shift decomposition.
- :mod:`~pm_toolkit.metrics.dashboard`: the interactive metrics dashboard.
- :mod:`~pm_toolkit.metrics.story`: the sentences Lesson 2 states about the data (``Finding``s).
- :mod:`~pm_toolkit.metrics.charts`: Lesson 2's charts (imported on demand: it needs matplotlib).
"""

from __future__ import annotations

from . import definitions, story
from .dashboard import DashboardView, metrics_dashboard
from .definitions import NOT_A_SALE, ORDER_STATUSES, SALE_STATUS
from .journey import FUNNEL_STEPS, Funnel, cohort_retention, funnel
from .rates import (
    GA4_ENGAGED_SECONDS,
    Ratio,
    bounce_rate,
    cart_abandonment_rate,
    conversion_rate,
    ga4_bounce_rate,
    repeat_purchase_rate,
)
from .segments import SEGMENTS, MixShift, breakdown, mix_shift
from .speed import (
    LOAD_TIME_EDGES_MS,
    NOT_MEASURED,
    LoadTimeEffect,
    LoadTimeSummary,
    conversion_by_load_time,
    load_time_sensitivity,
    load_time_summary,
)
from .tables import daily_summary, session_table
from .traffic import HumanTraffic, human_traffic
from .value import average_order_value, cohort_ltv, discounted_ltv, simple_ltv

__all__ = [
    "FUNNEL_STEPS",
    "GA4_ENGAGED_SECONDS",
    "LOAD_TIME_EDGES_MS",
    "NOT_A_SALE",
    "NOT_MEASURED",
    "ORDER_STATUSES",
    "SALE_STATUS",
    "SEGMENTS",
    "DashboardView",
    "Funnel",
    "HumanTraffic",
    "LoadTimeEffect",
    "LoadTimeSummary",
    "MixShift",
    "Ratio",
    "average_order_value",
    "bounce_rate",
    "breakdown",
    "cart_abandonment_rate",
    "cohort_ltv",
    "cohort_retention",
    "conversion_by_load_time",
    "conversion_rate",
    "daily_summary",
    "definitions",
    "discounted_ltv",
    "funnel",
    "ga4_bounce_rate",
    "human_traffic",
    "load_time_sensitivity",
    "load_time_summary",
    "metrics_dashboard",
    "mix_shift",
    "repeat_purchase_rate",
    "session_table",
    "simple_ltv",
    "story",
]
