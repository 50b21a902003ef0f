"""The progress store under damage: every corruption recovers or explains, a full disk never
loses an acknowledged record, and one learner id in other capitals is one learner (issue 19)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import warnings

import pytest

from pm_toolkit.cli import main
from pm_toolkit.exercises import LearnerContext, lesson, progress
from pm_toolkit.exercises.store import ProgressNotSaved, ProgressStore, event_problem

LEARNER = "asha@example.in"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.setenv("PM_TOOLKIT_LEARNER", LEARNER)
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)
    return tmp_path / "progress"


def seeded(root) -> ProgressStore:
    store = ProgressStore(root, learner=LEARNER)
    store.record({"action": "check", "exercise": "start_here.aov", "status": "correct"})
    store.record({"action": "hint", "exercise": "start_here.conversion", "hint": 1})
    return store


def _append(store, data: bytes) -> None:
    with open(store.log_path, "ab") as fh:
        fh.write(data)


def _line(**ev) -> bytes:
    return (json.dumps(ev) + "\n").encode()


def _summary(store, exercises) -> None:
    size = store.log_path.stat().st_size
    store.summary_path.write_text(json.dumps({"v": 1, "log_size": size, "exercises": exercises}))


def _into_folder(path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()
    (path / "stray.txt").write_text("x")


CORRUPTIONS = {
    "a line cut off by a crash": lambda s: _append(s, b'{"action": "check", "exerc'),
    "binary garbage": lambda s: _append(s, b"\x00\xff\xfe garbage\n"),
    "invalid UTF-8 in a line": lambda s: _append(
        s, b'{"action":"check","exercise":"m.c","status":"correct","message":"\xff"}\n'
    ),
    "a block of NUL bytes (power loss)": lambda s: _append(s, b"\x00" * 4096),
    "a JSON list": lambda s: _append(s, b"[1, 2, 3]\n"),
    "a JSON number": lambda s: _append(s, b"42\n"),
    "a JSON null": lambda s: _append(s, b"null\n"),
    "hint given as text (the issue's line)": lambda s: _append(
        s, _line(action="hint", exercise="start_here.aov", hint="two")
    ),
    "hint too large for a number": lambda s: _append(
        s, b'{"action":"hint","exercise":"start_here.aov","hint":1e999}\n'
    ),
    "hint NaN": lambda s: _append(s, b'{"action":"hint","exercise":"start_here.aov","hint":NaN}\n'),
    "exercise id a number": lambda s: _append(s, _line(action="check", exercise=5, status="x")),
    "unknown status": lambda s: _append(
        s, _line(action="check", exercise="start_here.aov", status="banana")
    ),
    "message an object": lambda s: _append(
        s, _line(action="check", exercise="start_here.q", status="incorrect", message={"a": 1})
    ),
    "no action": lambda s: _append(s, _line(exercise="start_here.aov", status="correct")),
    "timestamp a number": lambda s: _append(
        s, _line(action="check", exercise="start_here.aov", status="correct", ts=5)
    ),
    "nesting deeper than Python can read": lambda s: _append(s, b"[" * 200_000 + b"]" * 200_000),
    "a lone surrogate escape": lambda s: _append(
        s,
        b'{"action":"check","exercise":"start_here.x","status":"incorrect","message":"\\ud800"}\n',
    ),
    "summary not JSON": lambda s: s.summary_path.write_text("{not json"),
    "summary entries not objects": lambda s: _summary(s, {"start_here.aov": "done"}),
    "summary field of the wrong type": lambda s: _summary(
        s, {"start_here.aov": {"status": "correct", "hints": "many", "done": "yes"}}
    ),
    "summary a JSON list": lambda s: s.summary_path.write_text("[]"),
    "log replaced by a folder": lambda s: _into_folder(s.log_path),
    "summary replaced by a folder": lambda s: _into_folder(s.summary_path),
    "lock file replaced by a folder": lambda s: _into_folder(s.folder / ".lock"),
}


@pytest.mark.parametrize("damage", list(CORRUPTIONS), ids=list(CORRUPTIONS))
def test_every_corruption_recovers_in_the_api_the_cli_and_check(root, damage, capsys):
    store = seeded(root)
    CORRUPTIONS[damage](store)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # set-aside warnings are expected; raising is not
        fresh = ProgressStore(root, learner=LEARNER)
        assert fresh.summary()["start_here.aov"]["done"]  # what was saved before survives
        assert any(e["exercise"] == "start_here.aov" for e in fresh.events())
        fresh.record({"action": "check", "exercise": "start_here.guardrails", "status": "correct"})
        assert progress().done >= 2
        b = lesson("start_here", ctx=LearnerContext(scale="tiny"))["conversion"]
        out = b.check("99%")
        assert out.status == "incorrect" and "Not saved" not in out.message
        assert b.store.last(b.id)["status"] == "incorrect"  # check() saved what it said
        assert main(["progress"]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err
    assert "Progress of asha@example.in: " in printed.out
    for line in store.log_path.read_bytes().splitlines():
        assert event_problem(json.loads(line)) == ""  # only valid lines remain in the log


def test_a_set_aside_line_is_kept_and_named_in_the_warning(root):
    store = seeded(root)
    _append(store, _line(action="hint", exercise="start_here.aov", hint="two"))
    with pytest.warns(UserWarning, match="hint is not a whole number"):
        store.summary()
    copies = list(store.folder.glob("events.jsonl.corrupt-*"))
    assert len(copies) == 1 and b'"hint": "two"' in copies[0].read_bytes()


def test_the_cli_prints_repairs_as_plain_notes(root, capsys):
    store = seeded(root)
    _append(store, b"42\n")
    assert main(["progress"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: pm_toolkit:") and "UserWarning" not in err


def test_a_learner_folder_that_is_a_file_is_explained(root, capsys):
    store = ProgressStore(root, learner=LEARNER)
    root.mkdir(parents=True)
    store.folder.write_text("not a folder")
    with pytest.raises(ProgressNotSaved, match="cannot be created"):
        store.record({"action": "check", "exercise": "start_here.aov", "status": "correct"})
    b = lesson("start_here", ctx=LearnerContext(scale="tiny"))["conversion"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = b.check("99%")
    assert out.status == "incorrect" and "Not saved" in out.message
    assert main(["progress"]) == 0
    assert "is a file, not a folder" in capsys.readouterr().err


# -- a full disk: short writes -------------------------------------------------------------------
def _short_writes(monkeypatch, *, then_fail: bool):
    """os.write that writes half of what it is asked, then (optionally) fails with ENOSPC."""
    import pm_toolkit.exercises.store as store_mod

    real = os.write
    calls = {"n": 0}

    def write(fd, data):
        calls["n"] += 1
        if then_fail and calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, bytes(data)[: max(1, len(data) // 2)])

    monkeypatch.setattr(store_mod.os, "write", write)
    return lambda: monkeypatch.setattr(store_mod.os, "write", real)


def test_a_short_write_is_completed(root, monkeypatch):
    store = seeded(root)
    restore = _short_writes(monkeypatch, then_fail=False)
    store.record({"action": "check", "exercise": "start_here.x", "status": "incorrect"})
    restore()
    assert [e["exercise"] for e in store.events()][-1] == "start_here.x"
    assert store.log_path.read_bytes().endswith(b"\n")


def test_a_full_disk_mid_line_reports_failure_and_keeps_the_log_aligned(root, monkeypatch):
    store = seeded(root)
    size = store.log_path.stat().st_size
    restore = _short_writes(monkeypatch, then_fail=True)
    with pytest.raises(ProgressNotSaved, match="free some disk space"):
        store.record({"action": "check", "exercise": "start_here.lost", "status": "incorrect"})
    restore()
    assert store.log_path.stat().st_size == size  # the half line was rolled back
    store.record({"action": "check", "exercise": "start_here.next", "status": "correct"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to set aside: every line is whole
        ids = [e["exercise"] for e in ProgressStore(root, learner=LEARNER).events()]
    assert ids == ["start_here.aov", "start_here.conversion", "start_here.next"]


def test_check_says_when_a_full_disk_kept_it_from_saving(root, monkeypatch):
    b = lesson("start_here", ctx=LearnerContext(scale="tiny"))["conversion"]
    _short_writes(monkeypatch, then_fail=True)
    out = b.check("99%")
    assert out.status == "incorrect" and "Not saved" in out.message and "disk" in out.message


def test_a_line_left_half_written_by_a_crash_does_not_swallow_the_next(root):
    store = seeded(root)
    store.summary_path.unlink()
    _append(store, b'{"action": "check", "exercise": "start_he')  # killed mid-write
    with pytest.warns(UserWarning, match="set aside"):
        store.record({"action": "check", "exercise": "start_here.after", "status": "correct"})
    ids = [e["exercise"] for e in ProgressStore(root, learner=LEARNER).events()]
    assert ids[-1] == "start_here.after" and len(ids) == 3


# -- one learner, any capitals ------------------------------------------------------------------
def _old_dirname(learner: str) -> str:
    """How folders were named before ids were normalised (digest of the id as typed)."""
    import re

    slug = re.sub(r"[^a-z0-9._-]+", "_", learner.lower()).strip("._")[:40]
    return f"{slug}-{hashlib.sha256(learner.encode()).hexdigest()[:8]}"


def test_capitals_in_a_learner_id_are_the_same_learner(root):
    ProgressStore(root, learner="asha@example.in").record(
        {"action": "check", "exercise": "start_here.aov", "status": "correct"}
    )
    assert progress(learner="Asha@Example.in").done == 1
    assert progress(learner="  ASHA@example.IN ").done == 1
    assert ProgressStore(root, learner="Asha@Example.in").folder.name == (
        ProgressStore(root, learner="asha@example.in").folder.name
    )


def test_a_folder_made_for_other_capitals_is_merged_and_kept(root):
    old = root / _old_dirname("Asha@Example.in")
    old.mkdir(parents=True)
    (old / "events.jsonl").write_text(
        json.dumps(
            {"action": "check", "exercise": "start_here.sql", "status": "correct",
             "learner": "Asha@Example.in", "ts": "2025-01-01T10:00:00.000+00:00", "v": 1}
        ) + "\n"
    )  # fmt: skip
    new = ProgressStore(root, learner="asha@example.in")
    with pytest.warns(UserWarning, match="merged in; the old folder is kept"):
        new.record({"action": "check", "exercise": "start_here.aov", "status": "correct"})
    summary = ProgressStore(root, learner="ASHA@example.in").summary()
    assert summary["start_here.sql"]["done"] and summary["start_here.aov"]["done"]
    assert not old.exists() and list(root.glob(old.name + ".merged-*"))  # kept, not deleted
    events = ProgressStore(root, learner=LEARNER).events()
    assert [e["exercise"] for e in events] == ["start_here.sql", "start_here.aov"]  # by time


def test_another_learner_with_a_look_alike_folder_is_left_alone(root):
    other = ProgressStore(root, learner="asha_example.in")  # same slug, another person
    other.record({"action": "check", "exercise": "start_here.aov", "status": "correct"})
    mine = ProgressStore(root, learner="asha@example.in")
    assert mine.summary() == {}
    mine.record({"action": "check", "exercise": "start_here.sql", "status": "incorrect"})
    assert other.folder.exists() and list(other.summary()) == ["start_here.aov"]
    shutil.rmtree(root)
