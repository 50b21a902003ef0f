"""Daily demand per warehouse and category over three years, and the warehouse lanes.

``demand_daily`` has one row per day × warehouse × category from 1 Jan 2023 to 31 Dec 2025
(1,096 days × 5 × 10 = 54,800 rows at every scale). Its true demand is planted as

    log λ = log base[w, c] + g_c·years + log weekday + annual(c) + Σ festivals + sale week
            + monsoon + promotion − elasticity·log(price index) + noise

and drawn as Poisson(λ). Stock is replenished by a simple run-rate policy (order up to a few
days of the last four weeks' *sales*, three days' lead time), so festive ramps run out of stock:
``units_sold = min(units_demanded, stock_start)``, and sales are censored exactly when demand
is highest. ``warehouses`` lists, for each warehouse and each state, the road distance, the
delivery promise and the shipping cost of that lane. Every planted parameter is in the manifest.

>>> t, truth = make_demand_daily(1, "tiny")
>>> t.num_rows, truth["holdout_start"]
(54800, '2025-10-09')
>>> w = make_warehouses()
>>> w.num_rows == 5 * len(STATE_COORDS)
True
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.scales import check_seed, days_since_epoch, get_scale
from pm_toolkit.data.streams import stream

START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)
N_DAYS = (END - START).days + 1
#: The last 12 weeks (the Diwali season of 2025 and after): the forecasting hold-out.
HOLDOUT_WEEKS = 12
HOLDOUT_START = END - dt.timedelta(days=7 * HOLDOUT_WEEKS - 1)

# ---- the festival calendar ---------------------------------------------------------------------
#: Moving festival dates. Diwali is Lakshmi Puja (31 Oct 2024 is the Government of India
#: holiday; some calendars give 1 Nov); Durga Puja ends on Vijayadashami (Dussehra); Onam is
#: Thiruvonam. Sources: Government of India holiday lists 2023–2025 and the Drik Panchang
#: almanac (see datasets/README.md).
FESTIVAL_DATES = {
    "diwali": (dt.date(2023, 11, 12), dt.date(2024, 10, 31), dt.date(2025, 10, 20)),
    "durga_puja": (dt.date(2023, 10, 24), dt.date(2024, 10, 12), dt.date(2025, 10, 2)),
    "onam": (dt.date(2023, 8, 29), dt.date(2024, 9, 15), dt.date(2025, 9, 5)),
    "eid_al_fitr": (dt.date(2023, 4, 22), dt.date(2024, 4, 11), dt.date(2025, 3, 31)),
    "raksha_bandhan": (dt.date(2023, 8, 30), dt.date(2024, 8, 19), dt.date(2025, 8, 9)),
}
#: Shopping window in days relative to the festival date (inclusive): people buy *before*.
FESTIVAL_WINDOW = {
    "diwali": (-12, -1),
    "durga_puja": (-14, -5),  # Pujo shopping ends before Shashthi (Dussehra − 4)
    "onam": (-7, 0),
    "eid_al_fitr": (-7, -1),
    "raksha_bandhan": (-6, -1),
}
#: Bazaar's own store-wide sale week each October [A] (2025 matches the clickstream world).
SALE_WEEKS = (
    (dt.date(2023, 10, 8), dt.date(2023, 10, 14)),
    (dt.date(2024, 10, 3), dt.date(2024, 10, 9)),
    (dt.date(2025, 10, 13), dt.date(2025, 10, 19)),
)
_CATS = (
    C.CATEGORIES
)  # fashion beauty electronics mobiles home_kitchen grocery books toys sports smart
_WHS = C.WAREHOUSES  # bhiwandi gurugram bengaluru kolkata hyderabad
#: Peak lift of each festival by category and by warehouse region [A]: lift = cat × region.
FESTIVAL_CATEGORY = {
    "diwali": (1.2, 1.1, 2.2, 2.0, 1.8, 0.8, 0.3, 1.1, 0.4, 2.0),
    "durga_puja": (1.6, 1.0, 0.5, 0.5, 0.6, 0.5, 0.4, 0.6, 0.2, 0.3),
    "onam": (1.0, 0.5, 0.5, 0.4, 0.8, 0.9, 0.2, 0.2, 0.2, 0.2),
    "eid_al_fitr": (1.0, 0.6, 0.3, 0.4, 0.3, 0.8, 0.1, 0.3, 0.1, 0.1),
    "raksha_bandhan": (0.5, 0.6, 0.4, 0.3, 0.1, 0.7, 0.1, 0.4, 0.1, 0.1),
    "sale_week": (0.8, 0.6, 1.2, 1.4, 0.8, 0.3, 0.4, 0.6, 0.6, 1.0),
}
FESTIVAL_REGION = {
    "diwali": (1.0, 1.0, 0.8, 0.6, 0.9),
    "durga_puja": (0.0, 0.0, 0.0, 1.0, 0.0),
    "onam": (0.0, 0.0, 0.6, 0.0, 0.0),  # Kerala's share of the Bengaluru warehouse's region
    "eid_al_fitr": (0.3, 0.4, 0.3, 0.4, 0.5),
    "raksha_bandhan": (0.4, 0.6, 0.1, 0.2, 0.2),
    "sale_week": (1.0, 1.0, 1.0, 1.0, 1.0),
}
#: Year-to-year spread of a festival's strength (log-sd), drawn per seed.
FESTIVAL_YEAR_SD = 0.08

# ---- the rest of the demand model [A] ------------------------------------------------------------
TOTAL_BASE_UNITS = 4000.0  # units a day over all series on 1 Jan 2023
CATEGORY_BASE_SHARE = (0.26, 0.17, 0.09, 0.08, 0.12, 0.12, 0.06, 0.05, 0.04, 0.01)
#: Regional taste: which categories sell where (rows warehouses, columns categories).
REGIONAL_TASTE = np.array(
    [
        # fash beau elec mobi home groc book toys spor smart
        [1.0, 1.3, 1.0, 0.9, 1.2, 1.0, 0.9, 1.0, 1.0, 1.0],  # bhiwandi
        [1.2, 1.0, 0.9, 1.3, 0.9, 1.0, 0.8, 1.1, 1.0, 0.9],  # gurugram
        [0.8, 0.9, 1.4, 1.0, 1.0, 0.9, 1.1, 0.9, 1.2, 1.6],  # bengaluru
        [1.3, 0.9, 0.7, 0.8, 0.8, 1.1, 1.5, 1.0, 0.7, 0.4],  # kolkata
        [0.9, 0.9, 1.0, 1.2, 1.0, 1.1, 0.6, 1.0, 1.1, 1.0],  # hyderabad
    ]
)
#: Yearly growth by category (the planted trend), before a per-seed jitter of ±3 points.
CATEGORY_GROWTH = (0.12, 0.18, 0.08, 0.03, 0.10, 0.25, -0.05, 0.06, 0.09, 0.70)
GROWTH_JITTER = 0.03
#: Weekly pattern, Monday … Sunday (multiplier).
WEEKDAY = (0.94, 0.92, 0.93, 0.96, 1.01, 1.13, 1.11)
#: Annual seasonality: amplitude (log) and peak day of year, by category.
ANNUAL_AMPLITUDE = (0.12, 0.06, 0.05, 0.04, 0.07, 0.03, 0.08, 0.10, 0.09, 0.05)
ANNUAL_PEAK_DOY = (350, 340, 330, 330, 345, 15, 200, 355, 30, 330)
#: July–August dip where the monsoon is heaviest, and a dip on any heavy-rain day (IMD's
#: "heavy rain" starts at 64.5 mm in a day).
MONSOON_DIP = {"bhiwandi": 0.12, "kolkata": 0.10}
HEAVY_RAIN_MM = 64.5
HEAVY_RAIN_DIP = 0.15
PROMO_LIFT = 0.30
PROMO_PRICE = 0.90
SALE_PRICE = 0.80
PRICE_ELASTICITY = 1.2
NOISE_SD = 0.10
#: Monthly rainfall (mm) by warehouse city, a rough climatology [A].
MONTHLY_RAIN_MM = {
    "bhiwandi": (1, 1, 1, 1, 15, 500, 840, 550, 320, 80, 15, 5),
    "gurugram": (20, 20, 15, 10, 30, 75, 210, 250, 120, 15, 5, 10),
    "bengaluru": (2, 5, 15, 60, 120, 100, 110, 140, 200, 180, 60, 20),
    "kolkata": (15, 25, 35, 55, 130, 290, 370, 340, 320, 160, 25, 5),
    "hyderabad": (10, 10, 15, 25, 35, 110, 180, 230, 190, 110, 25, 5),
}
# ---- stock policy (what censors sales) [A] ---------------------------------------------------------
LEAD_TIME_DAYS = 3
COVER_DAYS = 4.5  # order up to this many days of the last 28 days' average sales
RUN_RATE_DAYS = 28
SUPPLY_FAILURE_P = 0.02  # a day's replenishment does not arrive
#: Planners know their own sale: from 5 days before it to 2 days before its end they order up
#: to this multiple of the usual cover. Festivals get no such pre-build (hence the stock-outs).
SALE_PREBUILD = 2.5

# ---- states and lanes ----------------------------------------------------------------------------
#: Each state's main city in ``cities.csv`` (latitude, longitude): where its demand sits.
STATE_COORDS = {
    "Andhra Pradesh": (16.51, 80.65),
    "Assam": (26.14, 91.74),
    "Bihar": (25.59, 85.14),
    "Chandigarh": (30.73, 76.78),
    "Chhattisgarh": (21.25, 81.63),
    "Delhi": (28.61, 77.21),
    "Goa": (15.49, 73.83),
    "Gujarat": (23.02, 72.57),
    "Haryana": (28.46, 77.03),
    "Himachal Pradesh": (31.10, 77.17),
    "Jammu and Kashmir": (32.73, 74.86),
    "Jharkhand": (23.34, 85.31),
    "Karnataka": (12.97, 77.59),
    "Kerala": (9.93, 76.27),
    "Madhya Pradesh": (22.72, 75.86),
    "Maharashtra": (19.08, 72.88),
    "Odisha": (20.30, 85.82),
    "Punjab": (30.90, 75.85),
    "Rajasthan": (26.91, 75.79),
    "Tamil Nadu": (13.08, 80.27),
    "Telangana": (17.39, 78.49),
    "Uttar Pradesh": (26.85, 80.95),
    "Uttarakhand": (30.32, 78.03),
    "West Bengal": (22.57, 88.36),
}


def dates() -> list[dt.date]:
    """Every day of the table, 1 Jan 2023 … 31 Dec 2025."""
    return [START + dt.timedelta(days=i) for i in range(N_DAYS)]


def _rng(seed: int, column: int) -> np.random.Generator:
    # its own key in streams.TABLE_KEYS, so adding this table shifted no other table's values
    return stream(seed, "demand_daily", 0, column)


def window_profile(length: int) -> np.ndarray:
    """Shape of a festival's lift over its window: a ramp from half to full strength."""
    if length == 1:
        return np.ones(1)
    return 0.5 + 0.5 * np.arange(length) / (length - 1)


