"""The progress store: an append-only event log per learner plus a summary derived from it.

Layout under ``pm_toolkit.config.progress_dir()``::

    <learner>/events.jsonl   one JSON object per line: check, hint or solution events
    <learner>/summary.json   last outcome per exercise, rebuilt from the log whenever stale

Appends happen under an exclusive file lock (``fcntl`` on Unix; ``msvcrt`` on Windows), each
line is written with one ``write`` call, and the summary is replaced atomically, so two
kernels writing at once lose nothing. A corrupted file is set aside (``*.corrupt-<time>``)
with a warning and the store carries on. Expected values are never written: a correct
answer is stored as just "correct", without the value typed.

>>> import tempfile
>>> from pm_toolkit.exercises.store import ProgressStore
>>> store = ProgressStore(tempfile.mkdtemp(), learner="asha@example.in")
>>> _ = store.record({"action": "check", "exercise": "start_here.aov", "status": "incorrect"})
>>> store.summary()["start_here.aov"]["attempts"]
1
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pm_toolkit.exercises.outcome import ATTEMPT_STATUSES

SCHEMA_VERSION = 1
_MAX_TEXT = 300


def _safe_dirname(learner: str) -> str:
    # Readable and collision-free: "asha_example.in-1a2b3c4d".
    slug = re.sub(r"[^a-z0-9._-]+", "_", learner.lower()).strip("._")[:40] or "learner"
    digest = hashlib.sha256(learner.encode()).hexdigest()[:8]
    return f"{slug}-{digest}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created if missing) for the duration of the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.01)
        yield
    finally:
        with contextlib.suppress(Exception):
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _clip(v: Any) -> Any:
    if isinstance(v, str) and len(v) > _MAX_TEXT:
        return v[: _MAX_TEXT - 1] + "…"
    return v


class ProgressStore:
    """Progress of one learner. ``root`` defaults to ``config.progress_dir()``; ``learner``
    to the current learner."""

    def __init__(
        self, root: str | os.PathLike[str] | None = None, learner: str | None = None
    ) -> None:
        from pm_toolkit import config
        from pm_toolkit import learner as learner_mod

        self.root = Path(root) if root is not None else config.progress_dir()
        self.learner = learner if learner is not None else learner_mod.current_learner()
        self.folder = self.root / _safe_dirname(self.learner)
        self.log_path = self.folder / "events.jsonl"
        self.summary_path = self.folder / "summary.json"
        self._lock_path = self.folder / ".lock"

    def __repr__(self) -> str:
        return f"ProgressStore(learner={self.learner!r}, folder={str(self.folder)!r})"

    # -- writing ---------------------------------------------------------------------------------
    def record(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one event (a dict with at least ``action`` and ``exercise``) and update the summary."""
        from pm_toolkit import __version__

        full = {
            "v": SCHEMA_VERSION,
            "ts": _now(),
            "learner": self.learner,
            "toolkit": __version__,
            # "raw" is kept whole: the grader re-checks it, and a clipped query is another query.
            # Its size is bounded where it is made (``bound._raw_answer``).
            **{k: v if k == "raw" else _clip(v) for k, v in event.items() if v is not None},
        }
        line = (json.dumps(full, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with _locked(self._lock_path):
            summary = self._read_summary_locked()  # before the append, so log_size matches
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)  # one write per line: concurrent appends never interleave
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            _apply(summary, full)
            summary["n_events"] = summary.get("n_events", 0) + 1
            summary["log_size"] = size  # staleness check without reading the log
            self._write_summary_locked(summary)
        return full

    # -- reading ---------------------------------------------------------------------------------
    def events(self) -> list[dict[str, Any]]:
        """All events in the order they happened."""
        if not self.log_path.exists():
            return []
        with _locked(self._lock_path):
            return self._read_log_locked()

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per exercise id: last status and message, attempts, hints, solution used, when."""
        if not self.log_path.exists() and not self.summary_path.exists():
            return {}
        try:
            data = json.loads(self.summary_path.read_text(encoding="utf-8"))
            if data.get("v") == SCHEMA_VERSION and data.get("log_size") == self._log_size():
                return data["exercises"]
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            pass
        with _locked(self._lock_path):
            return self._read_summary_locked()["exercises"]

    def last(self, exercise_id: str) -> dict[str, Any] | None:
        """The summary entry of one exercise, or None if never touched."""
        return self.summary().get(exercise_id)

    def export(self) -> dict[str, Any]:
        """Everything an instructor needs, as plain JSON-able data (no expected values)."""
        return {
            "v": SCHEMA_VERSION,
            "learner": self.learner,
            "exported": _now(),
            "exercises": self.summary(),
        }

    # -- internals (caller holds the lock) ---------------------------------------------------------
    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _read_log_locked(self) -> list[dict[str, Any]]:
        try:
            raw = self.log_path.read_bytes()
        except FileNotFoundError:
            return []
        events, bad = [], 0
        for ln in raw.splitlines():
            if not ln.strip():
                bad += 1
                continue
            try:
                ev = json.loads(ln)
                if not isinstance(ev, dict):
                    raise ValueError
                events.append(ev)
            except ValueError:
                bad += 1
        if bad or (raw and not raw.endswith(b"\n")):
            aside = self._set_aside(self.log_path)
            tmp = self._tmp()
            with os.fdopen(tmp[0], "wb") as fh:
                fh.write(
                    b"".join(
                        (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n").encode()
                        for e in events
                    )
                )
            os.replace(tmp[1], self.log_path)
            warnings.warn(
                f"pm_toolkit: {bad or 1} damaged line(s) in your progress log were set aside "
                f"(copy kept at {aside}); the rest of your progress is safe.",
                stacklevel=3,
            )
        return events

    def _read_summary_locked(self) -> dict[str, Any]:
        size = self._log_size()
        if self.summary_path.exists():
            try:
                data = json.loads(self.summary_path.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
                    raise ValueError("not a summary")
                if data.get("v") == SCHEMA_VERSION and data.get("log_size") == size:
                    return data
            except (OSError, ValueError):
                aside = self._set_aside(self.summary_path, move=True)
                warnings.warn(
                    f"pm_toolkit: your progress summary was damaged and was rebuilt from the log "
                    f"(the damaged copy is at {aside}).",
                    stacklevel=3,
                )
        # Missing or stale (another writer, an old version): rebuild from the log.
        summary: dict[str, Any] = {"v": SCHEMA_VERSION, "learner": self.learner, "exercises": {}}
        events = self._read_log_locked()
        for ev in events:
            _apply(summary, ev)
        summary["n_events"] = len(events)
        summary["log_size"] = self._log_size()  # the log may have been repaired just now
        return summary

    def _write_summary_locked(self, summary: dict[str, Any]) -> None:
        fd, tmp = self._tmp()
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        os.replace(tmp, self.summary_path)

    def _tmp(self) -> tuple[int, str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")

    def _set_aside(self, path: Path, move: bool = False) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        if move:
            os.replace(path, aside)
        else:
            aside.write_bytes(path.read_bytes())
        return aside


def _apply(summary: dict[str, Any], ev: dict[str, Any]) -> None:
    """Fold one event into the summary (pure; used for live updates and rebuilds alike)."""
    ex_id = ev.get("exercise")
    if not isinstance(ex_id, str):
        return
    entry = summary.setdefault("exercises", {}).setdefault(
        ex_id,
        {
            "lesson": ev.get("lesson") or ex_id.split(".", 1)[0],
            "status": "not_attempted",
            "attempts": 0,
            "checks": 0,
            "tries": 0,
            "hints": 0,
            "solution": False,
            "done": False,
            "first_ts": ev.get("ts"),
        },
    )
    entry["last_ts"] = ev.get("ts")
    action = ev.get("action")
    if action == "check":
        status = ev.get("status", "not_attempted")
        entry["checks"] += 1
        # Re-running a notebook with the blank still in place must not erase a real result.
        if status != "not_attempted" or entry["status"] == "not_attempted":
            entry["status"] = status
            entry["message"] = ev.get("message", "")
            for key in ("answer", "raw", "scale"):
                if key in ev:
                    entry[key] = ev[key]
                else:
                    entry.pop(key, None)
        if status in ATTEMPT_STATUSES:
            entry["attempts"] += 1
        if status in ("correct", "incorrect", "invalid_input"):
            entry["tries"] = entry.get("tries", 0) + 1
        if status == "correct":
            entry["done"] = True
            entry.setdefault("solved_ts", ev.get("ts"))
            entry["solved_after_solution"] = bool(entry["solution"])
    elif action == "hint":
        entry["hints"] = max(entry["hints"], int(ev.get("hint", 0) or 0))
    elif action == "solution":
        entry["solution"] = True
