"""The course-version stamp: which release of the course a notebook belongs to.

Every lesson and exercise notebook carries ``metadata.pm_toolkit.course_version``, equal to the
toolkit's ``__version__`` when it was released. ``pm-toolkit doctor`` compares the notebooks
beside a learner with the installed toolkit, so a learner on a hub who has not pulled the
latest fix is told so. ``pm-toolkit stamp`` writes the stamp (idempotent: a stamped notebook is
left byte-for-byte alone) and ``pm-toolkit stamp --check`` fails when one is missing or old.

>>> nb = {"cells": [], "metadata": {"kernelspec": {"name": "python3"}}}
>>> stamped = with_stamp(nb, "1.2.0")
>>> stamp_of(stamped), stamp_of(nb)
('1.2.0', None)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Folders, relative to the course checkout, whose notebooks carry the stamp.
STAMPED_FOLDERS = ("lessons", "exercises", "exercises/source", "exercises/solutions")
KEY = "course_version"


def course_version() -> str:
    """The course version the installed toolkit belongs to (``pm_toolkit.__version__``)."""
    from pm_toolkit import __version__

    return __version__


def stamp_of(nb: dict[str, Any]) -> str | None:
    """The course version a notebook (as parsed JSON) is stamped with, or None."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    block = meta.get("pm_toolkit") if isinstance(meta, dict) else None
    value = block.get(KEY) if isinstance(block, dict) else None
    return value if isinstance(value, str) else None


def with_stamp(nb: dict[str, Any], version: str) -> dict[str, Any]:
    """A copy of the notebook with its stamp set (other ``pm_toolkit`` metadata kept)."""
    out = dict(nb)
    meta = dict(out.get("metadata") or {})
    block = dict(meta.get("pm_toolkit") or {})
    block[KEY] = version
    meta["pm_toolkit"] = block
    out["metadata"] = meta
    return out


def read_stamp(path: str | Path) -> str | None:
    """The stamp of a notebook file; None when it has none or cannot be read."""
    try:
        return stamp_of(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def course_notebooks(root: str | Path) -> Iterator[Path]:
    """Every notebook of a course checkout that must carry the stamp, in a stable order."""
    base = Path(root)
    for folder in STAMPED_FOLDERS:
        yield from sorted((base / folder).glob("*.ipynb"))


def _render(nb: dict[str, Any]) -> str:
    # nbformat's own layout (indent 1, sorted keys, text kept as UTF-8), so a stamp changes
    # only the metadata lines and ``pm-toolkit build --check`` sees the same bytes it writes.
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class StampResult:
    """One notebook: the stamp it had and whether it was (or, with ``check``, would be) changed."""

    path: Path
    before: str | None
    changed: bool


def stamp_notebooks(
    paths: Iterable[str | Path], version: str | None = None, *, check: bool = False
) -> list[StampResult]:
    """Set the course-version stamp on each notebook; with ``check`` only report what differs.

    A notebook that already has the stamp is not rewritten, so running it twice changes nothing.
    """
    want = version or course_version()
    results = []
    for p in map(Path, paths):
        text = p.read_text(encoding="utf-8")
        nb = json.loads(text)
        before = stamp_of(nb)
        changed = before != want
        if changed and not check:
            p.write_text(_render(with_stamp(nb, want)), encoding="utf-8")
        results.append(StampResult(p, before, changed))
    return results
