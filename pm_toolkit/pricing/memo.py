"""The decision memo of the capstone: the calls, the points that belong, and the model answer.

The memo is an exercise of the course (``pricing.decision_memo``, a structured
:class:`~pm_toolkit.exercises.Judgement`): the learner makes one of the three calls of the
debrief, ticks the points that belong in the memo from one list (evidence to require first,
guardrails, stop conditions, and some tempting points that do not belong), gives the two
numbers from their own simulation that support the call, and writes their reasoning. This
module holds the content: the options, why each wrong one is wrong, the rubric, which call the
learner's numbers support (:func:`right_call`) and the model answer built from those numbers
(:func:`model_answer`, a :class:`~pm_toolkit.findings.Finding`).

>>> right_call(hourly_gain=0.004)
'Approve a guarded pilot: test first, with guardrails'
>>> right_call(hourly_gain=-0.001)
'Reject hourly pricing'
"""

from __future__ import annotations

from pm_toolkit.findings import Finding
from pm_toolkit.formatting import format_inr_compact, format_pct

__all__ = [
    "APPROVE",
    "CALLS",
    "NUMBERS",
    "PILOT",
    "POINTS",
    "REJECT",
    "RUBRIC",
    "call_feedback",
    "model_answer",
    "right_call",
]

APPROVE = "Approve the hourly model as proposed"
PILOT = "Approve a guarded pilot: test first, with guardrails"
REJECT = "Reject hourly pricing"
#: The three calls of the capstone debrief (docs/facilitator.md, "Capstone debrief").
CALLS = (APPROVE, PILOT, REJECT)

#: Point → (belongs in a good memo?, why it does not, for the ones that do not).
POINTS: dict[str, tuple[bool, str]] = {
    "Elasticities from randomised price tests, not from the price history": (True, ""),
    "A geo-cluster test over several weeks, each cluster compared with its own weeks before": (
        True,
        "",
    ),
    "Repeat purchase, price complaints and returns read per cluster as guardrails": (True, ""),
    "The success metric, test length and decision rule written down before the start": (True, ""),
    "Never above the MRP and never below a cost floor": (True, ""),
    "At most a few visible changes per product per day, each of at most 5 %": (True, ""),
    "Lowest-price protection: refund the difference to anyone who bought during the test": (
        True,
        "",
    ),
    "No false urgency ('price rises in 10 minutes!'), per the CCPA dark-pattern guidelines": (
        True,
        "",
    ),
    "Stop at once on any listing above MRP; stop for review if repeat purchase falls or "
    "complaints rise beyond pre-set margins": (True, ""),
    "A user-level A/B test: different shoppers see different prices at the same time": (
        False,
        "two shoppers paying different prices for the same item at the same moment is what "
        "turned Amazon's 2000 DVD test into refunds and an apology, and both groups share stock",
    ),
    "A day-level switchback, with the 30-day repeat rate read per day": (
        False,
        "lost trust heals over weeks, so it leaks from treated days into control days, and a "
        "30-day repeat rate cannot be pinned on one day",
    ),
    "Prices by device or city tier, computed from pseudonymised customer data": (
        False,
        "pseudonymised data is still personal data under the DPDP Act 2023, and prices by a "
        "shopper's traits are unfair whatever the legal ground",
    ),
    "Stop only if revenue falls": (
        False,
        "harm to trust shows up in repeat purchase weeks later; revenue alone watches the "
        "wrong thing",
    ),
}

#: The two numbers from the learner's simulation that support the call.
NUMBERS = (
    "hourly gain with no trust effect (% of margin)",
    "break-even trust effect (% per price change)",
)

RUBRIC = (
    "States the call and why the model is not launched as proposed",
    "Requires causal (randomised) elasticities, not the price history's",
    "Quotes the gain at stake and the break-even trust effect from my data",
    "Names the geo-cluster test over weeks and why a day-level switchback will not do",
    "Sets guardrails: MRP ceiling, cost floor, caps on changes and step size, no false "
    "urgency, no prices by personal traits",
    "Names trust guardrail metrics and stop conditions fixed before the start",
)


