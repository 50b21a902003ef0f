"""Exercises of Lesson 1, the data flywheel (``exercises/01_data_flywheel.ipynb``).

Every reference is computed when checked: from the learner's own data (``ctx.sql``) or from
the flywheel simulator seeded with the learner's seed (``ctx.seed``), never typed in here.
"""

from __future__ import annotations

from dataclasses import replace

from pm_toolkit import flywheel as fw
from pm_toolkit.data.catalog import CATEGORIES
from pm_toolkit.exercises import Choice, Exercise, Judgement, Number, Ordering, Percent, WrongAnswer

#: The week the markup question reads the customers at, and the markup it moves to.
HORIZON = 260
NEW_MARKUP = 0.40
PRICE_CUT = -0.10


def _customers_end(markup: float, seed: int) -> float:
    params = replace(fw.FlywheelParams(), markup=markup)
    run = fw.simulate(params, HORIZON, decisions=fw.DATA_DRIVEN, seed=seed)
    return float(run["customers"].iloc[-1])


def _markup_effect(ctx) -> float:
    base = _customers_end(fw.FlywheelParams().markup, ctx.seed)
    return _customers_end(NEW_MARKUP, ctx.seed) / base - 1


def _comparison(ctx) -> fw.DecisionComparison:
    return ctx.cached(
        "flywheel:comparison", lambda: fw.compare_decisions(None, HORIZON, seed=ctx.seed)
    )


def _delay(ctx) -> float:
    cmp = _comparison(ctx)
    if cmp.weeks_guess is None:
        raise ValueError("guesswork never reached the target in this run")
    return float(cmp.weeks_guess - cmp.weeks_data)


def _growth(ctx):
    return fw.category_growth(ctx.sql(fw.WEEKLY_CATEGORY_VIEWS_SQL))


def _whole_period_growth(ctx) -> float:
    """The usual slip: growth of the share over the whole period instead of per week."""
    top = _growth(ctx).iloc[0]
    return float(top["share_last"] / top["share_first"] - 1)


def _best_promo_value_seekers(ctx) -> str:
    response = fw.promotion_response(ctx.sql(fw.CHECKOUT_SESSIONS_SQL))
    return str(fw.best_promotion(response)["value_seeker"])


def _price_cut(ctx) -> fw.PriceChange:
    top = ctx.sql(fw.TOP_PRODUCT_SQL).iloc[0]
    return fw.price_change(
        float(top["list_price"]), float(top["unit_cost"]), float(top["elasticity"]), PRICE_CUT
    )


