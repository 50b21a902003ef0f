"""Exercises for Lesson 2, the web-analytics metrics (``exercises/02_web_metrics.ipynb``).

Every reference is computed from the learner's own data through ``ctx``; the helpers below start
from the same cleaned tables the notebook builds (``metrics.human_traffic``), so checker and
learner start from one place. Which orders count is defined once, in
:mod:`pm_toolkit.metrics.definitions`: conversion counts placed orders, every revenue metric
counts sales (delivered and kept).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pm_toolkit import metrics
from pm_toolkit.data.scales import FESTIVE_END, FESTIVE_START
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    MemoKey,
    Number,
    Percent,
    SQLAnswer,
    WrongAnswer,
)
from pm_toolkit.metrics.definitions import NOT_A_SALE, SALE_STATUS

#: Given in the LTV prompt (an assumption, not data): the gross margin on a rupee of sales.
LTV_MARGIN_RATE = 0.30
#: Given in the LTV prompt: the cost of money per month.
LTV_DISCOUNT = 0.01
#: September → October comparison for the Simpson's-paradox question (the data world's calendar).
SIMPSON_SPLIT, SIMPSON_END = "2025-10-01", "2025-11-01"
#: Orders that were placed but brought no money, for the wrong-answer messages.
_NOT_SOLD = "cancelled, refused at the door (rto) or returned"


# --------------------------------------------------------------------------- shared preparation


def clean_tables(ctx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(human sessions, clean events): duplicates and bot sessions removed, as in the notebook."""

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        traffic = metrics.human_traffic(ctx.load("sessions"), ctx.load("events"))
        return traffic.sessions, traffic.events

    sessions, events = ctx.cached("metrics:clean", make)
    return sessions.copy(), events.copy()


def _orders(ctx: Any) -> pd.DataFrame:
    return ctx.load("orders")


def _sales(ctx: Any) -> pd.DataFrame:
    o = _orders(ctx)
    return o[o["status"] == SALE_STATUS]


def _not_cancelled(ctx: Any) -> pd.DataFrame:
    o = _orders(ctx)
    return o[o["status"] != "cancelled"]


# --------------------------------------------------------------------------- 1 conversion rate


def _conversion(ctx: Any) -> float:
    sessions, _ = clean_tables(ctx)
    return metrics.conversion_rate(sessions, _orders(ctx)).value


def _conversion_with_bots(ctx: Any) -> float:
    return metrics.conversion_rate(ctx.load("sessions"), _orders(ctx)).value


def _conversion_per_visitor(ctx: Any) -> float:
    sessions, _ = clean_tables(ctx)
    return metrics.conversion_rate(sessions, _orders(ctx), per="visitor").value


def _conversion_net(ctx: Any) -> float:
    sessions, _ = clean_tables(ctx)
    return metrics.conversion_rate(sessions, _orders(ctx), exclude_statuses=NOT_A_SALE).value


# --------------------------------------------------------------------------- 2 AOV


def _aov(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx)).value


def _aov_placed(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx), exclude_statuses=()).value


def _aov_not_cancelled(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx), exclude_statuses=("cancelled",)).value


def _aov_gross(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx), value="gross_value").value


def _aov_daily_mean(ctx: Any) -> float:
    s = _sales(ctx)
    return float(s.groupby(s["order_ts"].dt.date)["net_value"].mean().mean())


def _revenue_per_session(ctx: Any) -> float:
    sessions, _ = clean_tables(ctx)
    return float(_sales(ctx)["net_value"].sum() / len(sessions))


# --------------------------------------------------------------------------- 3 p95 page load


def _mobile_load(ctx: Any) -> pd.Series:
    sessions, _ = clean_tables(ctx)
    return sessions.loc[sessions["device"] == "mobile_web", "page_load_ms"].astype(float)


def _p95_mobile(ctx: Any) -> float:
    return float(_mobile_load(ctx).quantile(0.95))


# --------------------------------------------------------------------------- 4 bounce rate


def _bounce(ctx: Any) -> float:
    _, events = clean_tables(ctx)
    return metrics.bounce_rate(events).value


def _bounce_raw(ctx: Any) -> float:
    return metrics.bounce_rate(ctx.load("events")).value


# --------------------------------------------------------------------------- 5 cart abandonment (SQL)

CART_BY_DEVICE_SQL = """
WITH carts AS (SELECT DISTINCT session_id FROM events WHERE event_type = 'add_to_cart'),
     buys AS (SELECT DISTINCT session_id FROM events WHERE event_type = 'purchase')
SELECT s.device,
       COUNT(*) AS cart_sessions,
       1 - COUNT(b.session_id) / COUNT(*) AS abandonment_rate
FROM carts c
JOIN sessions s USING (session_id)
LEFT JOIN buys b USING (session_id)
GROUP BY s.device
"""

