"""Each learner's expected answers, computed from their own seed: for the instructor only.

An instructor walking round the room can look up what Asha's conversion rate *should* be
without asking her to share her screen, or print one page per learner before the workshop.
Nothing here is stored: every value is recomputed from the course definitions on demand.

>>> from pm_toolkit.instructor.cohort import Member
>>> sheet = answer_sheet(Member("Asha", "asha@example.in", 1), lessons=["start_here"], scale="tiny")
>>> sheet.answers[0].exercise_id, sheet.answers[0].text
('start_here.three_orders', '₹833.33')
"""

from __future__ import annotations

import html
import inspect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pm_toolkit.instructor.cohort import Member


@dataclass(frozen=True)
class ExpectedAnswer:
    """One exercise's right answer for one learner, as text (and HTML for tables)."""

    exercise_id: str
    lesson: str
    title: str
    kind: str
    text: str
    html: str = ""


@dataclass(frozen=True)
class AnswerSheet:
    """Every expected answer of one learner."""

    member: Member
    scale: str
    answers: tuple[ExpectedAnswer, ...]

    def __repr__(self) -> str:
        return f"AnswerSheet({self.member.learner_id!r}, {len(self.answers)} answers)"

    @property
    def text(self) -> str:
        lines = [
            f"Answer sheet (instructor only): {self.member.name} <{self.member.learner_id}>, "
            f"seed {self.member.seed}, data scale {self.scale}"
        ]
        for a in self.answers:
            body = a.text.replace("\n", "\n      ")
            lines.append(f"  {a.exercise_id} ({a.title}):\n      {body}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return sheet_html(self)


def _fmt_number(v: float, unit: str = "") -> str:
    """A reference number as the lessons print it: rupees with Indian digit grouping.

    >>> _fmt_number(1234567.5, "₹"), _fmt_number(-950.0, "₹"), _fmt_number(0.04321, "pp")
    ('₹12,34,567.50', '-₹950', '0.04321 pp')
    """
    if not math.isfinite(v):
        return str(v)
    if unit == "₹" and abs(v) >= 1:
        from pm_toolkit.viz import format_inr

        return format_inr(v, 2).removesuffix(".00")
    text = f"{v:,.2f}" if abs(v) >= 1 else f"{v:.6g}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{unit}{text}" if unit == "₹" else f"{text}{(' ' + unit) if unit else ''}"


def format_answer(exercise: Any, value: Any) -> tuple[str, str]:
    """(text, html) for a reference answer of any kind."""
    import pandas as pd

    kind = exercise.kind.kind_name
    if isinstance(value, pd.DataFrame):
        shown = value.head(20)
        more = f" (first 20 of {len(value)} rows)" if len(value) > 20 else ""
        return shown.to_string(index=False) + more, shown.to_html(
            index=False, border=0
        ) + html.escape(more)
    if kind == "function" or callable(value):
        src = exercise.solution or _source(value)
        return src, f"<pre>{html.escape(src)}</pre>"
    if kind == "sql":
        return str(value), f"<pre>{html.escape(str(value))}</pre>"
    if kind == "judgement":
        rubric = "; ".join(exercise.kind.rubric)
        model = getattr(value, "text", None) or str(exercise.kind.model_answer)
        text = f"{model}\nRubric: {rubric}"
        if getattr(value, "structured", False):
            numbers = ", ".join(f"{k} = {v:.6g}" for k, v in value.numbers.items())
            text = (
                f"Call: {value.call}\nEvidence: {'; '.join(value.evidence)}\n"
                f"Numbers: {numbers}\n{text}"
            )
        return text, html.escape(text).replace("\n", "<br>")
    if kind == "percent" and isinstance(value, (int, float)):
        text = f"{value * 100:.4g}% (= {value:.6g})"
        return text, html.escape(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _fmt_number(float(value), getattr(exercise.kind, "unit", "") or "")
        return text, html.escape(text)
    if kind == "ordering" and isinstance(value, Sequence) and not isinstance(value, str):
        text = " → ".join(map(str, value))
        return text, html.escape(text)
    if isinstance(value, (list, tuple, set, frozenset)):
        text = "; ".join(map(str, value))
        return text, html.escape(text)
    return str(value), html.escape(str(value))


def _source(fn: Any) -> str:
    try:
        return inspect.getsource(fn).strip()
    except (OSError, TypeError):
        return getattr(fn, "__name__", "the reference function")


def answer_sheet(
    member: Member, lessons: Iterable[str] | None = None, scale: str = "small"
) -> AnswerSheet:
    """Compute one learner's expected answers (all lessons with exercises, or ``lessons``)."""
    from pm_toolkit.course import exercises_for, lesson_keys
    from pm_toolkit.exercises.context import LearnerContext

    keys = list(lessons) if lessons is not None else list(lesson_keys())
    ctx = LearnerContext(seed=member.seed, scale=scale, learner=member.learner_id)
    out = []
    for key in keys:
        for ex in exercises_for(key):
            try:
                text, markup = format_answer(ex, ex.reference_answer(ctx))
                if ex.kind.kind_name == "sql":  # the query is shared; its result is this learner's
                    t2, m2 = format_answer(ex, ex.expected(ctx))
                    text, markup = f"{text}\nResult:\n{t2}", markup + m2
            except Exception as exc:  # a broken reference must not hide every other answer
                text = f"(could not compute: {type(exc).__name__}: {str(exc)[:120]})"
                markup = html.escape(text)
            out.append(ExpectedAnswer(ex.id, ex.lesson, ex.title, ex.kind.kind_name, text, markup))
    return AnswerSheet(member, scale, tuple(out))


def sheet_html(sheet: AnswerSheet) -> str:
    """One printable section (ends with a page break)."""
    m = sheet.member
    rows = "".join(
        f"<tr><td><code>{html.escape(a.exercise_id)}</code><br>{html.escape(a.title)}</td>"
        f"<td>{a.html}</td></tr>"
        for a in sheet.answers
    )
    return (
        "<section class='pm-answer-sheet' style='break-after: page'>"
        f"<h2>{html.escape(m.name)} <small>({html.escape(m.learner_id)})</small></h2>"
        f"<p><strong>Instructor only.</strong> Seed {m.seed}, data scale {html.escape(sheet.scale)}. "
        "Expected answers computed from this learner's own data.</p>"
        f"<table><thead><tr><th>exercise</th><th>expected answer</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def sheets_document(sheets: Sequence[AnswerSheet], title: str) -> str:
    """A whole printable HTML page: one section (one printed page or more) per learner."""
    body = "\n".join(sheet_html(s) for s in sheets)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top;font-size:.9rem}pre{white-space:pre-wrap;margin:0}"
        f"</style></head><body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def sheet_document(sheet: AnswerSheet) -> str:
    """A printable HTML page with one learner's answer sheet."""
    return sheets_document([sheet], f"Answer sheet: {sheet.member.name} (instructor only)")
