"""Data collection at scale: tracking plans, data-quality checks, streaming windows and privacy.

The tools of lesson 3, one module per idea:

* :mod:`~pm_toolkit.collection.tracking_plan`: an event schema and a validator.
* :mod:`~pm_toolkit.collection.quality`: duplicates, bots, missing ids, late events, and how
  much each moves conversion, cart abandonment and events per session.
* :mod:`~pm_toolkit.collection.stream`: micro-batch windows, live metrics, spike and stock-out alerts.
* :mod:`~pm_toolkit.collection.privacy`: keyed pseudonyms, coarsening, k-anonymity, small-cell suppression.
* :mod:`~pm_toolkit.collection.customer_view`: a customer 360 built from audited joins.
* :mod:`~pm_toolkit.collection.signals`: RFM features, a k-means helper and simple fraud rules
  (lesson 7 builds and evaluates real models; lesson 3 only evaluates a rule).
* :mod:`~pm_toolkit.collection.story`: the lesson's sentences (built from the data) and figures.

>>> from pm_toolkit import collection
>>> collection.bazaar_tracking_plan().names[-1]
'purchase'
"""

from __future__ import annotations

from pm_toolkit.collection.customer_view import CustomerView, JoinStep, audited_merge, customer_360
from pm_toolkit.collection.privacy import (
    KAnonymityReport,
    Pseudonymiser,
    bare_hash,
    coarsen_pin,
    coarsen_time,
    dictionary_attack,
    k_anonymity,
    safe_aggregate,
    to_band,
)
from pm_toolkit.collection.quality import (
    GA4_LATENESS,
    CleaningReport,
    FunnelMetrics,
    QualityCheck,
    StepSummary,
    clean_events,
    find_bots,
    find_duplicates,
    find_late_events,
    find_missing_ids,
    funnel_metrics,
    lateness_profile,
    session_speed,
)
from pm_toolkit.collection.signals import Segments, fraud_signals, rfm_table, segment_customers
from pm_toolkit.collection.story import (
    ML_DATA_NEEDS,
    attack_finding,
    bots_finding,
    broken_release,
    cleaning_finding,
    device_engagement_finding,
    device_table,
    duplicates_finding,
    join_finding,
    lateness_finding,
    missing_finding,
    ml_data_needs,
    overview_finding,
    plan_finding,
    plot_bot_speed,
    plot_lateness,
    plot_spike_alerts,
    release_finding,
    release_steps,
    release_table,
    rule_check,
    stockout_finding,
    suppression_finding,
)
from pm_toolkit.collection.stream import (
    AlertSummary,
    Snapshot,
    WindowTradeoff,
    alert_dashboard,
    alert_summary,
    replay,
    spike_alerts,
    stockout_alerts,
    window_metrics,
    window_tradeoff,
)
from pm_toolkit.collection.tracking_plan import (
    EventSpec,
    PlanReport,
    TrackingPlan,
    bazaar_tracking_plan,
)

__all__ = [
    "GA4_LATENESS",
    "ML_DATA_NEEDS",
    "AlertSummary",
    "CleaningReport",
    "CustomerView",
    "EventSpec",
    "FunnelMetrics",
    "JoinStep",
    "KAnonymityReport",
    "PlanReport",
    "Pseudonymiser",
    "QualityCheck",
    "Segments",
    "Snapshot",
    "StepSummary",
    "TrackingPlan",
    "WindowTradeoff",
    "alert_dashboard",
    "alert_summary",
    "attack_finding",
    "audited_merge",
    "bare_hash",
    "bazaar_tracking_plan",
    "bots_finding",
    "broken_release",
    "clean_events",
    "cleaning_finding",
    "coarsen_pin",
    "coarsen_time",
    "customer_360",
    "device_engagement_finding",
    "device_table",
    "dictionary_attack",
    "duplicates_finding",
    "find_bots",
    "find_duplicates",
    "find_late_events",
    "find_missing_ids",
    "fraud_signals",
    "funnel_metrics",
    "join_finding",
    "k_anonymity",
    "lateness_finding",
    "lateness_profile",
    "missing_finding",
    "ml_data_needs",
    "overview_finding",
    "plan_finding",
    "plot_bot_speed",
    "plot_lateness",
    "plot_spike_alerts",
    "release_finding",
    "release_steps",
    "release_table",
    "replay",
    "rfm_table",
    "rule_check",
    "safe_aggregate",
    "segment_customers",
    "session_speed",
    "spike_alerts",
    "stockout_alerts",
    "stockout_finding",
    "suppression_finding",
    "to_band",
    "window_metrics",
    "window_tradeoff",
]
