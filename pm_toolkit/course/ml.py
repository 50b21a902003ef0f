"""Exercises for lesson 7, machine learning a PM works with: RTO risk, recommendations,
targeting, a support bot and its voice twin, and a memo on launching the model.

Every expected value is computed from the learner's own tables through ``ctx`` (models are
trained with :mod:`pm_toolkit.ml` on the learner's data, seeded), never typed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pm_toolkit.data.asr import GROUPS as ASR_GROUPS
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
from pm_toolkit.formatting import format_inr
from pm_toolkit.ml import evaluate as ev
from pm_toolkit.ml import intents, recommend, rto, targeting, voice

PCT = Percent(abs=0.0005)  # ±0.05 percentage points: the learner gives one decimal
PCT_MODEL = Percent(abs=0.005)  # model-based rates: ±0.5 pp
THRESHOLD = rto.REVIEW_THRESHOLD
CUTOFF = intents.REVIEW_CUTOFF
SOFT = "Launch it as a soft step (a prepaid nudge or a confirmation call) in an A/B test with a holdout"
HARD = "Launch it as a hard block on COD at the cheapest threshold"
KEEP = "Do not launch: keep today's rule"


# ---------------------------------------------------------------- the learner's results (cached)


def _split(ctx):
    return ctx.cached("ml:cod_split", lambda: rto.split_cod(ctx.load("cod_orders")))


def _y(ctx) -> np.ndarray:
    return ctx.cached("ml:y_test", lambda: rto.rto_label(_split(ctx).test))


def _scores(ctx, kind: str = "logistic") -> np.ndarray:
    def make():
        split = _split(ctx)
        return rto.fit_model(split.train, kind).score(split.test)

    return ctx.cached(f"ml:scores:{kind}", make)


def _at(ctx, threshold: float) -> ev.Confusion:
    return ev.at_threshold(_y(ctx), _scores(ctx), threshold)


def _rule(ctx) -> ev.Confusion:
    return ev.confusion(_y(ctx), rto.rule_flags(_split(ctx).test))


def _best_t(ctx, costs: ev.CostMatrix = rto.RTO_COSTS) -> float:
    return ctx.cached(f"ml:best_t:{costs}", lambda: ev.best_threshold(_y(ctx), _scores(ctx), costs))


def _groups(ctx) -> pd.DataFrame:
    return ctx.cached(
        "ml:groups",
        lambda: ev.by_group(_y(ctx), _scores(ctx), _split(ctx).test["city_tier"], _best_t(ctx)),
    )


def _fpr_gap_pp(ctx, col: str = "false_positive_rate") -> float:
    g = _groups(ctx).set_index("group")[col]
    return 100 * float(g.loc[3] - g.loc[1])


def _saving(ctx) -> float:
    table = ev.threshold_table(_y(ctx), _scores(ctx), rto.RTO_COSTS)
    return float(table.set_index("threshold").loc[_best_t(ctx), "saving"])


def _rule_saving(ctx) -> float:
    nobody = ev.confusion(_y(ctx), np.zeros(len(_y(ctx)), dtype=bool)).cost(rto.RTO_COSTS)
    return nobody - _rule(ctx).cost(rto.RTO_COSTS)


def _hit_rates(ctx) -> pd.DataFrame:
    def make():
        table = recommend.compare(recommend.split_baskets(ctx.load("basket_items")))
        keep = table[table["recommender"].isin(["item_to_item", "popular"])]
        return keep[["recommender", "hit_rate"]].reset_index(drop=True)

    return ctx.cached("ml:hit_rates", make)


def _promo(ctx) -> pd.DataFrame:
    return ctx.cached("ml:promo", lambda: ctx.load("promo_test"))


def _uplift(ctx) -> pd.DataFrame:
    return ctx.cached("ml:uplift", lambda: targeting.uplift_table(_promo(ctx)))


def _policy(ctx) -> pd.DataFrame:
    return targeting.best_offers(_uplift(ctx))


def _policy_by_conversion(ctx) -> pd.DataFrame:
    u = _uplift(ctx)
    top = u.loc[u.groupby("segment")["conversion_lift"].idxmax(), ["segment", "offer"]]
    return top.sort_values("segment").reset_index(drop=True)


def _bot(ctx):
    def make():
        split = intents.split_messages(ctx.load("support_messages"))
        return intents.train_intent_model(split.train), split.test

    return ctx.cached("ml:bot", make)


def _deflection(ctx) -> intents.BotResult:
    def make() -> intents.BotResult:
        model, test = _bot(ctx)
        return intents.bot_at(model, test, CUTOFF)

    # scoring every test message takes ≈ 0.25 s; the reference and a wrong answer both need it
    return ctx.cached("ml:deflection", make)


def _voice(ctx) -> pd.DataFrame:
    return ctx.cached("ml:voice", lambda: voice.data_priority(ctx.load("asr_results")))


def _group_label(row) -> str:
    return f"{row['language']}/{row['accent_group']}"


def _memo_key(ctx) -> MemoKey:
    call = SOFT if _saving(ctx) > max(_rule_saving(ctx), 0) else KEEP
    auc = ev.roc_auc(_y(ctx), _scores(ctx))
    return MemoKey(
        call=call,
        numbers={
            "test ROC-AUC": auc,
            "saving vs blocking nobody (₹)": _saving(ctx),
            "tier-3 minus tier-1 false-positive rate (pp)": _fpr_gap_pp(ctx),
        },
    )


def _memo_answer(ctx) -> str:
    key = _memo_key(ctx)
    n = key.numbers
    return (
        f"Call: {key.call}. Trained on orders before 1 Sep 2025 and tested on the 90 days after, "
        f"the logistic model ranks RTOs with a ROC-AUC of {n['test ROC-AUC']:.2f}; at the "
        f"cheapest threshold ({_best_t(ctx):.2f}) it would save "
        f"{format_inr(n['saving vs blocking nobody (₹)'])} against blocking nobody, while today's "
        f"rule {'saves' if _rule_saving(ctx) > 0 else 'costs'} {format_inr(abs(_rule_saving(ctx)))}. "
        f"delivery_attempts stays out: it is recorded after the outcome. The false-positive rate "
        f"of tier-3 customers is {n['tier-3 minus tier-1 false-positive rate (pp)']:.1f} points "
        "above tier-1's, so a hard block would refuse many good customers in smaller towns: "
        "nudge flagged orders to prepay (or confirm by call) instead, track false-positive rates "
        "by tier, and prove the saving online in an A/B test with a holdout before scaling. "
        "Model card: owner, retraining every quarter, switch off if RTO rate or tier gap drifts."
    )


# ---------------------------------------------------------------- the exercises

_TEST_WINDOW = "placed on or after 1 Sep 2025 (the test window)"

EXERCISES = [
    Exercise(
        id="ml.rto_by_tier",
        title="RTO rate by city tier, in SQL",
        prompt=(
            "Write one SQL query on `cod_orders` that returns, for orders "
            f"{_TEST_WINDOW}, one row per `city_tier` with columns `city_tier`, `orders` (the "
            "number of orders) and `rto_rate` (the share whose `outcome` is `'rto'`, as a "
            "fraction between 0 and 1)."
        ),
        kind=SQLAnswer(rtol=1e-6),
        reference=(
            "SELECT city_tier, COUNT(*) AS orders, "
            "AVG(CASE WHEN outcome = 'rto' THEN 1.0 ELSE 0.0 END) AS rto_rate "
            "FROM cod_orders WHERE order_ts >= '2025-09-01' GROUP BY city_tier"
        ),
        hints=[
            "Filter with `WHERE order_ts >= '2025-09-01'` (times are in IST).",
            "`AVG(CASE WHEN outcome = 'rto' THEN 1.0 ELSE 0.0 END)` is the share of RTOs.",
        ],
        explanation="Tier-3 COD orders come back far more often: any model will lean on that, "
        "which is why its mistakes must be checked tier by tier.",
        solution="SELECT city_tier, COUNT(*) AS orders,\n"
        "       AVG(CASE WHEN outcome = 'rto' THEN 1.0 ELSE 0.0 END) AS rto_rate\n"
        "FROM cod_orders WHERE order_ts >= '2025-09-01'\nGROUP BY city_tier",
        tags=["compute"],
    ),
    Exercise(
        id="ml.rule_precision",
        title="How often is today's rule right?",
        variable="rule_precision",
        prompt=(
            f"Today's rule refuses COD on a customer's first order of ₹2,000 or more. Among "
            f"`cod_orders` {_TEST_WINDOW} that the rule flags, what share came back (outcome "
            f"`'rto'`)? One decimal in %. {PCT.forms_sentence()}"
        ),
        kind=PCT,
        reference=lambda ctx: _rule(ctx).precision,
        hints=[
            "Flag `first_order & (order_value >= 2000)`, keep the flagged orders of the test "
            "window, and take the mean of `outcome == 'rto'`.",
            "`ml.confusion(y, flags).precision` does the same from the outcome and the flags.",
        ],
        explanation="This is the rule's precision: the share of its refusals that would really "
        "have come back. The rest were good customers turned away.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: float(_y(ctx).mean()),
                message="That is the RTO rate of all test orders; keep only those the rule flags.",
            ),
            WrongAnswer(
                value=lambda ctx: _rule(ctx).recall,
                message="That is the share of all RTOs the rule catches (its recall); we asked "
                "for the share of flagged orders that came back.",
            ),
            WrongAnswer(
                value=lambda ctx: _rule(ctx).fn / (_rule(ctx).fn + _rule(ctx).tn),
                message="That is the RTO rate of the orders the rule lets through.",
            ),
        ],
        solution="test = ml.rto.split_cod(cod).test\nflags = ml.rto.rule_flags(test)\n"
        "rule_precision = (test.loc[flags, 'outcome'] == 'rto').mean()",
        tags=["compute"],
    ),
    Exercise(
        id="ml.majority_accuracy",
        title="The accuracy of doing nothing",
        variable="majority_accuracy",
        prompt=(
            'A "model" predicts *delivered* for every order. What accuracy (share of '
            f"`cod_orders` {_TEST_WINDOW} it gets right) does it score? One decimal in %. "
            f"{PCT.forms_sentence()}"
        ),
        kind=PCT,
        reference=lambda ctx: float(1 - _y(ctx).mean()),
        hints=["It is right on every order that was delivered."],
        explanation="A high accuracy that catches no RTO at all: accuracy is the wrong yardstick "
        "when the outcome you care about is rare.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: float(_y(ctx).mean()),
                message="That is the RTO rate: the share it gets wrong.",
            ),
            WrongAnswer(
                value=lambda ctx: float((ctx.load("cod_orders")["outcome"] == "delivered").mean()),
                message="That uses every order of the year; keep the test window only.",
            ),
        ],
        solution="majority_accuracy = (test['outcome'] == 'delivered').mean()",
        tags=["compute"],
    ),
    Exercise(
        id="ml.precision_at_threshold",
        title="Precision of the model at 0.20",
        variable="precision",
        prompt=(
            "Train a logistic regression on the `cod_orders` placed before 1 Sep 2025, using only "
            "the order-time columns (everything the lesson's model uses, no "
            "`delivery_attempts`), score the orders of the test window, and flag those scoring "
            f"0.20 or more. What is the precision (share of flagged orders that came back)? "
            f"{PCT_MODEL.forms_sentence()}"
        ),
        kind=PCT_MODEL,
        reference=lambda ctx: _at(ctx, THRESHOLD).precision,
        hints=[
            "`split = ml.rto.split_cod(cod)`, then `model = ml.rto.fit_model(split.train)` and "
            "`score = model.score(split.test)`.",
            "`ml.at_threshold(ml.rto.rto_label(split.test), score, 0.20).precision`.",
        ],
        explanation="Precision tells the checkout team how many refused customers were really "
        "risky; the rest are false alarms.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _at(ctx, THRESHOLD).recall,
                message="That is the recall (share of RTOs caught); we asked for precision.",
            ),
            WrongAnswer(
                value=lambda ctx: _at(ctx, THRESHOLD).accuracy,
                message="That is the accuracy; precision looks only at the flagged orders.",
            ),
        ],
        solution="precision = ml.at_threshold(y_test, score, 0.20).precision",
        tags=["compute"],
    ),
    Exercise(
        id="ml.recall_at_threshold",
        title="Recall of the model at 0.20",
        variable="recall",
        prompt=(
            "With the same model and threshold (0.20), what share of the test window's RTO "
            f"orders does it flag (the recall)? {PCT_MODEL.forms_sentence()}"
        ),
        kind=PCT_MODEL,
        reference=lambda ctx: _at(ctx, THRESHOLD).recall,
        hints=["Recall = caught RTOs ÷ all RTOs: `ml.at_threshold(...).recall`."],
        explanation="Recall is what the model saves you from; precision is what it costs you in "
        "good customers. A threshold trades one for the other.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _at(ctx, THRESHOLD).precision,
                message="That is the precision; recall divides by all RTOs, flagged or not.",
            ),
            WrongAnswer(
                value=lambda ctx: _at(ctx, THRESHOLD).false_positive_rate,
                message="That is the false-positive rate (good orders flagged); we asked for "
                "the share of RTOs flagged.",
            ),
        ],
        solution="recall = ml.at_threshold(y_test, score, 0.20).recall",
        tags=["compute"],
    ),
    Exercise(
        id="ml.cheapest_threshold",
        title="The threshold that costs least",
        variable="best_threshold",
        prompt=(
            "A missed RTO costs ₹200 (both shipping legs, packing, blocked stock); refusing COD "
            "to a good order costs ₹110 (the sale is often lost). With the same model's scores "
            "on the test window, which threshold among 0.05, 0.10, …, 0.95 gives the lowest "
            "total cost? Give it as a number such as 0.45."
        ),
        kind=Number(abs=0.001),
        reference=_best_t,
        hints=[
            "For each threshold: cost = 200 × missed RTOs + 110 × good orders flagged.",
            "`ml.best_threshold(y_test, score, ml.CostMatrix(false_negative=200, "
            "false_positive=110))`.",
        ],
        explanation="The cheapest threshold sits near 110 / (110 + 200) ≈ 0.35 when the scores "
        "are calibrated; a threshold is a business decision, not a modelling default of 0.5.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _best_t(
                    ctx, ev.CostMatrix(false_negative=110.0, false_positive=200.0)
                ),
                message="You swapped the costs: ₹200 is the missed RTO (a false negative), ₹110 "
                "the refused good order (a false positive).",
            ),
        ],
        solution="costs = ml.CostMatrix(false_negative=200, false_positive=110)\n"
        "best_threshold = ml.best_threshold(y_test, score, costs)",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="ml.leaky_feature",
        title="Which column leaks?",
        prompt=(
            "One column of `cod_orders` would make a model look brilliant offline and is "
            "useless at checkout. Which one?"
        ),
        kind=Choice(
            {
                "delivery_attempts": "Right: the courier records it after the outcome; an "
                "order refused at the door gets more attempts.",
                "address_score": "The address form is complete (or not) when the order is "
                "placed: known at checkout.",
                "payment_switch": "The switch to COD happens during checkout, before the order "
                "is placed.",
                "prior_rtos": "Earlier orders' outcomes are history: known before this order.",
                "order_value": "The basket's value is known at checkout.",
            }
        ),
        reference="delivery_attempts",
        hints=["Ask of each column: when is it written down, before or after delivery?"],
        explanation="A screen of single-column AUCs flags it too: no order-time column comes "
        "close. Ask the data dictionary when every column is recorded.",
        tags=["decide"],
    ),
    Exercise(
        id="ml.tier_fpr_gap",
        title="Who carries the false alarms?",
        variable="gap_pp",
        prompt=(
            "At your cheapest threshold, compute the false-positive rate (good orders flagged ÷ "
            "all good orders) for tier-3 customers and for tier-1 customers in the test window. "
            "How many percentage points higher is tier 3's? One decimal, e.g. 4.2."
        ),
        kind=Number(abs=0.05, unit="pp"),
        reference=_fpr_gap_pp,
        hints=[
            "Keep the delivered orders of each tier and take the share that scores at or above "
            "the threshold.",
            "`ml.by_group(y_test, score, split.test['city_tier'], best_threshold)` has a "
            "`false_positive_rate` column.",
        ],
        explanation="The model is not told to treat tiers differently, yet good customers in "
        "smaller towns are refused far more often: base rates and proxies (address, value) do it.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _fpr_gap_pp(ctx) / 100,
                abs=0.0005,
                message="That looks like a fraction; give percentage points (× 100).",
            ),
            WrongAnswer(
                value=lambda ctx: _fpr_gap_pp(ctx, "flagged_share"),
                message="That compares the share of *all* orders flagged; the false-positive "
                "rate looks only at orders that were delivered.",
            ),
            WrongAnswer(
                value=lambda ctx: -_fpr_gap_pp(ctx),
                message="That is tier 1 minus tier 3; we asked for tier 3 minus tier 1.",
            ),
        ],
        solution="g = ml.by_group(y_test, score, split.test['city_tier'], best_threshold)"
        ".set_index('group')\n"
        "gap_pp = 100 * (g.loc[3, 'false_positive_rate'] - g.loc[1, 'false_positive_rate'])",
        tags=["compute"],
    ),
    Exercise(
        id="ml.fairness_action",
        title="What to do about the gap",
        prompt="Given your tier gap in false-positive rates, what should the checkout team do?",
        kind=Choice(
            {
                "Replace the block with a softer step for flagged orders (a prepaid nudge or a "
                "confirmation call) and track false-positive rates by tier": "",
                "Drop city_tier from the features; then the model cannot be unfair": "Proxies "
                "such as address completeness and order value still carry the tier: measure the "
                "rates again, do not assume.",
                "Lower the threshold for tier-3 orders": "A lower threshold flags even more good "
                "tier-3 customers.",
                "Launch the hard block; the overall numbers are good": "The overall numbers hide "
                "who pays for the false alarms; look at your tier gap.",
            }
        ),
        reference=lambda ctx: (
            "Replace the block with a softer step for flagged orders (a prepaid nudge or a "
            "confirmation call) and track false-positive rates by tier"
            if _fpr_gap_pp(ctx) > 1.0
            else "Launch the hard block; the overall numbers are good"
        ),
        hints=["Who is refused wrongly, and what does it cost them to be refused?"],
        explanation="A softer action keeps the saving on real RTOs while a wrongly flagged "
        "customer can still buy; the tier rates become a launch guardrail.",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="ml.hit_rates",
        title="Item-to-item against most popular",
        variable="hit_rates",
        prompt=(
            "Learn from the `basket_items` bought before 1 Sep 2025. For each basket of the test "
            "window with at least two items, show 10 products for its first item (`line` 1); a "
            "hit is a basket where one of its other items is among them. Return a DataFrame with "
            "columns `recommender` and `hit_rate` (a fraction) and two rows: `item_to_item` "
            "(cosine similarity over co-purchases) and `popular` (the 10 most bought products, "
            "leaving out the item itself)."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-6),
        reference=_hit_rates,
        hints=[
            "`split = ml.recommend.split_baskets(baskets)` and `ml.recommend.compare(split)`.",
            "Keep the two rows asked for and the two columns.",
        ],
        explanation="Item-to-item recovers what is bought together; whether showing it sells "
        "more is a question for an A/B test.",
        solution="table = ml.recommend.compare(split)\n"
        "hit_rates = table[table['recommender'].isin(['item_to_item', 'popular'])]"
        "[['recommender', 'hit_rate']]",
        tags=["compute"],
    ),
    Exercise(
        id="ml.regular_offer",
        title="Which offer for regulars?",
        prompt=(
            "From `promo_test`, which offer should the `regular` segment see, judged by "
            "incremental margin per visitor (margin minus the offer's cost, against no offer)?"
        ),
        kind=Choice(
            {
                "none": "",
                "bank_offer": "Compare margin net of the offer's cost with the no-offer group, "
                "not conversion.",
                "free_delivery": "Compare margin net of the offer's cost with the no-offer group, "
                "not conversion.",
                "coupon_100": "The coupon lifts conversion most, but regulars buy anyway: most "
                "of the coupons go to orders you would have had.",
            }
        ),
        reference=lambda ctx: dict(
            zip(_policy(ctx)["segment"], _policy(ctx)["offer"], strict=True)
        )["regular"],
        hints=[
            "Net margin per visitor = mean of (gross_margin − offer_cost) over every visitor "
            "given that offer, buyers or not.",
            "`ml.targeting.uplift_table(promo)` compares every offer with no offer.",
        ],
        explanation="Conversion rises with every offer; margin does not. Targeting is about "
        "incremental margin, and only the randomised test measures it.",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="ml.targeting_policy",
        title="A targeting policy",
        variable="policy",
        prompt=(
            "Return a DataFrame with one row per `segment` of `promo_test` and columns `segment` "
            "and `offer`: the offer with the highest incremental net margin per visitor against "
            "no offer, or `'none'` when no offer adds margin."
        ),
        kind=DataFrameAnswer(ignore_order=True),
        reference=_policy,
        hints=[
            "Per segment and offer: mean(gross_margin − offer_cost) minus the same for `none`.",
            "`ml.targeting.best_offers(ml.targeting.uplift_table(promo))`.",
        ],
        explanation="Check what it earns with `ml.targeting.policy_value(promo, policy)`: more "
        "than any single offer for everyone. Keep a holdout after launch.",
        wrong_answers=[
            WrongAnswer(
                predicate=lambda answer, ctx: (
                    isinstance(answer, pd.DataFrame)
                    and {"segment", "offer"} <= set(answer.columns)
                    and dict(zip(answer["segment"], answer["offer"], strict=False))
                    == dict(
                        zip(
                            _policy_by_conversion(ctx)["segment"],
                            _policy_by_conversion(ctx)["offer"],
                            strict=True,
                        )
                    )
                ),
                example=_policy_by_conversion,
                message="You picked the offer with the biggest conversion lift; pick by margin "
                "net of the offer's cost.",
            ),
        ],
        solution="policy = ml.targeting.best_offers(ml.targeting.uplift_table(promo))",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="ml.bot_deflection",
        title="How many contacts can the bot answer?",
        variable="deflection",
        prompt=(
            "Train the support bot's intent classifier on the `support_messages` sent before "
            "1 Sep 2025. On the messages from then on, what share would the bot answer itself "
            f"if it answers only at a confidence of 0.70 or more? {PCT_MODEL.forms_sentence()}"
        ),
        kind=PCT_MODEL,
        reference=lambda ctx: _deflection(ctx).deflection,
        hints=[
            "`split = ml.intents.split_messages(messages)`, `bot = "
            "ml.intents.train_intent_model(split.train)`.",
            "`ml.intents.bot_at(bot, split.test, 0.70).deflection`.",
        ],
        explanation="Deflection is not resolution: some of the bot's answers are misroutes. "
        "The cut-off trades one for the other, in rupees.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: 1 - _deflection(ctx).deflection,
                message="That is the share handed to humans; we asked for the share the bot "
                "answers.",
            ),
        ],
        solution="deflection = ml.intents.bot_at(bot, split.test, 0.70).deflection",
        tags=["compute"],
    ),
    Exercise(
        id="ml.voice_data",
        title="Where should the next voice recordings go?",
        prompt=(
            "From `asr_results`, which language/accent group should the next batch of training "
            "recordings come from, to avoid the most word errors across all voice traffic?"
        ),
        kind=Choice(
            {
                f"{lang}/{acc}": (
                    "It has the worst word error rate, but sends a small share of voice "
                    "traffic: weigh the gain by traffic."
                    if (lang, acc) == ("english", "northeast")
                    else "Weigh each group's gain from the last doubling of data (v1 → v2) by "
                    "its share of voice traffic."
                )
                for lang, acc, *_ in ASR_GROUPS
            }
        ),
        reference=lambda ctx: _group_label(_voice(ctx).iloc[0]),
        hints=[
            "WER = (substitutions + deletions + insertions) ÷ words said, per group and model.",
            "`ml.voice.data_priority(asr)` weighs the v1 → v2 gain by traffic share.",
        ],
        explanation="The worst error rate is not the best investment: value = traffic × the "
        "error each new hour of data removes.",
        tags=["compute", "decide"],
    ),
    Exercise(
        id="ml.launch_memo",
        title="Memo: launch the COD risk model?",
        prompt=(
            "Write the memo to the checkout team: do we launch the RTO model, and how? Make the "
            "call, tick the points that belong, give three numbers from your data, then explain "
            "in your own words (a model card in miniature: use, limits, groups, monitoring)."
        ),
        kind=Judgement(
            model_answer=_memo_answer,
            rubric=[
                "States the call and the action taken on flagged orders",
                "Quotes the test-window score and the saving in rupees against a baseline",
                "Names the tier gap and what will be monitored by tier",
                "Keeps the leaky column out and says why",
                "Asks for an online A/B test or holdout before scaling",
            ],
            calls={
                SOFT: "",
                HARD: "Look at your tier gap in false-positive rates: who pays for the false "
                "alarms of a hard block?",
                KEEP: "Compare the model's saving at its cheapest threshold with the rule's.",
            },
            evidence={
                "The model was tested on orders placed after those it learned from": (True, ""),
                "delivery_attempts stays out of the features": (True, ""),
                "False-positive rates differ by city tier": (True, ""),
                "An offline saving still needs an online test": (True, ""),
                "The model is about 87% accurate, so it is good": (
                    False,
                    "predicting 'delivered' for everyone scores about the same accuracy",
                ),
                "The leaky model's AUC shows what the model can do": (
                    False,
                    "the leak is not known at checkout",
                ),
            },
            numbers={
                "test ROC-AUC": Number(abs=0.01),
                "saving vs blocking nobody (₹)": Number(rel=0.02, unit="₹"),
                "tier-3 minus tier-1 false-positive rate (pp)": Number(abs=0.1, unit="pp"),
            },
        ),
        reference=_memo_key,
        hints=[
            "The numbers: `ml.roc_auc(y_test, score)`, the `saving` column of "
            "`ml.threshold_table` at your cheapest threshold, and your tier gap.",
        ],
        tags=["judgement"],
    ),
]
