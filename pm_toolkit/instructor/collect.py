"""Collecting learners' work on a hub, as the instructor, without logging into any account.

On a hub each learner's progress store and hand-ins live in ``<root>/learners/<user>/``, which
the instructors' group can read (``hubspace``). ``collect`` turns each roster learner's
progress into a progress export (the format of ``pm-toolkit progress --export``) and copies the
notebooks they handed in (``pm-toolkit submit``), naming every file ``<learner>__<name>`` so
that ``pm-toolkit grade`` credits the right learner. The grader then re-checks every raw answer
on the learner's own data, as it does for files collected by hand.

The instructor only reads: the learner's event log is parsed without taking the store's lock
(the lock file belongs to the learner), and a line still being written is ignored.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> events(root / "nobody")
[]
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pm_toolkit.instructor.cohort import Roster
from pm_toolkit.instructor.hubspace import HANDED_IN, PROGRESS, layout


def store_folder(learner_dir: Path, learner_id: str) -> Path:
    """The progress-store folder of one learner inside their hub folder."""
    from pm_toolkit.exercises.store import _safe_dirname

    return learner_dir / PROGRESS / _safe_dirname(learner_id)


def events(store_dir: Path) -> list[dict[str, Any]]:
    """A learner's progress events, read-only; damaged or half-written lines are skipped."""
    try:
        raw = (store_dir / "events.jsonl").read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return []
    out = []
    for line in raw.split(b"\n")[:-1]:  # the part after the last newline may be mid-write
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if isinstance(ev, dict) and isinstance(ev.get("exercise"), str):
            out.append(ev)
    return out


def summary_of(evs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per exercise, the progress store's own summary of these events."""
    from pm_toolkit.exercises.store import _apply

    summary: dict[str, Any] = {"exercises": {}}
    for ev in evs:
        try:
            _apply(summary, ev)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # one malformed event must not hide the rest of a learner's work
    return summary["exercises"]


@dataclass(frozen=True)
class Collected:
    """One learner's collected files (empty when they have not started)."""

    learner: str
    export: Path | None
    notebooks: tuple[Path, ...]
    exercises: int


@dataclass(frozen=True)
class Collection:
    """Everything ``collect`` wrote, per roster learner."""

    out_dir: Path
    learners: tuple[Collected, ...]

    def __str__(self) -> str:
        started = [c for c in self.learners if c.export or c.notebooks]
        files = sum((c.export is not None) + len(c.notebooks) for c in self.learners)
        missing = [c.learner for c in self.learners if not (c.export or c.notebooks)]
        text = (
            f"collected {files} file(s) from {len(started)} of {len(self.learners)} learners "
            f"into {self.out_dir}"
        )
        return text + (f"; nothing yet from: {', '.join(missing)}" if missing else "")


def collect(
    roster: Roster, root: str | os.PathLike[str], out_dir: str | os.PathLike[str]
) -> Collection:
    """Copy each roster learner's progress (as an export) and hand-ins into ``out_dir``."""
    where = layout(root)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results = []
    for m in roster.members:
        lid = m.learner_id
        folder = where.learner(lid)
        exercises = summary_of(events(store_folder(folder, lid)))
        export = None
        if exercises:
            export = out / f"{lid}__progress.json"
            doc = {
                "collected": stamp,
                "store": {"v": 1, "learner": lid, "exported": stamp, "exercises": exercises},
            }
            export.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
        notebooks = []
        handed = folder / HANDED_IN
        for nb in sorted(handed.glob("*.ipynb")) if handed.is_dir() else []:
            target = out / f"{lid}__{nb.name}"
            shutil.copyfile(nb, target)
            notebooks.append(target)
        results.append(Collected(lid, export, tuple(notebooks), len(exercises)))
    return Collection(out, tuple(results))


def hand_in(notebooks: list[str | os.PathLike[str]], exchange: Path | None = None) -> list[Path]:
    """Copy notebooks into the learner's hand-in folder on the hub (``$PM_TOOLKIT_EXCHANGE``).

    The copy is what the instructor grades; handing in again replaces it.
    """
    from pm_toolkit import config

    base = exchange or config.exchange_dir()
    if base is None:
        raise ValueError(
            "this is not a course hub (no hand-in folder is set); send your notebook to your "
            "instructor instead, or export your progress: pm-toolkit progress --export FILE"
        )
    target = Path(base) / HANDED_IN
    target.mkdir(parents=True, exist_ok=True)
    done = []
    for nb in map(Path, notebooks):
        if nb.suffix != ".ipynb" or not nb.is_file():
            raise ValueError(f"{nb} is not a notebook file (.ipynb)")
        tmp = target / f".{nb.name}.part"
        shutil.copyfile(nb, tmp)
        os.replace(tmp, target / nb.name)  # the instructor never collects a half-copied file
        done.append(target / nb.name)
    return done
