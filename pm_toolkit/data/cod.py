"""A 12-month log of cash-on-delivery orders with order-time features and a planted RTO model.

Each customer places orders (any payment method) at random times after signing up; the COD
ones enter the log. What a PM would know when the order is placed (first order or not,
earlier orders and RTOs, city tier, order value, hour, address completeness, device, a switch
to COD at checkout) sets the chance the parcel comes back undelivered (RTO, "return to
origin") through a planted logistic model:

    logit P(rto) = β0 + Σ βj·xj      (the βj are in ``RTO_COEFS`` and in the manifest)

Orders are drawn customer by customer in time order, so ``prior_rtos`` counts the RTOs this
generator drew for the customer's earlier COD orders: the feature is honest history.

One column is **leaky**: ``delivery_attempts`` is recorded by the courier *after* the outcome
(an order refused at the door gets more attempts), so a model fed with it looks brilliant
offline and is useless when the order is placed.

>>> tab, truth = make_cod_orders(1, "tiny")
>>> 0.05 < truth["realised"]["rto_rate"] < 0.25
True
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import decode, money, ts
from pm_toolkit.data.dimensions import make_customers
from pm_toolkit.data.ml_world import ml_rng, ml_size
from pm_toolkit.data.scales import N_DAYS, PERIOD_START, day_start_ms
from pm_toolkit.data.streams import cum_choice

#: The log runs 12 months; the last 90 days (the clickstream's period) are the test window.
COD_START = dt.date(2024, 12, 1)
FIRST_DAY = (COD_START - PERIOD_START).days  # negative: days before the period starts
TEST_START = PERIOD_START

#: Share of a customer's orders paid cash on delivery, by city tier [A] (COD is the habit of
#: smaller towns; no reliable public split exists, see domain-facts).
COD_SHARE_BY_TIER = {1: 0.25, 2: 0.40, 3: 0.55}
#: Planted logistic model of P(rto) [A]. Order value enters as log(value / ₹800).
RTO_INTERCEPT = -4.1
RTO_COEFS = {
    "first_order": 1.1,
    "prior_rtos": 0.8,  # per earlier RTO, counted up to 3
    "prior_orders": -0.06,  # per earlier order, counted up to 10: regulars pay
    "tier_2": 0.35,
    "tier_3": 0.75,
    "log_value": 0.5,
    "night": 0.6,  # ordered between 00:00 and 05:59 IST
    "address_gap": 2.4,  # 1 − address_score
    "mobile_web": 0.3,
    "desktop": -0.2,
    "payment_switch": 1.2,  # picked a prepaid method first, then switched to COD
}
VALUE_REF = 800.0
#: delivery attempts (1, 2, 3) by outcome: recorded after delivery, hence the leak [A].
ATTEMPTS_P = {"delivered": (0.90, 0.09, 0.01), "rto": (0.05, 0.20, 0.75)}
DEVICES = C.DEVICES  # mobile_web, app, desktop
OUTCOMES = ("delivered", "rto")


def rto_logit(x: dict[str, np.ndarray]) -> np.ndarray:
    """The planted log-odds of RTO for feature arrays ``x`` (keys as in ``RTO_COEFS``)."""
    out = np.full(len(x["first_order"]), RTO_INTERCEPT)
    for name, beta in RTO_COEFS.items():
        out = out + beta * x[name]
    return out


def make_cod_orders(seed: int, scale: str, customers=None, products=None) -> tuple[pa.Table, dict]:
    """The COD order log and its planted parameters (``customers``: the hidden customer
    arrays of ``make_customers``, when the caller already has them)."""
    rng = ml_rng(seed, "cod_orders")
    cu = customers if customers is not None else make_customers(seed, scale)[1]
    n_cust = len(cu["tier"])
    tier = cu["tier"].astype(int)

    # Per-customer COD habit and order rate over the days each was a customer.
    p_cod = np.vectorize(COD_SHARE_BY_TIER.get)(tier) * rng().lognormal(-0.08, 0.4, n_cust)
    p_cod = np.clip(p_cod, 0.02, 0.95)
    first_day = np.maximum(cu["signup_day"], FIRST_DAY)
    exposure = np.clip(N_DAYS - first_day, 0, None)
    weight = np.sqrt(np.minimum(cu["activity"], 4.0)) * exposure  # no one orders daily
    want_all = ml_size("cod_orders", scale) / float(np.average(p_cod, weights=weight))
    n_orders = rng().poisson(want_all * weight / weight.sum())

    cust = np.repeat(np.arange(n_cust), n_orders)
    n = len(cust)
    span = (N_DAYS - first_day[cust]).astype(float)
    day = first_day[cust] + np.floor(rng().random(n) * span).astype(int)
    hour = cum_choice(np.cumsum(C.HOUR_PROFILE), rng().random(n))
    ms = (
        np.array([day_start_ms(int(d)) for d in range(FIRST_DAY, N_DAYS)])[day - FIRST_DAY]
        + hour * 3_600_000
        + rng().integers(0, 3_600_000, n)
    )
    order = np.lexsort((ms, cust))  # customer by customer, in time order
    cust, day, hour, ms = cust[order], day[order], hour[order], ms[order]
    starts = np.concatenate([[0], np.cumsum(n_orders)[:-1]])
    prior_orders = np.arange(n) - starts[cust]
    is_cod = rng().random(n) < p_cod[cust]

    # Order-time features (drawn for every order, kept for COD ones).
    cat = cum_choice(np.cumsum(C.CATEGORY_INTENT), rng().random(n))
    med = np.array([C.CATEGORY_SPECS[c][0] for c in C.CATEGORIES])[cat]
    n_items = 1 + rng().poisson(0.4, n)
    value = money(np.maximum(99.0, med * n_items * rng().lognormal(0.0, 0.55, n)))
    own = rng().random(n) < 0.8
    device = np.where(own, cu["device"][cust], rng().integers(0, len(DEVICES), n))
    beta_a = np.array([0.0, 8.0, 6.0, 4.0])[tier[cust]]  # worse addresses in smaller towns
    address = np.round(rng().beta(beta_a, 2.0), 2)
    switch = rng().random(n) < np.where(tier[cust] == 3, 0.16, 0.11)

    x = {
        "first_order": (prior_orders == 0).astype(float),
        "prior_orders": np.minimum(prior_orders, 10).astype(float),
        "tier_2": (tier[cust] == 2).astype(float),
        "tier_3": (tier[cust] == 3).astype(float),
        "log_value": np.log(value / VALUE_REF),
        "night": (hour < 6).astype(float),
        "address_gap": 1.0 - address,
        "mobile_web": (device == DEVICES.index("mobile_web")).astype(float),
        "desktop": (device == DEVICES.index("desktop")).astype(float),
        "payment_switch": switch.astype(float),
    }
    # Outcomes in order of each customer's history: prior_rtos needs the earlier draws.
    u = rng().random(n)
    rto = np.zeros(n, dtype=bool)
    prior_rtos = np.zeros(n, dtype=np.int64)
    rto_count = np.zeros(n_cust, dtype=np.int64)
    for k in range(int(prior_orders.max(initial=0)) + 1):
        idx = np.flatnonzero((prior_orders == k) & is_cod)
        prior_rtos[idx] = rto_count[cust[idx]]
        xk = {name: v[idx] for name, v in x.items()}
        xk["prior_rtos"] = np.minimum(prior_rtos[idx], 3).astype(float)
        rto[idx] = u[idx] < 1.0 / (1.0 + np.exp(-rto_logit(xk)))
        np.add.at(rto_count, cust[idx[rto[idx]]], 1)

    attempts_u = rng().random(n)
    attempts = np.where(
        rto,
        1 + (attempts_u > ATTEMPTS_P["rto"][0]) + (attempts_u > sum(ATTEMPTS_P["rto"][:2])),
        1
        + (attempts_u > ATTEMPTS_P["delivered"][0])
        + (attempts_u > sum(ATTEMPTS_P["delivered"][:2])),
    )

    keep = np.flatnonzero(is_cod)
    keep = keep[np.argsort(ms[keep], kind="stable")]  # the log is in time order
    table = pa.table(
        {
            "cod_order_id": pa.array(np.arange(1, len(keep) + 1, dtype=np.int64)),
            "customer_id": pa.array((cust[keep] + 1).astype(np.int64)),
            "order_ts": ts(ms[keep]),
            "city_tier": pa.array(tier[cust[keep]].astype(np.int8)),
            "first_order": pa.array(prior_orders[keep] == 0),
            "prior_orders": pa.array(prior_orders[keep].astype(np.int16)),
            "prior_rtos": pa.array(prior_rtos[keep].astype(np.int16)),
            "order_value": pa.array(value[keep]),
            "n_items": pa.array(n_items[keep].astype(np.int8)),
            "category": decode(cat[keep], C.CATEGORIES),
            "device": decode(device[keep], DEVICES),
            "hour": pa.array(hour[keep].astype(np.int8)),
            "address_score": pa.array(address[keep]),
            "payment_switch": pa.array(switch[keep]),
            "delivery_attempts": pa.array(attempts[keep].astype(np.int8)),
            "outcome": decode(rto[keep].astype(int), OUTCOMES),
        }
    )
    test = day[keep] >= 0
    r = rto[keep]
    truth = {
        "window": {
            "start": COD_START.isoformat(),
            "test_start": TEST_START.isoformat(),
            "note": "train on orders before test_start, test on the 90 days from it",
        },
        "cod_share_by_tier": {str(k): v for k, v in COD_SHARE_BY_TIER.items()},
        "rto_model": {
            "intercept": RTO_INTERCEPT,
            "coefficients": dict(RTO_COEFS),
            "features": "log_value = log(order_value / 800); night = hour < 6; "
            "address_gap = 1 - address_score; prior_rtos capped at 3, prior_orders at 10; "
            "device baseline app, tier baseline 1",
        },
        "leaky_column": "delivery_attempts",
        "attempts_p": {k: list(v) for k, v in ATTEMPTS_P.items()},
        "realised": {
            "orders": len(keep),
            "rto_rate": float(r.mean()) if len(r) else 0.0,
            "test_orders": int(test.sum()),
            "test_rto_rate": float(r[test].mean()) if test.any() else 0.0,
            "rto_rate_by_tier": {str(t): float(r[tier[cust[keep]] == t].mean()) for t in (1, 2, 3)},
        },
    }
    return table, truth
