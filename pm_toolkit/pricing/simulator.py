"""A repricing simulator: what would each pricing policy have earned over the hourly panel?

The world (per product ``i`` and hour ``t``, all arrays products × hours)::

    demand = forecast · shock · (p / p_ref)^(−ε) · (comp / comp_ref)^η · (1 − r + r·trust)

* ``forecast`` comes from the data world's ``pricing_panel``: the units expected when we and
  the competitor both charge the reference price ``p_ref`` (the list price); ``comp`` is the
  competitor's price in the panel; ``shock`` is the part no forecast sees (log-normal and
  persistent from hour to hour, drawn from the seed, the same draws for every policy: a fair
  race).
* Competitors react: after an hour, their price moves by ``competitor_reaction`` times our
  own move since the start (0 = they ignore us, 1 = they match every rupee in per cent).
* Inventory runs out: sales are ``min(demand, stock)``; deliveries arrive as in the panel.
* Customer trust: each visible price change of a product knocks a share ``trust_effect`` off
  its repeat customers' trust, which heals with a half-life of a week; repeat customers (a
  share ``repeat_share`` of demand) buy in proportion to trust. How big the effect is, nobody
  knows (see the lesson), which is why it is a parameter to sweep, not a fact.

Every policy prices with the same model and differs only in how often it may change the price
and by how much. At each review the model reads its inputs (stock on hand, the demand forecast
until the next delivery, the competitor's price in it) and sets the price that maximises its
expected margin until that delivery (:mod:`~pm_toolkit.pricing.rationing`): the Lerner price
when stock is ample, higher as stock runs short, never above the MRP. Stock and forecast move
every hour, so the hourly policy re-prices whenever they move it by at least ``min_change``.
The static policy keeps the model's best single price for the whole period
(:func:`fixed_prices`), which every policy starts from.

>>> m = Market.example(n_products=3, n_days=7)
>>> r = simulate(m, seed=1)
>>> sorted(r.table().index) == sorted(p.name for p in STANDARD_POLICIES)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.signal import lfilter

from pm_toolkit.findings import tidy_table
from pm_toolkit.formatting import format_inr_compact
from pm_toolkit.pricing._random import rng_for
from pm_toolkit.pricing.rationing import (
    RationingTable,
    expected_sales,
    rationing_table,
)

__all__ = [
    "STANDARD_POLICIES",
    "Market",
    "Policy",
    "SimulationReport",
    "break_even_trust",
    "fixed_prices",
    "model_prices",
    "simulate",
    "trust_sensitivity",
]

_HOURS_PER_DAY = 24
SHOCK_PERSISTENCE = 0.7


@dataclass(frozen=True)
class Policy:
    """How often and how far a policy may move a price.

    ``review_every`` hours between re-pricings (``None`` = a static price), starting
    ``review_offset`` hours after midnight (a daily review at 06:00, after the morning delivery);
    ``max_changes_per_day`` and ``max_step`` (largest move, as a fraction of the current price)
    are guardrails; moves smaller than ``min_change`` are skipped (nobody reprices by 20 paise).
    """

    name: str
    review_every: int | None
    max_changes_per_day: int | None = None
    max_step: float | None = None
    min_change: float = 0.005
    review_offset: int = 0

    def __post_init__(self) -> None:
        if self.review_every is not None and self.review_every < 1:
            raise ValueError(f"review_every must be ≥ 1 hour or None; got {self.review_every}")
        if not 0 < self.min_change < 1:
            raise ValueError(f"min_change is a fraction such as 0.01 (1 %); got {self.min_change}")
        if self.max_step is not None and not 0 < self.max_step < 1:
            raise ValueError(f"max_step is a fraction such as 0.05 (5 %); got {self.max_step}")


#: The four policies the case compares.
STANDARD_POLICIES: tuple[Policy, ...] = (
    Policy("static", None),
    Policy("daily", 24, review_offset=6),
    Policy("guarded", 12, max_step=0.05, review_offset=6),
    Policy("hourly", 1),
)


def _as_vector(value, product_ids: np.ndarray, name: str) -> np.ndarray:
    """A scalar, a mapping product_id → value, or a Series indexed by product_id → array."""
    if isinstance(value, Mapping | pd.Series):
        series = pd.Series(value)
        missing = [p for p in product_ids if p not in series.index]
        if missing:
            raise ValueError(f"{name} is missing products {missing[:5]}")
        out = series.reindex(product_ids).to_numpy(dtype=float)
    else:
        out = np.full(len(product_ids), float(value))
    if np.any(~np.isfinite(out)) or np.any(out <= 0):
        raise ValueError(f"{name} must be positive for every product")
    return out


@dataclass(frozen=True, eq=False)
class Market:
    """Products × hours arrays the simulator runs on; build it with :meth:`from_panel`."""

    product_ids: np.ndarray
    hours: pd.DatetimeIndex
    ref_price: np.ndarray  # (P, T) our price at which the forecast holds
    comp_price: np.ndarray  # (P, T) the competitor's price path (before reacting to us)
    ref_comp: np.ndarray  # (P, T) the competitor price at which the forecast holds
    forecast: np.ndarray  # (P, T) units expected at the reference prices
    arrivals: np.ndarray  # (P, T) units delivered at the start of each hour
    restock_to: np.ndarray  # (P, T) stock topped up to this level at the start of the hour (0: no)
    start_stock: np.ndarray  # (P,)
    mrp: np.ndarray  # (P,)
    cost: np.ndarray  # (P,)
    elasticity: np.ndarray  # (P,) the world's true elasticity
    model_elasticity: np.ndarray  # (P,) the elasticity the pricing model believes
    cross_elasticity: float = 0.1

    @property
    def n_products(self) -> int:
        return int(self.ref_price.shape[0])

    @property
    def n_hours(self) -> int:
        return int(self.ref_price.shape[1])

    def __repr__(self) -> str:
        return (
            f"Market({self.n_products} products × {self.n_hours} hours, "
            f"η = {self.cross_elasticity:g})"
        )

    @classmethod
    def from_panel(
        cls,
        panel: pd.DataFrame,
        *,
        elasticity: float | Mapping | pd.Series,
        model_elasticity: float | Mapping | pd.Series | None = None,
        reference_price: Mapping | pd.Series | None = None,
        cross_elasticity: float = 0.3,
    ) -> Market:
        """Arrange the data world's ``pricing_panel`` as products × hours arrays.

        ``reference_price`` (product_id → ₹, e.g. the list price) is the price, ours and the
        competitor's, at which ``demand_forecast`` holds; without it the forecast is taken to
        hold at the panel's own prices. Deliveries are read off the panel: stock that goes
        *up* from one hour to the next, after this hour's sales, is a delivery.
        """
        need = {
            "product_id",
            "hour_ts",
            "our_price",
            "competitor_price",
            "mrp",
            "unit_cost",
            "inventory",
            "demand_forecast",
            "units_sold",
        }
        missing = need - set(panel.columns)
        if missing:
            raise ValueError(f"the panel lacks column(s) {sorted(missing)}; load 'pricing_panel'")
        df = panel.sort_values(["product_id", "hour_ts"])

        def grid(col: str) -> pd.DataFrame:
            return df.pivot(index="product_id", columns="hour_ts", values=col)

        price = grid("our_price")
        if price.isna().to_numpy().any():
            # A product missing some hours: carry its last known value (then the next) forward.
            price = price.ffill(axis=1).bfill(axis=1)
        ids = price.index.to_numpy()

        def arr(col: str) -> np.ndarray:
            return grid(col).reindex(index=ids).ffill(axis=1).bfill(axis=1).to_numpy(float)

        inv, sold = arr("inventory"), arr("units_sold")
        # The panel's warehouse tops stock up to a fixed level; a delivery shows as stock that
        # rose after last hour's sales. Replay it as "top up to the level seen then", so a
        # policy that sells less keeps its leftover stock instead of getting extra units.
        delivered = np.zeros(inv.shape, dtype=bool)
        delivered[:, 1:] = inv[:, 1:] > inv[:, :-1] - sold[:, :-1]
        restock_to = np.where(delivered, inv, 0.0)
        first = df.groupby("product_id")[["mrp", "unit_cost"]].first().reindex(ids)
        eps = _as_vector(elasticity, ids, "elasticity")
        model = (
            eps
            if model_elasticity is None
            else _as_vector(model_elasticity, ids, "model_elasticity")
        )
        comp = arr("competitor_price")
        if reference_price is None:
            ref, ref_comp = price.to_numpy(float), comp
        else:
            ref = np.repeat(
                _as_vector(reference_price, ids, "reference_price")[:, None], inv.shape[1], axis=1
            )
            ref_comp = ref
        return cls(
            product_ids=ids,
            hours=pd.DatetimeIndex(price.columns),
            ref_price=ref,
            comp_price=comp,
            ref_comp=ref_comp,
            forecast=np.maximum(arr("demand_forecast"), 0.0),
            arrivals=np.zeros_like(inv),
            restock_to=restock_to,
            start_stock=np.maximum(inv[:, 0], 0.0),
            mrp=first["mrp"].to_numpy(float),
            cost=first["unit_cost"].to_numpy(float),
            elasticity=eps,
            model_elasticity=model,
            cross_elasticity=float(cross_elasticity),
        )

    def with_model_elasticity(self, model_elasticity: float | Mapping | pd.Series) -> Market:
        """The same world priced by a model that believes a different elasticity."""
        return replace(
            self,
            model_elasticity=_as_vector(model_elasticity, self.product_ids, "model_elasticity"),
        )

    @classmethod
    def example(cls, n_products: int = 5, n_days: int = 14, seed: int = 0) -> Market:
        """A small made-up market (for docs and tests): daily cycle, weekly restocks."""
        rng = rng_for(seed, 2)
        t = np.arange(n_days * _HOURS_PER_DAY)
        daily = 1.0 + 0.6 * np.sin(2 * np.pi * ((t % 24) - 14) / 24)  # evening peak
        mrp = rng.choice([499.0, 799.0, 1299.0], n_products)
        cost = mrp * rng.uniform(0.35, 0.55, n_products)
        eps = rng.uniform(1.5, 3.5, n_products)
        # Historical prices near the model's own price, so the forecast is roughly what sells.
        everyday = np.minimum(cost * eps / (eps - 1), mrp)
        hist = np.repeat(everyday[:, None], t.size, axis=1) * rng.uniform(
            0.97, 1.03, (n_products, 1)
        )
        comp = hist * rng.uniform(0.95, 1.05, (n_products, t.size))
        forecast = rng.uniform(0.5, 2.0, n_products)[:, None] * daily[None, :]
        per_day = forecast.sum(1, keepdims=True) / n_days
        # Weekly deliveries a little short of demand: stock gets tight before each delivery.
        arrivals = np.zeros_like(forecast)
        arrivals[:, 24 * 7 + 6 :: 24 * 7] = per_day * 7 * rng.uniform(0.8, 1.0, (n_products, 1))
        return cls(
            product_ids=np.array([f"P{i:04d}" for i in range(n_products)]),
            hours=pd.date_range("2025-10-01", periods=t.size, freq="h", tz="Asia/Kolkata"),
            ref_price=hist,
            comp_price=comp,
            ref_comp=hist,
            forecast=forecast,
            arrivals=arrivals,
            restock_to=np.zeros_like(arrivals),
            start_stock=per_day[:, 0] * 7 * rng.uniform(0.8, 1.1, n_products),
            mrp=mrp,
            cost=cost,
            elasticity=eps,
            model_elasticity=eps,
        )


def model_prices(market: Market) -> np.ndarray:
    """The pricing model's everyday price per product: Lerner price clipped into [cost, MRP].

    >>> m = Market.example(n_products=2)
    >>> bool(np.all(model_prices(m) <= m.mrp))
    True
    """
    eps = market.model_elasticity
    with np.errstate(divide="ignore", invalid="ignore"):
        lerner = np.where(eps > 1, market.cost * eps / (eps - 1), np.inf)
    return np.clip(lerner, market.cost, market.mrp)


def _cycles(market: Market) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per product: the first hour of each delivery cycle and the stock it starts with."""
    out = []
    for i in range(market.n_products):
        hours = np.flatnonzero((market.arrivals[i] > 0) | (market.restock_to[i] > 0))
        starts = np.concatenate([[0], hours[hours > 0]])
        stock = market.restock_to[i, starts] + market.arrivals[i, starts]
        stock[0] = max(
            stock[0], market.start_stock[i] + (market.arrivals[i, 0] if 0 in hours else 0)
        )
        out.append((starts, stock))
    return out


