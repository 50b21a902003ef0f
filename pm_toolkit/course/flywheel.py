"""Exercises of Lesson 1, the data flywheel (``exercises/01_data_flywheel.ipynb``).

Every reference is computed when checked: from the learner's own data (``ctx.sql``,
``ctx.load``) or from the flywheel simulator seeded with the learner's seed (``ctx.seed``),
never typed in here. The unit-economics questions use the cost assumptions in
:data:`pm_toolkit.flywheel.COSTS` (each one an [A]), named in the prompts.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pm_toolkit import flywheel as fw
from pm_toolkit.data.catalog import CATEGORIES
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    Judgement,
    MemoKey,
    Number,
    Ordering,
    Percent,
    SQLAnswer,
    WrongAnswer,
)
from pm_toolkit.formatting import format_inr

#: The week the markup question reads the customers at, and the markup it moves to.
HORIZON = 260
NEW_MARKUP = 0.40
PRICE_CUT = -0.10
#: The two payment policies the memo weighs, with the shares marketing expects [A].
NUDGE_INR, NUDGE_SWITCH = 25.0, 0.30
COD_FEE_INR, FEE_SWITCH, FEE_LOST = 39.0, 0.30, 0.10


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


def _sessions(ctx) -> pd.DataFrame:
    return ctx.cached("flywheel:sessions", lambda: ctx.sql(fw.RANDOMISED_SESSIONS_SQL))


def banner_table(sessions: pd.DataFrame) -> pd.DataFrame:
    """Sessions and conversion (share with an order) per segment and banner, all sessions."""
    g = sessions.groupby(["segment", "promotion_shown"])["converted"]
    return g.agg(sessions="size", conversion="mean").reset_index()


def _banner_table(ctx) -> pd.DataFrame:
    return banner_table(_sessions(ctx))


def _checkout_only(ctx) -> pd.DataFrame:
    return banner_table(_sessions(ctx).query("reached_checkout == 1"))


def _looks_checkout_only(answer, ctx) -> bool:
    if not isinstance(answer, pd.DataFrame) or "conversion" not in answer.columns:
        return False
    got = pd.to_numeric(answer["conversion"], errors="coerce").mean()
    return bool(got > 3 * _banner_table(ctx)["conversion"].mean())


def _best_banner(ctx, segment: str = "value_seeker") -> str:
    rows = fw.promotion_response(_sessions(ctx)).query("segment == @segment")
    best = rows.loc[rows["lift"].idxmax()]
    return str(best["promotion"]) if best["lift"] > 0 else "none"


FAIR, UNFAIR = (
    "Fair here, under an assumption: my data shows no sign the banner changes who reaches checkout",
    "Not fair: the banner changes who reaches checkout, so the checkout groups hold different shoppers",
)


def _checkout_fair(ctx) -> str:
    p = float(fw.checkout_reach(_sessions(ctx))["p_value"].iloc[0])
    return UNFAIR if p < 0.05 else FAIR


def _price_cut(ctx) -> fw.PriceChange:
    top = ctx.sql(fw.TOP_PRODUCT_SQL).iloc[0]
    return fw.price_change(
        float(top["list_price"]), float(top["unit_cost"]), float(top["elasticity"]), PRICE_CUT
    )


def _ue(ctx) -> fw.UnitEconomics:
    return ctx.cached(
        "flywheel:unit_economics",
        lambda: fw.unit_economics(
            ctx.load("orders"), ctx.load("order_items"), ctx.load("products")
        ),
    )


def _goods_only_gap(ctx) -> float:
    g = _ue(ctx).groups["goods_margin"]
    return float(g["prepaid"] - g["cod"])


RTO_BY_PAYMENT_SQL = """
SELECT payment_method, COUNT(*) AS orders,
       AVG(CASE WHEN status = 'rto' THEN 1.0 ELSE 0.0 END) AS rto_rate
