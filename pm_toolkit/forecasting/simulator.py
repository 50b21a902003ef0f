"""Replaying the festive weeks: where stock was placed decides stock-outs, delivery days and ₹.

Before the season each policy places stock in the five warehouses; then the season's true
daily demand arrives. Each region is served from its home warehouse; when that runs dry the
order ships from the next-nearest warehouse that still has stock (slower, dearer, more km), and
when every warehouse is dry the sale is lost. Leftovers are held to the end and marked down.

Policies: **anticipatory** (the forecast's newsvendor quantity, near each region), **central**
(the same total, all in the one warehouse closest to demand overall), **last year + 10 %** (the
same calendar days' sales a year ago, plus 10 %), and **manual** (the four weeks before the
season times a festive rule of thumb of 1.5 [A]).

>>> s = Season.example()
>>> r = replay(s, s.placement("anticipatory"))
>>> bool(0 < r.fill_rate <= 1), bool(r.avg_delivery_days >= 1)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from pm_toolkit.data import catalog as C

__all__ = [
    "POLICIES",
    "DisruptionResult",
    "Lanes",
    "PolicyComparison",
    "ReplayResult",
    "Season",
    "compare_policies",
    "lanes",
    "replay",
    "replay_disruption",
]

POLICIES = ("anticipatory", "central", "last year + 10%", "manual")
MANUAL_UPLIFT = 1.5  # the planner's festive rule of thumb [A]
LAST_YEAR_UPLIFT = 1.10
SALVAGE_SHARE = 0.6  # a leftover marked down after the season recovers 60 % of its cost [A]
GOODWILL_SHARE = 0.10  # a missed sale also costs 10 % of the price in goodwill [A]
PROMISE_SLACK_DAYS = 1  # the promise shown: the home lane's days plus one [A]
RAIN_DELAY_DAYS = 2  # a heavy-rain day adds this to a warehouse's lanes [A]


@dataclass(frozen=True)
class Lanes:
    """From each warehouse (rows) to each warehouse's region (columns): delivery days, ₹ per
    unit and road km, averaged over the region's states by their share of its demand."""

    names: tuple[str, ...]
    days: np.ndarray
    cost: np.ndarray
    km: np.ndarray
    holding: np.ndarray  # ₹ per unit per day, by warehouse

    def order(self) -> np.ndarray:
        """For each region (row), the warehouses from nearest to farthest (home first)."""
        return np.argsort(self.km.T, axis=1, kind="stable")

    def central(self, weights: np.ndarray) -> int:
        """The warehouse with the fewest demand-weighted km to every region."""
        return int(np.argmin(self.km @ weights))

    def table(self, what: str = "days") -> pd.DataFrame:
        """One of ``days``, ``cost``, ``km`` as a from × to table."""
        return pd.DataFrame(getattr(self, what), index=self.names, columns=self.names)


def lanes(warehouses: pd.DataFrame) -> Lanes:
    """Lanes between warehouses and regions from the ``warehouses`` table."""
    names = tuple(C.WAREHOUSES)
    w = warehouses
    home = w[w["serves"]].set_index("region")["warehouse"]
    share = w[w["serves"]].set_index("region")["region_share"]
    out = {k: np.zeros((len(names), len(names))) for k in ("days", "cost", "km")}
    for i, src in enumerate(names):
        rows = w[w["warehouse"] == src].set_index("region")
        for j, dst in enumerate(names):
            states = home.index[home == dst]
            wts = share[states].to_numpy()
            for key, col in (("days", "delivery_days"), ("cost", "ship_cost_per_unit"),
                             ("km", "distance_km")):  # fmt: skip
                out[key][i, j] = float(np.dot(rows.loc[states, col].to_numpy(), wts) / wts.sum())
    holding = w.groupby("warehouse")["holding_cost_per_unit_day"].first().reindex(names)
    return Lanes(names, out["days"], out["cost"], out["km"], holding.to_numpy(float))