def festival_days(name: str) -> list[tuple[int, np.ndarray]]:
    """For each year: (year index, day indices of the shopping window in the table)."""
    if name == "sale_week":
        spans = [(s, e) for s, e in SALE_WEEKS]
    else:
        a, b = FESTIVAL_WINDOW[name]
        spans = [(d + dt.timedelta(days=a), d + dt.timedelta(days=b)) for d in FESTIVAL_DATES[name]]
    out = []
    for y, (s, e) in enumerate(spans):
        first = (s - START).days
        out.append((y, np.arange(first, first + (e - s).days + 1)))
    return out


def _festival_log_lift(year_strength: dict[str, np.ndarray]) -> np.ndarray:
    """(days, warehouses, categories) log-multiplier of the festivals and the sale week.

    Effects multiply where events overlap (the 2025 sale week falls in Diwali's window).
    """
    out = np.zeros((N_DAYS, len(_WHS), len(_CATS)))
    for name, cat in FESTIVAL_CATEGORY.items():
        amp = np.outer(FESTIVAL_REGION[name], cat)  # (w, c)
        for y, days in festival_days(name):
            prof = np.ones(len(days)) if name == "sale_week" else window_profile(len(days))
            out[days] += np.log1p(year_strength[name][y] * prof[:, None, None] * amp[None])
    return out


