"""Unit economics per order: what one order earns after delivery, returns and payment fees.

The flywheel's cost loop (growth → lower cost structure → lower prices) only turns if each order
pays for itself. Indian shoppers are price sensitive and many pay cash on delivery (COD); a COD
order that is refused at the door (RTO, "return to origin") pays two courier legs and earns
nothing. :func:`order_economics` computes the **contribution margin** of every order (what is
left after the costs that come with that one order) from the learner's ``orders``,
``order_items`` and ``products``; :func:`by_payment` sums it up per payment method; and
:func:`prepaid_nudge` / :func:`cod_fee` turn it into the decision it informs.

Every cost the data does not record is an assumption [A], kept in one place:
:class:`CostAssumptions` (``COSTS`` holds the defaults).

>>> orders = pd.DataFrame({"order_id": [1, 2], "payment_method": ["upi", "cod"],
...     "status": ["delivered", "rto"], "discount": [0.0, 0.0], "net_value": [1000.0, 500.0]})
>>> items = pd.DataFrame({"order_id": [1, 2], "product_id": [7, 7], "quantity": [1, 1],
...     "unit_price": [1000.0, 500.0]})
>>> products = pd.DataFrame({"product_id": [7], "unit_cost": [400.0]})
>>> e = order_economics(orders, items, products)
>>> e["contribution"].tolist()  # UPI delivered: 600 - 60 delivery; COD refused: two legs
[540.0, -120.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from pm_toolkit.findings import Finding
from pm_toolkit.formatting import format_inr, format_pct

__all__ = [
    "COSTS",
    "STATUS_RULES",
    "CodFee",
    "CostAssumptions",
    "PrepaidNudge",
    "UnitEconomics",
    "by_payment",
    "cod_fee",
    "order_economics",
    "prepaid_nudge",
    "unit_economics",
    "unit_economics_finding",
]

#: What happens to money at each order status (the rules :func:`order_economics` applies).
STATUS_RULES: Mapping[str, str] = MappingProxyType(
    {
        "delivered": "earns the goods margin, pays the discount, one courier leg and the payment fee",
        "returned": "goods come back and are refunded: two courier legs and the payment fee are lost",
        "rto": "refused at the door: two courier legs, nothing earned (no cash collected on COD)",
        "cancelled": "cancelled before dispatch: no cost and no margin",
    }
)


@dataclass(frozen=True)
class CostAssumptions:
    """The per-order costs Bazaar's tables do not record. **Every value is an assumption [A].**

    ``delivery``: ₹ per courier leg to the customer. ``return_leg``: ₹ to bring a refused (RTO)
    or returned parcel back to the warehouse. ``cod_handling``: ₹ the courier charges to collect
    cash, per COD order where cash was collected. ``fee_rate``: share of the order value the
    payment partner keeps, per method (UPI is usually free to the merchant; cards cost most).
    """

    delivery: float = 60.0
    return_leg: float = 60.0
    cod_handling: float = 30.0
    fee_rate: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"upi": 0.0, "card": 0.018, "wallet": 0.015, "netbanking": 0.012, "cod": 0.0}
        )
    )

    def __post_init__(self) -> None:
        for name in ("delivery", "return_leg", "cod_handling"):
            if getattr(self, name) < 0:
                raise ValueError(
                    f"{name} is a cost in ₹ and must be ≥ 0; got {getattr(self, name)}"
                )
        bad = {k: v for k, v in self.fee_rate.items() if not 0 <= v < 1}
        if bad:
            raise ValueError(f"fee rates are shares of the order value in [0, 1); got {bad}")

    def table(self) -> pd.DataFrame:
        """The assumptions as a small table a PM can read and question."""
        rows = [
            ("courier leg to the customer", format_inr(self.delivery), "per shipped order"),
            ("courier leg back (RTO or return)", format_inr(self.return_leg), "per parcel back"),
            ("cash collection (COD)", format_inr(self.cod_handling), "per COD order paid"),
        ]
        rows += [
            (f"payment fee: {m}", format_pct(r, 1), "of the order value")
            for m, r in self.fee_rate.items()
        ]
        return pd.DataFrame(rows, columns=["cost [A]", "value", "charged"])


#: The default assumptions used by the lesson and the exercises.
COSTS = CostAssumptions()

_REQUIRED = {
    "orders": ("order_id", "payment_method", "status", "discount", "net_value"),
    "order_items": ("order_id", "product_id", "quantity", "unit_price"),
    "products": ("product_id", "unit_cost"),
}


def _check(frame: pd.DataFrame, name: str) -> None:
    missing = [c for c in _REQUIRED[name] if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} needs columns {missing}; it has {list(frame.columns)}")


def order_economics(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    products: pd.DataFrame,
    costs: CostAssumptions = COSTS,
) -> pd.DataFrame:
    """One row per order: its goods margin and costs (₹) and the ``contribution`` left over.

    ``goods_margin`` = Σ quantity × (unit price − unit cost), earned only if the order is
    delivered (and kept); ``discount`` is paid only then too. ``delivery`` and ``return_leg``
    follow :data:`STATUS_RULES`; ``payment_fee`` is the method's rate × ``net_value`` plus the
    cash-collection charge on COD orders that paid. Costs are negative numbers, so
    ``contribution`` is the row's sum.
    """
    for frame, name in ((orders, "orders"), (order_items, "order_items"), (products, "products")):
        _check(frame, name)
    unknown = set(orders["status"]) - set(STATUS_RULES)
    if unknown:
        raise ValueError(f"unknown order status(es) {sorted(unknown)}; known: {list(STATUS_RULES)}")
    lines = order_items.merge(products[["product_id", "unit_cost"]], on="product_id", how="left")
    if lines["unit_cost"].isna().any():
        raise ValueError("some order_items have a product_id that is not in products")
    lines["margin"] = lines["quantity"] * (lines["unit_price"] - lines["unit_cost"])
    margin = lines.groupby("order_id")["margin"].sum()
    out = orders[["order_id", "payment_method", "status", "net_value"]].copy()
    status, cod = out["status"], out["payment_method"].eq("cod")
    kept = status.eq("delivered")
    shipped = status.isin(["delivered", "returned", "rto"])
    paid = status.isin(["delivered", "returned"]) | (~cod & status.eq("rto"))
    out["goods_margin"] = out["order_id"].map(margin).fillna(0.0).where(kept, 0.0)
    out["discount"] = -orders["discount"].where(kept, 0.0)
    out["delivery"] = -costs.delivery * shipped
    out["return_leg"] = -costs.return_leg * status.isin(["returned", "rto"])
    rate = out["payment_method"].map(costs.fee_rate).fillna(0.0)
    fee = rate * out["net_value"] + costs.cod_handling * cod
    out["payment_fee"] = -fee.where(paid, 0.0)
    parts = ["goods_margin", "discount", "delivery", "return_leg", "payment_fee"]
    out["contribution"] = out[parts].sum(axis=1).round(2)
    out["payment"] = cod.map({True: "cod", False: "prepaid"})
    return out


def by_payment(economics: pd.DataFrame, *, column: str = "payment_method") -> pd.DataFrame:
    """Per payment method (or ``column="payment"``: COD vs prepaid): orders, the shares refused
    at the door and returned, and each money line **per order** (₹), contribution last."""
    g = economics.groupby(column)
    out = pd.DataFrame(
        {
            "orders": g.size(),
            "rto_rate": g["status"].agg(lambda s: float(s.eq("rto").mean())),
            "return_rate": g["status"].agg(lambda s: float(s.eq("returned").mean())),
        }
    )
    for part in ("goods_margin", "discount", "delivery", "return_leg", "payment_fee"):
        out[part] = g[part].mean()
    out["contribution"] = g["contribution"].mean()
    return out.sort_values("contribution", ascending=False)


@dataclass(frozen=True)
class UnitEconomics:
    """Contribution margin per order on the learner's data, per method and COD vs prepaid."""

    orders: pd.DataFrame = field(repr=False)
    methods: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    costs: CostAssumptions = field(repr=False, default=COSTS)

    @property
    def cod_share(self) -> float:
        """Share of orders paid cash on delivery."""
        return float(self.orders["payment"].eq("cod").mean())

    @property
    def gap(self) -> float:
        """Contribution per prepaid order minus per COD order (₹)."""
        g = self.groups["contribution"]
        return float(g["prepaid"] - g["cod"])

    def gap_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """A Welch confidence interval for :attr:`gap`: baskets differ by chance, so the gap
        between two averages of a few hundred orders is uncertain too."""
        from scipy import stats

        c = self.orders["contribution"]
        pre, cod = c[self.orders["payment"] == "prepaid"], c[self.orders["payment"] == "cod"]
        ci = stats.ttest_ind(pre, cod, equal_var=False).confidence_interval(confidence)
        return float(ci.low), float(ci.high)

    def __repr__(self) -> str:
        g = self.groups["contribution"]
        return (
            f"UnitEconomics(orders={len(self.orders)}, prepaid={format_inr(g['prepaid'], 1)}, "
            f"cod={format_inr(g['cod'], 1)} per order)"
        )

    def table(self) -> pd.DataFrame:
        """Per payment method, rounded for reading (₹ per order, rates in %)."""
        from pm_toolkit.findings import tidy_table

        money = [
            "goods_margin",
            "discount",
            "delivery",
            "return_leg",
            "payment_fee",
            "contribution",
        ]
        t = self.methods.reset_index()
        return tidy_table(t, money=money, pct=["rto_rate", "return_rate"])

    def _repr_html_(self) -> str:
        title = "Contribution margin per order, by payment method (₹ per order; costs negative)"
        return f"<p><b>{title}</b></p>" + self.table().to_html(index=False, border=0)


