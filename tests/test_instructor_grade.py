"""The instructor kit end to end: a source notebook → pack (both editions) → cohort →
hand-ins (right, wrong, endless loop, tampering, invalid, nobody's, an export) → gradebook.

Built on the start_here warm-up exercises that need no generated data (the three orders, the
guardrails, the funnel, the discount function), so the whole file runs in well under a minute;
the grader runs real kernels with short time limits.
"""

from __future__ import annotations

import csv
import json
import time

import nbformat
import pytest

from pm_toolkit.instructor import build_pack, create_cohort, grade, load_roster

v4 = nbformat.v4

CELL_TIMEOUT = 4.0
NOTEBOOK_TIMEOUT = 15.0

SETUP = "from pm_toolkit.exercises import lesson\nex = lesson('start_here')"
FUNNEL = [
    "Visit the home page",
    "Search for a product",
    "View the product page",
    "Add to cart",
    "Pay with UPI",
]
# (exercise name, solution code, learner line, wrong code for the "wrong" learner)
ANSWERS = [
    ("three_orders", "average = (450 + 1200 + 850) / 3", "average = ____", "average = 2500"),
    (
        "guardrails",
        "guardrails = ['Return rate', 'Page load time']",
        "guardrails = ____",
        "guardrails = ['Conversion rate']",
    ),
    (
        "funnel_order",
        f"funnel = {FUNNEL!r}",
        "funnel = ____",
        f"funnel = {FUNNEL[::-1]!r}",
    ),
    (
        "discounted_price",
        "def discounted_price(mrp, discount_pct):\n    return round(mrp * (1 - discount_pct / 100), 2)",
        "def discounted_price(mrp, discount_pct):\n    pass",
        "def discounted_price(mrp, discount_pct):\n    return round(mrp - discount_pct, 2)",
    ),
]
VARIABLE = {"three_orders": "average", "funnel_order": "funnel"}
ALL_IDS = [
    "start_here.three_orders",
    "start_here.aov",
    "start_here.conversion",
    "start_here.nudge_target",
    "start_here.guardrails",
    "start_here.funnel_order",
    "start_here.revenue_by_payment",
    "start_here.discounted_price",
    "start_here.orders_by_payment",
    "start_here.device_memo",
]
ANSWERED = [f"start_here.{name}" for name, *_ in ANSWERS]


def _check_line(name: str) -> str:
    return f"ex[{name!r}].check({VARIABLE.get(name, name)})"


def _learner_lines(code: str) -> str:
    return "\n".join(f"# LEARNER: {ln}" for ln in code.splitlines())


