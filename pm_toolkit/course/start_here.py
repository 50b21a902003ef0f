"""Exercises for ``lessons/00_start_here.ipynb``: one of each answer kind, on the learner's data.

Most exercises compute from the learner's own Bazaar tables (``orders``, ``sessions``), so two
learners get different answers; a few warm-ups (three orders in the prompt, a discount
function, a funnel, guardrails) need no data. AOV and conversion follow ``pm_toolkit.metrics``
(the course's one definition of each, the one lesson 02 teaches), and the words that say
which orders count are asked of that function, so lesson and metric never drift apart.

Sentences about the data come from functions returning a ``Finding`` (``your_shop``,
``device_gaps(...).finding``); ``tests/test_truth_start_here.py`` checks them for several
learners against an independent computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pm_toolkit import metrics
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    MemoKey,
    MultiChoice,
    Number,
    Ordering,
    Percent,
    SQLAnswer,
    WrongAnswer,
)
from pm_toolkit.findings import Finding
from pm_toolkit.formatting import format_inr, format_pct

#: The three orders of the warm-up (₹), kept here so prompt and checker agree.
FIRST_ORDERS = (450.0, 1200.0, 850.0)
_FIRST_ORDERS_TEXT = [f"₹{x:,.0f}" for x in FIRST_ORDERS]
STATUSES = ("delivered", "returned", "rto", "cancelled")
#: How the payment-method codes of the data read in words.
PAYMENT_NAMES = {
    "upi": "UPI",
    "cod": "Cash on delivery (COD)",
    "card": "Card",
    "wallet": "Wallet",
    "netbanking": "Net banking",
}
DEVICE_NAMES = {"mobile_web": "mobile web", "app": "the app", "desktop": "desktop"}
FAILED = ("cancelled", "rto")  # orders that never reached the customer for good


# -- which orders count: asked of metrics itself ---------------------------------------------------
def not_sales() -> tuple[str, ...]:
    """The order statuses ``metrics.average_order_value`` leaves out, found by asking it.

    One probe order per status, worth 1, 10, 100 and 1,000 rupees: the revenue it counts says
    which ones it kept. So this lesson's words follow the course's definition wherever it is set.

    >>> "cancelled" in not_sales()
    True
    """
    n = len(STATUSES)
    values = [10.0**k for k in range(n)]
    probe = pd.DataFrame(
        {
            "order_id": range(n),
            "customer_id": range(n),
            "session_id": range(n),
            "order_ts": pd.Timestamp("2025-01-01", tz="Asia/Kolkata"),
            "payment_method": "upi",
            "gross_value": values,
            "discount": 0.0,
            "net_value": values,
            "status": list(STATUSES),
        }
    )
    kept = round(metrics.average_order_value(probe).numerator)
    return tuple(s for k, s in enumerate(STATUSES) if not (kept // 10**k) % 10)


def _codes(statuses: tuple[str, ...]) -> str:
    names = [f"`{s}`" for s in statuses]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def sales(orders: pd.DataFrame) -> pd.DataFrame:
    """The orders that count as sales (the same ones as the AOV of ``pm_toolkit.metrics``)."""
    return orders[~orders["status"].isin(not_sales())]


# -- the first widget ----------------------------------------------------------------------------
@dataclass(frozen=True)
class OrderSummary:
    """What a customer pays for ``quantity`` items at ``mrp`` with ``discount_pct`` off."""

    mrp: float
    discount_pct: float
    quantity: int

    @property
    def price(self) -> float:
        return round(self.mrp * (1 - self.discount_pct / 100), 2)

    @property
    def total(self) -> float:
        return round(self.price * self.quantity, 2)

    @property
    def given_away(self) -> float:
        return round((self.mrp - self.price) * self.quantity, 2)

    def _repr_markdown_(self) -> str:
        return (
            f"Price after {self.discount_pct:g}% off: **{format_inr(self.price, 2)}** each · "
            f"Order total for {self.quantity}: **{format_inr(self.total, 2)}** · "
            f"Discount given: {format_inr(self.given_away, 2)}"
        )

    def __repr__(self) -> str:
        return self._repr_markdown_().replace("**", "")


def order_summary(mrp: float, discount_pct: float, quantity: int) -> OrderSummary:
    """The first widget's calculation: price after discount, order total, discount given.

    >>> order_summary(1000, 10, 3).total
    2700.0
    """
    return OrderSummary(mrp, discount_pct, quantity)


# -- sentences about the learner's data -------------------------------------------------------------
def your_shop(orders: pd.DataFrame, sessions: pd.DataFrame) -> Finding:
    """What the learner's Bazaar holds, in one sentence.

    >>> o = pd.DataFrame({"order_id": [1, 2], "payment_method": ["upi", "cod"],
    ...                   "order_ts": pd.to_datetime(["2025-01-01", "2025-01-30"])})
    >>> s = pd.DataFrame({"session_id": range(5)})
    >>> your_shop(o, s).facts["orders"]
    2
    """
    days = int((orders["order_ts"].max() - orders["order_ts"].min()).days) + 1
    top = orders["payment_method"].value_counts().idxmax()
    share = float((orders["payment_method"] == top).mean())
    facts = {"orders": len(orders), "sessions": len(sessions), "days": days, "top_method": top}
    text = (
        f"Your Bazaar has **{len(orders):,} orders** from **{len(sessions):,} sessions** over "
        f"{days} days. The most used way to pay is {PAYMENT_NAMES.get(top, top)} "
        f"({format_pct(share, 0)} of orders)."
    )
    return Finding(text, facts | {"top_share": share})


@dataclass(frozen=True)
class DeviceGaps:
    """Conversion per device and the orders each device would gain at the best device's rate.

    ``table``: one row per device (``sessions``, ``conversion``, ``orders_at_best``, the
    orders a device would add if it converted like the best one). ``fix_first``: the device
    where that gain is largest.
    """

    table: pd.DataFrame
    fix_first: str
    best: str

    @property
    def finding(self) -> Finding:
        t = self.table
        first, best = self.fix_first, self.best
        half = 0.5 * float(t.loc[first, "orders_at_best"])
        text = (
            f"Fix {DEVICE_NAMES.get(first, first)} first: it carries "
            f"{format_pct(t.loc[first, 'share'], 0)} of sessions but converts "
            f"{format_pct(t.loc[first, 'conversion'], 2)} of them, against "
            f"{format_pct(t.loc[best, 'conversion'], 2)} on {DEVICE_NAMES.get(best, best)}. "
            f"Closing half that gap would add about {half:,.0f} orders over these "
            "sessions. The gap does not prove the checkout is to blame (phone shoppers browse "
            "more and often buy later on another device), so I would test a new checkout on "
            "half the traffic first and watch returns and page-load time as guardrails."
        )
        facts = {
            "fix_first": first,
            "best": best,
            "conversion": t["conversion"].to_dict(),
            "half_gap_orders": half,
        }
        return Finding(text, facts)


def device_gaps(sessions: pd.DataFrame, orders: pd.DataFrame) -> DeviceGaps:
    """Per device: sessions, conversion per session, and the orders at the best device's rate."""
    converted = sessions["session_id"].isin(orders["session_id"].dropna())
    t = (
        sessions.assign(converted=converted)
        .groupby("device")["converted"]
        .agg(sessions="size", conversion="mean")
    )
    t["share"] = t["sessions"] / t["sessions"].sum()
    best = str(t["conversion"].idxmax())
    t["orders_at_best"] = t["sessions"] * (t.loc[best, "conversion"] - t["conversion"])
    return DeviceGaps(t, str(t["orders_at_best"].idxmax()), best)