def right_call(*, hourly_gain: float) -> str:
    """The call the learner's numbers support.

    If hourly repricing earns nothing even when shoppers do not mind changes, there is nothing
    to test: reject. Otherwise there is a gain worth learning about, but it rests on a trust
    effect nobody has measured: a guarded pilot. Launching as proposed is never supported: the
    model has not been tested causally and the stakeholders' worry has not been measured.
    """
    return PILOT if hourly_gain > 0 else REJECT


def call_feedback(call: str, *, hourly_gain: float, changes: float) -> str:
    """Why ``call`` is not the one the learner's numbers support, in words that name neither
    the right call nor the two numbers the memo asks for."""
    if call == APPROVE:
        return (
            f"your hourly model changes each price about {changes:.1f} times a product-day, and "
            "your break-even trust effect per change is tiny and unmeasured for Indian "
            "shoppers. Launching untested bets your repeat customers on it."
        )
    if call == REJECT:
        return (
            "in your simulation hourly repricing earns more margin than the static price when "
            "shoppers do not mind changes. Rejecting gives that up and learns nothing about the "
            "trust effect that decides it."
        )
    return (
        "in your simulation hourly repricing does not beat the static price even when nobody "
        "minds price changes: with nothing to gain, a pilot only spends trust."
    )


def model_answer(
    *,
    naive_elasticity: float,
    test_elasticity: float,
    hourly_gain: float,
    break_even: float,
    changes_per_day: float,
    guarded_gain: float,
    carryover_day: float,
    orders_needed: int,
) -> Finding:
    """The model memo, in Markdown, built from the learner's own numbers.

    ``hourly_gain``/``guarded_gain``: extra margin over the static price with no trust effect
    (shares of margin); ``break_even``: trust effect per change at which hourly stops paying;
    ``changes_per_day``: the hourly model's changes per product-day; ``carryover_day``: the
    share of a trust effect a day-level switchback sees; ``orders_needed``: orders a test needs
    to detect the hourly gain.
    """
    call = right_call(hourly_gain=hourly_gain)
    gain, be = format_pct(hourly_gain, 2), format_pct(break_even, 3)
    lower = "lower" if naive_elasticity < test_elasticity else "higher"
    if call == REJECT:
        head = (
            f"**Decision: reject hourly pricing.** Even with shoppers who never mind a price "
            f"change, it earns {gain} of margin against one well-chosen fixed price. If the "
            "team proposes it again, this is what must come first."
        )
    else:
        head = (
            "**Decision: approve a guarded pilot, not the launch as proposed.** "
            f"With shoppers who never mind a price change, hourly repricing earns {gain} more "
            f"margin than one well-chosen fixed price, while changing each price about "
            f"{changes_per_day:.1f} times a product-day; it stops paying at a trust effect of "
            f"{be} per change, which nobody has measured. A guarded policy (two reviews a day, "
            f"at most 5 % a step) earns {format_pct(guarded_gain, 2)} with far fewer changes."
        )
    text = f"""{head}

* **Evidence first.** Elasticities from randomised prices: the price history gives
  {naive_elasticity:.2f}, {lower} than the randomised test's {test_elasticity:.2f}, and a model
  fed the history's number prices wrongly every hour. A test sized for the gain at stake needs
  about {format_inr_compact(orders_needed).removeprefix("₹")} orders whatever its design. Not a day-level switchback: it would see
  only {format_pct(carryover_day, 0)} of a trust effect that heals with a one-week half-life.
  Instead, geo-clusters (groups of regions) keep one policy for several weeks, each compared
  with its own weeks before; the success metric, length and decision rule are written down
  first.
* **Guardrails.** Never above MRP, never below a cost floor; a few visible changes per product
  per day, at most 5 % each; lowest-price protection during the test; no prices by personal
  traits (pseudonymised data is still personal data under the DPDP Act 2023); no false
  urgency under the CCPA dark-pattern guidelines.
* **Stop conditions.** Any listing above MRP stops the test at once; repeat purchase falling
  or price complaints rising beyond the pre-set margins in the hourly clusters stops it for
  review.
"""
    facts = {
        "call": call,
        "hourly_gain": hourly_gain,
        "guarded_gain": guarded_gain,
        "break_even": break_even,
        "changes_per_day": changes_per_day,
        "history_vs_test": lower,
        "carryover_day": carryover_day,
        "orders_needed": orders_needed,
    }
    return Finding(text, facts)
