"""An exercise bound to a learner: check, hint, solution, progress, and its display.

``lesson("metrics")`` returns a ``LessonExercises`` whose ``q1 … qN`` are ``BoundExercise``
objects. ``check()`` is the one code path: the widget's Check button calls it too, records
the event, updates the widget's feedback area, and in strict mode raises on anything but
correct.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.context import LearnerContext
from pm_toolkit.exercises.model import Exercise
from pm_toolkit.exercises.outcome import ExerciseNotCorrect, Outcome
from pm_toolkit.exercises.parsing import is_a, is_text
from pm_toolkit.exercises.placeholder import ____

if TYPE_CHECKING:
    from pm_toolkit.exercises.store import ProgressStore
    from pm_toolkit.exercises.widget import ExerciseWidget


@dataclasses.dataclass(frozen=True)
class Note:
    """A hint or solution text with the same three faces as an Outcome."""

    title: str
    body: str
    kind: str = "hint"  # hint | solution | info | gate (a locked answer: confirm to open)
    code: bool = False

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}" if self.title else self.body

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        body = f"```python\n{self.body}\n```" if self.code else self.body.replace("\n", "  \n")
        return f"**{self.title}**\n\n{body}" if self.title else body

    def _repr_html_(self) -> str:
        return self.html()

    def html(self) -> str:
        from pm_toolkit.exercises.render import markdown_html

        body = (
            f"<pre><code>{html.escape(self.body)}</code></pre>"
            if self.code
            else markdown_html(self.body)
        )
        title = f"<strong>{html.escape(self.title)}</strong><br>" if self.title else ""
        return f"<div class='pm-note pm-note-{self.kind}'>{title}{body}</div>"


class BoundExercise:
    """One exercise for one learner. Use ``.check(answer)``, ``.hint()``, ``.solution()``."""

    def __init__(
        self,
        exercise: Exercise,
        ctx: LearnerContext,
        *,
        handle: str = "",
        store: ProgressStore | None = None,
    ) -> None:
        self.exercise = exercise
        self.ctx = ctx
        self.handle = handle or exercise.name
        self._store = store
        self._widget: ExerciseWidget | None = None
        self._session_hints = 0
        self._in_cells = False  # a check() output is on screen: later checks update it too

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def store(self) -> ProgressStore:
        if self._store is None:
            from pm_toolkit.exercises.store import ProgressStore

            self._store = ProgressStore(learner=self.ctx.learner)
        return self._store

    def __repr__(self) -> str:
        last = self.last_outcome()
        lines = [f"{self.handle}: {self.exercise.title}", self.exercise.prompt]
        lines.append(last.text if last else "○ Not attempted yet")
        lines.append(f"Answer with {self.handle}.check(...); stuck? {self.handle}.hint()")
        return "\n".join(lines)

    def reference_answer(self, confirm: bool = False) -> Any:
        """A right answer for this learner, behind the same gate as ``solution()``.

        Without ``confirm=True`` it asks first (a note, not the answer); with it, the answer is
        returned and the view is recorded in your progress, like a solution. In strict mode (the
        solution editions in CI) it answers at once, still recorded. Instructor tools and the
        self-tests use ``exercise.reference_answer(ctx)``, which records nothing.
        """
        from pm_toolkit import config

        if not confirm and not config.strict_mode():
            return Note(
                "Show a right answer?",
                "Seeing a right answer is recorded in your progress, like the solution (it still "
                f"counts once you solve it). To see it, call {self.handle}.reference_answer(confirm=True).",
                "gate",
            )
        self._safe_record(
            {
                "action": "solution",
                "exercise": self.id,
                "lesson": self.exercise.lesson,
                "via": "reference_answer",
            }
        )
        return self.exercise.reference_answer(self.ctx)

    # -- checking --------------------------------------------------------------------------
    def check(
        self,
        answer: Any = ____,
        *,
        ticks: Any = None,
        call: Any = None,
        evidence: Any = None,
        numbers: Any = None,
    ) -> Outcome:
        """Check an answer, record it, update the widget; strict mode raises unless correct.

        For a judgement (memo): ``check(text, call=..., evidence=[...], numbers={...})``, then
        the same with ``ticks=[1, 3]`` once the model answer and rubric are shown.
        """
        answer = _memo(answer, ticks, call, evidence, numbers)
        outcome = self._check(answer, None)
        self._raise_if_strict(outcome)
        return outcome

    def submit(
        self,
        answer: Any = ____,
        *,
        ticks: Any = None,
        call: Any = None,
        evidence: Any = None,
        numbers: Any = None,
        typed: bool = False,
    ) -> Outcome:
        """What the Check button does (same path as ``check``; never raises from a click).

        ``typed``: the answer was typed in the widget's box (messages then name no variable).
        """
        self._from_widget = True
        try:
            return self._check(_memo(answer, ticks, call, evidence, numbers), None, typed=typed)
        finally:
            self._from_widget = False

    _from_widget = False

    def _check(self, answer: Any, ticks: Any, *, typed: bool = False) -> Outcome:
        if ticks is not None:
            from pm_toolkit.exercises.kinds.judgement import JudgementAnswer

            if not is_a(answer, JudgementAnswer):
                answer = JudgementAnswer(answer, ticks)
        if is_a(answer, Note) and answer.kind == "gate":
            outcome = Outcome(
                "invalid_input",
                f"That is the locked right answer, not an answer: call "
                f"{self.handle}.reference_answer(confirm=True) to open it (recorded), or type yours.",
                exercise_id=self.id,
            )
            self._show(outcome)
            return outcome
        outcome = self.exercise.evaluate(answer, self.ctx, typed=typed)
        if (
            outcome.status == "not_attempted"
            and self.exercise.kind.is_not_attempted(answer)
            and not _strict()  # a solution edition must hold real answers, not blanks
        ):
            # The blank is still in this cell, but the question may have been answered (in the
            # widget, or before a restart): show that, so the cell and the widget agree.
            saved = self.last_outcome()
            if saved is not None and saved.status != "not_attempted":
                self._safe_record(_blank_check(self))
                outcome = dataclasses.replace(
                    saved,
                    message=_join(
                        saved.message,
                        "(Your saved result. To check a new answer here, replace the ____.)",
                    ),
                )
                self._show(outcome, from_here=True)
                return dataclasses.replace(outcome, live=self)
        if outcome.correct:
            entry = self._safe_last() or {}
            hints = entry.get("hints", 0)
            if entry.get("solution"):
                note = "Solved after viewing the solution: try a similar one without it next time."
            elif hints:
                note = f"Solved with {hints} hint{'s' if hints != 1 else ''}."
            else:
                note = "Solved without hints. Nice work!"
            outcome = dataclasses.replace(outcome, message=_join(outcome.message, note))
        failure = self._record(outcome, answer)
        if failure:
            outcome = dataclasses.replace(
                outcome, message=_join(outcome.message, f"⚠ Not saved: {failure}.")
            )
        self._show(outcome)
        return dataclasses.replace(outcome, live=self)

    def _show(self, outcome: Outcome, *, from_here: bool = False) -> None:
        """Bring every face of this question to the same status: the widget and earlier
        ``check()`` outputs. An untouched blank never wipes a real result."""
        if outcome.status == "not_attempted" and not self._from_widget and not from_here:
            return
        if self._widget is not None:
            self._widget.show_outcome(outcome)
        if self._in_cells:
            from pm_toolkit.exercises.render import show_live

            show_live(outcome, update=True)

    def show_in_cell(self, outcome: Outcome) -> None:
        """Display ``outcome`` as a cell's output that later checks of this question update."""
        from pm_toolkit.exercises.render import show_live

        self._in_cells = show_live(outcome) or self._in_cells

    def _raise_if_strict(self, outcome: Outcome) -> None:
        from pm_toolkit import config

        if config.strict_mode() and not outcome.correct:
            raise ExerciseNotCorrect(f"[strict mode] {self.id}: {outcome.text}")

    def _record(self, outcome: Outcome, answer: Any) -> str:
        """Save the check; returns "" or, when it could not be saved, why."""
        event: dict[str, Any] = {
            "action": "check",
            "exercise": self.id,
            "lesson": self.exercise.lesson,
            "kind": self.exercise.kind.kind_name,
            "status": outcome.status,
        }
        if not outcome.correct:
            event["message"] = outcome.message
            event["answer"] = _answer_text(answer)  # readable text for the learner's own review
        if outcome.status != "not_attempted":
            # The learner's own submission, as data, so an exported progress file can be
            # re-checked by the instructor's grader. It is never an answer key: it only exists
            # once the learner has answered, and it only fits this learner's data.
            event["raw"] = _raw_answer(answer)
            event["scale"] = self.ctx.scale
        return self._safe_record(event)

    def _safe_record(self, event: dict[str, Any]) -> str:
        """Record an event; a failure (a full disk) is returned as words, never raised."""
        from pm_toolkit.exercises.model import log_checker_error
        from pm_toolkit.exercises.store import ProgressNotSaved

        try:
            self.store.record(event)
        except ProgressNotSaved as exc:
            log_checker_error(f"could not save progress for {self.id}")
            return exc.strerror or str(exc)
        except Exception:  # a broken store must not break a lesson
            log_checker_error(f"could not save progress for {self.id}")
            return "your progress could not be saved (details are in the log)"
        return ""

    def _safe_last(self) -> dict[str, Any] | None:
        try:
            return self.store.last(self.id)
        except Exception:
            return None

    def last_outcome(self) -> Outcome | None:
        """The last saved outcome (restored after a kernel restart), or None."""
        entry = self._safe_last()
        if not entry or entry.get("checks", 0) == 0:
            return None
        status = entry.get("status", "not_attempted")
        if status == "not_attempted" and "one step left" not in entry.get("message", ""):
            return None  # only blanks were checked: nothing to restore (no stale "Replace ____")
        message = entry.get("message", "")
        if status == "correct":
            message = "You solved this earlier." + (
                " (after viewing the solution)" if entry.get("solution") else ""
            )
        elif message:
            message = "Last time: " + message
        try:
            return Outcome(status, message, exercise_id=self.id)
        except ValueError:
            return None

    # -- hints and solution ----------------------------------------------------------------------
    def hints_unlocked(self) -> bool:
        """Hints open after the first check that was read (right or wrong), or at once if none are gated."""
        return self._hints_open(self._safe_last() or {})

    def _hints_open(self, entry: dict[str, Any]) -> bool:
        return entry.get("tries", 0) >= self.exercise.hints_after

    def hint(self, n: int | None = None) -> Note:
        """The next hint (or hint ``n``); hints open one at a time and the use is recorded."""
        ex = self.exercise
        if not ex.hints:
            return Note("", "Sorry, no hints available for this question.", "info")
        entry = self._safe_last() or {}  # one read of the store serves the gate and the ladder
        if not self._hints_open(entry):
            return Note(
                "Hints unlock after your first try",
                f"Give it a go first: type an answer and press Check (or call {self.handle}.check(...)). "
                "Then the first hint opens.",
                "info",
            )
        seen = max(entry.get("hints", 0), self._session_hints)
        nxt = min(seen + 1, len(ex.hints) + 1)
        want = nxt if n is None else int(n)
        prefix = ""
        if want > seen + 1:
            prefix = f"Hints open one at a time; here is hint {nxt}.\n"
            want = nxt
        want = max(want, 1)
        if want > len(ex.hints):
            return Note("No more hints", ex.hint_text(want, self.handle), "info")
        self._session_hints = max(self._session_hints, want)
        self._safe_record(
            {"action": "hint", "exercise": self.id, "lesson": ex.lesson, "hint": want}
        )
        body = ex.hint_text(want, self.handle)
        title, _, rest = body.partition(": ")
        return Note(title, prefix + rest, "hint")

    def solution(self, confirm: bool = False) -> Note:
        """The worked solution, after confirmation (``confirm=True``). Its use is recorded."""
        ex = self.exercise
        if not ex.solution:
            return Note("", "This question has no written solution.", "info")
        if not confirm:
            return Note(
                "Show the solution?",
                "Seeing the solution is recorded in your progress (it still counts once you solve it). "
                f"To see it, call {self.handle}.solution(confirm=True) or click Solution twice.",
                "info",
            )
        self._safe_record({"action": "solution", "exercise": self.id, "lesson": ex.lesson})
        return Note(
            f"Solution: {ex.title}",
            ex.solution.strip("\n"),
            "solution",
            code=_looks_like_code(ex.solution),
        )

    # -- display ---------------------------------------------------------------------------------
    def widget(self) -> ExerciseWidget:
        """The ipywidgets UI (created once; it shows the last saved outcome)."""
        if self._widget is None:
            from pm_toolkit.exercises.widget import ExerciseWidget

            self._widget = ExerciseWidget(self)
        return self._widget

    def prompt_html(self) -> str:
        from pm_toolkit.exercises.render import prompt_html

        return prompt_html(self)

    def _repr_markdown_(self) -> str:
        from pm_toolkit.exercises.render import prompt_markdown

        return prompt_markdown(self)

    def _repr_html_(self) -> str:
        from pm_toolkit.exercises.render import exercise_html

        return exercise_html(self)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        from pm_toolkit.exercises.render import exercise_html

        data: dict[str, Any] = {"text/plain": repr(self), "text/html": exercise_html(self)}
        try:
            bundle = self.widget().box._repr_mimebundle_()
            data.update({k: v for k, v in bundle.items() if k != "text/plain"})
        except Exception:  # no widget support here: the HTML/text fallback is enough
            pass
        display(data, raw=True)


