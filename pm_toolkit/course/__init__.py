"""The course's exercise definitions, one module per lesson, found through ``LESSONS``.

Each module ``pm_toolkit/course/<lesson>.py`` defines ``EXERCISES = [Exercise(...), ...]``
with ids ``"<lesson>.<name>"``. Registering a new lesson = adding one line to ``LESSONS``;
a listed module that does not exist yet is skipped (lessons are written in parallel), but a
module that exists and fails to import is an error. Code that needs only ids, titles and lesson
order (``progress()``) uses ``pm_toolkit.course.catalog.catalog()``, which imports no lesson.

>>> from pm_toolkit.course import lesson_keys, exercises_for
>>> "start_here" in lesson_keys()
True
>>> exercises_for("start_here")[0].id
'start_here.three_orders'
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pm_toolkit.exercises.model import Exercise

#: (lesson key, module, notebook, one-line title) in course order: progress() follows it.
LESSONS: tuple[tuple[str, str, str, str], ...] = (
    ("start_here", "pm_toolkit.course.start_here", "lessons/00_start_here.ipynb", "Start here"),
    (
        "flywheel",
        "pm_toolkit.course.flywheel",
        "lessons/01_data_flywheel.ipynb",
        "The data flywheel",
    ),
    ("metrics", "pm_toolkit.course.metrics", "lessons/02_web_metrics.ipynb", "Web metrics"),
    (
        "collection",
        "pm_toolkit.course.collection",
        "lessons/03_data_collection.ipynb",
        "Data collection",
    ),
    (
        "experiments",
        "pm_toolkit.course.experiments",
        "lessons/04_experimentation.ipynb",
        "Experimentation",
    ),
    (
        "pricing",
        "pm_toolkit.course.pricing",
        "lessons/05_dynamic_pricing_case.ipynb",
        "Dynamic pricing case",
    ),
    (
        "forecasting",
        "pm_toolkit.course.forecasting",
        "lessons/06_forecast_and_place.ipynb",
        "Forecast and place stock",
    ),
    ("ml", "pm_toolkit.course.ml", "lessons/07_ml_for_pms.ipynb", "Machine learning for PMs"),
)


def _module(key: str) -> ModuleType | None:
    for k, mod, _nb, _title in LESSONS:
        if k == key:
            try:
                return import_module(mod)
            except ModuleNotFoundError as exc:
                # Only "this lesson's module is not written yet" is tolerated, never a broken import.
                if exc.name == mod:
                    return None
                raise
    known = [k for k, *_ in LESSONS]
    raise KeyError(f"no lesson {key!r}; the lessons are {known}")


def lesson_keys() -> tuple[str, ...]:
    """Keys of the lessons whose definition module exists, in course order."""
    return tuple(k for k, *_ in LESSONS if _module(k) is not None)


def exercises_for(key: str) -> list[Exercise]:
    """The exercises of one lesson, in definition order."""
    module = _module(key)
    if module is None:
        raise KeyError(
            f"lesson {key!r} has no exercises yet (pm_toolkit/course/{key}.py is missing)"
        )
    return list(getattr(module, "EXERCISES", []))


def all_exercises() -> list[Exercise]:
    """Every registered exercise of the course, lesson by lesson."""
    out: list[Exercise] = []
    for key in lesson_keys():
        out.extend(exercises_for(key))
    return out
