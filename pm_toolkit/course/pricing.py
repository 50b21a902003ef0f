"""Exercises of Lesson 5, the capstone: should Amazon India launch hourly dynamic pricing?

Every reference is computed from the learner's own ``pricing_panel``, ``products``,
``orders``, ``order_items`` and ``customers`` with the same ``pm_toolkit.pricing`` functions
the lesson uses, so each learner gets their own right answers and no answer is typed here.
The memo (the last exercise) is a structured judgement: its right call and its two numbers
come from the learner's own simulation.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit import pricing
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    Judgement,
    MemoKey,
    Number,
    Percent,
    SQLAnswer,
    WrongAnswer,
)
from pm_toolkit.pricing import case, memo
from pm_toolkit.pricing.power import carryover_share

#: The trust effect of the "which policy wins" exercise: 0.1 % of trust lost per visible change.
TRUST_FOR_CHOICE = 0.001
#: Trust heals with a half-life of one week in the simulator (the carry-over exercise).
HALF_LIFE_DAYS = 7


# --------------------------------------------------------------------------- shared preparation
def _test(ctx) -> pricing.ElasticityEstimate:
    return ctx.cached(
        "pricing:test", lambda: pricing.panel_elasticity(ctx.load("pricing_panel"), randomised=True)
    )


def _naive(ctx) -> pricing.ElasticityEstimate:
    return ctx.cached(
        "pricing:naive",
        lambda: pricing.panel_elasticity(ctx.load("pricing_panel"), randomised=False),
    )


def _market(ctx) -> pricing.Market:
    return ctx.cached(
        "pricing:market",
        lambda: pricing.case_market(
            ctx.load("pricing_panel"), ctx.load("products"), elasticity=_test(ctx).elasticity
        ),
    )


def _report(ctx, trust: float) -> pricing.SimulationReport:
    return ctx.cached(
        f"pricing:report:{trust}", lambda: pricing.simulate(_market(ctx), trust_effect=trust)
    )


def _gain(ctx) -> float:
    return case.hourly_gain(_report(ctx, 0.0))


def _break_even(ctx) -> float:
    return ctx.cached(
        "pricing:be", lambda: pricing.break_even_trust(_market(ctx), "hourly", "static")
    )


def _tight_product(ctx) -> tuple[float, float]:
    """(unit cost, MRP) of the panel product whose cost is highest relative to its MRP."""

    def make() -> tuple[float, float]:
        first = ctx.load("pricing_panel").groupby("product_id")[["unit_cost", "mrp"]].first()
        row = first.loc[(first["unit_cost"] / first["mrp"]).idxmax()]
        return float(row["unit_cost"]), float(row["mrp"])

    return ctx.cached("pricing:tight_product", make)


def _capped(ctx) -> float:
    cost, mrp = _tight_product(ctx)
    return pricing.capped_optimal_price(cost, _test(ctx).elasticity, mrp)


def price_levels(panel: pd.DataFrame, products: pd.DataFrame, *, randomised: bool = True):
    """Hours and mean units sold per price level (share of list price, nearest 5 %)."""
    rows = pricing.price_rows(panel, randomised=randomised).merge(
        products[["product_id", "list_price"]], on="product_id"
    )
    level = ((rows["our_price"] / rows["list_price"]) * 20).round() / 20
    return (
        rows.groupby(level.rename("price_vs_list"))["units_sold"]
        .agg(hours="size", mean_units="mean")
        .reset_index()
    )


def _levels(ctx, randomised: bool = True) -> pd.DataFrame:
    return price_levels(ctx.load("pricing_panel"), ctx.load("products"), randomised=randomised)


def _margins(ctx) -> pd.DataFrame:
    return ctx.cached(
        "pricing:margins",
        lambda: pricing.order_margins(
            ctx.load("orders"), ctx.load("order_items"), ctx.load("products")
        ),
    )


def _orders_needed(ctx, *, cv_of: str = "margin", per_arm: bool = False) -> float:
    m = _margins(ctx)["margin"]
    cv = float(m.std() / m.mean())
    if cv_of == "no_spread":
        cv = 0.0
    n = pricing.orders_needed(_gain(ctx), cv)
    return n / 2 if per_arm else n


STATE_MARGIN_SQL = """
SELECT c.state,
       COUNT(DISTINCT o.order_id) AS orders,
       SUM(i.quantity * (i.unit_price - p.unit_cost) - i.discount) AS margin
