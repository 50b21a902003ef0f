"""Exercises for lesson 4, experimentation done right: design, analyse, distrust, decide.

Most questions make the learner compute from their own ``assignments`` table (pandas or SQL)
and then decide; every expected value, every right option and the memo's model answer come
from that table through ``ctx`` (or from the figures in the prompt), never typed here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pm_toolkit import experiments as ex
from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    Judgement,
    MemoKey,
    MultiChoice,
    Number,
    Percent,
    SQLAnswer,
    WrongAnswer,
)
from pm_toolkit.experiments import readout

# ---------------------------------------------------------------- the design question's inputs

BASELINE = 0.04  # product-page conversion in the sample-size prompt
RELATIVE_MDE = 0.10  # a 10 % relative lift: 4.0 % → 4.4 %

#: The bar the UPI team agreed before the test: a gain under 1 percentage point is not worth it.
UPI_BAR = 0.01
#: The bar for the free-delivery test: revenue per user must rise at least 5 % (relative).
MEMO_BAR = 0.05

#: The data world's experiments: the ids are the options of the SRM question.
EXPERIMENT_IDS = ("exp_01", "exp_02", "exp_03", "exp_04", "exp_05", "exp_06")

WIN_OPTIONS = {
    "ship": "Ship it: even the low end of the interval clears the bar",
    "don't ship": "Don't ship: the whole interval sits below the bar",
    "extend": "Extend the test: the interval straddles the bar",
    "investigate": "Don't read it yet: the split is broken (SRM)",
}

DECISION_OPTIONS = {
    "ship": "Ship it: conversion went up",
    "don't ship": "Don't ship: a guardrail got significantly worse",
    "extend": "Extend the test: the result is not clear yet",
    "investigate": "Don't read it yet: the split is broken (SRM)",
}

#: exp_05's metrics and the direction that hurts the business.
GUARDRAIL_OPTIONS = {
    "Page-load time": ("page_load_ms", +1),
    "Share of users who returned an order": ("returned", +1),
    "Conversion": ("converted", -1),
    "Revenue per user": ("revenue", -1),
}

MEMO_CALLS = {
    "ship": "Roll out free delivery above ₹499",
    "don't ship": "Do not roll out: keep the ₹999 threshold",
    "extend": "Extend or rerun the test before deciding",
    "investigate": "Fix the experiment first: its split is broken",
}

#: The memo's points, each with the fact of the learner's data that decides whether it belongs.
MEMO_POINTS = {
    "The split matched the planned 50/50 (no sample-ratio mismatch)": "srm_ok",
    "AOV fell significantly (its whole interval is below zero)": "aov_fell",
    "Revenue per user changed significantly": "revenue_significant",
    "Orders per user rose significantly": "orders_rose",
    "Returns got significantly worse": "returns_worse",
    "Free delivery on ₹499–₹999 orders adds shipping cost, so margin per user can fall even "
    "if revenue holds": "always",
    "A p-value above 0.05 proves the change did nothing": "never",
    "A lower AOV alone shows that the change loses money": "never",
}

MEMO_NUMBERS = ("revenue per user change (₹)", "AOV change (₹)")


# ---------------------------------------------------------------- references from the learner's data


def _assignments(ctx) -> pd.DataFrame:
    return ctx.cached("experiments:assignments", lambda: ctx.load("assignments"))


def _rows(ctx, experiment_id: str) -> pd.DataFrame:
    a = _assignments(ctx)
    return a[a["experiment_id"] == experiment_id]


def _result(experiment_id: str, metric: str = "converted", alpha: float = 0.05):
    def compute(ctx) -> ex.ComparisonResult:
        return ctx.cached(
            f"experiments:{experiment_id}:{metric}:{alpha}",
            lambda: ex.analyse(_assignments(ctx), experiment_id, metric, alpha),
        )

    return compute


def _sample_size_value(mde: float = RELATIVE_MDE, relative: bool = True, **kwargs) -> int:
    return ex.sample_size(BASELINE, mde, relative=relative, **kwargs).n_per_arm


# -- exp_01: the arms in SQL, the difference, its interval, the call

ARMS_SQL = """
SELECT variant,
       COUNT(*) AS users,
       SUM(converted) AS buyers,
       AVG(converted) AS conversion