def fixed_prices(market: Market, forecast_error: float = 0.25) -> np.ndarray:
    """The pricing model's best single price per product for the whole period (₹).

    The price that maximises the model's expected margin if it is never changed: over each
    delivery cycle it sells ``E[min(demand, stock)]``, so a product whose deliveries fall short
    of demand at the Lerner price gets a higher fixed price. This is the static policy, and the
    price every other policy starts from, so that "static versus hourly" measures the value of
    *changing* prices, not of noticing that stock is short.

    >>> m = Market.example(n_products=3)
    >>> bool(np.all((fixed_prices(m) >= model_prices(m) - 1e-9) & (fixed_prices(m) <= m.mrp)))
    True
    """
    cache = market.__dict__.setdefault("_fixed", {})
    if forecast_error in cache:
        return cache[forecast_error]
    eps = market.model_elasticity
    low = model_prices(market) / market.mrp
    weight = market.forecast * (market.comp_price / market.ref_comp) ** market.cross_elasticity
    weight = weight * (market.ref_price / market.mrp[:, None]) ** eps[:, None]
    out = np.empty(market.n_products)
    for i, (starts, stock) in enumerate(_cycles(market)):
        demand_at_mrp = np.add.reduceat(weight[i], starts)
        # Candidate prices as a share of the MRP, from the Lerner price up to the MRP.
        r = np.exp(np.linspace(np.log(low[i]), 0.0, 400))[:, None]
        sold = expected_sales(
            r,
            stock=stock[None, :],
            weight=demand_at_mrp[None, :],
            elasticity=eps[i],
            spread=forecast_error,
        ).sum(axis=1)
        out[i] = r[np.argmax((r[:, 0] * market.mrp[i] - market.cost[i]) * sold), 0] * market.mrp[i]
    cache[forecast_error] = out
    return out