class LessonExercises:
    """The exercises of one lesson: ``ex.q1``, ``ex.q2`` … in definition order, or ``ex["id"]``."""

    def __init__(self, key: str, items: list[BoundExercise], ctx: LearnerContext) -> None:
        self.key, self.ctx, self._items = key, ctx, items
        for i, b in enumerate(items, 1):
            setattr(self, f"q{i}", b)

    def __iter__(self) -> Iterator[BoundExercise]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: str | int) -> BoundExercise:
        if isinstance(key, int):
            return self._items[key]
        for b in self._items:
            if key in (b.id, b.exercise.name, b.handle.rsplit(".", 1)[-1]):
                return b
        raise KeyError(
            f"no exercise {key!r} in lesson {self.key!r}; have {[b.id for b in self._items]}"
        )

    def __repr__(self) -> str:
        lines = [f"Lesson {self.key!r}: {len(self)} exercises"]
        for b in self._items:
            last = b.last_outcome()
            lines.append(
                f"  {b.handle.rsplit('.', 1)[-1]}: {b.exercise.title} — {last.label if last else '○ Not attempted'}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(b.handle)}</code></td><td>{html.escape(b.exercise.title)}</td>"
            f"<td>{html.escape((b.last_outcome() or Outcome('not_attempted')).label)}</td></tr>"
            for b in self._items
        )
        return (
            f"<div class='pm-lesson'><strong>Lesson {html.escape(self.key)}</strong>"
            f"<table><thead><tr><th>handle</th><th>exercise</th><th>status</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def lesson(key: str, *, ctx: LearnerContext | None = None, handle: str = "ex") -> LessonExercises:
    """The exercises of lesson ``key`` for the current learner (or for ``ctx``).

    >>> from pm_toolkit.exercises import lesson, LearnerContext
    >>> ex = lesson("start_here", ctx=LearnerContext(scale="tiny"))
    >>> ex.q1.exercise.kind.kind_name
    'number'
    """
    from pm_toolkit.course import exercises_for

    if ctx is None:
        ctx = LearnerContext.current()
    exercises = exercises_for(key)
    items = [BoundExercise(e, ctx, handle=f"{handle}.q{i}") for i, e in enumerate(exercises, 1)]
    return LessonExercises(key, items, ctx)


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip() if a else b


def _looks_like_code(text: str) -> bool:
    t = text.strip()
    return (
        any(tok in t for tok in ("=", "(", "SELECT", "def ", "import ")) and "\n\n" not in t[:200]
    )


def _memo(answer: Any, ticks: Any, call: Any, evidence: Any, numbers: Any) -> Any:
    """A judgement's parts given as keywords, gathered into one ``JudgementAnswer``."""
    if ticks is None and call is None and evidence is None and numbers is None:
        return answer
    from pm_toolkit.exercises.kinds.judgement import JudgementAnswer

    if is_a(answer, JudgementAnswer):
        return dataclasses.replace(
            answer,
            ticks=answer.ticks if ticks is None else ticks,
            call=answer.call if call is None else call,
            evidence=answer.evidence if evidence is None else evidence,
            numbers=answer.numbers if numbers is None else numbers,
        )
    return JudgementAnswer(answer, ticks, call, evidence or (), numbers or {})


def _answer_text(answer: Any) -> str:
    from pm_toolkit.exercises.parsing import describe

    try:
        if callable(answer):
            return f"<function {getattr(answer, '__name__', '?')}>"
        try:
            import pandas as pd

            if is_a(answer, pd.DataFrame):
                return f"<table {answer.shape[0]}x{answer.shape[1]}>"
        except ImportError:  # pragma: no cover
            pass
        return str.__str__(answer) if is_text(answer) else describe(answer, limit=200)
    except Exception:
        return "<answer>"


_MAX_RAW_CHARS = 200_000  # keep the progress log small; a bigger answer is re-run by the grader


def _raw_answer(answer: Any) -> Any:
    """The answer encoded for re-checking, or a marker when it is too large (or too odd) to keep."""
    import json

    from pm_toolkit.exercises.answer_codec import TAG, encode_answer

    try:
        raw = encode_answer(answer)
        size = len(json.dumps(raw, default=lambda v: f"<{type(v).__name__}>"))
    except Exception:  # an object built to break things: keep that it was unreadable
        return {TAG: "unreadable", "type": type(answer).__name__}
    if size > _MAX_RAW_CHARS:
        return {TAG: "unreadable", "type": "too large to store"}
    return raw


def _strict() -> bool:
    from pm_toolkit import config

    return config.strict_mode()


def _blank_check(b: BoundExercise) -> dict[str, Any]:
    return {
        "action": "check",
        "exercise": b.id,
        "lesson": b.exercise.lesson,
        "kind": b.exercise.kind.kind_name,
        "status": "not_attempted",
    }