def _rainfall(seed: int) -> np.ndarray:
    """(days, warehouses) rainfall in mm: rain on a share of days, gamma-distributed amounts."""
    g = _rng(seed, 1)
    months = np.array([d.month - 1 for d in dates()])
    out = np.zeros((N_DAYS, len(_WHS)))
    for j, w in enumerate(_WHS):
        total = np.asarray(MONTHLY_RAIN_MM[w], dtype=float)[months]
        p = np.clip(total / 450.0, 0.02, 0.85)
        wet = g.random(N_DAYS) < p
        amount = g.gamma(0.8, total / (30.0 * p * 0.8))
        out[:, j] = np.where(wet, np.round(amount, 1), 0.0)
    return out


def _promotions(seed: int) -> np.ndarray:
    """(days, warehouses, categories) promotion flags: a few 3–5 day runs per series a year."""
    g = _rng(seed, 2)
    flags = np.zeros((N_DAYS, len(_WHS), len(_CATS)), dtype=bool)
    n_runs = 8 * 3
    for w in range(len(_WHS)):
        for c in range(len(_CATS)):
            starts = g.integers(0, N_DAYS - 5, n_runs)
            lengths = g.integers(3, 6, n_runs)
            for s, n in zip(starts, lengths, strict=True):
                flags[s : s + n, w, c] = True
    return flags