#: A tempting mistake: counting add-to-cart *events* (duplicates and repeat adds included).
CART_EVENTS_SQL = """
SELECT s.device,
       COUNT(*) AS cart_sessions,
       1 - COUNT(*) FILTER (WHERE e.session_id IN
           (SELECT session_id FROM events WHERE event_type = 'purchase')) / COUNT(*)
           AS abandonment_rate
FROM events e JOIN sessions s USING (session_id)
WHERE e.event_type = 'add_to_cart'
GROUP BY s.device
"""

#: Another: the share of carts that *were* bought (the complement).
CART_BOUGHT_SQL = CART_BY_DEVICE_SQL.replace(
    "1 - COUNT(b.session_id) / COUNT(*)", "COUNT(b.session_id) / COUNT(*)"
)


def _run(query: str, ctx: Any) -> pd.DataFrame | None:
    try:
        return ctx.sql(query)
    except Exception:  # the learner's query may not run at all; that is not this mistake
        return None


def _cart_counts_events(query: str, ctx: Any) -> bool:
    got = _run(query, ctx)
    if got is None or "cart_sessions" not in got.columns:
        return False
    n_events = int(
        ctx.sql("SELECT COUNT(*) AS n FROM events WHERE event_type = 'add_to_cart'")["n"][0]
    )
    return int(got["cart_sessions"].sum()) == n_events


def _cart_is_complement(query: str, ctx: Any) -> bool:
    got, want = _run(query, ctx), _run(CART_BY_DEVICE_SQL, ctx)
    if got is None or want is None or "abandonment_rate" not in got.columns:
        return False
    merged = want.merge(got, on="device", suffixes=("", "_got"))
    if len(merged) != len(want):
        return False
    return bool(
        ((merged["abandonment_rate"] + merged["abandonment_rate_got"] - 1).abs() < 1e-9).all()
    )


# --------------------------------------------------------------------------- 6 repeat purchase (function)


def reference_repeat_purchase_rate(orders: pd.DataFrame) -> float:
    """Customers with 2+ sales ÷ customers with at least one sale (sales: delivered and kept)."""
    return float(metrics.repeat_purchase_rate(orders).value)


def _repeat_not_cancelled(orders: pd.DataFrame) -> float:
    return float(metrics.repeat_purchase_rate(orders, exclude_statuses=("cancelled",)).value)


def _repeat_over_orders(orders: pd.DataFrame) -> float:
    sales = orders[orders["status"] == SALE_STATUS]
    per = sales.groupby("customer_id").size()
    return float((per >= 2).sum() / len(sales))


def _repeat_cases(ctx: Any) -> list[tuple[pd.DataFrame]]:
    small = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7],
            "customer_id": [101, 101, 102, 103, 103, 104, 104],
            "status": [
                "delivered",
                "returned",
                "delivered",
                "delivered",
                "delivered",
                "rto",
                "delivered",
            ],
            "net_value": [499.0, 899.0, 1299.0, 250.0, 250.0, 675.0, 320.0],
        }
    )
    loyal = pd.DataFrame(
        {
            "order_id": [11, 12, 13, 14, 15],
            "customer_id": [201, 201, 201, 202, 202],
            "status": ["delivered", "delivered", "cancelled", "cancelled", "delivered"],
            "net_value": [120.0, 80.0, 60.0, 300.0, 310.0],
        }
    )
    return [(small,), (loyal,), (ctx.load("orders"),)]


# --------------------------------------------------------------------------- 7 discounted LTV


def ltv_inputs(sales: pd.DataFrame) -> tuple[float, float]:
    """(m, r): September margin per September buyer, and the share of them back in October."""
    month = sales["order_ts"].dt.month
    sept_sales = sales[month == 9]
    sept = set(sept_sales["customer_id"])
    octo = set(sales.loc[month == 10, "customer_id"])
    m = LTV_MARGIN_RATE * sept_sales["net_value"].sum() / len(sept)
    return float(m), len(sept & octo) / len(sept)


def _ltv(ctx: Any) -> float:
    return metrics.discounted_ltv(*ltv_inputs(_sales(ctx)), LTV_DISCOUNT)


def _ltv_not_cancelled(ctx: Any) -> float:
    return metrics.discounted_ltv(*ltv_inputs(_not_cancelled(ctx)), LTV_DISCOUNT)


