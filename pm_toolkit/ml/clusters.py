"""Customer clusters: k-means with the choice of k shown, and what a cluster is not.

k-means puts customers with similar behaviour into k groups. It always returns k groups,
whatever k you ask for, so k is a choice: the **elbow** (where adding a cluster stops
shrinking the within-cluster spread much) and the **silhouette** (how much closer each
customer is to its own cluster than to the next, from −1 to 1) guide it.

A cluster is a **description, not a decision**: "high-order, low-discount customers" says who
they are, not which offer makes them buy more. That comes from a randomised test per cluster.

>>> import pandas as pd
>>> df = pd.DataFrame({"a": [0, 0.1, 0, 5, 5.1, 5], "b": [0, 0, 0.1, 5, 5, 5.1]})
>>> choose_k(df, ["a", "b"], ks=[2, 3]).best_k
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

#: The promotion test's pre-test behaviour columns.
CLUSTER_FEATURES = ("orders_12m", "aov_12m", "discount_share_12m", "days_since_last_order")
SILHOUETTE_SAMPLE = 3_000  # silhouette compares every pair: score a fixed random sample
FIT_SAMPLE = 20_000  # rows k-means sees while k is being chosen (enough to see the shape)


def _scaled(frame: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    return StandardScaler().fit_transform(frame[list(features)].to_numpy(dtype=float))


@dataclass(frozen=True)
class KChoice:
    """Within-cluster spread (inertia) and silhouette for each k tried."""

    table: pd.DataFrame

    @property
    def best_k(self) -> int:
        """The k with the highest silhouette."""
        return int(self.table.loc[self.table["silhouette"].idxmax(), "k"])

    def _repr_html_(self) -> str:
        return self.table.round(3).to_html(index=False)


def choose_k(
    frame: pd.DataFrame,
    features: Sequence[str] = CLUSTER_FEATURES,
    ks: Sequence[int] = range(2, 9),
    seed: int = 0,
) -> KChoice:
    """Fit k-means for each k in ``ks`` on standardised ``features``; report inertia and
    silhouette (scikit-learn's, on a fixed sample of at most ``SILHOUETTE_SAMPLE`` rows).
    k is chosen on a fixed random sample of at most ``FIT_SAMPLE`` rows."""
    x = _scaled(frame, features)
    if len(x) > FIT_SAMPLE:
        x = x[np.random.default_rng(seed).choice(len(x), FIT_SAMPLE, replace=False)]
    rows = []
    with threadpool_limits(1):
        for k in ks:
            km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(x)
            sample = min(SILHOUETTE_SAMPLE, len(x))
            sil = silhouette_score(x, km.labels_, sample_size=sample, random_state=seed)
            rows.append({"k": int(k), "inertia": float(km.inertia_), "silhouette": float(sil)})
    return KChoice(pd.DataFrame(rows))


@dataclass(frozen=True)
class Clusters:
    """Each row's cluster (``labels``) and a profile of each cluster (means and size)."""

    labels: np.ndarray = field(repr=False)
    profile: pd.DataFrame

    def _repr_html_(self) -> str:
        return self.profile.round(2).to_html()


def fit_clusters(
    frame: pd.DataFrame, k: int, features: Sequence[str] = CLUSTER_FEATURES, seed: int = 0
) -> Clusters:
    """k-means with ``k`` clusters; clusters are numbered by size, largest first."""
    with threadpool_limits(1):
        km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(_scaled(frame, features))
    sizes = np.bincount(km.labels_, minlength=k)
    rank = np.empty(k, dtype=int)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(k)
    labels = rank[km.labels_]
    profile = frame[list(features)].groupby(labels).mean()
    profile.insert(0, "customers", np.bincount(labels, minlength=k))
    profile.index.name = "cluster"
    return Clusters(labels, profile)
