"""Answer kinds: how an answer is read and compared. Construct one per exercise.

``Number``, ``Percent``, ``Choice``, ``MultiChoice``, ``Ordering``, ``DataFrameAnswer``,
``FunctionAnswer``, ``SQLAnswer``, ``Judgement``.
"""

from __future__ import annotations

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict, stable_shuffle
from pm_toolkit.exercises.kinds.choice import Choice, MultiChoice, Ordering
from pm_toolkit.exercises.kinds.frames import DataFrameAnswer, compare_frames
from pm_toolkit.exercises.kinds.functions import FunctionAnswer, TimeLimitExceeded, values_equal
from pm_toolkit.exercises.kinds.judgement import Judgement, JudgementAnswer, MemoKey
from pm_toolkit.exercises.kinds.numeric import Number, Percent
from pm_toolkit.exercises.kinds.sql import SQLAnswer

__all__ = [
    "AnswerKind",
    "Choice",
    "DataFrameAnswer",
    "FunctionAnswer",
    "Judgement",
    "JudgementAnswer",
    "MemoKey",
    "MultiChoice",
    "Number",
    "Ordering",
    "Percent",
    "SQLAnswer",
    "TimeLimitExceeded",
    "Verdict",
    "compare_frames",
    "stable_shuffle",
    "values_equal",
]
