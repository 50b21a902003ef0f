"""What Lesson 4 says about the learner's experiments, built from their ``assignments``.

Each function computes a result and words it, returning a :class:`~pm_toolkit.findings.Finding`
(the Markdown a learner reads plus the facts it rests on). No number, direction or "significant"
is typed into the lesson's prose: ``tests/test_truth_experiments.py`` recomputes every fact
with scipy/statsmodels for several learner seeds and checks the words.

>>> import pandas as pd
>>> df = pd.DataFrame({"experiment_id": "exp_02", "variant": ["control"] * 50 + ["treatment"] * 50,
...                    "converted": [0, 1] * 50})
>>> aa_finding(df).facts["significant"]
False
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from scipy import special

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments.analysis import _arms, analyse, cuped_revenue, metric_table, report
from pm_toolkit.experiments.analysis import srm_table as _srm_table
from pm_toolkit.experiments.bayes import BayesResult, prob_b_beats_a
from pm_toolkit.experiments.decision import decide
from pm_toolkit.experiments.multiple import false_discovery_share
from pm_toolkit.experiments.power import sample_size, sample_size_mean
from pm_toolkit.experiments.significance import proportion_test
from pm_toolkit.findings import Finding, significance
from pm_toolkit.formatting import format_inr

#: The seven metrics of the "many metrics" section, in the order a dashboard shows them.
MANY_METRICS = ("converted", "orders", "revenue", "aov", "returned", "page_load_ms", "pre_revenue")


def _sig(result, higher: str = "significantly higher", lower: str = "significantly lower") -> str:
    return significance(result.ci_low, result.ci_high, higher=higher, lower=lower)


_pp = fmt.signed_pp  # a difference of two rates in percentage points: "+0.62 pp"


def overview(assignments: pd.DataFrame) -> Finding:
    """How many users and experiments the learner's table holds."""
    per_test = assignments.groupby("experiment_id").size()
    return Finding(
        f"{len(assignments):,} user-assignments across {len(per_test)} experiments, between "
        f"{per_test.min():,} and {per_test.max():,} users per test.",
        {"rows": len(assignments), "experiments": len(per_test)},
    )


def half_lift_finding(baseline: float, mde: float = 0.10) -> Finding:
    """What halving the MDE costs on this baseline: about four times the users."""
    plan = sample_size(baseline, mde, relative=True)
    half = sample_size(baseline, mde / 2, relative=True)
    return Finding(
        f"Half that lift ({mde / 2:.0%} instead of {mde:.0%}) would need **{half.n_per_arm:,} "
        f"users per arm**, {half.n_per_arm / plan.n_per_arm:.1f} times as many.",
        {"n_per_arm": plan.n_per_arm, "n_half": half.n_per_arm},
    )


def win_finding(assignments: pd.DataFrame, experiment_id: str = "exp_01") -> Finding:
    """How to read a conversion result in words: what fits the data, and what p means here."""
    r = analyse(assignments, experiment_id, "converted")
    word = _sig(r, "significantly higher than", "significantly lower than")
    word = word.replace("different", "different from")
    return Finding(
        f"In words: treatment's conversion ({fmt.pct(r.treatment)}) is **{word}** control's "
        f"({fmt.pct(r.control)}). True differences from {_pp(r.ci_low)} to {_pp(r.ci_high)} fit "
        "the data (the 95% interval). If the change did nothing, a gap at least as large as "
        f"{_pp(r.difference).lstrip('+')} would turn up with probability "
        f"{fmt.p_value(r.p_value)} (the p-value).",
        {
            "difference": r.difference,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "p_value": r.p_value,
            "words": _sig(r),
        },
    )


def big_sample_finding() -> Finding:
    """A trivial lift made 'significant' by 10 crore users: significance is not importance."""
    huge = proportion_test(2_500_000, 50_000_000, 2_525_000, 50_000_000)
    call = decide(huge, 0.05, relative=True).action
    return Finding(
        f"p = {fmt.p_value(huge.p_value)}: highly significant. But the lift is "
        f"{fmt.signed_pct(huge.relative_lift)}, and the decision rule says **{call}**.",
        {"p_value": huge.p_value, "action": call},
    )


def aa_finding(assignments: pd.DataFrame, experiment_id: str = "exp_02") -> Finding:
    """What the A/A test shows: no difference, or a chance 'win' (1 test in 20)."""
    r = analyse(assignments, experiment_id, "converted")
    if r.significant:
        tail = (
            "significant by pure chance. That happens to about 1 A/A test in 20; rerun it "
            "before suspecting the platform."
        )
    else:
        tail = "no evidence of a difference, which is what an A/A test should show."
    return Finding(
        f"Difference {_pp(r.difference)} (95% CI {_pp(r.ci_low)} to {_pp(r.ci_high)}), "
        f"p = {fmt.p_value(r.p_value)}: {tail}",
        {"p_value": r.p_value, "significant": r.significant},
    )


