"""Sessions, events, orders, order items and support contacts, one day partition at a time.

Each day ``d`` draws only from ``stream(seed, "clickstream", d, column)``, so a day can be
generated alone, in any process, and the concatenation over days does not depend on how the
work was split. Within a day the funnel is drawn vectorised (no per-session Python loop):

page_view → [search] → product_view × V → add_to_cart per view → [remove_from_cart]
→ begin_checkout → purchase, with planted dirt added afterwards (bots, duplicates, missing ids,
late arrivals) and counted exactly for the manifest.

>>> from pm_toolkit.data.clickstream import World, make_day
>>> w = World.build(1, "tiny")
>>> part = make_day(w, 0)
>>> sorted(part.tables)[:3]
['events', 'order_items', 'orders']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import (
    categorical,
    money,
    nullable_float,
    nullable_int,
    table,
    ts,
    write_table,
)
from pm_toolkit.data.dimensions import make_customers, make_products
from pm_toolkit.data.scales import (
    FESTIVE_END,
    FESTIVE_START,
    N_DAYS,
    PERIOD_START,
    date_of,
    day_start_ms,
    get_scale,
)
from pm_toolkit.data.streams import Guide, bernoulli_hits, cum_choice, stream

EVENT_TYPES = (
    "page_view",
    "search",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "begin_checkout",
    "purchase",
)
PV, SEARCH, VIEW, CART, REMOVE, CHECKOUT, PURCHASE = range(7)

# ---- planted funnel parameters [A] (domain-facts §1.1 calibration, tuned to 1–5 % conversion)
BOUNCE_BASE = {"mobile_web": 0.42, "app": 0.28, "desktop": 0.36}
#: Bounce rises ≈ 1.3× from 1 s to 3 s load (domain-facts §1.3): exp(b·(t − 1)).
BOUNCE_LOAD_SLOPE = math.log(1.3) / 2.0
SEARCH_P = 0.35
VIEWS_GEOMETRIC_P = 1 / 3  # product views per non-bounced session ~ Geometric(1/3), mean 3
#: Add-to-cart probability per product view, by device [A]. With bounce and page load this
#: puts mobile-web session conversion at ≈ 0.43× desktop over the 90 days (≈ 0.35–0.38×
#: within September or November, ≈ 0.28× in October, when desktop's few sessions convert
#: best): Monetate's benchmarks put mobile at 0.37× (global, Q4 2016) to 0.40× (US, Q1 2019)
#: of desktop (domain-facts §1.1). Before generator 1.5 it was ≈ 0.25× over the period.
CART_Q = {"mobile_web": 0.046, "app": 0.065, "desktop": 0.105}
INTENT_STICKINESS = 0.75  # share of views in the session's intended category
REMOVE_P = 0.2
CHECKOUT_P = 0.5
PURCHASE_P = 0.6
#: CR(t) = CR0 · exp(−k (t − t0)) applied to P(purchase | checkout); k scenarios per §1.3.
LOAD_SCENARIOS = {"amazon_anchor": 0.1, "akamai_anchor": 0.73}
LOAD_SCENARIO = "amazon_anchor"
LOAD_T0_S = 1.0
#: Device mix: a session uses the customer's preferred device with this probability, otherwise
#: a device drawn from the month's mix [A]. The festive campaigns of October send nearly all
#: traffic to mobile web, while every device converts better in October (add-to-cart × the
#: month factor): overall conversion falls anyway (Simpson's paradox). Desktop and app keep
#: few October sessions, so their October factor is larger: the committed shoppers who sat
#: down to buy; that keeps "every device improved" true for nearly every seed (a smaller
#: factor on few sessions is noise; see tests/test_data_realism.py for the seeds checked).
DEVICE_STICKINESS = 0.1
MONTH_DEVICE_MIX = {9: (0.35, 0.15, 0.5), 10: (0.98, 0.01, 0.01), 11: (0.6, 0.2, 0.2)}
MONTH_CART_FACTOR = {
    9: {"mobile_web": 1.0, "app": 1.0, "desktop": 1.0},
    10: {"mobile_web": 1.45, "app": 2.3, "desktop": 2.3},
    11: {"mobile_web": 1.0, "app": 1.0, "desktop": 1.0},
}
#: Mild organic growth of traffic over the period [A].
TRAFFIC_GROWTH = 0.15
# ---- planted dirt [A]
BOT_SHARE = 0.015  # extra bot sessions per human session
BOT_GAP_MS = 2000  # bots fire one product_view every 2 s exactly
BOT_EVENTS = (30, 80)
DUP_CART_P = 0.02  # add_to_cart retries logged twice with the same timestamp
MISSING_CUSTOMER_P = 0.003
LATE_HOUR_P = 0.015  # arrive 1 hour – 3 days late
LATE_3D_P = 0.0025  # arrive more than 3 days late (GA4 would drop these)
EVENT_GAP_MEAN_MS = 25_000


def _festive(day: int) -> bool:
    return FESTIVE_START <= date_of(day) <= FESTIVE_END


def sessions_on_day(scale: str, day: int) -> int:
    """Human sessions on period day ``day``: base × weekday × festive × growth (deterministic)."""
    s = get_scale(scale)
    d = date_of(day)
    f = C.WEEKDAY_FACTOR[d.weekday()] * (1 + TRAFFIC_GROWTH * day / (N_DAYS - 1))
    if _festive(day):
        f *= C.FESTIVE_SESSION_FACTOR
    return max(1, round(s.sessions_per_day * f))


#: A partition holds at most this many human sessions: a busy day is split into equal blocks,
#: so memory per partition stays bounded at any scale. Fixed here, never from the machine.
SESSIONS_PER_BLOCK = 40_000
#: id = base + rank; the bases leave room for 100 blocks a day (ids stay unique and readable).
_ID_LAYOUT = {  # kind: (per day, per block)
    "session": (10_000_000, 100_000),
    "event": (1_000_000_000, 1_000_000),
    "order": (1_000_000, 10_000),
    "contact": (1_000_000, 10_000),
}


def id_base(day: int, block: int, kind: str) -> int:
    per_day, per_block = _ID_LAYOUT[kind]
    return (day + 1) * per_day + block * per_block


def block_sizes(scale: str, day: int) -> list[int]:
    """Human sessions in each block of ``day`` (near-equal split)."""
    n = sessions_on_day(scale, day)
    k = -(-n // SESSIONS_PER_BLOCK)
    return [n // k + (1 if b < n % k else 0) for b in range(k)]


def partitions(scale: str) -> list[tuple[int, int]]:
    """Every (day, block) partition of the clickstream, in write order."""
    return [(d, b) for d in range(N_DAYS) for b in range(len(block_sizes(scale, d)))]


def emerging_trend(day: int) -> float:
    """Multiplier on the emerging category's browsing intent: 1 → EMERGING_GROWTH over 90 days."""
    return C.EMERGING_GROWTH ** (day / (N_DAYS - 1))


