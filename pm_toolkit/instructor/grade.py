"""``grade``: run every submission, re-check every answer, and write the gradebook.

1. Each file in the submissions folder is inspected (``submissions.py``): invalid JSON, files
   of no roster learner and stray files are reported and skipped.
2. Notebooks run in separate kernels, two at a time, with the learner's id, a private home
   and time limits (``executor.py``); their answers are recorded as they are checked.
3. Every recorded answer is re-checked here with the course's own definitions and the
   roster's seed (``recheck.py``). Statuses written by the learner's run are never read.
4. One row per learner × exercise goes to ``gradebook.csv``; ``summary.html`` is the one-page
   overview and ``submissions.csv`` says what happened to each file.

>>> GRADEBOOK_COLUMNS[:4]
('learner', 'name', 'lesson', 'exercise')
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pm_toolkit import config
from pm_toolkit.instructor.cohort import Roster
from pm_toolkit.instructor.recheck import RANK, ExerciseGrade, recheck_isolated
from pm_toolkit.instructor.submissions import Submission, discover, inspect_file

GRADEBOOK_COLUMNS = (
    "learner",
    "name",
    "lesson",
    "exercise",
    "title",
    "status",
    "attempts",
    "hints_used",
    "solution_viewed",
    "message",
    "submission",
)
#: Extra gradebook statuses next to the engine's five outcomes.
NOT_SUBMITTED = "not_submitted"
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class GradeRow:
    """One learner × exercise line of the gradebook."""

    learner: str
    name: str
    lesson: str
    exercise: str
    title: str
    status: str
    attempts: int = 0
    hints_used: int = 0
    solution_viewed: bool = False
    message: str = ""
    submission: str = ""
    mistakes: tuple[str, ...] = field(default=(), repr=False)

    def as_csv(self) -> list[str]:
        """The row as ``gradebook.csv`` writes it (``GRADEBOOK_COLUMNS`` order)."""
        return [
            self.learner,
            self.name,
            self.lesson,
            self.exercise,
            self.title,
            self.status,
            str(self.attempts),
            str(self.hints_used),
            "yes" if self.solution_viewed else "no",
            " ".join(self.message.split()),
            self.submission,
        ]


@dataclass(frozen=True)
class SubmissionReport:
    """What happened to one handed-in file."""

    file: str
    kind: str
    learner: str
    status: str  # graded | timed_out | kernel_died | failed | invalid_json | no_learner | ...
    seconds: float = 0.0
    message: str = ""


@dataclass(frozen=True)
class Gradebook:
    """The result of ``grade``: rows, per-file reports and where they were written."""

    cohort: str
    created: str
    rows: tuple[GradeRow, ...]
    submissions: tuple[SubmissionReport, ...]
    out_dir: Path | None = None
    seconds: float = 0.0

    def __repr__(self) -> str:
        solved = sum(r.status == "correct" for r in self.rows)
        return (
            f"Gradebook(cohort={self.cohort!r}, rows={len(self.rows)}, correct={solved}, "
            f"files={len(self.submissions)}, problems={len(self.problems())})"
        )

    def status_of(self, learner: str, exercise: str) -> str | None:
        """The status of one learner × exercise (tests and quick looks)."""
        row = next((r for r in self.rows if r.learner == learner and r.exercise == exercise), None)
        return row.status if row else None

    def problems(self) -> list[SubmissionReport]:
        """The files that were not graded cleanly (timed out, damaged, nobody's, ...)."""
        return [s for s in self.submissions if s.status != "graded"]

    def _repr_html_(self) -> str:
        from pm_toolkit.instructor.gradebook import summary_html

        return summary_html(self, full_page=False)


def grade(
    submissions_dir: str | Path,
    roster: Roster,
    out_dir: str | Path | None = None,
    *,
    cell_timeout: float = 120.0,
    notebook_timeout: float = 900.0,
    max_kernels: int = 2,
    check_timeout: float = 120.0,
    scale: str | None = None,
    work_dir: str | Path | None = None,
    say: Callable[[str], None] | None = None,
) -> Gradebook:
    """Grade a folder of submissions for a cohort; writes the outputs when ``out_dir`` is given.

    ``check_timeout``: seconds the grader spends re-checking one answer before giving up on it.
    ``scale`` forces the data scale used for re-checking (default: the one each notebook used).
    ``work_dir`` keeps the runs' temporary homes and kernel logs (default: deleted afterwards).
    """
    from pm_toolkit.instructor.executor import RunSpec, run_notebooks

    started = time.monotonic()
    folder = Path(submissions_dir)
    if not folder.is_dir():
        raise ValueError(f"no submissions folder at {folder}")
    say = say or (lambda _msg: None)
    ids = roster.ids()
    subs = [inspect_file(p, ids) for p in discover(folder)]
    reports: dict[Path, SubmissionReport] = {}
    for s in subs:
        if s.problem:
            reports[s.path] = SubmissionReport(
                s.name, s.kind, s.learner or "", s.problem, 0.0, s.message
            )
            say(f"skipped {s.name}: {s.message}")

    own_work = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="pm-grade-")) if own_work else Path(work_dir).resolve()
    root.mkdir(parents=True, exist_ok=True)
    try:
        runnable = [s for s in subs if not s.problem and s.kind == "notebook"]
        kernel_data = root / "kernel-data"
        for lid in sorted({s.learner for s in runnable if s.learner}):
            _copy_cached_data(roster.get(lid).seed, kernel_data)  # type: ignore[union-attr]
        specs = [
            RunSpec(str(i), s.content, s.learner or "", root / f"run-{i:03d}", kernel_data)
            for i, s in enumerate(runnable)
        ]
        by_key = {str(i): s for i, s in enumerate(runnable)}

        # Re-checking starts as soon as a notebook has run, while the next ones still run.
        checker = ThreadPoolExecutor(1)
        pending: dict[str, Future[dict[str, ExerciseGrade]]] = {}

        def done(result: Any) -> None:
            sub = by_key[result.key]
            say(f"ran {sub.name} for {sub.learner}: {result.status} in {result.seconds:.1f} s")
            member = roster.get(sub.learner or "")
            assert member is not None
            pending[result.key] = checker.submit(
                recheck_isolated,
                result.answers,
                seed=member.seed,
                learner=member.learner_id,
                scale=scale,
                time_limit=check_timeout,
            )

        try:
            results = run_notebooks(
                specs,
                cell_timeout=cell_timeout,
                notebook_timeout=notebook_timeout,
                max_kernels=max_kernels,
                on_done=done,
            )
            checked = {key: future.result() for key, future in pending.items()}
        finally:
            checker.shutdown(wait=True)
        # learner -> exercise id -> (grade, hints, solution viewed, file name)
        graded: dict[str, dict[str, tuple[ExerciseGrade, int, bool, str]]] = {}
        covered: dict[str, set[str]] = {}  # learner -> lessons handed in
        lessons_seen: list[str] = []
        for result in results:
            sub = by_key[result.key]
            member = roster.get(sub.learner or "")
            assert member is not None
            grades = checked[result.key]
            usage, claimed = _usage_from_store(result.progress_dir, member.learner_id)
            lessons = list(sub.lessons) + [g.split(".", 1)[0] for g in grades]
            _merge(
                graded, covered, lessons_seen, member.learner_id, lessons, grades, usage, sub.name
            )
            reports[sub.path] = _run_report(sub, result, member, grades, claimed)
            solved = sum(g.status == "correct" for g in grades.values())
            say(f"re-checked {sub.name}: {solved} of {len(grades)} answered exercises correct")
        for sub in (s for s in subs if not s.problem and s.kind == "export"):
            member = roster.get(sub.learner or "")
            assert member is not None
            grades, usage, unverified = _grade_export(sub.content, member, scale, check_timeout)
            lessons = list(sub.lessons)
            _merge(
                graded, covered, lessons_seen, member.learner_id, lessons, grades, usage, sub.name
            )
            note = (
                f"{len(unverified)} claimed result(s) hold no answer to re-check"
                if unverified
                else ""
            )
            reports[sub.path] = SubmissionReport(
                sub.name,
                "export",
                member.learner_id,
                "graded",
                0.0,
                "; ".join(x for x in (note, *sub.notes) if x),
            )
    finally:
        if own_work:
            shutil.rmtree(root, ignore_errors=True)

    rows = _rows(roster, graded, covered, lessons_seen, reports, subs)
    book = Gradebook(
        cohort=roster.cohort,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        rows=tuple(rows),
        submissions=tuple(reports[s.path] for s in subs),
        seconds=round(time.monotonic() - started, 1),
    )
    if out_dir is not None:
        from pm_toolkit.instructor.gradebook import write_outputs

        book = write_outputs(book, Path(out_dir))
    return book