def srm_finding(assignments: pd.DataFrame, registry: pd.DataFrame | None = None) -> Finding:
    """The test whose split is least likely to be chance, and what its result seems to say."""
    table = _srm_table(assignments, registry).frame
    broken = str(table["srm_p_value"].idxmin())
    row = table.loc[broken]
    r = analyse(assignments, broken, "converted")
    word = _sig(r)
    looks = (
        f"looks like a {fmt.signed_pct(r.relative_lift)} change in conversion "
        f"(p = {fmt.p_value(r.p_value)}, {word})"
    )
    if row["mismatch"]:
        verdict = "Its split is off"
        advice = " Do not read its result; find the bug first."
    else:
        verdict = "Its split is the least even, but within chance"
        advice = " No test in your data has a broken split."
    return Finding(
        f"`{broken}` {looks}. {verdict}: {int(row['control']):,} control against "
        f"{int(row['treatment']):,} treatment users (SRM p = {fmt.p_value(row['srm_p_value'])})."
        + advice,
        {
            "experiment": broken,
            "mismatch": bool(row["mismatch"]),
            "srm_p_value": float(row["srm_p_value"]),
            "words": word,
        },
    )


def novelty_finding(
    assignments: pd.DataFrame,
    experiment_id: str = "exp_04",
    early_days: int = 4,
    late_from: int = 7,
) -> Finding:
    """The lift of early entrants against later ones, and whether the gap is more than noise.

    The gap is a difference of two independent differences (a difference-in-differences of
    conversion), tested with a two-sided z-test on the unpooled standard errors.
    """
    rows = assignments[assignments["experiment_id"] == experiment_id]
    first = analyse(rows[rows["day"] < early_days], experiment_id, "converted")
    rest = analyse(rows[rows["day"] >= late_from], experiment_id, "converted")
    se = math.hypot(*[(r.ci_high - r.ci_low) / (2 * 1.959963984540054) for r in (first, rest)])
    gap = first.difference - rest.difference
    gap_p = float(2 * special.ndtr(-abs(gap / se))) if se > 0 else 1.0
    bigger = "bigger" if gap > 0 else "smaller"
    if gap_p < 0.05:
        gap_words = f"the gap is more than noise (p = {fmt.p_value(gap_p)})"
    else:
        gap_words = f"but the gap is within noise here (p = {fmt.p_value(gap_p)})"
    return Finding(
        f"Users who entered in the first {early_days} days: lift "
        f"**{fmt.signed_pct(first.relative_lift)}** (95% CI "
        f"{fmt.signed_pct(first.relative_ci_low, 0)} to "
        f"{fmt.signed_pct(first.relative_ci_high, 0)}), {_sig(first)}. From day {late_from} on: "
        f"**{fmt.signed_pct(rest.relative_lift)}** ({fmt.signed_pct(rest.relative_ci_low, 0)} to "
        f"{fmt.signed_pct(rest.relative_ci_high, 0)}), {_sig(rest)}. The early lift is "
        f"{bigger}; {gap_words}.",
        {
            "early_difference": first.difference,
            "late_difference": rest.difference,
            "early_words": _sig(first),
            "late_words": _sig(rest),
            "gap_p": gap_p,
            "bigger": bigger,
        },
    )


def guardrail_finding(assignments: pd.DataFrame, experiment_id: str = "exp_05") -> Finding:
    """A conversion result next to its guardrails, and the call they lead to."""
    rep = report(assignments, experiment_id, guardrails=("page_load_ms", "returned"))
    load, ret = rep.guardrails["page_load_ms"], rep.guardrails["returned"]
    return Finding(
        f"Conversion moved {fmt.signed_pct(rep.primary.relative_lift)} "
        f"(p = {fmt.p_value(rep.primary.p_value)}, {_sig(rep.primary)}). Pages loaded "
        f"**{load.difference:+,.0f} ms** {'slower' if load.difference > 0 else 'faster'} "
        f"({_sig(load, 'significantly slower', 'significantly faster')}), and the share of users "
        f"who returned an order went from {fmt.pct(ret.control)} to {fmt.pct(ret.treatment)} "
        f"({_sig(ret)}). Decision: **{rep.decision.action}**.",
        {
            "conversion_words": _sig(rep.primary),
            "load_difference": load.difference,
            "load_words": _sig(load, "significantly slower", "significantly faster"),
            "returns_words": _sig(ret),
            "action": rep.decision.action,
        },
    )