@dataclass
class World:
    """The hidden shared state a day partition needs (small numpy arrays; picklable)."""

    seed: int
    scale: str
    customers: dict[str, np.ndarray]
    products: dict[str, np.ndarray]
    pop_cum: np.ndarray = field(repr=False)
    activity_cum: np.ndarray = field(repr=False)
    activity_cum_festive: np.ndarray = field(repr=False)
    pop_guide: Guide | None = field(default=None, repr=False)
    activity_guide: Guide | None = field(default=None, repr=False)
    activity_guide_festive: Guide | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # guide tables: same draws as a binary search, several times faster on big arrays
        self.pop_guide = Guide(self.pop_cum)
        self.activity_guide = Guide(self.activity_cum)
        self.activity_guide_festive = Guide(self.activity_cum_festive)

    @classmethod
    def build(
        cls,
        seed: int,
        scale: str,
        customers: dict[str, np.ndarray] | None = None,
        products: dict[str, np.ndarray] | None = None,
    ) -> World:
        """The world of ``(seed, scale)``; pass the hidden customer/product arrays when the
        caller already has them (they are what :func:`make_customers` returns second)."""
        cust = customers if customers is not None else make_customers(seed, scale)[1]
        prod = products if products is not None else make_products(seed, scale)[1]
        act = cust["activity"]
        boost = np.where(cust["segment"] == 3, C.OCCASIONAL_FESTIVE_BOOST, 1.0)
        return cls(
            seed,
            scale,
            cust,
            prod,
            np.cumsum(prod["popularity"]),
            np.cumsum(act),
            np.cumsum(act * boost),
        )


@dataclass
class DayPart:
    """One partition's tables; once written to disk, only the row counts and schemas of the
    written ones, plus the small :data:`COLLECTED` tables still in ``tables``."""

    day: int
    block: int
    tables: dict[str, pa.Table]
    stats: dict[str, float]
    rows: dict[str, int] = field(default_factory=dict)
    schemas: dict[str, pa.Schema] = field(default_factory=dict)

    def write(self, folder, fmt: str) -> DayPart:
        """Write each day-sized table to ``folder/<table>/part-<day>-<block>.<ext>`` and drop
        it from memory, keeping only its row count and schema. The small :data:`COLLECTED`
        tables stay in ``tables`` for the caller to gather into a few files."""
        from pathlib import Path

        ext = "parquet" if fmt == "parquet" else "csv"
        for name in [t for t in self.tables if t not in COLLECTED]:
            tab = self.tables.pop(name)
            path = Path(folder) / name / f"part-{self.day:03d}-{self.block:02d}.{ext}"
            write_table(tab, path, fmt)
            self.rows[name] = tab.num_rows
            self.schemas[name] = tab.schema
        return self


#: Tables with ≈ 1 % of the clickstream's rows: written per day they would cost more in file
#: overhead than in data, so the streaming layout gathers them over days into files of at
#: least COLLECT_ROWS rows (``part-000``, ``part-001``, … in day order).
COLLECTED = ("orders", "order_items", "support_contacts")
COLLECT_ROWS = 500_000


