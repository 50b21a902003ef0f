"""Unit economics per order: each status and payment method worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pm_toolkit import flywheel as fw
from pm_toolkit.flywheel.unit_economics import CostAssumptions, UnitEconomics

# One order per case: (payment, status, net value, discount, quantity, unit price, unit cost)
CASES = {
    "upi delivered": ("upi", "delivered", 950.0, 50.0, 2, 500.0, 300.0),
    "card delivered": ("card", "delivered", 1000.0, 0.0, 1, 1000.0, 600.0),
    "cod delivered": ("cod", "delivered", 500.0, 0.0, 1, 500.0, 300.0),
    "cod rto": ("cod", "rto", 500.0, 0.0, 1, 500.0, 300.0),
    "card rto": ("card", "rto", 1000.0, 0.0, 1, 1000.0, 600.0),
    "card returned": ("card", "returned", 1000.0, 0.0, 1, 1000.0, 600.0),
    "cod returned": ("cod", "returned", 500.0, 0.0, 1, 500.0, 300.0),
    "upi cancelled": ("upi", "cancelled", 800.0, 20.0, 1, 820.0, 500.0),
}
# Defaults: ₹60 a leg each way, ₹30 cash collection, card fee 1.8 %, UPI free.
BY_HAND = {
    "upi delivered": 2 * 200 - 50 - 60,  # margin, discount, one leg = 290
    "card delivered": 400 - 60 - 0.018 * 1000,  # 322
    "cod delivered": 200 - 60 - 30,  # cash collected: 110
    "cod rto": -60 - 60,  # refused: two legs, no cash, no fee
    "card rto": -60 - 60 - 18,  # the gateway keeps its fee on a refund [A]
    "card returned": -60 - 60 - 18,
    "cod returned": -60 - 60 - 30,  # cash was collected, then refunded
    "upi cancelled": 0,  # never dispatched
}


def tables(cases=CASES):
    rows = list(cases.values())
    ids = range(1, len(rows) + 1)
    orders = pd.DataFrame(
        {
            "order_id": ids,
            "payment_method": [r[0] for r in rows],
            "status": [r[1] for r in rows],
            "net_value": [r[2] for r in rows],
            "discount": [r[3] for r in rows],
        }
    )
    items = pd.DataFrame(
        {
            "order_id": ids,
            "product_id": ids,
            "quantity": [r[4] for r in rows],
            "unit_price": [r[5] for r in rows],
        }
    )
    products = pd.DataFrame({"product_id": ids, "unit_cost": [r[6] for r in rows]})
    return orders, items, products


def test_each_status_and_method_matches_the_hand_computation():
    e = fw.order_economics(*tables())
    got = dict(zip(CASES, e["contribution"], strict=True))
    assert got == pytest.approx(BY_HAND)
    parts = ["goods_margin", "discount", "delivery", "return_leg", "payment_fee"]
    assert e[parts].sum(axis=1).to_numpy() == pytest.approx(e["contribution"].to_numpy())


def test_assumptions_flow_through_and_are_checked():
    free = CostAssumptions(delivery=0, return_leg=0, cod_handling=0, fee_rate={})
    e = fw.order_economics(*tables(), costs=free)
    assert e.loc[e["status"] == "rto", "contribution"].eq(0).all()
    with pytest.raises(ValueError, match="≥ 0"):
        CostAssumptions(delivery=-1)
    with pytest.raises(ValueError, match="fee rates"):
        CostAssumptions(fee_rate={"card": 1.5})
    assert "payment fee: card" in set(fw.COSTS.table()["cost [A]"])


def test_bad_tables_get_a_message_not_a_traceback():
    orders, items, products = tables()
    with pytest.raises(ValueError, match="needs columns"):
        fw.order_economics(orders.drop(columns="status"), items, products)
    with pytest.raises(ValueError, match="unknown order status"):
        fw.order_economics(orders.assign(status="lost"), items, products)
    with pytest.raises(ValueError, match="not in products"):
        fw.order_economics(orders, items, products.iloc[:2])


def test_summaries_average_per_order_and_split_cod_from_prepaid():
    ue = fw.unit_economics(*tables())
    cod = [BY_HAND[k] for k in CASES if k.startswith("cod")]
    pre = [BY_HAND[k] for k in CASES if not k.startswith("cod")]
    assert ue.groups.loc["cod", "contribution"] == pytest.approx(sum(cod) / len(cod))
    assert ue.groups.loc["prepaid", "contribution"] == pytest.approx(sum(pre) / len(pre))
    assert ue.gap == pytest.approx(sum(pre) / len(pre) - sum(cod) / len(cod))
    assert ue.methods.loc["cod", "rto_rate"] == pytest.approx(1 / 3)
    assert ue.cod_share == pytest.approx(3 / 8)
    assert "₹" in ue._repr_html_() and "contribution" in ue.table().columns


def test_the_gap_interval_is_welchs_from_statsmodels():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    ue = fw.unit_economics(*tables())
    c = ue.orders.set_index("payment")["contribution"]
    want = CompareMeans(DescrStatsW(c["prepaid"]), DescrStatsW(c["cod"])).tconfint_diff(
        usevar="unequal"
    )
    assert ue.gap_interval() == pytest.approx(want)


def fake(cod_share: float, gap: float, cod_contribution: float, cod_paid: float) -> UnitEconomics:
    """A record with a chosen COD share, gap and COD contribution (100 orders)."""
    n_cod = round(100 * cod_share)
    n_paid = round(n_cod * cod_paid)
    status = ["delivered"] * n_paid + ["rto"] * (n_cod - n_paid) + ["delivered"] * (100 - n_cod)
    orders = pd.DataFrame(
        {
            "payment": ["cod"] * n_cod + ["prepaid"] * (100 - n_cod),
            "status": status,
            "contribution": [cod_contribution] * n_cod + [cod_contribution + gap] * (100 - n_cod),
        }
    )
    groups = pd.DataFrame(
        {"contribution": [cod_contribution, cod_contribution + gap]}, index=["cod", "prepaid"]
    )
    return UnitEconomics(orders, groups, groups)


def test_prepaid_nudge_by_hand():
    # 25 % COD, gap ₹100, ₹20 off, half of COD switches:
    # 0.25·0.5·(100 − 20) − 0.75·20 = 10 − 15 = −₹5 per order; break-even 0.75·20/(0.25·80) = 0.75
    n = fw.prepaid_nudge(fake(0.25, 100, 150, 0.9), 20, 0.5)
    assert n.change_per_100_orders == pytest.approx(-500)
    assert n.break_even_switch_share == pytest.approx(0.75) and not n.pays
    assert "loses ₹500" in n.finding().text and "75%" in n.finding().text
    assert fw.prepaid_nudge(fake(0.25, 100, 150, 0.9), 20, 0.8).pays
    # a discount above the gap never pays, whatever the switch rate
    never = fw.prepaid_nudge(fake(0.25, 10, 150, 0.9), 20, 1.0)
    assert never.break_even_switch_share is None and "larger than" in never.finding().text
    with pytest.raises(ValueError, match="share between 0 and 1"):
        fw.prepaid_nudge(fake(0.25, 100, 150, 0.9), 20, 1.5)


def test_cod_fee_by_hand():
    # 20 % COD, 80 % of them paid at the door; ₹40 fee; 30 % switch (gap ₹50), 10 % lost (COD ₹−10)
    # per COD order: 0.6·40·0.8 + 0.3·50 − 0.1·(−10) = 19.2 + 15 + 1 = 35.2; per order ×0.2 = 7.04
    f = fw.cod_fee(fake(0.20, 50, -10, 0.8), 40, 0.3, 0.1)
    assert f.change_per_100_orders == pytest.approx(704)
    assert f.pays and "gains ₹704" in f.finding().text
    with pytest.raises(ValueError, match="cannot exceed 1"):
        fw.cod_fee(fake(0.20, 50, -10, 0.8), 40, 0.7, 0.5)