FROM assignments
WHERE experiment_id = 'exp_01'
GROUP BY variant
"""
#: Tempting mistakes, each a query that triggers its own message.
ARMS_ALL_SQL = ARMS_SQL.replace("WHERE experiment_id = 'exp_01'\n", "")
ARMS_PERCENT_SQL = ARMS_SQL.replace("AVG(converted) AS", "100 * AVG(converted) AS")
ARMS_ORDERS_SQL = ARMS_SQL.replace("SUM(converted) AS buyers", "SUM(orders) AS buyers")


def _table(answer: Any, ctx) -> pd.DataFrame | None:
    """The learner's result: their DataFrame, or their query run with a time limit."""
    if isinstance(answer, pd.DataFrame):
        return answer
    if not isinstance(answer, str):
        return None
    try:
        return ctx.sql(answer, timeout=10)
    except Exception:  # a query that does not run is not this mistake
        return None


def _arms_all_experiments(answer: Any, ctx) -> bool:
    got = _table(answer, ctx)
    if got is None or "users" not in got.columns:
        return False
    return int(pd.to_numeric(got["users"], errors="coerce").sum()) == len(_assignments(ctx))


def _arms_in_percent(answer: Any, ctx) -> bool:
    got = _table(answer, ctx)
    if got is None or "conversion" not in got.columns:
        return False
    return bool(pd.to_numeric(got["conversion"], errors="coerce").max() > 1)


def _arms_counted_orders(answer: Any, ctx) -> bool:
    got = _table(answer, ctx)
    if got is None or "buyers" not in got.columns:
        return False
    orders = int(_rows(ctx, "exp_01")["orders"].sum())
    return int(pd.to_numeric(got["buyers"], errors="coerce").sum()) == orders


def _win_call(ctx) -> str:
    a = _assignments(ctx)
    call = ex.decide(_result("exp_01")(ctx), UPI_BAR, srm=ex.srm_check(a, "exp_01"))
    return WIN_OPTIONS[call.action]


# -- the broken split


def _srm_experiment(ctx) -> str:
    """The experiment whose split is least likely to be chance: the broken one."""
    registry = ctx.load("experiments")
    table = ex.srm_table(_assignments(ctx), registry).frame
    return str(table["srm_p_value"].idxmin())


# -- exp_05: guardrails and the call


def _worse_guardrails(ctx) -> list[str]:
    out = []
    for option, (metric, bad) in GUARDRAIL_OPTIONS.items():
        r = _result("exp_05", metric)(ctx)
        if (r.ci_low > 0 and bad > 0) or (r.ci_high < 0 and bad < 0):
            out.append(option)
    return out


def _decision(ctx) -> str:
    call = ex.report(_assignments(ctx), "exp_05", guardrails=("page_load_ms", "returned"))
    return DECISION_OPTIONS[call.decision.action]


def _peeking(ctx) -> float:
    return ex.peeking_simulation(5, seed=ctx.seed).peeking_fpr


# -- exp_06: the arms table and the memo


def _arms_table(ctx) -> pd.DataFrame:
    rows = _rows(ctx, "exp_06")
    out = rows.groupby("variant", as_index=False).agg(
        users=("converted", "size"), orders=("orders", "sum"), revenue=("revenue", "sum")
    )
    out["aov"] = out["revenue"] / out["orders"]
    out["revenue_per_user"] = out["revenue"] / out["users"]
    return out


def _per_buyer_aov(ctx) -> pd.Series:
    """The tempting mistake: average each buyer's own AOV instead of revenue ÷ orders."""
    buyers = _rows(ctx, "exp_06").query("orders > 0")
    return (buyers["revenue"] / buyers["orders"]).groupby(buyers["variant"]).mean()


def _per_buyer_revenue(ctx) -> pd.Series:
    buyers = _rows(ctx, "exp_06").query("orders > 0")
    return buyers.groupby("variant")["revenue"].mean()


def _column_matches(answer: Any, column: str, wrong: pd.Series) -> bool:
    if not isinstance(answer, pd.DataFrame) or not {"variant", column} <= set(answer.columns):
        return False
    try:
        got = pd.to_numeric(answer.set_index("variant")[column], errors="coerce")
        return bool(((got.reindex(wrong.index) - wrong).abs() <= 0.01 * wrong.abs()).all())
    except Exception:  # duplicated variants or odd types are not this mistake
        return False


def _with_column(ctx, column: str, values: pd.Series) -> pd.DataFrame:
    out = _arms_table(ctx)
    out[column] = out["variant"].map(values)
    return out


