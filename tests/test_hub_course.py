"""Handing out the course on a hub: the version stamp, the learners' repository, nbgitpuller.

The update test is the one issue 18 asks for: a learner edits exercise cells, the instructor
pushes a fix to another cell, the learner pulls, and both survive.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from pm_toolkit.instructor import stamp
from pm_toolkit.instructor.handout import (
    HandoutError,
    build_handout,
    handout_files,
    nbgitpuller_link,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_course_notebook_carries_the_current_stamp():
    paths = list(stamp.course_notebooks(ROOT))
    assert len(paths) >= 10
    wrong = [
        f"{p.relative_to(ROOT)}: {stamp.read_stamp(p)}"
        for p in paths
        if stamp.read_stamp(p) != stamp.course_version()
    ]
    assert wrong == [], "run `pm-toolkit stamp` (then `pm-toolkit build`)"


def test_stamping_is_idempotent_and_touches_only_the_metadata(tmp_path):
    src = ROOT / "lessons" / "00_start_here.ipynb"
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb["metadata"]["pm_toolkit"] = {"edition": "learner"}  # other keys must survive
    path = tmp_path / "00.ipynb"
    path.write_text(stamp._render(nb), encoding="utf-8")
    first = stamp.stamp_notebooks([path], "9.9.9")
    once = path.read_bytes()
    second = stamp.stamp_notebooks([path], "9.9.9")
    assert [r.changed for r in first] == [True] and [r.changed for r in second] == [False]
    assert path.read_bytes() == once
    after = json.loads(once)
    assert after["metadata"]["pm_toolkit"] == {"edition": "learner", "course_version": "9.9.9"}
    assert after["cells"] == nb["cells"]
    assert stamp.stamp_notebooks([path], "1.0.0", check=True)[0].changed
    assert path.read_bytes() == once  # --check never writes


def test_stamp_check_command_fails_on_an_unstamped_notebook(tmp_path, capsys):
    from pm_toolkit.cli import main

    (tmp_path / "lessons").mkdir()
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "lessons" / "00.ipynb").write_text(json.dumps(nb))
    assert main(["stamp", "--root", str(tmp_path), "--check"]) == 1
    assert main(["stamp", "--root", str(tmp_path)]) == 0
    assert main(["stamp", "--root", str(tmp_path), "--check"]) == 0
    assert "1 of 1 notebooks carry" in capsys.readouterr().out


def test_built_editions_keep_the_source_stamp():
    import nbformat

    from pm_toolkit.exercises.editions import make_edition

    src = next((ROOT / "exercises" / "source").glob("*.ipynb"))
    nb = nbformat.read(src, as_version=4)
    for edition in ("learner", "solution"):
        built = make_edition(nb, edition, stem=src.stem)
        assert built.metadata["pm_toolkit"]["course_version"] == stamp.course_version()


def _checkout(tmp_path: Path) -> Path:
    """A copy of what a course checkout hands out (lessons, learner editions, dictionary)."""
    co = tmp_path / "checkout"
    for pattern in (
        "lessons/*.ipynb",
        "exercises/*.ipynb",
        "exercises/solutions/*.ipynb",
        "exercises/source/*.ipynb",
        "datasets/README.md",
    ):
        for p in ROOT.glob(pattern):
            dest = co / p.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
    return co


def _files_in(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "main"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def test_the_handout_holds_learner_editions_only_and_is_idempotent(tmp_path):
    co = _checkout(tmp_path)
    repo = tmp_path / "course.git"
    first = build_handout(co, repo)
    files = _files_in(repo)
    assert first.changed and "lessons/00_start_here.ipynb" in files
    assert not [f for f in files if "solutions" in f or "source" in f]
    assert any(f.startswith("exercises/") for f in files)
    again = build_handout(co, repo)
    assert not again.changed and again.commit == first.commit
    # world-readable, so every learner account can pull it
    assert all(p.stat().st_mode & 0o004 for p in repo.rglob("*") if p.is_file())


def test_the_handout_refuses_a_solution_edition(tmp_path):
    co = _checkout(tmp_path)
    leak = co / "exercises" / "99_leak.ipynb"
    shutil.copyfile(next((co / "exercises" / "solutions").glob("*.ipynb")), leak)
    with pytest.raises(HandoutError, match="not a learner edition"):
        handout_files(co)


def test_the_link_is_nbgitpullers_format():
    link = nbgitpuller_link(
        "https://hub.example.in/",
        "file:///srv/pm-toolkit/course.git",
        "exercises/02_web_metrics.ipynb",
    )
    url = urlparse(link)
    assert url.path == "/hub/user-redirect/git-pull"
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert q == {
        "repo": "file:///srv/pm-toolkit/course.git",
        "branch": "main",
        "targetpath": "pm-course",
        "urlpath": "lab/tree/pm-course/exercises/02_web_metrics.ipynb",
    }
    with pytest.raises(ValueError, match="http"):
        nbgitpuller_link("hub.example.in", "x")


def _pull(repo: Path, target: Path) -> None:
    from nbgitpuller.pull import GitPuller

    for _line in GitPuller(f"file://{repo}", str(target), branch="main").pull():
        pass


def _cell(nb: dict, needle: str) -> dict:
    return next(c for c in nb["cells"] if needle in "".join(c["source"]))


def test_an_update_never_overwrites_the_learners_answers(tmp_path):
    co = _checkout(tmp_path)
    repo = tmp_path / "course.git"
    build_handout(co, repo)
    home = tmp_path / "home" / "pm-course"
    _pull(repo, home)

    # The learner answers two exercises and saves, as JupyterLab does (outputs, counts, kernel info).
    mine = home / "lessons" / "00_start_here.ipynb"
    nb = json.loads(mine.read_text(encoding="utf-8"))
    answer = _cell(nb, "conversion = ____")
    answer["source"] = ["conversion = 84 / 3000  # my answer\n", "ex.q2.check(conversion)"]
    answer["execution_count"] = 7
    answer["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["✅ Correct\n"]}]
    _cell(nb, "query = ____")["source"] = ['query = "SELECT city FROM orders"  # mine']
    nb["metadata"]["language_info"].update({"version": "3.11.2", "mimetype": "text/x-python"})
    mine.write_text(stamp._render(nb), encoding="utf-8")

    # The instructor fixes a typo in another cell and releases the next course version.
    lesson = co / "lessons" / "00_start_here.ipynb"
    fixed = json.loads(lesson.read_text(encoding="utf-8"))
    intro = _cell(fixed, "How to use a notebook")
    intro["source"] = [s.replace("explain;", "explain (fixed);") for s in intro["source"]]
    assert any("(fixed)" in s for s in intro["source"])
    lesson.write_text(stamp._render(stamp.with_stamp(fixed, "9.9.9")), encoding="utf-8")
    for p in stamp.course_notebooks(co):
        stamp.stamp_notebooks([p], "9.9.9")
    import pm_toolkit.instructor.handout as handout

    handout_version = handout.course_version
    handout.course_version = lambda: "9.9.9"
    try:
        assert build_handout(co, repo).changed
    finally:
        handout.course_version = handout_version

    _pull(repo, home)  # the learner clicks the link again
    after = json.loads(mine.read_text(encoding="utf-8"))
    text = json.dumps(after)
    assert "84 / 3000  # my answer" in text and "# mine" in text  # the learner's answers
    assert "explain (fixed);" in text  # the instructor's fix
    assert stamp.stamp_of(after) == "9.9.9"  # and the new version stamp
    assert _cell(after, "84 / 3000")["outputs"][0]["text"] == ["✅ Correct\n"]