@dataclass(frozen=True, eq=False)
class SimulationReport:
    """What each policy earned, and at what cost in trust, stock-outs and price churn."""

    summary: pd.DataFrame
    prices: np.ndarray = field(repr=False)  # (policies, products, hours)
    sales: np.ndarray = field(repr=False)  # (policies, products, hours), units
    product_ids: np.ndarray = field(repr=False)
    hours: pd.DatetimeIndex = field(repr=False)
    settings: dict = field(repr=False)

    def __repr__(self) -> str:
        best = self.best_policy()
        return (
            f"SimulationReport({len(self.summary)} policies; best margin: {best} "
            f"{format_inr_compact(self.summary.loc[best, 'gross_margin'])}; {self.settings})"
        )

    def _repr_html_(self) -> str:
        return self.tidy().to_html()

    def tidy(self) -> pd.DataFrame:
        """The main columns as a PM reads them: ₹ in lakh/crore, margin over static in %."""
        t = self.summary
        out = pd.DataFrame(
            {
                "revenue": t["revenue"],
                "gross margin": t["gross_margin"],
                "margin vs static": t["gross_margin"] / t.loc["static", "gross_margin"] - 1
                if "static" in t.index
                else np.nan,
                "changes / product-day": t["changes_per_product_day"],
                "largest step (%)": t["max_change_pct"],
                "stock-out hours": t["stockout_hours"].astype(int),
                "lost to trust": t["trust_lost_revenue"],
            }
        )
        return tidy_table(
            out,
            compact_money=["revenue", "gross margin", "lost to trust"],
            pct=["margin vs static"],
            pct_decimals=2,
            decimals=1,
        )

    def table(self) -> pd.DataFrame:
        """One row per policy: revenue, margin, stock-outs, price changes, trust loss."""
        return self.summary.copy()

    def margin(self, policy: str) -> float:
        """Gross margin (₹, revenue minus unit cost of goods sold) of one policy."""
        return float(self.summary.loc[policy, "gross_margin"])

    def best_policy(self) -> str:
        """The policy with the highest gross margin."""
        return str(self.summary["gross_margin"].idxmax())

    def price_path(self, policy: str, product: int | str = 0) -> pd.Series:
        """Hourly price (₹) of one product under one policy."""
        k = list(self.summary.index).index(policy)
        i = (
            product
            if isinstance(product, int)
            else int(np.flatnonzero(self.product_ids == product)[0])
        )
        return pd.Series(
            self.prices[k, i], index=self.hours, name=f"{policy}: {self.product_ids[i]}"
        )


