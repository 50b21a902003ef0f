"""The experiment registry and per-customer assignments with planted effects.

Each experiment draws its own customers and outcomes from ``stream(seed, "assignments", i, ·)``;
both potential outcomes of a customer share one uniform, so the planted lift is exactly the
difference the treatment makes. Assignment is a per-customer coin flip from the experiment's
own salt stream ``stream(seed, "experiments", i)``; ``pre_revenue`` is a copula twin of the
test-period outcome (corr ≈ 0.7). The manifest records each true effect.

>>> reg, asg, truth = make_experiments(1, "tiny")
>>> sorted(set(asg.column("variant").to_pylist()))
['control', 'treatment']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy.special import ndtr, ndtri

from pm_toolkit.data.arrowutil import money
from pm_toolkit.data.scales import days_since_epoch, get_scale
from pm_toolkit.data.streams import stream


@dataclass(frozen=True)
class Design:
    """One planted experiment. Lifts are relative (0.15 = +15 %)."""

    experiment_id: str
    name: str
    hypothesis: str
    primary_metric: str
    guardrail_metrics: str
    start: dt.date
    days: int
    kind: str
    conversion_lift: float = 0.0
    #: novelty: lift(day) = conversion_lift + novelty_lift · exp(−day / novelty_tau_days)
    novelty_lift: float = 0.0
    novelty_tau_days: float = 1.0
    orders_lift: float = 0.0  # rate of extra orders (beyond the first) per converter, relative
    order_value_lift: float = 0.0  # revenue per order (relative)
    page_load_delta_ms: float = 0.0
    return_p_treatment: float | None = None
    #: SRM bug: this share of treatment customers with below-median intent is never logged.
    #: 0.55 drops ≈ 27 % of the treatment arm: SRM p < 0.001 at `small` and p < 0.05 at `tiny`
    #: for every seed checked (1..30, 2026), far beyond the coin-flip noise of a healthy split.
    srm_drop_low_intent: float = 0.0
    planned_split: float = 0.5


DESIGNS = (
    Design(
        "exp_01",
        "one_tap_upi",
        "A one-tap UPI button at checkout lifts conversion.",
        "converted",
        "page_load_ms,returned",
        dt.date(2025, 9, 8),
        14,
        "clean_win",
        # +25 % relative: at `small` (≈ 4,000 users per arm on a ≈ 12 % baseline) the win is
        # significant for nearly every learner (z ≈ 4), so "the clean win" holds in the lesson [A].
        conversion_lift=0.25,
    ),
    Design(
        "exp_02",
        "aa_homepage",
        "A/A check: two identical homepages convert the same.",
        "converted",
        "page_load_ms",
        dt.date(2025, 9, 15),
        14,
        "aa",
    ),
    Design(
        "exp_03",
        "new_recs_widget",
        "A new 'customers also bought' widget lifts conversion.",
        "converted",
        "page_load_ms",
        dt.date(2025, 9, 22),
        14,
        "srm",
        conversion_lift=0.03,
        srm_drop_low_intent=0.55,
    ),
    Design(
        "exp_04",
        "festive_banner",
        "An animated festive banner lifts conversion.",
        "converted",
        "page_load_ms",
        dt.date(2025, 10, 1),
        21,
        "novelty",
        conversion_lift=0.02,
        # +82 % on day 0, +31 % on day 3, +10 % by day 7: strong enough that entrants of the
        # first four days show a clear lift at `small` while later entrants show almost none [A].
        novelty_lift=0.80,
        novelty_tau_days=3.0,
    ),
    Design(
        "exp_05",
        "product_video",
        "Autoplay product videos lift conversion.",
        "converted",
        "page_load_ms,returned",
        dt.date(2025, 10, 27),
        14,
        "guardrail_harm",
        # A real conversion win (+20 %, usually significant) that slows pages and raises the
        # return rate of buyers from 8 % to 12 %: the guardrails, not the win, decide [A].
        conversion_lift=0.20,
        page_load_delta_ms=350.0,
        return_p_treatment=0.12,
    ),
    Design(
        "exp_06",
        "free_delivery_499",
        "Free delivery above ₹499 (was ₹999) raises orders.",
        "revenue",
        "returned",
        dt.date(2025, 11, 3),
        14,
        "ratio_metric",
        conversion_lift=0.05,
        orders_lift=0.20,
        # Baskets stop being padded up to ₹999: revenue per order −15 %, clear in the delta-method
        # AOV test at `small` for nearly every learner, while revenue per user stays unclear [A].
        order_value_lift=-0.15,
    ),
)

BASE_CONVERSION = 0.10
INTENT_COEF = 1.0  # logit slope on the latent intent z [A]
RETURN_P = 0.08
PAGE_LOAD_MEDIAN_MS = 1400.0
VALUE_SD = 0.25  # log-sd of a customer's basket value around their own AOV [A]
#: CUPED realism: corr(pre_revenue, revenue) ≈ 0.7, so CUPED removes ≈ 1 − 0.7² ≈ half the
#: variance ("halving the needed sample"). PRE_LATENT_RHO is the copula correlation of each
#: pre-period latent with its test-period twin, calibrated to give that target [A].
PRE_PERIOD_TARGET_RHO = 0.7
PRE_LATENT_RHO = 0.89


def _twin(u: np.ndarray, e: np.ndarray, rho: float) -> np.ndarray:
    """A uniform whose normal score correlates ``rho`` with that of ``u`` (Gaussian copula)."""
    return ndtr(rho * ndtri(u) + np.sqrt(1 - rho**2) * e)


def _poisson_inv(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson(lam) by inverse CDF of the uniform ``u`` (so two twins can share a latent)."""
    k = np.zeros(u.shape, dtype=np.int64)
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    for j in range(1, 64):
        more = u >= cdf
        if not more.any():
            break
        k += more
        pmf = pmf * lam / j
        cdf = cdf + pmf
    return k


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def make_experiments(seed: int, scale: str) -> tuple[pa.Table, pa.Table, dict]:
    """Registry table, assignments table and the planted truth per experiment."""
    truth: dict = {}
    parts = list(assignment_parts(seed, scale, truth))
    return registry(), pa.concat_tables(parts), truth