def _run_report(
    sub: Submission, result: Any, member: Any, grades: dict[str, ExerciseGrade], claimed: set[str]
) -> SubmissionReport:
    """What happened to one notebook, in words an instructor can act on."""
    status = "graded" if result.status == "ran" else result.status
    msg = result.message
    if result.cells_with_errors and result.status == "ran":
        cells = ", ".join(map(str, result.cells_with_errors))
        msg = f"ran; cell(s) {cells} raised errors (first: {result.first_error})"
    unconfirmed = sorted(k for k in claimed if grades.get(k, _NONE).status != "correct")
    if unconfirmed:
        # The run's own store says "correct" where the re-check does not: worth a look.
        msg = _join(
            msg,
            f"its own progress record claims {', '.join(unconfirmed)} correct; "
            "the re-check does not confirm it (check for tampering)",
        )
    foreign = sorted(
        {str(r.get("seed")) for r in result.answers if r.get("seed") not in (None, member.seed)}
    )
    if foreign:
        msg = _join(
            msg,
            f"answers were checked on other data (seed {', '.join(foreign)}) in the notebook; "
            "they were re-checked on this learner's own data",
        )
    msg = "; ".join(x for x in (msg, *sub.notes) if x)
    return SubmissionReport(sub.name, sub.kind, member.learner_id, status, result.seconds, msg)