def _memo_facts(ctx) -> dict[str, Any]:
    return ctx.cached(
        "experiments:memo", lambda: dict(readout.decision_memo(_assignments(ctx)).facts)
    )


def _memo_key(ctx) -> MemoKey:
    facts = _memo_facts(ctx)
    flags = {
        "srm_ok": facts["srm_ok"],
        "aov_fell": facts["aov_words"] == "significantly lower",
        "revenue_significant": facts["revenue_words"] != "not significantly different",
        "orders_rose": facts["orders_words"] == "significantly higher",
        "returns_worse": facts["returns_words"] == "significantly higher",
        "always": True,
        "never": False,
    }
    return MemoKey(
        call=MEMO_CALLS[facts["action"]],
        numbers={
            MEMO_NUMBERS[0]: facts["revenue_difference"],
            MEMO_NUMBERS[1]: facts["aov_difference"],
        },
        evidence=frozenset(p for p, flag in MEMO_POINTS.items() if flags[flag]),
    )


def _memo_text(ctx) -> str:
    return readout.decision_memo(_assignments(ctx)).text


def _point_why(flag: str) -> str:
    return {
        "srm_ok": "check the split of exp_06 against 50/50 in your data.",
        "aov_fell": "look at AOV's 95% interval in your data: is all of it below zero?",
        "revenue_significant": "look at the interval of revenue per user: does it include zero?",
        "orders_rose": "look at the interval of orders per user: is all of it above zero?",
        "returns_worse": "look at the returns guardrail's interval: is all of it above zero?",
        "always": "",
        "never": "",
    }[flag]


_NEVER_WHY = {
    "A p-value above 0.05 proves the change did nothing": (
        "'not significant' is not proof of no effect; the interval shows which effects still "
        "fit the data."
    ),
    "A lower AOV alone shows that the change loses money": (
        "AOV is per order; more orders per user can make up for smaller baskets. Revenue or "
        "margin per user decides."
    ),
}


# ---------------------------------------------------------------- the exercises