def _sale_mask() -> np.ndarray:
    mask = np.zeros(N_DAYS, dtype=bool)
    for _y, days in festival_days("sale_week"):
        mask[days] = True
    return mask


def _parameters(seed: int) -> dict:
    g = _rng(seed, 0)
    growth = np.asarray(CATEGORY_GROWTH) + g.uniform(-GROWTH_JITTER, GROWTH_JITTER, len(_CATS))
    strength = {name: np.exp(FESTIVAL_YEAR_SD * g.standard_normal(3)) for name in FESTIVAL_CATEGORY}
    return {"growth": np.round(growth, 4), "strength": strength}


@lru_cache(maxsize=4)
def _world(seed: int) -> dict:
    """Every array of one seed's demand world (cached: the table and the manifest share it)."""
    seed = check_seed(seed)
    par = _parameters(seed)
    day = np.arange(N_DAYS)
    all_dates = dates()
    years = day / 365.25
    doy = np.array([d.timetuple().tm_yday for d in all_dates])
    dow = np.array([d.weekday() for d in all_dates])
    month = np.array([d.month for d in all_dates])

    base = TOTAL_BASE_UNITS * np.outer(C.WAREHOUSE_SHARES, CATEGORY_BASE_SHARE) * REGIONAL_TASTE
    log_lam = np.log(base)[None] + np.log1p(par["growth"])[None, None, :] * years[:, None, None]
    log_lam += np.log(np.asarray(WEEKDAY))[dow][:, None, None]
    annual = np.asarray(ANNUAL_AMPLITUDE)[None, :] * np.cos(
        2 * np.pi * (doy[:, None] - np.asarray(ANNUAL_PEAK_DOY)[None, :]) / 365.25
    )
    log_lam += annual[:, None, :]
    log_lam += _festival_log_lift(par["strength"])

    rain = _rainfall(seed)
    monsoon = np.zeros((N_DAYS, len(_WHS)))
    for w, dip in MONSOON_DIP.items():
        monsoon[np.isin(month, (7, 8)), _WHS.index(w)] = np.log1p(-dip)
    heavy = rain >= HEAVY_RAIN_MM
    log_lam += (monsoon + heavy * np.log1p(-HEAVY_RAIN_DIP))[:, :, None]

    promo = _promotions(seed)
    sale = _sale_mask()
    g = _rng(seed, 3)
    drift = np.exp(0.01 * g.standard_normal((N_DAYS, len(_WHS), len(_CATS))))
    price = np.where(promo, PROMO_PRICE, 1.0) * np.where(sale, SALE_PRICE, 1.0)[:, None, None]
    price = np.round(price * drift, 3)
    log_lam += promo * np.log1p(PROMO_LIFT) - PRICE_ELASTICITY * np.log(price)
    noise = NOISE_SD * g.standard_normal(log_lam.shape) - NOISE_SD**2 / 2
    lam = np.exp(log_lam + noise)
    demand = _rng(seed, 4).poisson(lam).astype(np.int32)
    stock, sold = _stock(seed, demand, base, np.where(_prebuild_mask(), SALE_PREBUILD, 1.0))
    return {
        "par": par,
        "demand": demand,
        "sold": sold,
        "stock": stock,
        "price": price,
        "promo": promo,
        "rain": rain,
        "expected": np.exp(log_lam),
    }


def _prebuild_mask() -> np.ndarray:
    mask = np.zeros(N_DAYS, dtype=bool)
    for _y, days in festival_days("sale_week"):
        mask[days[0] - 5 : days[-1] - 1] = True
    return mask