@dataclass(frozen=True)
class Season:
    """Everything a replay needs: true daily demand (days × warehouse × category), the
    forecast of the season's total (mean and sd per warehouse × category), last year's sales on
    the same calendar days, the run rate before the season, unit economics and lanes."""

    dates: pd.DatetimeIndex
    categories: tuple[str, ...]
    demand: np.ndarray = field(repr=False)
    forecast_mu: np.ndarray = field(repr=False)
    forecast_sd: np.ndarray = field(repr=False)
    last_year: np.ndarray = field(repr=False)
    run_rate: np.ndarray = field(repr=False)
    price: np.ndarray = field(repr=False)
    unit_cost: np.ndarray = field(repr=False)
    lanes: Lanes = field(repr=False)
    goodwill_share: float = GOODWILL_SHARE
    holding_scale: float = 1.0

    @property
    def warehouses(self) -> tuple[str, ...]:
        return self.lanes.names

    def __repr__(self) -> str:
        return (
            f"Season({self.dates[0]:%d %b} – {self.dates[-1]:%d %b %Y}, "
            f"{len(self.warehouses)} warehouses × {len(self.categories)} categories; forecast "
            f"{self.forecast_mu.sum():,.0f} units (sd {np.sqrt((self.forecast_sd**2).sum()):,.0f} "
            f"if the series were independent); last year's same days sold "
            f"{self.last_year.sum():,.0f})"
        )

    def costs(self) -> tuple[np.ndarray, np.ndarray]:
        """(Cu, Co) per warehouse × category, ₹ per unit: margin + goodwill; cost − salvage +
        holding through the season."""
        cu = (self.price - self.unit_cost + self.goodwill_share * self.price)[None, :]
        hold = self.holding_scale * self.lanes.holding[:, None] * len(self.dates)
        co = ((1 - SALVAGE_SHARE) * self.unit_cost)[None, :] + hold
        return np.broadcast_to(cu, co.shape), co

    def with_costs(self, goodwill_share: float, holding_scale: float) -> Season:
        """The same season with another stock-out cost (goodwill, as a share of price) and
        holding cost (a multiple of the warehouses' rates)."""
        return replace(self, goodwill_share=goodwill_share, holding_scale=holding_scale)

    def placement(self, policy: str) -> np.ndarray:
        """Units per warehouse × category placed before the season by ``policy``."""
        cu, co = self.costs()
        ratio = cu / (cu + co)
        near = np.maximum(self.forecast_mu + self.forecast_sd * stats.norm.ppf(ratio), 0)
        if policy == "anticipatory":
            return np.round(near)
        if policy == "central":
            out = np.zeros_like(near)
            out[self.lanes.central(self.demand.sum(axis=(0, 2)))] = np.round(near).sum(axis=0)
            return out
        if policy == "last year + 10%":
            return np.round(self.last_year * LAST_YEAR_UPLIFT)
        if policy == "manual":
            return np.round(self.run_rate * len(self.dates) * MANUAL_UPLIFT)
        raise ValueError(f"unknown policy {policy!r}; use one of {POLICIES}")

    @classmethod
    def example(cls, days: int = 14, seed: int = 0) -> Season:
        """A small made-up season (for doctests and quick experiments)."""
        g = np.random.default_rng(seed)
        n_w, cats = len(C.WAREHOUSES), ("electronics", "fashion")
        rate = g.uniform(20, 80, (n_w, len(cats)))
        demand = g.poisson(rate[None] * g.uniform(0.8, 1.6, (days, 1, 1)))
        km = np.full((n_w, n_w), 1500.0)
        np.fill_diagonal(km, 50.0)
        lane = Lanes(C.WAREHOUSES, 1 + km // 500, 30 + 0.035 * km, km, np.full(n_w, 1.5))
        return cls(pd.date_range("2025-10-01", periods=days), cats, demand.astype(float),
                   rate * days * 1.2, rate * days * 0.2, rate * days, rate,
                   np.array([1500.0, 900.0]), np.array([1000.0, 500.0]), lane)  # fmt: skip


@dataclass(frozen=True)
class ReplayResult:
    """What one placement did over the season (₹, units, days, km, kg CO₂)."""

    demanded: float
    sold: float
    lost: float
    far_units: float
    avg_delivery_days: float
    shipping_cost: float
    holding_cost: float
    markdown_cost: float
    margin: float
    km: float
    co2_kg: float
    leftover: float

    @property
    def fill_rate(self) -> float:
        return self.sold / self.demanded if self.demanded else float("nan")

    def row(self) -> dict[str, float]:
        return {
            "stock-outs (units)": self.lost,
            "fill rate": self.fill_rate,
            "from a far warehouse (units)": self.far_units,
            "avg delivery days": self.avg_delivery_days,
            "margin (₹)": self.margin,
            "holding (₹)": self.holding_cost,
            "markdown (₹)": self.markdown_cost,
            "shipping (₹)": self.shipping_cost,
            "delivery km": self.km,
            "CO₂ (kg)": self.co2_kg,
        }


def replay(season: Season, placement: np.ndarray, reroute: bool = True) -> ReplayResult:
    """Serve each day's true demand from the placed stock; see the module docstring."""
    stock = np.asarray(placement, dtype=float).copy()
    ln = season.lanes
    # for each region, the other warehouses from nearest to farthest
    others = [row[row != w] for w, row in enumerate(ln.order())]
    margin_unit = season.price - season.unit_cost
    sold = far = days_w = ship = km = hold = 0.0  # running totals over the season
    revenue_margin = 0.0
    home_days, home_cost, home_km = np.diag(ln.days), np.diag(ln.cost), np.diag(ln.km)
    for day in season.demand:
        # every region first from its own warehouse (one vectorised step) ...
        take = np.minimum(day, stock)
        stock -= take
        need = day - take
        n_home = take.sum(axis=1)
        sold += n_home.sum()
        revenue_margin += float((take @ margin_unit).sum())
        days_w += n_home @ home_days
        ship += n_home @ home_cost
        km += n_home @ home_km
        # ... then what is left, region by region, from the next-nearest warehouses with stock
        for w in np.flatnonzero(need.any(axis=1)) if reroute else ():
            src = others[w]
            # nearest first: what the first k sources can give together, capped by the need
            got = np.minimum(np.cumsum(stock[src], axis=0), need[w])
            take = np.diff(got, axis=0, prepend=0.0)
            stock[src] -= take
            n_src = take.sum(axis=1)
            n = n_src.sum()
            if n:
                sold += n
                far += n
                revenue_margin += float((take @ margin_unit).sum())
                days_w += n_src @ ln.days[src, w]
                ship += n_src @ ln.cost[src, w]
                km += n_src @ ln.km[src, w]
        hold += float(stock.sum(axis=1) @ ln.holding) * season.holding_scale
    demanded = float(season.demand.sum())
    markdown = float((stock.sum(axis=0) * (1 - SALVAGE_SHARE) * season.unit_cost).sum())
    return ReplayResult(
        demanded=demanded,
        sold=sold,
        lost=demanded - sold,
        far_units=far,
        avg_delivery_days=days_w / sold if sold else float("nan"),
        shipping_cost=ship,
        holding_cost=hold,
        markdown_cost=markdown,
        margin=revenue_margin - ship - hold - markdown,
        km=km,
        co2_kg=km * C.CO2_KG_PER_UNIT_KM,
        leftover=float(stock.sum()),
    )


@dataclass(frozen=True)
class PolicyComparison:
    """One replay per policy on the same season."""

    results: dict[str, ReplayResult]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({p: r.row() for p, r in self.results.items()}).T

    def __repr__(self) -> str:
        cols = ["stock-outs (units)", "avg delivery days", "margin (₹)"]
        return "PolicyComparison\n" + self.table()[cols].round(2).to_string()

    def best(self, column: str = "margin (₹)") -> str:
        t = self.table()[column]
        return str(t.idxmin() if column in _LOWER_IS_BETTER else t.idxmax())

    def _repr_html_(self) -> str:
        from pm_toolkit.findings import tidy_table

        t = self.table().reset_index(names="policy")
        money = [c for c in t.columns if "₹" in c]
        out = tidy_table(t, compact_money=money, pct=["fill rate"], decimals=1)
        for c in ("stock-outs (units)", "from a far warehouse (units)", "delivery km", "CO₂ (kg)"):
            out[c] = t[c].map(lambda v: f"{v:,.0f}")
        return out.to_html(index=False)


_LOWER_IS_BETTER = {
    "stock-outs (units)",
    "from a far warehouse (units)",
    "avg delivery days",
    "holding (₹)",
    "markdown (₹)",
    "shipping (₹)",
    "delivery km",
    "CO₂ (kg)",
}


def compare_policies(season: Season, policies=POLICIES) -> PolicyComparison:
    """Replay every policy on ``season`` (rerouting to the next-nearest warehouse on)."""
    return PolicyComparison({p: replay(season, season.placement(p)) for p in policies})


# ---- a monsoon week that slows one warehouse ---------------------------------------------------
@dataclass(frozen=True)
class DisruptionResult:
    """A rain-hit week replayed with and without rerouting, per state lane."""

    warehouse: str
    start: pd.Timestamp
    heavy_rain_days: int
    units: float
    kept_no_reroute: float
    kept_reroute: float
    extra_shipping: float
    extra_km: float

    @property
    def extra_co2_kg(self) -> float:
        return self.extra_km * C.CO2_KG_PER_UNIT_KM

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "promises kept": [self.kept_no_reroute, self.kept_reroute],
                "extra shipping (₹)": [0.0, self.extra_shipping],
                "extra km": [0.0, self.extra_km],
            },
            index=["wait for the rain to pass", "reroute from the next-nearest warehouse"],
        )

    def __repr__(self) -> str:
        return f"DisruptionResult({self.warehouse}, from {self.start:%d %b %Y})\n" + (
            self.table().round(3).to_string()
        )

    def _repr_html_(self) -> str:
        from pm_toolkit.findings import tidy_table

        t = tidy_table(self.table(), money=["extra shipping (₹)"], pct=["promises kept"])
        return t.to_html()


