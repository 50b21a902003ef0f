"""Exercises for Lesson 2, the web-analytics metrics (``exercises/02_web_metrics.ipynb``).

Every reference is computed from the learner's own data through ``ctx``; the helpers below
prepare the same cleaned tables the notebook builds in its setup cell (duplicates and bot
sessions removed with ``pm_toolkit.collection``), so checker and learner start from one place.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pm_toolkit import metrics
from pm_toolkit.exercises import (
    Choice,
    Exercise,
    FunctionAnswer,
    Judgement,
    Number,
    Percent,
    SQLAnswer,
    WrongAnswer,
)

#: Given in the LTV prompt (an assumption, not data): margin per active buyer per month, ₹.
LTV_MARGIN = 300.0
#: Given in the LTV prompt: the cost of money per month.
LTV_DISCOUNT = 0.01
#: September → October comparison for the Simpson's-paradox question (the data world's calendar).
SIMPSON_SPLIT, SIMPSON_END = "2025-10-01", "2025-11-01"


# --------------------------------------------------------------------------- shared preparation


def clean_tables(ctx: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(human sessions, clean events): duplicates and bot sessions removed, as in the notebook."""

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        from pm_toolkit import collection

        dupes = collection.find_duplicates(ctx.load("events"))
        bots = collection.find_bots(dupes.cleaned)
        sessions = ctx.load("sessions")
        return sessions[~sessions["session_id"].isin(bots.ids)], bots.cleaned

    sessions, events = ctx.cached("metrics:clean", make)
    return sessions.copy(), events.copy()


def _orders(ctx: Any) -> pd.DataFrame:
    return ctx.load("orders")


def _sales(ctx: Any) -> pd.DataFrame:
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
    return metrics.conversion_rate(sessions, _orders(ctx), exclude_statuses=("cancelled",)).value


# --------------------------------------------------------------------------- 2 AOV


def _aov(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx)).value


def _aov_with_cancelled(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx), exclude_statuses=()).value


def _aov_gross(ctx: Any) -> float:
    return metrics.average_order_value(_orders(ctx), value="gross_value").value


def _aov_delivered_only(ctx: Any) -> float:
    o = _orders(ctx)
    return metrics.average_order_value(o[o["status"] == "delivered"]).value


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
    """Customers with 2+ non-cancelled orders ÷ customers with at least one."""
    return float(metrics.repeat_purchase_rate(orders).value)


def _repeat_counting_cancelled(orders: pd.DataFrame) -> float:
    return float(metrics.repeat_purchase_rate(orders, exclude_statuses=()).value)


def _repeat_over_orders(orders: pd.DataFrame) -> float:
    sales = orders[orders["status"] != "cancelled"]
    per = sales.groupby("customer_id").size()
    return float((per >= 2).sum() / len(sales))


def _repeat_cases(ctx: Any) -> list[tuple[pd.DataFrame]]:
    small = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6],
            "customer_id": [101, 101, 102, 103, 103, 104],
            "status": ["delivered", "returned", "delivered", "delivered", "cancelled", "rto"],
            "net_value": [499.0, 899.0, 1299.0, 250.0, 250.0, 675.0],
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


def _sept_oct_retention(ctx: Any) -> float:
    s = _sales(ctx)
    month = s["order_ts"].dt.month
    sept = set(s.loc[month == 9, "customer_id"])
    octo = set(s.loc[month == 10, "customer_id"])
    return len(sept & octo) / len(sept)


def _ltv(ctx: Any) -> float:
    return metrics.discounted_ltv(LTV_MARGIN, _sept_oct_retention(ctx), LTV_DISCOUNT)


def _ltv_include_first(ctx: Any) -> float:
    r = _sept_oct_retention(ctx)
    return metrics.discounted_ltv(LTV_MARGIN, r, LTV_DISCOUNT, include_first=True)


def _ltv_undiscounted(ctx: Any) -> float:
    r = _sept_oct_retention(ctx)
    return LTV_MARGIN * r / (1 - r)


# --------------------------------------------------------------------------- 8 Simpson's paradox

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