def unit_economics(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    products: pd.DataFrame,
    costs: CostAssumptions = COSTS,
) -> UnitEconomics:
    """:func:`order_economics` and both summaries (per method; COD vs prepaid) in one record."""
    e = order_economics(orders, order_items, products, costs)
    if set(e["payment"]) != {"cod", "prepaid"}:
        raise ValueError("unit economics compares COD with prepaid: the orders need both")
    return UnitEconomics(e, by_payment(e), by_payment(e, column="payment"), costs)


def unit_economics_finding(ue: UnitEconomics) -> Finding:
    """The sentence the lesson states: contribution per COD vs prepaid order and why."""
    g = ue.groups
    cod, pre = g.loc["cod"], g.loc["prepaid"]
    word = "less" if ue.gap > 0 else "more"
    low, high = ue.gap_interval()
    sure = (
        "an interval that excludes zero"
        if low > 0 or high < 0
        else "but the interval includes zero, so the order of the two could be chance"
    )
    text = (
        f"A COD order leaves **{format_inr(cod['contribution'])}** on average, a prepaid one "
        f"**{format_inr(pre['contribution'])}**: COD earns {format_inr(abs(ue.gap))} {word} per "
        f"order (95% interval of prepaid − COD: {format_inr(low)} to {format_inr(high)}, {sure}). "
        f"{format_pct(cod['rto_rate'])} of COD orders are refused at the door, against "
        f"{format_pct(pre['rto_rate'])} of prepaid ones, and each refusal costs two courier legs "
        f"({format_inr(ue.costs.delivery + ue.costs.return_leg)} under our assumptions)."
    )
    facts = {
        "cod_contribution": float(cod["contribution"]),
        "prepaid_contribution": float(pre["contribution"]),
        "gap": ue.gap,
        "cod_rto_rate": float(cod["rto_rate"]),
        "prepaid_rto_rate": float(pre["rto_rate"]),
        "gap_low": low,
        "gap_high": high,
    }
    return Finding(text, facts)


