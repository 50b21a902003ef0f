"""Judgement answers: a memo with a checked, structured part and self-assessed free text.

The learner makes a call (one option), picks the evidence or guardrails that belong (a list),
and gives the numbers from their own data that support the call; those parts are checked like
any answer. Then they write their reasoning in their own words, see the model answer (built
from their data) and the rubric, tick the points their text covers, and the exercise counts as
done. The rubric is shown only once the structured part is right and the text is written.

A judgement without a structured part (only ``model_answer`` and ``rubric``) works as before.

>>> from pm_toolkit.exercises.kinds.judgement import Judgement, JudgementAnswer, MemoKey
>>> j = Judgement(model_answer="Look at repeat rate by cohort.", rubric=["Names a metric", "Names a cut"])
>>> j.compare(j.parse(JudgementAnswer("Track repeat purchase rate by city", ticks=[True, False]), None), None, None).correct
True
>>> from pm_toolkit.exercises.kinds.numeric import Percent
>>> memo = Judgement(
...     model_answer="Ship: conversion rose and returns held.",
...     rubric=["States the call", "Quotes the lift"],
...     calls={"Ship": "", "Do not ship": "Look at the guardrail again: did it move?"},
...     numbers={"conversion lift": Percent(abs=0.001)},
... )
>>> key = MemoKey(call="Ship", numbers={"conversion lift": 0.012})
>>> memo.compare(memo.parse(JudgementAnswer("we ship it now", call="Do not ship",
...     numbers={"conversion lift": "1.2%"}), None), key, None).message
"Your call, 'Do not ship': Look at the guardrail again: did it move?"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict
from pm_toolkit.exercises.parsing import InvalidInput, describe, is_a, is_text
from pm_toolkit.exercises.placeholder import is_placeholder

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class MemoKey:
    """The structured part's right answers for one learner (an exercise's ``reference``).

    ``call``: the right option of ``Judgement(calls=...)``; ``numbers``: label → the value
    from the learner's data; ``evidence``: the options that belong, when they depend on the
    data (``None`` = the ones marked as belonging in ``Judgement(evidence=...)``).
    """

    call: str | None = None
    numbers: Mapping[str, float] = field(default_factory=dict)
    evidence: frozenset[str] | None = None


@dataclass(frozen=True)
class _Parsed:
    text: str
    ticks: tuple[bool, ...] | None
    call: str | None = None
    evidence: frozenset[str] = frozenset()
    numbers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JudgementAnswer:
    """Free text plus, once the model answer was seen, the rubric points the learner ticks.

    ``ticks``: ``None`` (not rated yet), ``True`` (all points), a list of booleans (one per
    rubric point), of 1-based point numbers, or of the points' text.
    """

    text: str
    ticks: Any = None
    #: The structured part (only for judgements that have one): the option picked as the call,
    #: the evidence/guardrail options ticked, and label → number typed for each number asked.
    call: str | None = None
    evidence: Sequence[str] = ()
    numbers: Mapping[str, Any] = field(default_factory=dict)

    @property
    def structured(self) -> bool:
        """Whether any part of the checked structure was filled in (a blank ``____`` was not)."""
        evidence = (
            self.evidence if is_a(self.evidence, (list, tuple, set, frozenset)) else [self.evidence]
        )
        numbers = self.numbers.values() if is_a(self.numbers, Mapping) else [self.numbers]
        return (
            not is_placeholder(self.call)
            or any(not is_placeholder(e) for e in evidence)
            or any(not is_placeholder(v) for v in numbers)
        )


class Judgement(AnswerKind):
    """A memo: an optional checked structured part, then free text self-assessed on a rubric.

    ``model_answer``: text, or a function of ``ctx`` that builds it from the learner's numbers.
    ``rubric``: the points a good answer covers (shown only after the learner has answered).
    ``calls``: option → feedback shown when that option is picked but is not the right call
    (a text, or a function of ``ctx``); the right call comes from the exercise's reference,
    a :class:`MemoKey`. ``evidence``: option → (belongs in a good memo?, why), ticked as a
    list. ``numbers``: label → a ``Number``/``Percent`` kind (its tolerance), the figures from
    the learner's data that support the call. ``min_words``: shorter text is refused.
    """

    kind_name = "judgement"
    input_style = "judgement"
    accepted_forms = "a few sentences in your own words"

    def __init__(
        self,
        model_answer: str | Callable[[Any], str],
        rubric: Sequence[str],
        min_words: int = 3,
        *,
        calls: Mapping[str, Any] | None = None,
        evidence: Mapping[str, tuple[bool, str]] | None = None,
        numbers: Mapping[str, AnswerKind] | None = None,
    ) -> None:
        if not callable(model_answer) and (
            not isinstance(model_answer, str) or not model_answer.strip()
        ):
            raise ValueError(
                "Judgement(model_answer=...) must be non-empty text or a function of ctx"
            )
        rubric = [str(r) for r in rubric]
        if not rubric or not all(r.strip() for r in rubric):
            raise ValueError("Judgement(rubric=[...]) needs at least one non-empty point")
        self.model_answer, self.rubric, self.min_words = model_answer, rubric, int(min_words)
        self.calls = dict(calls or {})
        if self.calls and len(self.calls) < 2:
            raise ValueError("Judgement(calls=...) needs at least two options")
        self.evidence = {str(k): (bool(v[0]), str(v[1])) for k, v in (evidence or {}).items()}
        self.numbers = dict(numbers or {})
        for label, kind in self.numbers.items():
            if not isinstance(kind, AnswerKind) or kind.input_style != "text":
                raise ValueError(
                    f"Judgement(numbers=...): {label!r} needs a Number or Percent kind"
                )

    @property
    def structured(self) -> bool:
        """Whether this memo has a checked part (a call, evidence or numbers)."""
        return bool(self.calls or self.evidence or self.numbers)

    def model_answer_text(self, ctx: LearnerContext) -> str:
        """The model answer for this learner (built from their data when it is a function)."""
        text = self.model_answer(ctx) if callable(self.model_answer) else self.model_answer
        return str(text)

    def __repr__(self) -> str:
        parts = [f"rubric={self.rubric!r}"]
        if self.calls:
            parts.append(f"calls={sorted(self.calls)!r}")
        if self.evidence:
            parts.append(f"evidence={sorted(self.evidence)!r}")
        if self.numbers:
            parts.append(f"numbers={list(self.numbers)!r}")
        return f"Judgement({', '.join(parts)})"

    def validate(self, reference: Any) -> None:
        if self.structured and not callable(reference) and not isinstance(reference, MemoKey):
            raise ValueError(
                "a Judgement with calls/evidence/numbers needs reference=MemoKey(...) "
                "or a function of ctx returning one"
            )

    def expected(self, reference: Any, ctx: LearnerContext) -> MemoKey | None:
        if not self.structured:
            return None
        if not isinstance(reference, MemoKey):
            raise TypeError(
                f"a structured Judgement's reference must be a MemoKey; got {reference!r}"
            )
        if self.calls and _lookup(self.calls, reference.call) is None:
            raise ValueError(f"the right call {reference.call!r} is not one of {list(self.calls)}")
        missing = set(self.numbers) - set(reference.numbers)
        if missing:
            raise ValueError(f"the reference has no value for {sorted(missing)}")
        return reference

    def right_evidence(self, key: MemoKey | None) -> frozenset[str]:
        """The evidence options that belong, for this learner."""
        if key is not None and key.evidence is not None:
            return frozenset(key.evidence)
        return frozenset(k for k, (belongs, _why) in self.evidence.items() if belongs)

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> JudgementAnswer:
        key = self.expected(reference, ctx)
        if key is None:
            return JudgementAnswer(self.model_answer_text(ctx), ticks=True)
        return JudgementAnswer(
            self.model_answer_text(ctx),
            ticks=True,
            call=_lookup(self.calls, key.call) if self.calls else None,
            evidence=sorted(self.right_evidence(key)),
            numbers={label: key.numbers[label] for label in self.numbers},
        )

    def is_not_attempted(self, answer: Any) -> bool:
        if is_a(answer, JudgementAnswer):
            return super().is_not_attempted(answer.text) and not answer.structured
        return super().is_not_attempted(answer)

    def parse(self, answer: Any, ctx: LearnerContext) -> _Parsed:
        ticks, call, evidence, numbers = None, None, (), {}
        if is_a(answer, JudgementAnswer):
            ticks, call, evidence, numbers = (
                answer.ticks,
                answer.call,
                answer.evidence,
                answer.numbers,
            )
            answer = answer.text
        parsed_call = self._parse_call(call)
        parsed_evidence = self._parse_evidence(evidence)
        parsed_numbers = self._parse_numbers(numbers, ctx)
        if not is_text(answer):
            raise InvalidInput(f"Expected your reasoning as text, got {describe(answer)}.")
        answer = str.__str__(answer)
        if len(answer.split()) < self.min_words:
            raise InvalidInput(
                f"Write at least {self.min_words} words of reasoning in your own words, "
                "then check again."
            )
        return _Parsed(
            answer.strip(), self._ticks(ticks), parsed_call, parsed_evidence, parsed_numbers
        )

    # -- reading the structured part: options are listed alphabetically, never in answer order
    def _parse_call(self, call: Any) -> str | None:
        if not self.calls:
            return None
        if is_placeholder(call):
            raise InvalidInput(f"Pick your call first: one of {_listing(self.calls)}.")
        key = _lookup(self.calls, call)
        if key is None:
            raise InvalidInput(f"{describe(call)} is not one of the calls: {_listing(self.calls)}.")
        return key

    def _parse_evidence(self, evidence: Any) -> frozenset[str]:
        if not self.evidence:
            return frozenset()
        if is_text(evidence):
            evidence = [evidence]
        if not is_a(evidence, (list, tuple, set, frozenset)):
            raise InvalidInput(f"Give the evidence as a list of options, got {describe(evidence)}.")
        keys = set()
        for item in (e for e in evidence if not is_placeholder(e)):  # a blank left in the list
            key = _lookup(self.evidence, item)
            if key is None:
                raise InvalidInput(
                    f"{describe(item)} is not one of the listed points: {_listing(self.evidence)}."
                )
            keys.add(key)
        if not keys:
            raise InvalidInput("Tick the points that belong in your memo (at least one).")
        return frozenset(keys)

    def _parse_numbers(self, numbers: Any, ctx: LearnerContext) -> dict[str, Any]:
        if not self.numbers:
            return {}
        if not is_a(numbers, Mapping):
            raise InvalidInput(
                f"Give the numbers as {{label: value}} for {_listing(self.numbers)}; "
                f"got {describe(numbers)}."
            )
        given = {_norm(k): v for k, v in numbers.items()}
        out = {}
        for label, kind in self.numbers.items():
            value = given.get(_norm(label))
            if is_placeholder(value):
                raise InvalidInput(f"Give a value for {label!r} from your data.")
            try:
                out[label] = kind.parse(value, ctx)
            except InvalidInput as exc:
                raise InvalidInput(f"{label}: {exc}") from None
        return out

    def _ticks(self, ticks: Any) -> tuple[bool, ...] | None:
        if ticks is None:
            return None
        n = len(self.rubric)
        if ticks is True:
            return (True,) * n
        if ticks is False:
            return (False,) * n
        if not is_a(ticks, (list, tuple, set, frozenset)):
            raise InvalidInput(
                f"Tick the rubric points as a list, e.g. ticks=[1, 3]; got {describe(ticks)}."
            )
        items = list(ticks)
        if len(items) == n and all(type(t) is bool for t in items):
            return tuple(items)
        out = [False] * n
        points = [r.casefold() for r in self.rubric]
        for t in items:
            if is_a(t, int) and type(t) is not bool and 1 <= t <= n:
                out[t - 1] = True
            elif is_text(t) and str.__str__(t).strip().casefold() in points:
                out[points.index(str.__str__(t).strip().casefold())] = True
            else:
                raise InvalidInput(f"{describe(t)} is not a rubric point; use numbers 1 to {n}.")
        return tuple(out)

    # -- comparing -------------------------------------------------------------------------------
    def compare(self, parsed: _Parsed, expected: MemoKey | None, ctx: LearnerContext) -> Verdict:
        wrong = self._structured_mistake(parsed, expected, ctx)
        if wrong:
            return Verdict(False, wrong)
        if parsed.ticks is None:
            points = "\n".join(f"  {i}. {r}" for i, r in enumerate(self.rubric, 1))
            first = "Your call, evidence and numbers are right. " if self.structured else ""
            return Verdict(
                False,
                first + "Your answer is saved; one step left. Compare your reasoning with the "
                "model answer below and tick the rubric points your answer covers "
                "(in code: check(text, ticks=[1, 2], ...)).",
                status="not_attempted",
                reveal=f"Model answer: {self.model_answer_text(ctx)}\nRubric:\n{points}",
            )
        k = sum(parsed.ticks)
        return Verdict(
            True,
            f"Done. Your reasoning covers {k} of {len(self.rubric)} rubric points, by your own rating.",
        )

    def _structured_mistake(self, parsed: _Parsed, key: MemoKey | None, ctx: LearnerContext) -> str:
        """The first thing wrong in the structured part, in words that do not give it away."""
        if key is None:
            return ""
        if self.calls and parsed.call != _lookup(self.calls, key.call):
            feedback = self.calls[parsed.call]
            feedback = feedback(ctx) if callable(feedback) else feedback
            return f"Your call, {parsed.call!r}: " + (
                str(feedback) or "that is not what your data supports. Look at your numbers again."
            )
        right = self.right_evidence(key)
        if self.evidence and parsed.evidence != right:
            extra = [k for k in sorted(parsed.evidence) if k not in right]
            if extra:
                why = self.evidence[extra[0]][1]
                return f"{extra[0]!r} does not belong in this memo" + (f": {why}" if why else ".")
            return (
                f"Everything you ticked belongs, but {len(right - parsed.evidence)} more "
                "point(s) on the list do too."
            )
        for label, kind in self.numbers.items():
            verdict = kind.compare(parsed.numbers[label], key.numbers[label], ctx)
            if not verdict.correct:  # the kind's message is a direction, never the value
                given = kind.echo(parsed.numbers[label])
                return f"{label}: {given} is not what your data gives. {verdict.message}".strip()
        return ""

    def implicit_wrong_answers(self, reference: Any, ctx: LearnerContext) -> list[tuple[Any, str]]:
        if not self.calls or not isinstance(reference, MemoKey):
            return []
        right = self.reference_answer(reference, ctx)
        out = []
        for option, feedback in self.calls.items():
            if option == right.call:
                continue
            text = feedback(ctx) if callable(feedback) else feedback
            if text:
                answer = JudgementAnswer(
                    right.text, None, option, right.evidence, dict(right.numbers)
                )
                out.append((answer, str(text)))
        return out

    def expected_strings(self, expected: Any) -> list[str]:
        if not isinstance(expected, MemoKey):
            return []
        out: list[str] = []
        for label, kind in self.numbers.items():
            out += kind.expected_strings(expected.numbers[label])
        return out

    def echo(self, parsed: Any) -> str:
        text = parsed.text if isinstance(parsed, _Parsed) else str(parsed)
        return repr(text if len(text) <= 60 else text[:59] + "…")


def _lookup(options: Mapping[str, Any], answer: Any) -> str | None:
    if not is_text(answer):
        return None
    answer = str.__str__(answer)
    wanted = _norm(answer)
    for key in options:
        if _norm(key) == wanted:
            return key
    return None


def _listing(options: Mapping[str, Any]) -> str:
    """Options in alphabetical order: a neutral order that never spells out the answer."""
    return "; ".join(repr(k) for k in sorted(options, key=str.casefold))
