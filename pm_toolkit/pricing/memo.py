"""The decision memo: the PM's call on hourly pricing, checked against a rubric.

A memo is structured (a decision, the evidence required first, guardrails, stop conditions)
plus free-text reasoning. :func:`score_memo` marks the structured part against the rubric the
course uses, line by line, with a reason for every point given or withheld; the reasoning is
for the learner to compare with :func:`model_answer`.

>>> memo = DecisionMemo(
...     decision="guarded_pilot",
...     evidence=("randomised_elasticity", "switchback_test", "trust_metrics", "success_criterion"),
...     guardrails=("mrp_cap", "cost_floor", "change_cap", "step_cap", "lowest_price_protection",
...                 "no_false_urgency"),
...     stop_conditions=("mrp_breach", "repeat_drop", "complaints_rise"),
... )
>>> score_memo(memo).points == score_memo(memo).max_points
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = [
    "DECISIONS",
    "EVIDENCE_OPTIONS",
    "GUARDRAIL_OPTIONS",
    "STOP_OPTIONS",
    "DecisionMemo",
    "MemoScore",
    "RubricLine",
    "model_answer",
    "score_memo",
]

#: key → label; the three calls a PM can make.
DECISIONS: dict[str, str] = {
    "approve_as_proposed": "Approve the hourly model as proposed",
    "guarded_pilot": "Approve a guarded pilot (test first, with guardrails)",
    "reject": "Reject hourly pricing",
}

#: key → (label, belongs in a good memo?)
EVIDENCE_OPTIONS: dict[str, tuple[str, bool]] = {
    "randomised_elasticity": (
        "Elasticities from randomised price tests, not from price history",
        True,
    ),
    "switchback_test": ("A switchback test (region × time blocks), analysed per block", True),
    "trust_metrics": ("Repeat purchase, complaints and returns measured during the test", True),
    "success_criterion": (
        "Success metric, test length and decision rule fixed before starting",
        True,
    ),
    "competitor_response": ("Monitoring of how competitors' prices respond", True),
    "user_ab_test": ("A user-level A/B test: different shoppers see different prices", False),
    "backtest_only": ("A back-test on last year's observational prices, nothing else", False),
}

GUARDRAIL_OPTIONS: dict[str, tuple[str, bool]] = {
    "mrp_cap": ("Never above the MRP (Legal Metrology rules)", True),
    "cost_floor": ("Never below a floor (unit cost or a minimum margin)", True),
    "change_cap": ("At most a few visible changes per product per day", True),
    "step_cap": ("A cap on the size of any single change (e.g. 5 %)", True),
    "lowest_price_protection": (
        "Lowest-price protection: refund the difference during the test",
        True,
    ),
    "no_false_urgency": (
        "No false urgency in the interface (CCPA dark-pattern guidelines 2023)",
        True,
    ),
    "no_demographic_targeting": ("No prices by device, city tier or other personal traits", True),
    "countdown_banner": ("A 'price rises in 10 minutes!' countdown to lift conversion", False),
    "personalised_prices": ("Higher prices for iPhone users and tier-1 cities", False),
}

STOP_OPTIONS: dict[str, tuple[str, bool]] = {
    "mrp_breach": ("Any listing above MRP: stop at once", True),
    "repeat_drop": ("Repeat purchase rate falls beyond a pre-set margin", True),
    "complaints_rise": (
        "Price complaints or price-match requests rise beyond a pre-set level",
        True,
    ),
    "returns_rise": ("Returns or cancellations rise beyond their normal range", True),
    "revenue_only": ("Stop only if revenue falls", False),
}


@dataclass(frozen=True)
class DecisionMemo:
    """A PM's call: a decision key, the option keys chosen for each part, and free reasoning."""

    decision: str
    evidence: tuple[str, ...] = ()
    guardrails: tuple[str, ...] = ()
    stop_conditions: tuple[str, ...] = ()
    reasoning: str = ""

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {list(DECISIONS)}; got {self.decision!r}")
        for name, options in (
            ("evidence", EVIDENCE_OPTIONS),
            ("guardrails", GUARDRAIL_OPTIONS),
            ("stop_conditions", STOP_OPTIONS),
        ):
            unknown = [k for k in getattr(self, name) if k not in options]
            if unknown:
                raise ValueError(f"unknown {name} option(s) {unknown}; choose from {list(options)}")


@dataclass(frozen=True)
class RubricLine:
    """One criterion of the rubric: the points given, out of how many, and why."""

    criterion: str
    points: int
    max_points: int
    feedback: str

    @property
    def met(self) -> bool:
        return self.points == self.max_points

    @property
    def mark(self) -> str:
        """An icon and words, never the icon alone: ``'✅ met'`` or ``'✍️ not yet'``."""
        return "✅ met" if self.met else "✍️ not yet"


@dataclass(frozen=True)
class MemoScore:
    """The rubric, line by line, with the total."""

    lines: tuple[RubricLine, ...]

    @property
    def points(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def max_points(self) -> int:
        return sum(line.max_points for line in self.lines)

    def __repr__(self) -> str:
        body = "\n".join(
            f"  {'✅' if ln.met else '✍️'} {ln.criterion}: "
            f"{ln.points}/{ln.max_points}. {ln.feedback}"
            for ln in self.lines
        )
        return f"MemoScore {self.points}/{self.max_points}\n{body}"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{ln.mark}</td>"
            f"<td>{html.escape(ln.criterion)}</td><td>{ln.points}/{ln.max_points}</td>"
            f"<td>{html.escape(ln.feedback)}</td></tr>"
            for ln in self.lines
        )
        return (
            f"<p><b>Your memo scores {self.points} of {self.max_points} on the rubric.</b></p>"
            "<table><tr><th></th><th>criterion</th><th>points</th><th>feedback</th></tr>"
            f"{rows}</table>"
        )