# ----------------------------------------------------------------------------------- decisions


def _fraction(name: str, value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} is a share between 0 and 1; got {value}")
    return float(value)


@dataclass(frozen=True)
class PrepaidNudge:
    """A discount for paying up front, offered to everyone at checkout (₹ per 100 orders)."""

    discount: float
    switch_share: float
    cod_share: float
    gap: float
    change_per_100_orders: float
    break_even_switch_share: float | None

    @property
    def pays(self) -> bool:
        return self.change_per_100_orders > 0

    def finding(self) -> Finding:
        if self.break_even_switch_share is not None:
            be = (f"it pays once more than {format_pct(self.break_even_switch_share, 0)} of COD "
                  "orders switch")  # fmt: skip
        elif self.gap <= self.discount:
            be = "no switch rate makes it pay: the discount is larger than what a switch gains"
        else:
            be = "it would not pay even if every COD order switched"
        verdict = "gains" if self.pays else "loses"
        text = (
            f"A {format_inr(self.discount)} prepaid discount with {format_pct(self.switch_share, 0)} "
            f"of COD orders switching {verdict} {format_inr(abs(self.change_per_100_orders))} per "
            f"100 orders; {be}. Prepaid shoppers who would have paid up front anyway take the "
            "discount too."
        )
        return Finding(text, {"change_per_100_orders": self.change_per_100_orders,
                              "break_even": self.break_even_switch_share})  # fmt: skip

    def _repr_markdown_(self) -> str:
        return self.finding().text