def _copy_cached_data(seed: int, kernel_data: Path) -> None:
    """Give the kernels a copy of the grader's cached data for this seed (faster than regenerating).

    A copy, not the cache itself: a notebook that edits its data files changes only its own run,
    never the data the grader re-checks against.
    """
    base = config.data_dir()
    for src in base.glob(f"*/seed-{seed}"):
        dst = kernel_data / src.parent.name / src.name
        if src.is_dir() and not dst.exists():
            shutil.copytree(src, dst)


_NONE = ExerciseGrade("", "not_attempted")


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _usage_from_store(
    progress_dir: Path | None, learner: str
) -> tuple[dict[str, tuple[int, bool]], set[str]]:
    """Hints and solution use as the run's own progress store saw them (informational only),
    and the exercises that store claims are correct (compared with the re-check, never used)."""
    if progress_dir is None or not progress_dir.exists():
        return {}, set()
    try:
        from pm_toolkit.exercises.store import ProgressStore

        summary = ProgressStore(progress_dir, learner=learner).summary()
    except Exception:
        return {}, set()
    claimed = {k for k, v in summary.items() if v.get("status") == "correct"}
    return _usage(summary), claimed


def _usage(entries: dict[str, Any]) -> dict[str, tuple[int, bool]]:
    """Per exercise: (hints opened, solution viewed), from a progress summary or an export."""
    return {
        k: (int(v.get("hints", 0) or 0), bool(v.get("solution")))
        for k, v in entries.items()
        if isinstance(v, dict)
    }


