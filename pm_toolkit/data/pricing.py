"""The hourly pricing panel: observational prices that chase demand, plus a randomised test.

Demand (domain-facts §2.1, capstone panel):

    log λ_it = α_i + s(t) − ε_i·log p_it + η·log p_comp,it + κ·1{low stock}
               − τ·(price changes in the last 24 h) + u_it,      units ~ Poisson(λ)

Observational prices follow the demand shock (``log p = g + γ·ū_block + v``), so naive log-log
OLS is biased towards zero (§2.2); on ``price_test`` product-days prices are drawn at random,
independent of u, so the true ε_i is recoverable there. τ is the hidden customer-trust cost of
price volatility; its value is uncertain, so the manifest gives a plausible range.

>>> panel, truth = make_pricing_panel(1, "tiny")
>>> bool((panel.column("our_price").to_numpy() <= panel.column("mrp").to_numpy()).all())
True
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import money, ts
from pm_toolkit.data.dimensions import make_products
from pm_toolkit.data.scales import PERIOD_START, day_start_ms, get_scale
from pm_toolkit.data.streams import stream

PANEL_START = dt.date(2025, 10, 27)  # after the festive week, four quiet weeks [A]
ETA_CROSS = 0.3  # cross-price elasticity w.r.t. competitor price (Auer & Papies mean 0.26) [A]
KAPPA_LOW_STOCK = -0.25  # fewer sizes/colours left when stock is low [A]
LOW_STOCK_SHARE = 0.2  # "low stock" = on hand below 20 % of the order-up-to level
SIGMA_U, RHO_U = 0.30, 0.7  # hourly demand shock: AR(1) with this stationary sd
GAMMA_PRICE = 0.3  # observational price response to the 4-hour mean shock [A]
SIGMA_V = 0.12  # idiosyncratic observational price noise
REPRICE_HOURS = 4  # observational prices change every 4 hours
TEST_DAY_SHARE = 0.3  # share of product-days in the randomised price test
TEST_PRICE_FACTORS = (0.80, 0.85, 0.90, 0.95, 1.00)  # × list price, hourly, uniform
TRUST_TAU = 0.01  # log-demand cost per price change in the last 24 h [A], true value unknown
TRUST_RANGE = (0.0, 0.03)
BASE_UNITS_MEDIAN = 4.0  # units/hour at list price at an average hour
RESTOCK_HOUR = 6  # daily top-up to the order-up-to level at 06:00 IST


def _hour_profile() -> np.ndarray:
    h = np.log(np.asarray(C.HOUR_PROFILE))
    return h - h.mean()


def make_pricing_panel(seed: int, scale: str) -> tuple[pa.Table, dict]:
    """The hourly panel for a random subset of products, and its planted parameters."""
    sc = get_scale(scale)
    _, pr = make_products(seed, scale)
    cols = iter(range(100))

    def rng() -> np.random.Generator:
        return stream(seed, "pricing_panel", 0, next(cols))

    n_prod = min(sc.panel_products, len(pr["list_price"]))
    pid = np.sort(rng().choice(len(pr["list_price"]), n_prod, replace=False))
    H = sc.panel_days * 24
    hours = np.arange(H)
    lp, mrp, cost, eps = (pr[k][pid] for k in ("list_price", "mrp", "unit_cost", "elasticity"))
    cost_floor = cost * 1.02

    base = BASE_UNITS_MEDIAN * np.exp(0.7 * rng().standard_normal(n_prod))
    alpha = np.log(base) + eps * np.log(lp) - ETA_CROSS * np.log(lp)
    season = _hour_profile()[hours % 24] + 0.05 * np.isin(
        ((hours // 24) + PANEL_START.weekday()) % 7, (5, 6)
    )
    e = rng().standard_normal((n_prod, H)) * SIGMA_U * np.sqrt(1 - RHO_U**2)
    u = np.empty_like(e)  # AR(1): u_t = rho u_{t-1} + e_t, started from its stationary law
    u[:, 0] = rng().standard_normal(n_prod) * SIGMA_U
    for t in range(1, H):
        u[:, t] = RHO_U * u[:, t - 1] + e[:, t]

    # competitor: piecewise-constant daily price around our list price
    comp_day = lp[:, None] * np.exp(0.08 * rng().standard_normal((n_prod, sc.panel_days)))
    comp = np.round(np.repeat(comp_day, 24, axis=1)) - 0.01
    comp = np.maximum(comp, 1.0)

    # observational prices: every 4 hours, chasing the block-mean shock the retailer sees
    nblk = H // REPRICE_HOURS
    u_blk = u.reshape(n_prod, nblk, REPRICE_HOURS).mean(axis=2)
    v = SIGMA_V * rng().standard_normal((n_prod, nblk))
    obs_log_p = np.log(lp)[:, None] - 0.05 + GAMMA_PRICE * u_blk + v
    obs_p = np.repeat(np.exp(obs_log_p), REPRICE_HOURS, axis=1)
    # randomised test: whole product-days, a random factor each hour
    test_day = rng().random((n_prod, sc.panel_days)) < TEST_DAY_SHARE
    test = np.repeat(test_day, 24, axis=1)
    factor = np.asarray(TEST_PRICE_FACTORS)[rng().integers(0, len(TEST_PRICE_FACTORS), (n_prod, H))]
    test_p = lp[:, None] * factor
    price = np.where(test, test_p, obs_p)
    price = np.clip(np.round(price), cost_floor[:, None], mrp[:, None])
    price = np.minimum(money(price), mrp[:, None])  # the MRP cap is the law (§1.4)

    changed = np.zeros((n_prod, H), dtype=bool)
    changed[:, 1:] = price[:, 1:] != price[:, :-1]
    cs = np.cumsum(changed, axis=1)
    changes_24h = cs - np.concatenate([np.zeros((n_prod, 24)), cs[:, :-24]], axis=1)

    forecast_log = (
        alpha[:, None]
        + season[None, :]
        - (eps - ETA_CROSS)[:, None] * np.log(lp)[:, None]
        + np.repeat(u_blk, REPRICE_HOURS, axis=1)
    )
    demand_forecast = money(np.exp(forecast_log))
    views = rng().poisson(12.0 * np.exp(np.log(base)[:, None] + season[None, :] + u))

    order_up_to = np.ceil(base * 24 * 1.6)
    inv = np.zeros((n_prod, H), dtype=np.int64)
    units = np.zeros((n_prod, H), dtype=np.int64)
    g_units = rng()  # its own stream: one Poisson draw per product per hour, in hour order
    stock = order_up_to.copy()

    log_lam_fixed = (
        alpha[:, None]
        + season[None, :]
        - eps[:, None] * np.log(price)
        + ETA_CROSS * np.log(comp)
        - TRUST_TAU * changes_24h
        + u
    )
    for t in range(H):
        if t % 24 == RESTOCK_HOUR:
            stock = np.maximum(stock, order_up_to)
        inv[:, t] = stock
        low = stock < LOW_STOCK_SHARE * order_up_to
        lam = np.exp(log_lam_fixed[:, t] + KAPPA_LOW_STOCK * low)
        demand = g_units.poisson(lam)
        units[:, t] = np.minimum(demand, stock)
        stock = stock - units[:, t]

    hour_ms = day_start_ms((PANEL_START - PERIOD_START).days) + hours * 3_600_000
    table = pa.table(
        {
            "product_id": pa.array(np.repeat(pid + 1, H).astype(np.int64)),
            "hour_ts": ts(np.tile(hour_ms, n_prod)),
            "our_price": pa.array(price.ravel()),
            "competitor_price": pa.array(money(comp).ravel()),
            "mrp": pa.array(np.repeat(mrp, H)),
            "unit_cost": pa.array(np.repeat(cost, H)),
            "inventory": pa.array(inv.ravel().astype(np.int32)),
            "demand_forecast": pa.array(demand_forecast.ravel()),
            "views": pa.array(views.ravel().astype(np.int32)),
            "units_sold": pa.array(units.ravel().astype(np.int32)),
            "price_test": pa.array(test.ravel()),
        }
    )
    truth = {
        "model": "log lambda = alpha_i + s(hour) - eps_i log p + eta log p_comp "
        "+ kappa 1{inventory < 0.2 * order_up_to} - tau * price_changes_24h + u; "
        "units_sold = min(Poisson(lambda), inventory)",
        "start": str(PANEL_START),
        "days": sc.panel_days,
        "products": [int(p) + 1 for p in pid],
        "elasticity": {str(int(p) + 1): float(e) for p, e in zip(pid, eps, strict=True)},
        "alpha": {str(int(p) + 1): float(a) for p, a in zip(pid, alpha, strict=True)},
        "eta_cross": ETA_CROSS,
        "kappa_low_stock": KAPPA_LOW_STOCK,
        "low_stock_threshold_share": LOW_STOCK_SHARE,
        "order_up_to": {str(int(p) + 1): float(o) for p, o in zip(pid, order_up_to, strict=True)},
        "hour_of_day_log_profile": [float(x) for x in _hour_profile()],
        "weekend_log_uplift": 0.05,
        "shock": {"sigma_u": SIGMA_U, "ar1_rho": RHO_U},
        "observational_pricing": {
            "rule": "log p = log list_price - 0.05 + gamma * mean(u over 4h block) + v",
            "gamma": GAMMA_PRICE,
            "sigma_v": SIGMA_V,
            "reprice_every_hours": REPRICE_HOURS,
            "note": "prices chase demand, so naive log-log OLS is biased towards 0",
        },
        "price_test": {
            "share_of_product_days": TEST_DAY_SHARE,
            "price_factors_of_list_price": list(TEST_PRICE_FACTORS),
            "note": "hourly random price on test days, independent of demand",
        },
        "demand_forecast": "exp(alpha_i + s(t) - (eps_i - eta) log list_price + 4h-block u): "
        "expected units at list price given the retailer's signal",
        "customer_trust": {
            "tau_per_price_change_24h": TRUST_TAU,
            "plausible_range": list(TRUST_RANGE),
            "grade": "[A] value unknown; do sensitivity analysis over the range",
        },
        "price_rounding": "whole rupees, clipped to [1.02 * unit_cost, mrp]",
    }
    return table, truth
