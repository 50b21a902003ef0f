"""Judgement answers: write in your own words, then compare with a model answer and a rubric.

There is no automatic marking: the learner writes an answer, sees the model answer and the
rubric, ticks the points their answer covers, and the exercise counts as done.

>>> from pm_toolkit.exercises.kinds.judgement import Judgement, JudgementAnswer
>>> j = Judgement(model_answer="Look at repeat rate by cohort.", rubric=["Names a metric", "Names a cut"])
>>> j.compare(j.parse(JudgementAnswer("Track repeat purchase rate by city", ticks=[True, False]), None), None, None).correct
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict
from pm_toolkit.exercises.parsing import InvalidInput, describe

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext


@dataclass(frozen=True)
class JudgementAnswer:
    """Free text plus, once the model answer was seen, the rubric points the learner ticks.

    ``ticks``: ``None`` (not rated yet), ``True`` (all points), a list of booleans (one per
    rubric point), of 1-based point numbers, or of the points' text.
    """

    text: str
    ticks: Any = None


class Judgement(AnswerKind):
    """A free-text answer with a model answer and a rubric the learner self-assesses against.

    ``min_words``: answers shorter than this are "could not read that" (write a bit more).
    """

    kind_name = "judgement"
    input_style = "judgement"
    accepted_forms = "a few sentences in your own words"

    def __init__(self, model_answer: str, rubric: Sequence[str], min_words: int = 3) -> None:
        if not isinstance(model_answer, str) or not model_answer.strip():
            raise ValueError("Judgement(model_answer=...) must be non-empty text")
        rubric = [str(r) for r in rubric]
        if not rubric or not all(r.strip() for r in rubric):
            raise ValueError("Judgement(rubric=[...]) needs at least one non-empty point")
        self.model_answer, self.rubric, self.min_words = model_answer, rubric, int(min_words)

    def __repr__(self) -> str:
        return f"Judgement(rubric={self.rubric!r})"

    def expected(self, reference: Any, ctx: LearnerContext) -> None:
        return None

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> JudgementAnswer:
        return JudgementAnswer(self.model_answer, ticks=True)

    def is_not_attempted(self, answer: Any) -> bool:
        if isinstance(answer, JudgementAnswer):
            return super().is_not_attempted(answer.text)
        return super().is_not_attempted(answer)

    def parse(self, answer: Any, ctx: LearnerContext) -> tuple[str, tuple[bool, ...] | None]:
        ticks = None
        if isinstance(answer, JudgementAnswer):
            answer, ticks = answer.text, answer.ticks
        if not isinstance(answer, str):
            raise InvalidInput(f"Expected your answer as text, got {describe(answer)}.")
        if len(answer.split()) < self.min_words:
            raise InvalidInput(
                f"Write at least {self.min_words} words in your own words, then check again."
            )
        return answer.strip(), self._ticks(ticks)

    def _ticks(self, ticks: Any) -> tuple[bool, ...] | None:
        if ticks is None:
            return None
        n = len(self.rubric)
        if ticks is True:
            return (True,) * n
        if ticks is False:
            return (False,) * n
        if not isinstance(ticks, (list, tuple, set, frozenset)):
            raise InvalidInput(
                f"Tick the rubric points as a list, e.g. ticks=[1, 3]; got {describe(ticks)}."
            )
        items = list(ticks)
        if len(items) == n and all(isinstance(t, bool) for t in items):
            return tuple(items)
        out = [False] * n
        points = [r.casefold() for r in self.rubric]
        for t in items:
            if isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= n:
                out[t - 1] = True
            elif isinstance(t, str) and t.strip().casefold() in points:
                out[points.index(t.strip().casefold())] = True
            else:
                raise InvalidInput(f"{describe(t)} is not a rubric point; use numbers 1 to {n}.")
        return tuple(out)

    def compare(
        self, parsed: tuple[str, tuple[bool, ...] | None], expected: None, ctx: LearnerContext
    ) -> Verdict:
        _text, ticks = parsed
        if ticks is None:
            points = "\n".join(f"  {i}. {r}" for i, r in enumerate(self.rubric, 1))
            return Verdict(
                False,
                "Your answer is saved; one step left. Compare it with the model answer below and "
                "tick the rubric points your answer covers (in code: check(text, ticks=[1, 2])).",
                status="not_attempted",
                reveal=f"Model answer: {self.model_answer}\nRubric:\n{points}",
            )
        k = sum(ticks)
        return Verdict(
            True,
            f"Done. Your answer covers {k} of {len(self.rubric)} rubric points, by your own rating.",
        )

    def echo(self, parsed: Any) -> str:
        text = parsed[0] if isinstance(parsed, tuple) else str(parsed)
        return repr(text if len(text) <= 60 else text[:59] + "…")