def _bad_picks(chosen: tuple[str, ...], options: dict[str, tuple[str, bool]]) -> list[str]:
    return [options[k][0] for k in chosen if not options[k][1]]


def score_memo(memo: DecisionMemo) -> MemoScore:
    """Mark a memo against the course rubric (decision, evidence, guardrails, stop rules)."""
    lines = []
    decision_points = {"guarded_pilot": 2, "reject": 1, "approve_as_proposed": 0}[memo.decision]
    decision_feedback = {
        "guarded_pilot": "A guarded pilot learns the unknowns (true elasticities, trust effect) "
        "at limited risk.",
        "reject": "Defensible, but it forgoes the margin that rationing scarce stock can earn "
        "and learns nothing; a guarded pilot answers the open questions cheaply.",
        "approve_as_proposed": "The model has never been tested causally, the trust effect is "
        "unknown and hourly changes with no caps risk a DVD-test style backlash.",
    }[memo.decision]
    lines.append(RubricLine("The call", decision_points, 2, decision_feedback))

    need = {"randomised_elasticity", "switchback_test"}
    have = need & set(memo.evidence)
    bad = _bad_picks(memo.evidence, EVIDENCE_OPTIONS)
    pts = (
        len(have)
        + int("trust_metrics" in memo.evidence)
        + int("success_criterion" in memo.evidence)
    )
    pts = max(pts - len(bad), 0)
    fb = []
    if "randomised_elasticity" not in memo.evidence:
        fb.append("Ask for elasticities from randomised prices: history-based ones are biased.")
    if "switchback_test" not in memo.evidence:
        fb.append("Ask for a switchback or item-level test before any launch.")
    if "trust_metrics" not in memo.evidence:
        fb.append("Measure the trust effect (repeat purchase, complaints): it decides the case.")
    if "success_criterion" not in memo.evidence:
        fb.append("Fix the success criterion in advance, or any result can be read as a win.")
    fb += [f"Remove '{b}': it is unfair or not causal." for b in bad]
    lines.append(RubricLine("Evidence before rollout", pts, 4, " ".join(fb) or "Complete."))

    must = {"mrp_cap", "change_cap", "step_cap", "no_false_urgency"}
    extra = {"cost_floor", "lowest_price_protection", "no_demographic_targeting"}
    bad = _bad_picks(memo.guardrails, GUARDRAIL_OPTIONS)
    pts = len(must & set(memo.guardrails)) + int(bool(extra & set(memo.guardrails)))
    pts = max(pts - 2 * len(bad), 0)
    fb = [f"Add: {GUARDRAIL_OPTIONS[k][0]}." for k in sorted(must - set(memo.guardrails))]
    fb += [f"Remove '{b}': a dark pattern or discriminatory pricing." for b in bad]
    lines.append(RubricLine("Guardrails", pts, 5, " ".join(fb) or "Complete."))

    bad = _bad_picks(memo.stop_conditions, STOP_OPTIONS)
    chosen = set(memo.stop_conditions)
    pts = int("mrp_breach" in chosen) + int(bool({"repeat_drop", "complaints_rise"} & chosen))
    pts += int(len(chosen & {"repeat_drop", "complaints_rise", "returns_rise"}) >= 2)
    pts = max(pts - len(bad), 0)
    fb = []
    if "mrp_breach" not in chosen:
        fb.append("An MRP breach must stop the test at once.")
    if not {"repeat_drop", "complaints_rise"} & chosen:
        fb.append("Add a stop rule on a trust metric (repeat purchase or complaints).")
    fb += [f"'{b}' alone watches the wrong thing: harm to trust shows up later." for b in bad]
    lines.append(RubricLine("Stop conditions", pts, 3, " ".join(fb) or "Complete."))
    return MemoScore(tuple(lines))


def model_answer(
    *,
    naive_elasticity: float,
    test_elasticity: float,
    hourly_gain_pct: float,
    break_even: float | None,
    units_needed: int,
) -> str:
    """The course's model memo, in Markdown, with the learner's own numbers filled in."""
    be = (
        f"a trust effect of about {break_even:.1%} of repeat customers' trust per price change"
        if break_even is not None
        else "no trust effect in the range we tried"
    )
    return f"""**Decision: approve a guarded pilot, not the launch as proposed.**

* **Why not as proposed.** The model's elasticities come from price history, which gives
  {naive_elasticity:.2f}; the randomised price test gives {test_elasticity:.2f}. A model fed the
  biased number sets the wrong prices every hour. With no trust effect, hourly pricing earns
  {hourly_gain_pct:.1f} % more margin than one well-chosen fixed price in our simulation, but the
  gain is gone at {be}, and nobody has measured that effect for Indian shoppers: no public study
  even measures how often Amazon India or Flipkart change prices.
* **Evidence first.** Elasticities from randomised prices; a switchback test (region × day
  blocks, about {units_needed} region-days for the lift we care about), analysed at the
  region-day level; repeat purchase, complaints, returns and price-match requests as guardrail
  metrics; the success criterion and test length written down before the start.
* **Guardrails.** Never above MRP, never below cost; at most two visible changes per product per
  day and at most 5 % per change; lowest-price protection during the test; no prices by personal
  traits; no false urgency ("price rises soon!") under the CCPA dark-pattern guidelines.
* **Stop conditions.** Any listing above MRP stops the test at once; a fall in repeat purchase
  or a rise in complaints beyond the pre-set margins stops it for review.
"""
