"""Customers and products: the dimension tables, plus the hidden weights the clickstream uses.

Customer ids are assigned in signup order, so "customers signed up by day d" is a prefix of the
id range and a session can pick only customers who already exist with one ``searchsorted``.

>>> cust, hidden = make_customers(1, "tiny")
>>> cust.num_rows, bool((hidden["signup_day"][1:] >= hidden["signup_day"][:-1]).all())
(1500, True)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import decode, money
from pm_toolkit.data.scales import (
    PERIOD_END,
    PERIOD_START,
    SIGNUP_START,
    days_since_epoch,
    get_scale,
)
from pm_toolkit.data.streams import cum_choice, stream


@lru_cache(maxsize=4)  # pure in (seed, scale); callers never mutate the result
def make_customers(seed: int, scale: str) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """The customers table and hidden per-customer arrays (segment code, activity, signup day)."""
    n = get_scale(scale).customers
    col = iter(range(100))

    def rng() -> np.random.Generator:
        return stream(seed, "customers", 0, next(col))

    # Signup density grows linearly in time (a growing marketplace) [A].
    span = (PERIOD_END - SIGNUP_START).days + 1
    offset = np.floor(span * np.sqrt(rng().random(n))).astype(np.int32)
    offset = np.sort(offset)  # customer_id order == signup order
    signup_day = offset - (PERIOD_START - SIGNUP_START).days  # relative to period day 0

    cities = C.cities()
    tier = np.array([c["tier"] for c in cities])
    w = np.array([c["weight"] for c in cities])
    for t, share in C.TIER_SHARES.items():
        w[tier == t] *= share / w[tier == t].sum()
    city_idx = cum_choice(np.cumsum(w), rng().random(n))
    pin_prefix = np.array([int(c["pin_prefix"]) for c in cities])[city_idx]
    pin = pin_prefix * 1000 + rng().integers(1, 100, n)  # plausible delivery-office suffixes
    pin_code = pc.utf8_lpad(pa.array(pin).cast(pa.string()), 6, "0")

    female = rng().random(n) < 0.48
    pool = C.names()
    fm, ff, ln = pool["first_names_male"], pool["first_names_female"], pool["last_names"]
    first_m = rng().integers(0, len(fm), n)
    first_f = rng().integers(0, len(ff), n)
    last = rng().integers(0, len(ln), n)
    first = pc.if_else(pa.array(female), decode(first_f, ff), decode(first_m, fm))
    name = pc.binary_join_element_wise(first, decode(last, ln), " ")

    segment = cum_choice(np.cumsum(C.SEGMENT_SHARES), rng().random(n))
    acq = cum_choice(np.cumsum(C.ACQ_SHARES), rng().random(n))
    device = cum_choice(np.cumsum(C.PREFERRED_DEVICE_SHARES), rng().random(n))
    activity = rng().lognormal(0.0, 1.2, n) * np.asarray(C.SEGMENT_ACTIVITY)[segment]
    # Some customers buy far more readily than others (mean 1): this, with skewed activity,
    # is what makes repeat purchase and LTV meaningful.
    propensity = rng().lognormal(-0.5 * 0.8**2, 0.8, n)
    member_p = np.where(segment == 1, 2.0, 1.0) * C.MEMBER_SHARE
    is_member = rng().random(n) < member_p

    table = pa.table(
        {
            "customer_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "name": name,
            "city": decode(city_idx, [c["city"] for c in cities]),
            "state": decode(city_idx, [c["state"] for c in cities]),
            "pin_code": pin_code,
            "city_tier": pa.array(tier[city_idx].astype(np.int8)),
            "signup_date": pa.array(
                (days_since_epoch(SIGNUP_START) + offset).astype(np.int32), type=pa.date32()
            ),
            "acquisition_channel": decode(acq, C.ACQ_CHANNELS),
            "preferred_device": decode(device, C.DEVICES),
            "segment": decode(segment, C.SEGMENTS),
            "is_member": pa.array(is_member),
        }
    )
    hidden = {
        "signup_day": signup_day.astype(np.int32),
        "segment": segment.astype(np.int8),
        "activity": activity,
        "propensity": propensity,
        "device": device.astype(np.int8),
        "tier": tier[city_idx].astype(np.int8),
        "member": is_member,
    }
    return table, hidden


def _price_point(x: np.ndarray) -> np.ndarray:
    """Round to the nearest Indian "…99" price point: 99, 199, …, 999, 1,099, …"""
    return np.maximum(np.round(x / 100) * 100 - 1, 99)


@lru_cache(maxsize=4)
def make_products(seed: int, scale: str) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """The products table (sorted by category) and hidden arrays for sampling."""
    n = get_scale(scale).products
    col = iter(range(100))

    def rng() -> np.random.Generator:
        return stream(seed, "products", 0, next(col))

    ncat = len(C.CATEGORIES)
    # Every category gets at least 3 products; the rest follow the intent mix.
    share = np.asarray(C.CATEGORY_INTENT)
    counts = 3 + np.floor((n - 3 * ncat) * share / share.sum()).astype(int)
    counts[0] += n - counts.sum()
    cat = np.repeat(np.arange(ncat), counts)

    specs = [C.CATEGORY_SPECS[c] for c in C.CATEGORIES]
    med = np.array([s[0] for s in specs])[cat]
    sd = np.array([s[1] for s in specs])[cat]
    list_price = _price_point(med * np.exp(sd * rng().standard_normal(n)))
    # MRP: list price after a 0–45 % "discount off MRP" (discounts 15–30 % typical, §1.2).
    disc = 0.45 * rng().beta(2.0, 3.5, n)
    mrp = np.maximum(_price_point(list_price / (1 - disc)), list_price)
    cost_ratio = 0.45 + 0.35 * rng().random(n)
    unit_cost = money(list_price * cost_ratio)
    rating = np.clip(np.round(5 - rng().gamma(1.6, 0.45, n), 1), 1.0, 5.0)

    lo = np.array([s[4][0] for s in specs])[cat]
    hi = np.array([s[4][1] for s in specs])[cat]
    elasticity = lo + (hi - lo) * rng().random(n)
    # A few deliberately inelastic items (ε < 1): no interior profit optimum exists for them.
    n_inel = max(2, n // 40)
    inel = rng().choice(n, n_inel, replace=False)
    elasticity[inel] = 0.4 + 0.5 * rng().random(n_inel)
    elasticity = np.round(elasticity, 3)

    brand_u = rng().random(n)
    brand = np.empty(n, dtype=object)
    brand_codes = []
    for c in range(ncat):
        names = C.BRANDS[C.CATEGORIES[c]]
        bw = 1.0 / np.arange(1, len(names) + 1)
        brand_codes.append(cum_choice(np.cumsum(bw), brand_u[cat == c]))
        brand[cat == c] = np.asarray(names, dtype=object)[brand_codes[-1]]

    # Zipf-like popularity within category (hidden), in a random order of products.
    rank = np.empty(n)
    for c in range(ncat):
        idx = np.flatnonzero(cat == c)
        rank[idx] = rng().permutation(len(idx)) + 1
    popularity = rank**-1.1
    sku = pc.binary_join_element_wise(
        decode(cat, [c[:3].upper() for c in C.CATEGORIES]),
        pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), 6, "0"),
        "-",
    )
    table = pa.table(
        {
            "product_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "sku": sku,
            "category": decode(cat, C.CATEGORIES),
            "brand": pa.array(brand.tolist(), type=pa.string()),
            "mrp": pa.array(money(mrp)),
            "list_price": pa.array(money(list_price)),
            "unit_cost": pa.array(unit_cost),
            "rating": pa.array(rating),
            "elasticity": pa.array(elasticity),
        }
    )
    starts = np.concatenate([[0], np.cumsum(counts)])
    hidden = {
        "category": cat.astype(np.int8),
        "cat_start": starts[:-1],
        "cat_end": starts[1:],
        "popularity": popularity,
        "list_price": money(list_price),
        "mrp": money(mrp),
        "unit_cost": unit_cost,
        "elasticity": elasticity,
        "cart_factor": np.array([s[2] for s in specs])[cat],
        "return_factor": np.array([s[3] for s in specs])[cat],
    }
    return table, hidden
