"""Demo exercises for ``lessons/00_start_here.ipynb``: one of each answer kind.

They use a small hand-made table of eight orders (``demo_orders()``) instead of the
generated data set, so the first notebook works before any data is downloaded or built.
Every expected value is computed from that table when checked, never typed in here.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    MultiChoice,
    Number,
    Ordering,
    Percent,
    SQLAnswer,
    WrongAnswer,
)

#: The three orders of the first exercise (₹), kept here so prompt and checker agree.
FIRST_ORDERS = (450.0, 1200.0, 850.0)
_FIRST_ORDERS_TEXT = [f"₹{x:,.0f}" for x in FIRST_ORDERS]
SALE_VISITORS, SALE_SESSIONS, SALE_ORDERS = 2400, 3000, 84


def demo_orders() -> pd.DataFrame:
    """Eight orders from a small online store in India (₹), for the table and SQL demos.

    >>> demo_orders().shape
    (8, 4)
    """
    return pd.DataFrame(
        {
            "order_id": ["o101", "o102", "o103", "o104", "o105", "o106", "o107", "o108"],
            "city": ["pune", "jaipur", "pune", "kochi", "jaipur", "pune", "kochi", "indore"],
            "payment_method": ["upi", "cod", "upi", "card", "upi", "wallet", "upi", "cod"],
            "net_value": [499.0, 1299.0, 250.0, 2150.0, 899.0, 349.0, 1150.0, 675.0],
        }
    )


def _discounted_price(mrp: float, discount_pct: float) -> float:
    return round(mrp * (1 - discount_pct / 100), 2)


def _aov(ctx: object) -> float:
    return sum(FIRST_ORDERS) / len(FIRST_ORDERS)


def _city_revenue(ctx: object) -> pd.DataFrame:
    return (
        demo_orders()
        .groupby("city", as_index=False)["net_value"]
        .sum()
        .rename(columns={"net_value": "revenue"})
    )


EXERCISES = [
    Exercise(
        id="start_here.aov",
        title="Average order value",
        variable="aov",
        prompt=(
            f"Three orders came in this morning: {', '.join(_FIRST_ORDERS_TEXT[:-1])} and "
            f"{_FIRST_ORDERS_TEXT[-1]}. "
            "What is the average order value (AOV) in ₹? Round to the nearest rupee if you like."
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_aov,
        hints=[
            "AOV = total revenue ÷ number of orders.",
            "Add the three orders up first, then divide by how many orders there are.",
        ],
        explanation="AOV is revenue per order. It moves when basket size or prices move.",
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
        solution=f"aov = ({' + '.join(f'{x:g}' for x in FIRST_ORDERS)}) / {len(FIRST_ORDERS)}",
    ),
    Exercise(
        id="start_here.conversion",
        title="Conversion rate of a sale page",
        variable="conversion",
        prompt=(
            f"During the Diwali sale, {SALE_VISITORS:,} visitors came to the sale page in "
            f"{SALE_SESSIONS:,} sessions, and {SALE_ORDERS} of them placed an order. "
            "What is the conversion rate per visitor? Type it as 12.5%, 0.125 or 12.5."
        ),
        kind=Percent(abs=0.0005),
        reference=lambda ctx: SALE_ORDERS / SALE_VISITORS,
        hints=["Conversion rate = people who ordered ÷ people who could have ordered."],
        explanation="Per-visitor conversion counts people, not visits.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: SALE_ORDERS / SALE_SESSIONS,
                message="That is conversion per session; the question asks per visitor.",
            )
        ],
        solution=f"conversion = {SALE_ORDERS} / {SALE_VISITORS}",
    ),
    Exercise(
        id="start_here.metric_choice",
        title="Which metric?",
        prompt="Which metric tells you how much a typical order is worth?",
        kind=Choice(
            {
                "Average order value (AOV)": "Yes: revenue divided by orders.",
                "Conversion rate": "Conversion tells you how many visitors order, not how much an order is worth.",
                "Gross merchandise value (GMV)": "GMV is the total value of all orders, not a typical one.",
                "Repeat purchase rate": "That measures loyalty: how many customers come back.",
            }
        ),
        reference="Average order value (AOV)",
        hints=["Think 'per order'."],
        solution="Average order value (AOV)",
    ),
    Exercise(
        id="start_here.guardrails",
        title="Guardrail metrics",
        prompt=(
            "You are testing a faster checkout in the app, hoping to raise conversion. "
            "Which of these are sensible guardrail metrics (things that must not get worse)? Tick all that apply."
        ),
        kind=MultiChoice(
            {
                "Return rate": "Yes: faster checkout must not lead to more regretted orders.",
                "Page load time": "Yes: a slower app would hurt every other metric.",
                "Conversion rate": "That is the primary metric you hope to move, not a guardrail.",
                "Number of test variants": "That is a design choice of the test, not a metric.",
            }
        ),
        reference=["Return rate", "Page load time"],
        hints=["A guardrail is something you watch so the win does not cost you elsewhere."],
        solution="Return rate and Page load time",
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
    ),
    Exercise(
        id="start_here.city_revenue",
        title="Revenue per city",
        variable="city_revenue",
        prompt=(
            "`orders = demo_orders()` holds eight orders. Make a table `city_revenue` with one row "
            "per city and two columns: `city` and `revenue` (the sum of `net_value`). Any row order is fine."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-6),
        reference=_city_revenue,
        hints=[
            "Group the orders by city and add up net_value.",
            "orders.groupby('city', as_index=False)['net_value'].sum(), then rename the column.",
        ],
        wrong_answers=[
            WrongAnswer(
                predicate=lambda df, ctx: "net_value" in df.columns and "revenue" not in df.columns,
                example=lambda ctx: (
                    demo_orders().groupby("city", as_index=False)["net_value"].sum()
                ),
                message="Rename the sum column to `revenue`: .rename(columns={'net_value': 'revenue'}).",
            )
        ],
        solution=(
            "city_revenue = (\n    orders.groupby('city', as_index=False)['net_value'].sum()\n"
            "    .rename(columns={'net_value': 'revenue'})\n)"
        ),
    ),
    Exercise(
        id="start_here.discounted_price",
        title="A discount function",
        variable="discounted_price",
        prompt=(
            "Write a function `discounted_price(mrp, discount_pct)` that returns the price after a "
            "percentage discount, rounded to 2 decimals. For example, ₹1,000 with 10% off is ₹900.0."
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
        solution="def discounted_price(mrp, discount_pct):\n    return round(mrp * (1 - discount_pct / 100), 2)",
    ),
    Exercise(
        id="start_here.orders_by_payment",
        title="Orders per payment method (SQL)",
        variable="query",
        prompt=(
            "Write a SQL query over the table `orders` (the same eight orders) that returns one row per "
            "payment method with two columns: `payment_method` and `orders` (how many orders used it)."
        ),
        kind=SQLAnswer(ignore_order=True, tables=lambda ctx: {"orders": demo_orders()}),
        reference="SELECT payment_method, COUNT(*) AS orders FROM orders GROUP BY payment_method",
        hints=["Use GROUP BY payment_method and COUNT(*).", "Name the count with AS orders."],
        solution="SELECT payment_method, COUNT(*) AS orders\nFROM orders\nGROUP BY payment_method",
    ),
    Exercise(
        id="start_here.first_question",
        title="Your first data question",
        prompt=(
            "Your CEO asks: 'Are customers from tier-2 cities worth more to us than tier-1 customers?' "
            "In two or three sentences, how would you answer with data?"
        ),
        kind=Judgement(
            model_answer=(
                "Define 'worth' first, for example net revenue per customer over 12 months after returns. "
                "Compare tier-1 and tier-2 customers who joined in the same months, so newer customers "
                "don't look worse just for being new, and look at the spread, not just the average."
            ),
            rubric=[
                "Defines what 'worth more' means as a metric",
                "Compares like with like (same signup period or cohort)",
                "Looks beyond one average (spread, returns, or sample size)",
            ],
        ),
        hints=["Start with: what number would show 'worth more'?"],
        solution="See the model answer shown after you check your own.",
    ),
]