EXERCISES = [
    Exercise(
        id="flywheel.loop_order",
        title="Order the flywheel's links",
        variable="loop",
        prompt=(
            "Start at 'customer experience' and put the four links of the flywheel's main loop "
            "in causal order: each item should cause the next, and the last one feeds back into "
            "the first."
        ),
        kind=Ordering(items=list(fw.MAIN_LOOP)),
        hints=[
            "Ask of each link: what does this cause? A better experience brings... more what?",
            "Sellers come where the shoppers are; what do more sellers add to the shelves?",
        ],
        explanation=(
            "Experience brings traffic, traffic attracts sellers, sellers widen the selection, "
            "and a wider selection improves the experience. Growth also lowers unit costs, which "
            "lowers prices: a second loop feeding the same wheel."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=lambda order, ctx: (
                    tuple(order) == ("customer experience", "selection", "sellers", "traffic")
                ),
                example=["customer experience", "selection", "sellers", "traffic"],
                message=(
                    "You went round the loop backwards. Read each arrow as 'causes': does "
                    "selection cause a better experience, or does experience cause selection?"
                ),
            ),
        ],
        solution="loop = ['customer experience', 'traffic', 'sellers', 'selection']",
    ),
    Exercise(
        id="flywheel.which_lever",
        title="Which lever is this?",
        variable="lever",
        prompt=(
            "The grocery team notices that searches for millet snacks and cold-pressed oils have "
            "been rising week after week for two months, while most of the category is flat. "
            "They start recruiting more sellers of healthy staples before the festive season. "
            "Which of the four data-driven levers is this decision?"
        ),
        kind=Choice(
            {
                "understanding market conditions": (
                    "Yes: spotting an emerging need in the demand trend, and widening the "
                    "selection before competitors do."
                ),
                "increasing customer satisfaction": (
                    "Satisfaction is about tailoring what each segment sees; here the team is "
                    "reading a market-wide trend."
                ),
                "increasing sales": (
                    "Sales is about which promotion or bundle converts a browser; nobody is "
                    "choosing an offer here."
                ),
                "optimising costs": (
                    "Costs and prices are not the question here; the team is reacting to what "
                    "shoppers are starting to want."
                ),
            }
        ),
        reference="understanding market conditions",
        hints=["Is the team reacting to one segment, one offer, one price, or the whole market?"],
        explanation="Trend analysis of category demand is the 'market conditions' lever.",
        solution="lever = 'understanding market conditions'",
    ),
    Exercise(
        id="flywheel.markup_effect",
        title="Predict, then measure: a higher markup",
        variable="markup_effect",
        prompt=(
            f"Raise the markup from the default {fw.FlywheelParams().markup:.0%} to "
            f"{NEW_MARKUP:.0%} and run both versions for {HORIZON} weeks with data-driven "
            "decisions and your seed (`fw.simulate(params, 260, decisions=fw.DATA_DRIVEN, "
            "seed=seed)`). By what percentage does the number of customers in the last week "
            "change? A fall is negative. " + Percent().forms_sentence()
        ),
        kind=Percent(abs=0.002),
        reference=_markup_effect,
        hints=[
            "Run the simulator twice with the same seed; only `markup` differs "
            "(`dataclasses.replace(fw.FlywheelParams(), markup=0.4)`).",
            "Change = customers at the end with 40 % ÷ customers at the end with 25 % − 1.",
        ],
        explanation=(
            "A higher markup means higher prices against competitors: the experience drops, "
            "fewer shoppers join and more leave, so fewer sellers come and the wheel settles lower."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_markup_effect(ctx),
                message="Check the sign: do customers rise or fall when our prices go up?",
            ),
            WrongAnswer(
                value=lambda ctx: _markup_effect(ctx) + 1,
                message="That is the ratio new ÷ old; subtract 1 to get the change.",
            ),
        ],
        solution=(
            "high = fw.simulate(replace(fw.FlywheelParams(), markup=0.40), 260,\n"
            "                   decisions=fw.DATA_DRIVEN, seed=seed)\n"
            "base = fw.simulate(fw.FlywheelParams(), 260, decisions=fw.DATA_DRIVEN, seed=seed)\n"
            "markup_effect = high['customers'].iloc[-1] / base['customers'].iloc[-1] - 1"
        ),
    ),
    Exercise(
        id="flywheel.emerging_category",
        title="Find the emerging category",
        variable="emerging",
        prompt=(
            "Using your data (`data.sql(fw.WEEKLY_CATEGORY_VIEWS_SQL)` gives product views per "
            "week and category), which category's share of views is rising fastest?"
        ),
        kind=Choice(
            {
                c: (
                    "Fashion is the biggest category, but is its share of views growing?"
                    if c == "fashion"
                    else f"Check the weekly trend of {c}'s share of views in your data."
                )
                for c in CATEGORIES  # the generator's catalogue: one source of truth
            }
        ),
        reference=lambda ctx: str(_growth(ctx)["category"].iloc[0]),
        hints=[
            "Size is not growth: compare each category's share in the first and last weeks.",
            "`fw.category_growth(views)` fits a trend to every category's weekly share; "
            "the first row grows fastest.",
        ],
        explanation=(
            "Shares remove what lifts every category at once (the festive sale week), leaving "
            "the trend that is special to one category."
        ),
        solution="emerging = fw.category_growth(views)['category'].iloc[0]",
    ),
    Exercise(
        id="flywheel.emerging_growth",
        title="How fast is it emerging?",
        variable="emerging_growth",
        prompt=(
            "For that category, by what percentage does its share of product views grow per "
            "week (the `weekly_growth` of a log-linear trend fitted to the weekly share)? "
            + Percent().forms_sentence()
        ),
        kind=Percent(abs=0.002),
        reference=lambda ctx: float(_growth(ctx)["weekly_growth"].iloc[0]),
        hints=[
            "Use the category's share of all views in each week, not its raw view count.",
            "`fw.category_growth(views)` has the column `weekly_growth`.",
        ],
        explanation=(
            "A few per cent a week compounds: over a quarter the category's share roughly "
            "doubles or more, which is what a category manager needs to see early."
        ),
        wrong_answers=[
            WrongAnswer(
                value=_whole_period_growth,
                message=(
                    "That is the growth from the first week to the last, over the whole period; "
                    "the question asks for the growth per week of the fitted trend."
                ),
            ),
        ],
        solution="emerging_growth = fw.category_growth(views)['weekly_growth'].iloc[0]",
    ),
    Exercise(
        id="flywheel.promotion_for_value_seekers",
        title="Which banner for value seekers?",
        variable="banner",
        prompt=(
            "Every session was shown one banner at random: none, `bank_offer_10` (10 % off up to "
            "₹250 with a bank card) or `free_delivery` (the ₹49 fee waived). Among sessions that "
            "reached checkout (`data.sql(fw.CHECKOUT_SESSIONS_SQL)`), which banner lifts the "
            "share that pay the most for the `value_seeker` segment?"
        ),
        kind=Choice(
            {
                "bank_offer_10": "A money-off offer: it lowers the price the shopper pays.",
                "free_delivery": "A waived fee: it removes a small extra cost at checkout.",
            }
        ),
        reference=_best_promo_value_seekers,
        hints=[
            "Compare conversion with each banner against conversion with no banner, "
            "within the value_seeker segment only.",
            "`fw.promotion_response(sessions)` gives the lift of each banner per segment.",
        ],
        explanation=(
            "Because the banner was assigned at random, the difference in conversion is the "
            "banner's effect. Other segments respond to other banners: one offer for everyone "
            "leaves money on the table."
        ),
        solution="banner = fw.best_promotion(fw.promotion_response(sessions))['value_seeker']",
    ),
    Exercise(
        id="flywheel.price_cut_margin",
        title="A 10 % price cut: what happens to margin?",
        variable="margin_change",
        prompt=(
            "Take your most-viewed product (`data.sql(fw.TOP_PRODUCT_SQL)`, with its list price, "
            "unit cost and the pricing team's estimate of its elasticity). If we cut its price "
            "by 10 %, by what percentage does its total margin change, under constant "
            "elasticity? " + Percent().forms_sentence()
        ),
        kind=Percent(abs=0.002),
        reference=lambda ctx: _price_cut(ctx).margin_change,
        hints=[
            "Units sold scale by 0.9 ** (−elasticity); margin per unit becomes 0.9 × price − cost.",
            "`fw.price_change(price, unit_cost, elasticity, -0.10).margin_change`",
        ],
        explanation=(
            "More units do not always make up for a thinner margin per unit: it depends on how "
            "elastic demand is and how much margin there was to start with."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _price_cut(ctx).demand_change,
                message="That is the change in units sold; margin also has a thinner margin per unit.",
            ),
            WrongAnswer(
                value=lambda ctx: _price_cut(ctx).revenue_change,
                message="That is the change in revenue; margin subtracts the unit cost first.",
            ),
        ],
        solution=(
            "top = data.sql(fw.TOP_PRODUCT_SQL).iloc[0]\n"
            "margin_change = fw.price_change(top['list_price'], top['unit_cost'],\n"
            "                                top['elasticity'], -0.10).margin_change"
        ),
    ),
    Exercise(
        id="flywheel.guesswork_delay",
        title="How much slower without data science?",
        variable="delay_weeks",
        prompt=(
            f"Run `fw.compare_decisions(None, {HORIZON}, seed=seed)` with your seed. How many "
            "weeks later than the data-driven team does the guesswork team reach the target "
            "(half the data-driven run's final customers)?"
        ),
        kind=Number(abs=0.5, unit="weeks"),
        reference=_delay,
        hints=[
            "The comparison has `weeks_data` and `weeks_guess`.",
            "The delay is the difference between the two.",
        ],
        explanation=(
            "Each noisy decision costs a little every week, and the losses compound through "
            "the loop: fewer customers, fewer sellers, less selection."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: float(_comparison(ctx).weeks_guess),
                message="That is how long guesswork takes; subtract the data-driven weeks.",
            ),
        ],
        solution="delay_weeks = cmp.weeks_guess - cmp.weeks_data",
    ),
    Exercise(
        id="flywheel.where_data_helps",
        title="Where would data speed our flywheel most?",
        variable="answer",
        prompt=(
            "You are the PM for Bazaar's home and kitchen business. In a few sentences: at "
            "which link of the flywheel would better data help most right now, what decision "
            "would it change, and what would you measure to know it worked?"
        ),
        kind=Judgement(
            model_answer=(
                "Selection → customer experience: we lose shoppers who search and find nothing "
                "in stock nearby. Use search-with-no-results and demand forecasts per warehouse "
                "to decide which products to stock in Bhiwandi and Bengaluru before the festive "
                "season. Measure in-stock rate and delivery time for searched items, and the "
                "conversion and repeat-purchase rate of those shoppers, against a region we "
                "have not changed yet; watch overstock (days of cover) as a guardrail."
            ),
            rubric=[
                "Names one link of the loop and why it is the bottleneck",
                "Names a concrete, repeated decision that data would change",
                "Names a success metric and a guardrail metric",
                "Says how the effect would be measured fairly (a comparison or test)",
            ],
        ),
        hints=["Pick one link, one decision, one metric: depth beats breadth here."],
        solution="See the model answer shown after you check your text.",
    ),
]