def _grade_export(
    doc: dict[str, Any], member: Any, scale: str | None, check_timeout: float
) -> tuple[dict[str, ExerciseGrade], dict[str, tuple[int, bool]], list[str]]:
    """Re-check an exported progress file. Only raw answers count; claimed statuses never do."""
    entries: dict[str, Any] = doc["store"]["exercises"]
    records: list[dict[str, Any]] = []
    if isinstance(doc.get("answers"), list):  # raw answers in the capture format
        records = [r for r in doc["answers"] if isinstance(r, dict)]
    for ex_id, entry in entries.items():
        if isinstance(entry, dict) and "raw" in entry:
            records.append({"exercise": ex_id, "answer": entry["raw"], "scale": entry.get("scale")})
        elif isinstance(entry, dict) and isinstance(entry.get("answer"), str):
            # Only wrong answers are kept as text by the store: re-check the text as typed.
            records.append(
                {"exercise": ex_id, "answer": entry["answer"], "scale": entry.get("scale")}
            )
    grades = recheck_isolated(
        records, seed=member.seed, learner=member.learner_id, scale=scale, time_limit=check_timeout
    )
    usage = _usage(entries)
    unverified = []
    for ex_id, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        g = grades.get(ex_id)
        if g is not None and g.status == "invalid_input" and "raw" not in entry:
            # The store keeps a wrong answer as display text ("['a', 'b']"), which is not always
            # readable again. Being wrong earns nothing, so the export's own verdict stands.
            if entry.get("status") == "incorrect":
                message = str(entry.get("message") or "wrong (the export's answer text)")
                tries = int(entry.get("attempts", 0) or 0)
                grades[ex_id] = ExerciseGrade(ex_id, "incorrect", message, tries)
            continue
        if g is not None:
            continue
        if entry.get("status") in ("correct", "incorrect"):
            unverified.append(ex_id)
            grades[ex_id] = ExerciseGrade(
                ex_id,
                UNVERIFIED,
                f"the export says {entry.get('status')!r} but holds no answer to re-check; "
                "ask for the notebook instead",
                int(entry.get("attempts", 0) or 0),
            )
    return grades, usage, unverified


def _merge(
    graded: dict[str, dict[str, tuple[ExerciseGrade, int, bool, str]]],
    covered: dict[str, set[str]],
    lessons_seen: list[str],
    learner: str,
    lessons: list[str],
    grades: dict[str, ExerciseGrade],
    usage: dict[str, tuple[int, bool]],
    source: str,
) -> None:
    for key in lessons:
        if key not in lessons_seen:
            lessons_seen.append(key)
        covered.setdefault(learner, set()).add(key)
    mine = graded.setdefault(learner, {})
    for ex_id, g in grades.items():
        hints, sol = usage.get(ex_id, (0, False))
        prev = mine.get(ex_id)
        if prev is None or RANK.get(g.status, 0) > RANK.get(prev[0].status, 0):
            mine[ex_id] = (
                g,
                max(hints, prev[1] if prev else 0),
                sol or bool(prev and prev[2]),
                source,
            )
    for ex_id, (hints, sol) in usage.items():  # hints taken on exercises never checked
        if ex_id not in mine and (hints or sol):
            mine[ex_id] = (ExerciseGrade(ex_id, "not_attempted"), hints, sol, source)


def _rows(
    roster: Roster,
    graded: dict[str, dict[str, tuple[ExerciseGrade, int, bool, str]]],
    covered: dict[str, set[str]],
    lessons_seen: list[str],
    reports: dict[Path, SubmissionReport],
    subs: list[Submission],
) -> list[GradeRow]:
    from pm_toolkit.course import LESSONS, exercises_for

    order = [k for k, *_ in LESSONS if k in lessons_seen]
    exercises = []
    for key in order:
        try:
            exercises.extend(exercises_for(key))
        except KeyError:
            continue
    # Why a learner's answer is missing: their notebook for that lesson stopped early.
    stopped: dict[tuple[str, str], str] = {}
    for s in subs:
        rep = reports.get(s.path)
        if rep and rep.status in ("timed_out", "kernel_died", "failed") and s.learner:
            for key in s.lessons:
                stopped[(s.learner, key)] = (
                    f"no answer recorded: {s.name} {rep.status.replace('_', ' ')} ({rep.message})"
                )
    rows = []
    for m in roster.members:
        mine = graded.get(m.learner_id, {})
        for ex in exercises:
            who_what = (m.learner_id, m.name, ex.lesson, ex.id, ex.title)
            got = mine.get(ex.id)
            if got is not None:
                g, hints, sol, source = got
                row = GradeRow(
                    *who_what, g.status, g.attempts, hints, sol, g.message, source, g.mistakes
                )
            elif ex.lesson in covered.get(m.learner_id, set()):
                why = stopped.get(
                    (m.learner_id, ex.lesson), "no answer was checked in the submission"
                )
                row = GradeRow(*who_what, "not_attempted", message=why)
            else:
                row = GradeRow(
                    *who_what, NOT_SUBMITTED, message="nothing handed in for this lesson"
                )
            rows.append(row)
    return rows