def _stock(
    seed: int, demand: np.ndarray, base: np.ndarray, boost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Run-rate replenishment: order up to COVER_DAYS of recent average *sales* (times
    ``boost`` on the planned sale's pre-build days), arriving LEAD_TIME_DAYS later."""
    g = _rng(seed, 5)
    fail = g.random(demand.shape) < SUPPLY_FAILURE_P
    n_days = demand.shape[0]
    shape = demand.shape[1:]
    on_hand = np.ceil(base * COVER_DAYS)
    pipeline = np.zeros((LEAD_TIME_DAYS, *shape))
    ring = np.repeat(base[None], RUN_RATE_DAYS, axis=0)  # start as if sales ran at base
    ring_sum = ring.sum(axis=0)
    stock = np.zeros(demand.shape, dtype=np.int32)
    sold = np.zeros(demand.shape, dtype=np.int32)
    for d in range(n_days):
        slot = d % LEAD_TIME_DAYS
        on_hand += pipeline[slot]
        pipeline[slot] = 0
        stock[d] = on_hand
        out = np.minimum(demand[d], on_hand)
        sold[d] = out
        on_hand -= out
        k = d % RUN_RATE_DAYS
        ring_sum += out - ring[k]
        ring[k] = out
        target = np.ceil(ring_sum / RUN_RATE_DAYS * COVER_DAYS * boost[d])
        order = np.maximum(target - on_hand - pipeline.sum(axis=0), 0)
        pipeline[slot] = np.where(fail[d], 0, order)  # arrives LEAD_TIME_DAYS later
    return stock, sold


def make_demand_daily(seed: int, scale: str) -> tuple[pa.Table, dict]:
    """The ``demand_daily`` table and its planted truth (the same size at every scale)."""
    get_scale(scale)
    wd = _world(check_seed(seed))
    n_w, n_c = len(_WHS), len(_CATS)
    first = days_since_epoch(START)
    rows = N_DAYS * n_w * n_c
    table = pa.table(
        {
            "date": pa.array(
                np.repeat(first + np.arange(N_DAYS, dtype=np.int32), n_w * n_c), pa.date32()
            ),
            "warehouse": pa.array(np.tile(np.repeat(np.asarray(_WHS), n_c), N_DAYS), pa.string()),
            "category": pa.array(np.tile(np.asarray(_CATS), N_DAYS * n_w), pa.string()),
            "units_demanded": pa.array(wd["demand"].reshape(rows)),
            "units_sold": pa.array(wd["sold"].reshape(rows)),
            "stock_start": pa.array(wd["stock"].reshape(rows)),
            "price_index": pa.array(wd["price"].reshape(rows)),
            "promo": pa.array(wd["promo"].reshape(rows)),
            "rainfall_mm": pa.array(np.repeat(wd["rain"], n_c, axis=1).reshape(rows)),
        }
    )
    return table, _truth(wd)


def _truth(wd: dict) -> dict:
    par = wd["par"]
    censored = wd["sold"] < wd["demand"]
    hold = (HOLDOUT_START - START).days
    weeks = np.add.reduceat(wd["demand"][hold:], np.arange(0, 7 * HOLDOUT_WEEKS, 7), axis=0)
    fest = {}
    for name in FESTIVAL_CATEGORY:
        entry = {
            "category_weight": dict(zip(_CATS, FESTIVAL_CATEGORY[name], strict=True)),
            "region_weight": dict(zip(_WHS, FESTIVAL_REGION[name], strict=True)),
            "year_strength": [round(float(s), 4) for s in par["strength"][name]],
            "shape": "flat" if name == "sale_week" else "ramp from half to full strength",
        }
        if name == "sale_week":
            entry["dates"] = [[s.isoformat(), e.isoformat()] for s, e in SALE_WEEKS]
        else:
            entry["dates"] = [d.isoformat() for d in FESTIVAL_DATES[name]]
            entry["window_days"] = list(FESTIVAL_WINDOW[name])
        fest[name] = entry
    return {
        "period": [START.isoformat(), END.isoformat()],
        "rows": int(wd["demand"].size),
        "model": "units_demanded ~ Poisson(λ), log λ = base + trend + weekday + annual + "
        "Σ log(1 + festival or sale lift) + monsoon + promo − elasticity·log(price) + N(−σ²/2, σ)",
        "base_units_per_day": {
            w: dict(zip(_CATS, np.round(row, 2).tolist(), strict=True))
            for w, row in zip(
                _WHS,
                TOTAL_BASE_UNITS
                * np.outer(C.WAREHOUSE_SHARES, CATEGORY_BASE_SHARE)
                * REGIONAL_TASTE,
                strict=True,
            )
        },
        "yearly_growth": dict(zip(_CATS, par["growth"].tolist(), strict=True)),
        "weekday_factor": dict(
            zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), WEEKDAY, strict=True)
        ),
        "annual": {
            "amplitude_log": dict(zip(_CATS, ANNUAL_AMPLITUDE, strict=True)),
            "peak_day_of_year": dict(zip(_CATS, ANNUAL_PEAK_DOY, strict=True)),
        },
        "festivals": fest,
        "monsoon": {
            "july_august_dip": MONSOON_DIP,
            "heavy_rain_mm": HEAVY_RAIN_MM,
            "heavy_rain_dip": HEAVY_RAIN_DIP,
            "heavy_rain_days": {
                w: int((wd["rain"][:, j] >= HEAVY_RAIN_MM).sum()) for j, w in enumerate(_WHS)
            },
        },
        "promotion": {"lift": PROMO_LIFT, "price_index": PROMO_PRICE},
        "sale_price_index": SALE_PRICE,
        "price_elasticity": PRICE_ELASTICITY,
        "noise_log_sd": NOISE_SD,
        "stock_policy": {
            "rule": "order up to cover_days × average sales of the last 28 days, daily",
            "cover_days": COVER_DAYS,
            "lead_time_days": LEAD_TIME_DAYS,
            "supply_failure_p": SUPPLY_FAILURE_P,
            "sale_prebuild_factor": SALE_PREBUILD,
        },
        "censored_share": round(float(censored.mean()), 4),
        "censored_days": int(censored.sum()),
        "lost_units": int((wd["demand"] - wd["sold"]).sum()),
        "holdout_start": HOLDOUT_START.isoformat(),
        "holdout_weeks": HOLDOUT_WEEKS,
        "holdout_weekly_true_demand": {
            w: {c: weeks[:, j, k].tolist() for k, c in enumerate(_CATS)} for j, w in enumerate(_WHS)
        },
    }


