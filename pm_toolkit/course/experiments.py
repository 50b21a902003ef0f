"""Exercises for lesson 4, experimentation done right: design, analyse, distrust, decide.

Every expected value is computed from the learner's own ``assignments`` table (through
``ctx``) or by :mod:`pm_toolkit.experiments` from the numbers in the prompt, never typed here.
"""

from __future__ import annotations

import pandas as pd

from pm_toolkit import experiments as ex
from pm_toolkit.exercises import (
    Choice,
    Exercise,
    Judgement,
    MultiChoice,
    Number,
    Percent,
    WrongAnswer,
)

# ---------------------------------------------------------------- the design question's inputs

BASELINE = 0.04  # product-page conversion in the sample-size prompt
RELATIVE_MDE = 0.10  # a 10 % relative lift: 4.0 % → 4.4 %

#: The data world's experiments: the ids are the options of the SRM question.
EXPERIMENT_IDS = ("exp_01", "exp_02", "exp_03", "exp_04", "exp_05", "exp_06")

DECISION_OPTIONS = {
    "ship": "Ship it: conversion went up",
    "don't ship": "Don't ship: a guardrail got significantly worse",
    "extend": "Extend the test: the result is not clear yet",
    "investigate": "Don't read it yet: the split is broken (SRM)",
}


# ---------------------------------------------------------------- references from the learner's data


def _assignments(ctx) -> pd.DataFrame:
    return ctx.cached("experiments:assignments", lambda: ctx.load("assignments"))


def _result(experiment_id: str, metric: str = "converted", alpha: float = 0.05):
    def compute(ctx) -> ex.ComparisonResult:
        return ctx.cached(
            f"experiments:{experiment_id}:{metric}:{alpha}",
            lambda: ex.analyse(_assignments(ctx), experiment_id, metric, alpha),
        )

    return compute


def _sample_size_value(mde: float = RELATIVE_MDE, relative: bool = True, **kwargs) -> int:
    return ex.sample_size(BASELINE, mde, relative=relative, **kwargs).n_per_arm


def _srm_results(ctx) -> dict[str, ex.SrmResult]:

    def make() -> dict[str, ex.SrmResult]:
        a = _assignments(ctx)
        registry = ctx.load("experiments").set_index("experiment_id")
        return {
            e: ex.srm_check(a, e, float(registry.loc[e, "planned_split"]))
            for e in sorted(a["experiment_id"].unique())
        }

    return ctx.cached("experiments:srm", make)


def _srm_experiment(ctx) -> str:
    """The experiment whose split is least likely to be chance: the broken one."""
    results = _srm_results(ctx)
    return min(results, key=lambda e: results[e].p_value)


def _srm_p(ctx) -> float:
    return _srm_results(ctx)[_srm_experiment(ctx)].p_value


def _srm_conversion_p(ctx) -> float:
    return _result(_srm_experiment(ctx))(ctx).p_value


def _decision(ctx) -> str:
    call = ex.report(_assignments(ctx), "exp_05", guardrails=("page_load_ms", "returned"))
    return DECISION_OPTIONS[call.decision.action]


def _peeking(ctx) -> float:
    return ex.peeking_simulation(5, seed=ctx.seed).peeking_fpr


def _per_user_aov_low(ctx) -> float:
    """The tempting mistake: average each buyer's own AOV, then Welch on those averages."""
    a = _assignments(ctx)
    a = a[(a["experiment_id"] == "exp_06") & (a["orders"] > 0)]
    per_user = a["revenue"] / a["orders"]
    arms = [per_user[a["variant"] == v] for v in ("control", "treatment")]
    return ex.mean_test_samples(arms[0], arms[1]).ci_low


# ---------------------------------------------------------------- the exercises

