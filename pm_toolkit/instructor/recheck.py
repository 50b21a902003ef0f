"""Re-checking recorded answers in the grader, with the course's own definitions.

Only the raw answers come from a learner's run; the outcome is computed here, from the
roster's seed for that learner. A learner who redefines ``check``, patches the engine or
writes "correct" into their progress store changes nothing that is read here.

>>> from pm_toolkit.exercises.answer_codec import encode_answer
>>> graded = recheck([{"exercise": "start_here.three_orders", "answer": encode_answer("₹2,500")},
...                   {"exercise": "start_here.three_orders", "answer": encode_answer(833.33)}], seed=1)
>>> g = graded["start_here.three_orders"]
>>> g.status, g.attempts
('correct', 2)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pm_toolkit.exercises.answer_codec import FunctionSource, decode_answer

log = logging.getLogger("pm_toolkit.instructor")

#: When a learner handed in the same exercise more than once, the best outcome counts.
RANK = {
    "correct": 5,
    "incorrect": 4,
    "invalid_input": 3,
    "could_not_check": 2,
    "not_attempted": 1,
}


@dataclass(frozen=True)
class ExerciseGrade:
    """The re-checked result of one exercise for one learner."""

    exercise_id: str
    status: str
    message: str = ""
    attempts: int = 0
    mistakes: tuple[str, ...] = field(default=())  # declared-mistake labels of wrong tries


def find_exercise(exercise_id: str) -> Any | None:
    """The course definition with this id, or None (unknown lesson or exercise)."""
    from pm_toolkit.course import exercises_for

    lesson = exercise_id.split(".", 1)[0]
    try:
        exercises = exercises_for(lesson)
    except KeyError:
        return None
    return next((e for e in exercises if e.id == exercise_id), None)


def mistake_label(exercise: Any, message: str) -> str:
    """Which declared mistake a wrong answer's message comes from (for the summary)."""
    for w in getattr(exercise, "wrong_answers", ()):
        if w.message and w.message in message:
            return w.message
    options = getattr(exercise.kind, "options", None)
    if isinstance(options, dict):
        for feedback in options.values():
            if feedback and feedback in message:
                return feedback
    return "(another wrong answer: no declared mistake matched)"


def evaluate_one(exercise: Any, answer: Any, ctx: Any) -> Any:
    """The engine's outcome for a decoded answer; function answers run in the sandbox."""
    from pm_toolkit.exercises.outcome import Outcome

    if isinstance(answer, FunctionSource):
        if exercise.kind.kind_name != "function":
            return Outcome(
                "invalid_input",
                f"Expected a value, but got the function {answer.name}.",
                exercise_id=exercise.id,
            )
        from pm_toolkit.exercises.placeholder import ____
        from pm_toolkit.instructor.sandbox import SandboxError, run_function

        cases = [args for args, _want in exercise.expected(ctx)]
        try:
            replay = run_function(answer, cases, time_limit=exercise.kind.time_limit)
        except SandboxError as exc:
            log.warning("exercise %s: %s", exercise.id, exc)
            return Outcome("could_not_check", str(exc), exercise_id=exercise.id)
        answer = ____ if replay is None else replay
    return exercise.evaluate(answer, ctx)