def assignment_parts(seed: int, scale: str, truth: dict):
    """Yield the assignments of one experiment at a time (bounded memory); fill ``truth``."""
    sc = get_scale(scale)
    n_customers, n = sc.customers, min(sc.experiment_users, sc.customers)
    for i, d in enumerate(DESIGNS):
        cols = iter(range(100))

        def rng(i=i, cols=cols) -> np.random.Generator:
            return stream(seed, "assignments", i, next(cols))

        cust = np.sort(rng().choice(n_customers, n, replace=False)) + 1
        # Bernoulli randomisation, as a real assignment service does (hash(salt, customer_id)
        # into [0, 1)): each customer of the population has a seeded coin per experiment, so
        # healthy splits scatter binomially around the plan and their SRM p-value is uniform.
        salt = stream(seed, "experiments", i)  # the experiment's own bucketing salt
        treat = salt.random(n_customers)[cust - 1] < d.planned_split
        day = rng().integers(0, d.days, n)
        z = rng().standard_normal(n)
        base = 1 / (1 + np.exp(-(_logit(BASE_CONVERSION) + INTENT_COEF * z)))
        lift = d.conversion_lift + d.novelty_lift * np.exp(-day / d.novelty_tau_days)
        p0, p1 = base, np.minimum(base * (1 + lift), 0.99)
        u = rng().random(n)
        converted = u < np.where(treat, p1, p0)

        aov_i = 800.0 * np.exp(0.25 * z + 0.35 * rng().standard_normal(n))
        extra_rate = 0.25 * np.exp(0.3 * z)
        extra_u = rng().random(n)
        orders = np.where(
            converted,
            1 + _poisson_inv(extra_u, extra_rate * np.where(treat, 1 + d.orders_lift, 1.0)),
            0,
        )
        value_e = rng().standard_normal(n)
        value = aov_i * np.exp(VALUE_SD * value_e) * np.where(treat, 1 + d.order_value_lift, 1)
        revenue = money(orders * value)
        # Pre-period (same length, before the test, untreated): the same customer propensity.
        # Each test-period latent (buy uniform, extra-orders uniform, basket noise) has a
        # pre-period twin correlated through a Gaussian copula, so corr(pre_revenue, revenue)
        # lands near PRE_PERIOD_TARGET_RHO and CUPED removes about rho^2 of the variance.
        pre_u = _twin(u, rng().standard_normal(n), PRE_LATENT_RHO)
        pre_extra_u = _twin(extra_u, rng().standard_normal(n), PRE_LATENT_RHO)
        pre_value_e = PRE_LATENT_RHO * value_e + np.sqrt(1 - PRE_LATENT_RHO**2) * (
            rng().standard_normal(n)
        )
        pre_orders = np.where(pre_u < p0, 1 + _poisson_inv(pre_extra_u, extra_rate), 0)
        pre_revenue = money(pre_orders * aov_i * np.exp(VALUE_SD * pre_value_e))
        load = PAGE_LOAD_MEDIAN_MS * np.exp(0.35 * rng().standard_normal(n))
        load = np.round(load + np.where(treat, d.page_load_delta_ms, 0.0)).astype(np.int32)
        return_p_treatment = d.return_p_treatment or RETURN_P
        p_ret = np.where(treat, return_p_treatment, RETURN_P)
        returned = converted & (rng().random(n) < p_ret)

        keep = np.ones(n, dtype=bool)
        if d.srm_drop_low_intent:
            keep = ~(treat & (z < 0) & (rng().random(n) < d.srm_drop_low_intent))
        yield (
            pa.table(
                {
                    "experiment_id": pa.array([d.experiment_id] * int(keep.sum()), pa.string()),
                    "customer_id": pa.array(cust[keep].astype(np.int64)),
                    "variant": pa.array(np.where(treat[keep], "treatment", "control")),
                    "day": pa.array(day[keep].astype(np.int16)),
                    "converted": pa.array(converted[keep].astype(np.int8)),
                    "orders": pa.array(orders[keep].astype(np.int16)),
                    "revenue": pa.array(revenue[keep]),
                    "pre_revenue": pa.array(pre_revenue[keep]),
                    "page_load_ms": pa.array(load[keep]),
                    "returned": pa.array(returned[keep].astype(np.int8)),
                }
            )
        )
        truth[d.experiment_id] = {
            "name": d.name,
            "kind": d.kind,
            "relative_conversion_lift": d.conversion_lift,
            "novelty": (
                {
                    "extra_lift_day0": d.novelty_lift,
                    "tau_days": d.novelty_tau_days,
                    "model": "lift(day) = lift + extra * exp(-day / tau)",
                }
                if d.novelty_lift
                else None
            ),
            # Expected conversion over this experiment's customers under each arm (exact).
            "expected_conversion_control": float(p0.mean()),
            "expected_conversion_treatment": float(p1.mean()),
            "expected_absolute_lift": float((p1 - p0).mean()),
            # relative lift of the Poisson rate of orders *beyond the first* per converter
            "relative_lift_in_extra_orders_per_converter": d.orders_lift,
            "relative_lift_in_value_per_order": d.order_value_lift,
            "page_load_delta_ms": d.page_load_delta_ms,
            "return_p": {"control": RETURN_P, "treatment": return_p_treatment},
            "planned_split": d.planned_split,
            "assignment": "bernoulli coin flip per customer (binomial split around the plan)",
            "pre_period": {
                "target_corr_pre_revenue_revenue": PRE_PERIOD_TARGET_RHO,
                "latent_copula_rho": PRE_LATENT_RHO,
                "model": "same-length untreated period; buy, extra-orders and basket latents "
                "are Gaussian-copula twins of the test period's",
            },
            "srm_bug": (
                {
                    "dropped_share_of_low_intent_treatment": d.srm_drop_low_intent,
                    "low_intent": "latent intent z < 0 (below the median)",
                    "rows_dropped": int((~keep).sum()),
                }
                if d.srm_drop_low_intent
                else None
            ),
        }


def registry() -> pa.Table:
    """The experiment registry (fixed designs; dates inside the observed period)."""
    return pa.table(
        {
            "experiment_id": [d.experiment_id for d in DESIGNS],
            "name": [d.name for d in DESIGNS],
            "hypothesis": [d.hypothesis for d in DESIGNS],
            "primary_metric": [d.primary_metric for d in DESIGNS],
            "guardrail_metrics": [d.guardrail_metrics for d in DESIGNS],
            "start_date": pa.array([days_since_epoch(d.start) for d in DESIGNS], pa.date32()),
            "end_date": pa.array(
                [days_since_epoch(d.start) + d.days - 1 for d in DESIGNS], pa.date32()
            ),
            "planned_split": [d.planned_split for d in DESIGNS],
            "unit": ["customer"] * len(DESIGNS),
        }
    )
