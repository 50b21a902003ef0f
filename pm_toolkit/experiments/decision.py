"""From numbers to a call: ship, don't ship, extend, or investigate.

Statistical significance says an effect is probably not zero; practical significance says it
is big enough to be worth shipping. The decision compares the confidence interval with the
smallest effect the business cares about (``min_effect``, agreed *before* the test), after
checking that the test can be trusted (no sample-ratio mismatch) and that no guardrail broke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pm_toolkit.experiments import _format as fmt
from pm_toolkit.experiments.significance import ComparisonResult
from pm_toolkit.experiments.srm import SrmResult

Action = Literal["ship", "don't ship", "extend", "investigate"]


@dataclass(frozen=True)
class Decision:
    """The call and the reasons for it, in the order they were checked."""

    action: Action
    reasons: tuple[str, ...]

    @property
    def verdict(self) -> str:
        return f"{self.action.upper()}: " + " ".join(self.reasons)

    def _repr_html_(self) -> str:
        # The reasons are the rows; the line under them names the call only, so no sentence
        # appears twice in one card.
        rows = [(f"Reason {i}", r) for i, r in enumerate(self.reasons, start=1)]
        line = f"The call: {self.action}."
        return fmt.card(f"Decision: {self.action}", rows, line, self.action == "ship")


def decide(
    primary: ComparisonResult,
    min_effect: float,
    *,
    relative: bool = False,
    guardrails: Mapping[str, ComparisonResult] | None = None,
    srm: SrmResult | None = None,
) -> Decision:
    """Turn a primary-metric result (plus guardrails and an SRM check) into a ship decision.

    Rules, in order: an SRM → investigate; a guardrail significantly *up* (guardrails are
    metrics where up is bad: page-load time, return rate; negate others) → don't ship; then on
    the primary CI [lo, hi] against ``min_effect`` (relative lift when ``relative=True``):
    lo ≥ min_effect → ship; hi < 0 → don't ship (it hurts); hi < min_effect → don't ship (too
    small to matter, whether or not significant); otherwise the interval still includes both
    "nothing" or "not enough" and "worth it" → extend the test.

    >>> from pm_toolkit.experiments import proportion_test
    >>> decide(proportion_test(5_000, 100_000, 5_600, 100_000), min_effect=0.05,
    ...        relative=True).action
    'ship'
    """
    if min_effect < 0:
        raise ValueError(f"min_effect is the smallest worthwhile gain, so ≥ 0; got {min_effect}")
    reasons: list[str] = []
    if srm is not None and srm.mismatch:
        return Decision("investigate", (srm.verdict,))
    for name, result in (guardrails or {}).items():
        if result.significant and result.difference > 0:
            reasons.append(f"Guardrail '{name}' got worse: {result.verdict}")
    if reasons:
        return Decision("don't ship", tuple(reasons))
    if guardrails:
        reasons.append("No guardrail got significantly worse.")
    lo, hi = (
        (primary.relative_ci_low, primary.relative_ci_high)
        if relative
        else (primary.ci_low, primary.ci_high)
    )
    show = fmt.signed_pct if relative else primary._diff
    ci = f"The {primary.confidence:.0%} CI runs from {show(lo)} to {show(hi)}"
    bar = f"the smallest worthwhile effect ({show(min_effect)})"
    if lo >= min_effect:
        return Decision("ship", (*reasons, f"{ci}: even its low end clears {bar}."))
    if hi < 0:
        return Decision("don't ship", (*reasons, f"{ci}: the change makes the metric worse."))
    if hi < min_effect:
        return Decision(
            "don't ship",
            (*reasons, f"{ci}: even its high end is below {bar}, so it is not worth shipping."),
        )
    return Decision(
        "extend",
        (*reasons, f"{ci}: it still includes both too little and {bar}; collect more data."),
    )
