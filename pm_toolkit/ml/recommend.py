"""Case 2: "customers who bought this also bought", item to item, against "most popular".

Item-to-item collaborative filtering in the spirit of Amazon's published approach (Linden,
Smith & York, IEEE Internet Computing, 2003): describe each product by the baskets it was
bought in (a column of a baskets × products 0/1 matrix), and call two products similar when
those columns point the same way (cosine similarity). The similar-items table is computed
offline; at request time a product page only looks up its row.

Offline test: in each basket of the test window, the first item added is the *query*; the
recommender shows ``k`` products for it; a **hit** is a basket where any of its other items is
among them. Hit-rate@k = hits ÷ baskets with at least two items. An offline hit-rate says the
recommender predicts what people already buy together, not that showing it sells more: that
needs an A/B test.

>>> import pandas as pd
>>> items = pd.DataFrame({"basket_id": [1, 1, 2, 2, 3], "product_id": [10, 11, 10, 11, 12]})
>>> sim = item_similarity(items)
>>> sim.similar(10, k=2)
[11]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics.pairwise import cosine_similarity

from pm_toolkit.ml.splits import Split, time_split

TEST_START = "2025-09-01"
K = 10


def split_baskets(basket_items: pd.DataFrame, cutoff: str = TEST_START) -> Split:
    """Baskets before ``cutoff`` to learn from, baskets from then on to test."""
    return time_split(basket_items, "order_ts", cutoff)


def popularity(items: pd.DataFrame) -> pd.Series:
    """Baskets each product was bought in, most bought first (ties by product id)."""
    counts = items.groupby("product_id")["basket_id"].nunique()
    return counts.sort_index().sort_values(ascending=False, kind="stable")


#: Neighbours kept per product in the similar-items table (as a site would precompute).
MAX_NEIGHBOURS = 20


@dataclass(frozen=True)
class ItemSimilarity:
    """Cosine similarity between products over the baskets they were bought in, and each
    product's ``MAX_NEIGHBOURS`` most similar products, looked up at request time."""

    product_ids: np.ndarray = field(repr=False)
    matrix: sparse.csr_matrix = field(repr=False)  # products × products, diagonal zero
    neighbours: dict = field(repr=False)  # product id → most similar product ids

    def __repr__(self) -> str:
        return f"ItemSimilarity({len(self.product_ids):,} products, {self.matrix.nnz:,} pairs)"

    def similar(self, product_id: int, k: int = K) -> list[int]:
        """Up to ``k`` products most similar to ``product_id`` (none if it has no history):
        higher similarity first, then the more bought, then the lower id."""
        if k > MAX_NEIGHBOURS:
            raise ValueError(f"the table keeps {MAX_NEIGHBOURS} neighbours; ask for k ≤ that")
        return self.neighbours.get(int(product_id), [])[:k]


def item_similarity(items: pd.DataFrame) -> ItemSimilarity:
    """The similar-items table of the baskets in ``items`` (columns ``basket_id``,
    ``product_id``), through scipy sparse matrices and scikit-learn's cosine similarity."""
    baskets = items["basket_id"].to_numpy()
    products = items["product_id"].to_numpy()
    b_ids, b_pos = np.unique(baskets, return_inverse=True)
    p_ids, p_pos = np.unique(products, return_inverse=True)
    x = sparse.csr_matrix((np.ones(len(items)), (b_pos, p_pos)), shape=(len(b_ids), len(p_ids)))
    x.data[:] = 1.0  # bought in the basket, however often it is listed
    sim = cosine_similarity(x.T, dense_output=False).tocsr()
    sim.setdiag(0.0)
    sim.eliminate_zeros()
    bought = np.asarray(x.sum(axis=0)).ravel()
    neighbours = {}
    for i in range(len(p_ids)):
        lo, hi = sim.indptr[i], sim.indptr[i + 1]
        cols, vals = sim.indices[lo:hi], sim.data[lo:hi]
        order = np.lexsort((p_ids[cols], -bought[cols], -vals))[:MAX_NEIGHBOURS]
        neighbours[int(p_ids[i])] = [int(p) for p in p_ids[cols[order]]]
    return ItemSimilarity(p_ids, sim, neighbours)