EXERCISES = [
    Exercise(
        id="experiments.sample_size",
        title="How many users does the test need?",
        variable="n_per_arm",
        prompt=(
            "Bazaar's product page converts 4% of visitors. You want to detect a 10% relative "
            "lift (4.0% → 4.4%) with a two-sided test at α = 0.05 and 80% power. How many users "
            "do you need **per arm**? (Use `experiments.sample_size`, or the formula in the "
            "lesson; round up.)"
        ),
        kind=Number(rel=0.01, unit="users"),
        reference=lambda ctx: _sample_size_value(),
        hints=[
            "The MDE here is relative: 10% *of* 4%, i.e. 0.4 percentage points.",
            "`experiments.sample_size(baseline=0.04, mde=0.10, relative=True).n_per_arm`.",
        ],
        explanation=(
            "Small baselines and small lifts need many users: the sample grows with 1/δ², so "
            "halving the MDE quadruples the test."
        ),
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _sample_size_value(mde=0.10, relative=False),
                message="You treated the 10% as an absolute jump (4% → 14%). The lift is "
                "relative: 4.0% → 4.4%.",
            ),
            WrongAnswer(
                value=lambda ctx: _sample_size_value(mde=0.001, relative=False),
                message="You read 10% as 0.1 percentage points (4.0% → 4.1%); it is 10% of 4%, "
                "i.e. 0.4 points.",
            ),
            WrongAnswer(
                value=lambda ctx: _sample_size_value(two_sided=False),
                message="That is the one-sided answer (z = 1.645). The test is two-sided, so "
                "use z = 1.96 for α = 0.05.",
            ),
            WrongAnswer(
                value=lambda ctx: 2 * _sample_size_value(),
                message="That is the total for both arms; we asked per arm.",
            ),
        ],
        solution="n_per_arm = experiments.sample_size(0.04, 0.10, relative=True).n_per_arm",
    ),
    Exercise(
        id="experiments.win_difference",
        title="The one-tap UPI test: how big is the win?",
        variable="diff_pp",
        prompt=(
            "In your `assignments`, compare conversion of treatment against control in `exp_01`. "
            "By how many **percentage points** did conversion change (treatment minus control)? "
            "Give at least two decimals, e.g. 1.23."
        ),
        kind=Number(abs=0.005, unit="pp"),
        reference=lambda ctx: 100 * _result("exp_01")(ctx).difference,
        hints=[
            "`experiments.analyse(assignments, 'exp_01', 'converted')` compares the arms.",
            "Its `.difference` is a fraction: multiply by 100 for percentage points.",
        ],
        explanation="Percentage points compare rates directly; the relative lift divides by the "
        "baseline and always sounds bigger.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01")(ctx).relative_lift,
                abs=0.005,
                message="That is the relative lift in %; we asked for the difference in "
                "percentage points.",
            ),
            WrongAnswer(
                value=lambda ctx: _result("exp_01")(ctx).difference,
                abs=0.00005,
                message="That looks like a fraction; multiply by 100 for percentage points.",
            ),
            WrongAnswer(
                value=lambda ctx: -100 * _result("exp_01")(ctx).difference,
                message="That is control minus treatment; we asked for treatment minus control.",
            ),
        ],
        solution="r = experiments.analyse(assignments, 'exp_01', 'converted')\n"
        "diff_pp = 100 * r.difference",
    ),
    Exercise(
        id="experiments.win_ci_low",
        title="The low end of the interval",
        variable="ci_low_pp",
        prompt=(
            "Still on `exp_01`: what is the **lower** bound of the 95% confidence interval for the "
            "difference in conversion, in percentage points (two decimals)?"
        ),
        kind=Number(abs=0.005, unit="pp"),
        reference=lambda ctx: 100 * _result("exp_01")(ctx).ci_low,
        hints=[
            "The result has `.ci_low` and `.ci_high` (fractions).",
            "Multiply `.ci_low` by 100.",
        ],
        explanation="If even the low end of the interval is a gain worth having, the win is "
        "both statistically and practically significant.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01")(ctx).ci_high,
                message="That is the upper bound; we asked for the lower one.",
            ),
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01", alpha=0.10)(ctx).ci_low,
                message="That is the 90% interval (alpha=0.10); use the 95% one (alpha=0.05).",
            ),
            WrongAnswer(
                value=lambda ctx: _result("exp_01")(ctx).ci_low,
                abs=0.00005,
                message="That looks like a fraction; multiply by 100 for percentage points.",
            ),
        ],
        solution="ci_low_pp = 100 * r.ci_low",
    ),
    Exercise(
        id="experiments.win_ci_high",
        title="The high end of the interval",
        variable="ci_high_pp",
        prompt=(
            "And the **upper** bound of the same 95% confidence interval, in percentage points "
            "(two decimals)?"
        ),
        kind=Number(abs=0.005, unit="pp"),
        reference=lambda ctx: 100 * _result("exp_01")(ctx).ci_high,
        hints=["Multiply `.ci_high` by 100."],
        explanation="The width of the interval is the price of the sample size: four times the "
        "users halves it.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01")(ctx).ci_low,
                message="That is the lower bound; we asked for the upper one.",
            ),
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01", alpha=0.10)(ctx).ci_high,
                message="That is the 90% interval (alpha=0.10); use the 95% one (alpha=0.05).",
            ),
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01")(ctx).relative_ci_high,
                abs=0.005,
                message="That is the upper bound of the relative lift in %; we asked for the "
                "difference in percentage points.",
            ),
        ],
        solution="ci_high_pp = 100 * r.ci_high",
    ),
    Exercise(
        id="experiments.win_p_value",
        title="The p-value of the win",
        variable="p_value",
        prompt=(
            "What is the two-sided p-value of the conversion difference in `exp_01` (the pooled "
            "two-proportion z-test that `experiments.analyse` runs)?"
        ),
        kind=Number(rel=0.05),
        reference=lambda ctx: _result("exp_01")(ctx).p_value,
        hints=["The result record has a `.p_value`."],
        explanation="The p-value is the chance of a difference at least this big if the button "
        "did nothing; it is not the chance that the button works.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: _result("exp_01")(ctx).p_value / 2,
                rel=0.05,
                message="That is a one-sided p-value; the test is two-sided.",
            ),
        ],
        solution="p_value = r.p_value",
    ),
    Exercise(
        id="experiments.ship_decision",
        title="Autoplay videos: ship, don't ship or extend?",
        prompt=(
            "Analyse `exp_05` (autoplay product videos): check the split, conversion, and the "
            "guardrails `page_load_ms` and `returned`. What is the call?"
        ),
        kind=Choice(
            {
                DECISION_OPTIONS["ship"]: (
                    "Look at the guardrails before the primary metric: a win that slows every "
                    "page or raises returns can cost more than it earns."
                ),
                DECISION_OPTIONS["don't ship"]: "Right: a broken guardrail vetoes the win.",
                DECISION_OPTIONS["extend"]: (
                    "More data will not fix a guardrail that is already clearly worse."
                ),
                DECISION_OPTIONS["investigate"]: (
                    "Run `experiments.srm_check(assignments, 'exp_05')`: the split is fine here."
                ),
            }
        ),
        reference=_decision,
        hints=[
            "`experiments.report(assignments, 'exp_05')` runs the SRM check, the primary metric "
            "and the guardrails.",
            "For a guardrail, up is bad: a significant increase in load time or returns blocks "
            "the launch.",
        ],
        explanation=(
            "Videos make pages heavier and set wrong expectations, so more people buy and more "
            "send it back. Fix the load time (lazy-load the video) and test again."
        ),
        solution="experiments.report(assignments, 'exp_05').decision",
    ),
    Exercise(
        id="experiments.srm_which",
        title="Which test has a broken split?",
        prompt=(
            "Every test in your `experiments` table planned a 50/50 split. Run the sample-ratio "
            "check on each. Which experiment has a sample-ratio mismatch? Answer with its id, "
            "e.g. 'exp_01'."
        ),
        kind=Choice(
            {
                e: (
                    f"The split of {e} is within chance of its plan. Compare the SRM p-values "
                    "of all six tests: the mismatch has by far the smallest."
                )
                for e in EXPERIMENT_IDS
            }
        ),
        reference=_srm_experiment,
        hints=[
            "`experiments.srm_check(assignments, experiment_id)` for each id.",
            "Look for the smallest p-value, far below 0.001.",
        ],
        explanation=(
            "The new widget crashed for some low-intent users, so they were never logged: the "
            "treatment arm lost users who rarely buy, and its conversion looks better than it is."
        ),
        solution="{e: experiments.srm_check(assignments, e).p_value\n"
        " for e in assignments['experiment_id'].unique()}",
    ),
    Exercise(
        id="experiments.srm_p_value",
        title="The SRM p-value",
        variable="srm_p_value",
        prompt=(
            "What is the SRM (chi-square) p-value of that experiment? Scientific notation is "
            "fine, e.g. 3.2e-5."
        ),
        kind=Number(rel=0.02),
        reference=_srm_p,
        hints=[
            "`experiments.srm_check(assignments, 'exp_0?').p_value`.",
            "It is the same as `scipy.stats.chisquare([n_control, n_treatment]).pvalue`.",
        ],
        explanation="A p-value this small means the split did not come from a fair coin: "
        "something removed users from one arm.",
        wrong_answers=[
            WrongAnswer(
                value=_srm_conversion_p,
                rel=0.02,
                message="That is the p-value of the conversion difference; the SRM test "
                "compares the number of users per arm with the planned 50/50.",
            ),
        ],
        solution="srm_p = experiments.srm_check(assignments, 'exp_03').p_value",
    ),
    Exercise(
        id="experiments.peeking_rate",
        title="What does peeking cost?",
        variable="fpr_5_looks",
        prompt=(
            "An A/A test (no real effect) is checked 5 times and stopped at the first p < 0.05. "
            "What share of such tests declare a winner? Run "
            "`experiments.peeking_simulation(looks=5, seed=my_seed)` with `my_seed = "
            "learner.current_seed()`, and give `peeking_fpr`. " + Percent().forms_sentence()
        ),
        kind=Percent(abs=0.015),
        reference=_peeking,
        hints=[
            "Guess first: is it 5%, 25%, or something in between?",
            "`experiments.peeking_simulation(5, seed=learner.current_seed()).peeking_fpr`.",
        ],
        explanation=(
            "About three times the 5% you signed up for. The looks share data, so the chances do "
            "not simply add up (5 × 5%), but every extra look adds some."
        ),
        wrong_answers=[
            WrongAnswer(
                value=0.05,
                abs=0.005,
                message="5% holds for one look at the end. Each extra look is another chance "
                "to stop on noise.",
            ),
            WrongAnswer(
                value=0.25,
                abs=0.01,
                message="Adding 5 × 5% assumes every look is a fresh chance; the looks share "
                "most of their data, so the total is smaller.",
            ),
            WrongAnswer(
                value=1 - 0.95**5,
                abs=0.01,
                message="1 − 0.95⁵ treats the 5 looks as independent tests; they share data, "
                "so the real rate is lower.",
            ),
        ],
        solution="fpr_5_looks = experiments.peeking_simulation(5, seed=learner.current_seed())"
        ".peeking_fpr",
    ),
    Exercise(
        id="experiments.checkout_guardrails",
        title="Guardrails for a checkout change",
        variable="guardrails",
        prompt=(
            "You are testing a new one-page checkout; the primary metric is conversion. Tick "
            "every metric that should be a **guardrail** (must not get worse)."
        ),
        kind=MultiChoice(
            {
                "Payment failure rate": "",
                "Page load time of the checkout page": "",
                "Order cancellation and RTO rate": "",
                "Conversion rate": (
                    "Conversion is the primary metric here, the one the change should move."
                ),
                "Number of experiments running this quarter": (
                    "That describes the team, not this change's effect on customers."
                ),
                "Twitter followers of the brand": (
                    "Too far from the change and too slow to react within a test."
                ),
            }
        ),
        reference=[
            "Payment failure rate",
            "Page load time of the checkout page",
            "Order cancellation and RTO rate",
        ],
        hints=[
            "A guardrail is something the change could break even while conversion goes up.",
            "Think of speed, payments and orders that never turn into delivered revenue.",
        ],
        explanation=(
            "A faster checkout that fails more UPI payments, loads slower on 4G phones, or lets "
            "through more cash-on-delivery orders that are refused at the door is not a win."
        ),
        solution="guardrails = ['Payment failure rate', 'Page load time of the checkout page',\n"
        "              'Order cancellation and RTO rate']",
    ),
    Exercise(
        id="experiments.aov_ratio",
        title="Free delivery above ₹499: what happened to AOV?",
        variable="aov_ci_low",
        prompt=(
            "In `exp_06`, AOV = total revenue ÷ total orders per arm, but users (not orders) were "
            "randomised. Using the delta method (`experiments.analyse(assignments, 'exp_06', "
            "'aov')`), what is the **lower** bound of the 95% CI for the AOV difference, "
            "treatment minus control, in ₹?"
        ),
        kind=Number(abs=0.5, unit="₹"),
        reference=lambda ctx: _result("exp_06", "aov")(ctx).ci_low,
        hints=[
            "`experiments.ratio_metric_test(rev_c, orders_c, rev_t, orders_t)` with one value "
            "per user; `analyse(..., 'aov')` does this for you.",
            "Read `.ci_low` of the result.",
        ],
        explanation=(
            "AOV fell: with a lower free-delivery bar, people stop padding baskets up to ₹999. "
            "Whether that is bad depends on orders per user and revenue per user, the metrics "
            "that pay the bills."
        ),
        wrong_answers=[
            WrongAnswer(
                value=_per_user_aov_low,
                abs=0.5,
                message="You averaged each buyer's own AOV; AOV is total revenue ÷ total orders, "
                "so big baskets count by their orders. Use the ratio (delta-method) test.",
            ),
            WrongAnswer(
                value=lambda ctx: _result("exp_06", "revenue")(ctx).ci_low,
                abs=0.5,
                message="That is revenue per user (ARPU), not revenue per order.",
            ),
        ],
        solution="aov_ci_low = experiments.analyse(assignments, 'exp_06', 'aov').ci_low",
    ),
    Exercise(
        id="experiments.decision_memo",
        title="Write the decision memo",
        prompt=(
            "Write a short decision memo for `exp_06` (free delivery above ₹499 instead of ₹999) "
            "for your category head: the decision, the evidence (primary metric and guardrails, "
            "with intervals), the trust checks, and what you would do next."
        ),
        kind=Judgement(
            model_answer=(
                "Decision: do not roll out yet; rerun or extend with revenue per user as the "
                "primary metric and a margin check. Trust: the split matched the planned 50/50 "
                "(SRM p well above 0.001) and the duration was fixed in advance, so there was no "
                "peeking. Evidence: conversion moved a little, but AOV fell clearly (delta-method "
                "interval below zero), and revenue per user has an interval that includes both a "
                "loss and a small gain, so the net effect on revenue is unproven; returns did not "
                "change significantly. Cost: free delivery on ₹499–₹999 orders raises shipping "
                "cost per order, so even flat revenue means lower margin. Next: estimate contribution "
                "margin per user, test a middle threshold (₹699), and pre-register the metric and "
                "sample size before starting."
            ),
            rubric=[
                "States a clear decision (ship / don't ship / extend) up front",
                "Reports the primary metric with its interval, not only a p-value",
                "Mentions the trust checks: SRM and no peeking",
                "Uses AOV correctly as a ratio metric and looks at revenue per user or margin",
                "Proposes a concrete next step (new test, threshold, pre-registration)",
            ],
        ),
        hints=[
            "Start with `experiments.report(assignments, 'exp_06', primary='revenue', "
            "guardrails=('returned',))`.",
            "Then look at conversion and AOV: what moved, what fell, and what does it cost?",
        ],
        solution="See the model answer after you check your memo.",
    ),
]
