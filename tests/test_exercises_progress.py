"""The course-level progress view and the `pm-toolkit progress` command."""

from __future__ import annotations

import json

import pytest

from pm_toolkit.cli import main
from pm_toolkit.exercises import LearnerContext, lesson, progress


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "p"))
    monkeypatch.setenv("PM_TOOLKIT_LEARNER", "progress-test")
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)


def test_progress_counts_and_next_step():
    ex = lesson("start_here", ctx=LearnerContext(scale="tiny"))
    ex.q1.check(ex.q1.exercise.reference_answer(ex.q1.ctx))
    ex.q3.check("about ten")  # read failure still counts as tried
    ex.q3.check(1)
    ex.q3.hint()
    ex.q4.solution(confirm=True)
    view = progress()
    sh = view.lessons[0]
    assert (sh.key, sh.done, sh.tried, sh.total) == ("start_here", 1, 1, len(ex))
    assert sh.not_started == len(ex) - 2 and sh.hints == 1 and sh.solutions == 1
    assert "q2 Your average order value" in view.next_step
    assert "1/9" in view.text or f"1/{len(ex)}" in view.text
    html = view._repr_html_()
    assert "◐ in progress" in html and "<table>" in html


def test_pm_toolkit_package_reexports_progress():
    import pm_toolkit

    assert pm_toolkit.progress().learner == "progress-test"


def test_cli_progress_and_export(tmp_path, capsys):
    assert main(["progress"]) == 0
    assert "Progress of progress-test" in capsys.readouterr().out
    out = tmp_path / "export.json"
    assert main(["progress", "--export", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["course"]["learner"] == "progress-test" and "exercises" in data["store"]
    assert main(["progress", "--export", str(tmp_path / "no" / "such" / "dir" / "x.json")]) == 2
