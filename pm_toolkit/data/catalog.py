"""Frozen vocabularies and planted assumptions [A] shared by the table generators.

Everything a learner could see as a category, segment or channel name is a lower-case
snake_case code; shares marked [A] are project assumptions (domain-facts §1), recorded in the
manifest so lessons can say so.

>>> CATEGORIES[0], len(CATEGORIES)
('fashion', 10)
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from importlib import resources

import numpy as np

# ---- customers -----------------------------------------------------------------------------
SEGMENTS = ("value_seeker", "brand_loyal", "busy_professional", "occasional")
SEGMENT_SHARES = (0.35, 0.20, 0.25, 0.20)  # [A]
#: Relative session frequency by segment [A]; "occasional" shoppers come alive in the sale week.
SEGMENT_ACTIVITY = (1.0, 1.5, 1.2, 0.45)
OCCASIONAL_FESTIVE_BOOST = 3.0
ACQ_CHANNELS = ("organic_search", "paid_search", "social", "referral", "affiliate", "tv_offline")
ACQ_SHARES = (0.30, 0.22, 0.20, 0.10, 0.10, 0.08)  # [A]
DEVICES = ("mobile_web", "app", "desktop")
PREFERRED_DEVICE_SHARES = (0.50, 0.25, 0.25)  # [A] mobile-heavy market (domain-facts §1.1)
TIER_SHARES = {1: 0.37, 2: 0.21, 3: 0.42}  # orders by city tier, 2022 [S press]
MEMBER_SHARE = 0.18  # [A]

# ---- products --------------------------------------------------------------------------------
# category: (median list price ₹, log-sd, add-to-cart factor, return factor, elasticity range)
CATEGORY_SPECS = {
    "fashion": (699, 0.55, 1.00, 2.0, (1.8, 3.5)),
    "beauty": (449, 0.50, 1.10, 0.5, (1.5, 3.0)),
    "electronics": (999, 0.65, 0.70, 1.0, (1.5, 3.5)),
    "mobiles": (6999, 0.45, 0.12, 0.8, (2.0, 4.0)),
    "home_kitchen": (749, 0.65, 0.90, 0.8, (1.4, 3.0)),
    "grocery": (249, 0.40, 1.40, 0.2, (1.2, 2.2)),
    "books": (349, 0.40, 1.00, 0.3, (1.3, 2.5)),
    "toys": (599, 0.50, 0.90, 0.6, (1.5, 3.0)),
    "sports_fitness": (799, 0.60, 0.80, 0.9, (1.5, 3.0)),
    "smart_home": (1299, 0.55, 0.80, 0.7, (1.8, 3.5)),
}
CATEGORIES = tuple(CATEGORY_SPECS)
#: Share of browsing intent by category at the start of the period [A] (fashion ≈ 30 % of orders).
CATEGORY_INTENT = (0.27, 0.17, 0.08, 0.07, 0.12, 0.10, 0.05, 0.05, 0.05, 0.04)
#: The planted "emerging" category: its intent grows by this factor over the 90 days [A].
EMERGING_CATEGORY = "smart_home"
EMERGING_GROWTH = 3.0
#: Segment → category affinity multipliers [A] (rows: SEGMENTS, columns: CATEGORIES).
SEGMENT_AFFINITY = np.array(
    [
        # fash beau elec mobi home groc book toys spor smart
        [1.2, 0.9, 0.7, 0.8, 1.1, 1.8, 0.9, 1.0, 0.8, 0.6],  # value_seeker
        [0.9, 1.6, 1.3, 1.5, 0.8, 0.7, 0.8, 0.7, 1.0, 1.1],  # brand_loyal
        [0.8, 0.9, 1.5, 1.1, 1.3, 0.9, 1.3, 0.7, 1.2, 1.5],  # busy_professional
        [1.4, 1.0, 0.9, 1.2, 0.9, 0.5, 0.8, 1.5, 0.9, 0.7],  # occasional
    ]
)
BRANDS = {
    "fashion": ("rangrez", "urban_dhaga", "saaj", "threadwise", "kurtaland", "bazaar_basics"),
    "beauty": ("glowveda", "kesar_co", "nila_naturals", "mitti_care", "bazaar_basics"),
    "electronics": ("voltix", "sonora", "kiranwave", "bazaar_basics", "tarang"),
    "mobiles": ("phonix", "navaphone", "sparkle_mobile", "orbit"),
    "home_kitchen": ("rasoi_pro", "ghar_sajja", "steelwala", "bazaar_basics", "kitchenkraft"),
    "grocery": ("annapurna_farms", "desi_pantry", "bazaar_fresh", "masala_mantra"),
    "books": ("pustak_press", "kathakar", "gyan_books", "lekh_publishing"),
    "toys": ("khilona", "little_rishi", "funtastic", "bazaar_basics"),
    "sports_fitness": ("khel_pro", "stridefit", "yogmat", "bazaar_basics"),
    "smart_home": ("griha_smart", "voltix", "lumi_home", "sentinel_iot"),
}

# ---- sessions --------------------------------------------------------------------------------
SESSION_CHANNELS = ("organic_search", "paid_search", "social", "direct", "email", "push")
SESSION_CHANNEL_SHARES = (0.28, 0.20, 0.17, 0.20, 0.08, 0.07)  # [A]
LANDING_PAGES = ("home", "category", "product", "search", "offer")
LANDING_SHARES = (0.35, 0.20, 0.25, 0.12, 0.08)  # [A]
#: Median page-load seconds and log-sd by device [A].
LOAD_MEDIAN_S = {"mobile_web": 2.0, "app": 0.9, "desktop": 1.3}
LOAD_SIGMA = 0.45
#: Evening IST peak (20:00–22:00) and a night trough [A]: relative sessions by hour of day.
HOUR_PROFILE = (
    0.55,
    0.35,
    0.22,
    0.15,
    0.12,
    0.15,
    0.30,
    0.55,
    0.80,
    0.95,
    1.05,
    1.10,
    1.15,
    1.15,
    1.05,
    1.00,
    1.00,
    1.05,
    1.20,
    1.45,
    1.85,
    2.00,
    1.75,
    1.10,
)
WEEKDAY_FACTOR = (0.95, 0.95, 0.95, 0.97, 1.00, 1.12, 1.10)  # Mon..Sun [A]
FESTIVE_SESSION_FACTOR = 1.8  # more sessions in the sale week; basket size flat [A]

# ---- orders ----------------------------------------------------------------------------------
PAYMENT_METHODS = ("upi", "card", "cod", "wallet", "netbanking")
PAYMENT_SHARES = (0.42, 0.15, 0.25, 0.10, 0.08)  # [A]: no reliable public UPI/COD split exists
#: P(status) by payment: COD cancels and is refused at the door (RTO) more often [A].
STATUS = ("delivered", "returned", "rto", "cancelled")
CANCEL_P = {"prepaid": 0.04, "cod": 0.10}
RTO_P = {"prepaid": 0.02, "cod": 0.12}
RETURN_P = 0.075  # of delivered orders, scaled by category return factor (≈ 8 % overall) [A]

# ---- promotions ------------------------------------------------------------------------------
# A banner randomly shown per session: the lift it gives P(purchase | checkout) by segment [A].
PROMOTIONS = ("none", "bank_offer_10", "free_delivery")
PROMOTION_SHARES = (0.5, 0.25, 0.25)
PROMOTION_LIFT = {  # relative lift on P(purchase | checkout), by SEGMENTS order
    "bank_offer_10": (0.45, 0.05, 0.10, 0.30),
    "free_delivery": (0.15, 0.10, 0.40, 0.05),
}
BANK_OFFER_RATE, BANK_OFFER_CAP = 0.10, 250.0  # 10 % off up to ₹250
FREE_DELIVERY_VALUE = 49.0  # the delivery fee waived, booked as a discount

# ---- support ---------------------------------------------------------------------------------
SUPPORT_REASONS = ("late_delivery", "refund", "wrong_item", "payment_failed", "price_query")
SUPPORT_CHANNELS = ("chat", "phone", "email", "app")
SUPPORT_CHANNEL_SHARES = (0.45, 0.20, 0.10, 0.25)

# ---- inventory -------------------------------------------------------------------------------
WAREHOUSES = ("bhiwandi", "gurugram", "bengaluru", "kolkata", "hyderabad")
WAREHOUSE_SHARES = (0.27, 0.25, 0.20, 0.13, 0.15)


@lru_cache(maxsize=1)
def names() -> dict:
    """Frozen en_IN first/last name pools (built once from Faker at development time)."""
    text = resources.files("pm_toolkit.data").joinpath("names_en_in.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def cities() -> list[dict]:
    """Curated city → state → PIN prefix → tier table, so the four always agree."""
    text = resources.files("pm_toolkit.data").joinpath("cities.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for r in rows:
        r["tier"] = int(r["tier"])
        r["weight"] = float(r["weight"])
    return rows


# ---- warehouses and the regions they serve (lesson 6) ----------------------------------------
#: City of each warehouse in WAREHOUSES, with its latitude and longitude (degrees).
WAREHOUSE_CITY = {
    "bhiwandi": ("Bhiwandi", 19.30, 73.06),  # Mumbai's warehousing belt
    "gurugram": ("Gurugram", 28.46, 77.03),
    "bengaluru": ("Bengaluru", 12.97, 77.59),
    "kolkata": ("Kolkata", 22.57, 88.36),
    "hyderabad": ("Hyderabad", 17.39, 78.49),
}
#: Holding cost per unit per day of festive stock, by warehouse (rent, capital, handling) [A].
HOLDING_COST_PER_UNIT_DAY = {
    "bhiwandi": 1.6,
    "gurugram": 1.7,
    "bengaluru": 1.5,
    "kolkata": 1.2,
    "hyderabad": 1.3,
}
#: Road distance ≈ great-circle distance × this circuity factor [A].
ROAD_CIRCUITY = 1.25
#: Delivery promise by lane length [A]: next day within 300 km, one more day per 500 km beyond.
NEXT_DAY_KM, KM_PER_EXTRA_DAY = 300, 500
#: Shipping cost per unit [A]: a fixed ₹30 plus ₹0.035 per road km.
SHIP_COST_FIXED, SHIP_COST_PER_KM = 30.0, 0.035
#: kg CO₂ per unit per road km [A]: a ~1.5 kg parcel on a truck at ~0.1 kg CO₂ per tonne-km.
CO2_KG_PER_UNIT_KM = 0.00015
