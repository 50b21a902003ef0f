"""The contract every answer kind follows: read the answer, compare it, describe it.

A kind never decides the outcome alone: ``Exercise.check`` runs the steps in a fixed order
(not attempted → parse → correct? → declared wrong answers → generic "not yet"), so all kinds
behave alike and the self-tests can treat them uniformly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pm_toolkit.exercises.placeholder import is_placeholder

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext


@dataclass(frozen=True)
class Verdict:
    """A kind's comparison result: correct or not, and a diagnostic without the expected value."""

    correct: bool
    message: str = ""
    table: tuple[tuple[str, ...], ...] = ()
    table_header: tuple[str, ...] = ()
    #: Override the outcome state (a judgement answer waiting for rubric ticks is "not_attempted").
    status: str | None = None
    #: Text shown whatever the state (the model answer once a judgement answer is written).
    reveal: str = ""


class AnswerKind:
    """Base class of answer kinds. Subclasses override ``parse`` and ``compare``."""

    #: Short name used in progress logs and self-test ids.
    kind_name: ClassVar[str] = "answer"
    #: Which input the widget shows: text, textarea, radio, checkboxes, ordering, variable, judgement.
    input_style: ClassVar[str] = "text"
    #: Accepted forms, shown with "could not read that".
    accepted_forms: str = ""

    def expected(self, reference: Any, ctx: LearnerContext) -> Any:
        """The value a correct answer is compared with, from the resolved reference."""
        return reference

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> Any:
        """What a learner would submit to be right (used by solution editions and self-tests)."""
        return reference

    def is_not_attempted(self, answer: Any) -> bool:
        return is_placeholder(answer)

    def parse(self, answer: Any, ctx: LearnerContext) -> Any:
        """Read the learner's answer; raise ``InvalidInput`` with what was read and what works."""
        return answer

    def compare(self, parsed: Any, expected: Any, ctx: LearnerContext) -> Verdict:
        raise NotImplementedError

    def matches(
        self,
        parsed: Any,
        value: Any,
        ctx: LearnerContext,
        *,
        abs: float | None = None,
        rel: float | None = None,
    ) -> bool:
        """Whether ``parsed`` equals a declared wrong ``value`` (for ``WrongAnswer``)."""
        return self.compare(parsed, value, ctx).correct

    def echo(self, parsed: Any) -> str:
        """The learner's value, formatted for "you gave …" (no expected values here)."""
        from pm_toolkit.exercises.parsing import describe

        return describe(parsed)

    def implicit_wrong_answers(self, reference: Any, ctx: LearnerContext) -> list[tuple[Any, str]]:
        """(answer, message) pairs the kind itself declares, e.g. each wrong choice's feedback."""
        return []

    def time_budget(self, expected: Any) -> float | None:
        """Seconds all runs of the learner's code in one check may take together (None: no limit).

        Kinds that run learner code (SQL, functions) set it; declared-mistake matchers share it.
        """
        return None

    def well_typed(self, parsed: Any) -> bool:
        """Whether a read answer has the type this kind's matchers are written for.

        A ``WrongAnswer(predicate=...)`` is asked only about well-typed answers, so a predicate
        written for a DataFrame never sees a list (and never logs an error for it).
        """
        return True

    def expected_strings(self, expected: Any) -> list[str]:
        """Ways the expected value could appear in text; self-tests assert none leak."""
        return []

    def validate(self, reference: Any) -> None:
        """Check an author's definition when it is cheap to (static references only)."""

    def describe(self) -> str:
        """One line for authors and the progress view."""
        return self.kind_name


def stable_shuffle(items: Sequence[Any], *, seed: int, salt: str) -> list[Any]:
    """The same order for the same learner and exercise, different across learners.

    Uses ``random.Random`` seeded with a string, which is stable across Python versions
    (a SeedSequence needs ints; the salt is the exercise id).
    """
    order = list(items)
    random.Random(f"{seed}:{salt}").shuffle(order)
    return order


def neutral_order(items: Sequence[str], right: Sequence[str] | None = None) -> list[str]:
    """Items in an order that never spells out an answer: alphabetical, and if that happens to be
    the right order (or its reverse), shifted by one.

    Messages that list options or items use this, so "not one of the items" never lists them
    in the order the learner is asked for.

    >>> neutral_order(["b", "a", "c"])
    ['a', 'b', 'c']
    >>> neutral_order(["a", "b", "c"], right=["a", "b", "c"])
    ['b', 'c', 'a']
    """
    order = sorted(items, key=lambda t: (str(t).casefold(), str(t)))
    if right is not None and len(order) >= 3:
        right = list(right)
        if order in (right, right[::-1]):
            order = order[1:] + order[:1]
    return order


def listing(items: Sequence[str], right: Sequence[str] | None = None) -> str:
    """``'a'; 'b'; 'c'`` in :func:`neutral_order`."""
    return "; ".join(repr(i) for i in neutral_order(items, right))