FROM orders o
JOIN order_items i ON i.order_id = o.order_id
JOIN products p ON p.product_id = i.product_id
JOIN customers c ON c.customer_id = o.customer_id
WHERE o.status = 'delivered'
GROUP BY c.state
"""
_STATE_ALL_SQL = STATE_MARGIN_SQL.replace("WHERE o.status = 'delivered'\n", "")


def _no_status_filter(answer, ctx) -> bool:
    """A wrong result from a query that never mentions the delivered status (read as text:
    the learner's query is not run again here)."""
    return isinstance(answer, str) and "delivered" not in answer.lower()


# --------------------------------------------------------------------------- the memo
def _memo_numbers(ctx) -> dict[str, float]:
    return {memo.NUMBERS[0]: _gain(ctx), memo.NUMBERS[1]: _break_even(ctx)}


def _memo_key(ctx) -> MemoKey:
    return MemoKey(call=memo.right_call(hourly_gain=_gain(ctx)), numbers=_memo_numbers(ctx))


def _call_feedback(call: str):
    def feedback(ctx) -> str:
        changes = float(_report(ctx, 0.0).summary.loc["hourly", "changes_per_product_day"])
        return memo.call_feedback(call, hourly_gain=_gain(ctx), changes=changes)

    return feedback


def model_memo(ctx):
    """The model memo for this learner, built from their numbers (also used by the lesson)."""
    report = _report(ctx, 0.0)
    m = _margins(ctx)["margin"]
    return memo.model_answer(
        naive_elasticity=_naive(ctx).elasticity,
        test_elasticity=_test(ctx).elasticity,
        hourly_gain=_gain(ctx),
        guarded_gain=case.hourly_gain(report, "guarded"),
        break_even=_break_even(ctx),
        changes_per_day=float(report.summary.loc["hourly", "changes_per_product_day"]),
        carryover_day=carryover_share(1, HALF_LIFE_DAYS),
        orders_needed=pricing.orders_needed(_gain(ctx), float(m.std() / m.mean())),
    ).text


_POLICY_FEEDBACK = (
    "Not in your run: compare the `gross_margin` of each policy at this trust effect, not at zero."
)
_DESIGNS = {d.name: f"{d.verdict} {d.contamination}" for d in pricing.ROLLOUT_DESIGNS}
_GEO = next(d.name for d in pricing.ROLLOUT_DESIGNS if d.key == "geo_clusters")
_PCT = "Give it as a percentage (e.g. 0.4%) or as a fraction (0.004)."

EXERCISES = [
    Exercise(
        id="pricing.test_elasticity",
        title="Elasticity from the randomised price test",
        variable="test_elasticity",
        prompt=(
            "From the randomised price-test hours of `panel` only (`price_test` is True), "
            "estimate the price elasticity with the lesson's recipe: a Poisson log-log fit of "
            "`units_sold` on `our_price`, with product and hour-of-day effects. Give it as a "
            "positive number (2.0 means a 1 % price rise loses 2 % of units), to ±0.1, well "
            "inside the estimate's 95 % confidence interval."
        ),
        kind=Number(abs=0.1),
        reference=lambda ctx: _test(ctx).elasticity,
        hints=[
            "Keep only the rows where `price_test` is True: there the price was drawn at random.",
            "rows = panel[panel['price_test']]; then pricing.estimate_elasticity(rows['our_price'], "
            "rows['units_sold'], groups=rows['product_id'], "
            "controls=pricing.hour_dummies(rows), method='poisson').",
            "The estimate is a record: its `.elasticity` attribute is the number to give.",
        ],
        explanation=(
            "On randomised prices, high and low prices meet the same demand on average, so the "
            "slope measures the shoppers' response and nothing else."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _naive(ctx).elasticity,
                message="That is the estimate from the price history (price_test False), where "
                "prices chased demand. Use the randomised rows.",
            ),
            WrongAnswer(
                predicate=lambda a, ctx: a < 0,
                example=lambda ctx: -_test(ctx).elasticity,
                message="Give the elasticity as a positive magnitude: the slope is negative, the "
                "elasticity we report is how many % of units a 1 % price rise loses.",
            ),
        ],
        solution=(
            "rows = panel[panel['price_test']]\n"
            "test_elasticity = pricing.estimate_elasticity(rows['our_price'], rows['units_sold'], "
            "groups=rows['product_id'], controls=pricing.hour_dummies(rows), "
            "method='poisson').elasticity"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="pricing.price_levels",
        title="Sales at each test price (a table)",
        variable="levels",
        prompt=(
            "Build a DataFrame from the randomised price-test hours of `panel`, joined to "
            "`products` for each product's `list_price`. Round `our_price / list_price` to the "
            "nearest 0.05 and call it `price_vs_list`; return one row per `price_vs_list` with "
            "`hours` (the number of product-hours at that level) and `mean_units` (mean "
            "`units_sold` per hour), sorted by `price_vs_list`."
        ),
        kind=DataFrameAnswer(rtol=1e-6),
        reference=_levels,
        hints=[
            "rows = panel[panel['price_test']].merge(products[['product_id', 'list_price']], "
            "on='product_id')",
            "Nearest 0.05: (ratio * 20).round() / 20.",
            "rows.groupby(level)['units_sold'].agg(hours='size', mean_units='mean').reset_index()",
        ],
        explanation=(
            "Each test level got hours of every product at random, so the falling mean is the "
            "shoppers' response to price and nothing else."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=lambda a, ctx: (
                    isinstance(a, pd.DataFrame)
                    and len(a) == len(_levels(ctx, randomised=False))
                    and len(a) != len(_levels(ctx))
                ),
                example=lambda ctx: _levels(ctx, randomised=False),
                message="That uses the price history too: keep only rows where `price_test` is "
                "True.",
            ),
        ],
        solution=(
            "rows = panel[panel['price_test']].merge(products[['product_id', 'list_price']], "
            "on='product_id')\n"
            "level = ((rows['our_price'] / rows['list_price']) * 20).round() / 20\n"
            "levels = rows.groupby(level.rename('price_vs_list'))['units_sold']"
            ".agg(hours='size', mean_units='mean').reset_index()"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="pricing.why_naive_wrong",
        title="Why the history-based elasticity is wrong",
        prompt=(
            "On the observational hours the same regression says shoppers react much less to "
            "price. What is the main reason that number is wrong?"
        ),
        kind=Choice(
            {
                "Prices were raised when demand was strong, so high prices and high sales "
                "show up together": "Yes: price is correlated with the demand shock, which "
                "flattens the fitted curve (the endogeneity trap).",
                "There are too few observational rows": "There are more observational rows "
                "than test rows; more biased data only makes the wrong answer more precise.",
                "Indian shoppers are not price sensitive": "The randomised test on the same "
                "products shows strong price sensitivity; the data did not change, the method did.",
                "A log-log regression cannot measure an elasticity": "The same regression "
                "recovers the elasticity on the randomised rows; the method is fine, the data is "
                "confounded.",
            }
        ),
        reference="Prices were raised when demand was strong, so high prices and high sales "
        "show up together",
        hints=["What decided the price in the observational hours, and what else did it see?"],
        solution="Prices chased demand: price and the demand shock moved together.",
        tags=["decide"],
    ),
    Exercise(
        id="pricing.plim",
        title="How big is the bias?",
        variable="naive_plim",
        prompt=(
            "Suppose log Q = a − 2·log p + u and log p = g + u + v, where the price noise v "
            "varies as much as the demand shock u (σv = σu). With unlimited data, what "
            "elasticity does the naive log-log regression report?"
        ),
        kind=Number(abs=0.01),
        reference=lambda ctx: pricing.ols_elasticity_plim(2.0, gamma=1.0, sigma_u=1.0, sigma_v=1.0),
        hints=[
            "plim ε̂ = ε − γσu² / (γ²σu² + σv²), here with ε = 2 and γ = 1.",
            "With σu = σv = 1 the correction is 1/2 (or use pricing.ols_elasticity_plim).",
        ],
        explanation="Half the price variation follows demand, and the estimate loses a quarter "
        "of the true elasticity: more data does not fix it.",
        wrong_answers=[
            WrongAnswer(
                value=2.0,
                message="2 is the true elasticity; the naive regression is "
                "biased because price follows the demand shock.",
            ),
            WrongAnswer(
                value=1.0,
                message="That is the limit when the price only follows "
                "demand (σv → 0); here it also has its own noise.",
            ),
        ],
        solution="naive_plim = pricing.ols_elasticity_plim(2.0, gamma=1.0, sigma_u=1.0, "
        "sigma_v=1.0)",
        tags=["calculate"],
    ),
    Exercise(
        id="pricing.capped_price",
        title="Optimal price under the MRP ceiling",
        variable="best_legal_price",
        prompt=(
            "Take the panel product whose unit cost is highest relative to its MRP. With your "
            "randomised elasticity, what is the profit-maximising price the law allows, in ₹?"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=_capped,
        hints=[
            "Group the panel by product_id, take each product's unit_cost and mrp, and pick "
            "the largest unit_cost / mrp.",
            "The Lerner price is cost × ε/(ε − 1); the law caps any price at the MRP "
            "(pricing.capped_optimal_price does both).",
        ],
        explanation="When the Lerner price is above the MRP, the MRP is the best legal price: "
        "profit keeps rising up to the cap.",
        wrong_answers=[
            WrongAnswer(
                predicate=lambda a, ctx: a > _tight_product(ctx)[1] + 0.5,
                example=lambda ctx: _tight_product(ctx)[1] + 100.0,
                message="That price is above the product's MRP: selling above MRP is illegal "
                "under the Legal Metrology rules. Cap it.",
            ),
            WrongAnswer(
                value=lambda ctx: _tight_product(ctx)[0],
                message="That is the unit cost: the floor, not the best price.",
            ),
        ],
        solution="best_legal_price = pricing.capped_optimal_price(cost, test_elasticity, mrp)",
        tags=["compute"],
    ),
    Exercise(
        id="pricing.hourly_gain",
        title="What hourly repricing earns when nobody minds",
        variable="hourly_gain",
        prompt=(
            "Run the lesson's simulator on your case market (built with the randomised "
            "elasticity) with no trust effect. By what share of the static policy's gross "
            "margin does the hourly policy's gross margin exceed it? This is the gain at "
            f"stake. {_PCT}"
        ),
        kind=Percent(rel=0.01, abs=0.00002, accept="fraction"),
        reference=_gain,
        hints=[
            "report = pricing.simulate(market, trust_effect=0.0); report.table() has one row "
            "per policy and a 'gross_margin' column.",
            "(hourly margin − static margin) ÷ static margin.",
        ],
        explanation="Compare it with the margin itself: this is the most the hourly model can "
        "add, before any cost in trust.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_gain(ctx),
                message="The sign is reversed: hourly minus static, not static minus hourly.",
            ),
            WrongAnswer(
                value=lambda ctx: case.hourly_gain(_report(ctx, 0.0), "guarded"),
                message="That is the guarded policy's gain; the question asks about hourly.",
            ),
        ],
        solution="hourly_gain = report.margin('hourly') / report.margin('static') - 1",
        tags=["compute"],
    ),
    Exercise(
        id="pricing.best_policy",
        title="Which policy wins when trust matters?",
        variable="winner",
        prompt=(
            f"Run the simulation again with each visible price change costing "
            f"{TRUST_FOR_CHOICE:.1%} of the repeat customers' trust. Which policy earns the "
            "most gross margin on your data?"
        ),
        kind=Choice({p.name: _POLICY_FEEDBACK for p in pricing.STANDARD_POLICIES}, shuffle=False),
        reference=lambda ctx: _report(ctx, TRUST_FOR_CHOICE).best_policy(),
        hints=[
            f"pricing.simulate(market, trust_effect={TRUST_FOR_CHOICE}).table()",
            "The policy with the highest 'gross_margin' wins (report.best_policy() names it).",
        ],
        explanation="Once changes cost trust, a policy that changes prices less often can beat "
        "one that chases every hour: the winner turns on a number nobody has measured.",
        solution=f"winner = pricing.simulate(market, trust_effect={TRUST_FOR_CHOICE}).best_policy()",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="pricing.break_even",
        title="The break-even trust effect",
        variable="break_even",
        prompt=(
            "Above which trust effect per price change does the hourly policy stop earning more "
            "gross margin than the static price on your case market? Give it as a percentage "
            "(e.g. 0.05%) or as a fraction (0.0005)."
        ),
        kind=Percent(rel=0.03, abs=0.00001, accept="fraction"),
        reference=_break_even,
        hints=[
            "Search the trust effect where the two margins are equal: try a few values with "
            "pricing.simulate, or use pricing.break_even_trust(market, 'hourly', 'static').",
        ],
        explanation="This is the number a pilot must measure: if real shoppers lose more "
        "trust than this per change, hourly pricing loses money.",
        solution="break_even = pricing.break_even_trust(market, 'hourly', 'static')",
        tags=["compute"],
    ),
    Exercise(
        id="pricing.state_margin_sql",
        title="Margin per state (SQL)",
        variable="query",
        prompt=(
            "Write one SQL query over `orders`, `order_items`, `products` and `customers` that "
            "returns one row per customer `state` with `orders` (the number of delivered "
            "orders) and `margin` (their gross margin in ₹: Σ quantity × (unit_price − "
            "unit_cost) − discount over the items). Count only orders with status "
            "'delivered'. Any row order is fine. These totals size the geo-clusters of a test."
        ),
        kind=SQLAnswer(ignore_order=True),
        reference=STATE_MARGIN_SQL,
        hints=[
            "Join orders → order_items (order_id) → products (product_id), and orders → "
            "customers (customer_id).",
            "COUNT(DISTINCT o.order_id) counts orders, not items; filter "
            "WHERE o.status = 'delivered'; GROUP BY c.state.",
        ],
        explanation="Returned, RTO and cancelled orders earn no margin a finance team would "
        "book; only delivered ones count.",
        wrong_answers=[
            WrongAnswer(
                predicate=_no_status_filter,
                example=_STATE_ALL_SQL,
                message="You counted every order: keep only status 'delivered' (returned, RTO "
                "and cancelled orders earn no margin).",
            ),
        ],
        solution=STATE_MARGIN_SQL.strip(),
        tags=["compute"],
    ),
    Exercise(
        id="pricing.orders_needed",
        title="How many orders would a test need?",
        variable="orders_needed",
        prompt=(
            "Compute each delivered order's gross margin (items × (unit_price − unit_cost) − "
            "discount) and the coefficient of variation CV = sd ÷ mean over those orders. A "
            "test that compares two equal arms needs n = 4·(z₀.₉₇₅ + z₀.₈)²·(1 + CV²) ÷ gain² "
            "orders in total to detect a relative change `gain` in margin with 80 % power at "
            "α = 5 %. How many orders, for your hourly gain at stake (Q6)? A whole number."
        ),
        kind=Number(rel=0.02),
        reference=lambda ctx: _orders_needed(ctx),
        hints=[
            "items = order_items.merge(products[['product_id', 'unit_cost']]); margin per line "
            "= quantity × (unit_price − unit_cost) − discount; sum per order_id, delivered only.",
            "z₀.₉₇₅ + z₀.₈ ≈ 1.96 + 0.84; use scipy.stats.norm.ppf for more digits.",
            "pricing.orders_needed(gain, cv) does the arithmetic.",
        ],
        explanation="No design can beat this floor: chance alone hides a small change until "
        "the test holds this many orders. Divide by your orders per day.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _orders_needed(ctx, per_arm=True),
                message="That is one arm; the formula asks for both arms together.",
            ),
            WrongAnswer(
                value=lambda ctx: _orders_needed(ctx, cv_of="no_spread"),
                message="You left out the spread of margin per order (the CV²): orders differ "
                "in size, not only in number.",
            ),
        ],
        solution=(
            "m = pricing.order_margins(orders, order_items, products)['margin']\n"
            "orders_needed = pricing.orders_needed(hourly_gain, m.std() / m.mean())"
        ),
        tags=["compute"],
    ),
    Exercise(
        id="pricing.carryover",
        title="What a day-level switchback sees",
        variable="day_share",
        prompt=(
            "Lost trust builds up by the same step on every day a region runs hourly prices "
            "and heals with a half-life of 7 days: a share δ = 0.5^(1/7) of it survives each "
            "day. A switchback flips each region between hourly and fixed prices at random, "
            "day by day; the long-run effect of always running hourly is 1/(1 − δ) steps. What "
            "share of that long-run effect does the comparison of hourly and fixed days see? "
            f"{_PCT}"
        ),
        kind=Percent(rel=0.01),
        reference=lambda ctx: carryover_share(1, HALF_LIFE_DAYS),
        hints=[
            "Yesterday's damage carries into today whichever arm today is in, so it cancels; "
            "only today's step differs.",
            "Today's step is 1; the long-run effect is 1/(1 − δ): the share is 1 − δ.",
        ],
        explanation="A day-level switchback sees the price gain in full and the trust cost "
        "hardly at all: it flatters hourly pricing.",
        wrong_answers=[
            WrongAnswer(
                value=1 / 7,
                message="1/7 treats the effect as gone after a week; it only halves each week.",
            ),
            WrongAnswer(
                value=0.5 ** (1 / 7),
                message="That is δ, the share that survives a day; the question asks for the "
                "share the comparison sees.",
            ),
        ],
        solution="day_share = 1 - 0.5 ** (1 / 7)",
        tags=["calculate"],
    ),
    Exercise(
        id="pricing.rollout_design",
        title="Choose the rollout experiment",
        prompt=(
            "The test must measure the gain at stake and the cost in trust, which builds up "
            "over weeks, and it must let you read repeat purchase as a guardrail. Which design?"
        ),
        kind=Choice(_DESIGNS),
        reference=_GEO,
        hints=[
            "Two people seeing different prices for the same item at the same moment is the "
            "thing to avoid.",
            "Randomise where a policy runs, and keep it running long enough for trust to show.",
        ],
        explanation="Geo-clusters keep one price per region at a time, leave no switching for "
        "carry-over to leak through, and each cluster is compared with its own weeks before.",
        solution=_GEO,
        tags=["decide"],
    ),
    Exercise(
        id="pricing.decision_memo",
        title="The call: your decision memo",
        prompt=(
            "You have one month. Do you approve the hourly model as proposed? Make the call, "
            "tick every point that belongs in your memo (evidence to require first, guardrails, "
            "stop conditions), give the two numbers from your own simulation that support the "
            "call (as percentages, e.g. 0.4%), and write your reasoning in a few sentences."
        ),
        kind=Judgement(
            model_answer=model_memo,
            rubric=list(memo.RUBRIC),
            calls={c: _call_feedback(c) for c in memo.CALLS},
            evidence=memo.POINTS,
            numbers={
                memo.NUMBERS[0]: Percent(rel=0.03, abs=0.00002, accept="fraction"),
                memo.NUMBERS[1]: Percent(rel=0.05, abs=0.00001, accept="fraction"),
            },
        ),
        reference=_memo_key,
        hints=[
            "Start from the gain at stake (Q6) and the break-even trust effect (Q8): is the "
            "trust effect measured anywhere?",
            "Then list what must be true before a launch, and what would stop it.",
        ],
        solution="See the model answer shown after you check your own.",
        tags=["judgement"],
    ),
]