FROM orders
GROUP BY payment_method
""".strip()

ADDS, LOSES = (
    "It adds contribution at that switch rate",
    "It loses contribution at that switch rate",
)


def _nudge_verdict(ctx) -> str:
    return ADDS if fw.prepaid_nudge(_ue(ctx), NUDGE_INR, NUDGE_SWITCH).pays else LOSES


CALL_FEE = f"Test a {format_inr(COD_FEE_INR)} fee on cash-on-delivery orders"
CALL_NUDGE = f"Test a {format_inr(NUDGE_INR)} discount for paying up front"
CALL_NEITHER = "Neither: keep payment options as they are"


def _policies(ctx) -> dict[str, float]:
    ue = _ue(ctx)
    return {
        CALL_FEE: fw.cod_fee(ue, COD_FEE_INR, FEE_SWITCH, FEE_LOST).change_per_100_orders,
        CALL_NUDGE: fw.prepaid_nudge(ue, NUDGE_INR, NUDGE_SWITCH).change_per_100_orders,
    }


def _memo_call(ctx) -> str:
    gains = _policies(ctx)
    best = max(gains, key=gains.get)
    return best if gains[best] > 0 else CALL_NEITHER


EV_RTO = "COD orders are refused at the door more often than prepaid ones"
EV_CI = "The prepaid − COD gap per order has a 95% interval that excludes zero"
EV_TEST = "A randomised test of the policy before a full launch, since the switch and loss shares are guesses"
EV_GUARD = "Orders and conversion of COD shoppers as a guardrail metric"
EV_SAME = "Shoppers who choose COD will refuse no more often than prepaid shoppers once they switch"
EV_CAUSE = "The gap between COD and prepaid orders is caused by the payment method alone"


def _memo_key(ctx) -> MemoKey:
    ue = _ue(ctx)
    f = fw.unit_economics_finding(ue).facts
    evidence = {EV_TEST, EV_GUARD}
    if f["cod_rto_rate"] > f["prepaid_rto_rate"]:
        evidence.add(EV_RTO)
    if f["gap_low"] > 0 or f["gap_high"] < 0:
        evidence.add(EV_CI)
    numbers = {
        "contribution per COD order (₹)": f["cod_contribution"],
        "contribution per prepaid order (₹)": f["prepaid_contribution"],
    }
    return MemoKey(call=_memo_call(ctx), numbers=numbers, evidence=frozenset(evidence))


def _memo_model_answer(ctx) -> str:
    ue = _ue(ctx)
    gains, call = _policies(ctx), _memo_call(ctx)
    fee = fw.cod_fee(ue, COD_FEE_INR, FEE_SWITCH, FEE_LOST).finding().text
    nudge = fw.prepaid_nudge(ue, NUDGE_INR, NUDGE_SWITCH).finding().text
    action = (
        "Neither policy adds contribution under these assumptions, so keep payment options as "
        "they are and work on the refusals themselves (address checks, order confirmation)."
        if call == CALL_NEITHER
        else f"Call: **{call}**, as a randomised test on a share of shoppers first "
        f"({format_inr(gains[call])} per 100 orders is a forecast, not a result)."
    )
    return (
        f"{fw.unit_economics_finding(ue).text}\n\n{fee} {nudge}\n\n{action} The forecast "
        "assumes that COD shoppers who switch behave like today's prepaid shoppers, and that "
        "the switch and loss shares are right; a test measures both. Guardrails: orders and "
        "conversion of COD shoppers (tier-2 and tier-3 cities lean on COD), complaints, and "
        "the refusal rate itself. The cost figures are assumptions [A]: ask finance for the "
        "courier contract and the payment partner's fees before the launch decision."
    )


EXERCISES = [
    Exercise(
        id="flywheel.loop_order",
        title="Order the flywheel's links",
        variable="loop",
        tags=["lookup"],
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
        tags=["decide"],
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
        tags=["compute"],
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
        title="Which category gets the new sellers?",
        variable="emerging",
        tags=["compute", "decide"],
        prompt=(
            "The category team can recruit sellers for one category before the festive season. "
            "Using your data (`data.sql(fw.WEEKLY_CATEGORY_VIEWS_SQL)` gives product views per "
            "week and category), pick the category whose share of views is rising fastest."
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
            "the trend that is special to one category: that is where new sellers widen the "
            "selection before demand arrives."
        ),
        solution="emerging = fw.category_growth(views)['category'].iloc[0]",
    ),
    Exercise(
        id="flywheel.emerging_growth",
        title="How fast is it emerging?",
        variable="emerging_growth",
        tags=["compute"],
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
        id="flywheel.banner_table",
        title="Conversion by segment and banner, on every randomised session",
        variable="banners",
        tags=["compute"],
        prompt=(
            "Every session of a signed-in shopper was shown one banner at random "
            "(`promotion_shown`: `none`, `bank_offer_10` or `free_delivery`). From `sessions` "
            "(only rows with a `customer_id`), `customers` (for `segment`) and `orders` (a "
            "session converted if it has an order), build a DataFrame with one row per segment "
            "and banner and the columns `segment`, `promotion_shown`, `sessions` (count) and "
            "`conversion` (share of those sessions that converted, a fraction)."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-4),
        reference=_banner_table,
        hints=[
            "`data.sql(fw.RANDOMISED_SESSIONS_SQL)` gives one row per session with `segment`, "
            "`promotion_shown` and a 0/1 `converted`.",
            "Group by segment and promotion_shown; the mean of a 0/1 column is a share.",
        ],
        explanation=(
            "Because the banner was drawn at random for every session, each group holds the "
            "same mix of shoppers: comparing conversion across banners within a segment "
            "measures the banner's effect."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=_looks_checkout_only,
                example=_checkout_only,
                message=(
                    "Your conversion rates are far higher than per-session conversion: did you "
                    "keep only sessions that reached checkout? The banner was randomised for "
                    "every session, so compare on all of them."
                ),
            ),
        ],
        solution=(
            "sessions = data.sql(fw.RANDOMISED_SESSIONS_SQL)\n"
            "banners = (sessions.groupby(['segment', 'promotion_shown'])['converted']\n"
            "           .agg(sessions='size', conversion='mean').reset_index())"
        ),
    ),
    Exercise(
        id="flywheel.promotion_for_value_seekers",
        title="Which banner for value seekers?",
        variable="banner",
        tags=["compute", "decide"],
        prompt=(
            "Using every randomised session of the `value_seeker` segment (not only those that "
            "reached checkout), which banner should value seekers see: the one whose conversion "
            "beats no banner by the most, or `none` if neither beats it?"
        ),
        kind=Choice(
            {
                "bank_offer_10": "A money-off offer: compare its conversion with no banner's.",
                "free_delivery": "A waived fee: compare its conversion with no banner's.",
                "none": "Does either banner convert value seekers better than no banner?",
            }
        ),
        reference=_best_banner,
        hints=[
            "Compare conversion with each banner against conversion with no banner, "
            "within the value_seeker segment only.",
            "`fw.promotion_response(sessions)` gives the lift of each banner per segment.",
        ],
        explanation=(
            "Because the banner was assigned at random to every session, the difference in "
            "conversion is the banner's effect. Look at the p-value too: in a small segment a "
            "big-looking lift can be noise."
        ),
        solution=(
            "r = fw.promotion_response(sessions).query(\"segment == 'value_seeker'\")\n"
            "banner = r.loc[r['lift'].idxmax(), 'promotion']  # 'none' if every lift < 0"
        ),
    ),
    Exercise(
        id="flywheel.checkout_only",
        title="Is a checkout-only comparison fair?",
        variable="fair",
        tags=["compute", "decide"],
        prompt=(
            "A colleague compares the banners only among sessions that reached checkout, "
            "because 'the banner was random, so any comparison is fair'. In your data, does the "
            "share of sessions reaching checkout differ by banner (chi-square test, 5 % level)? "
            "So is the checkout-only comparison fair here?"
        ),
        kind=Choice(
            {
                FAIR: (
                    "Check the test on the share reaching checkout by banner: is its p-value "
                    "below 5 %?"
                ),
                UNFAIR: (
                    "Check the test on the share reaching checkout by banner: is its p-value "
                    "below 5 %?"
                ),
                "Always fair: the banner was assigned at random": (
                    "Randomisation makes the groups alike *when assigned*. Keeping only sessions "
                    "that reached checkout, a step after the banner, can undo that if the banner "
                    "changes who gets there."
                ),
            }
        ),
        reference=_checkout_fair,
        hints=[
            "Tabulate, per banner, sessions that reached checkout and those that did not; "
            "`scipy.stats.chi2_contingency` tests whether the shares differ.",
            "`fw.checkout_reach(sessions)` does it and returns the p-value.",
        ],
        explanation=(
            "Conditioning on a step after randomisation is fair only if the treatment does not "
            "change who reaches that step. No detectable difference is support, not proof: "
            "the comparison on all randomised sessions needs no such assumption."
        ),
        solution="fair = FAIR if fw.checkout_reach(sessions)['p_value'][0] >= 0.05 else UNFAIR",
    ),
    Exercise(
        id="flywheel.price_cut_margin",
        title="A 10 % price cut: what happens to margin?",
        variable="margin_change",
        tags=["compute"],
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
        id="flywheel.rto_by_payment",
        title="Refused at the door, by payment method (SQL)",
        variable="query",
        tags=["compute"],
        prompt=(
            "Write one SQL query on `orders` that returns one row per `payment_method` with the "
            "columns `payment_method`, `orders` (number of orders) and `rto_rate` (share of "
            "orders whose `status` is `'rto'`, refused at the door, as a fraction)."
        ),
        kind=SQLAnswer(ignore_order=True, rtol=1e-6),
        reference=RTO_BY_PAYMENT_SQL,
        hints=[
            "GROUP BY payment_method; COUNT(*) counts the orders.",
            "AVG(CASE WHEN status = 'rto' THEN 1.0 ELSE 0.0 END) is a share.",
        ],
        explanation=(
            "Cash on delivery lets a shopper order without paying; some refuse the parcel, and "
            "each refusal pays the courier twice for nothing. That is the cost unit economics "
            "has to carry."
        ),
        solution=f'query = """\n{RTO_BY_PAYMENT_SQL}\n"""',
    ),
    Exercise(
        id="flywheel.cod_gap",
        title="What does a COD order earn, against a prepaid one?",
        variable="gap",
        tags=["compute"],
        prompt=(
            "Contribution margin of an order = the goods margin (quantity × (unit price − unit "
            "cost), from `order_items` and `products`) minus the discount, minus a courier leg "
            "out, minus a leg back if it was refused or returned, minus payment fees; a refused "
            "or returned order earns no goods margin and gives no discount; a cancelled one "
            "costs nothing. With the cost assumptions in `fw.COSTS`, what is the average "
            "contribution per prepaid order minus the average per COD order, in ₹ (to the rupee)?"
        ),
        kind=Number(abs=1.0, unit="₹"),
        reference=lambda ctx: _ue(ctx).gap,
        hints=[
            "`fw.COSTS.table()` lists every assumed cost; `fw.STATUS_RULES` says what each "
            "status earns and pays.",
            "`fw.unit_economics(orders, order_items, products)` computes it; its `.gap` is the "
            "answer and `.groups` shows the parts.",
        ],
        explanation=(
            "The gap is what moving an order from COD to prepaid could be worth, if the shopper "
            "behaved like today's prepaid shoppers once switched: that is what a prepaid "
            "discount or a COD fee has to beat."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: -_ue(ctx).gap,
                message="Check the sign: prepaid minus COD.",
            ),
            WrongAnswer(
                value=_goods_only_gap,
                message=(
                    "That is the gap in goods margin only: subtract the courier legs, the "
                    "payment fees and the discount too."
                ),
            ),
        ],
        solution="ue = fw.unit_economics(orders, order_items, products)\ngap = ue.gap",
    ),
    Exercise(
        id="flywheel.prepaid_nudge",
        title="A ₹25 discount for paying up front?",
        variable="verdict",
        tags=["compute", "decide"],
        prompt=(
            "Marketing proposes ₹25 off for paying up front, shown to every shopper at checkout, "
            "and expects 30 % of COD orders to switch to prepaid (and earn what a prepaid order "
            "earns). Shoppers who already pay up front take the ₹25 too. With your contribution "
            "per COD and per prepaid order and your COD share of orders, does it add or lose "
            "contribution?"
        ),
        kind=Choice(
            {
                ADDS: "Work it out per 100 orders: the switchers gain the gap minus ₹25, "
                "every prepaid order costs ₹25.",
                LOSES: "Work it out per 100 orders: the switchers gain the gap minus ₹25, "
                "every prepaid order costs ₹25.",
            }
        ),
        reference=_nudge_verdict,
        hints=[
            "Per order: COD share × 0.30 × (gap − 25) − prepaid share × 25.",
            "`fw.prepaid_nudge(ue, 25, 0.30)` works it out and says at what switch rate it "
            "would break even.",
        ],
        explanation=(
            "A discount offered to everyone is paid mostly to shoppers who would have prepaid "
            "anyway: the switchers have to carry that cost. Offering it only at the COD step, "
            "or testing it, changes the sum."
        ),
        solution="verdict = ADDS if fw.prepaid_nudge(ue, 25, 0.30).pays else LOSES",
    ),
    Exercise(
        id="flywheel.guesswork_delay",
        title="How much slower without data science?",
        variable="delay_weeks",
        tags=["compute"],
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
        id="flywheel.payment_memo",
        title="Memo: a COD fee, a prepaid discount, or neither?",
        variable="memo",
        tags=["judgement"],
        prompt=(
            "The CFO asks how to make cash-on-delivery orders pay for themselves. The two ideas "
            "on the table: a ₹39 fee on COD orders (marketing expects 30 % of COD orders to "
            "switch to prepaid and 10 % to be lost) or ₹25 off for paying up front (30 % switch). "
            "Make the call, tick the points that belong in the memo, give the contribution per "
            "COD and per prepaid order from your data (₹, to the rupee), and explain in a few "
            "sentences."
        ),
        kind=Judgement(
            model_answer=_memo_model_answer,
            rubric=[
                "States the call and that it is launched as a randomised test first",
                "Quotes contribution per COD and per prepaid order, and what drives the gap",
                "Says which assumption the forecast rests on (switchers behave like prepaid "
                "shoppers; the switch and loss shares)",
                "Names guardrails (orders and conversion of COD shoppers, refusals, complaints)",
                "Says the cost figures are assumptions to confirm with finance",
            ],
            calls={
                CALL_FEE: "Work out both policies per 100 orders with your numbers.",
                CALL_NUDGE: "Work out both policies per 100 orders with your numbers.",
                CALL_NEITHER: "Work out both policies per 100 orders: does either add contribution?",
            },
            evidence={
                EV_RTO: (True, ""),
                EV_CI: (True, ""),
                EV_TEST: (True, ""),
                EV_GUARD: (True, ""),
                EV_SAME: (
                    False,
                    "that is the assumption the forecast rests on, not evidence: a test checks it",
                ),
                EV_CAUSE: (
                    False,
                    "shoppers who choose COD may differ (new, far from a city); the gap is an "
                    "association until a randomised test shows what switching changes",
                ),
            },
            numbers={
                "contribution per COD order (₹)": Number(abs=1.0, unit="₹"),
                "contribution per prepaid order (₹)": Number(abs=1.0, unit="₹"),
            },
        ),
        reference=_memo_key,
        hints=[
            "`fw.cod_fee(ue, 39, 0.30, 0.10)` and `fw.prepaid_nudge(ue, 25, 0.30)` give each "
            "policy's change per 100 orders.",
            "The evidence that belongs depends on your data: is the gap's interval clear of zero?",
        ],
        solution="See the model answer shown after you check your memo.",
    ),
]
