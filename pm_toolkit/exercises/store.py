"""The progress store: an append-only event log per learner plus a summary derived from it.

Layout under ``pm_toolkit.config.progress_dir()``::

    <learner>/events.jsonl   one JSON object per line: check, hint or solution events
    <learner>/summary.json   last outcome per exercise, rebuilt from the log whenever stale

The folder is named after the learner id as ``learner.normalise`` writes it (trimmed, lower
case), so "Asha@Example.in" and "asha@example.in" share one folder; a folder an older version
made for another capitalisation is merged in (and kept, renamed ``*.merged-<time>``).

Appends happen under an exclusive file lock (``fcntl`` on Unix; ``msvcrt`` on Windows). A line
is written whole or not at all: a short write (a full disk) is completed or rolled back, and
``record`` raises :class:`ProgressNotSaved`, so the log always ends on a line boundary and no
acknowledged event is lost. The summary is replaced atomically. Every line read is validated:
a line that is damaged, or well-formed with a field of the wrong type, is set aside
(``*.corrupt-<time>`` keeps a copy of the whole log) with a warning, and the store carries on.

What is kept: statuses, hint and solution use, the text of wrong answers, and the learner's own
submission for every answered check (``raw``, correct answers included, so an exported file
can be re-checked by the instructor's grader). No expected value is ever written: an exercise
the learner has not solved has no right answer anywhere in the store.

>>> import tempfile
>>> from pm_toolkit.exercises.store import ProgressStore
>>> store = ProgressStore(tempfile.mkdtemp(), learner="Asha@Example.in")
>>> _ = store.record({"action": "check", "exercise": "start_here.aov", "status": "incorrect"})
>>> store.summary()["start_here.aov"]["attempts"], store.learner
(1, 'asha@example.in')
"""

from __future__ import annotations

import contextlib
import errno
import glob
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

from pm_toolkit.exercises.outcome import ATTEMPT_STATUSES, STATUSES

SCHEMA_VERSION = 1
_MAX_TEXT = 300
#: Fields that, when present, must be text (a number or a dict there is damage, not data).
_TEXT_FIELDS = (
    "action",
    "exercise",
    "status",
    "ts",
    "lesson",
    "message",
    "answer",
    "kind",
    "scale",
    "learner",
    "toolkit",
)
_SURROGATE = re.compile("[\ud800-\udfff]")


class ProgressNotSaved(OSError):
    """An event could not be written (a full disk, a read-only folder); nothing half-written
    was left behind. The message says what to do."""


def _safe_dirname(learner: str) -> str:
    # Readable and collision-free: "asha_example.in-1a2b3c4d". ``learner`` is normalised.
    slug = re.sub(r"[^a-z0-9._-]+", "_", learner.lower()).strip("._")[:40] or "learner"
    digest = hashlib.sha256(learner.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created if missing) for the duration of the block."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProgressNotSaved(
            f"Your progress folder {path.parent} cannot be created ({exc.strerror or exc}); "
            "move whatever is there away, or set PM_TOOLKIT_PROGRESS_DIR to another folder."
        ) from exc
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except IsADirectoryError:
        # Something made a folder where the lock file goes: keep it, out of the way.
        _move_aside(path)
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


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")


def _move_aside(path: Path) -> Path:
    aside = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    os.replace(path, aside)
    return aside


def _clip(v: Any) -> Any:
    if isinstance(v, str) and len(v) > _MAX_TEXT:
        return v[: _MAX_TEXT - 1] + "…"
    return v


