"""The instructor's side of a hub: collecting work, grading it, and the live room view.

Learners' progress is written by the real exercise engine into hub-style folders
(``<root>/learners/<user>/progress``); the instructor's tools only read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pm_toolkit.instructor import make_roster
from pm_toolkit.instructor.collect import collect, events, hand_in, store_folder
from pm_toolkit.instructor.hubspace import layout
from pm_toolkit.instructor.room import room_from, room_html, room_snapshot, write_room

#: Two guardrails, one of them the metric the test hopes to move: a named mistake of
#: start_here.guardrails (its feedback names the wrong pick).
WRONG_PICK = "['Return rate', 'Conversion rate']"
RIGHT_PICK = "['Return rate', 'Page load time']"
#: The learner's own right AOV, through the engine's internal path (learners get it only
#: behind the solution gate): the grader must find it right for them and wrong for others.
OWN_AOV = "ex.q2.exercise.reference_answer(ex.q2.ctx)"


def _work(root: Path, learner: str, script: str) -> None:
    """Run exercise checks as the hub runs a learner's kernel: their id, their progress folder."""
    env = dict(
        os.environ,
        PM_TOOLKIT_LEARNER=learner,
        PM_TOOLKIT_PROGRESS_DIR=str(layout(root).learner(learner) / "progress"),
        PM_TOOLKIT_HOME=str(root / "homes" / learner),
    )
    code = "from pm_toolkit.exercises import lesson\nex = lesson('start_here')\n" + script
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hub_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("hubroot")
    _work(root, "asha", f"ex.q1.check(833.33)\nex.q2.check({OWN_AOV})\nex.q5.check({RIGHT_PICK})")
    _work(
        root,
        "ravi",
        f"ex.q1.check(2500)\nex.q2.check(1.0)\nex.q5.check({WRONG_PICK})\n"
        f"ex.q5.check({WRONG_PICK})\nex.q5.hint()",
    )
    _work(
        root,
        "meera",
        f"ex.q5.check({WRONG_PICK})\nex.q5.check(['Number of test variants'])\n"
        "ex.q5.hint()\nex.q5.hint()",
    )
    return root


def test_room_finds_the_question_most_of_the_room_is_stuck_on(hub_root):
    room = room_snapshot(hub_root)
    assert room.learners == 3 and room.active == 3
    top = room.most_stuck()
    assert top.exercise == "start_here.guardrails"
    assert (top.started, top.solved, top.stuck) == (3, 1, 2)
    assert top.learners_with_hints == 2 and top.hints == 2  # its ladder has one hint
    message, count = top.common_wrong[0]
    assert count == 2 and "'Conversion rate'" in message and "primary metric" in message
    first = next(q for q in room.questions if q.exercise == "start_here.three_orders")
    assert (first.started, first.solved, first.stuck) == (2, 1, 0)
    assert "2500" not in str(first.common_wrong)  # the learners' own answers are not echoed
    order = [q.exercise for q in room.questions]
    assert order[:2] == ["start_here.three_orders", "start_here.aov"]  # course order


def test_the_room_page_names_nobody_and_shows_no_right_answer(hub_root, tmp_path):
    room = room_snapshot(hub_root)
    page = write_room(room, tmp_path / "room.html", refresh=20).read_text(encoding="utf-8")
    assert "http-equiv='refresh' content='20'" in page and "Most of the room is stuck" in page
    for secret in ("asha", "ravi", "meera", "833", "2500"):
        assert secret not in page
    named = room_html(room_snapshot(hub_root, names=True))
    assert "meera" in named and "ravi" in named


def test_room_handles_an_empty_room_and_half_written_lines(tmp_path):
    assert str(room_from({})).endswith("nobody is stuck")
    store = tmp_path / "s"
    store.mkdir()
    good = {"action": "check", "exercise": "metrics.aov", "status": "incorrect", "message": "m"}
    (store / "events.jsonl").write_text(json.dumps(good) + "\n{not json\n" + '{"action": "ch')
    assert [e["exercise"] for e in events(store)] == ["metrics.aov"]


def test_collect_and_grade_on_each_learners_own_data(hub_root, tmp_path):
    from pm_toolkit.instructor.grade import grade

    roster = make_roster("hub-demo", [("Asha", "asha"), ("Ravi", "ravi"), ("Nobody", "nobody")])
    got = collect(roster, hub_root, tmp_path / "in")
    by = {c.learner: c for c in got.learners}
    assert by["asha"].export is not None and by["nobody"].export is None
    assert "nothing yet from: nobody" in str(got)
    book = grade(tmp_path / "in", roster, tmp_path / "grades", check_timeout=60)
    for exercise in ("start_here.three_orders", "start_here.aov", "start_here.guardrails"):
        assert book.status_of("asha", exercise) == "correct"
        assert book.status_of("ravi", exercise) == "incorrect"
    assert (tmp_path / "grades" / "gradebook.csv").exists()


def test_hand_in_copies_into_the_exchange_and_refuses_elsewhere(tmp_path, monkeypatch):
    nb = tmp_path / "02_web_metrics.ipynb"
    nb.write_text('{"cells": []}')
    monkeypatch.delenv("PM_TOOLKIT_EXCHANGE", raising=False)
    with pytest.raises(ValueError, match="not a course hub"):
        hand_in([nb])
    monkeypatch.setenv("PM_TOOLKIT_EXCHANGE", str(tmp_path / "mine"))
    [copy] = hand_in([nb])
    assert copy == tmp_path / "mine" / "handed-in" / nb.name and copy.read_text() == nb.read_text()
    with pytest.raises(ValueError, match="not a notebook"):
        hand_in([tmp_path / "missing.ipynb"])


def test_store_folder_matches_the_engines_layout(hub_root):
    from pm_toolkit.exercises.store import ProgressStore

    folder = layout(hub_root).learner("asha")
    assert store_folder(folder, "asha") == ProgressStore(folder / "progress", "asha").folder


def test_watch_room_refreshes_until_told_to_stop(hub_root):
    from pm_toolkit.instructor.room import watch_room

    seen = []
    last = watch_room(hub_root, every=0.01, rounds=3, show=seen.append)
    assert len(seen) == 3 and last.most_stuck().exercise == "start_here.guardrails"


def test_room_command_writes_the_page_and_refuses_a_bad_interval(hub_root, tmp_path, capsys):
    from pm_toolkit.cli import main

    page = tmp_path / "room.html"
    assert main(["hub", "room", "--root", str(hub_root), "--out", str(page), "--once"]) == 0
    assert "most stuck: start_here.guardrails" in capsys.readouterr().out
    assert "<table>" in page.read_text(encoding="utf-8")
    assert main(["hub", "room", "--root", str(hub_root), "--every", "0"]) == 2
    assert main(["hub", "room", "--root", str(tmp_path / "nowhere")]) == 2
    assert "pm-toolkit hub setup" in capsys.readouterr().err