def failed_share(orders: pd.DataFrame) -> pd.Series:
    """Per payment method: the share of its orders cancelled or returned to origin (RTO)."""
    return orders["status"].isin(FAILED).groupby(orders["payment_method"]).mean()


# -- references (each a function of the learner's context) -----------------------------------------
def _aov(ctx: Any) -> float:
    return metrics.average_order_value(ctx.load("orders")).value


def _conversion(ctx: Any) -> float:
    return metrics.conversion_rate(ctx.load("sessions"), ctx.load("orders")).value


def _nudge_target(ctx: Any) -> str:
    return PAYMENT_NAMES[str(failed_share(ctx.load("orders")).idxmax())]


def _revenue_by_payment(ctx: Any, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    orders = sales(ctx.load("orders")) if orders is None else orders
    return (
        orders.groupby("payment_method", as_index=False)["net_value"]
        .sum()
        .rename(columns={"net_value": "revenue"})
    )


def _gaps(ctx: Any) -> DeviceGaps:
    return ctx.cached(
        "start_here:gaps", lambda: device_gaps(ctx.load("sessions"), ctx.load("orders"))
    )


DEVICE_CALLS = {
    "mobile_web": "Fix the mobile-web checkout first",
    "desktop": "Fix the desktop checkout first",
    "app": "Fix the app checkout first",
}
_CALL_FEEDBACK = (
    "Compare where a fix adds the most orders: a device's sessions times the gap between its "
    "conversion and the best device's."
)
EVIDENCE_MOST_SESSIONS = "Most sessions come from mobile web"
EVIDENCE_BELOW_DESKTOP = "Mobile web converts a smaller share of its sessions than desktop"


def _memo_key(ctx: Any) -> MemoKey:
    gaps = _gaps(ctx)
    t = gaps.table
    belongs = set()
    if t["sessions"].idxmax() == "mobile_web":
        belongs.add(EVIDENCE_MOST_SESSIONS)
    if t.loc["mobile_web", "conversion"] < t.loc["desktop", "conversion"]:
        belongs.add(EVIDENCE_BELOW_DESKTOP)
    return MemoKey(
        call=DEVICE_CALLS[gaps.fix_first],
        numbers={
            "mobile-web conversion": float(t.loc["mobile_web", "conversion"]),
            "desktop conversion": float(t.loc["desktop", "conversion"]),
        },
        evidence=frozenset(belongs),
    )


def _statuses_sentence() -> str:
    return f"Count only sales: leave out orders whose status is {_codes(not_sales())}."


def _sales_only_sql() -> str:
    left_out = ", ".join(f"'{s}'" for s in not_sales())
    return (
        "SELECT payment_method, COUNT(*) AS orders FROM orders "
        f"WHERE status NOT IN ({left_out}) GROUP BY payment_method"
    )


ORDERS_BY_PAYMENT_SQL = (
    "SELECT payment_method, COUNT(*) AS orders FROM orders GROUP BY payment_method"
)


def _same_table(query: str, ctx: Any, other: str) -> bool:
    got, want = ctx.sql(query), ctx.sql(other)
    if list(got.columns) != list(want.columns) or len(got) != len(want):
        return False
    key = list(want.columns)
    a = got.sort_values(key).reset_index(drop=True)
    b = want.sort_values(key).reset_index(drop=True)
    return bool(a.equals(b))


def _all_orders_revenue(df: pd.DataFrame, ctx: Any) -> bool:
    want = _revenue_by_payment(ctx, ctx.load("orders"))
    if "revenue" not in df.columns or "payment_method" not in df.columns:
        return False
    merged = want.merge(df, on="payment_method", suffixes=("", "_got"))
    return len(merged) == len(want) and bool(
        ((merged["revenue"] - merged["revenue_got"]).abs() < 0.01).all()
    )


def _discounted_price(mrp: float, discount_pct: float) -> float:
    return round(mrp * (1 - discount_pct / 100), 2)


EXERCISES = [
    Exercise(
        id="start_here.three_orders",
        title="Try the box: three orders",
        variable="average",
        prompt=(
            f"Three orders came in this morning: {', '.join(_FIRST_ORDERS_TEXT[:-1])} and "
            f"{_FIRST_ORDERS_TEXT[-1]}. What is their average value in ₹? Round to the nearest "
            "rupee if you like; forms like `₹1,234` and `1234.5` both work."
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=lambda ctx: sum(FIRST_ORDERS) / len(FIRST_ORDERS),
        hints=[
            "Average = total ÷ how many.",
            "Add the three orders up first, then divide by 3.",
        ],
        explanation="That average is the average order value (AOV): revenue per order.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: sum(FIRST_ORDERS),
                message="That is the total revenue; divide it by the number of orders.",
            ),
            WrongAnswer(
                value=lambda ctx: sorted(FIRST_ORDERS)[1],
                message="That is the middle order (the median), not the average.",
            ),
        ],
        solution=f"average = ({' + '.join(f'{x:g}' for x in FIRST_ORDERS)}) / {len(FIRST_ORDERS)}",
        tags=["calculate"],
    ),
    Exercise(
        id="start_here.aov",
        title="Your average order value",
        variable="aov",
        prompt=(
            "From your `orders` table: what is your **average order value** (AOV) in ₹, to the "
            "nearest rupee? AOV = revenue ÷ number of orders, where revenue is the sum of "
            f"`net_value` (what customers paid, after discounts). {_statuses_sentence()}"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_aov,
        hints=[
            "Keep the sales first: orders[~orders['status'].isin([...])], with the statuses "
            "the question leaves out.",
            "Then divide the sum of net_value by the number of rows; "
            "metrics.average_order_value(orders) does all of it.",
        ],
        explanation="AOV moves with basket size and prices, not with traffic.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: float(ctx.load("orders")["net_value"].mean()),
                message="You averaged every order; leave out the ones that are not sales.",
            ),
            WrongAnswer(
                value=lambda ctx: float(sales(ctx.load("orders"))["gross_value"].mean()),
                message="That is the value before discounts (`gross_value`); use `net_value`.",
            ),
            WrongAnswer(
                value=lambda ctx: float(sales(ctx.load("orders"))["net_value"].sum()),
                message="That is the total revenue; divide it by the number of orders.",
            ),
        ],
        solution=(
            "from pm_toolkit import metrics\n\naov = metrics.average_order_value(orders).value"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="start_here.conversion",
        title="Your conversion rate",
        variable="conversion",
        prompt=(
            "From your `sessions` and `orders` tables: what share of sessions placed at least "
            "one order? Count each session once however many orders it placed, divide by all "
            "sessions, and give it as a per cent with two decimals. Type it as 12.34%, 0.1234 or "
            "12.34."
        ),
        kind=Percent(abs=0.0001),
        reference=_conversion,
        hints=[
            "sessions['session_id'].isin(orders['session_id']) marks the sessions with an order.",
            "Its mean is the share; metrics.conversion_rate(sessions, orders) does it for you.",
        ],
        explanation="Conversion per session is what most dashboards (and Google Analytics) show.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: (
                    metrics.conversion_rate(
                        ctx.load("sessions"), ctx.load("orders"), per="visitor"
                    ).value
                ),
                message="That is conversion per visitor (customer); the question asks per session.",
            ),
        ],
        solution=(
            "converted = sessions['session_id'].isin(orders['session_id'])\n"
            "conversion = converted.mean()"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="start_here.nudge_target",
        title="Which payment method to nudge",
        prompt=(
            "Some orders never become sales: the customer cancels, or a cash-on-delivery parcel "
            "is refused at the door and goes back (status `rto`, return to origin). Bazaar will "
            "offer ₹20 off for paying online instead. From your `orders` table, which payment "
            "method has the **highest share of its orders** `cancelled` or `rto`? That is the "
            "one to nudge."
        ),
        kind=Choice(
            {
                name: "Each method's cancelled and RTO orders ÷ all of its orders: compare "
                "those shares, not the counts."
                for name in PAYMENT_NAMES.values()
            }
        ),
        reference=_nudge_target,
        hints=[
            "orders['status'].isin(['cancelled', 'rto']) marks the failed orders.",
            "Group that by payment_method and take the mean: one share per method.",
        ],
        explanation=(
            "A share, not a count: the most used method has the most failed orders simply "
            "because it has the most orders."
        ),
        solution=(
            "failed = orders['status'].isin(['cancelled', 'rto'])\n"
            "failed.groupby(orders['payment_method']).mean().sort_values()"
        ),
        tags=["compute", "decide"],
    ),
    Exercise(
        id="start_here.guardrails",
        title="Guardrail metrics",
        prompt=(
            "You are testing a faster checkout in the app, hoping to raise conversion. Which of "
            "these are sensible **guardrail** metrics (things that must not get worse)? Tick "
            "all that apply."
        ),
        kind=MultiChoice(
            {
                "Return rate": "Yes: a faster checkout must not lead to more regretted orders.",
                "Page load time": "Yes: a slower app would hurt every other metric.",
                "Conversion rate": "That is the primary metric you hope to move, not a guardrail.",
                "Number of test variants": "That is a design choice of the test, not a metric.",
            }
        ),
        reference=["Return rate", "Page load time"],
        hints=["A guardrail is something you watch so the win does not cost you elsewhere."],
        solution="Return rate and Page load time",
        tags=["decide"],
    ),
    Exercise(
        id="start_here.funnel_order",
        title="Order the funnel",
        prompt="Put the steps of a shopper's journey in order, from first to last.",
        kind=Ordering(
            items=[
                "Visit the home page",
                "Search for a product",
                "View the product page",
                "Add to cart",
                "Pay with UPI",
            ]
        ),
        hints=["Paying is the last step; landing on the site is the first."],
        solution="Visit → Search → View product → Add to cart → Pay",
        tags=["lookup"],
    ),
    Exercise(
        id="start_here.revenue_by_payment",
        title="Revenue per payment method (a table)",
        variable="revenue_by_payment",
        prompt=(
            "From your `orders` table, make a table `revenue_by_payment` with one row per "
            "payment method and two columns: `payment_method` and `revenue` (the sum of "
            f"`net_value`, in ₹). {_statuses_sentence()} Any row order is fine."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-6),
        reference=_revenue_by_payment,
        hints=[
            "Keep the sales first, as for the AOV.",
            "sales.groupby('payment_method', as_index=False)['net_value'].sum(), then "
            ".rename(columns={'net_value': 'revenue'}).",
        ],
        wrong_answers=[
            WrongAnswer(
                predicate=lambda df, ctx: "net_value" in df.columns and "revenue" not in df.columns,
                example=lambda ctx: _revenue_by_payment(ctx).rename(
                    columns={"revenue": "net_value"}
                ),
                message="Rename the sum column to `revenue`: .rename(columns={'net_value': 'revenue'}).",
            ),
            WrongAnswer(
                predicate=_all_orders_revenue,
                example=lambda ctx: _revenue_by_payment(ctx, ctx.load("orders")),
                message="You added up every order; keep only the sales, as the question says.",
            ),
        ],
        solution=(
            "revenue_by_payment = (\n    sales.groupby('payment_method', as_index=False)"
            "['net_value'].sum()\n    .rename(columns={'net_value': 'revenue'})\n)"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="start_here.discounted_price",
        title="A discount function",
        variable="discounted_price",
        prompt=(
            "Write a function `discounted_price(mrp, discount_pct)` that returns the price after "
            "a percentage discount, rounded to 2 decimals. For example, ₹1,000 with 10% off is "
            "₹900.0."
        ),
        kind=FunctionAnswer(
            cases=[(1000.0, 10.0), (499.0, 0.0), (1299.0, 15.0), (250.0, 100.0), (799.0, 33.0)],
            reference_fn=_discounted_price,
            time_limit=2.0,
            name="discounted_price",
        ),
        hints=[
            "10% off means you pay 90% of the MRP.",
            "return round(mrp * (1 - discount_pct / 100), 2)",
        ],
        wrong_answers=[
            WrongAnswer(
                fn=lambda mrp, discount_pct: round(mrp - discount_pct, 2),
                message="You took the percentage off as rupees; take that share of the MRP instead.",
            )
        ],
        solution=(
            "def discounted_price(mrp, discount_pct):\n"
            "    return round(mrp * (1 - discount_pct / 100), 2)"
        ),
        tags=["calculate"],
    ),
    Exercise(
        id="start_here.orders_by_payment",
        title="Orders per payment method (SQL)",
        variable="query",
        prompt=(
            "Write a SQL query over your `orders` table that returns one row per payment method "
            "with two columns: `payment_method` and `orders` (how many orders used it, whatever "
            "their status)."
        ),
        kind=SQLAnswer(ignore_order=True),
        reference=ORDERS_BY_PAYMENT_SQL,
        hints=["Use GROUP BY payment_method and COUNT(*).", "Name the count with AS orders."],
        wrong_answers=[
            WrongAnswer(
                predicate=lambda q, ctx: _same_table(q, ctx, _sales_only_sql()),
                example=lambda ctx: _sales_only_sql(),
                message="This question counts every order, whatever its status: drop the WHERE.",
            )
        ],
        solution="SELECT payment_method, COUNT(*) AS orders\nFROM orders\nGROUP BY payment_method",
        tags=["compute"],
    ),
    Exercise(
        id="start_here.device_memo",
        title="Memo: which checkout to fix first",
        prompt=(
            "Your team can rebuild one checkout this quarter: mobile web, the app or desktop. "
            "From your `sessions` and `orders` tables, compute each device's **conversion** "
            "(share of its sessions with an order). Make the call, tick the points that belong "
            "in your memo, give the two conversion rates (as a per cent with two decimals, "
            "e.g. 12.34%), then explain your reasoning in a few sentences."
        ),
        kind=Judgement(
            model_answer=lambda ctx: _gaps(ctx).finding.text,
            rubric=[
                "Makes the call and backs it with the two conversion rates",
                "Says why the gap matters: how many sessions it touches",
                "Says the gap is not proof of cause, and proposes a test with a guardrail",
            ],
            calls={call: _CALL_FEEDBACK for call in DEVICE_CALLS.values()},
            evidence={
                EVIDENCE_MOST_SESSIONS: (True, ""),
                EVIDENCE_BELOW_DESKTOP: (True, ""),
                "The gap proves the mobile checkout causes the lost orders": (
                    False,
                    "phone shoppers also differ (they browse more and often buy later on "
                    "another device); only a test shows cause",
                ),
                "Desktop converts best, so the work should go there": (
                    False,
                    "a fix pays where conversion is low and traffic is high",
                ),
            },
            numbers={
                "mobile-web conversion": Percent(abs=0.0001),
                "desktop conversion": Percent(abs=0.0001),
            },
        ),
        reference=_memo_key,
        hints=[
            "sessions.assign(converted=sessions['session_id'].isin(orders['session_id']))"
            ".groupby('device')['converted'].mean()",
            "The orders a fix could add: a device's sessions × (best conversion − its conversion).",
        ],
        solution="See the model answer shown after you check your own.",
        tags=["judgement"],
    ),
]
