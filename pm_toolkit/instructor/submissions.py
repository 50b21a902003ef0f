"""Finding the submissions in a folder and working out whose each one is.

A notebook belongs to the roster learner named in its file name (``asha@example.in__02_web_
metrics.ipynb``, or the id anywhere in the name), else to the one in its metadata
(``metadata.pm_toolkit.learner``), else to the one its code sets (``set_learner("...")``).
Exported progress files (``pm-toolkit progress --export``) carry their learner inside.

>>> classify_name("asha@example.in__02_web_metrics.ipynb", ["asha@example.in", "ravi@example.in"])
'asha@example.in'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_LESSON_CALL = re.compile(r"""lesson\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_SET_LEARNER = re.compile(r"""set_learner\(\s*["']([^"']+)["']""")
_IGNORED_DIRS = {".ipynb_checkpoints", "__pycache__", ".git"}


@dataclass(frozen=True)
class Submission:
    """One file handed in: what it is, whose it is, and what is wrong with it (if anything)."""

    path: Path
    kind: str  # "notebook" | "export" | "other"
    learner: str | None = None
    problem: str = ""  # "" when gradable; else a status like "invalid_json", "no_learner"
    message: str = ""
    lessons: tuple[str, ...] = ()
    content: Any = field(default=None, repr=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name


def classify_name(filename: str, roster_ids: Sequence[str]) -> str | None:
    """The roster id a file name points to: the part before ``__``, else the longest id in it."""
    low = filename.lower()
    if "__" in low:
        head = low.split("__", 1)[0].strip()
        if head in roster_ids:
            return head
    # An id counts only as a whole token: "masha@x.in" must not be credited to "asha@x.in".
    found = [
        lid for lid in roster_ids if re.search(rf"(?<![\w.%+-]){re.escape(lid)}(?![a-z0-9])", low)
    ]
    return max(found, key=len) if found else None


def discover(folder: Path) -> list[Path]:
    """Every file under ``folder`` that could be a submission, sorted (stable reports)."""
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        if any(part in _IGNORED_DIRS for part in p.relative_to(folder).parts):
            continue
        out.append(p)
    return out


def _code_sources(nb: dict[str, Any]) -> Iterator[str]:
    """The text of each code cell (a raw notebook stores it as a string or a list of lines)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            yield "".join(src) if isinstance(src, list) else str(src)


def _lessons_in(nb: dict[str, Any]) -> tuple[str, ...]:
    keys = (k for src in _code_sources(nb) for k in _LESSON_CALL.findall(src))
    return tuple(dict.fromkeys(keys))


def _learner_claims(nb: dict[str, Any]) -> list[str]:
    claims = []
    meta = nb.get("metadata", {}).get("pm_toolkit", {})
    if isinstance(meta, dict) and isinstance(meta.get("learner"), str):
        claims.append(meta["learner"].strip().lower())
    for src in _code_sources(nb):
        claims += [m.strip().lower() for m in _SET_LEARNER.findall(src)]
    return claims


def inspect_file(path: Path, roster_ids: Sequence[str]) -> Submission:
    """Read one file and decide what it is and whose it is (never raises for a bad file)."""
    suffix = path.suffix.lower()
    if suffix not in (".ipynb", ".json"):
        return Submission(
            path,
            "other",
            problem="not_a_submission",
            message="not a notebook (.ipynb) or progress export (.json); skipped",
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return Submission(path, "notebook", problem="invalid_json", message="not a text file")
    except ValueError as exc:
        return Submission(
            path,
            "notebook",
            problem="invalid_json",
            message=f"not valid JSON ({exc}); ask the learner to re-download it",
        )
    by_name = classify_name(path.name, roster_ids)
    if suffix == ".json" or (isinstance(doc, dict) and "store" in doc and "cells" not in doc):
        return _inspect_export(path, doc, roster_ids, by_name)
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        return Submission(
            path,
            "notebook",
            problem="invalid_notebook",
            message="valid JSON but not a Jupyter notebook (no cells)",
        )
    try:
        import nbformat

        nb = nbformat.reads(json.dumps(doc), as_version=4)
    except Exception as exc:
        return Submission(
            path,
            "notebook",
            problem="invalid_notebook",
            message=f"not a readable notebook: {type(exc).__name__}: {str(exc)[:150]}",
        )
    claims = [c for c in _learner_claims(doc) if c]
    notes: list[str] = []
    learner = by_name
    if learner is None:
        learner = next((c for c in claims if c in roster_ids), None)
    elif any(c in roster_ids and c != learner for c in claims):
        other = next(c for c in claims if c in roster_ids and c != learner)
        notes.append(f"file name says {learner} but the notebook says {other}; graded as {learner}")
    lessons = _lessons_in(doc)
    if learner is None:
        hint = f" (it names {claims[0]}, who is not on the roster)" if claims else ""
        return Submission(
            path,
            "notebook",
            problem="no_learner",
            lessons=lessons,
            message="belongs to no learner on the roster"
            + hint
            + "; rename it to <learner id>__<notebook>.ipynb",
            content=nb,
        )
    return Submission(path, "notebook", learner, lessons=lessons, content=nb, notes=tuple(notes))


def _inspect_export(
    path: Path, doc: Any, roster_ids: Sequence[str], by_name: str | None
) -> Submission:
    store = doc.get("store") if isinstance(doc, dict) else None
    if not isinstance(store, dict) or not isinstance(store.get("exercises"), dict):
        return Submission(
            path,
            "export",
            problem="invalid_export",
            message="not a progress export (make one with: pm-toolkit progress --export FILE)",
        )
    inside = str(store.get("learner") or doc.get("course", {}).get("learner") or "").strip().lower()
    learner = inside if inside in roster_ids else by_name
    notes = []
    if by_name and inside in roster_ids and by_name != inside:
        notes.append(f"file name says {by_name} but the export is {inside}'s; graded as {inside}")
    lessons = tuple(dict.fromkeys(str(k).split(".", 1)[0] for k in store["exercises"]))
    if learner is None:
        return Submission(
            path,
            "export",
            problem="no_learner",
            lessons=lessons,
            message=f"export of {inside or 'an unknown learner'}, who is not on the roster",
        )
    return Submission(path, "export", learner, lessons=lessons, content=doc, notes=tuple(notes))
