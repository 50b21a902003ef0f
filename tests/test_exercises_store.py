"""The progress store: restore after restart, concurrency, corruption, no answer keys."""

from __future__ import annotations

import json
import multiprocessing as mp

import pytest

from pm_toolkit.exercises import LearnerContext, lesson
from pm_toolkit.exercises.store import ProgressStore


def _writer(args):
    root, learner, worker, n = args
    store = ProgressStore(root, learner=learner)
    for i in range(n):
        store.record(
            {
                "action": "check",
                "exercise": f"t.e{i % 5}",
                "status": "incorrect",
                "answer": f"{worker}-{i}",
            }
        )
    return n


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    n, workers = 60, 4
    ctx = mp.get_context("spawn")  # spawn: no shared state with the parent, like two kernels
    with ctx.Pool(workers) as pool:
        assert (
            sum(pool.map(_writer, [(str(tmp_path), "asha", w, n) for w in range(workers)]))
            == n * workers
        )
    store = ProgressStore(tmp_path, learner="asha")
    events = store.events()
    assert len(events) == n * workers
    assert len({e["answer"] for e in events}) == n * workers
    summary = store.summary()
    assert sum(e["checks"] for e in summary.values()) == n * workers
    assert not list(store.folder.glob("*.corrupt-*"))


def test_summary_and_restore_after_restart(tmp_path):
    s1 = ProgressStore(tmp_path, learner="ravi@example.in")
    s1.record(
        {
            "action": "check",
            "exercise": "m.a",
            "status": "incorrect",
            "message": "no",
            "answer": "12",
        }
    )
    s1.record({"action": "hint", "exercise": "m.a", "hint": 1})
    s1.record({"action": "check", "exercise": "m.a", "status": "correct"})
    s2 = ProgressStore(tmp_path, learner="ravi@example.in")  # a new kernel
    entry = s2.last("m.a")
    assert (
        entry["status"] == "correct"
        and entry["done"]
        and entry["hints"] == 1
        and entry["attempts"] == 2
    )
    assert "answer" not in entry  # no readable copy of a correct answer in the summary
    assert ProgressStore(tmp_path, learner="someone-else").last("m.a") is None
    assert s2.events()[0]["v"] == 1 and "toolkit" in s2.events()[0]


def test_corrupted_log_is_set_aside_with_a_warning(tmp_path):
    store = ProgressStore(tmp_path, learner="asha")
    store.record({"action": "check", "exercise": "m.a", "status": "incorrect"})
    with open(store.log_path, "a", encoding="utf-8") as fh:
        fh.write('{"action": "check", "exerc')  # a crash mid-write
    store.summary_path.unlink()
    with pytest.warns(UserWarning, match="set aside"):
        summary = store.summary()
    assert summary["m.a"]["checks"] == 1
    assert list(store.folder.glob("events.jsonl.corrupt-*"))
    store.record({"action": "check", "exercise": "m.a", "status": "correct"})
    assert store.summary()["m.a"]["done"]
    assert all(json.loads(ln) for ln in store.log_path.read_text().splitlines())


def test_corrupted_summary_is_rebuilt(tmp_path):
    store = ProgressStore(tmp_path, learner="asha")
    store.record({"action": "check", "exercise": "m.a", "status": "incorrect"})
    store.summary_path.write_text("{not json")
    with pytest.warns(UserWarning, match="rebuilt"):
        store.record({"action": "check", "exercise": "m.a", "status": "correct"})
    assert store.summary()["m.a"]["attempts"] == 2
    assert list(store.folder.glob("summary.json.corrupt-*"))


def test_lesson_checks_are_restored_in_a_new_namespace(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path))
    ctx = LearnerContext(seed=3, scale="tiny", learner="restore")
    ex = lesson("start_here", ctx=ctx)
    ex.q1.check("1")
    again = lesson("start_here", ctx=LearnerContext(seed=3, scale="tiny", learner="restore"))
    last = again.q1.last_outcome()
    assert last.status == "incorrect" and "Last time" in last.message
    assert again.q1.widget().feedback.value == last.html()
    assert "Not yet" in again.q1.widget().feedback.value


def test_a_long_raw_answer_is_stored_whole_so_the_grader_can_recheck_it(tmp_path, monkeypatch):
    from pm_toolkit.exercises.answer_codec import decode_answer

    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path))
    ctx = LearnerContext(seed=3, scale="tiny", learner="long-query")
    q = lesson("start_here", ctx=ctx)["orders_by_payment"]
    query = (
        "-- a learner who comments their SQL writes long queries\n" * 6
        + "SELECT payment_method, COUNT(*) AS orders FROM orders GROUP BY payment_method"
    )
    assert len(query) > 300 and q.check(query).correct
    raw = decode_answer(q.store.last(q.id)["raw"])
    assert raw == query
    assert q.exercise.evaluate(raw, ctx).correct