def _names(metrics: Sequence[str]) -> str:
    return ", ".join(f"`{m}`" for m in metrics) if metrics else "none"


def many_metrics_finding(
    assignments: pd.DataFrame,
    experiment_id: str = "exp_06",
    metrics: Sequence[str] = MANY_METRICS,
) -> Finding:
    """Which metrics look significant before and after a multiple-testing correction."""
    t = metric_table(assignments, experiment_id, metrics).frame
    raw = [m for m in metrics if t.loc[m, "significant_raw"]]
    holm = [m for m in metrics if t.loc[m, "significant_holm"]]
    bh = [m for m in metrics if t.loc[m, "significant_bh"]]
    if "pre_revenue" in raw:
        pre = (
            " `pre_revenue` is among them although the test cannot have changed it: a false "
            "alarm by construction."
        )
    elif "pre_revenue" in metrics:
        pre = (
            " `pre_revenue`, which the test cannot have changed, is not among them here; "
            "about 1 test in 20 it would be."
        )
    else:
        pre = ""
    return Finding(
        f"Before any correction, {len(raw)} of {len(metrics)} metrics "
        f"{'has' if len(raw) == 1 else 'have'} p < 0.05: "
        f"{_names(raw)}.{pre} After Holm, {len(holm)} {'remains' if len(holm) == 1 else 'remain'} "
        f"({_names(holm)}); after "
        f"Benjamini–Hochberg, {len(bh)} ({_names(bh)}).",
        {"raw": tuple(raw), "holm": tuple(holm), "bh": tuple(bh)},
    )


def ratio_finding(assignments: pd.DataFrame, experiment_id: str = "exp_06") -> Finding:
    """AOV (a ratio, delta method) next to revenue per user (a mean, Welch)."""
    aov = analyse(assignments, experiment_id, "aov")
    arpu = analyse(assignments, experiment_id, "revenue")
    return Finding(
        f"AOV moved **{fmt.signed_pct(aov.relative_lift)}** (95% CI "
        f"{fmt.signed_pct(aov.relative_ci_low)} to {fmt.signed_pct(aov.relative_ci_high)}; "
        f"{_sig(aov)}), while revenue per user moved **{fmt.signed_pct(arpu.relative_lift)}** "
        f"({fmt.signed_pct(arpu.relative_ci_low)} to {fmt.signed_pct(arpu.relative_ci_high)}; "
        f"{_sig(arpu)}).",
        {"aov_words": _sig(aov), "revenue_words": _sig(arpu)},
    )


def cuped_finding(
    assignments: pd.DataFrame, experiment_id: str = "exp_06", change: float = 0.05
) -> Finding:
    """How many users CUPED saves for a test of revenue per user on this data."""
    cup = cuped_revenue(assignments, experiment_id)
    revenue = assignments.loc[assignments["experiment_id"] == experiment_id, "revenue"]
    target = change * revenue.mean()
    raw_n = sample_size_mean(revenue.std(), target).n_per_arm
    cuped_n = sample_size_mean(revenue.std() * math.sqrt(cup.sample_size_factor), target).n_per_arm
    return Finding(
        f"To detect a {change:.0%} change in revenue per user ({format_inr(target, 2)}) you need "
        f"**{raw_n:,}** users per arm without CUPED and **{cuped_n:,}** with it: "
        f"{1 - cuped_n / raw_n:.0%} fewer, so a shorter test.",
        {"rho": cup.correlation, "raw_n": raw_n, "cuped_n": cuped_n},
    )


def bayes_result(assignments: pd.DataFrame, experiment_id: str = "exp_01") -> BayesResult:
    """The Beta-binomial reading of a test's conversion (flat prior)."""
    control, treatment = _arms(assignments, experiment_id)
    return prob_b_beats_a(
        int(control["converted"].sum()),
        len(control),
        int(treatment["converted"].sum()),
        len(treatment),
    )


def bayes_finding(
    assignments: pd.DataFrame, experiment_id: str = "exp_01", change: str = "one-tap UPI"
) -> Finding:
    """The stakeholder sentence: the chance it is worse, what that would cost, and the expected
    loss that weighs the cost by its chance (two different numbers, both named)."""
    b = bayes_result(assignments, experiment_id)
    risk = b.risk_text(b=change, a="today's checkout")
    return Finding(
        f'How to say it: *"{risk}"*',
        {
            "prob_b_beats_a": b.prob_b_beats_a,
            "prob_b_worse": b.prob_b_worse,
            "loss_if_b_worse": b.loss_if_b_worse,
            "expected_loss_b": b.expected_loss_b,
        },
    )