def _simpson_answer(ctx: Any) -> str:
    shift = simpson_table(ctx)
    if shift.mix < 0 and shift.within >= 0:
        return SIMPSON_MIX
    if (shift.table["rate_change"] < 0).all() and shift.mix >= 0:
        return SIMPSON_ALL_WORSE
    return SIMPSON_BOTH


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
            f"Count every placed order, cancelled ones too. {_PCT}"
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
                message="You left out cancelled orders; this question counts every placed order.",
            ),
        ],
        solution="conversion = sessions['session_id'].isin(orders['session_id']).mean()",
    ),
    Exercise(
        id="metrics.aov",
        title="Average order value",
        variable="aov",
        prompt=(
            "Compute the average order value (AOV) in ₹: what customers paid (`net_value`) summed over "
            "every order that was **not cancelled**, divided by the number of those orders. "
            "(₹1,234.5 and 1234.5 both work.)"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_aov,
        hints=[
            "Keep the orders whose status is not 'cancelled' first.",
            "AOV = the sum of net_value ÷ the number of orders you kept.",
        ],
        explanation="AOV is revenue per order: a ratio of two sums over the whole period.",
        wrong_answers=[
            WrongAnswer(
                value=_aov_with_cancelled,
                message="You counted cancelled orders; they never became a sale.",
            ),
            WrongAnswer(
                value=_aov_gross,
                message="You used gross_value (before discounts); AOV uses what customers paid, net_value.",
            ),
            WrongAnswer(
                value=_aov_delivered_only,
                message="You kept only delivered orders; returned and RTO orders were placed and count too "
                "(only cancelled ones are left out).",
            ),
            WrongAnswer(
                value=_aov_daily_mean,
                message="You averaged each day's AOV. Divide total revenue by total orders instead, so a "
                "busy sale day weighs more than a quiet one.",
            ),
            WrongAnswer(
                value=_revenue_per_session,
                message="That is revenue per session; AOV divides by orders.",
            ),
        ],
        solution=(
            "sales = orders[orders['status'] != 'cancelled']\n"
            "aov = sales['net_value'].sum() / len(sales)"
        ),
    ),
    Exercise(
        id="metrics.p95_load_mobile",
        title="The slow tail on mobile web",
        variable="p95_mobile",
        prompt=(
            "What is the 95th percentile (p95) of `page_load_ms` for **mobile_web** sessions, in ms? "
            "(Use pandas' `.quantile(0.95)` or numpy's `np.percentile(..., 95)`.)"
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
    ),
    Exercise(
        id="metrics.repeat_purchase_function",
        title="A repeat-purchase function",
        variable="repeat_purchase_rate",
        prompt=(
            "Write a function `repeat_purchase_rate(orders)` that returns, as a fraction, the share of "
            "buying customers with two or more orders. Cancelled orders do not count as purchases; a "
            "customer whose only orders were cancelled is not a buyer."
        ),
        kind=FunctionAnswer(
            cases=_repeat_cases,
            reference_fn=reference_repeat_purchase_rate,
            time_limit=5.0,
            show_expected=1,
            name="repeat_purchase_rate",
        ),
        hints=[
            "Drop the cancelled orders first, then count orders per customer_id.",
            "per = sales.groupby('customer_id').size(); return (per >= 2).mean()",
        ],
        explanation="Denominator: buyers, not all customers and not orders.",
        wrong_answers=[
            WrongAnswer(
                fn=_repeat_counting_cancelled,
                message="You counted cancelled orders as purchases; drop them first.",
            ),
            WrongAnswer(
                fn=_repeat_over_orders,
                message="You divided by the number of orders; divide by the number of buying customers.",
            ),
        ],
        solution=(
            "def repeat_purchase_rate(orders):\n"
            "    sales = orders[orders['status'] != 'cancelled']\n"
            "    per_customer = sales.groupby('customer_id').size()\n"
            "    return (per_customer >= 2).mean()"
        ),
    ),
    Exercise(
        id="metrics.ltv_discounted",
        title="Discounted lifetime value",
        variable="ltv",
        prompt=(
            f"Finance gives you a margin of m = ₹{LTV_MARGIN:,.0f} per active buyer per month and a "
            f"discount rate of i = {LTV_DISCOUNT:.0%} per month. Estimate monthly retention r from your "
            "data as the share of September buyers (customers with a non-cancelled order in September) "
            "who also placed a non-cancelled order in October. What is LTV = m·r / (1 + i − r), in ₹?"
        ),
        kind=Number(rel=0.002, unit="₹"),
        reference=_ltv,
        hints=[
            "r = len(september_buyers & october_buyers) / len(september_buyers), using sets of customer_id.",
            f"Then ltv = {LTV_MARGIN:g} * r / (1 + {LTV_DISCOUNT:g} - r); "
            "metrics.discounted_ltv does the same.",
        ],
        explanation="A rupee next month is worth a little less than one today; retention dominates LTV.",
        wrong_answers=[
            WrongAnswer(
                value=_ltv_include_first,
                message="You also counted this month's margin (m·(1+i)/(1+i−r)); the formula starts next month.",
            ),
            WrongAnswer(
                value=_ltv_undiscounted,
                message="You left out the discount rate: use 1 + i − r in the denominator.",
            ),
        ],
        solution=(
            "sales = orders[orders['status'] != 'cancelled']\n"
            "month = sales['order_ts'].dt.month\n"
            "sept = set(sales.loc[month == 9, 'customer_id'])\n"
            "octo = set(sales.loc[month == 10, 'customer_id'])\n"
            "r = len(sept & octo) / len(sept)\n"
            "ltv = 300 * r / (1 + 0.01 - r)"
        ),
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
                SIMPSON_MIX: "Right: each device held up or improved, but more of the traffic came from "
                "the device that converts least. The mix, not the product, moved the total.",
                SIMPSON_ALL_WORSE: "Look at the rate_change column device by device before blaming the product.",
                SIMPSON_BOTH: "Check the rate_change column: did the devices really convert worse?",
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
    ),
    Exercise(
        id="metrics.metric_for_goal",
        title="Pick the metric for the goal",
        prompt=(
            "For the Diwali sale you add a 'frequently bought together' widget at checkout, hoping to "
            "earn more from the shoppers who already come, without buying more traffic. Which metric "
            "tells you whether the widget works?"
        ),
        kind=Choice(
            {
                "Average order value (AOV)": "Yes: the widget's job is a bigger basket per order.",
                "Sessions": "More visits is traffic; the goal is more from the same traffic (and "
                "session counts are easy to inflate).",
                "Bounce rate": "Bounce is decided on the landing page, long before checkout.",
                "Repeat purchase rate": "It moves slowly and measures loyalty, not the size of this order.",
                "Page views": "A vanity count: more page views can simply mean a harder-to-use checkout.",
            }
        ),
        reference="Average order value (AOV)",
        hints=["The widget adds items to an order that is already happening."],
        explanation="Watch conversion as a guardrail: a cluttered checkout can cost orders.",
        solution="Average order value (AOV)",
    ),
    Exercise(
        id="metrics.vanity",
        title="Vanity or actionable?",
        prompt=(
            "After the sale week, a slide says: 'Page views up sharply, app downloads up 40 %, "
            "GMV at a record high.' Using the sale-week table above, say which of these are vanity "
            "metrics, and which two or three numbers you would put on the slide instead, and why."
        ),
        kind=Judgement(
            model_answer=(
                "Page views, downloads and GMV including cancelled and returned orders are vanity "
                "metrics: they rise with any traffic (bots too) and do not say what to do. I would show "
                "conversion rate per session by device, AOV, and cart abandonment or p95 page load on "
                "mobile web, each against the week before: they are rates per unit that a team can move "
                "and that link to revenue. In the table, sessions almost doubled while conversion barely "
                "changed, so the sale bought traffic, not a better funnel."
            ),
            rubric=[
                "Names page views / downloads / raw GMV as vanity (they grow with traffic and can be inflated)",
                "Proposes rates or per-unit values (conversion, AOV, abandonment, p95 load)",
                "Compares against a baseline period or by segment",
                "Says what decision the chosen numbers would inform",
            ],
        ),
        hints=["Ask of each number: if it moved, would I know what to do next?"],
        solution="See the model answer shown after you check your own.",
    ),
]
