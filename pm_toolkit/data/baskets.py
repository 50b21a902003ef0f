"""A 12-month basket history with planted item-to-item affinities ("bought together").

Every product has two planted **complements** (a phone → a cover and a charger, a saree → a
blouse piece, a pressure cooker → a spice pack), drawn from related categories
(``COMPLEMENT_CATEGORIES``). A basket starts from an *anchor* product (chosen by the customer's
category taste and the product's popularity); each complement joins it with probability
``P_COMPLEMENT``; a few unrelated popular products are added as noise. A recommender that
recovers the complements from co-purchases beats "most popular".

A share of products launches during the last 90 days (``NEW_PRODUCT_SHARE``): they have no
history before the test window, which is the cold-start problem.

>>> tab, truth = make_basket_items(1, "tiny")
>>> truth["p_complement"], tab.num_rows > truth["baskets"]
(0.35, True)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import ts
from pm_toolkit.data.cod import FIRST_DAY, TEST_START
from pm_toolkit.data.dimensions import make_customers, make_products
from pm_toolkit.data.ml_world import ml_rng, ml_size
from pm_toolkit.data.scales import N_DAYS, day_start_ms
from pm_toolkit.data.streams import cum_choice

#: The two complement slots of a product in each category [A].
COMPLEMENT_CATEGORIES = {
    "fashion": ("fashion", "fashion"),  # saree → blouse piece, kurta → dupatta
    "beauty": ("beauty", "beauty"),  # face wash → moisturiser
    "electronics": ("electronics", "smart_home"),  # earphones → charger, smart plug
    "mobiles": ("electronics", "electronics"),  # phone → cover and charger
    "home_kitchen": ("home_kitchen", "grocery"),  # pressure cooker → gasket, spice pack
    "grocery": ("grocery", "grocery"),  # atta → dal
    "books": ("books", "toys"),  # storybook → puzzle
    "toys": ("toys", "books"),
    "sports_fitness": ("sports_fitness", "grocery"),  # yoga mat → protein bar
    "smart_home": ("smart_home", "electronics"),  # smart bulb → smart plug
}
P_COMPLEMENT = 0.35  # chance each planted complement joins the anchor's basket [A]
NOISE_ITEMS_MEAN = 0.6  # unrelated popular items per basket (Poisson mean) [A]
ANCHOR_FIRST_P = 0.75  # the anchor is usually the first item added to the cart
NEW_PRODUCT_SHARE = 0.08  # products launched during the test window [A]


def _complements(rng, cat, cat_start, cat_end, popularity) -> np.ndarray:
    """Two complements per product, popular ones more likely (but not only the top seller)."""
    n = len(cat)
    out = np.empty((n, 2), dtype=np.int64)
    weight = np.sqrt(popularity)
    for slot in range(2):
        u = rng.random(n)
        for c, name in enumerate(C.CATEGORIES):
            target = C.CATEGORIES.index(COMPLEMENT_CATEGORIES[name][slot])
            lo, hi = cat_start[target], cat_end[target]
            rows = np.flatnonzero(cat == c)
            out[rows, slot] = lo + cum_choice(np.cumsum(weight[lo:hi]), u[rows])
    # a product is never its own complement, and its two complements differ
    same = (out[:, 0] == np.arange(n)) | (out[:, 1] == np.arange(n)) | (out[:, 0] == out[:, 1])
    for i in np.flatnonzero(same):
        pool = np.setdiff1d(np.arange(cat_start[cat[i]], cat_end[cat[i]]), [i])
        slot_cat = C.CATEGORIES.index(COMPLEMENT_CATEGORIES[C.CATEGORIES[cat[i]]][1])
        pool2 = np.setdiff1d(np.arange(cat_start[slot_cat], cat_end[slot_cat]), [i])
        out[i, 0] = pool[np.argmax(popularity[pool])] if out[i, 0] == i else out[i, 0]
        choices = np.setdiff1d(pool2, [out[i, 0]])
        out[i, 1] = choices[np.argmax(popularity[choices])]
    return out


def make_basket_items(
    seed: int, scale: str, customers=None, products=None
) -> tuple[pa.Table, dict]:
    """One row per (basket, product) over 12 months, and the planted complements."""
    rng = ml_rng(seed, "basket_items")
    cu = customers if customers is not None else make_customers(seed, scale)[1]
    pr = products if products is not None else make_products(seed, scale)[1]
    n_p, n_c = len(pr["category"]), len(cu["segment"])
    cat = pr["category"].astype(int)
    comp = _complements(rng(), cat, pr["cat_start"], pr["cat_end"], pr["popularity"])
    launch = np.full(n_p, FIRST_DAY)
    new = rng().random(n_p) < NEW_PRODUCT_SHARE
    launch[new] = rng().integers(0, N_DAYS - 30, int(new.sum()))

    first_day = np.maximum(cu["signup_day"], FIRST_DAY)
    weight = np.sqrt(np.minimum(cu["activity"], 4.0)) * np.clip(N_DAYS - first_day, 0, None)
    n_b = rng().poisson(ml_size("basket_items", scale) * weight / weight.sum())
    b_cust = np.repeat(np.arange(n_c), n_b)
    nb = len(b_cust)
    span = (N_DAYS - first_day[b_cust]).astype(float)
    b_day = first_day[b_cust] + np.floor(rng().random(nb) * span).astype(int)

    # Anchor: category by the customer's segment taste, then product by popularity.
    taste = C.SEGMENT_AFFINITY * np.asarray(C.CATEGORY_INTENT)
    cum_taste = np.cumsum(taste, axis=1)
    seg = cu["segment"][b_cust].astype(int)
    u = rng().random(nb) * cum_taste[seg, -1]
    a_cat = np.minimum((u[:, None] >= cum_taste[seg]).sum(axis=1), len(C.CATEGORIES) - 1)
    u = rng().random(nb)
    anchor = np.empty(nb, dtype=np.int64)
    for c in range(len(C.CATEGORIES)):
        rows = np.flatnonzero(a_cat == c)
        lo, hi = pr["cat_start"][c], pr["cat_end"][c]
        anchor[rows] = lo + cum_choice(np.cumsum(pr["popularity"][lo:hi]), u[rows])

    joins = rng().random((nb, 2)) < P_COMPLEMENT
    n_noise = rng().poisson(NOISE_ITEMS_MEAN, nb)
    noise_items = cum_choice(np.cumsum(pr["popularity"]), rng().random(int(n_noise.sum())))
    basket = np.concatenate(
        [
            np.arange(nb),
            np.repeat(np.arange(nb), joins.sum(axis=1)),
            np.repeat(np.arange(nb), n_noise),
        ]
    )
    product = np.concatenate([anchor, comp[anchor][joins], noise_items])
    role = np.concatenate([np.zeros(nb), np.ones(int(joins.sum())), np.full(len(noise_items), 2)])
    # drop products not launched yet and repeats within a basket
    keep = b_day[basket] >= launch[product]
    basket, product, role = basket[keep], product[keep], role[keep]
    _, first = np.unique(basket * n_p + product, return_index=True)
    basket, product, role = basket[first], product[first], role[first]

    # The order items were added: usually the anchor first, otherwise at random.
    key = rng().random(len(basket))
    anchor_first = rng().random(nb) < ANCHOR_FIRST_P
    key[(role == 0) & anchor_first[basket]] = -1.0
    order = np.lexsort((key, basket))
    basket, product = basket[order], product[order]
    starts = np.flatnonzero(np.r_[True, basket[1:] != basket[:-1]])
    line = np.arange(len(basket)) - np.repeat(starts, np.diff(np.r_[starts, len(basket)]))

    hour = cum_choice(np.cumsum(C.HOUR_PROFILE), rng().random(nb))
    day_ms = np.array([day_start_ms(int(d)) for d in range(FIRST_DAY, N_DAYS)])
    b_ms = day_ms[b_day - FIRST_DAY] + hour * 3_600_000 + rng().integers(0, 3_600_000, nb)
    # basket ids in time order
    by_time = np.argsort(b_ms, kind="stable")
    rank = np.empty(nb, dtype=np.int64)
    rank[by_time] = np.arange(1, nb + 1)
    final = np.lexsort((line, rank[basket]))
    basket, product, line = basket[final], product[final], line[final]

    table = pa.table(
        {
            "basket_id": pa.array(rank[basket]),
            "customer_id": pa.array((b_cust[basket] + 1).astype(np.int64)),
            "order_ts": ts(b_ms[basket]),
            "line": pa.array((line + 1).astype(np.int16)),
            "product_id": pa.array((product + 1).astype(np.int64)),
            "unit_price": pa.array(pr["list_price"][product]),
        }
    )
    truth = {
        "window": {"start": "2024-12-01", "test_start": TEST_START.isoformat()},
        "p_complement": P_COMPLEMENT,
        "noise_items_mean": NOISE_ITEMS_MEAN,
        "anchor_first_p": ANCHOR_FIRST_P,
        "complement_categories": {k: list(v) for k, v in COMPLEMENT_CATEGORIES.items()},
        "new_products": int(new.sum()),
        "baskets": int(nb),
    }
    if n_p <= 2_000:  # the full list only where it stays small enough to read
        truth["complements"] = {
            str(i + 1): [int(a + 1), int(b + 1)] for i, (a, b) in enumerate(comp)
        }
        truth["new_product_ids"] = [int(i + 1) for i in np.flatnonzero(new)]
    return table, truth