EXERCISES = [
    Exercise(
        id="experiments.sample_size",
        title="How many users does the test need?",
        variable="n_per_arm",
        prompt=(
            "Bazaar's product page converts 4% of visitors. You want to detect a 10% relative "
            "lift (4.0% → 4.4%) with a two-sided test at α = 0.05 and 80% power. How many users "
            "do you need **per arm**? (Use the formula in the lesson; round up.)"
        ),
        kind=Number(rel=0.01, unit="users"),
        reference=lambda ctx: _sample_size_value(),
        tags=["calculate"],
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
        id="experiments.arms_sql",
        title="The one-tap UPI test in SQL",
        variable="query",
        prompt=(
            "Write one SQL query over the table `assignments` that returns, for the one-tap UPI "
            "test `exp_01`, one row per variant with four columns: `variant`, `users` (rows), "
            "`buyers` (users with `converted` = 1) and `conversion` (buyers ÷ users, as a "
            "fraction between 0 and 1). Any row order is fine."
        ),
        kind=SQLAnswer(ignore_order=True),
        reference=ARMS_SQL,
        tags=["compute"],
        hints=[
            "Keep only exp_01 with WHERE, then GROUP BY variant.",
            "COUNT(*) counts users; `converted` is 0 or 1, so SUM(converted) counts buyers and "
            "AVG(converted) is the conversion rate.",
        ],
        explanation=(
            "Three numbers per arm are all a conversion test needs: users, buyers and their "
            "ratio. Everything after (difference, interval, p-value) is arithmetic on them."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=_arms_all_experiments,
                example=ARMS_ALL_SQL,
                message="You counted the users of every experiment; keep only exp_01 "
                "(WHERE experiment_id = 'exp_01').",
            ),
            WrongAnswer(
                predicate=_arms_in_percent,
                example=ARMS_PERCENT_SQL,
                message="Give `conversion` as a fraction (e.g. 0.12), not a percentage.",
            ),
            WrongAnswer(
                predicate=_arms_counted_orders,
                example=ARMS_ORDERS_SQL,
                message="You added up orders; a buyer is a user with converted = 1, however "
                "many orders they placed.",
            ),
        ],
        solution=ARMS_SQL.strip(),
    ),
    Exercise(
        id="experiments.win_difference",
        title="The one-tap UPI test: how big is the win?",
        variable="diff_pp",
        prompt=(
            "From your `assignments`, take `exp_01` and compute the conversion rate of each "
            "variant. By how many **percentage points** did conversion change, treatment minus "
            "control? Give at least two decimals, e.g. 1.23."
        ),
        kind=Number(abs=0.005, unit="pp"),
        reference=lambda ctx: 100 * _result("exp_01")(ctx).difference,
        tags=["compute"],
        hints=[
            "Conversion of an arm is the mean of `converted` over its users.",
            "`rows = assignments[assignments['experiment_id'] == 'exp_01']`, then "
            "`rows.groupby('variant')['converted'].mean()`; subtract, then × 100.",
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
        solution="rates = rows.groupby('variant')['converted'].mean()\n"
        "diff_pp = 100 * (rates['treatment'] - rates['control'])",
    ),
    Exercise(
        id="experiments.win_ci_low",
        title="The low end of the interval",
        variable="ci_low_pp",
        prompt=(
            "Still on `exp_01`: compute the **lower** end of the 95% confidence interval for the "
            "difference in conversion, in percentage points (two decimals). Use difference − "
            "1.96 × SE, with SE = √(p_c(1 − p_c)/n_c + p_t(1 − p_t)/n_t), where p is each arm's "
            "conversion and n its number of users."
        ),
        kind=Number(abs=0.005, unit="pp"),
        reference=lambda ctx: 100 * _result("exp_01")(ctx).ci_low,
        tags=["compute"],
        hints=[
            "`rows.groupby('variant')['converted'].agg(['mean', 'count'])` gives p and n per arm.",
            "`se = ((p * (1 - p)) / n).sum() ** 0.5` over the two arms; then "
            "`ci_low_pp = diff_pp - 100 * 1.96 * se`.",
        ],
        explanation="If even the low end of the interval is a gain worth having, the win is "
        "both statistically and practically significant.",
        wrong_answers=[
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01")(ctx).ci_high,
                message="That is the upper end; we asked for the lower one.",
            ),
            WrongAnswer(
                value=lambda ctx: 100 * _result("exp_01", alpha=0.10)(ctx).ci_low,
                message="That is the 90% interval (1.645 × SE); use 1.96 × SE for 95%.",
            ),
            WrongAnswer(
                value=lambda ctx: _result("exp_01")(ctx).ci_low,
                abs=0.00005,
                message="That looks like a fraction; multiply by 100 for percentage points.",
            ),
        ],
        solution="p_n = rows.groupby('variant')['converted'].agg(['mean', 'count'])\n"
        "se = (p_n['mean'] * (1 - p_n['mean']) / p_n['count']).sum() ** 0.5\n"
        "ci_low_pp = diff_pp - 100 * 1.96 * se",
    ),
    Exercise(
        id="experiments.win_call",
        title="One-tap UPI: ship, don't ship or extend?",
        prompt=(
            "Before the test, the team agreed that a gain under **1 percentage point** of "
            "conversion is not worth the engineering and support cost. Compare your 95% "
            "interval for `exp_01` (both ends: the upper one is difference + 1.96 × SE) with "
            "that bar, check the split, and make the call."
        ),
        kind=Choice(
            {
                WIN_OPTIONS["ship"]: (
                    "Ship only when even the low end of your interval is at least +1 pp. "
                    "Compare your low end with the bar."
                ),
                WIN_OPTIONS["don't ship"]: (
                    "Don't ship fits when even the high end of the interval is below +1 pp. "
                    "Is yours?"
                ),
                WIN_OPTIONS["extend"]: (
                    "Extend fits when the interval holds values both below and above +1 pp. "
                    "Where does your low end sit?"
                ),
                WIN_OPTIONS["investigate"]: (
                    "The split of exp_01 is within chance of the planned 50/50 (your SQL "
                    "table has the users per arm), so there is nothing to investigate."
                ),
            }
        ),
        reference=_win_call,
        tags=["compute", "decide"],
        hints=[
            "Three cases: the whole interval above the bar, the whole interval below it, or "
            "the bar inside the interval.",
            "Statistically significant is not enough: the low end must clear +1 pp to ship.",
        ],
        explanation="The bar is agreed before the test, so the data cannot move it afterwards.",
        solution="ci_high_pp = diff_pp + 100 * 1.96 * se  # then compare both ends with 1 pp",
    ),
    Exercise(
        id="experiments.srm_which",
        title="Which test has a broken split?",
        prompt=(
            "Every test in your `experiments` table planned a 50/50 split. For each experiment, "
            "count the users per arm in `assignments` and test the counts against 50/50 with a "
            "chi-square test (the alarm is p < 0.001). Which experiment has a sample-ratio "
            "mismatch? Answer with its id, e.g. 'exp_01'."
        ),
        kind=Choice(
            {
                e: (
                    f"The split of {e} is not the least likely one. Compare the SRM p-values "
                    "of all six tests: the mismatch has by far the smallest."
                )
                for e in EXPERIMENT_IDS
            }
        ),
        reference=_srm_experiment,
        tags=["compute", "decide"],
        hints=[
            "`assignments.groupby(['experiment_id', 'variant']).size().unstack()` counts users "
            "per arm; `scipy.stats.chisquare([n_control, n_treatment]).pvalue` tests one split.",
            "`experiments.srm_check(assignments, experiment_id)` does the same test.",
        ],
        explanation=(
            "The new widget failed for some low-intent users, so they were never logged: the "
            "treatment arm lost users who rarely buy, and its conversion looks better than it is."
        ),
        solution="counts = assignments.groupby(['experiment_id', 'variant']).size().unstack()\n"
        "p = {e: scipy.stats.chisquare(row).pvalue for e, row in counts.iterrows()}\n"
        "srm_experiment = min(p, key=p.get)",
    ),
    Exercise(
        id="experiments.video_guardrails",
        title="Autoplay videos: what got worse?",
        variable="worse",
        prompt=(
            "In `exp_05` (autoplay product videos), compare treatment with control on each "
            "metric below with a two-sided test at the 95% level (a two-proportion z-test for "
            "shares, Welch's t-test for means). Tick every metric that got **significantly "
            "worse** for the business: slower pages, more returns, less conversion, less revenue."
        ),
        kind=MultiChoice(
            {
                option: (
                    "Check its 95% interval in your data: it got significantly worse only if the "
                    "whole interval sits on the bad side of zero."
                )
                for option in GUARDRAIL_OPTIONS
            }
        ),
        reference=_worse_guardrails,
        tags=["compute", "decide"],
        hints=[
            "`returned` and `converted` are 0/1 per user (shares); `page_load_ms` and "
            "`revenue` are amounts per user (means).",
            "`experiments.analyse(assignments, 'exp_05', metric)` runs the right test for each "
            "metric; read its interval.",
        ],
        explanation=(
            "A guardrail is a metric the change could break while the primary metric improves; "
            "here the video's weight slows every page."
        ),
        solution="for m in ['page_load_ms', 'returned', 'converted', 'revenue']:\n"
        "    print(m, experiments.analyse(assignments, 'exp_05', m).verdict)",
    ),
    Exercise(
        id="experiments.ship_decision",
        title="Autoplay videos: ship, don't ship or extend?",
        prompt=(
            "Now put it together for `exp_05`: the split, conversion and the guardrails "
            "`page_load_ms` and `returned`. What is the call?"
        ),
        kind=Choice(
            {
                DECISION_OPTIONS["ship"]: (
                    "Look at the guardrails before the primary metric: a win that slows every "
                    "page or raises returns can cost more than it earns."
                ),
                DECISION_OPTIONS["don't ship"]: (
                    "A guardrail veto needs a guardrail that got significantly worse; check "
                    "yours again."
                ),
                DECISION_OPTIONS["extend"]: (
                    "More data will not fix a guardrail that is already clearly worse."
                ),
                DECISION_OPTIONS["investigate"]: (
                    "The split of exp_05 is within chance of 50/50 here; the test can be read."
                ),
            }
        ),
        reference=_decision,
        tags=["compute", "decide"],
        hints=[
            "Order of the checks: the split first, then the guardrails, then the primary metric.",
            "For a guardrail, up is bad: a significant increase in load time or returns blocks "
            "the launch.",
        ],
        explanation=(
            "Videos make pages heavier and can set wrong expectations: more people may buy, "
            "and more send it back. Fix the load time (lazy-load the video) and test again."
        ),
        solution="experiments.report(assignments, 'exp_05').decision",
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
        tags=["lookup"],
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
        id="experiments.aov_table",
        title="Free delivery above ₹499: the arms side by side",
        variable="arms",
        prompt=(
            "For `exp_06` (free delivery above ₹499 instead of ₹999), build a DataFrame `arms` "
            "with one row per variant and the columns `variant`, `users` (rows), `orders` "
            "(total), `revenue` (total, ₹), `aov` (total revenue ÷ total orders, ₹) and "
            "`revenue_per_user` (total revenue ÷ users, ₹). Any row order is fine."
        ),
        kind=DataFrameAnswer(ignore_order=True, rtol=1e-6),
        reference=_arms_table,
        tags=["compute"],
        hints=[
            "`rows.groupby('variant', as_index=False).agg(users=('orders', 'size'), "
            "orders=('orders', 'sum'), revenue=('revenue', 'sum'))`.",
            "Then add the two ratios as new columns: `arms['aov'] = arms['revenue'] / "
            "arms['orders']`, and the same with `users`.",
        ],
        explanation=(
            "AOV is a ratio of two sums over users: one big spender's five orders count five "
            "times. The lesson's delta method gives its interval with the user as the unit."
        ),
        wrong_answers=[
            WrongAnswer(
                predicate=lambda df, ctx: _column_matches(df, "aov", _per_buyer_aov(ctx)),
                example=lambda ctx: _with_column(ctx, "aov", _per_buyer_aov(ctx)),
                message="You averaged each buyer's own AOV; AOV is total revenue ÷ total "
                "orders, so a buyer with five orders counts five times.",
            ),
            WrongAnswer(
                predicate=lambda df, ctx: _column_matches(
                    df, "revenue_per_user", _per_buyer_revenue(ctx)
                ),
                example=lambda ctx: _with_column(ctx, "revenue_per_user", _per_buyer_revenue(ctx)),
                message="You divided by buyers; revenue per user divides by every user in the "
                "arm, buyers or not.",
            ),
        ],
        solution="arms = rows.groupby('variant', as_index=False).agg(\n"
        "    users=('orders', 'size'), orders=('orders', 'sum'), revenue=('revenue', 'sum'))\n"
        "arms['aov'] = arms['revenue'] / arms['orders']\n"
        "arms['revenue_per_user'] = arms['revenue'] / arms['users']",
    ),
    Exercise(
        id="experiments.decision_memo",
        title="The decision memo: free delivery above ₹499",
        prompt=(
            "Write a decision memo on `exp_06` for your category head. Agreed before the test: "
            "revenue per user is the primary metric, a relative gain below **+5%** does not pay "
            "for the extra shipping, and returns must not rise. Make the call, tick the points "
            "that belong in the memo, give the two numbers from your data (treatment minus "
            "control, ₹), and explain your reasoning in a few sentences."
        ),
        kind=Judgement(
            model_answer=_memo_text,
            rubric=[
                "States a clear call up front",
                "Reports the primary metric with its interval, not only a p-value",
                "Mentions the trust checks: the split (SRM) and a fixed duration with no peeking",
                "Treats AOV as a ratio and decides on revenue or margin per user",
                "Proposes a concrete next step (a rerun, a threshold, pre-registration)",
            ],
            calls={
                MEMO_CALLS["ship"]: (
                    "Rolling out needs even the low end of the interval for revenue per user to "
                    "clear +5%, and no broken guardrail. Does yours?"
                ),
                MEMO_CALLS["don't ship"]: (
                    "Not rolling out fits when revenue per user clearly fell, when even the high "
                    "end of its interval is below +5%, or when a guardrail broke. Check your "
                    "interval's high end and the returns guardrail."
                ),
                MEMO_CALLS["extend"]: (
                    "Extending fits when the interval for revenue per user holds both gains below "
                    "+5% and gains above it. Where do your interval's ends sit?"
                ),
                MEMO_CALLS["investigate"]: (
                    "The split of exp_06 is within chance of the planned 50/50, so the test can "
                    "be read."
                ),
            },
            evidence={
                point: (flag == "always", _NEVER_WHY.get(point) or _point_why(flag))
                for point, flag in MEMO_POINTS.items()
            },
            numbers={label: Number(abs=0.5, unit="₹") for label in MEMO_NUMBERS},
        ),
        reference=_memo_key,
        tags=["judgement"],
        hints=[
            "Your `arms` table gives both numbers: the treatment row minus the control row.",
            "`experiments.report(assignments, 'exp_06', primary='revenue', "
            "guardrails=('returned',))` runs the split check, the primary metric and the "
            "guardrail; `experiments.analyse(assignments, 'exp_06', 'aov')` the AOV test.",
        ],
        solution="See the model answer after you check your memo.",
    ),
]
