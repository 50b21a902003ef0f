"""The exercise model: an ``Exercise`` definition and its declared ``WrongAnswer``s.

An exercise is pure data plus a ``evaluate(answer, ctx)`` method with a fixed order of steps:
not attempted → read (parse) → correct? → declared wrong answers → generic "not yet".
Every step is wrapped: a bug in a checker becomes "could not check", never a traceback.

>>> from pm_toolkit.exercises import Exercise, Number, WrongAnswer
>>> from pm_toolkit.exercises.context import LearnerContext
>>> ex = Exercise(
...     id="start_here.aov", title="Average order value", variable="aov",
...     prompt="Three orders: ₹400, ₹650 and ₹1,200. What is the average order value?",
...     kind=Number(abs=0.5, unit="₹"), reference=750,
...     wrong_answers=[WrongAnswer(value=2250, message="That is the total; divide by the orders.")],
... )
>>> ctx = LearnerContext(seed=1, scale="tiny")
>>> ex.evaluate("₹750", ctx).status
'correct'
>>> print(ex.evaluate("2,250", ctx).text)
❌ Not yet: You gave ₹2,250 for `aov`. That is the total; divide by the orders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pm_toolkit.exercises.context import LearnerContext, trusted
from pm_toolkit.exercises.kinds.base import AnswerKind
from pm_toolkit.exercises.kinds.functions import TimeLimitExceeded
from pm_toolkit.exercises.outcome import Outcome
from pm_toolkit.exercises.parsing import InvalidInput
from pm_toolkit.exercises.placeholder import ____

log = logging.getLogger("pm_toolkit.exercises")
# No handler of our own: without one Python's last-resort handler would print tracebacks under
# a learner's cell. Details go to <progress dir>/checker-errors.log instead (and to any handler
# an application or pytest installs).
log.addHandler(logging.NullHandler())


def log_checker_error(what: str) -> None:
    """Record the current exception for the course team; never raises, never prints."""
    import traceback
    from datetime import datetime, timezone

    log.error("%s", what, exc_info=True)
    try:
        from pm_toolkit import config

        folder = config.progress_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with open(folder / "checker-errors.log", "a", encoding="utf-8") as fh:
            fh.write(f"--- {stamp} {what}\n{traceback.format_exc()}\n")
    except Exception:
        pass


_MISSING = object()


@dataclass(frozen=True)
class WrongAnswer:
    """A known mistake mapped to a targeted message.

    Give one of: ``value`` (a value, or a function of ``ctx`` computing the wrong value, e.g.
    revenue divided by visitors instead of orders), matched with the kind's tolerance or your
    own ``abs``/``rel``; or ``predicate(answer, ctx) -> bool`` on the answer as the kind read
    it (a float for numbers, the option text for choices, a DataFrame, ...) together with an
    ``example`` answer that triggers it, so the self-tests can prove the message shows; or,
    for ``FunctionAnswer`` exercises, ``fn`` = the wrong function a learner might write
    (matched when the learner's function gives the same results on every case).
    """

    value: Any = _MISSING
    message: str = ""
    predicate: Callable[[Any, LearnerContext], bool] | None = None
    fn: Callable[..., Any] | None = None
    abs: float | None = None
    rel: float | None = None
    example_answer: Any = _MISSING

    def __init__(
        self,
        value: Any = _MISSING,
        message: str = "",
        *,
        predicate: Callable[[Any, LearnerContext], bool] | None = None,
        fn: Callable[..., Any] | None = None,
        abs: float | None = None,
        rel: float | None = None,
        example: Any = _MISSING,
    ) -> None:
        if not isinstance(message, str) or not message.strip():
            raise ValueError(
                "WrongAnswer(message=...) must say what went wrong, e.g. 'You divided by visitors'"
            )
        given = (value is not _MISSING) + (predicate is not None) + (fn is not None)
        if given != 1:
            raise ValueError(
                "WrongAnswer needs exactly one of value=... (or a function of ctx), predicate=..., "
                "or fn=... (a wrong function, for FunctionAnswer exercises)"
            )
        if predicate is not None and example is _MISSING:
            raise ValueError(
                "a WrongAnswer with predicate=... also needs example=... (an answer that triggers it), "
                "so the self-tests can check its message"
            )
        for name, v in (
            ("value", value),
            ("predicate", predicate),
            ("fn", fn),
            ("abs", abs),
            ("rel", rel),
        ):
            object.__setattr__(self, name, v)
        object.__setattr__(self, "message", message.strip())
        object.__setattr__(self, "example_answer", example)

    def __repr__(self) -> str:
        what = (
            "predicate"
            if self.predicate is not None
            else ("fn" if self.fn is not None else "value")
        )
        return f"WrongAnswer({what}, message={self.message!r})"

    def resolved_value(self, ctx: LearnerContext, key: str | None = None) -> Any:
        """The wrong value for this learner (calls ``value(ctx)`` if it is a function).

        With a ``key`` it is computed once per context, like the reference: it depends on the
        learner's data only, and may cost as much to compute.
        """
        if self.value is _MISSING:
            return None
        if not callable(self.value):
            return self.value
        if key is None or ctx is None:
            return self.value(ctx)
        return ctx.cached(key, lambda: self.value(ctx))

    def example(self, ctx: LearnerContext) -> Any:
        """An answer that should trigger this message (for the self-tests)."""
        if self.example_answer is not _MISSING:
            return (
                self.example_answer(ctx) if callable(self.example_answer) else self.example_answer
            )
        if self.fn is not None:
            return self.fn
        return self.resolved_value(ctx)

    def matches(
        self, parsed: Any, kind: AnswerKind, ctx: LearnerContext, key: str | None = None
    ) -> bool:
        """Whether the learner's (read) answer is this mistake.

        Inside a check, a predicate runs within what is left of the check's time budget (it may
        run the learner's query or function again); a declared wrong value is the author's and
        is computed outside it (once per context when ``key`` is given).
        """
        if self.predicate is not None:
            left = ctx.time_left() if ctx is not None else None
            if left is None:
                return bool(self.predicate(parsed, ctx))
            if left <= 0:
                return False
            from pm_toolkit.exercises.kinds.functions import run_with_time_limit

            return bool(run_with_time_limit(self.predicate, (parsed, ctx), left))
        if self.fn is not None:
            return kind.matches(parsed, self.fn, ctx)
        with trusted(ctx):
            target = self.resolved_value(ctx, key)
        return kind.matches(parsed, target, ctx, abs=self.abs, rel=self.rel)


@dataclass(frozen=True)
class Exercise:
    """One self-graded question.

    ``id``: stable, ``"<lesson>.<name>"`` (progress is keyed by it; never rename a published
    one). ``kind``: an answer kind (``Number(abs=0.5)``, ``Choice({...})``, ...). ``reference``:
    the right answer, or a function of ``ctx`` computing it from the learner's data (for
    ``FunctionAnswer`` the right function, for ``SQLAnswer`` the right query). ``hints``: the
    ladder, first hint first. ``explanation``: shown after a correct answer (opt in by giving
    one). ``wrong_answers``: known mistakes → messages. ``solution``: code or words shown by
    ``.solution()``. ``variable``: the learner's variable name used in messages (``"aov"``).
    ``hints_after``: how many tries (checks that were read) open the first hint; 0 = at once.
    """

    id: str
    title: str
    prompt: str
    kind: AnswerKind
    reference: Any = None
    hints: Sequence[str] = ()
    explanation: str = ""
    wrong_answers: Sequence[WrongAnswer] = ()
    solution: str = ""
    variable: str = ""
    lesson: str = ""
    hints_after: int = 1
    tags: Sequence[str] = field(default=())

    def __repr__(self) -> str:
        # Never the reference, the solution or the declared mistakes: the repr is one keypress away.
        return f"Exercise(id={self.id!r}, title={self.title!r}, kind={self.kind!r})"

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip() or " " in self.id:
            raise ValueError(
                f"Exercise id must be text without spaces, e.g. 'metrics.aov'; got {self.id!r}"
            )
        if not isinstance(self.kind, AnswerKind):
            raise ValueError(
                f"Exercise {self.id!r}: kind must be an answer kind such as Number(abs=0.5); got {self.kind!r}"
            )
        if isinstance(self.hints, str):
            raise ValueError(f"Exercise {self.id!r}: hints must be a list of texts, not one text")
        object.__setattr__(self, "hints", tuple(str(h) for h in self.hints))
        object.__setattr__(self, "wrong_answers", tuple(self.wrong_answers))
        object.__setattr__(self, "tags", tuple(self.tags))
        for w in self.wrong_answers:
            if not isinstance(w, WrongAnswer):
                raise ValueError(
                    f"Exercise {self.id!r}: wrong_answers must be WrongAnswer(...) items; got {w!r}"
                )
        if not self.lesson and "." in self.id:
            object.__setattr__(self, "lesson", self.id.split(".", 1)[0])
        if not callable(self.reference):
            self.kind.validate(self.reference)

    @property
    def name(self) -> str:
        """The part of the id after the lesson key."""
        return self.id.split(".", 1)[-1]

    # -- references -------------------------------------------------------------------------
    def resolve_reference(self, ctx: LearnerContext) -> Any:
        """The reference for this learner, computed once per context."""

        def make() -> Any:
            ref = self.reference
            # A FunctionAnswer's reference is the right function itself, not a function of ctx.
            if callable(ref) and self.kind.kind_name != "function":
                ref = ref(ctx)
            return ref

        return ctx.cached(f"{self.id}:reference", make)

    def expected(self, ctx: LearnerContext) -> Any:
        """The value a right answer is compared with (cached per context; never stored)."""
        return ctx.cached(
            f"{self.id}:expected", lambda: self.kind.expected(self.resolve_reference(ctx), ctx)
        )

    def reference_answer(self, ctx: LearnerContext) -> Any:
        """What a learner would submit to be right: the internal path for the self-tests, the
        instructor's answer sheets and the solution editions (``BoundExercise.reference_answer``
        is the learner's, behind the solution gate)."""
        return self.kind.reference_answer(self.resolve_reference(ctx), ctx)

    def placeholder(self) -> Any:
        """The untouched starter value of a learner edition."""
        return ____

    # -- checking --------------------------------------------------------------------------
    def evaluate(self, answer: Any, ctx: LearnerContext, *, typed: bool = False) -> Outcome:
        """Check an answer for this learner; never raises (a checker bug is "could not check").

        ``typed=True``: the learner typed the answer in the widget's box, so messages do not
        name a code variable they never wrote.
        """
        try:
            return self._evaluate(answer, ctx, typed)
        except Exception:
            log_checker_error(f"checker error in exercise {self.id}")
            return Outcome(
                "could_not_check",
                "This exercise could not be checked. Your answer was saved; it is not your fault. "
                "Please tell the course team (details are in the log).",
                exercise_id=self.id,
            )

    def _evaluate(self, answer: Any, ctx: LearnerContext, typed: bool) -> Outcome:
        kind = self.kind
        if kind.is_not_attempted(answer):
            return Outcome("not_attempted", self._nudge(), exercise_id=self.id)
        try:
            parsed = kind.parse(answer, ctx)
        except InvalidInput as exc:
            return Outcome("invalid_input", str(exc), exercise_id=self.id)
        expected = self.expected(ctx)  # the author's reference: computed outside the budget
        # Every run of learner code from here on (the comparison and each declared-mistake
        # matcher) shares one time budget, and a result already computed is reused.
        with ctx.learner_run(kind.time_budget(expected)):
            return self._judge(parsed, expected, ctx, typed)

    def _judge(self, parsed: Any, expected: Any, ctx: LearnerContext, typed: bool) -> Outcome:
        kind = self.kind
        try:
            verdict = kind.compare(parsed, expected, ctx)
        except InvalidInput as exc:
            return Outcome("invalid_input", str(exc), exercise_id=self.id)
        if verdict.status is not None and verdict.status != "correct":
            return Outcome(
                verdict.status,  # type: ignore[arg-type]
                verdict.message,
                exercise_id=self.id,
                table=verdict.table,
                table_header=verdict.table_header,
                reveal=verdict.reveal,
            )
        if verdict.correct:
            return Outcome(
                "correct",
                verdict.message,
                exercise_id=self.id,
                explanation=self.explanation,
                table=verdict.table,
                table_header=verdict.table_header,
                reveal=verdict.reveal,
            )
        you_gave = f"You gave {kind.echo(parsed)}" + (
            f" for `{self.variable}`." if self.variable and not typed else "."
        )
        for i, w in enumerate(self.wrong_answers):
            if w.predicate is not None and not kind.well_typed(parsed):
                continue  # a predicate is written for answers of the kind's type
            try:
                hit = w.matches(parsed, kind, ctx, key=f"{self.id}:wrong:{i}")
            except (TimeoutError, TimeLimitExceeded):
                hit = False  # the learner's code ran out of time: not this mistake
            except Exception as exc:
                self._log_matcher_error(ctx, exc)
                hit = False
            if hit:
                return Outcome(
                    "incorrect",
                    f"{you_gave} {w.message}",
                    exercise_id=self.id,
                    table=verdict.table,
                    table_header=verdict.table_header,
                )
        message = (
            verdict.message
            if kind.input_style in {"radio", "checkboxes"}
            else _join(you_gave, verdict.message)
        )
        return Outcome(
            "incorrect",
            message or you_gave,
            exercise_id=self.id,
            table=verdict.table,
            table_header=verdict.table_header,
        )

    def _log_matcher_error(self, ctx: LearnerContext, exc: Exception) -> None:
        # Once per exercise and error type in a session: a matcher that trips over one odd
        # answer must not fill the log with the same traceback on every check.
        key = f"{self.id}:matcher-error:{type(exc).__name__}"
        if key not in ctx.cache:
            ctx.cache[key] = True
            log_checker_error(f"wrong-answer matcher failed in exercise {self.id}")

    def _nudge(self) -> str:
        if self.kind.input_style in {"radio", "checkboxes", "ordering"}:
            return "Pick your answer, then check."
        if self.kind.input_style == "judgement":
            return "Write your answer in a few sentences, then check."
        if self.variable:
            return f"Replace the ____ in the cell that creates `{self.variable}`, then check again."
        return "Replace the ____ with your answer, then check again."

    # -- hints and solution text -----------------------------------------------------------------
    def hint_text(self, n: int, handle: str = "") -> str:
        """Hint ``n`` (1-based) with a pointer to the next one; never raises."""
        if not self.hints:
            return "Sorry, no hints available for this question."
        call = f"{handle}.hint" if handle else "hint"
        if n < 1:
            n = 1
        if n > len(self.hints):
            return (
                f"That was the last hint (there are {len(self.hints)}). "
                f"If you are still stuck, {handle + '.' if handle else ''}solution() shows a worked answer."
            )
        text = f"Hint {n} of {len(self.hints)}: {self.hints[n - 1]}"
        if n < len(self.hints):
            text += f"\n(For another hint, call {call}({n + 1}) or click Hint again.)"
        return text


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip() if b else a