def _ltv_include_first(ctx: Any) -> float:
    return metrics.discounted_ltv(*ltv_inputs(_sales(ctx)), LTV_DISCOUNT, include_first=True)


def _ltv_undiscounted(ctx: Any) -> float:
    m, r = ltv_inputs(_sales(ctx))
    return m * r / (1 - r)


def _ltv_revenue_not_margin(ctx: Any) -> float:
    m, r = ltv_inputs(_sales(ctx))
    return metrics.discounted_ltv(m / LTV_MARGIN_RATE, r, LTV_DISCOUNT)


# --------------------------------------------------------------------------- 8 which device to fix

DEVICE_OPTIONS = {"mobile_web": "Mobile web", "app": "App", "desktop": "Desktop"}


def orders_gained_by_device(ctx: Any) -> pd.Series:
    """Extra orders if each device closed half its conversion gap to the best device."""
    sessions, _ = clean_tables(ctx)
    t = metrics.breakdown(sessions, _orders(ctx), "device")
    gap = t["conversion_rate"].max() - t["conversion_rate"]
    return (t["sessions"] * gap / 2).rename("orders_gained")


def _device_to_fix(ctx: Any) -> str:
    return DEVICE_OPTIONS[str(orders_gained_by_device(ctx).idxmax())]


# --------------------------------------------------------------------------- 9 Simpson's paradox

SIMPSON_MIX = (
    "Traffic moved towards mobile web, which converts less; device by device, conversion "
    "held up or improved"
)
SIMPSON_ALL_WORSE = "Every device converted worse in October, so the product got worse"
SIMPSON_BOTH = "Devices converted worse and traffic also moved towards mobile web"
SIMPSON_FEWER = "October had fewer sessions, so conversion had to fall"


def simpson_table(ctx: Any) -> metrics.MixShift:
    """September vs October conversion by device on the learner's cleaned sessions."""
    sessions, _ = clean_tables(ctx)
    end = pd.Timestamp(SIMPSON_END, tz=sessions["start_ts"].dt.tz)
    return metrics.mix_shift(
        sessions[sessions["start_ts"] < end], _orders(ctx), "device", SIMPSON_SPLIT
    )


def simpson_reading(shift: metrics.MixShift) -> str:
    """The option that the table supports (shared by the checker and the solution)."""
    if shift.mix < 0 and (shift.table["rate_change"] >= 0).all():
        return SIMPSON_MIX
    if (shift.table["rate_change"] < 0).all() and shift.mix >= 0:
        return SIMPSON_ALL_WORSE
    return SIMPSON_BOTH


def _simpson_answer(ctx: Any) -> str:
    return simpson_reading(simpson_table(ctx))


# --------------------------------------------------------------------------- 10 the cost of 100 ms

LOAD_LESS = "Less than it looks: the raw estimate mixes in the slow device's other handicaps"
LOAD_SAME = "About what it looks: device and city tier change the estimate little"
LOAD_MORE = "More than it looks: comparing like with like makes speed matter more"


def load_cost_reading(naive: metrics.LoadTimeEffect, fair: metrics.LoadTimeEffect) -> str:
    """Whether the naive k sits above, inside or below the adjusted k's 95 % interval."""
    if naive.k_per_s > fair.ci_high:
        return LOAD_LESS
    if naive.k_per_s < fair.ci_low:
        return LOAD_MORE
    return LOAD_SAME


def _load_cost(ctx: Any) -> str:
    sessions, _ = clean_tables(ctx)
    naive = metrics.load_time_sensitivity(sessions, _orders(ctx))
    fair = metrics.load_time_sensitivity(sessions, _orders(ctx), adjust_for=("device", "city_tier"))
    return load_cost_reading(naive, fair)


# --------------------------------------------------------------------------- 11 funnel table


def _funnel_table(ctx: Any) -> pd.DataFrame:
    _, events = clean_tables(ctx)
    t = metrics.funnel(events).table
    return pd.DataFrame(
        {"step": list(t.index), "sessions": t["sessions"].to_numpy(), "step_rate": t["step_rate"]}
    ).reset_index(drop=True)


