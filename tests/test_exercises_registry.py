"""The course registry: lessons are found by module, missing ones skipped, broken ones loud."""

from __future__ import annotations

import sys
import types

import pytest

import pm_toolkit.course as course
from pm_toolkit.exercises import Exercise, Number, ____
from pm_toolkit.exercises.placeholder import is_placeholder


def test_missing_lesson_module_is_skipped_but_broken_one_raises(monkeypatch):
    fake = types.ModuleType("pm_toolkit.course._fake_ok")
    fake.EXERCISES = [Exercise(id="fake.q", title="t", prompt="p", kind=Number(), reference=1)]
    monkeypatch.setitem(sys.modules, "pm_toolkit.course._fake_ok", fake)
    lessons = (
        ("fake", "pm_toolkit.course._fake_ok", "x.ipynb", "Fake"),
        ("later", "pm_toolkit.course._not_written_yet", "y.ipynb", "Later"),
    )
    monkeypatch.setattr(course, "LESSONS", lessons)
    assert course.lesson_keys() == ("fake",)
    assert [e.id for e in course.all_exercises()] == ["fake.q"]
    with pytest.raises(KeyError, match="has no exercises yet"):
        course.exercises_for("later")

    # A lesson module that exists but imports something missing must fail loudly, not vanish.
    monkeypatch.setattr(
        course, "LESSONS", (("broken", "pm_toolkit.course._broken", "z.ipynb", "Broken"),)
    )

    def fake_import(name):
        import pm_toolkit_module_that_does_not_exist  # noqa: F401  (inside the lesson module)

    monkeypatch.setattr(course, "import_module", fake_import)
    with pytest.raises(ModuleNotFoundError, match="pm_toolkit_module_that_does_not_exist"):
        course.lesson_keys()


def test_blank_is_a_singleton_that_pickles():
    import pickle

    assert pickle.loads(pickle.dumps(____)) is ____
    assert repr(____) == "____" and not ____ and is_placeholder(____)
