"""The JupyterLab face of an exercise: input, Check, Hint, Solution and a feedback area.

Every button handler is a plain method (``click_check``, ``click_hint``, ``click_solution``)
so tests can drive the widget without a browser, and it calls the same
``BoundExercise.submit`` as code does. Feedback is written into ``HTML.value`` (never
``with out:``, which does nothing outside a live front end). Stable CSS classes for the
browser test: ``pm-exercise``, ``pm-prompt``, ``pm-answer``, ``pm-answer-option``, ``pm-check``,
``pm-hint``, ``pm-solution``, ``pm-feedback``, ``pm-rubric``; a memo adds ``pm-memo``,
``pm-memo-call``, ``pm-memo-evidence``, ``pm-memo-number``.

Long option texts wrap onto several lines with their radio circle or tick box beside them
(ipywidgets draws options one fixed line high, so wrapped text would overlap the next
option): :data:`WIDGET_CSS` is shipped inside every exercise and uses JupyterLab's theme
variables, so it reads in light and dark themes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import stable_shuffle
from pm_toolkit.exercises.outcome import Outcome
from pm_toolkit.exercises.render import plain_label

if TYPE_CHECKING:
    from pm_toolkit.exercises.bound import BoundExercise

#: Styles for long options and labels, scoped to the exercise widgets (see the module docstring).
WIDGET_CSS = """
.pm-exercise { max-width: 100%; box-sizing: border-box; }
.pm-exercise .pm-prompt code, .pm-exercise .pm-feedback code {
  background: var(--jp-layout-color2, #eee); padding: 0 3px; border-radius: 3px; }
.pm-exercise .widget-radio, .pm-exercise .widget-radio-box,
.pm-exercise .widget-checkbox { height: auto !important; width: 100% !important; }
.pm-exercise .widget-radio-box { flex: 1 1 auto; min-width: 0; }
.pm-exercise .widget-radio-box label, .pm-exercise .widget-checkbox label.widget-label-basic {
  display: flex !important; align-items: flex-start; gap: 0.5em; height: auto !important;
  min-height: var(--jp-widgets-inline-height, 28px); line-height: 1.35 !important;
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; margin: 2px 0; }
.pm-exercise .widget-radio-box input, .pm-exercise .widget-checkbox input {
  flex: 0 0 auto; margin: 0.2em 0 0 0 !important; }
.pm-exercise .widget-checkbox label.widget-label-basic span {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.pm-exercise .widget-label { width: auto !important; max-width: none !important;
  overflow: visible !important; text-overflow: clip !important; }
.pm-exercise .pm-memo-number { width: 100% !important; max-width: 40em; }
.pm-exercise .pm-memo-number .widget-label { white-space: normal !important; }
.pm-exercise .widget-dropdown { width: auto !important; max-width: 100%; }
.pm-exercise .widget-dropdown select { min-width: 14em; max-width: 100%; }
"""

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
        self._evidence_keys: list[str] = []
        self._numbers: dict[str, Any] = {}
        self._option_keys: list[str] = []  # checkbox options, in the order shown
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
        buttons = w.HBox(
            [self.check_button, self.hint_button, self.solution_button],
            layout=w.Layout(flex_flow="row wrap"),
        )
        children = [w.HTML(f"<style>{WIDGET_CSS}</style>").add_class("pm-style"), self.prompt]
        if self.style == "judgement" and ex.kind.structured:  # type: ignore[attr-defined]
            children.append(self._make_memo_parts(w))
        children.append(self.answer)
        if self.style == "judgement":
            children.append(self._rubric_box)
        children += [buttons, self.feedback, self.hint_area, self.solution_area]
        self.box = w.VBox(children, layout=w.Layout(width="100%")).add_class("pm-exercise")
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
                options=[(plain_label(o), o) for o in options],
                value=None,
                description=label,
                style={"description_width": "initial"},
                layout=w.Layout(width="100%"),
            )
            return box.add_class("pm-answer"), []
        if style == "checkboxes":
            self._option_keys = list(options)
            ticks = [
                w.Checkbox(
                    value=False,
                    description=plain_label(o),
                    indent=False,
                    layout=w.Layout(width="100%"),
                ).add_class("pm-answer-option")
                for o in options
            ]
            return w.VBox(ticks, layout=w.Layout(width="100%")).add_class("pm-answer"), ticks
        if style == "ordering":
            drops = [
                w.Dropdown(
                    options=[("—", None), *[(plain_label(o), o) for o in options]],
                    value=None,
                    description=f"{i}.",
                    style={"description_width": "2em"},
                    layout=w.Layout(width="auto"),
                ).add_class("pm-answer-option")
                for i in range(1, len(options) + 1)
            ]
            return w.VBox(
                [w.HTML("<em>Pick the items in order, first at the top:</em>"), *drops]
            ).add_class("pm-answer"), drops
        raise ValueError(f"unknown input style {style!r}")

    def _make_memo_parts(self, w: Any) -> Any:
        """The checked part of a memo: the call, the points that belong, the supporting numbers.

        Nothing is pre-selected, options appear in a stable per-learner order, long options
        wrap (see :data:`WIDGET_CSS`), and no score or rubric shows before the learner checks.
        """
        kind, b = self.bound.exercise.kind, self.bound
        rows: list[Any] = []
        full = w.Layout(width="100%")
        if kind.calls:
            calls = stable_shuffle(list(kind.calls), seed=b.ctx.seed, salt=b.id + ":call")
            self._call = w.RadioButtons(
                options=[(plain_label(c), c) for c in calls], value=None, layout=full
            )
            rows += [w.HTML("<strong>Your call</strong>"), self._call.add_class("pm-memo-call")]
        if kind.evidence:
            items = stable_shuffle(list(kind.evidence), seed=b.ctx.seed, salt=b.id + ":evidence")
            self._evidence_keys = items
            self._evidence = [
                w.Checkbox(value=False, description=plain_label(o), indent=False, layout=full)
                for o in items
            ]
            rows += [
                w.HTML("<strong>Tick every point that belongs in your memo</strong>"),
                w.VBox(self._evidence, layout=full).add_class("pm-memo-evidence"),
            ]
        for label, number_kind in kind.numbers.items():
            unit = getattr(number_kind, "unit", None)
            self._numbers[label] = w.Text(
                value="",
                description=f"{label}" + (f" ({unit})" if unit else ""),
                placeholder=_PLACEHOLDERS["text"],
                style={"description_width": "initial"},
                layout=w.Layout(width="100%", max_width="40em"),
            ).add_class("pm-memo-number")
        if self._numbers:
            rows += [w.HTML("<strong>The numbers from your data</strong>"), *self._numbers.values()]
        return w.VBox(rows, layout=full).add_class("pm-memo")

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
                evidence=[
                    k
                    for k, c in zip(self._evidence_keys, self._evidence or (), strict=False)
                    if c.value
                ],
                numbers={k: t.value for k, t in self._numbers.items()},
            )
        if style == "checkboxes":
            return [k for k, t in zip(self._option_keys, self._parts, strict=True) if t.value]
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
        """Fill the input as a learner would (tests and demos).

        A memo takes a ``JudgementAnswer`` (or a dict with ``text``, ``call``, ``evidence``,
        ``numbers``, ``ticks``); ticks are set only once the rubric is shown.
        """
        if self.style == "judgement":
            self._set_memo(value)
        elif self.style == "checkboxes":
            chosen = set(value)
            for k, t in zip(self._option_keys, self._parts, strict=True):
                t.value = k in chosen
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

    def _set_memo(self, value: Any) -> None:
        parts = value if isinstance(value, dict) else vars(value)
        text = parts.get("text", "")
        self.answer.value = "" if text is None else str(text)
        if self._call is not None:
            self._call.value = parts.get("call")
        chosen = set(parts.get("evidence") or ())
        for k, box in zip(self._evidence_keys, self._evidence or (), strict=False):
            box.value = k in chosen
        numbers = {
            " ".join(str(k).split()).casefold(): v for k, v in (parts.get("numbers") or {}).items()
        }
        for label, box in self._numbers.items():
            v = numbers.get(" ".join(label.split()).casefold())
            box.value = "" if v is None else str(v)
        ticks = parts.get("ticks")
        if ticks is not None and self._rubric_box.layout.display != "none":
            n = len(self._ticks)
            wanted = (
                [True] * n
                if ticks is True
                else [bool(t) for t in ticks]
                if len(ticks) == n and all(isinstance(t, bool) for t in ticks)
                else [i + 1 in set(ticks) for i in range(n)]
            )
            for box, on in zip(self._ticks, wanted, strict=True):
                box.value = on

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
        typed = self.style in {"text", "textarea"}  # typed in the box: name no code variable
        outcome = self.bound.submit(answer, typed=typed)  # same path as .check()
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