def _frame_matches(got: Any, want: pd.DataFrame, column: str) -> bool:
    if not isinstance(got, pd.DataFrame) or column not in got.columns or len(got) != len(want):
        return False
    try:
        mine = pd.to_numeric(got[column], errors="coerce").to_numpy(dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(abs(mine - want[column].to_numpy(dtype=float)).max() < 1e-6)


def _event_counts(ctx: Any) -> pd.DataFrame:
    _, events = clean_tables(ctx)
    n = events["event_type"].value_counts().reindex(list(metrics.FUNNEL_STEPS)).to_numpy()
    rate = n / pd.Series(n).shift(1).fillna(n[0]).to_numpy()
    return pd.DataFrame({"step": list(metrics.FUNNEL_STEPS), "sessions": n, "step_rate": rate})


# --------------------------------------------------------------------------- 12 GA4 bounce


def _ga4_bounce(ctx: Any) -> float:
    _, events = clean_tables(ctx)
    return metrics.ga4_bounce_rate(events).value


# --------------------------------------------------------------------------- 13 the sale-week memo

MEMO_TRAFFIC = "The sale bought traffic; the funnel did not get better"
MEMO_FUNNEL = "The sale made the funnel better: conversion per session rose"
MEMO_GMV = "The record GMV proves the sale worked; no other number is needed"
MEMO_NOISE = "The change in conversion per session is within the noise (its interval includes 0)"
MEMO_EVIDENCE = {
    "Page views and app downloads grow with any traffic, bots included": (True, ""),
    "Conversion per session compares like with like across the two weeks": (True, ""),
    "GMV that counts cancelled, refused (RTO) and returned orders overstates sales": (True, ""),
    MEMO_NOISE: (
        False,
        "Look at the 95 % interval of the conversion change in the table's sentence.",
    ),
    "More sessions means the checkout got easier": (
        False,
        "Sessions count visits; whether a visit ends in an order is the conversion rate.",
    ),
    "A record GMV shows customers liked the shopping experience": (
        False,
        "GMV grows with traffic and discounts; it says nothing about each visit.",
    ),
}
MEMO_SESSIONS = "change in sessions, sale week vs week before"
MEMO_CONVERSION = "conversion per session in the sale week"


def sale_week_result(ctx: Any) -> metrics.story.SaleWeek:
    """The sale week against the week before, on the learner's cleaned tables."""
    sessions, events = clean_tables(ctx)
    return metrics.story.sale_week(sessions, events, _orders(ctx), FESTIVE_START, FESTIVE_END)


def memo_key(week: metrics.story.SaleWeek) -> MemoKey:
    """The structured part's right answers for one learner's sale week."""
    call = MEMO_FUNNEL if week.verdict == "significantly higher" else MEMO_TRAFFIC
    evidence = {k for k, (belongs, _) in MEMO_EVIDENCE.items() if belongs}
    if week.verdict == "not significantly different":
        evidence.add(MEMO_NOISE)
    return MemoKey(
        call=call,
        numbers={MEMO_SESSIONS: week.sessions_growth, MEMO_CONVERSION: week.conversion_sale},
        evidence=frozenset(evidence),
    )


def _memo_reference(ctx: Any) -> MemoKey:
    return memo_key(sale_week_result(ctx))


def memo_text(week: metrics.story.SaleWeek) -> str:
    """The model memo, assembled from the learner's numbers."""
    call = memo_key(week).call
    return (
        f"{call}. {week.finding.text} Page views, app downloads and a GMV that counts every "
        "placed order are vanity numbers: they rise with any traffic, bots included, and GMV "
        "also counts orders that were cancelled, refused at the door or returned. On the slide "
        "I would put conversion per session by device, AOV of sales and cart abandonment, each "
        "against the week before, and decide from them where to work next (for a mobile-first "
        "crowd, the mobile-web checkout)."
    )


def _memo_model(ctx: Any) -> str:
    return memo_text(sale_week_result(ctx))


# --------------------------------------------------------------------------- the exercises

_PCT = Percent().forms_sentence()

EXERCISES = [
    Exercise(
        id="metrics.conversion_rate",
        title="Conversion rate per session",
        variable="conversion",
        prompt=(
            "Using `sessions` (bots already removed in the setup cell) and `orders`, compute the "
            "conversion rate **per session**: the share of sessions that placed at least one order. "
            f"Count every placed order, whatever its status. {_PCT}"
        ),
        kind=Percent(rel=0.003),
        reference=_conversion,
        hints=[
            "A session converted if its session_id appears in orders.",
            "sessions['session_id'].isin(orders['session_id']) gives True/False per session; "
            "the mean of True/False is the share of True.",
        ],
        explanation=(
            "Conversion per session = converting sessions ÷ sessions. It is the rate a checkout "
            "team moves with UX changes; always say it is per session."
        ),
        wrong_answers=[
            WrongAnswer(
                value=_conversion_per_visitor,
                message="That is conversion per visitor (people); the question asks per session (visits).",
            ),
            WrongAnswer(
                value=_conversion_with_bots,
                message="Your denominator still includes the bot sessions: use the cleaned `sessions`.",
            ),
            WrongAnswer(
                value=_conversion_net,
                message="You counted only sessions whose order became a sale; conversion counts "
                "every placed order (what happens to the parcel later is fulfilment).",
            ),
        ],
        solution="conversion = sessions['session_id'].isin(orders['session_id']).mean()",
        tags=["compute"],
    ),
    Exercise(
        id="metrics.aov",
        title="Average order value of sales",
        variable="aov",
        prompt=(
            "Compute the average order value (AOV) in ₹, the way finance books it: what customers "
            "paid (`net_value`) summed over **sales** (orders with status `'delivered'`: delivered "
            "and kept), divided by the number of sales. (₹1,234.5 and 1234.5 both work.)"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_aov,
        hints=[
            "Keep the orders whose status is 'delivered' first.",
            "AOV = the sum of net_value ÷ the number of orders you kept.",
        ],
        explanation="AOV is revenue per sale: a ratio of two sums over the whole period.",
        wrong_answers=[
            WrongAnswer(
                value=_aov_not_cancelled,
                message="You kept RTO and returned orders: a parcel refused at the door or "
                "refunded brought no money. Keep only delivered orders.",
            ),
            WrongAnswer(
                value=_aov_placed,
                message=f"You counted every placed order; orders {_NOT_SOLD} are not sales.",
            ),
            WrongAnswer(
                value=_aov_gross,
                message="You used gross_value (before discounts); AOV uses what customers paid, net_value.",
            ),
            WrongAnswer(
                value=_aov_daily_mean,
                message="You averaged each day's AOV. Divide total revenue by total sales instead, "
                "so a busy sale day weighs more than a quiet one.",
            ),
            WrongAnswer(
                value=_revenue_per_session,
                message="That is revenue per session; AOV divides by sales.",
            ),
        ],
        solution=(
            "sales = orders[orders['status'] == 'delivered']\n"
            "aov = sales['net_value'].sum() / len(sales)"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.p95_load_mobile",
        title="The slow tail on mobile web",
        variable="p95_mobile",
        prompt=(
            "What is the 95th percentile (p95) of `page_load_ms` for **mobile_web** sessions, in ms? "
            "(The value 95 % of sessions stay under; pandas and numpy interpolate linearly, use that.)"
        ),
        kind=Number(abs=1.0, unit="ms"),
        reference=_p95_mobile,
        hints=[
            "Filter sessions to device == 'mobile_web' first.",
            "sessions.loc[sessions['device'] == 'mobile_web', 'page_load_ms'].quantile(0.95)",
        ],
        explanation="1 in 20 mobile-web sessions waits longer than this; the mean hides them.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: float(_mobile_load(ctx).mean()),
                message="That is the mean; the question asks for the 95th percentile.",
            ),
            WrongAnswer(
                value=lambda ctx: float(_mobile_load(ctx).median()),
                message="That is the median (p50); the question asks for the 95th percentile.",
            ),
            WrongAnswer(
                value=lambda ctx: float(clean_tables(ctx)[0]["page_load_ms"].quantile(0.95)),
                message="That is the p95 of all devices; keep only mobile_web sessions.",
            ),
        ],
        solution=(
            "p95_mobile = sessions.loc[sessions['device'] == 'mobile_web', 'page_load_ms'].quantile(0.95)"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.bounce_rate",
        title="Bounce rate",
        variable="bounce",
        prompt=(
            "Using the cleaned `events`, compute the bounce rate with the single-page definition: the "
            f"share of sessions that have exactly one event. {_PCT}"
        ),
        kind=Percent(rel=0.003),
        reference=_bounce,
        hints=[
            "Count events per session with events.groupby('session_id').size().",
            "Then the share of sessions whose count equals 1: (counts == 1).mean().",
        ],
        explanation="Bounce = single-page sessions ÷ sessions (the Universal Analytics definition; GA4 differs).",
        wrong_answers=[
            WrongAnswer(
                value=_bounce_raw,
                message="You used the raw events: bot sessions are still in the denominator.",
            ),
            WrongAnswer(
                value=lambda ctx: 1 - _bounce(ctx),
                message="That is the share of sessions that did NOT bounce.",
            ),
        ],
        solution="bounce = (events.groupby('session_id').size() == 1).mean()",
        tags=["compute"],
    ),
    Exercise(
        id="metrics.cart_abandonment_sql",
        title="Cart abandonment by device (SQL)",
        variable="query",
        prompt=(
            "Write one SQL query over the tables `events` and `sessions` that returns one row per "
            "device with three columns: `device`, `cart_sessions` (sessions with at least one "
            "add_to_cart event) and `abandonment_rate` (the share of those sessions with no purchase "
            "event, as a fraction between 0 and 1). Any row order is fine."
        ),
        kind=SQLAnswer(ignore_order=True),
        reference=CART_BY_DEVICE_SQL,
        hints=[
            "First find the distinct session_ids with an add_to_cart event, and those with a purchase.",
            "Join the cart sessions to sessions (for device) and LEFT JOIN the purchase sessions; "
            "COUNT(b.session_id) counts only the matches.",
            "abandonment_rate = 1 - COUNT(b.session_id) / COUNT(*), grouped by device.",
        ],
        explanation=(
            "Counting sessions, not events, keeps duplicated clicks and repeat adds out of the rate."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=_cart_counts_events,
                example=CART_EVENTS_SQL,
                message="You counted add_to_cart events, not sessions: use DISTINCT session_id.",
            ),
            WrongAnswer(
                predicate=_cart_is_complement,
                example=CART_BOUGHT_SQL,
                message="That is the share of carts that were bought; abandonment is 1 minus it.",
            ),
        ],
        solution=CART_BY_DEVICE_SQL.strip(),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.repeat_purchase_function",
        title="A repeat-purchase function",
        variable="repeat_purchase_rate",
        prompt=(
            "Write a function `repeat_purchase_rate(orders)` that returns, as a fraction, the share of "
            "buying customers with two or more purchases. A purchase is a **sale**: an order with "
            "status `'delivered'`. Orders cancelled, refused at the door (`'rto'`) or returned are "
            "not purchases, and a customer with no sale is not a buyer."
        ),
        kind=FunctionAnswer(
            cases=_repeat_cases,
            reference_fn=reference_repeat_purchase_rate,
            time_limit=5.0,
            show_expected=1,
            name="repeat_purchase_rate",
        ),
        hints=[
            "Keep the delivered orders first, then count orders per customer_id.",
            "per = sales.groupby('customer_id').size(); return (per >= 2).mean()",
        ],
        explanation="Denominator: buyers, not all customers and not orders.",
        wrong_answers=[
            WrongAnswer(
                fn=_repeat_not_cancelled,
                message="You counted RTO and returned orders as purchases; keep only delivered ones.",
            ),
            WrongAnswer(
                fn=_repeat_over_orders,
                message="You divided by the number of sales; divide by the number of buying customers.",
            ),
        ],
        solution=(
            "def repeat_purchase_rate(orders):\n"
            "    sales = orders[orders['status'] == 'delivered']\n"
            "    per_customer = sales.groupby('customer_id').size()\n"
            "    return (per_customer >= 2).mean()"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.ltv_discounted",
        title="Discounted lifetime value",
        variable="ltv",
        prompt=(
            f"Finance gives you a gross margin of {LTV_MARGIN_RATE:.0%} of sales and a discount "
            f"rate of i = {LTV_DISCOUNT:.0%} per month. From your sales (orders with status "
            "'delivered'), take the September buyers (customers with a sale in September) and "
            f"estimate the margin per buyer per month m = {LTV_MARGIN_RATE:.0%} × September "
            "net_value ÷ September buyers, and monthly retention r = the share of September "
            "buyers who also had a sale in October. What is LTV = m·r / (1 + i − r), in ₹?"
        ),
        kind=Number(rel=0.002, unit="₹"),
        reference=_ltv,
        hints=[
            "r = len(september_buyers & october_buyers) / len(september_buyers), using sets of customer_id.",
            f"m = {LTV_MARGIN_RATE:g} * september_sales['net_value'].sum() / len(september_buyers); "
            f"then ltv = m * r / (1 + {LTV_DISCOUNT:g} - r) (metrics.discounted_ltv does the same).",
        ],
        explanation="A rupee next month is worth a little less than one today; retention dominates LTV.",
        wrong_answers=[
            WrongAnswer(
                value=_ltv_not_cancelled,
                message="Your buyers include orders refused at the door or returned; a buyer has a sale.",
            ),
            WrongAnswer(
                value=_ltv_include_first,
                message="You also counted this month's margin (m·(1+i)/(1+i−r)); the formula starts next month.",
            ),
            WrongAnswer(
                value=_ltv_undiscounted,
                message="You left out the discount rate: use 1 + i − r in the denominator.",
            ),
            WrongAnswer(
                value=_ltv_revenue_not_margin,
                message=f"You used revenue per buyer as m; LTV counts margin: {LTV_MARGIN_RATE:.0%} of it.",
            ),
        ],
        solution=(
            "sales = orders[orders['status'] == 'delivered']\n"
            "month = sales['order_ts'].dt.month\n"
            "sept = set(sales.loc[month == 9, 'customer_id'])\n"
            "octo = set(sales.loc[month == 10, 'customer_id'])\n"
            "m = 0.30 * sales.loc[month == 9, 'net_value'].sum() / len(sept)\n"
            "r = len(sept & octo) / len(sept)\n"
            "ltv = m * r / (1 + 0.01 - r)"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.device_to_fix",
        title="Which checkout to fix first",
        variable="device_to_fix",
        prompt=(
            "The checkout team can work on one device this quarter, and expects the work to close "
            "**half** of that device's conversion gap to the best-converting device. From the "
            "cleaned `sessions` and `orders` (the whole period, every placed order), compute for "
            "each device: sessions × (best device's conversion − its conversion) ÷ 2, the extra "
            "orders it would bring. Which device should the team pick?"
        ),
        kind=Choice(
            {
                label: "Compare the extra orders, not the rates alone: a small gap on a big "
                "device can beat a big gap on a small one, and the best device gains nothing."
                for label in DEVICE_OPTIONS.values()
            }
        ),
        reference=_device_to_fix,
        hints=[
            "metrics.breakdown(sessions, orders, 'device') gives sessions and conversion_rate per device.",
            "gap = t['conversion_rate'].max() - t['conversion_rate']; (t['sessions'] * gap / 2).idxmax()",
        ],
        explanation="Size of the prize = traffic × the gap you can close: the biggest segment usually wins.",
        solution="Compute t['sessions'] * (t['conversion_rate'].max() - t['conversion_rate']) / 2 "
        "and pick the device with the largest value.",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="metrics.simpson",
        title="Read the segment table",
        prompt=(
            "The table above compares September with October, device by device, on your data. "
            "Overall conversion moved; which explanation does the table support?"
        ),
        kind=Choice(
            {
                SIMPSON_MIX: "This reading needs every device's rate to hold up while the share of "
                "the lowest-converting device grows.",
                SIMPSON_ALL_WORSE: "This reading needs every rate_change below zero and no shift "
                "towards a weaker device: check both columns.",
                SIMPSON_BOTH: "This reading needs some devices to convert worse: check the "
                "rate_change column device by device.",
                SIMPSON_FEWER: "A rate does not fall just because there are fewer sessions; and look at "
                "the session counts again.",
            }
        ),
        reference=_simpson_answer,
        hints=[
            "Compare rate_before and rate_after for each device, then share_before and share_after.",
            "If every row improves but the total falls, the weights (shares) must have moved.",
        ],
        explanation="This is Simpson's paradox: check the mix before reading a change in a total.",
        solution="Read rate_change per device and the shift in share_after vs share_before.",
        tags=["decide"],
    ),
    Exercise(
        id="metrics.load_cost",
        title="What does 100 ms really cost?",
        variable="load_cost",
        prompt=(
            "Estimate how fast conversion decays with page-load time twice on the cleaned "
            "`sessions` and `orders`: once over all sessions, and once comparing sessions on the "
            "same device and city tier. Does an extra 100 ms cost as much conversion as the raw "
            "estimate says?"
        ),
        kind=Choice(
            {
                LOAD_LESS: "This holds when the raw k lies above the adjusted 95 % interval.",
                LOAD_SAME: "This holds when the raw k lies inside the adjusted 95 % interval.",
                LOAD_MORE: "This holds when the raw k lies below the adjusted 95 % interval.",
            }
        ),
        reference=_load_cost,
        hints=[
            "metrics.load_time_sensitivity(sessions, orders) gives the raw k with its interval.",
            "Add adjust_for=('device', 'city_tier') for the like-with-like k, then compare the raw "
            "k_per_s with the adjusted ci_low and ci_high.",
        ],
        explanation="A slow segment that converts less for other reasons inflates the raw speed effect.",
        solution=(
            "naive = metrics.load_time_sensitivity(sessions, orders)\n"
            "fair = metrics.load_time_sensitivity(sessions, orders, adjust_for=('device', 'city_tier'))\n"
            "# compare naive.k_per_s with fair.ci_low and fair.ci_high"
        ),
        tags=["compute", "decide"],
    ),
    Exercise(
        id="metrics.funnel_table",
        title="The funnel report, by hand",
        variable="funnel_table",
        prompt=(
            "Build the funnel report Mixpanel or Amplitude would show, from the cleaned `events`: a "
            "DataFrame with one row per step, in order (`page_view`, `product_view`, "
            "`add_to_cart`, `begin_checkout`, `purchase`) and three columns: `step`, `sessions` "
            "(sessions that reached this step **and every earlier one**: a closed funnel) and "
            "`step_rate` (those sessions ÷ the previous row's sessions, as a fraction; 1.0 for "
            "`page_view`)."
        ),
        kind=DataFrameAnswer(ignore_order=False, rtol=1e-6),
        reference=_funnel_table,
        hints=[
            "pd.crosstab(events['session_id'], events['event_type']) > 0 says which steps each "
            "session reached; a closed funnel needs every earlier step too (cumulative AND).",
            "metrics.funnel(events).table has the sessions and step rates; reset the index into a "
            "'step' column.",
        ],
        explanation="A closed funnel never grows from one step to the next; an open one can.",
        wrong_answers=[
            WrongAnswer(
                predicate=lambda got, ctx: _frame_matches(got, _event_counts(ctx), "sessions"),
                example=_event_counts,
                message="You counted events, not sessions: repeat views and retried clicks count "
                "many times. Count sessions.",
            ),
        ],
        solution=(
            "t = metrics.funnel(events).table\n"
            "funnel_table = pd.DataFrame({'step': t.index, 'sessions': t['sessions'].values,\n"
            "                             'step_rate': t['step_rate'].values})"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.ga4_bounce",
        title="Bounce the way Google Analytics 4 counts it",
        variable="ga4_bounce",
        prompt=(
            "GA4 calls a session **engaged** when it lasted longer than 10 seconds, or had a "
            "purchase, or had at least two page views; its bounce rate is the share of sessions "
            "that were not engaged. On the cleaned `events`, a session's length is its last "
            "event's `ts` minus its first, and a page view is a `page_view` event (Bazaar's product "
            "pages send `product_view`, which GA4 does not count as a view). What is the GA4 "
            f"bounce rate? {_PCT}"
        ),
        kind=Percent(rel=0.003),
        reference=_ga4_bounce,
        hints=[
            "Group events by session_id: first and last ts, number of page_view events, any purchase.",
            "engaged = (last - first > 10 s) | purchase | (page views >= 2); bounce = share not "
            "engaged. metrics.ga4_bounce_rate(events) does the same.",
        ],
        explanation="Same sessions, two definitions, two numbers: always say which bounce you report.",
        wrong_answers=[
            WrongAnswer(
                value=_bounce,
                message="That is the single-page (Universal Analytics) bounce; GA4's rule looks at "
                "time, purchases and page views.",
            ),
            WrongAnswer(
                value=lambda ctx: 1 - _ga4_bounce(ctx),
                message="That is GA4's engagement rate, the share of sessions that were engaged.",
            ),
        ],
        solution=(
            "g = events.assign(pv=events['event_type'].eq('page_view'),\n"
            "                  buy=events['event_type'].eq('purchase')).groupby('session_id')\n"
            "s = g.agg(first=('ts', 'min'), last=('ts', 'max'), pv=('pv', 'sum'), buy=('buy', 'any'))\n"
            "engaged = ((s['last'] - s['first']).dt.total_seconds() > 10) | s['buy'] | (s['pv'] >= 2)\n"
            "ga4_bounce = 1 - engaged.mean()"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="metrics.sale_week_memo",
        title="Memo: what did the sale week do?",
        prompt=(
            "After the sale week a slide says: 'Page views up sharply, app downloads up 40 %, GMV "
            "at a record high.' Using the sale-week table above (your data), write a short memo to "
            "the category head: make the call, tick the points that belong, give two numbers from "
            "your data (the change in sessions and the sale-week conversion per session, "
            "both as %), then explain in a few sentences which numbers belong on the slide."
        ),
        kind=Judgement(
            model_answer=_memo_model,
            rubric=[
                "Makes a call on the funnel, not on the traffic",
                "Names page views / downloads / raw GMV as vanity (they grow with traffic and can be inflated)",
                "Quotes conversion per session against the week before, with its uncertainty",
                "Proposes rates or per-unit values (conversion, AOV of sales, abandonment) for the slide",
                "Says what decision the chosen numbers would inform",
            ],
            calls={
                MEMO_TRAFFIC: "Check the conversion change and its interval: did it rise clearly?",
                MEMO_FUNNEL: "Check the conversion change and its interval: is it clearly above 0?",
                MEMO_GMV: "GMV grows with any traffic and counts orders that never became sales.",
            },
            evidence=MEMO_EVIDENCE,
            numbers={MEMO_SESSIONS: Percent(abs=0.01), MEMO_CONVERSION: Percent(abs=0.0005)},
        ),
        reference=_memo_reference,
        hints=["Ask of each number: if it moved, would I know what to do next?"],
        solution="See the model answer shown after you make the call and write your memo.",
        tags=["judgement"],
    ),
]
