"""Self-graded exercises: define them once, check them in the notebook, keep progress.

In a notebook:

>>> from pm_toolkit.exercises import lesson, LearnerContext
>>> ex = lesson("start_here", ctx=LearnerContext(scale="tiny"))
>>> ex.q1.exercise.evaluate("₹1,000", ex.q1.ctx).status
'incorrect'

``ex.q1`` displays the widget; ``ex.q1.check(value)`` returns an ``Outcome``; ``ex.q1.hint()``
gives the next hint; ``ex.q1.solution(confirm=True)`` shows the worked answer (recorded).
Definitions live in ``pm_toolkit/course/<lesson>.py``; see ``pm_toolkit/course/README.md``.
"""

from __future__ import annotations

from typing import Any

from pm_toolkit.exercises.bound import BoundExercise, LessonExercises, Note, lesson
from pm_toolkit.exercises.context import LearnerContext
from pm_toolkit.exercises.kinds import (
    AnswerKind,
    Choice,
    DataFrameAnswer,
    FunctionAnswer,
    Judgement,
    JudgementAnswer,
    MemoKey,
    MultiChoice,
    Number,
    Ordering,
    Percent,
    SQLAnswer,
    Verdict,
)
from pm_toolkit.exercises.model import Exercise, WrongAnswer
from pm_toolkit.exercises.outcome import LABELS, STATUSES, ExerciseNotCorrect, Outcome
from pm_toolkit.exercises.parsing import InvalidInput, parse_number
from pm_toolkit.exercises.placeholder import ____, install_blank, is_placeholder

install_blank()  # ``____`` works in answer cells without being imported

__all__ = [
    "LABELS",
    "STATUSES",
    "AnswerKind",
    "BoundExercise",
    "Choice",
    "DataFrameAnswer",
    "Exercise",
    "ExerciseNotCorrect",
    "FunctionAnswer",
    "InvalidInput",
    "Judgement",
    "JudgementAnswer",
    "LearnerContext",
    "LessonExercises",
    "MemoKey",
    "MultiChoice",
    "Note",
    "Number",
    "Ordering",
    "Outcome",
    "Percent",
    "SQLAnswer",
    "Verdict",
    "WrongAnswer",
    "____",
    "is_placeholder",
    "lesson",
    "parse_number",
    "progress",
]


def progress(*, learner: str | None = None) -> Any:
    """The course-level progress view (per lesson: done, tried, not started, hints, what's next)."""
    from pm_toolkit.exercises.progress_view import progress as _progress

    return _progress(learner=learner)
