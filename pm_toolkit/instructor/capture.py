"""Recording raw answers inside a grading kernel (the grader injects ``install()`` first).

Every ``check`` (and every Check-button click) appends one JSON line with the exercise id and
the learner's answer, encoded by ``pm_toolkit.exercises.answer_codec``. Nothing else is kept:
the grader ignores statuses from the run and re-checks these answers itself, so a learner who
patches the engine later in the notebook at worst stops their own answers being recorded.

>>> import os, tempfile, json
>>> path = os.path.join(tempfile.mkdtemp(), "answers.jsonl")
>>> record(path, "start_here.aov", "₹750")
>>> json.loads(open(path).read())["answer"]
'₹750'
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

#: Environment variable naming the capture file inside the grading kernel.
CAPTURE_ENV = "PM_TOOLKIT_GRADER_CAPTURE"


def record(path: str, exercise_id: str, answer: Any, ticks: Any = None, ctx: Any = None) -> None:
    """Append one answer line; one ``write`` call so a crash never leaves half a line.

    The data scale and seed the notebook used are noted too (the grader uses the roster's
    seed regardless, and the scale unless the instructor forces one).
    """
    from pm_toolkit.exercises.answer_codec import encode_answer

    if ticks is not None:
        from pm_toolkit.exercises.kinds.judgement import JudgementAnswer

        if not isinstance(answer, JudgementAnswer):
            answer = JudgementAnswer(answer, ticks)
    rec: dict[str, Any] = {"exercise": str(exercise_id), "answer": encode_answer(answer)}
    if ctx is not None:
        rec["scale"], rec["seed"] = str(getattr(ctx, "scale", "")), getattr(ctx, "seed", None)
    line = json.dumps(rec, ensure_ascii=False, default=str)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def install(path: str | None = None) -> None:
    """Wrap the engine's one check path so each answer is recorded before it is checked."""
    from pm_toolkit.exercises.bound import BoundExercise

    target = path or os.environ[CAPTURE_ENV]
    original = BoundExercise._check
    if getattr(original, "_pm_grader", False):
        return

    def _check(self: Any, answer: Any, ticks: Any) -> Any:
        with contextlib.suppress(Exception):  # recording must never change what learners see
            record(target, self.id, answer, ticks, self.ctx)
        return original(self, answer, ticks)

    _check._pm_grader = True  # type: ignore[attr-defined]
    BoundExercise._check = _check  # type: ignore[method-assign]