def source_notebook() -> nbformat.NotebookNode:
    """An exercise notebook written once, with solution markers (as lessons write them)."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cells = [v4.new_markdown_cell("# Demo exercises"), v4.new_code_cell(SETUP)]
    for name, solution, learner, _wrong in ANSWERS:
        src = f"# BEGIN SOLUTION\n{solution}\n# END SOLUTION\n{_learner_lines(learner)}\n{_check_line(name)}"
        cells.append(v4.new_code_cell(src))
    nb.cells = cells
    return nb


def _code_cells(nb: dict) -> list[str]:
    return [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell(s) for s in sources]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build the pack, create the cohort, write the hand-ins and grade them once."""
    tmp = tmp_path_factory.mktemp("instructor")
    root = tmp / "course"
    (root / "exercises" / "source").mkdir(parents=True)
    nbformat.write(source_notebook(), root / "exercises" / "source" / "00_demo.ipynb")
    (root / "docs").mkdir()
    (root / "docs" / "facilitator.md").write_text("# Facilitator guide\n", encoding="utf-8")

    learners = tmp / "learners.csv"
    learners.write_text(
        "name,email\nAsha Rao,asha@example.in\nRavi Kumar,ravi@example.in\n"
        "Meera Iyer,meera@example.in\nKiran Shah,kiran@example.in\nDev Nair,dev@example.in\n"
        "Neha Gupta,neha@example.in\nOmar Khan,omar@example.in\n",
        encoding="utf-8",
    )
    roster = create_cohort("pm-batch-7", learners, tmp / "cohorts")
    pack = build_pack(tmp / "kit", roster.path, root=root, scale="tiny", lessons=["start_here"])

    learner_nb = nbformat.read(pack.out_dir / "learner" / "exercises" / "00_demo.ipynb", 4)
    solution_nb = nbformat.read(pack.out_dir / "solutions" / "00_demo.ipynb", 4)
    subs = tmp / "submissions"
    subs.mkdir()
    # Asha hands in the worked solution: everything she answered is right.
    nbformat.write(solution_nb, subs / "asha@example.in__00_demo.ipynb")
    # Ravi fills the learner edition with the classic mistakes.
    wrong = _code_cells(learner_nb)
    for _name, _sol, learner, mistake in ANSWERS:
        wrong = [s.replace(learner, mistake) for s in wrong]
    nbformat.write(_notebook(*wrong), subs / "ravi@example.in__00_demo.ipynb")
    # Meera answers the first question, then a cell that ignores interrupts loops forever.
    sol = _code_cells(solution_nb)
    loop = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    nbformat.write(
        _notebook(sol[0], sol[1], loop, *sol[2:]), subs / "Meera@Example.in__00_demo.ipynb"
    )
    # Kiran tampers: patches the checker, edits a reference, fakes the store, unhooks check.
    tamper = [
        SETUP,
        "from pm_toolkit.exercises import Outcome\nfrom pm_toolkit.exercises.model import Exercise\n"
        "Exercise.evaluate = lambda self, answer, ctx, **kw: Outcome('correct', exercise_id=self.id)\n"
        "assert ex['three_orders'].check(1).correct",
        "from pm_toolkit.exercises.store import ProgressStore\n"
        "ProgressStore().record({'action': 'check', 'exercise': 'start_here.guardrails', "
        "'status': 'correct'})",
        "from pm_toolkit.exercises import Ordering\nmine = ['Pay with UPI', 'Visit the home page', "
        "'Search for a product', 'View the product page', 'Add to cart']\n"
        "object.__setattr__(ex['funnel_order'].exercise, 'kind', Ordering(mine))\n"
        "ex['funnel_order'].check(mine)",
        "from pm_toolkit.exercises.bound import BoundExercise\n"
        "BoundExercise._check = lambda self, a, t, **kw: Outcome('correct', exercise_id=self.id)\n"
        "def discounted_price(mrp, discount_pct):\n    return 0\n"
        "ex['discounted_price'].check(discounted_price)",
    ]
    nbformat.write(_notebook(*tamper), subs / "kiran@example.in__00_demo.ipynb")
    # Neha's notebook answers one question, then crashes the kernel.
    crash = "import os\nos._exit(1)"
    nbformat.write(
        _notebook(sol[0], sol[1], crash, *sol[2:]), subs / "neha@example.in__00_demo.ipynb"
    )
    # Dev sends an exported progress file instead of a notebook.
    export = {
        "course": {"learner": "dev@example.in"},
        "store": {
            "learner": "dev@example.in",
            "exercises": {
                "start_here.three_orders": {"status": "correct", "attempts": 1, "hints": 2},
                "start_here.guardrails": {
                    "status": "incorrect",
                    "answer": "['Conversion rate']",
                    "message": "You ticked 0 of the 2 right options [0/2].",
                    "attempts": 2,
                },
                "start_here.funnel_order": {
                    "status": "correct",
                    "raw": FUNNEL,
                    "solution": True,
                },
            },
        },
    }
    (subs / "dev-progress.json").write_text(json.dumps(export), encoding="utf-8")
    # A stranger's notebook, a broken download and a stray file.
    nbformat.write(solution_nb, subs / "stranger@example.in__00_demo.ipynb")
    (subs / "ravi@example.in__broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "notes.txt").write_text("see you tomorrow", encoding="utf-8")

    started = time.monotonic()
    book = grade(
        subs,
        load_roster(roster.path),
        tmp / "grades",
        cell_timeout=CELL_TIMEOUT,
        notebook_timeout=NOTEBOOK_TIMEOUT,
    )
    return {
        "book": book,
        "pack": pack,
        "roster": roster,
        "seconds": time.monotonic() - started,
        "tmp": tmp,
    }


def _statuses(book, learner: str) -> dict[str, str]:
    return {r.exercise: r.status for r in book.rows if r.learner == learner}


def test_pack_has_both_editions_guide_and_answer_sheets(course):
    pack = course["pack"]
    learner = (pack.out_dir / "learner" / "exercises" / "00_demo.ipynb").read_text()
    solution = (pack.out_dir / "solutions" / "00_demo.ipynb").read_text()
    assert "average = ____" in learner and "(450 + 1200 + 850)" not in learner
    assert "(450 + 1200 + 850) / 3" in solution and "BEGIN SOLUTION" not in solution
    assert (pack.out_dir / "facilitator.md").exists()
    sheets = pack.answer_sheets.read_text(encoding="utf-8")
    assert sheets.count("pm-answer-sheet") == len(course["roster"])
    assert "₹833.33" in sheets and "Instructor only" in sheets


def test_right_answers_are_correct(course):
    got = _statuses(course["book"], "asha@example.in")
    assert got == {i: ("correct" if i in ANSWERED else "not_attempted") for i in ALL_IDS}


def test_wrong_answers_are_incorrect_with_their_declared_mistakes(course):
    book = course["book"]
    got = _statuses(book, "ravi@example.in")
    assert got == {i: ("incorrect" if i in ANSWERED else "not_attempted") for i in ALL_IDS}
    rows = {r.exercise: r for r in book.rows if r.learner == "ravi@example.in"}
    assert "total revenue" in rows["start_here.three_orders"].message
    assert "0 of the 2 right options" in rows["start_here.guardrails"].message
    assert "percentage off as rupees" in rows["start_here.discounted_price"].message
    assert rows["start_here.three_orders"].attempts == 1
    summary = (book.out_dir / "summary.html").read_text(encoding="utf-8")
    assert "1 × That is the total revenue; divide it by the number of orders." in summary


def test_endless_loop_is_stopped_and_earlier_answers_still_count(course):
    book = course["book"]
    got = _statuses(book, "meera@example.in")
    first = "start_here.three_orders"
    assert got == {i: ("correct" if i == first else "not_attempted") for i in ALL_IDS}
    report = next(s for s in book.submissions if s.file.startswith("Meera@"))
    assert report.status == "timed_out"
    assert report.seconds < NOTEBOOK_TIMEOUT + 10
    missing = next(
        r for r in book.rows if r.learner == "meera@example.in" and r.exercise == ANSWERED[1]
    )
    assert "timed out" in missing.message


def test_tampering_gains_nothing_and_is_flagged(course):
    book = course["book"]
    got = _statuses(book, "kiran@example.in")
    expected = {i: "not_attempted" for i in ALL_IDS}
    expected.update(
        {"start_here.three_orders": "incorrect", "start_here.funnel_order": "incorrect"}
    )
    assert got == expected
    report = next(s for s in book.submissions if s.file.startswith("kiran@"))
    assert report.status == "graded"
    assert "start_here.three_orders" in report.message and "tampering" in report.message


def test_export_is_rechecked_and_unproven_claims_are_not_counted(course):
    book = course["book"]
    got = _statuses(book, "dev@example.in")
    expected = {i: "not_attempted" for i in ALL_IDS}
    expected.update(
        {
            "start_here.three_orders": "unverified",
            "start_here.guardrails": "incorrect",
            "start_here.funnel_order": "correct",
        }
    )
    assert got == expected
    rows = {r.exercise: r for r in book.rows if r.learner == "dev@example.in"}
    assert rows["start_here.three_orders"].hints_used == 2
    assert rows["start_here.funnel_order"].solution_viewed is True
    assert rows["start_here.guardrails"].attempts == 2
    assert "0 of the 2 right options" in rows["start_here.guardrails"].message


def test_a_crashed_kernel_is_reported_and_earlier_answers_still_count(course):
    book = course["book"]
    got = _statuses(book, "neha@example.in")
    first = "start_here.three_orders"
    assert got == {i: ("correct" if i == first else "not_attempted") for i in ALL_IDS}
    report = next(s for s in book.submissions if s.file.startswith("neha@"))
    assert report.status == "kernel_died"


def test_nobody_handed_in_is_not_submitted(course):
    got = _statuses(course["book"], "omar@example.in")
    assert got == {i: "not_submitted" for i in ALL_IDS}


def test_bad_files_are_reported_and_the_rest_graded(course):
    book = course["book"]
    status = {s.file: s.status for s in book.submissions}
    assert status == {
        "Meera@Example.in__00_demo.ipynb": "timed_out",
        "asha@example.in__00_demo.ipynb": "graded",
        "dev-progress.json": "graded",
        "kiran@example.in__00_demo.ipynb": "graded",
        "neha@example.in__00_demo.ipynb": "kernel_died",
        "notes.txt": "not_a_submission",
        "ravi@example.in__00_demo.ipynb": "graded",
        "ravi@example.in__broken.ipynb": "invalid_json",
        "stranger@example.in__00_demo.ipynb": "no_learner",
    }


def test_gradebook_csv_has_one_row_per_learner_and_exercise(course):
    book = course["book"]
    with open(book.out_dir / "gradebook.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(course["roster"]) * len(ALL_IDS)
    assert list(rows[0]) == [
        "learner", "name", "lesson", "exercise", "title", "status", "attempts",
        "hints_used", "solution_viewed", "message", "submission",
    ]  # fmt: skip
    csv_status = {(r["learner"], r["exercise"]): r["status"] for r in rows}
    assert csv_status == {(r.learner, r.exercise): r.status for r in book.rows}
    summary = (book.out_dir / "summary.html").read_text(encoding="utf-8")
    assert (
        "Problems with submissions" in summary and "stranger@example.in__00_demo.ipynb" in summary
    )


def test_grading_stays_within_its_time_limits(course):
    # No notebook outlives its limit (the looping one is killed), so the whole run is bounded:
    # 5 notebooks at 2 kernels at a time, plus a re-check process per hand-in.
    for s in course["book"].submissions:
        assert s.seconds <= NOTEBOOK_TIMEOUT + 5
    assert course["seconds"] < 3 * NOTEBOOK_TIMEOUT + 60
