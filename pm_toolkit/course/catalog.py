"""A light index of the course's exercises: per lesson, each exercise's id and title.

``pm_toolkit.progress()`` needs only ids, titles and the lesson order, yet importing the lesson
modules (``pm_toolkit/course/<lesson>.py``) pulls in scikit-learn, SciPy, statsmodels and
matplotlib: about 90 MiB in every learner's kernel. ``catalog()`` reads the same facts from
``catalog.json`` next to this file, without importing any lesson module, as long as the file's
fingerprint (a sha256 over the lesson modules' sources, in ``LESSONS`` order) matches the
sources on disk. When it does not (a maintainer edited an exercise and has not refreshed the
file) or the file is missing or unreadable, it imports the lesson modules as before: slower and
heavier, never wrong. Refresh the file after editing exercises::

    pm-toolkit course catalog            # or: python -m pm_toolkit.course.catalog
    pm-toolkit course catalog --check    # exit 1 if the committed file is out of date

>>> from pm_toolkit.course.catalog import catalog
>>> lessons = catalog()
>>> lessons[0].key, lessons[0].exercises[0].id, lessons[0].exercises[0].title
('start_here', 'start_here.three_orders', 'Try the box: three orders')
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

#: The committed catalog (package data, shipped in the wheel).
CATALOG_PATH = Path(__file__).with_name("catalog.json")
#: The command that refreshes it, named in messages.
REFRESH_COMMAND = "pm-toolkit course catalog"

log = logging.getLogger("pm_toolkit.course")


@dataclass(frozen=True)
class CatalogExercise:
    """One exercise as the progress view sees it."""

    id: str
    title: str


@dataclass(frozen=True)
class CatalogLesson:
    """One lesson whose definition module exists, with its exercises in definition order."""

    key: str
    exercises: tuple[CatalogExercise, ...]


def _source_path(module: str) -> Path | None:
    """The file a lesson module would be loaded from, found without importing it."""
    try:
        spec = find_spec(module)
    except (ImportError, ValueError):  # a parent package missing; a module without a spec
        return None
    if spec is None or not spec.origin or not spec.has_location:
        return None
    return Path(spec.origin)


def fingerprint() -> str:
    """sha256 over the lesson modules' sources in ``LESSONS`` order (line endings normalised,
    so a Windows checkout matches); a lesson whose module is missing counts as missing."""
    from pm_toolkit.course import LESSONS

    h = hashlib.sha256()
    for key, module, _notebook, _title in LESSONS:
        path = _source_path(module)
        try:
            data = path.read_bytes().replace(b"\r\n", b"\n") if path else b"<missing>"
        except OSError:
            data = b"<unreadable>"
        h.update(f"{key}\0{module}\0{len(data)}\0".encode())
        h.update(data)
    return "sha256:" + h.hexdigest()


def from_modules() -> tuple[CatalogLesson, ...]:
    """The catalog as importing the lesson modules gives it (heavy: imports every lesson)."""
    from pm_toolkit.course import exercises_for, lesson_keys

    return tuple(
        CatalogLesson(
            key=key,
            exercises=tuple(CatalogExercise(id=e.id, title=e.title) for e in exercises_for(key)),
        )
        for key in lesson_keys()
    )


def to_json(lessons: tuple[CatalogLesson, ...], fp: str) -> str:
    """The text of ``catalog.json`` for these lessons and fingerprint (one exercise a line)."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for lesson in lessons:
        rows = ",\n".join(
            f"      {{{dump('id')}: {dump(e.id)}, {dump('title')}: {dump(e.title)}}}"
            for e in lesson.exercises
        )
        blocks.append(f'    {{"key": {dump(lesson.key)}, "exercises": [\n{rows}\n    ]}}')
    note = f"Generated from pm_toolkit/course/<lesson>.py by `{REFRESH_COMMAND}`; do not edit."
    return (
        f'{{\n  "note": {dump(note)},\n  "fingerprint": {dump(fp)},\n  "lessons": [\n'
        + ",\n".join(blocks)
        + "\n  ]\n}\n"
    )


def _parse(data: Any) -> tuple[str, tuple[CatalogLesson, ...]]:
    """(fingerprint, lessons) of a loaded ``catalog.json``; ``ValueError`` if malformed."""
    from pm_toolkit.course import LESSONS

    if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
        raise ValueError("no fingerprint")
    if not isinstance(data.get("lessons"), list):
        raise ValueError("no lessons")
    order = [key for key, *_ in LESSONS]
    lessons = []
    for item in data["lessons"]:
        key, exercises = item["key"], item["exercises"]
        if key not in order or not isinstance(exercises, list):
            raise ValueError(f"unknown lesson {key!r}")
        entries = tuple(CatalogExercise(id=e["id"], title=e["title"]) for e in exercises)
        if not all(isinstance(e.id, str) and isinstance(e.title, str) for e in entries):
            raise ValueError(f"bad exercise in lesson {key!r}")
        lessons.append(CatalogLesson(key=key, exercises=entries))
    keys = [lesson.key for lesson in lessons]
    if keys != sorted(keys, key=order.index) or len(set(keys)) != len(keys):
        raise ValueError("lessons out of order")
    return data["fingerprint"], tuple(lessons)


def read(path: Path | None = None) -> tuple[str, tuple[CatalogLesson, ...]] | None:
    """The (fingerprint, lessons) stored in ``catalog.json``; None if missing or malformed."""
    path = CATALOG_PATH if path is None else path
    try:
        return _parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.debug("exercise catalog %s unusable (%s)", path, exc)
        return None


def catalog(*, path: Path | None = None) -> tuple[CatalogLesson, ...]:
    """Every lesson with exercises, in course order, each with its exercises' ids and titles.

    Read from ``catalog.json`` (no lesson module imported) when its fingerprint matches the
    lesson modules' sources; otherwise built by importing them, as ``exercises_for`` does.

    >>> lessons = catalog()
    >>> [lesson.key for lesson in lessons][:2]
    ['start_here', 'flywheel']
    >>> all(e.id.startswith(lessons[0].key + ".") for e in lessons[0].exercises)
    True
    """
    stored = read(path)
    if stored is not None and stored[0] == fingerprint():
        return stored[1]
    log.debug("exercise catalog out of date: importing the lesson modules (%s)", REFRESH_COMMAND)
    return from_modules()


def refresh(*, check: bool = False, path: Path | None = None) -> tuple[bool, str]:
    """Rebuild ``catalog.json`` from the lesson modules: (up to date before?, message).

    With ``check=True`` write nothing, only report.
    """
    path = CATALOG_PATH if path is None else path
    lessons = from_modules()
    text = to_json(lessons, fingerprint())
    try:
        current = path.read_text(encoding="utf-8")
    except OSError:
        current = None
    size = f"{len(lessons)} lessons, {sum(len(x.exercises) for x in lessons)} exercises"
    if current == text:
        return True, f"up to date: {path} ({size})"
    if check:
        return False, f"out of date: {path}; run `{REFRESH_COMMAND}` and commit the result"
    path.write_text(text, encoding="utf-8")
    return False, f"wrote {path} ({size})"


if __name__ == "__main__":  # pragma: no cover
    import sys

    from pm_toolkit.cli import main

    sys.exit(main(["course", "catalog", *sys.argv[1:]]))
