"""Inputs for the "leverage machine learning" strategy: RFM features, segments, fraud rules.

None of these is a model to ship. Lesson 3 uses a fraud rule only to show that a rule must be
evaluated against outcomes (:func:`pm_toolkit.collection.rule_check`); lesson 7 chooses the
number of segments, trains risk models and evaluates them properly.

* :func:`segment_customers`: k-means on recency, frequency and money (RFM), the textbook way to
  find groups to market to differently ("personalised marketing by clustering").
* :func:`fraud_signals`: transparent rules on transaction patterns (many orders in a short
  time; a large cash-on-delivery first order), the usual first step before
  a fraud model, and the labels such a model is later trained on.

>>> import pandas as pd
>>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["c1", "c1"],
...     "order_ts": pd.to_datetime(["2025-10-01 10:00", "2025-10-05 10:00"]), "net_value": [500.0, 700.0]})
>>> rfm_table(orders).to_dict("records")
[{'customer_id': 'c1', 'recency_days': 0.0, 'frequency': 2, 'monetary': 1200.0}]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pm_toolkit.collection._display import html_card


def rfm_table(orders: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per customer: days since the last order, number of orders, total ``net_value`` (₹)."""
    as_of = orders["order_ts"].max() if as_of is None else as_of
    g = orders.groupby("customer_id")
    out = pd.DataFrame(
        {
            "recency_days": (as_of - g["order_ts"].max()).dt.total_seconds() / 86400,
            "frequency": g["order_id"].nunique(),
            "monetary": g["net_value"].sum(),
        }
    )
    return out.reset_index()


@dataclass(frozen=True)
class Segments:
    """Customers with a segment label, and a one-row-per-segment profile."""

    k: int
    labels: pd.DataFrame = field(repr=False)
    profile: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        sizes = ", ".join(str(n) for n in self.profile["customers"])
        return f"Segments(k={self.k}, sizes=[{sizes}])"

    def _repr_html_(self) -> str:
        return html_card(f"{self.k} customer segments (k-means on RFM)", [], self.profile.round(1))


def segment_customers(rfm: pd.DataFrame, k: int = 4, *, seed: int = 0) -> Segments:
    """k-means on log-scaled, standardised RFM; segments numbered by average spend (0 = lowest).

    Logs tame the long tail of big spenders; standardising stops rupees from outweighing days.
    """
    if not 2 <= k <= 10:
        raise ValueError(f"k must be between 2 and 10 segments; got {k}")
    if len(rfm) < k:
        raise ValueError(f"need at least k={k} customers to form {k} segments; got {len(rfm)}")
    x = np.log1p(rfm[["recency_days", "frequency", "monetary"]].to_numpy(dtype=float))
    std = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3, 1)))
    from scipy.cluster.vq import kmeans2  # heavy (+25 MiB per kernel): only segmenting needs it

    _, raw = kmeans2(x, k, seed=rng, minit="++")
    labelled = rfm.assign(_raw=raw)
    order = labelled.groupby("_raw")["monetary"].mean().sort_values().index
    relabel = {old: new for new, old in enumerate(order)}
    labelled["segment"] = labelled.pop("_raw").map(relabel)
    profile = (
        labelled.groupby("segment")
        .agg(
            customers=("customer_id", "size"),
            recency_days=("recency_days", "mean"),
            orders=("frequency", "mean"),
            spend_inr=("monetary", "mean"),
        )
        .reset_index()
    )
    return Segments(k=k, labels=labelled, profile=profile)


def fraud_signals(
    orders: pd.DataFrame,
    *,
    velocity_window: str = "1h",
    max_orders_in_window: int = 3,
    cod_value_quantile: float = 0.95,
) -> pd.DataFrame:
    """Orders that match a simple fraud rule, with the reason.

    * ``velocity``: the customer's n-th order within ``velocity_window``, n > ``max_orders_in_window``.
    * ``first_order_big_cod``: a customer's first order, paid cash on delivery, worth more than
      the ``cod_value_quantile`` of all orders: no history to trust, and nothing paid up front.
    """
    if not 0 < cod_value_quantile < 1:
        raise ValueError(f"cod_value_quantile must be between 0 and 1; got {cod_value_quantile}")
    o = orders.sort_values(["customer_id", "order_ts"], kind="stable").reset_index(drop=True)
    counts = (
        o.set_index("order_ts")
        .groupby("customer_id")["order_id"]
        .rolling(pd.Timedelta(velocity_window))
        .count()
        .to_numpy()
    )
    first = ~o["customer_id"].duplicated()
    big_cod = o["payment_method"].eq("cod") & (
        o["net_value"] > o["net_value"].quantile(cod_value_quantile)
    )
    flags = [
        o.loc[counts > max_orders_in_window].assign(reason="velocity"),
        o.loc[first & big_cod].assign(reason="first_order_big_cod"),
    ]
    return pd.concat(flags, ignore_index=True)