def prepaid_nudge(ue: UnitEconomics, discount: float, switch_share: float) -> PrepaidNudge:
    """What a ₹ ``discount`` for paying up front does to contribution, per 100 orders.

    Every prepaid order takes the discount; a share ``switch_share`` of COD orders switch and
    then earn what a prepaid order earns (an assumption: shoppers who choose COD may refuse
    more often whatever they pay with, so a test must confirm it). Change per order =
    ``c·s·(gap − d) − (1 − c)·d`` with ``c`` the COD share and ``gap`` prepaid − COD.
    The break-even switch share solves that for zero (``None`` if no share up to 1 reaches it).
    """
    if discount < 0:
        raise ValueError(f"discount is ₹ off and must be ≥ 0; got {discount}")
    s, c, gap = _fraction("switch_share", switch_share), ue.cod_share, ue.gap
    change = c * s * (gap - discount) - (1 - c) * discount
    be = None
    if gap > discount and c > 0:
        be = (1 - c) * discount / (c * (gap - discount))
        be = be if be <= 1 else None
    return PrepaidNudge(float(discount), s, c, gap, 100 * change, be)


@dataclass(frozen=True)
class CodFee:
    """A ₹ fee on cash-on-delivery orders, paid at the door (₹ per 100 orders)."""

    fee: float
    switch_share: float
    lost_share: float
    change_per_100_orders: float

    @property
    def pays(self) -> bool:
        return self.change_per_100_orders > 0

    def finding(self) -> Finding:
        verdict = "gains" if self.pays else "loses"
        text = (
            f"A {format_inr(self.fee)} COD fee, with {format_pct(self.switch_share, 0)} of COD "
            f"orders switching to prepaid and {format_pct(self.lost_share, 0)} lost, {verdict} "
            f"{format_inr(abs(self.change_per_100_orders))} per 100 orders."
        )
        return Finding(text, {"change_per_100_orders": self.change_per_100_orders})

    def _repr_markdown_(self) -> str:
        return self.finding().text


def cod_fee(ue: UnitEconomics, fee: float, switch_share: float, lost_share: float) -> CodFee:
    """What a ₹ ``fee`` on COD orders does to contribution, per 100 orders.

    Of the COD orders, ``switch_share`` switch to prepaid (and earn the prepaid contribution),
    ``lost_share`` are not placed at all (their COD contribution, which can be negative, goes),
    and the rest stay COD and pay the fee when cash is collected (delivered or later returned;
    a refused parcel pays nothing). Change per order =
    ``c·[(1 − s − l)·fee·paid + s·gap − l·cod]``.
    """
    if fee < 0:
        raise ValueError(f"fee is ₹ and must be ≥ 0; got {fee}")
    s, lost = _fraction("switch_share", switch_share), _fraction("lost_share", lost_share)
    if s + lost > 1:
        raise ValueError(f"switch_share + lost_share cannot exceed 1; got {s + lost:.2f}")
    cod = ue.orders[ue.orders["payment"] == "cod"]
    paid = float(cod["status"].isin(["delivered", "returned"]).mean())
    cod_contribution = float(ue.groups.loc["cod", "contribution"])
    per_cod = (1 - s - lost) * fee * paid + s * ue.gap - lost * cod_contribution
    return CodFee(float(fee), s, lost, 100 * ue.cod_share * per_cod)
