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


def test_every_solution_edition_grades_correct_for_a_cohort_learner(tmp_path):
    roster = make_roster("real", [("Asha Rao", "asha@example.in")])
    subs = tmp_path / "subs"
    subs.mkdir()
    for path in SOLUTIONS:
        (subs / f"asha@example.in__{path.name}").write_bytes(path.read_bytes())
    book = grade(subs, roster, tmp_path / "out", cell_timeout=180, notebook_timeout=600)
    assert [s.status for s in book.submissions] == ["graded"] * len(SOLUTIONS), book.submissions
    for path in SOLUTIONS:
        key = _lesson_key(path)
        rows = {r.exercise: r for r in book.rows if r.lesson == key}
        expected = {e.id for e in exercises_for(key)}
        assert set(rows) == expected
        wrong = {i: (r.status, r.message) for i, r in rows.items() if r.status != "correct"}
        assert wrong == {}, f"{path.name}: not correct for asha@example.in: {wrong}"


def test_answers_copied_from_another_learner_do_not_pass(tmp_path):
    from pm_toolkit.learner import seed_for

    path = SOLUTIONS[-1]
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
