"""The exercise catalog: progress() knows ids and titles without importing every lesson."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import pm_toolkit.course as course
from pm_toolkit.cli import main
from pm_toolkit.course import catalog as cat


@pytest.fixture(scope="module")
def imported() -> tuple[cat.CatalogLesson, ...]:
    """The catalog as importing every lesson module gives it (imported once per worker)."""
    return cat.from_modules()


def test_committed_catalog_is_fresh(imported):
    refresh = f"run `{cat.REFRESH_COMMAND}` and commit pm_toolkit/course/catalog.json"
    stored = cat.read()
    assert stored is not None, f"pm_toolkit/course/catalog.json is missing or unreadable: {refresh}"
    fingerprint, lessons = stored
    assert fingerprint == cat.fingerprint(), f"the lesson sources changed since: {refresh}"
    assert lessons == imported, f"its exercises differ from the lesson modules': {refresh}"
    assert cat.refresh(check=True)[0], f"its text is not what the command writes: {refresh}"
    assert [lesson.key for lesson in lessons] == list(course.lesson_keys())


def _write(path, data) -> None:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")


def test_fresh_file_is_used_and_stale_one_is_not(tmp_path, imported):
    data = json.loads(cat.CATALOG_PATH.read_text(encoding="utf-8"))
    data["lessons"][0]["exercises"][0]["title"] = "A title only the file has"
    path = tmp_path / "catalog.json"
    _write(path, data)
    assert cat.catalog(path=path)[0].exercises[0].title == "A title only the file has"

    data["fingerprint"] = "sha256:" + "0" * 64  # the sources changed since the file was written
    _write(path, data)
    assert cat.catalog(path=path) == imported


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        "",
        "not json {",
        b"\xff\xfe{",  # not UTF-8
        [],
        {"lessons": []},
        {"fingerprint": "FP", "lessons": "start_here"},
        {"fingerprint": "FP", "lessons": [{"key": "nope", "exercises": []}]},
        {"fingerprint": "FP", "lessons": [{"key": "start_here"}]},
        {"fingerprint": "FP", "lessons": [{"key": "start_here", "exercises": [{"id": 1}]}]},
        {"fingerprint": "FP", "lessons": [{"key": "start_here", "exercises": [3]}]},
        {
            "fingerprint": "FP",
            "lessons": [{"key": "ml", "exercises": []}, {"key": "start_here", "exercises": []}],
        },
    ],
    ids=lambda c: "missing" if c is None else repr(c)[:40],
)
def test_unusable_file_falls_back_to_the_modules(tmp_path, imported, content):
    path = tmp_path / "catalog.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        _write(path, json.dumps(content).replace('"FP"', json.dumps(cat.fingerprint())))
    assert cat.read(path) is None
    assert cat.catalog(path=path) == imported


def test_progress_is_unchanged_with_a_stale_catalog(tmp_path, monkeypatch):
    from pm_toolkit.exercises.progress_view import progress
    from pm_toolkit.exercises.store import ProgressStore

    store = ProgressStore(tmp_path / "p", learner="catalog-test")
    fresh = progress(store=store)
    _write(tmp_path / "stale.json", "garbage")
    monkeypatch.setattr(cat, "CATALOG_PATH", tmp_path / "stale.json")
    assert progress(store=store).to_dict() == fresh.to_dict()
    assert fresh.total == sum(len(lesson.exercises) for lesson in cat.catalog())


def test_fingerprint_follows_the_sources(tmp_path, monkeypatch):
    import importlib

    a, b = tmp_path / "catalog_lesson_a.py", tmp_path / "catalog_lesson_b.py"
    a.write_text("EXERCISES = []\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    lessons = (("a", "catalog_lesson_a", "a.ipynb", "A"), ("b", "catalog_lesson_b", "b.ipynb", "B"))
    monkeypatch.setattr(course, "LESSONS", lessons)
    first = cat.fingerprint()
    a.write_bytes(b"EXERCISES = []\r\n")  # a Windows checkout of the same source
    assert cat.fingerprint() == first
    a.write_text("EXERCISES = []  # edited\n", encoding="utf-8")
    edited = cat.fingerprint()
    assert edited != first
    b.write_text("EXERCISES = []\n", encoding="utf-8")  # a lesson written at last
    importlib.invalidate_caches()
    assert cat.fingerprint() not in (first, edited)

    # A lesson not written yet is left out, as lesson_keys() leaves it out.
    b.unlink()
    importlib.invalidate_caches()
    out = tmp_path / "catalog.json"
    try:
        assert cat.refresh(path=out)[0] is False and out.is_file()
        assert cat.refresh(path=out, check=True)[0]
        assert cat.catalog(path=out) == (cat.CatalogLesson(key="a", exercises=()),)
    finally:
        sys.modules.pop("catalog_lesson_a", None)


def test_progress_in_a_fresh_kernel_imports_no_lesson(tmp_path):
    code = textwrap.dedent(
        """
        import json, sys
        import pm_toolkit
        view = pm_toolkit.progress()
        heavy = ("sklearn", "scipy.stats", "statsmodels", "matplotlib")
        lessons = [m for m in sys.modules if m.startswith("pm_toolkit.course.")]
        print(json.dumps({"loaded": [m for m in heavy if m in sys.modules],
                          "lessons": sorted(set(lessons) - {"pm_toolkit.course.catalog"}),
                          "total": view.total}))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PM_TOOLKIT_")}
    env["PM_TOOLKIT_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == [] and seen["lessons"] == []
    assert seen["total"] == sum(len(lesson.exercises) for lesson in cat.read()[1])


def test_cli_checks_the_catalog(capsys):
    assert main(["course", "catalog", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    for argv in (["course", "--help"], ["course", "catalog", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        assert "usage: pm-toolkit course" in capsys.readouterr().out