def _queries(test: pd.DataFrame) -> pd.DataFrame:
    """One row per test basket with at least two items: the first item and the others."""
    t = test.sort_values(["basket_id", "line"], kind="stable")
    t = t[t.groupby("basket_id")["product_id"].transform("size") >= 2]
    is_first = ~t["basket_id"].duplicated()
    first = t.loc[is_first].set_index("basket_id")["product_id"].rename("query")
    others = t.loc[~is_first].groupby("basket_id")["product_id"].agg(set).rename("targets")
    return pd.concat([first, others], axis=1).reset_index()


@dataclass(frozen=True)
class HitRate:
    """Share of test baskets where a shown product was also in the basket."""

    name: str
    k: int
    baskets: int
    hits: int

    @property
    def rate(self) -> float:
        return self.hits / self.baskets if self.baskets else float("nan")

    def __repr__(self) -> str:
        return f"HitRate({self.name}: {self.hits:,} of {self.baskets:,} baskets = {self.rate:.1%} @ {self.k})"


def hit_rate(
    test: pd.DataFrame, recommend: Callable[[int], list[int]], k: int = K, name: str = ""
) -> HitRate:
    """Hit-rate@k of ``recommend(query_product_id) -> list of product ids`` on ``test``."""
    return _hit_rate(_queries(test), recommend, k, name)


def _hit_rate(q: pd.DataFrame, recommend, k: int, name: str) -> HitRate:
    hits = sum(
        bool(targets & set(recommend(int(query))[:k]))
        for query, targets in zip(q["query"], q["targets"], strict=True)
    )
    return HitRate(name or getattr(recommend, "__name__", "recommender"), k, len(q), int(hits))


def recommenders(
    train: pd.DataFrame, k: int = K, sim: ItemSimilarity | None = None
) -> dict[str, Callable[[int], list[int]]]:
    """The three recommenders of the lesson, learned from ``train``: most popular, item to
    item, and item to item that fills up with popular products when it has too few."""
    sim = sim if sim is not None else item_similarity(train)
    top = [int(i) for i in popularity(train).index[: k + 1]]

    def popular(query: int) -> list[int]:
        return [p for p in top if p != query][:k]

    def item_to_item(query: int) -> list[int]:
        return sim.similar(query, k)

    def item_to_item_or_popular(query: int) -> list[int]:
        first = sim.similar(query, k)
        return (first + [p for p in popular(query) if p not in first])[:k]

    return {
        "popular": popular,
        "item_to_item": item_to_item,
        "item_to_item_or_popular": item_to_item_or_popular,
    }


def compare(split: Split, k: int = K) -> pd.DataFrame:
    """Hit-rate@k of each recommender on the test window."""
    q = _queries(split.test)
    rows = []
    for name, rec in recommenders(split.train, k).items():
        h = _hit_rate(q, rec, k, name)
        rows.append({"recommender": name, "baskets": h.baskets, "hit_rate": h.rate})
    return pd.DataFrame(rows)


def cold_start(split: Split, k: int = K) -> pd.DataFrame:
    """Hit-rate@k split by whether the query product was bought in the training window."""
    seen = set(split.train["product_id"].unique())
    q = _queries(split.test)
    new_baskets = set(q.loc[~q["query"].isin(seen), "basket_id"])
    recs = recommenders(split.train, k)
    rows = []
    for label, keep in (("seen before", False), ("new product", True)):
        part = q[q["basket_id"].isin(new_baskets) == keep]
        for name, rec in recs.items():
            h = _hit_rate(part, rec, k, name)
            rows.append(
                {"query": label, "recommender": name, "baskets": h.baskets, "hit_rate": h.rate}
            )
    return pd.DataFrame(rows)