def check_records(
    records: Sequence[dict[str, Any]],
    *,
    seed: int,
    learner: str = "",
    scale: str | None = None,
    on_begin: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Re-check each record in this process; yields ``(index, result)`` as plain data.

    ``result``: ``{"exercise", "status", "message", "attempt", "mistake"}``; records of ids the
    course does not define are skipped. ``on_begin(i)`` is called before record ``i``.
    """
    from pm_toolkit.exercises.context import LearnerContext

    contexts: dict[str, Any] = {}
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, rec in enumerate(records):
        ex_id = str(rec.get("exercise", ""))
        exercise = find_exercise(ex_id)
        if exercise is None:
            continue  # an id the course does not define (old notebook, typo): nothing to grade
        sc = scale or str(rec.get("scale") or "small")
        key = (ex_id, sc, json.dumps(rec.get("answer"), sort_keys=True, default=str))
        if key not in seen:
            if on_begin is not None:
                on_begin(i)
            if sc not in contexts:
                contexts[sc] = LearnerContext(seed=seed, scale=sc, learner=learner or None)
            outcome = evaluate_one(exercise, decode_answer(rec.get("answer")), contexts[sc])
            seen[key] = {
                "exercise": ex_id,
                "status": outcome.status,
                "message": outcome.message,
                "attempt": outcome.counts_as_attempt,
                "mistake": mistake_label(exercise, outcome.message)
                if outcome.status == "incorrect"
                else None,
            }
        yield i, seen[key]


def fold(results: Iterable[dict[str, Any]]) -> dict[str, ExerciseGrade]:
    """One grade per exercise from its tries in order: correct if any try was, else the last."""
    out: dict[str, ExerciseGrade] = {}
    for r in results:
        ex_id = r["exercise"]
        prev = out.get(ex_id)
        attempts = (prev.attempts if prev else 0) + int(bool(r.get("attempt")))
        mistakes = prev.mistakes if prev else ()
        if r.get("mistake"):
            mistakes = (*mistakes, str(r["mistake"]))
        if prev is not None and prev.status == "correct":
            out[ex_id] = ExerciseGrade(ex_id, "correct", prev.message, attempts, mistakes)
        else:
            out[ex_id] = ExerciseGrade(ex_id, r["status"], r.get("message", ""), attempts, mistakes)
    return out


def recheck(
    records: Iterable[dict[str, Any]],
    *,
    seed: int,
    learner: str = "",
    scale: str | None = None,
) -> dict[str, ExerciseGrade]:
    """Grade recorded answers (``{"exercise", "answer"[, "scale"]}``, in the order checked).

    The exercise counts as correct if any try was; otherwise the last try's outcome stands.
    ``scale`` forces a data scale; by default each record's own (``small`` if absent).
    """
    recs = list(records)
    return fold(r for _i, r in check_records(recs, seed=seed, learner=learner, scale=scale))


def recheck_isolated(
    records: Iterable[dict[str, Any]],
    *,
    seed: int,
    learner: str = "",
    scale: str | None = None,
    time_limit: float = 120.0,
) -> dict[str, ExerciseGrade]:
    """``recheck`` in a child process, with ``time_limit`` seconds per answer.

    An answer that takes too long to check (a SQL query joining a table to itself three
    times, say) is "could not check" and the child is restarted for the remaining answers;
    a crash of the checker is contained the same way. The grader itself never hangs.
    """
    recs = list(records)
    results: dict[int, dict[str, Any]] = {}
    start = 0
    while start < len(recs):
        done, stuck = _run_child(recs[start:], seed, learner, scale, time_limit)
        results.update({start + k: v for k, v in done.items()})
        if stuck == -1:  # the child failed before checking anything: say so for every answer
            for k in range(start, len(recs)):
                results.setdefault(k, _could_not(recs[k], "the re-check process failed to start"))
            break
        if stuck is None:
            break
        results[start + stuck] = _could_not(
            recs[start + stuck],
            f"checking this answer took longer than {time_limit:g} s (or crashed) and was stopped",
        )
        start += stuck + 1
    return fold(results[i] for i in sorted(results) if find_exercise(results[i]["exercise"]))


def _could_not(rec: dict[str, Any], message: str) -> dict[str, Any]:
    return {
        "exercise": str(rec.get("exercise", "")),
        "status": "could_not_check",
        "message": message,
        "attempt": False,
        "mistake": None,
    }


def _run_child(
    recs: list[dict[str, Any]], seed: int, learner: str, scale: str | None, time_limit: float
) -> tuple[dict[int, dict[str, Any]], int | None]:
    """Run one child over ``recs``: its results, and the index it got stuck on (None if it
    finished, -1 if it failed before checking anything)."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    with tempfile.TemporaryDirectory(prefix="pm-recheck-") as tmp:
        out = os.path.join(tmp, "results.jsonl")
        request = {"records": recs, "seed": seed, "learner": learner, "scale": scale, "out": out}
        req_path = os.path.join(tmp, "request.json")
        with open(req_path, "w", encoding="utf-8") as fh:
            json.dump(request, fh)
        proc = subprocess.Popen(
            [sys.executable, "-m", "pm_toolkit.instructor.recheck", req_path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        begun: tuple[int, float] | None = None
        try:
            while True:
                finished = proc.poll() is not None
                done, current = _read_progress(out)
                if current is not None and (begun is None or begun[0] != current):
                    begun = (current, time.monotonic())
                if finished:
                    break
                if (
                    begun is not None
                    and current not in done
                    and time.monotonic() - begun[1] > time_limit
                ):
                    return done, current
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        done, current = _read_progress(out)
        if proc.returncode != 0:
            if current is not None and current not in done:
                return done, current  # the checker crashed on this answer: skip it, go on
            if current is None and not done:
                return done, -1
        return done, None


def _read_progress(path: str) -> tuple[dict[int, dict[str, Any]], int | None]:
    done: dict[int, dict[str, Any]] = {}
    current = None
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return done, None
    for ln in lines:
        try:
            msg = json.loads(ln)
        except ValueError:
            continue
        if "begin" in msg:
            current = int(msg["begin"])
        elif "i" in msg:
            done[int(msg["i"])] = msg["result"]
    return done, current


def main(argv: Sequence[str] | None = None) -> int:
    """Child process: re-check the records of a request file, one JSON line per step."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    with open(args[0], encoding="utf-8") as fh:
        request = json.load(fh)
    with open(request["out"], "a", encoding="utf-8") as out:

        def begin(i: int) -> None:
            out.write(json.dumps({"begin": i}) + "\n")
            out.flush()

        for i, result in check_records(
            request["records"],
            seed=int(request["seed"]),
            learner=request.get("learner", ""),
            scale=request.get("scale"),
            on_begin=begin,
        ):
            out.write(json.dumps({"i": i, "result": result}, default=str) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    raise SystemExit(main())