def _scrub(v: Any) -> Any:
    """Replace lone surrogates (which UTF-8 cannot store) with U+FFFD, in nested data too."""
    if isinstance(v, str):
        return _SURROGATE.sub("\ufffd", v) if _SURROGATE.search(v) else v
    if isinstance(v, dict):
        return {_scrub(k): _scrub(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_scrub(x) for x in v]
    return v


def _not_json(value: Any) -> str:
    # Never str(value): a learner's object may raise there. The type name is enough.
    return f"<unreadable {type(value).__name__}>"


def event_problem(ev: Any) -> str:
    """Why an event cannot be used ("" if it can): the check every line read goes through.

    >>> event_problem({"action": "hint", "exercise": "start_here.aov", "hint": "two"})
    'hint is not a whole number'
    >>> event_problem({"action": "check", "exercise": "start_here.aov", "status": "correct"})
    ''
    """
    if not isinstance(ev, dict):
        return "not a JSON object"
    ex = ev.get("exercise")
    if not isinstance(ex, str) or not ex.strip():
        return "no exercise id"
    for key in _TEXT_FIELDS:
        if key in ev and not isinstance(ev[key], str):
            return f"{key} is not text"
    action = ev.get("action")
    if action is None:
        return "no action"
    if action == "check" and ev.get("status", "not_attempted") not in STATUSES:
        return "unknown status"
    if action == "hint":
        n = ev.get("hint")
        if type(n) is not int or not 0 <= n <= 10_000:
            return "hint is not a whole number"
    if "v" in ev and type(ev["v"]) is not int:
        return "schema version is not a whole number"
    return ""


def summary_problem(data: Any) -> str:
    """Why a summary file cannot be trusted ("" if it can); it is then rebuilt from the log."""
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        return "not a summary"
    if type(data.get("log_size", 0)) is not int:
        return "log size is not a whole number"
    for ex_id, entry in data["exercises"].items():
        if not isinstance(entry, dict):
            return f"entry {ex_id!r} is not an object"
        for key in ("attempts", "checks", "tries", "hints"):
            if type(entry.get(key, 0)) is not int:
                return f"{key} of {ex_id!r} is not a whole number"
        for key in ("solution", "done", "solved_after_solution"):
            if type(entry.get(key, False)) is not bool:
                return f"{key} of {ex_id!r} is not true/false"
        if entry.get("status", "not_attempted") not in STATUSES:
            return f"status of {ex_id!r} is unknown"
        for key in ("message", "answer", "lesson", "scale"):
            if key in entry and not isinstance(entry[key], str):
                return f"{key} of {ex_id!r} is not text"
    return ""


class ProgressStore:
    """Progress of one learner. ``root`` defaults to ``config.progress_dir()``; ``learner``
    to the current learner (normalised: capitals and spaces around it do not matter)."""

    def __init__(
        self, root: str | os.PathLike[str] | None = None, learner: str | None = None
    ) -> None:
        from pm_toolkit import config
        from pm_toolkit import learner as learner_mod

        self.root = Path(root) if root is not None else config.progress_dir()
        raw = learner if learner is not None else learner_mod.current_learner()
        self.learner = learner_mod.normalise(raw)
        self.folder = self.root / _safe_dirname(self.learner)
        self.log_path = self.folder / "events.jsonl"
        self.summary_path = self.folder / "summary.json"
        self._lock_path = self.folder / ".lock"
        self._others: list[Path] | None = None  # other-capitalisation folders still to merge
        self._swept = False  # orphan temp files removed (once per instance)

    def __repr__(self) -> str:
        return f"ProgressStore(learner={self.learner!r}, folder={str(self.folder)!r})"

    # -- writing ---------------------------------------------------------------------------------
    def record(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one event (a dict with at least ``action`` and ``exercise``) and update the summary.

        Raises :class:`ProgressNotSaved` if the event could not be written (nothing is left
        half-written), ``ValueError`` for an event the store would not be able to read back.
        """
        from pm_toolkit import __version__

        full = _scrub(
            {
                "v": SCHEMA_VERSION,
                "ts": _now(),
                "learner": self.learner,
                "toolkit": __version__,
                # "raw" is kept whole: the grader re-checks it, and a clipped query is another
                # query. Its size is bounded where it is made (``bound._raw_answer``).
                **{k: v if k == "raw" else _clip(v) for k, v in event.items() if v is not None},
            }
        )
        problem = event_problem(full)
        if problem:
            raise ValueError(f"not a progress event ({problem}): {event!r:.200}")
        text = json.dumps(full, ensure_ascii=False, sort_keys=True, default=_not_json)
        line = (text + "\n").encode("utf-8")
        with _locked(self._lock_path):
            self._merge_other_cases_locked()
            self._sweep_locked()
            summary = self._read_summary_locked()  # before the append, so log_size matches
            size = self._append_locked(line)
            _apply(summary, full)
            summary["n_events"] = summary.get("n_events", 0) + 1
            summary["log_size"] = size  # staleness check without reading the log
            # If this fails the event is still safe in the log; the summary is rebuilt from it.
            with contextlib.suppress(OSError):
                self._write_summary_locked(summary)
        return full

    def _append_locked(self, line: bytes) -> int:
        """Write ``line`` at the end of the log, whole or not at all; return the new size."""
        self._repair_path_locked(self.log_path)
        try:
            fd = os.open(self.log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _not_saved(exc) from exc
        try:
            start = os.fstat(fd).st_size
            if start and _last_byte(fd, start) != b"\n":
                # A line left half-written (a crash, an old version) must not swallow this one.
                line = b"\n" + line
            done = 0
            try:
                while done < len(line):  # os.write may write less than asked (a full disk)
                    n = os.write(fd, line[done:])
                    if n <= 0:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    done += n
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)  # roll back the partial line: the log stays aligned
                raise _not_saved(exc) from exc
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    # -- reading ---------------------------------------------------------------------------------
    def events(self) -> list[dict[str, Any]]:
        """All events in the order they happened (damaged or invalid lines set aside)."""
        if not self._readable():
            return []
        try:
            with _locked(self._lock_path):
                self._merge_other_cases_locked()
                return self._read_log_locked()
        except ProgressNotSaved:
            return self._read_log_locked(repair=False)

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per exercise id: last status and message, attempts, hints, solution used, when."""
        if not self._readable():
            return {}
        if not self._other_case_folders():
            try:
                data = json.loads(self.summary_path.read_text(encoding="utf-8"))
                if (
                    data.get("v") == SCHEMA_VERSION
                    and data.get("log_size") == self._log_size()
                    and not summary_problem(data)
                ):
                    return data["exercises"]
            except (OSError, ValueError, KeyError, AttributeError, TypeError, RecursionError):
                pass
        try:
            with _locked(self._lock_path):
                self._merge_other_cases_locked()
                return self._read_summary_locked()["exercises"]
        except ProgressNotSaved:  # a folder we may read but not lock (e.g. read-only)
            summary: dict[str, Any] = {"exercises": {}}
            for ev in self._read_log_locked(repair=False):
                _apply(summary, ev)
            return summary["exercises"]

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
    def _readable(self) -> bool:
        """False (with a warning) when the learner's folder is not a folder at all."""
        if self.folder.exists() and not self.folder.is_dir():
            warnings.warn(
                f"pm_toolkit: {self.folder} is a file, not a folder, so your progress cannot be "
                "read or saved there; move that file away.",
                stacklevel=3,
            )
            return False
        return (
            self.log_path.exists() or self.summary_path.exists() or bool(self._other_case_folders())
        )

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _repair_path_locked(self, path: Path) -> None:
        """A folder where a file belongs (a copy gone wrong) is moved aside, with a warning."""
        if path.is_dir():
            aside = _move_aside(path)
            warnings.warn(
                f"pm_toolkit: {path.name} in your progress folder was a folder, not a file; "
                f"it was moved to {aside.name} and a new one started.",
                stacklevel=4,
            )

    def _read_log_locked(self, *, repair: bool = True) -> list[dict[str, Any]]:
        if repair:
            self._repair_path_locked(self.log_path)
        try:
            raw = self.log_path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return []
        events, kept, problems = _parse_log(raw)
        if repair and (problems or (raw and not raw.endswith(b"\n"))):
            aside = self.log_path.with_name(f"{self.log_path.name}.corrupt-{_stamp()}")
            aside.write_bytes(raw)  # the whole log as it was: nothing is ever thrown away
            fd, tmp = self._tmp()
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"".join(ln + b"\n" for ln in kept))
            os.replace(tmp, self.log_path)
            if problems:
                kinds = ", ".join(sorted(set(problems)))
                warnings.warn(
                    f"pm_toolkit: {len(problems)} damaged line(s) in your progress log were set "
                    f"aside ({kinds}; a copy of the whole log is kept at {aside}); the rest of "
                    "your progress is safe.",
                    stacklevel=3,
                )
        return events

    def _read_summary_locked(self) -> dict[str, Any]:
        self._repair_path_locked(self.log_path)
        self._repair_path_locked(self.summary_path)
        size = self._log_size()
        if self.summary_path.exists():
            try:
                data = json.loads(self.summary_path.read_text(encoding="utf-8"))
                problem = summary_problem(data)
                if problem:
                    raise ValueError(problem)
                if data.get("v") == SCHEMA_VERSION and data.get("log_size") == size:
                    return data
                if size == 0 and data["exercises"]:
                    self._rebuild_log_locked(data["exercises"])
                    size = self._log_size()
            except (OSError, ValueError, RecursionError):
                aside = _move_aside(self.summary_path)
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

    def _rebuild_log_locked(self, exercises: dict[str, Any]) -> None:
        """The log is gone (deleted, or a folder moved aside) but the summary is sound: write a
        log that says the same, so the next append does not leave only the newest events."""
        lines = []
        for ex_id, entry in exercises.items():
            base = {"v": SCHEMA_VERSION, "exercise": ex_id, "learner": self.learner}
            base |= {"lesson": entry.get("lesson", ""), "ts": entry.get("last_ts") or _now()}
            if entry.get("hints"):
                lines.append({**base, "action": "hint", "hint": entry["hints"]})
            if entry.get("solution"):
                lines.append({**base, "action": "solution"})
            if entry.get("status", "not_attempted") != "not_attempted":
                check = {k: entry[k] for k in ("message", "answer", "raw", "scale") if k in entry}
                lines.append({**base, **check, "action": "check", "status": entry["status"]})
        fd, tmp = self._tmp()
        with os.fdopen(fd, "wb") as fh:
            for ev in lines:
                fh.write(
                    (json.dumps(_scrub(ev), ensure_ascii=False, sort_keys=True) + "\n").encode()
                )
        os.replace(tmp, self.log_path)
        warnings.warn(
            "pm_toolkit: your progress log was missing; it was rebuilt from your progress summary "
            "(your results, hints and solution views are kept; the count of tries restarts).",
            stacklevel=4,
        )

    def _write_summary_locked(self, summary: dict[str, Any]) -> None:
        fd, tmp = self._tmp()
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(summary, fh, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            os.replace(tmp, self.summary_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _tmp(self) -> tuple[int, str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")

    def _sweep_locked(self) -> None:
        """Remove temp files a killed writer left behind (every writer holds the lock, so any
        temp file seen while we hold it is an orphan)."""
        if self._swept:
            return
        self._swept = True
        for tmp in self.folder.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    # -- one learner, several capitalisations (folders made before ids were normalised) -----------
    def _other_case_folders(self) -> list[Path]:
        """Folders with this learner's slug but another digest (looked up once per instance)."""
        if self._others is None:
            slug = self.folder.name.rsplit("-", 1)[0]
            try:
                found = self.root.glob(f"{glob.escape(slug)}-" + "[0-9a-f]" * 8)
                self._others = sorted(p for p in found if p != self.folder and p.is_dir())
            except OSError:
                self._others = []
        return self._others

    def _merge_other_cases_locked(self) -> None:
        """Fold in the events of a folder made for the same id in other capitals, losing nothing."""
        from pm_toolkit.learner import normalise

        for old in self._other_case_folders():
            with _locked(old / ".lock"):
                try:
                    theirs = _parse_log((old / "events.jsonl").read_bytes())[0]
                except OSError:
                    continue
                owners = set()
                for ev in theirs:
                    with contextlib.suppress(ValueError):
                        owners.add(normalise(ev.get("learner", "")))
                if owners != {self.learner}:
                    continue  # a different learner whose folder name happens to look alike
                merged = sorted(self._read_log_locked() + theirs, key=lambda e: e.get("ts") or "")
                fd, tmp = self._tmp()
                with os.fdopen(fd, "wb") as fh:
                    for ev in merged:
                        text = json.dumps(ev, ensure_ascii=False, sort_keys=True)
                        fh.write((text + "\n").encode("utf-8"))
                os.replace(tmp, self.log_path)
                with contextlib.suppress(OSError):
                    self.summary_path.unlink()  # stale now; rebuilt from the merged log
                kept = old.with_name(f"{old.name}.merged-{_stamp()}")
                os.replace(old, kept)
            warnings.warn(
                f"pm_toolkit: progress saved for {self.learner!r} under other capitals "
                f"({old.name}) was merged in; the old folder is kept as {kept.name}.",
                stacklevel=4,
            )
        self._others = []


def _parse_log(raw: bytes) -> tuple[list[dict[str, Any]], list[bytes], list[str]]:
    """(usable events, their lines as written, what was wrong with each other line)."""
    events, kept, problems = [], [], []
    for ln in raw.split(b"\n"):
        if not ln.strip():
            continue  # blank lines (or a Windows "\r") carry nothing and harm nothing
        try:
            ev = json.loads(ln)
        except (ValueError, RecursionError):
            problems.append("damaged")
            continue
        problem = event_problem(ev)
        if problem:
            problems.append(problem)
            continue
        events.append(_scrub(ev))
        kept.append(ln)
    return events, kept, problems


def _last_byte(fd: int, size: int) -> bytes:
    try:
        return os.pread(fd, 1, size - 1)
    except AttributeError:  # Windows has no pread
        os.lseek(fd, size - 1, os.SEEK_SET)
        return os.read(fd, 1)


def _not_saved(exc: OSError) -> ProgressNotSaved:
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = (
        "free some disk space"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT)
        else "check that you may write to the progress folder"
    )
    return ProgressNotSaved(
        exc.errno, f"your progress could not be saved ({reason}); {hint}, then check again"
    )


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
