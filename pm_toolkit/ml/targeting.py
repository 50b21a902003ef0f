"""Case 3: which segment sees which offer? Incremental margin from a randomised test.

An offer is worth showing to a segment when it adds margin: what the segment's visitors earn
with the offer (margin of their orders minus the offer's cost) minus what they earn without
it. Conversion alone misleads: a coupon given to a regular who would have bought anyway
raises nothing but the bill. Only randomised data per segment measures this (the visitors who
got each offer differ only by chance), and after launch a **holdout** that sees no offer keeps
measuring it.

>>> import pandas as pd
>>> t = pd.DataFrame({"segment": ["a"] * 4, "offer": ["none", "none", "x", "x"],
...                   "converted": [0, 1, 1, 1], "gross_margin": [0, 100, 100, 100],
...                   "offer_cost": [0, 0, 30, 30]})
>>> uplift_table(t)["incremental_margin"].tolist()
[20.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

CONTROL = "none"
Z95 = float(norm.ppf(0.975))


def net_margin(promo: pd.DataFrame) -> pd.Series:
    """Margin each visitor brought in, net of the offer's cost (₹; 0 for non-buyers)."""
    return promo["gross_margin"] - promo["offer_cost"]


def uplift_table(promo: pd.DataFrame, by: str = "segment") -> pd.DataFrame:
    """Per ``by`` × offer: visitors, conversion, the conversion lift and the incremental
    margin per visitor against no offer (₹), with a 95 % interval (Welch, normal
    approximation)."""
    t = promo.assign(_net=net_margin(promo))
    stats = t.groupby([by, "offer"]).agg(
        visitors=("_net", "size"),
        conversion=("converted", "mean"),
        margin=("_net", "mean"),
        var=("_net", "var"),
    )
    rows = []
    for group, part in stats.groupby(level=0):
        part = part.droplevel(0)
        if CONTROL not in part.index:
            raise ValueError(f"{by}={group!r} has no visitors without an offer ('{CONTROL}')")
        c = part.loc[CONTROL]
        for offer, r in part.drop(index=CONTROL).iterrows():
            diff = r["margin"] - c["margin"]
            se = float(np.sqrt(r["var"] / r["visitors"] + c["var"] / c["visitors"]))
            rows.append(
                {
                    by: group,
                    "offer": offer,
                    "visitors": int(r["visitors"]),
                    "conversion": r["conversion"],
                    "conversion_lift": r["conversion"] - c["conversion"],
                    "incremental_margin": diff,
                    "ci_low": diff - Z95 * se,
                    "ci_high": diff + Z95 * se,
                }
            )
    return pd.DataFrame(rows)


def best_offers(uplift: pd.DataFrame, by: str = "segment") -> pd.DataFrame:
    """The targeting policy: per group the offer with the highest incremental margin, or
    ``none`` when no offer adds margin."""
    rows = []
    for group, part in uplift.groupby(by, sort=True):
        top = part.loc[part["incremental_margin"].idxmax()]
        offer = top["offer"] if top["incremental_margin"] > 0 else CONTROL
        rows.append({by: group, "offer": offer})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PolicyValue:
    """Net margin per visitor (₹) of a targeting policy and of the simple alternatives,
    estimated from the randomised test."""

    policy: float
    no_offer: float
    best_single_offer: str
    best_single: float

    def _repr_html_(self) -> str:
        return (
            f"<p>Targeted policy: ₹{self.policy:,.2f} net margin per visitor · one offer for "
            f"all ({self.best_single_offer}): ₹{self.best_single:,.2f} · no offer: "
            f"₹{self.no_offer:,.2f}</p>"
        )


def policy_value(promo: pd.DataFrame, policy: pd.DataFrame, by: str = "segment") -> PolicyValue:
    """What ``policy`` (columns ``by``, ``offer``) would earn per visitor: in each group, the
    mean net margin of the test's visitors who were randomly given the policy's offer,
    weighted by the group's share of visitors. Unbiased because the offers were random."""
    pol = dict(zip(policy[by], policy["offer"], strict=True))
    missing = set(promo[by]) - set(pol)
    if missing:
        raise ValueError(f"the policy has no offer for {sorted(missing)}")
    t = promo.assign(_net=net_margin(promo))
    means = t.groupby([by, "offer"])["_net"].mean()
    shares = t[by].value_counts(normalize=True)
    value = float(sum(shares[g] * means[(g, pol[g])] for g in shares.index))
    per_offer = {
        o: float(sum(shares[g] * means[(g, o)] for g in shares.index))
        for o in sorted(t["offer"].unique())
    }
    best = max((o for o in per_offer if o != CONTROL), key=per_offer.get)
    return PolicyValue(value, per_offer[CONTROL], best, per_offer[best])


@dataclass(frozen=True)
class HoldoutPlan:
    """How precisely a holdout measures the policy's incremental margin per visitor."""

    holdout_share: float
    visitors_per_month: int
    holdout_visitors: int
    mde: float  # smallest difference in ₹ per visitor a month of data detects (80 % power)


def holdout_plan(
    promo: pd.DataFrame, holdout_share: float = 0.1, visitors_per_month: int = 100_000
) -> HoldoutPlan:
    """The smallest incremental margin per visitor (₹) a holdout of ``holdout_share`` of
    ``visitors_per_month`` detects in a month (two-sided 5 %, 80 % power), using the test's
    spread of net margin per visitor."""
    if not 0 < holdout_share < 1:
        raise ValueError(f"holdout_share must be between 0 and 1; got {holdout_share}")
    sd = float(net_margin(promo).std())
    n_hold = int(holdout_share * visitors_per_month)
    n_treat = visitors_per_month - n_hold
    se = sd * np.sqrt(1 / n_hold + 1 / n_treat)
    return HoldoutPlan(holdout_share, visitors_per_month, n_hold, float((Z95 + norm.ppf(0.8)) * se))