# ---- warehouses ------------------------------------------------------------------------------------
def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Road km: great-circle distance × the circuity factor."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h)) * C.ROAD_CIRCUITY


def delivery_days(km: float) -> int:
    """The delivery promise of a lane: next day within 300 km, +1 day per 500 km beyond.

    >>> delivery_days(40), delivery_days(301), delivery_days(2000)
    (1, 2, 5)
    """
    return 1 + math.ceil(max(km - C.NEXT_DAY_KM, 0) / C.KM_PER_EXTRA_DAY)


@lru_cache(maxsize=1)
def make_warehouses() -> pa.Table:
    """One row per warehouse × state: the lane's distance, delivery promise and cost."""
    weight: dict[str, float] = {}
    prefixes: dict[str, list[str]] = {}
    for row in C.cities():
        weight[row["state"]] = weight.get(row["state"], 0.0) + row["weight"]
        prefixes.setdefault(row["state"], []).append(row["pin_prefix"])
    states = sorted(STATE_COORDS)
    km = {(w, s): _km(C.WAREHOUSE_CITY[w][1:], STATE_COORDS[s]) for w in _WHS for s in states}
    home = {s: min(_WHS, key=lambda w, s=s: km[(w, s)]) for s in states}
    served = {w: sum(weight[s] for s in states if home[s] == w) for w in _WHS}
    cols: dict[str, list] = {
        k: []
        for k in (
            "warehouse",
            "warehouse_city",
            "region",
            "pin_prefixes",
            "serves",
            "region_share",
            "distance_km",
            "delivery_days",
            "ship_cost_per_unit",
            "holding_cost_per_unit_day",
        )
    }
    for w in _WHS:
        for s in states:
            d = km[(w, s)]
            cols["warehouse"].append(w)
            cols["warehouse_city"].append(C.WAREHOUSE_CITY[w][0])
            cols["region"].append(s)
            cols["pin_prefixes"].append(",".join(sorted(prefixes[s])))
            cols["serves"].append(home[s] == w)
            cols["region_share"].append(
                round(weight[s] / served[home[s]], 4) if home[s] == w else 0.0
            )
            cols["distance_km"].append(round(d))
            cols["delivery_days"].append(delivery_days(d))
            cols["ship_cost_per_unit"].append(round(C.SHIP_COST_FIXED + C.SHIP_COST_PER_KM * d, 2))
            cols["holding_cost_per_unit_day"].append(C.HOLDING_COST_PER_UNIT_DAY[w])
    types = {"distance_km": pa.int32(), "delivery_days": pa.int8()}
    return pa.table({k: pa.array(v, types.get(k)) for k, v in cols.items()})
