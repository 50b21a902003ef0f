"""The JupyterLab face of an exercise: input, Check, Hint, Solution and a feedback area.

Every button handler is a plain method (``click_check``, ``click_hint``, ``click_solution``)
so tests can drive the widget without a browser, and it calls the same
``BoundExercise.submit`` as code does. Feedback is written into ``HTML.value`` (never
``with out:``, which does nothing outside a live front end). Stable CSS classes for the
browser test: ``pm-exercise``, ``pm-answer``, ``pm-check``, ``pm-hint``, ``pm-solution``,
``pm-feedback``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import stable_shuffle
from pm_toolkit.exercises.outcome import Outcome

if TYPE_CHECKING:
    from pm_toolkit.exercises.bound import BoundExercise

_PLACEHOLDERS = {
    "text": "e.g. 1834.2, ₹1,200, 12.5% or 3/8",
    "textarea": "SELECT …",
    "variable": "name of your variable, e.g. my_answer",
    "judgement": "Write a few sentences in your own words",
}


def display_options(b: BoundExercise) -> list[str]:
    """Options/items in the order this learner sees them (stable per learner and exercise)."""
    kind = b.exercise.kind
    items: list[str] = []
    if kind.input_style in {"radio", "checkboxes"}:
        items = list(kind.options)  # type: ignore[attr-defined]
    elif kind.input_style == "ordering":
        items = list(kind.items)  # type: ignore[attr-defined]
    if items and getattr(kind, "shuffle", False):
        items = stable_shuffle(items, seed=b.ctx.seed, salt=b.exercise.id)
    return items


class ExerciseWidget:
    """Builds and wires the ipywidgets for one ``BoundExercise``."""

    def __init__(self, bound: BoundExercise) -> None:
        import ipywidgets as w

        self.bound = bound
        ex = bound.exercise
        self.style = ex.kind.input_style
        self._last_submit: tuple[Any, float] | None = None
        self._solution_pending = False  # the first Solution click asks, the second shows
        # the checked part of a structured memo (see _make_memo_parts)
        self._call: Any = None
        self._evidence: list[Any] | None = None
        self._numbers: dict[str, Any] = {}
        self.prompt = w.HTML(bound.prompt_html()).add_class("pm-prompt")
        self.answer, self._parts = self._make_input(w)
        self.check_button = w.Button(
            description="Check", tooltip="Check my answer", icon="check", button_style="primary"
        ).add_class("pm-check")
        self.hint_button = w.Button(
            description="Hint",
            tooltip="Show the next hint",
            icon="lightbulb-o",
            disabled=not ex.hints,
        ).add_class("pm-hint")
        self.solution_button = w.Button(
            description="Solution",
            tooltip="Show the solution (asks first; use is recorded)",
            icon="eye",
            disabled=not ex.solution,
        ).add_class("pm-solution")
        self.feedback = w.HTML("").add_class("pm-feedback")
        self.hint_area = w.HTML("").add_class("pm-hint-text")
        self.solution_area = w.HTML("").add_class("pm-solution-text")
        self.check_button.on_click(lambda _b: self.click_check())
        self.hint_button.on_click(lambda _b: self.click_hint())
        self.solution_button.on_click(lambda _b: self.click_solution())
        buttons = w.HBox([self.check_button, self.hint_button, self.solution_button])
        children = [self.prompt]
        if self.style == "judgement" and ex.kind.structured:  # type: ignore[attr-defined]
            children.append(self._make_memo_parts(w))
        children.append(self.answer)
        if self.style == "judgement":
            children.append(self._rubric_box)
        children += [buttons, self.feedback, self.hint_area, self.solution_area]
        self.box = w.VBox(children).add_class("pm-exercise")
        last = bound.last_outcome()
        if last is not None:
            self.feedback.value = last.html()

    # -- inputs --------------------------------------------------------------------------------
    def _make_input(self, w: Any) -> tuple[Any, list[Any]]:
        style, b = self.style, self.bound
        label = "Your answer"
        if style in {"text", "variable"}:
            unit = getattr(b.exercise.kind, "unit", None)
            box = w.Text(
                value="",
                placeholder=_PLACEHOLDERS[style],
                description=label,
                tooltip="Type your answer, then press Enter or Check",
                continuous_update=False,
                style={"description_width": "initial"},  # show the whole label, never "Your answ…"
                layout=w.Layout(width="28em"),
            )
            if unit:
                box.description = f"{label} ({unit})"
            box.observe(self._on_enter, names="value")  # Enter (or leaving the box) submits
            return box.add_class("pm-answer"), []
        if style in {"textarea", "judgement"}:
            box = w.Textarea(
                value="",
                placeholder=_PLACEHOLDERS[style],
                description=label,
                style={"description_width": "initial"},
                rows=4,
                layout=w.Layout(width="90%"),
                continuous_update=False,
            )
            if style == "judgement":
                rubric = b.exercise.kind.rubric  # type: ignore[attr-defined]
                self._ticks = [w.Checkbox(value=False, description=r, indent=False) for r in rubric]
                self._rubric_box = w.VBox(
                    [w.HTML("<em>Tick the points your answer covers:</em>"), *self._ticks],
                    layout=w.Layout(display="none"),
                ).add_class("pm-rubric")
            return box.add_class("pm-answer"), []
        options = display_options(b)
        if style == "radio":
            box = w.RadioButtons(
                options=options, value=None, description=label, layout=w.Layout(width="max-content")
            )
            return box.add_class("pm-answer"), []
        if style == "checkboxes":
            ticks = [
                w.Checkbox(value=False, description=o, indent=False).add_class("pm-answer-option")
                for o in options
            ]
            return w.VBox(ticks).add_class("pm-answer"), ticks
        if style == "ordering":
            drops = [
                w.Dropdown(
                    options=[("—", None), *[(o, o) for o in options]],
                    value=None,
                    description=f"{i}.",
                )
                for i in range(1, len(options) + 1)
            ]
            return w.VBox(
                [w.HTML("<em>Pick the items in order, first at the top:</em>"), *drops]
            ).add_class("pm-answer"), drops
        raise ValueError(f"unknown input style {style!r}")

    def _make_memo_parts(self, w: Any) -> Any:
        """The checked part of a memo: the call, the points that belong, the supporting numbers.

        Nothing is pre-selected, and options appear in a stable per-learner order.
        """
        kind, b = self.bound.exercise.kind, self.bound
        rows: list[Any] = []
        if kind.calls:
            calls = stable_shuffle(list(kind.calls), seed=b.ctx.seed, salt=b.id + ":call")
            self._call = w.RadioButtons(options=calls, value=None, layout=w.Layout(width="auto"))
            rows += [w.HTML("<strong>Your call</strong>"), self._call.add_class("pm-memo-call")]
        if kind.evidence:
            items = stable_shuffle(list(kind.evidence), seed=b.ctx.seed, salt=b.id + ":evidence")
            self._evidence = [
                w.Checkbox(value=False, description=o, indent=False, layout=w.Layout(width="auto"))
                for o in items
            ]
            rows += [
                w.HTML("<strong>Tick every point that belongs in your memo</strong>"),
                w.VBox(self._evidence).add_class("pm-memo-evidence"),
            ]
        for label, number_kind in kind.numbers.items():
            unit = getattr(number_kind, "unit", None)
            self._numbers[label] = w.Text(
                value="",
                description=f"{label}" + (f" ({unit})" if unit else ""),
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            ).add_class("pm-memo-number")
        if self._numbers:
            rows += [w.HTML("<strong>The numbers from your data</strong>"), *self._numbers.values()]
        return w.VBox(rows).add_class("pm-memo")

    def read_answer(self) -> Any:
        """The learner's answer as the widget holds it (what Check submits)."""
        style = self.style
        if style in {"text", "textarea", "radio"}:
            return self.answer.value
        if style == "judgement":
            from pm_toolkit.exercises.kinds.judgement import JudgementAnswer

            shown = self._rubric_box.layout.display != "none"
            ticks = [t.value for t in self._ticks] if shown else None
            if not self.bound.exercise.kind.structured:  # type: ignore[attr-defined]
                return JudgementAnswer(self.answer.value, ticks)
            return JudgementAnswer(
                self.answer.value,
                ticks,
                call=self._call.value if self._call is not None else None,
                evidence=[c.description for c in self._evidence or () if c.value],
                numbers={k: t.value for k, t in self._numbers.items()},
            )
        if style == "checkboxes":
            return [t.description for t in self._parts if t.value]
        if style == "ordering":
            picked = [d.value for d in self._parts]
            return (
                None
                if all(p is None for p in picked)
                else [p if p is not None else "" for p in picked]
            )
        if style == "variable":
            return self._lookup_variable(self.answer.value)
        return None

    def set_answer(self, value: Any) -> None:
        """Fill the input as a learner would (tests and demos)."""
        if self.style == "checkboxes":
            for t in self._parts:
                t.value = t.description in set(value)
        elif self.style == "ordering":
            for d, v in zip(self._parts, value, strict=False):
                d.value = v
        else:
            self._suppress_enter = True
            try:
                self.answer.value = value
            finally:
                self._suppress_enter = False

    _suppress_enter = False

    def _lookup_variable(self, name: str) -> Any:
        name = (name or "").strip()
        if not name:
            return None
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover
            shell = None
        ns = shell.user_ns if shell is not None else {}
        if name not in ns:
            return _Missing(name)
        return ns[name]

    # -- handlers --------------------------------------------------------------------------------
    def _on_enter(self, change: dict[str, Any]) -> None:
        if self._suppress_enter or not str(change.get("new", "")).strip():
            return
        self.click_check()

    def click_check(self) -> Outcome:
        """What the Check button does: read the input, submit, show the outcome."""
        answer = self.read_answer()
        if isinstance(answer, _Missing):
            outcome = Outcome(
                "invalid_input",
                f"There is no variable called {answer.name!r} yet: run the cell that creates it, "
                "then check again.",
                exercise_id=self.bound.id,
            )
            self.show_outcome(outcome)
            return outcome
        key = _answer_key(answer)
        now = time.monotonic()
        if self._last_submit and self._last_submit[0] == key and now - self._last_submit[1] < 1.0:
            # Enter/blur and the click that caused the blur arrive together: check once.
            return self._last_outcome
        self._last_submit = (key, now)
        outcome = self.bound.submit(answer)  # same path as .check(); it calls show_outcome
        self._last_outcome = outcome
        if self.style == "judgement" and outcome.status == "not_attempted" and outcome.reveal:
            self._rubric_box.layout.display = None
        return outcome

    _last_outcome: Outcome = Outcome("not_attempted")

    def click_hint(self) -> str:
        note = self.bound.hint()
        self.hint_area.value = note.html()
        return self.hint_area.value

    def click_solution(self) -> str:
        if not self._solution_pending:
            self._solution_pending = True
            self.solution_area.value = self.bound.solution(confirm=False).html()
            self.solution_button.description = "Yes, show it"
            self.solution_button.tooltip = "Click to confirm: show the solution (recorded)"
        else:
            self._solution_pending = False
            self.solution_area.value = self.bound.solution(confirm=True).html()
            self.solution_button.description = "Solution"
        return self.solution_area.value

    def show_outcome(self, outcome: Outcome) -> None:
        self.feedback.value = outcome.html()


class _Missing:
    def __init__(self, name: str) -> None:
        self.name = name


def _answer_key(answer: Any) -> Any:
    try:
        hash(answer)
        return (type(answer).__name__, answer)
    except TypeError:
        return (type(answer).__name__, id(answer), repr(answer)[:200])