def _until_next_delivery(values: np.ndarray, deliveries: np.ndarray, cap: int) -> np.ndarray:
    """Sum of ``values`` from each hour up to (not including) the next delivery, ≤ ``cap`` hours."""
    P, T = values.shape
    csum = np.concatenate([np.zeros((P, 1)), np.cumsum(values, axis=1)], axis=1)
    t = np.arange(T)
    out = np.empty((P, T))
    for i in range(P):
        when = np.append(np.flatnonzero(deliveries[i]), T)  # T: no delivery before the end
        nxt = when[np.searchsorted(when, t, side="right")]
        end = np.minimum(nxt, t + cap)
        out[i] = csum[i, end] - csum[i, t]
    return out


def _table(market: Market, forecast_error: float) -> RationingTable:
    """The model's rationing rule for this market, solved once and kept with the market."""
    cache = market.__dict__.setdefault("_rationing", {})
    if forecast_error not in cache:
        cache[forecast_error] = rationing_table(
            market.cost, market.mrp, market.model_elasticity, forecast_error
        )
    return cache[forecast_error]


def simulate(
    market: Market,
    policies: Sequence[Policy] = STANDARD_POLICIES,
    *,
    trust_effect: float = 0.0,
    competitor_reaction: float = 0.0,
    repeat_share: float = 0.4,
    trust_half_life_hours: float = 168.0,
    demand_noise: float = 0.2,
    forecast_error: float = 0.25,
    horizon_hours: int = 168,
    seed: int = 0,
) -> SimulationReport:
    """Run every policy over the market, hour by hour, and report what each earned.

    ``demand_noise`` is the spread of the world's hourly demand surprises (log scale [A]);
    ``forecast_error`` is how unsure the pricing model is of demand until the next delivery
    (log-normal spread [A], the shape of its rationing rule); ``horizon_hours`` caps how far
    ahead it looks. Vectorised over policies × products; the loop is over hours only, because
    stock, trust and competitor prices carry over from one hour to the next. Same inputs and
    seed, same report.

    >>> m = Market.example(n_products=4, n_days=7)
    >>> a = simulate(m, trust_effect=0.05, seed=3).table()
    >>> b = simulate(m, trust_effect=0.05, seed=3).table()
    >>> a.equals(b)
    True
    """
    if not policies:
        raise ValueError("give at least one policy, e.g. STANDARD_POLICIES")
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        raise ValueError(f"policy names must be unique; got {names}")
    if trust_effect < 0 or trust_effect >= 1:
        raise ValueError(f"trust_effect is a share in [0, 1), e.g. 0.05; got {trust_effect}")
    if not 0 <= repeat_share <= 1:
        raise ValueError(f"repeat_share is a share in [0, 1]; got {repeat_share}")
    K, P, T = len(policies), market.n_products, market.n_hours
    rng = rng_for(seed, 3)
    # Mean-one log-normal shocks, shared by all policies (common random numbers). They persist
    # from hour to hour (AR(1), ρ = 0.7 per hour), as the panel's own demand shocks do: a busy
    # hour tends to be followed by another, which is what an hourly model could react to.
    innov = rng.normal(0.0, demand_noise * np.sqrt(1 - SHOCK_PERSISTENCE**2), (P, T))
    innov[:, 0] = rng.normal(0.0, demand_noise, P)  # the first hour from the stationary law
    log_shock = lfilter([1.0], [1.0, -SHOCK_PERSISTENCE], innov, axis=1)
    shock = np.exp(log_shock - 0.5 * demand_noise**2)

    eps_true, eps_model = market.elasticity, market.model_elasticity
    mrp, cost = market.mrp, market.cost
    fixed = fixed_prices(market, forecast_error)
    # Model's view of demand over the coming horizon at a constant price p:
    #   Σ_h forecast_h · (p / ref_h)^(−ε̂) = (p/MRP)^(−ε̂) · Σ_h forecast_h · (ref_h/MRP)^ε̂,
    # written relative to the MRP so the powers never overflow.
    # The model knows the competitor's current price path (not yet how it will react to us).
    comp_now = (market.comp_price / market.ref_comp) ** market.cross_elasticity
    weight = market.forecast * comp_now * (market.ref_price / mrp[:, None]) ** eps_model[:, None]
    deliveries = (market.arrivals > 0) | (market.restock_to > 0)
    w_ahead = _until_next_delivery(weight, deliveries, horizon_hours)
    base_demand = market.forecast * shock * comp_now

    hours = np.arange(T)
    every = np.array([p.review_every or 0 for p in policies])
    offset = np.array([p.review_offset for p in policies])
    # (T, K): which policies may re-price at each hour (never at hour 0, where all start equal).
    due_at = (every[None, :] > 0) & (
        (hours[:, None] - offset[None, :]) % np.maximum(every, 1)[None, :] == 0
    )
    due_at[0] = False
    any_due = due_at.any(axis=1)
    all_due = due_at.all(axis=1)
    step_cap = any(p.max_step is not None for p in policies)
    step_lo = np.array([1.0 - (p.max_step or 1.0) for p in policies])[:, None]
    step_hi = np.array([1.0 + (p.max_step or np.inf) for p in policies])[:, None]
    day_cap = any(p.max_changes_per_day is not None for p in policies)
    max_changes = np.array([p.max_changes_per_day or 10**9 for p in policies])[:, None]
    up = np.array([1.0 + p.min_change for p in policies])[:, None]
    down = np.array([1.0 - p.min_change for p in policies])[:, None]

    # Hour-major copies so that each hour reads one contiguous row; prices relative to the MRP
    # keep every power in a safe floating-point range.
    arrivals_t = np.ascontiguousarray(market.arrivals.T)
    rel_ref = market.ref_price / mrp[:, None]
    base_t = np.ascontiguousarray((base_demand * rel_ref ** eps_true[:, None]).T)
    # clearing = MRP·(W/stock)^(1/ε̂) = (MRP^ε̂·W/stock)^(1/ε̂): fold the MRP in once.
    w_ahead_t = np.ascontiguousarray((w_ahead * mrp[:, None] ** eps_model[:, None]).T)
    restock_t = np.ascontiguousarray(market.restock_to.T)
    table = _table(market, forecast_error)
    pos_scale = 1.0 / (eps_model * table.dz)
    pos_shift = (-np.log(mrp) - table.z0) / table.dz
    comp_power = competitor_reaction * market.cross_elasticity
    neg_eps = -eps_true
    mrp_eps = mrp**eps_true

    # Every policy starts at the best fixed price; only the dynamic ones move from it.
    price = np.broadcast_to(fixed, (K, P)).copy()
    start_price = price.copy()
    stock = np.broadcast_to(market.start_stock, (K, P)).copy()
    # keep = 1 − r·distrust: the share of demand still buying, given repeat customers' trust.
    keep = np.ones((K, P))
    changes_today = np.zeros((K, P))
    heal = 0.5 ** (1.0 / trust_half_life_hours)  # share of distrust left after an hour
    hit = 1.0 - trust_effect
    hit_add = trust_effect * (1.0 - repeat_share)
    prices = np.empty((T, K, P))
    sales_all = np.empty((T, K, P))
    keep_all = np.empty((T, K, P))
    comp_factor = np.ones((K, P))
    next_comp = comp_factor
    has_arrivals = market.arrivals.any(axis=0)
    has_restock = market.restock_to.any(axis=0)
    # demand = base · (p/MRP)^(−ε) · competitor factor · keep; the middle two only change
    # when a price changes, so they are kept as one factor.
    factor = price**neg_eps * mrp_eps
    demand = np.empty((K, P))

    for t in range(T):
        if has_arrivals[t]:
            stock += arrivals_t[t]
        if has_restock[t]:
            np.maximum(stock, restock_t[t], out=stock)
        if day_cap and t % _HOURS_PER_DAY == 0:
            changes_today.fill(0.0)
        if next_comp is not comp_factor:
            comp_factor = next_comp
            factor = price**neg_eps * mrp_eps * comp_factor
        if any_due[t]:
            # Ration stock that will not last: the price at which expected demand until the
            # next delivery equals what is on hand.
            pressure = w_ahead_t[t] / np.maximum(stock, 1e-9)
            if comp_power:
                pressure *= comp_factor
            # Grid position of z = log(p_clear/MRP) = log(pressure)/ε̂ − log MRP, in one step.
            pos = np.log(pressure, out=pressure)
            pos *= pos_scale
            pos += pos_shift
            target = table.price_at(pos)
            ratio = target / price
            if step_cap:
                ratio = np.minimum(np.maximum(ratio, step_lo), step_hi)
            change = (ratio >= up) | (ratio <= down)
            if day_cap:
                change &= changes_today < max_changes
            if not all_due[t]:
                change &= due_at[t][:, None]
            if change.any():
                # ratio keeps the price between its old value and the target, both inside
                # [cost, MRP], so no clipping is needed.
                price = np.where(change, price * ratio, price)
                factor = price**neg_eps * mrp_eps
                if comp_power:
                    factor *= comp_factor
                if day_cap:
                    changes_today += change
                # Each visible change knocks a share θ off the trust that is left.
                keep = np.where(change, keep * hit + hit_add, keep)
                if comp_power:
                    # Competitors follow our move since the start, an hour late (their price
                    # moves by (p/p0)^ρ, which moves our demand by that to the power η).
                    next_comp = (price / start_price) ** comp_power
        np.multiply(base_t[t], factor, out=demand)
        demand *= keep
        np.minimum(demand, stock, out=sales_all[t])
        stock -= sales_all[t]
        prices[t] = price
        keep_all[t] = keep
        # Distrust heals: keep moves a share (1 − heal) of the way back to 1 every hour.
        keep *= heal
        keep += 1.0 - heal

    # Everything else follows from the price, sales and trust paths, all at once.
    comp_all = np.ones((T, K, P))
    if comp_power:
        comp_all[1:] = (prices[:-1] / start_price) ** comp_power
    untrusting_all = base_t[:, None, :] * (prices / mrp) ** neg_eps * comp_all
    demand_all = untrusting_all * keep_all
    lost_all = untrusting_all - demand_all
    steps = np.zeros((T, K, P))
    steps[1:] = np.abs(prices[1:] / prices[:-1] - 1.0)
    changed = steps > 0
    revenue = np.einsum("tkp,tkp->k", prices, sales_all)
    margin = revenue - (sales_all * cost).sum(axis=(0, 2))
    units = sales_all.sum(axis=(0, 2))
    stockout_hours = (demand_all > sales_all + 1e-9).sum(axis=(0, 2)).astype(float)
    lost_stockout = (demand_all - sales_all).sum(axis=(0, 2))
    lost_trust_units = lost_all.sum(axis=(0, 2))
    lost_trust_rev = np.einsum("tkp,tkp->k", lost_all, prices)
    n_changes = changed.sum(axis=(0, 2)).astype(float)
    sum_abs_change = steps.sum(axis=(0, 2))
    max_abs_change = steps.max(axis=(0, 2))
    prices = prices.transpose(1, 2, 0)
    sales = sales_all.transpose(1, 2, 0)

    days = T / _HOURS_PER_DAY
    summary = pd.DataFrame(
        {
            "revenue": revenue,
            "gross_margin": margin,
            "margin_pct": np.divide(margin, revenue, out=np.zeros(K), where=revenue > 0),
            "units": units,
            "stockout_hours": stockout_hours,
            "stockout_units": lost_stockout,
            "price_changes": n_changes,
            "changes_per_product_day": n_changes / (P * days),
            "mean_change_pct": np.divide(
                100 * sum_abs_change, n_changes, out=np.zeros(K), where=n_changes > 0
            ),
            "max_change_pct": 100 * max_abs_change,
            "trust_lost_units": lost_trust_units,
            "trust_lost_revenue": lost_trust_rev,
        },
        index=pd.Index(names, name="policy"),
    )
    settings = {
        "trust_effect": trust_effect,
        "competitor_reaction": competitor_reaction,
        "repeat_share": repeat_share,
        "forecast_error": forecast_error,
        "seed": seed,
    }
    return SimulationReport(summary, prices, sales, market.product_ids, market.hours, settings)