def wettest_week(demand: pd.DataFrame, warehouse: str, year: int = 2025) -> pd.Timestamp:
    """First day of the 7 days with the most rain at ``warehouse`` in June–September."""
    d = demand[demand["warehouse"] == warehouse].assign(date=lambda x: pd.to_datetime(x["date"]))
    rain = d.groupby("date")["rainfall_mm"].first()
    rain = rain[(rain.index >= f"{year}-06-01") & (rain.index <= f"{year}-09-30")]
    return pd.Timestamp(rain.rolling(7).sum().idxmax() - pd.Timedelta(days=6))


def replay_disruption(
    demand: pd.DataFrame, warehouses: pd.DataFrame, warehouse: str = "bhiwandi", year: int = 2025
) -> DisruptionResult:
    """Replay the wettest monsoon week at ``warehouse`` (from the ``rainfall_mm`` feed): on a
    heavy-rain day (≥ 64.5 mm) its lanes take ``RAIN_DELAY_DAYS`` longer. A promise (home lane
    + 1 day) is kept when the parcel arrives within it. Rerouting ships a heavy-rain day's
    orders from each state's next-nearest warehouse instead (dearer, farther)."""
    from pm_toolkit.data.demand import HEAVY_RAIN_MM

    start = wettest_week(demand, warehouse, year)
    d = demand.assign(date=pd.to_datetime(demand["date"]))
    week = d[(d["date"] >= start) & (d["date"] < start + pd.Timedelta(days=7))]
    mine = week[week["warehouse"] == warehouse].groupby("date")
    units, rain = mine["units_demanded"].sum().to_numpy(float), mine["rainfall_mm"].first()
    heavy = (rain >= HEAVY_RAIN_MM).to_numpy()
    w = warehouses
    states = w[(w["warehouse"] == warehouse) & w["serves"]].set_index("region")
    share, home_days = states["region_share"].to_numpy(), states["delivery_days"].to_numpy()
    promise = home_days + PROMISE_SLACK_DAYS
    lane = w.set_index(["warehouse", "region"])
    others = [x for x in C.WAREHOUSES if x != warehouse]
    nearest = [
        min(others, key=lambda o, s=s: lane.loc[(o, s), "distance_km"]) for s in states.index
    ]
    alt = [lane.loc[(o, s)] for o, s in zip(nearest, states.index, strict=True)]
    alt_days = np.array([a["delivery_days"] for a in alt])
    d_cost = (
        np.array([a["ship_cost_per_unit"] for a in alt]) - states["ship_cost_per_unit"].to_numpy()
    )
    d_km = np.array([a["distance_km"] for a in alt]) - states["distance_km"].to_numpy()
    wet = float(units[heavy].sum())
    per_state_wet = wet * share
    kept_wait = float(units[~heavy].sum()) + float(
        per_state_wet[home_days + RAIN_DELAY_DAYS <= promise].sum()
    )
    kept_route = float(units[~heavy].sum()) + float(per_state_wet[alt_days <= promise].sum())
    total = float(units.sum())
    return DisruptionResult(
        warehouse, start, int(heavy.sum()), total, kept_wait / total, kept_route / total,
        float(per_state_wet @ d_cost), float(per_state_wet @ d_km),
    )  # fmt: skip
