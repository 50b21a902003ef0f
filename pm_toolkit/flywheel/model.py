"""The flywheel model: its loop, its knobs, the weekly simulation and its closed forms.

:func:`simulate` steps the loop week by week and returns one row per week. Balancing loops
stop it from running away: the market is finite (saturation), deliveries need capacity, and
competitors cut their prices as we take share. **Every parameter is illustrative [A].**

>>> frame = simulate(FlywheelParams(), periods=104)
>>> bool(frame["customers"].iloc[-1] > frame["customers"].iloc[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# The loop's structure (used by the lesson's diagram and by the ordering exercise)
# --------------------------------------------------------------------------------------------

#: The reinforcing loop, in causal order; the last link closes back onto the first.
MAIN_LOOP: tuple[str, ...] = ("customer experience", "traffic", "sellers", "selection")
#: The cost loop: growth lowers unit cost, which lowers prices, which improves experience.
COST_LOOP: tuple[str, ...] = ("growth", "lower cost structure", "lower prices")

#: Random-stream keys (SeedSequence spawn keys) so each noisy decision has its own stream:
#: switching one kind of noise on or off never shifts the draws of another.
_STREAM = 101
_PRICE_STREAM, _FORECAST_STREAM = 0, 1


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAM, stream)))


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlywheelParams:
    """Knobs of the weekly flywheel model. **All defaults are illustrative [A]**, not measured.

    Customers: Bass-style adoption ``(a + b*C/M)*(M - C)*2σ(cx_acquisition*CX)`` minus churn
    ``churn*2σ(-cx_churn*CX)*C`` (σ the logistic function, so both multipliers are 1 at CX = 0). Sellers: entry ``(a_s + b_s*T/T_ref)*(S_max - S)`` minus exit
    ``seller_exit*S``, with traffic ``T = C*visits`` and ``T_ref = M*visits``. Selection
    ``N = first_party_listings + listings_per_seller*S``. Cost ``c = c0*(V/V0)**(-θ)`` over
    cumulative orders V; price ``p = (1+μ)*c``. Customer experience (0 = where we start)::

        CX = w_N*log(N/N_0) - w_p*log(p/p_comp) + w_d*(on_time - 1) + w_a*(fill_rate - 1) + pers

    where ``pers`` is the personalisation lift of the team's :class:`Decisions`.

    >>> FlywheelParams().markup
    0.25
    """

    # Customers (people who shop with us at least now and then)
    market_size: float = 5_000_000  # M: online shoppers we could ever reach [A]
    initial_customers: float = 50_000
    innovation: float = 0.0005  # a: weekly share of non-customers who join unprompted [A]
    imitation: float = 0.04  # b: word of mouth: pull of existing customers [A]
    churn: float = 0.02  # weekly share of customers lost when CX = 0 [A]
    cx_acquisition: float = 1.0  # how strongly experience speeds acquisition [A]
    cx_churn: float = 1.0  # how strongly experience slows churn [A]
    visits_per_week: float = 1.5  # visits per customer per week [A]
    base_conversion: float = 0.03  # share of visits that buy when CX = 0 [A]
    cx_conversion: float = 0.5  # change in log-odds of buying per unit of CX [A]
    # Sellers and selection
    initial_sellers: float = 1_000
    max_sellers: float = 100_000  # S_max: sellers who could ever list with us [A]
    seller_innovation: float = 0.0002  # a_s [A]
    seller_imitation: float = 0.02  # b_s: pull of our traffic on sellers [A]
    seller_exit: float = 0.01  # weekly share of sellers who leave [A]
    listings_per_seller: float = 50.0  # k [A]
    first_party_listings: float = 200_000  # what we sell ourselves (1P) [A]
    seller_link: bool = True  # False cuts "sellers -> selection": new sellers add nothing
    selection_weight: float = 0.2  # w_N [A]
    # Cost and price (₹ per order)
    unit_cost: float = 800.0  # c0: cost of serving an average order at the start [A]
    initial_volume: float = 100_000  # V0: orders served before week 0 [A]
    scale_economies: float = 0.08  # θ: unit cost falls 1-2**-θ per doubling of volume [A]
    markup: float = 0.25  # μ: price = (1 + μ) * unit cost [A]
    competitor_price: float = 1000.0  # ₹ for the same basket elsewhere at the start [A]
    competitor_response: float = 0.3  # competitors cut price by this times our market share [A]
    price_weight: float = 3.0  # w_p [A]
    # Operations
    initial_capacity: float = 3_000  # orders we can deliver on time per week [A]
    capacity_build: float = 0.15  # weekly share of a capacity shortfall we build [A]
    delivery_weight: float = 1.0  # w_d [A]
    availability_weight: float = 1.0  # w_a [A]
    holding_cost: float = 0.25  # cost of an unsold unit, as a share of unit cost [A]

    def __post_init__(self) -> None:
        positive = ("market_size", "visits_per_week", "unit_cost", "initial_volume")
        positive += ("competitor_price", "max_sellers", "first_party_listings")
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0; got {getattr(self, name)!r}")
        rates = ("innovation", "imitation", "churn", "seller_innovation", "seller_imitation")
        rates += ("seller_exit", "capacity_build")
        for name in rates:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(
                    f"{name} is a weekly share and must be in [0, 1]; got {getattr(self, name)!r}"
                )
        if not 0 < self.base_conversion < 1:
            raise ValueError(f"base_conversion must be in (0, 1); got {self.base_conversion!r}")
        if not 0 <= self.initial_customers <= self.market_size:
            raise ValueError(
                "initial_customers must be between 0 and market_size; got "
                f"{self.initial_customers!r}"
            )
        if not 0 <= self.initial_sellers <= self.max_sellers:
            raise ValueError(
                f"initial_sellers must be between 0 and max_sellers; got {self.initial_sellers!r}"
            )
        if self.markup <= -1:
            raise ValueError(f"markup must be > -1 (a price above zero); got {self.markup!r}")
        if not 0 <= self.competitor_response < 1:
            raise ValueError(
                f"competitor_response must be in [0, 1); got {self.competitor_response!r}"
            )
        nonneg = ("listings_per_seller", "initial_capacity", "scale_economies", "holding_cost")
        for name in nonneg:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)!r}")


#: What each knob means, in plain words (for the lesson's "which numbers are assumptions" table).
PARAM_NOTES: dict[str, str] = {
    "market_size": "online shoppers we could ever reach",
    "initial_customers": "customers in week 0",
    "innovation": "weekly share of non-customers who join on their own (ads, search)",
    "imitation": "word of mouth: how strongly customers bring in others",
    "churn": "weekly share of customers lost at today's experience",
    "cx_acquisition": "how much a better experience speeds up joining",
    "cx_churn": "how much a better experience slows down leaving",
    "visits_per_week": "visits per customer per week",
    "base_conversion": "share of visits that end in an order at today's experience",
    "cx_conversion": "how much a better experience raises conversion",
    "initial_sellers": "third-party sellers in week 0",
    "max_sellers": "sellers who could ever list with us",
    "seller_innovation": "weekly share of outside sellers who join on their own",
    "seller_imitation": "how strongly our traffic pulls sellers in",
    "seller_exit": "weekly share of sellers who leave",
    "listings_per_seller": "products each seller lists",
    "first_party_listings": "products we sell ourselves",
    "seller_link": "whether new sellers add to the selection",
    "selection_weight": "how much shoppers value a wider choice",
    "unit_cost": "cost of serving an average order in week 0 (₹)",
    "initial_volume": "orders served before week 0",
    "scale_economies": "how fast unit cost falls as volume piles up",
    "markup": "price = (1 + markup) × unit cost",
    "competitor_price": "competitor's price for the same basket in week 0 (₹)",
    "competitor_response": "how hard competitors cut prices as we take share",
    "price_weight": "how much shoppers mind being more expensive than competitors",
    "initial_capacity": "orders we can deliver on time per week in week 0",
    "capacity_build": "weekly share of a delivery shortfall we build capacity for",
    "delivery_weight": "how much late deliveries hurt the experience",
    "availability_weight": "how much stock-outs hurt the experience",
    "holding_cost": "cost of an unsold unit, as a share of unit cost",
}


def params_table(params: FlywheelParams | None = None) -> pd.DataFrame:
    """Every knob with its value, its meaning and its grade: all [A], i.e. assumptions.

    >>> params_table().loc["markup", "grade"]
    '[A] assumption'
    """
    p = params if params is not None else FlywheelParams()
    rows = [
        {"knob": name, "value": getattr(p, name), "meaning": PARAM_NOTES.get(name, ""),
         "grade": "[A] assumption"}
        for name in p.__dataclass_fields__
    ]  # fmt: skip
    return pd.DataFrame(rows).set_index("knob")


@dataclass(frozen=True)
class Decisions:
    """How well the team decides, week after week. Values are illustrative [A].

    - ``price_noise``: typical error of a price decision (std of log price; 0.1 ≈ ±10 %).
    - ``reprice_every``: weeks between price reviews (costs fall in between, prices don't).
    - ``forecast_error``: typical error of the stock forecast per warehouse (std of log).
    - ``safety_stock``: extra stock carried on top of the forecast (0.1 = 10 %).
    - ``personalisation_lift``: gain in customer experience from showing each shopper the right
      products and offers (0 = everyone sees the same page).
    """

    name: str = "perfect"
    price_noise: float = 0.0
    reprice_every: int = 1
    forecast_error: float = 0.0
    safety_stock: float = 0.0
    personalisation_lift: float = 0.0

    def __post_init__(self) -> None:
        if self.price_noise < 0 or self.forecast_error < 0 or self.safety_stock < 0:
            raise ValueError("price_noise, forecast_error and safety_stock must be >= 0")
        if int(self.reprice_every) != self.reprice_every or self.reprice_every < 1:
            raise ValueError(
                f"reprice_every is a whole number of weeks >= 1; got {self.reprice_every!r}"
            )


COLUMNS = (
    "period", "customers", "new_customers", "lost_customers", "sellers", "selection",
    "third_party_share", "traffic", "conversion_rate", "demand", "orders", "fill_rate",
    "overstock", "on_time_share", "capacity", "unit_cost", "price", "competitor_price",
    "customer_experience", "revenue", "gross_margin", "cumulative_orders",
)  # fmt: skip


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def simulate(
    params: FlywheelParams | None = None,
    periods: int = 260,
    *,
    decisions: Decisions | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Run the flywheel for ``periods`` weeks; one row per week (a tidy frame).

    Stocks carried from week to week: customers, sellers, cumulative orders and delivery
    capacity. Money columns are in ₹ per week; ``conversion_rate``, ``fill_rate``,
    ``on_time_share`` and ``third_party_share`` are fractions. With ``decisions=None`` every
    decision is perfect (no noise) and the run is fully deterministic; noisy decisions draw from
    ``SeedSequence(seed)`` streams, so the same seed gives the same run.

    >>> frame = simulate(FlywheelParams(), periods=3)
    >>> list(frame["period"])
    [0, 1, 2]
    >>> bool((frame["customers"] >= 0).all())
    True
    """
    p = params if params is not None else FlywheelParams()
    d = decisions if decisions is not None else Decisions()
    periods = int(periods)
    if periods < 1:
        raise ValueError(f"periods must be a whole number of weeks >= 1; got {periods}")
    price_rng = _rng(seed, _PRICE_STREAM) if d.price_noise > 0 else None
    forecast_rng = _rng(seed, _FORECAST_STREAM) if d.forecast_error > 0 else None

    M = p.market_size
    cust, sellers, volume, capacity = (
        p.initial_customers,
        p.initial_sellers,
        p.initial_volume,
        (p.initial_capacity),
    )
    third_party0 = p.listings_per_seller * p.initial_sellers
    selection0 = p.first_party_listings + third_party0
    base_logit = math.log(p.base_conversion / (1 - p.base_conversion))
    traffic_ref = M * p.visits_per_week
    last_fill = last_on_time = 1.0
    price = 0.0
    rows = np.empty((periods, len(COLUMNS)))
    for t in range(periods):
        # Selection: cutting the seller -> selection link freezes 3P listings at their start.
        third_party = p.listings_per_seller * (sellers if p.seller_link else p.initial_sellers)
        selection = p.first_party_listings + third_party
        # Cost structure falls with cumulative volume (experience curve).
        unit_cost = p.unit_cost * (volume / p.initial_volume) ** (-p.scale_economies)
        if t % d.reprice_every == 0:  # prices only move when someone reviews them
            price = (1 + p.markup) * unit_cost
            if price_rng is not None:
                price *= math.exp(price_rng.normal(0.0, d.price_noise))
        comp_price = p.competitor_price * (1 - p.competitor_response * cust / M)
        cx = (
            p.selection_weight * math.log(selection / selection0)
            - p.price_weight * math.log(price / comp_price)
            + p.delivery_weight * (last_on_time - 1)
            + p.availability_weight * (last_fill - 1)
            + d.personalisation_lift  # relevant pages and offers: engagement and loyalty
        )
        traffic = cust * p.visits_per_week
        conv = _sigmoid(base_logit + p.cx_conversion * cx)
        demand = traffic * conv
        # Inventory: stock = forecast * (1 + safety); shortfalls are lost sales.
        stock = demand * (1 + d.safety_stock)
        if forecast_rng is not None:
            stock *= math.exp(forecast_rng.normal(0.0, d.forecast_error))
        orders = min(demand, stock)
        fill = orders / demand if demand > 0 else 1.0
        overstock = max(0.0, stock - demand)
        on_time = min(1.0, capacity / orders) if orders > 0 else 1.0
        # Flows, clipped so that no stock can go negative or overshoot its ceiling.
        # Experience scales acquisition and churn between 0x and 2x (1x when CX = 0): a better
        # shop wins people faster and keeps them longer, but never infinitely so.
        new = (p.innovation + p.imitation * cust / M) * (M - cust)
        new = min(max(new * 2 * _sigmoid(p.cx_acquisition * cx), 0.0), M - cust)
        lost = min(p.churn * 2 * _sigmoid(-p.cx_churn * cx) * cust, cust)
        entry = (p.seller_innovation + p.seller_imitation * traffic / traffic_ref) * (
            p.max_sellers - sellers
        )
        entry = min(max(entry, 0.0), p.max_sellers - sellers)
        exits = min(p.seller_exit * sellers, sellers)
        revenue = orders * price
        margin = orders * (price - unit_cost) - overstock * p.holding_cost * unit_cost
        rows[t] = (
            t, cust, new, lost, sellers, selection, third_party / selection, traffic, conv,
            demand, orders, fill, overstock, on_time, capacity, unit_cost, price, comp_price,
            cx, revenue, margin, volume,
        )  # fmt: skip
        cust = min(max(cust + new - lost, 0.0), M)
        sellers = min(max(sellers + entry - exits, 0.0), p.max_sellers)
        volume += orders
        capacity += p.capacity_build * max(0.0, orders - capacity)
        last_fill, last_on_time = fill, on_time
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["period"] = frame["period"].astype(int)
    return frame


# --------------------------------------------------------------------------------------------
# Closed forms used as oracles (and in the lesson's prose)
# --------------------------------------------------------------------------------------------


def bass_peak_customers(market_size: float, innovation: float, imitation: float) -> float:
    """Customers at which Bass adoption is fastest: ``M*(b - a)/(2b)`` (needs ``b > a``).

    >>> round(bass_peak_customers(1000, 0.01, 0.11), 3)
    454.545
    """
    if not imitation > innovation:
        raise ValueError(
            "adoption only peaks after launch when imitation > innovation; got "
            f"a={innovation}, b={imitation}"
        )
    return market_size * (imitation - innovation) / (2 * imitation)


def bass_customers(
    t: np.ndarray | float, market_size: float, innovation: float, imitation: float
) -> np.ndarray:
    """Continuous-time Bass solution from zero customers: ``M(1-e^{-(a+b)t})/(1+(b/a)e^{-(a+b)t})``.

    >>> round(float(bass_customers(0.0, 1000, 0.01, 0.1)), 6)
    0.0
    """
    a, b = innovation, imitation
    e = np.exp(-(a + b) * np.asarray(t, dtype=float))
    return market_size * (1 - e) / (1 + (b / a) * e)


def weeks_to_reach(frame: pd.DataFrame, value: float, column: str = "customers") -> int | None:
    """First week in which ``column`` is at least ``value`` (None if never).

    >>> weeks_to_reach(pd.DataFrame({"period": [0, 1, 2], "customers": [5, 8, 12]}), 8)
    1
    """
    hit = frame.loc[frame[column] >= value, "period"]
    return int(hit.iloc[0]) if len(hit) else None


def steady_state_gap(frame: pd.DataFrame, last: int = 52) -> float:
    """Largest relative weekly change of customers and sellers over the last ``last`` weeks.

    Near zero means the wheel has settled: inflows equal outflows.
    """
    tail = frame.tail(last)
    gaps = [
        (tail[col].diff().abs() / tail[col].clip(lower=1e-12)).max()
        for col in ("customers", "sellers")
    ]
    return float(max(gaps))
