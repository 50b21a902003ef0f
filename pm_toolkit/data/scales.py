"""Scale presets and the calendar of the Bazaar world.

A dataset is a pure function of ``(GENERATOR_VERSION, seed, scale)``: the partition layout
(one partition per day for the clickstream) is part of the scale, never derived from the
machine, so chunking and worker count cannot change the bytes.

>>> get_scale("tiny").name
'tiny'
>>> N_DAYS
90
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass

#: Bump when any generator change alters the bytes; it is part of the manifest and cache key.
GENERATOR_VERSION = "1.8.0"

TZ = "Asia/Kolkata"
#: IST is UTC+05:30 all year (no daylight saving), so a fixed offset is exact.
IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000

#: The observed period: 90 days, 1 Sep – 29 Nov 2025, covering the festive season.
PERIOD_START = dt.date(2025, 9, 1)
N_DAYS = 90
PERIOD_END = PERIOD_START + dt.timedelta(days=N_DAYS - 1)
#: A "Big Billion Days"-style sale week ending the day before Diwali (20 Oct 2025) [A].
FESTIVE_START = dt.date(2025, 10, 13)
FESTIVE_END = dt.date(2025, 10, 19)
#: Customers sign up from here on, so cohorts by signup month span before and during the period.
SIGNUP_START = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Scale:
    """Sizes of one preset. ``sessions_per_day`` is the base rate before calendar multipliers."""

    name: str
    customers: int
    products: int
    sessions_per_day: int
    experiment_users: int
    panel_products: int
    panel_days: int
    #: "file": one Parquet per table; "folder": partitioned tables as a folder of part files.
    layout: str = "file"


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale(
            "tiny",
            customers=1_500,
            products=120,
            sessions_per_day=30,
            experiment_users=1_200,
            panel_products=6,
            panel_days=14,
        ),
        Scale(
            "small",
            customers=8_000,
            products=800,
            sessions_per_day=450,
            experiment_users=10_000,
            panel_products=30,
            panel_days=28,
        ),
        Scale(
            "large",
            customers=400_000,
            products=10_000,
            sessions_per_day=26_000,
            experiment_users=200_000,
            panel_products=300,
            panel_days=28,
            layout="folder",
        ),
        Scale(
            "xlarge",
            customers=2_000_000,
            products=50_000,
            sessions_per_day=260_000,
            experiment_users=1_000_000,
            panel_products=1_000,
            panel_days=28,
            layout="folder",
        ),
    )
}

#: Every table of a world, in dependency order.
TABLES = (
    "customers",
    "products",
    "sessions",
    "events",
    "orders",
    "order_items",
    "experiments",
    "assignments",
    "pricing_panel",
    "inventory",
    "support_contacts",
    # machine-learning case tables (lesson 07), each its own family: pm_toolkit/data/ml_world.py
    "cod_orders",
    "basket_items",
    "promo_test",
    "support_messages",
    "asr_results",
    # lesson 6: daily demand per warehouse x category (2023-2025) and the warehouse lanes
    "demand_daily",
    "warehouses",
)
FORMATS = ("parquet", "csv")

#: Tables written one partition (day) at a time.
PARTITIONED = ("sessions", "events", "orders", "order_items", "support_contacts")


def get_scale(name: str) -> Scale:
    """The preset called ``name``; a one-line error names the accepted ones."""
    try:
        return SCALES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown scale {name!r}; use one of: {', '.join(SCALES)}") from None


def check_seed(seed: object) -> int:
    """A seed must be a whole number >= 0 (numpy's SeedSequence needs that).

    >>> check_seed(7)
    7
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed}")
    return int(seed)


def day_start_ms(day: int) -> int:
    """UTC epoch milliseconds of IST midnight starting period day ``day`` (0-based)."""
    d = PERIOD_START + dt.timedelta(days=day)
    epoch = dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp()
    return int(epoch * 1000) - IST_OFFSET_MS


def date_of(day: int) -> dt.date:
    return PERIOD_START + dt.timedelta(days=day)


def days_since_epoch(d: dt.date) -> int:
    """Arrow date32 value of a date."""
    return (d - dt.date(1970, 1, 1)).days