def false_discovery_finding(share_true: float = 0.10, power: float = 0.8) -> Finding:
    """The expected share of false wins when few ideas work (closed form, no data)."""
    share = false_discovery_share(alpha=0.05, power=power, share_true=share_true)
    return Finding(
        f"If {share_true:.0%} of ideas work and tests have {power:.0%} power, expect about "
        f"**{share:.0%}** of significant results to be false: (5% × {1 - share_true:.0%}) ÷ "
        f"(5% × {1 - share_true:.0%} + {power:.0%} × {share_true:.0%}).",
        {"false_share": share},
    )


def decision_memo(
    assignments: pd.DataFrame, experiment_id: str = "exp_06", min_effect: float = 0.05
) -> Finding:
    """A model decision memo for a test whose primary metric is revenue per user.

    The call is :func:`~pm_toolkit.experiments.decide` on revenue per user against a relative
    ``min_effect`` agreed before the test, after the split check and the returns guardrail;
    every other sentence words a result of the learner's own data.
    """
    rep = report(
        assignments,
        experiment_id,
        primary="revenue",
        guardrails=("returned",),
        min_effect=min_effect,
    )
    rev, ret = rep.primary, rep.guardrails["returned"]
    aov = analyse(assignments, experiment_id, "aov")
    orders = analyse(assignments, experiment_id, "orders")
    conv = analyse(assignments, experiment_id, "converted")
    call = {
        "ship": "Roll out free delivery above ₹499.",
        "don't ship": "Do not roll out; keep the ₹999 threshold.",
        "extend": "Do not decide yet: extend or rerun the test.",
        "investigate": "Do not read this test: its split is broken. Fix the assignment and rerun.",
    }[rep.decision.action]
    bar = f"the +{min_effect:.0%} agreed before the test"
    if rep.decision.action == "ship":
        why = f"even the low end of its interval clears {bar}"
    elif rep.decision.action == "extend":
        why = (
            f"its interval still holds both gains too small to pay (below {bar}) and gains "
            "worth having"
        )
    elif rep.decision.action == "investigate":
        why = "the users per arm are too uneven to be chance, so no number here can be trusted"
    elif ret.significant and ret.difference > 0:
        why = "whatever it shows, the returns guardrail got significantly worse"
    elif rev.relative_ci_high < 0:
        why = "the change loses revenue per user"
    else:
        why = f"even the high end of its interval is below {bar}"
    next_step = {
        "ship": "roll out with a 5% holdout to confirm the gain and watch margin per order.",
        "don't ship": "test a middle threshold (₹699) with margin per user as the primary metric.",
        "extend": "pre-register revenue (better: margin) per user as the one primary metric, size "
        "the rerun for the smallest gain worth the shipping cost, and consider a ₹699 threshold.",
        "investigate": "find why users went missing from one arm, then rerun.",
    }[rep.decision.action]
    days = int(assignments.loc[assignments["experiment_id"] == experiment_id, "day"].max()) + 1
    aov_note = (
        " A lower AOV alone does not show a loss: revenue and margin per user decide."
        if aov.difference < 0
        else ""
    )
    srm_words = "the split is broken" if rep.srm.mismatch else "the split matched the planned 50/50"
    text = (
        f"**Decision:** {call} Revenue per user, the primary metric, moved "
        f"{fmt.amount(rev.difference, '₹', signed=True)} per user (95% CI "
        f"{fmt.amount(rev.ci_low, '₹', signed=True)} to "
        f"{fmt.amount(rev.ci_high, '₹', signed=True)}; {fmt.signed_pct(rev.relative_lift)}), "
        f"{_sig(rev)}; {why}. **Trust:** {srm_words} (SRM p = {fmt.p_value(rep.srm.p_value)}) "
        f"and the {days}-day duration was fixed in advance, with no peeking. **What moved:** AOV, "
        f"analysed as a ratio with the delta method, moved {fmt.amount(aov.difference, '₹', 0, True)} "
        f"({fmt.signed_pct(aov.relative_lift)}), {_sig(aov)}; orders per user are {_sig(orders)} "
        f"and conversion is {_sig(conv)}; the returns guardrail is {_sig(ret)}.{aov_note} "
        "**Cost:** free delivery on "
        "₹499–₹999 orders adds shipping cost, so margin per user falls unless revenue per user "
        f"rises enough. **Next:** {next_step}"
    )
    return Finding(
        text,
        {
            "action": rep.decision.action,
            "srm_ok": not rep.srm.mismatch,
            "revenue_difference": rev.difference,
            "revenue_words": _sig(rev),
            "aov_difference": aov.difference,
            "aov_words": _sig(aov),
            "orders_words": _sig(orders),
            "conversion_words": _sig(conv),
            "returns_words": _sig(ret),
        },
    )