def trust_sensitivity(
    market: Market,
    trust_effects: Sequence[float],
    policies: Sequence[Policy] = STANDARD_POLICIES,
    **kwargs,
) -> pd.DataFrame:
    """Gross margin (₹) of each policy across a range of trust effects: rows θ, columns policy.

    >>> tab = trust_sensitivity(Market.example(3, 7), [0.0, 0.1])
    >>> list(tab.index)
    [0.0, 0.1]
    """
    rows = {
        float(th): simulate(market, policies, trust_effect=float(th), **kwargs).summary[
            "gross_margin"
        ]
        for th in trust_effects
    }
    out = pd.DataFrame(rows).T
    out.index.name = "trust_effect"
    return out


def break_even_trust(
    market: Market,
    policy: Policy | str = "hourly",
    baseline: Policy | str = "static",
    *,
    upper: float = 0.5,
    tol: float = 1e-5,
    **kwargs,
) -> float:
    """The trust effect at which ``policy`` stops earning more margin than ``baseline``.

    Below it, re-pricing pays; above it, the repeat customers it drives away cost more than it
    earns. Found by root-finding (scipy's brentq) on the margin difference; 0.0 when the policy
    does not pay even with no trust effect at all.
    """
    lookup = {p.name: p for p in STANDARD_POLICIES}
    pol = lookup[policy] if isinstance(policy, str) else policy
    base = lookup[baseline] if isinstance(baseline, str) else baseline
    pair = (pol, base)

    def gap(theta: float) -> float:
        s = simulate(market, pair, trust_effect=theta, **kwargs).summary["gross_margin"]
        return float(s.iloc[0] - s.iloc[1])

    if gap(0.0) <= 0:
        return 0.0  # it never pays, even when nobody minds price changes
    at_upper = gap(upper)
    if at_upper > 0:
        raise ValueError(
            f"'{pol.name}' still beats '{base.name}' at a trust effect of {upper}; "
            "raise `upper` to search further"
        )
    return float(brentq(gap, 0.0, upper, xtol=tol))