def _pick_products(w: World, cat: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A product in category ``cat`` by popularity, using one uniform per draw."""
    # categories are contiguous id ranges: draw inside the category's slice of the cumsum
    start, end = w.products["cat_start"], w.products["cat_end"]
    cum = w.pop_cum
    lo = np.where(start > 0, cum[start - 1], 0.0)
    span = cum[end - 1] - lo
    idx = w.pop_guide.search(lo[cat] + u * span[cat])  # never below the category's start
    return np.minimum(idx, (end - 1)[cat])  # rounding can reach the next category's first id


# Per-device and per-(promotion, segment) lookup tables, built once (index = C.DEVICES order).
_DEV_BOUNCE = np.array([BOUNCE_BASE[d] for d in C.DEVICES])
_MONTH_DEV_CART_Q = {
    m: np.array([CART_Q[d] * f[d] for d in C.DEVICES]) for m, f in MONTH_CART_FACTOR.items()
}
_DEV_LOAD_MEDIAN_MS = np.array([C.LOAD_MEDIAN_S[d] * 1000 for d in C.DEVICES])
_LIFT = np.array([C.PROMOTION_LIFT.get(p, (0.0,) * len(C.SEGMENTS)) for p in C.PROMOTIONS])
# Fixed categorical distributions as guide tables: a few branch-free passes per draw instead
# of a binary search (≈ 3× faster on a day's sessions).
_HOUR = Guide(np.cumsum(C.HOUR_PROFILE))
_CHANNEL = Guide(np.cumsum(C.SESSION_CHANNEL_SHARES))
_LANDING = Guide(np.cumsum(C.LANDING_SHARES))
_PROMO = Guide(np.cumsum(C.PROMOTION_SHARES))
_PAYMENT = Guide(np.cumsum(C.PAYMENT_SHARES))
_MONTH_DEVICE = {m: Guide(np.cumsum(mix)) for m, mix in MONTH_DEVICE_MIX.items()}
#: Normal ingestion delay: 0.5 s plus an exponential wait with this mean (late dirt aside).
INGEST_LAG_MS = (500, 2500)


def _choice_by_row(cum_rows: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Weighted choice where draw ``i`` uses weight row ``row[i]`` of ``cum_rows`` (cumulative).

    Row ``r`` is rescaled to ``[r, r + 1]`` and the rows laid end to end, so one guided search
    serves every row (instead of a masked search per row).

    >>> cum = np.cumsum([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], axis=1)
    >>> _choice_by_row(cum, np.array([0, 0, 1]), np.array([0.2, 0.7, 0.9])).tolist()
    [0, 2, 1]
    """
    k = cum_rows.shape[1]
    flat = (cum_rows / cum_rows[:, -1:] + np.arange(len(cum_rows))[:, None]).ravel()
    idx = Guide(flat).search(row + u) - row * k
    return np.minimum(idx, k - 1)


def make_day(w: World, day: int, block: int = 0) -> DayPart:
    """Generate every clickstream table for one partition: block ``block`` of day ``day``."""
    # One stream per day partition, drawn in a fixed order (creating a keyed stream costs
    # ~0.1 ms, too much per column for 90 small days); the support table has its own stream.
    g = stream(w.seed, "clickstream", day, block)

    month = date_of(day).month
    festive = _festive(day)
    cu, pr = w.customers, w.products
    d0 = day_start_ms(day)

    # ---------------- sessions (humans): one uniform per session per decision
    n = block_sizes(w.scale, day)[block]
    (u_cust, u_hour, u_sticky, u_dev, u_chan, u_land, u_promo) = g.random((7, n))
    (u_bounce, u_search, u_cat, u_remove, u_checkout, u_buy) = g.random((6, n))
    signup = cu["signup_day"]  # a typed scalar: a Python int would copy the whole array
    n_elig = int(np.searchsorted(signup, signup.dtype.type(day), side="right"))
    # customers signed up by today are a prefix of the id range: a prefix of the cumsum
    cum = w.activity_cum_festive if festive else w.activity_cum
    guide = w.activity_guide_festive if festive else w.activity_guide
    cust = cum_choice(cum[:n_elig], u_cust, guide)
    seg = cu["segment"][cust].astype(np.intp)

    hour = _HOUR.pick(u_hour)
    # Sorting the start times is free of bias (every other draw is independent of them) and
    # numbers sessions, and so orders, in time order.
    start = np.sort(d0 + hour * 3_600_000 + g.integers(0, 3_600_000, n))
    device = _MONTH_DEVICE[month].pick(u_dev)
    sticky = np.flatnonzero(u_sticky < DEVICE_STICKINESS)  # on the customer's usual device
    device[sticky] = cu["device"][cust[sticky]]
    channel = _CHANNEL.pick(u_chan)
    landing = _LANDING.pick(u_land)
    load_ms = np.round(_DEV_LOAD_MEDIAN_MS[device] * np.exp(C.LOAD_SIGMA * g.standard_normal(n)))
    load_ms = np.maximum(load_ms, 120).astype(np.int32)
    load_s = load_ms / 1000.0
    promo = _PROMO.pick(u_promo)

    # ---------------- funnel
    bounce_p = np.minimum(_DEV_BOUNCE[device] * np.exp(BOUNCE_LOAD_SLOPE * (load_s - 1.0)), 0.95)
    bounced = u_bounce < bounce_p
    searched = ~bounced & (u_search < SEARCH_P)
    stayed = np.flatnonzero(~bounced)
    views = np.zeros(n, np.int64)
    views[stayed] = np.minimum(g.geometric(VIEWS_GEOMETRIC_P, len(stayed)), 60)

    # Intended category: base intent × segment affinity × emerging trend.
    intent = np.asarray(C.CATEGORY_INTENT, dtype=float).copy()
    intent[C.CATEGORIES.index(C.EMERGING_CATEGORY)] *= emerging_trend(day)
    sess_cat = _choice_by_row(np.cumsum(C.SEGMENT_AFFINITY * intent, axis=1), seg, u_cat)

    v_first = np.cumsum(views) - views  # index of each session's first view
    nv = int(views.sum())
    v_sess = np.repeat(np.arange(n), views)
    u_stick, u_other, u_prod, u_cart = g.random((4, nv))
    v_cat = sess_cat[v_sess]
    wander = np.flatnonzero(u_stick >= INTENT_STICKINESS)  # views outside the intended category
    v_cat[wander] = Guide(np.cumsum(intent)).pick(u_other[wander])
    v_prod = _pick_products(w, v_cat, u_prod)
    sess_q = _MONTH_DEV_CART_Q[month][device] * cu["propensity"][cust]
    v_cart = u_cart < sess_q[v_sess] * pr["cart_factor"][v_prod]

    c_idx = np.flatnonzero(v_cart)  # carts, ordered by session then view
    c_sess = v_sess[c_idx]
    n_cart = np.bincount(c_sess, minlength=n)
    has_cart = n_cart > 0
    # remove_from_cart drops the last carted item (a cart emptied this way never checks out)
    is_last = np.ones(len(c_idx), dtype=bool)
    is_last[:-1] = c_sess[1:] != c_sess[:-1]
    removed = has_cart & (u_remove < REMOVE_P)
    c_removed = is_last & removed[c_sess]
    checkout = (n_cart > removed) & (u_checkout < CHECKOUT_P)
    k = LOAD_SCENARIOS[LOAD_SCENARIO]
    p_buy = PURCHASE_P * np.exp(-k * (load_s - LOAD_T0_S)) * (1 + _LIFT[promo, seg])
    purchased = checkout & (u_buy < np.minimum(p_buy, 0.98))

    # ---------------- orders and items
    buy_sess = np.flatnonzero(purchased)
    n_orders = len(buy_sess)
    order_of_sess = np.full(n, -1)
    order_of_sess[buy_sess] = np.arange(n_orders)
    it_mask = purchased[c_sess] & ~c_removed
    it_sess = c_sess[it_mask]
    it_prod = v_prod[c_idx[it_mask]]
    # one line per (order, product): a product carted twice becomes quantity 2
    key = it_sess.astype(np.int64) * (len(pr["list_price"]) + 1) + it_prod
    ukey, it_count = np.unique(key, return_counts=True)
    it_sess = ukey // (len(pr["list_price"]) + 1)
    it_prod = ukey % (len(pr["list_price"]) + 1)
    is_grocery = pr["category"][it_prod] == C.CATEGORIES.index("grocery")
    extra = g.geometric(np.where(is_grocery, 0.5, 0.88)) - 1
    qty = (it_count + extra).astype(np.int32)
    unit_price = pr["list_price"][it_prod]
    line = qty * unit_price
    it_order = order_of_sess[it_sess]
    gross = np.bincount(it_order, weights=line, minlength=n_orders).astype(float)
    o_promo = promo[buy_sess]
    o_disc = np.zeros(n_orders)
    bank = o_promo == C.PROMOTIONS.index("bank_offer_10")
    o_disc[bank] = np.minimum(C.BANK_OFFER_RATE * gross[bank], C.BANK_OFFER_CAP)
    free = o_promo == C.PROMOTIONS.index("free_delivery")
    o_disc[free] = np.minimum(C.FREE_DELIVERY_VALUE, gross[free])
    # allocate the order discount to lines in proportion to value; fix rounding on the last line
    share = line / gross[it_order]
    it_disc = money(o_disc[it_order] * share)
    o_disc = np.bincount(it_order, weights=it_disc, minlength=n_orders).astype(float)
    o_disc = money(o_disc)
    gross = money(gross)
    net = money(gross - o_disc)

    pay = _PAYMENT.pick(g.random(n_orders))
    cod = pay == C.PAYMENT_METHODS.index("cod")
    r = g.random(n_orders)
    p_cancel = np.where(cod, C.CANCEL_P["cod"], C.CANCEL_P["prepaid"])
    p_rto = np.where(cod, C.RTO_P["cod"], C.RTO_P["prepaid"])
    ret_factor = np.bincount(
        it_order, weights=pr["return_factor"][it_prod], minlength=n_orders
    ).astype(float) / np.maximum(np.bincount(it_order, minlength=n_orders), 1)
    p_ret = C.RETURN_P * ret_factor
    status = np.where(
        r < p_cancel,
        3,
        np.where(r < p_cancel + p_rto, 2, np.where(r < p_cancel + p_rto + p_ret, 1, 0)),
    )

    # ---------------- bots (planted dirt) and duplicated add_to_cart rows
    nb = max(1, round(n * BOT_SHARE)) if n >= 20 else 1
    b_events = g.integers(BOT_EVENTS[0], BOT_EVENTS[1] + 1, nb)
    b_start = d0 + g.integers(0, 86_400_000 - 200_000, nb)
    # crawlers walk the catalogue: every product equally likely, whatever its popularity
    b_prod = g.integers(0, len(pr["list_price"]), int(b_events.sum()))
    c_dup = g.random(len(c_idx)) < DUP_CART_P  # a retried add_to_cart logged twice

    # ---------------- event layout: rows per session, then each event's row, no sorting.
    # A session writes page_view, [search], per view (product_view, [add_to_cart, [its
    # duplicate]]), then [remove_from_cart], [begin_checkout], [purchase]. Sessions are laid
    # out in start order (humans and bots together), events in funnel order within.
    v_rows = np.ones(nv, np.int64)
    v_rows[c_idx] += 1 + c_dup
    before = np.concatenate([[0], np.cumsum(v_rows)])  # rows of all views before view k
    head = 1 + searched.astype(np.int64)  # page_view and search
    view_rows = before[v_first + views] - before[v_first]
    counts = np.concatenate([head + view_rows + removed + checkout + purchased, b_events])
    all_start = np.concatenate([start, b_start])
    nt = n + nb
    # humans are already in start order: merge the few bots in (a human first on a tie)
    b_rank = np.argsort(b_start, kind="stable")
    b_slot = np.searchsorted(start, b_start[b_rank], side="right") + np.arange(nb)
    order = np.empty(nt, np.int64)
    is_bot_slot = np.zeros(nt, dtype=bool)
    is_bot_slot[b_slot] = True
    order[b_slot] = n + b_rank
    order[~is_bot_slot] = np.arange(n)
    c_sorted = counts[order]
    first = np.cumsum(c_sorted) - c_sorted  # each session's first row, in start order
    ne = int(c_sorted.sum())
    off = np.empty(nt, np.int64)
    off[order] = first
    sid_of = np.empty(nt, dtype=np.int64)
    sid_of[order] = id_base(day, block, "session") + np.arange(nt)

    h_off = off[:n]
    v_pos = (h_off + head - before[v_first])[v_sess] + before[:-1]
    c_pos = v_pos[c_idx] + 1
    d_pos = c_pos[c_dup] + 1
    tail = h_off + head + view_rows  # the first row after a session's views
    rem_pos = tail[removed]
    co_pos = (tail + removed)[checkout]
    buy_pos = (tail + removed + checkout)[buy_sess]
    b_first = np.cumsum(b_events) - b_events
    bot_pos = np.repeat(off[n:] - b_first, b_events) + np.arange(len(b_prod))

    et = np.full(ne, VIEW, dtype=np.int8)  # every bot row is a product_view
    et[h_off] = PV
    et[h_off[searched] + 1] = SEARCH
    et[c_pos] = CART
    et[d_pos] = CART
    et[rem_pos] = REMOVE
    et[co_pos] = CHECKOUT
    et[buy_pos] = PURCHASE
    pid = np.zeros(ne, np.int64)  # 1-based product id; 0 = none
    pid[v_pos] = v_prod + 1
    pid[c_pos] = v_prod[c_idx] + 1
    pid[d_pos] = v_prod[c_idx[c_dup]] + 1
    pid[rem_pos] = v_prod[c_idx[c_removed]] + 1  # one removed cart per removing session
    pid[bot_pos] = b_prod + 1
    price = np.concatenate([[np.nan], pr["list_price"]])[pid]
    price[buy_pos] = net
    e_order = np.zeros(ne, np.int64)
    e_order[buy_pos] = id_base(day, block, "order") + np.arange(n_orders)
    no_order = np.ones(ne, dtype=bool)
    no_order[buy_pos] = False
    row_rank = np.repeat(np.arange(nt), c_sorted)  # each row's session, as a start-order rank
    e_cust = np.concatenate([cust + 1, np.zeros(nb, np.int64)])[order][row_rank]

    # timestamps: exponential gaps, 2 s for bots, none before a duplicate; one cumulative sum
    # over the whole day, re-based to each session's start
    gap = g.standard_exponential(ne)
    gap *= EVENT_GAP_MEAN_MS
    gap = gap.astype(np.int64)
    gap += 500
    gap[bot_pos] = BOT_GAP_MS
    gap[d_pos] = 0
    gap[first] = 0
    cs = np.cumsum(gap)
    e_ts = (all_start[order] - cs[first])[row_rank]
    e_ts += cs

    # ---------------- more planted dirt, drawn only where it lands (≈ n·p draws, not n)
    # missing customer ids on a few human events
    miss = bernoulli_hits(g, ne, MISSING_CUSTOMER_P)
    miss = miss[e_cust[miss] > 0]
    e_cust[miss] = 0
    # late arrival: most events land within seconds, a few hours or days late
    lag = g.standard_exponential(ne)
    lag *= INGEST_LAG_MS[1]
    lag = lag.astype(np.int64)
    lag += INGEST_LAG_MS[0]
    late = bernoulli_hits(g, ne, LATE_HOUR_P)
    u_very, u_when = g.random((2, len(late)))
    lag[late] = np.where(
        u_very < LATE_3D_P / LATE_HOUR_P,
        3 * 86_400_000 + 60_000 + u_when * 7 * 86_400_000,
        3_600_000 + u_when * (3 * 86_400_000 - 3_600_000),
    ).astype(np.int64)
    n_late = (int((lag > 3_600_000).sum()), int((lag > 3 * 86_400_000).sum()))

    events = table(
        {
            "event_id": pa.array(id_base(day, block, "event") + np.arange(ne, dtype=np.int64)),
            "session_id": pa.array(row_rank + id_base(day, block, "session")),
            "customer_id": nullable_int(e_cust, e_cust == 0),
            "ts": ts(e_ts),
            "event_type": categorical(et, EVENT_TYPES),
            "product_id": nullable_int(pid, pid == 0),
            "price": nullable_float(price, np.isnan(price)),
            "order_id": nullable_int(e_order, no_order),
            "ingested_ts": ts(np.add(lag, e_ts, out=lag)),
        },
        optional=("customer_id", "product_id", "price", "order_id"),
    )

    # ---------------- sessions table (sorted by start)
    s_cust = np.concatenate([cust + 1, np.full(nb, -1)])[order]
    s_dev = np.concatenate([device, np.full(nb, C.DEVICES.index("desktop"))])[order]
    s_chan = np.concatenate([channel, np.full(nb, C.SESSION_CHANNELS.index("direct"))])[order]
    s_land = np.concatenate([landing, np.full(nb, C.LANDING_PAGES.index("home"))])[order]
    s_load = np.concatenate([load_ms, np.full(nb, 150, dtype=np.int32)])[order]
    s_tier = np.concatenate([cu["tier"][cust], np.zeros(nb, dtype=np.int8)])[order]
    s_promo = np.concatenate([promo, np.zeros(nb, dtype=np.int64)])[order]
    sessions = table(
        {
            "session_id": pa.array(sid_of[order]),
            "customer_id": nullable_int(s_cust, s_cust < 0),
            "start_ts": ts(all_start[order]),
            "device": categorical(s_dev, C.DEVICES),
            "channel": categorical(s_chan, C.SESSION_CHANNELS),
            "city_tier": pa.array(s_tier, mask=s_tier == 0),
            "landing_page": categorical(s_land, C.LANDING_PAGES),
            "page_load_ms": pa.array(s_load),
            "promotion_shown": categorical(s_promo, C.PROMOTIONS),
        },
        optional=("customer_id", "city_tier"),
    )

    # ---------------- orders (numbered in session order; order_ts = the purchase event's ts)
    o_ts = e_ts[buy_pos]
    oid = id_base(day, block, "order") + np.arange(n_orders, dtype=np.int64)
    orders = table(
        {
            "order_id": pa.array(oid),
            "customer_id": pa.array((cust[buy_sess] + 1).astype(np.int64)),
            "session_id": pa.array(sid_of[buy_sess]),
            "order_ts": ts(o_ts),
            "payment_method": categorical(pay, C.PAYMENT_METHODS),
            "gross_value": pa.array(gross),
            "discount": pa.array(o_disc),
            "net_value": pa.array(net),
            "status": categorical(status, C.STATUS),
            "promotion": categorical(o_promo, C.PROMOTIONS),
            "n_items": pa.array(
                np.bincount(it_order, weights=qty, minlength=n_orders).astype(np.int32)
            ),
        }
    )
    order_items = table(
        {
            "order_id": pa.array(oid[it_order]),
            "product_id": pa.array(it_prod.astype(np.int64) + 1),
            "quantity": pa.array(qty),
            "unit_price": pa.array(money(unit_price)),
            "discount": pa.array(it_disc),
        }
    )

    support = _support(
        id_base(day, block, "contact"),
        lambda: stream(w.seed, "support_contacts", day, block),
        oid,
        cust[buy_sess] + 1,
        o_ts,
        status,
        cust + 1,
        start,
    )

    n_bot_events = int(b_events.sum())
    stats = {
        "sessions": n,
        "bot_sessions": nb,
        "bot_events": n_bot_events,
        "events_raw": ne,
        "duplicate_events": int(c_dup.sum()),
        "missing_customer_id_events": len(miss),
        "late_events_over_1h": n_late[0],
        "late_events_over_3d": n_late[1],
        "human_events": ne - n_bot_events,
        "bounced_sessions": int(bounced.sum()),
        "cart_sessions": int(has_cart.sum()),
        "checkout_sessions": int(checkout.sum()),
        "purchase_sessions": n_orders,
        "product_views": nv,
        "orders": n_orders,
        "orders_returned": int((status == 1).sum()),
        "gmv_net": float(net.sum()),
        "sales": int((status == 0).sum()),
        "revenue_of_sales": float(net[status == 0].sum()),
    }
    for d_i, d in enumerate(C.DEVICES):
        m = device == d_i
        stats[f"sessions_{month}_{d}"] = int(m.sum())
        stats[f"purchases_{month}_{d}"] = int((purchased & m).sum())
    return DayPart(
        day,
        block,
        {
            "sessions": sessions,
            "events": events,
            "orders": orders,
            "order_items": order_items,
            "support_contacts": support,
        },
        stats,
    )


_WORKER: dict = {}


def init_worker(world: World, folder=None, fmt: str = "parquet") -> None:
    """Process-pool initializer: receive the shared world (and where to write) once."""
    _WORKER.update(world=world, folder=folder, fmt=fmt)


def make_part(w: World, key: tuple[int, int], folder=None, fmt: str = "parquet") -> DayPart:
    """Make one (day, block); with ``folder`` set, write it there and keep only its counts.

    >>> make_part(World.build(1, "tiny"), (0, 0)).tables["sessions"].num_rows > 0
    True
    """
    part = make_day(w, *key)
    return part.write(folder, fmt) if folder is not None else part


def day_in_worker(key: tuple[int, int]) -> DayPart:
    """Process-pool task: :func:`make_part` with the world and folder from :func:`init_worker`."""
    return make_part(_WORKER["world"], key, _WORKER["folder"], _WORKER["fmt"])


#: P(contact) by order status and the reasons' mix [A].
SUPPORT_BY_STATUS = {
    0: (0.04, (0.5, 0.0, 0.3, 0.0, 0.2)),  # delivered
    1: (0.5, (0.0, 0.8, 0.2, 0.0, 0.0)),  # returned
    2: (0.3, (0.9, 0.1, 0.0, 0.0, 0.0)),  # rto
    3: (0.25, (0.0, 0.4, 0.0, 0.6, 0.0)),  # cancelled
}
PRICE_QUERY_P = 0.002  # of sessions: a pre-purchase price question, not tied to an order


def _support(base, rng, oid, o_cust, o_ts, status, s_cust, s_start) -> pa.Table:
    # One generator for every draw: ``rng()`` restarts the keyed stream, so drawing the reason
    # from a fresh ``rng()`` would repeat the numbers that decided whether a contact happens.
    g = rng()
    n_o = len(oid)
    u = g.random(n_o)
    p = np.array([SUPPORT_BY_STATUS[s][0] for s in range(4)])[status]
    has = u < p
    reason_u = g.random(n_o)
    reason = np.zeros(n_o, dtype=np.int64)
    for s in range(4):
        m = status == s
        reason[m] = cum_choice(np.cumsum(SUPPORT_BY_STATUS[s][1]), reason_u[m])
    delay = g.exponential(2 * 86_400_000, n_o).astype(np.int64) + 600_000
    # price queries from browsing sessions
    pq = bernoulli_hits(g, len(s_cust), PRICE_QUERY_P)
    pq_delay = g.integers(60_000, 3_600_000, len(pq))
    c_order = np.concatenate([oid[has], np.full(len(pq), -1)])
    c_cust = np.concatenate([o_cust[has], s_cust[pq]]).astype(np.int64)
    c_ts = np.concatenate([o_ts[has] + delay[has], s_start[pq] + pq_delay])
    c_reason = np.concatenate([reason[has], np.full(len(pq), 4)])
    ch = cum_choice(np.cumsum(C.SUPPORT_CHANNEL_SHARES), g.random(len(c_ts)))
    srt = np.argsort(c_ts, kind="stable")
    return table(
        {
            "contact_id": pa.array(base + np.arange(len(c_ts), dtype=np.int64)),
            "customer_id": pa.array(c_cust[srt]),
            "order_id": nullable_int(c_order[srt], c_order[srt] < 0),
            "ts": ts(c_ts[srt]),
            "reason": categorical(c_reason[srt], C.SUPPORT_REASONS),
            "channel": categorical(ch[srt], C.SUPPORT_CHANNELS),
        },
        optional=("order_id",),
    )


def planted(scale: str) -> dict:
    """The planted clickstream parameters, for the manifest."""
    return {
        "period": {
            "start": str(PERIOD_START),
            "days": N_DAYS,
            "festive_week": [str(FESTIVE_START), str(FESTIVE_END)],
            "festive_session_factor": C.FESTIVE_SESSION_FACTOR,
        },
        "bounce_definition": "a session whose only event is its landing page_view "
        "(Universal Analytics single-page session)",
        "funnel": {
            "bounce_base_by_device": BOUNCE_BASE,
            "bounce_load_multiplier": "exp(ln(1.3)/2 * (load_s - 1)), capped at 0.95",
            "search_p": SEARCH_P,
            "views_per_session": "Geometric(1/3) on {1,2,...}, capped at 60",
            "add_to_cart_per_view_by_device": CART_Q,
            "device_calibration": "mobile-web session conversion about 0.4-0.5x desktop over "
            "the period (Monetate: mobile 0.37x desktop globally in Q4 2016, 0.40x in the US in "
            "Q1 2019)",
            "add_to_cart_category_factor": {c: C.CATEGORY_SPECS[c][2] for c in C.CATEGORIES},
            "remove_from_cart_p": REMOVE_P,
            "checkout_given_cart": CHECKOUT_P,
            "purchase_given_checkout": PURCHASE_P,
        },
        "page_load": {
            "model": "P(purchase|checkout) *= exp(-k * (load_s - t0))",
            "scenario": LOAD_SCENARIO,
            "k_per_s": LOAD_SCENARIOS[LOAD_SCENARIO],
            "t0_s": LOAD_T0_S,
            "scenarios": LOAD_SCENARIOS,
            "median_load_s_by_device": C.LOAD_MEDIAN_S,
            "grade": "[A]",
        },
        "simpson": {
            "period_a": "2025-09",
            "period_b": "2025-10",
            "device_stickiness": DEVICE_STICKINESS,
            "month_device_mix": {
                str(k): dict(zip(C.DEVICES, v, strict=True)) for k, v in MONTH_DEVICE_MIX.items()
            },
            "month_add_to_cart_factor_by_device": {str(k): v for k, v in MONTH_CART_FACTOR.items()},
            "story": "October traffic shifts to mobile web; every device converts better in "
            "October but overall conversion falls.",
            "seeds_checked": "tests/test_data_realism.py checks the story for seeds 0-24 and "
            "the truth seeds at small; it held for 199 of seeds 0-199",
        },
        "emerging_category": {
            "category": C.EMERGING_CATEGORY,
            "intent_growth_over_period": C.EMERGING_GROWTH,
        },
        "segments": {
            "names": list(C.SEGMENTS),
            "shares": list(C.SEGMENT_SHARES),
            "activity": list(C.SEGMENT_ACTIVITY),
            "occasional_festive_boost": C.OCCASIONAL_FESTIVE_BOOST,
            "category_affinity": {
                s: dict(zip(C.CATEGORIES, map(float, row), strict=True))
                for s, row in zip(C.SEGMENTS, C.SEGMENT_AFFINITY, strict=True)
            },
        },
        "promotions": {
            "assignment": "one banner per session, randomised: "
            + ", ".join(f"{p} {s}" for p, s in zip(C.PROMOTIONS, C.PROMOTION_SHARES, strict=True)),
            "lift_on_purchase_given_checkout": {
                p: dict(zip(C.SEGMENTS, v, strict=True)) for p, v in C.PROMOTION_LIFT.items()
            },
            "bank_offer_10": {"rate": C.BANK_OFFER_RATE, "cap_inr": C.BANK_OFFER_CAP},
            "free_delivery": {"discount_inr": C.FREE_DELIVERY_VALUE},
        },
        "orders": {
            "payment_shares": dict(zip(C.PAYMENT_METHODS, C.PAYMENT_SHARES, strict=True)),
            "payment_shares_grade": "[A]: no reliable public UPI/COD split exists",
            "cancel_p": C.CANCEL_P,
            "rto_p": C.RTO_P,
            "return_p_base": C.RETURN_P,
        },
        "dirt": {
            "bot_share": BOT_SHARE,
            "bot_gap_ms": BOT_GAP_MS,
            "bot_events_per_session": list(BOT_EVENTS),
            "bot_pattern": "no customer_id, desktop, direct, landing home, only "
            "product_view events exactly 2 s apart, on products drawn uniformly from the "
            "catalogue (crawlers ignore popularity), never purchase",
            "duplicate_add_to_cart_p": DUP_CART_P,
            "missing_customer_id_p": MISSING_CUSTOMER_P,
            "late_over_1h_p": LATE_HOUR_P,
            "late_over_3d_p": LATE_3D_P,
            "normal_ingest_lag_ms": f"{INGEST_LAG_MS[0]} + Exponential(mean {INGEST_LAG_MS[1]})",
        },
    }
