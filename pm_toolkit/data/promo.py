"""A randomised promotion test: four offers, four CRM segments, effects that differ by segment.

App visitors over four weeks were assigned at random (equal shares) to one of ``OFFERS``:
no banner, a bank offer (10 % instant discount up to ₹250 on partner cards, half funded by the
bank), free delivery (₹49 waived) or a ₹100 coupon on orders of ₹499 or more. Each offer lifts
the chance to buy by a planted relative amount that depends on the visitor's CRM segment
(``LIFT``), and costs Bazaar a known amount per redemption. So the incremental **margin** per
visitor of each segment × offer has a true optimum, which is not the offer with the biggest
conversion lift: for regulars every offer loses margin (they buy anyway).

The pre-test behaviour columns (orders, average order value, discount share, recency over the
previous 12 months) are what the CRM segments were built from; they also feed the clustering
part of the lesson.

>>> tab, truth = make_promo_test(1, "tiny")
>>> sorted(truth["best_offer"])
['deal_seeker', 'new_visitor', 'premium', 'regular']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pm_toolkit.data.arrowutil import decode, money
from pm_toolkit.data.ml_world import ml_rng, ml_size
from pm_toolkit.data.streams import cum_choice

OFFERS = ("none", "bank_offer", "free_delivery", "coupon_100")
PROMO_SEGMENTS = ("new_visitor", "deal_seeker", "regular", "premium")
#: segment: (share of visitors, 4-week conversion without an offer, median order value ₹,
#: share of buyers holding a partner bank card) [A]
SEGMENT_SPECS = {
    "new_visitor": (0.30, 0.08, 700.0, 0.25),
    "deal_seeker": (0.25, 0.18, 550.0, 0.30),
    "regular": (0.30, 0.28, 850.0, 0.55),
    "premium": (0.15, 0.20, 2600.0, 0.70),
}
#: relative conversion lift of each offer (bank, free delivery, coupon) by segment [A]
LIFT = {
    "new_visitor": (0.10, 1.00, 0.80),
    "deal_seeker": (0.10, 0.25, 1.30),
    "regular": (0.00, 0.05, 0.08),
    "premium": (0.45, 0.03, 0.05),
}
VALUE_SIGMA = 0.5  # log-sd of order value
MARGIN_RATE = 0.22  # gross margin before the offer's cost, share of order value [A]
BANK_RATE, BANK_CAP, BANK_FUNDED = 0.10, 250.0, 0.5  # Bazaar pays half the bank discount
FREE_DELIVERY_COST = 49.0
COUPON_VALUE, COUPON_MIN_ORDER = 100.0, 499.0
#: city tier mix by segment (tier 1, 2, 3) [A]
TIER_MIX = {
    "new_visitor": (0.35, 0.25, 0.40),
    "deal_seeker": (0.25, 0.25, 0.50),
    "regular": (0.40, 0.25, 0.35),
    "premium": (0.75, 0.18, 0.07),
}
#: pre-test behaviour by segment: (extra orders mean, min orders, discount-share beta a, b,
#: mean days since the last order) [A]
HISTORY = {
    "deal_seeker": (3.0, 2, 6.0, 2.0, 40.0),
    "regular": (5.0, 4, 1.5, 6.0, 20.0),
    "premium": (3.0, 2, 2.0, 5.0, 35.0),
}


def offer_cost(offer: str, value: np.ndarray, has_card: np.ndarray) -> np.ndarray:
    """What one converted order costs Bazaar under ``offer`` (0 when not redeemed)."""
    value = np.asarray(value, dtype=float)
    if offer == "bank_offer":
        return np.where(has_card, BANK_FUNDED * np.minimum(BANK_RATE * value, BANK_CAP), 0.0)
    if offer == "free_delivery":
        return np.full(value.shape, FREE_DELIVERY_COST)
    if offer == "coupon_100":
        return np.where(value >= COUPON_MIN_ORDER, COUPON_VALUE, 0.0)
    return np.zeros(value.shape)


def true_incremental_margin(n_draws: int = 400_000, seed: int = 0) -> dict[str, dict[str, float]]:
    """Planted incremental margin per visitor (₹) of each segment × offer, by simulation
    of the planted model with many draws (the population value the test estimates)."""
    g = np.random.default_rng(seed)
    out: dict[str, dict[str, float]] = {}
    for s, (_share, p0, med, card) in SEGMENT_SPECS.items():
        value = med * g.lognormal(0.0, VALUE_SIGMA, n_draws)
        has_card = g.random(n_draws) < card
        margin = MARGIN_RATE * value
        base = p0 * margin.mean()
        out[s] = {"none": 0.0}
        for j, o in enumerate(OFFERS[1:]):
            net = margin - offer_cost(o, value, has_card)
            out[s][o] = float(p0 * (1 + LIFT[s][j]) * net.mean() - base)
    return out


def make_promo_test(seed: int, scale: str, customers=None, products=None) -> tuple[pa.Table, dict]:
    """One row per visitor of the test, and the planted effects (visitors are the test's own:
    ``customers`` and ``products`` are accepted for a uniform signature and not used)."""
    rng = ml_rng(seed, "promo_test")
    n = ml_size("promo_test", scale)
    shares = np.array([SEGMENT_SPECS[s][0] for s in PROMO_SEGMENTS])
    seg = cum_choice(np.cumsum(shares), rng().random(n))
    arm = rng().integers(0, len(OFFERS), n)  # the randomisation: equal shares
    tier = np.empty(n, dtype=np.int8)
    u_tier = rng().random(n)
    orders = np.zeros(n, dtype=np.int16)
    aov = np.zeros(n)
    disc = np.zeros(n)
    recency = np.full(n, 365, dtype=np.int16)  # 365 = no order in the last 12 months
    g_hist = rng()
    for k, s in enumerate(PROMO_SEGMENTS):
        rows = np.flatnonzero(seg == k)
        tier[rows] = 1 + cum_choice(np.cumsum(TIER_MIX[s]), u_tier[rows])
        if s in HISTORY:
            extra, least, a, b, days = HISTORY[s]
            m = len(rows)
            orders[rows] = least + g_hist.poisson(extra, m)
            aov[rows] = money(SEGMENT_SPECS[s][2] * g_hist.lognormal(0.0, 0.3, m))
            disc[rows] = np.round(g_hist.beta(a, b, m), 2)
            recency[rows] = np.minimum(1 + g_hist.exponential(days, m), 364).astype(np.int16)

    p0 = np.array([SEGMENT_SPECS[s][1] for s in PROMO_SEGMENTS])[seg]
    lift = np.array([(0.0, *LIFT[s]) for s in PROMO_SEGMENTS])[seg, arm]
    converted = rng().random(n) < p0 * (1 + lift)
    med = np.array([SEGMENT_SPECS[s][2] for s in PROMO_SEGMENTS])[seg]
    value = money(med * rng().lognormal(0.0, VALUE_SIGMA, n)) * converted
    card = np.array([SEGMENT_SPECS[s][3] for s in PROMO_SEGMENTS])[seg]
    has_card = rng().random(n) < card
    cost = np.zeros(n)
    for j, o in enumerate(OFFERS):
        rows = np.flatnonzero((arm == j) & converted)
        cost[rows] = offer_cost(o, value[rows], has_card[rows])
    table = pa.table(
        {
            "visitor_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "segment": decode(seg, PROMO_SEGMENTS),
            "city_tier": pa.array(tier),
            "orders_12m": pa.array(orders),
            "aov_12m": pa.array(aov),
            "discount_share_12m": pa.array(disc),
            "days_since_last_order": pa.array(recency),
            "offer": decode(arm, OFFERS),
            "converted": pa.array(converted.astype(np.int8)),
            "order_value": pa.array(value),
            "gross_margin": pa.array(money(MARGIN_RATE * value)),
            "redeemed": pa.array(cost > 0),
            "offer_cost": pa.array(money(cost)),
        }
    )
    truth_margin = true_incremental_margin()
    truth = {
        "design": "visitors randomised to offers in equal shares, 4 weeks",
        "offers": list(OFFERS),
        "segments": {
            s: {"share": sp[0], "conversion_no_offer": sp[1], "median_order_value": sp[2]}
            for s, sp in SEGMENT_SPECS.items()
        },
        "relative_conversion_lift": {
            s: dict(zip(OFFERS[1:], v, strict=True)) for s, v in LIFT.items()
        },
        "costs": {
            "bank_offer": f"{BANK_FUNDED:.0%} of min({BANK_RATE:.0%} of value, ₹{BANK_CAP:.0f}), "
            "card holders only",
            "free_delivery": FREE_DELIVERY_COST,
            "coupon_100": f"₹{COUPON_VALUE:.0f} on orders ≥ ₹{COUPON_MIN_ORDER:.0f}",
        },
        "margin_rate": MARGIN_RATE,
        "incremental_margin_per_visitor": truth_margin,
        "best_offer": {s: max(v, key=v.get) for s, v in truth_margin.items()},
    }
    return table, truth
