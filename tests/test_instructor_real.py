"""The grader on the course's real exercise notebooks (slow: real kernels on `small` data).

Each solution edition, handed in by a learner other than the CI default, must grade as
correct on that learner's own data; the same answers re-checked against another learner's
data must not all pass (copying a neighbour's numbers does not work).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from pm_toolkit.course import LESSONS, exercises_for
from pm_toolkit.instructor import grade, make_roster
from pm_toolkit.instructor.executor import RunSpec, run_notebooks
from pm_toolkit.instructor.recheck import recheck

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
#: Graded end to end here: lessons 01 and 03 between them use every answer kind. Every solution
#: edition is also run in strict mode for this same learner by `make solutions`, so the others
#: are proven right on a non-default learner's data without paying for a second kernel run.
GRADED = [p for p in SOLUTIONS if p.name.startswith(("01_", "03_"))]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not SOLUTIONS, reason="no exercise notebooks yet (exercises/solutions/*.ipynb)"
    ),
]


def _lesson_key(nb_path: Path) -> str:
    stem = nb_path.stem
    for key, _module, notebook, _title in LESSONS:
        if Path(notebook).stem == stem:
            return key
    pytest.skip(f"{nb_path.name} is not listed in pm_toolkit.course.LESSONS")
    raise AssertionError  # unreachable


def test_solution_editions_grade_correct_for_a_cohort_learner(tmp_path):
    kinds = {e.kind.kind_name for p in GRADED for e in exercises_for(_lesson_key(p))}
    assert kinds >= {"number", "percent", "choice", "multi_choice", "ordering", "dataframe",
                     "function", "sql", "judgement"}  # fmt: skip
    roster = make_roster("real", [("Asha Rao", "asha@example.in")])
    subs = tmp_path / "subs"
    subs.mkdir()
    for path in GRADED:
        (subs / f"asha@example.in__{path.name}").write_bytes(path.read_bytes())
    book = grade(subs, roster, tmp_path / "out", cell_timeout=180, notebook_timeout=600)
    assert [s.status for s in book.submissions] == ["graded"] * len(GRADED), book.submissions
    for path in GRADED:
        key = _lesson_key(path)
        rows = {r.exercise: r for r in book.rows if r.lesson == key}
        expected = {e.id for e in exercises_for(key)}
        assert set(rows) == expected
        wrong = {i: (r.status, r.message) for i, r in rows.items() if r.status != "correct"}
        assert wrong == {}, f"{path.name}: not correct for asha@example.in: {wrong}"


def test_answers_copied_from_another_learner_do_not_pass(tmp_path):
    from pm_toolkit.learner import seed_for

    path = GRADED[-1]
    spec = RunSpec("0", nbformat.read(path, 4), "asha@example.in", tmp_path / "run")
    (result,) = run_notebooks([spec], cell_timeout=180, notebook_timeout=600)
    assert result.status == "ran" and result.answers
    own = recheck(result.answers, seed=seed_for("asha@example.in"))
    copied = recheck(result.answers, seed=seed_for("ravi@example.in"))
    assert all(g.status == "correct" for g in own.values())
    data_based = [
        i for i in own if copied[i].status != "correct"
    ]  # exercises whose answer depends on the learner's data
    assert data_based, f"{path.name}: every answer also passed for another learner's data"
