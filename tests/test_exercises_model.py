"""The exercise model: step order, outcomes, strict mode, hints and solutions."""

from __future__ import annotations

import logging

import pytest

from pm_toolkit.exercises import (
    Exercise,
    ExerciseNotCorrect,
    LearnerContext,
    Number,
    Outcome,
    WrongAnswer,
    ____,
    lesson,
)
from pm_toolkit.exercises.bound import BoundExercise
from pm_toolkit.exercises.store import ProgressStore


@pytest.fixture(autouse=True)
def _fresh_store(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)


def ctx():
    return LearnerContext(seed=5, scale="tiny", learner="model-test")


AOV = Exercise(
    id="t.aov",
    title="AOV",
    prompt="AOV?",
    variable="aov",
    kind=Number(abs=0.5, unit="₹"),
    reference=lambda c: 1834.2,
    hints=["Revenue over orders.", "Delivered only.", "Sum then divide."],
    explanation="Revenue per order.",
    wrong_answers=[
        WrongAnswer(value=lambda c: 2000.0, message="You used all orders."),
        WrongAnswer(
            predicate=lambda x, c: x < 0, example=-5, message="Money is not negative here."
        ),
        # a window overlapping the right answer must never win over "correct"
        WrongAnswer(value=1834.0, abs=5, message="Overlapping window."),
    ],
    solution="aov = revenue / orders",
)


def bound(ex=AOV):
    return BoundExercise(ex, ctx(), handle="ex.q1")


def test_outcome_states_and_words():
    c = ctx()
    assert AOV.evaluate(____, c).status == "not_attempted"
    assert (
        "Replace the ____" in AOV.evaluate(____, c).message
        and "`aov`" in AOV.evaluate(None, c).message
    )
    assert AOV.evaluate("about ten", c).status == "invalid_input"
    right = AOV.evaluate("₹1,834", c)
    assert right.status == "correct" and right.text.startswith("✅ Correct")
    assert "Revenue per order." in right.text  # explanation on success
    wrong = AOV.evaluate(2000, c)
    assert wrong.text == "❌ Not yet: You gave ₹2,000 for `aov`. You used all orders."
    assert (
        "You gave -₹5" in AOV.evaluate(-5, c).message and "negative" in AOV.evaluate(-5, c).message
    )
    generic = AOV.evaluate(1500, c)
    assert (
        generic.status == "incorrect" and "1,834" not in generic.text and "1834" not in generic.text
    )


def test_checker_bug_is_could_not_check_and_logged(caplog):
    def boom(c):
        raise AttributeError("checker bug")

    ex = Exercise(id="t.bug", title="b", prompt="p", kind=Number(), reference=boom)
    with caplog.at_level(logging.ERROR, logger="pm_toolkit.exercises"):
        out = ex.evaluate(3, ctx())
    assert out.status == "could_not_check" and "not your fault" in out.message
    assert "Traceback" not in out.text and "AttributeError" not in out.text
    assert "checker bug" in caplog.text
    from pm_toolkit import config

    assert (
        "AttributeError: checker bug" in (config.progress_dir() / "checker-errors.log").read_text()
    )


def test_checker_errors_print_nothing(capfd):
    ex = Exercise(id="t.bug2", title="b", prompt="p", kind=Number(), reference=lambda c: 1 / 0)
    assert ex.evaluate(3, ctx()).status == "could_not_check"
    out, err = capfd.readouterr()
    assert "Traceback" not in err and "Traceback" not in out


def test_unwritable_store_does_not_break_checking(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(blocker / "progress"))  # parent is a file
    out = bound().check("1834.2")
    assert out.correct


def test_reference_is_computed_once_per_context():
    calls = []

    def ref(c):
        calls.append(1)
        return 10.0

    ex = Exercise(id="t.cache", title="c", prompt="p", kind=Number(), reference=ref)
    c = ctx()
    for v in (1, 2, 10):
        ex.evaluate(v, c)
    assert len(calls) == 1
    ex.evaluate(10, ctx())
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"id": "has space"}, "id"),
        ({"kind": "number"}, "kind must be"),
        ({"hints": "one text"}, "list of texts"),
        ({"wrong_answers": ["x"]}, "WrongAnswer"),
    ],
)
def test_definition_errors_are_actionable(kwargs, fragment):
    base = {"id": "t.ok", "title": "t", "prompt": "p", "kind": Number(), "reference": 1}
    with pytest.raises(ValueError, match=fragment):
        Exercise(**{**base, **kwargs})


def test_wrong_answer_validation():
    with pytest.raises(ValueError, match="message"):
        WrongAnswer(value=1, message="")
    with pytest.raises(ValueError, match="exactly one"):
        WrongAnswer(value=1, predicate=lambda a, c: True, example=1, message="m")
    with pytest.raises(ValueError, match="example"):
        WrongAnswer(predicate=lambda a, c: True, message="m")
    assert WrongAnswer(value=lambda c: c.seed, message="m").example(ctx()) == 5


def test_html_escapes_learner_values():
    ex = Exercise(id="t.s", title="s", prompt="p", kind=Number(), reference=1)
    out = ex.evaluate("<script>alert(1)</script>", ctx())
    assert "<script>" not in out.html() and "&lt;script&gt;" in out.html()
    assert "<script>" not in out._repr_markdown_()
    assert Outcome("incorrect", "a | b")._repr_markdown_().count("\\|") == 1


def test_strict_mode_raises_unless_correct(monkeypatch):
    b = bound()
    monkeypatch.setenv("PM_TOOLKIT_STRICT", "1")
    assert b.check("1834.2").correct
    with pytest.raises(ExerciseNotCorrect, match=r"t\.aov"):
        b.check(____)
    with pytest.raises(ExerciseNotCorrect):
        b.check(1)
    assert b.submit(1).status == "incorrect"  # a button click never raises


def test_hint_ladder_is_gated_recorded_and_never_raises():
    b = bound()
    assert "unlock" in b.hint().text.lower()
    b.check(1)  # a wrong try opens hint 1
    h1 = b.hint()
    assert (
        h1.title == "Hint 1 of 3"
        and "Revenue over orders." in h1.text
        and "ex.q1.hint(2)" in h1.text
    )
    jumped = b.hint(3)  # one at a time
    assert "one at a time" in jumped.text and "Delivered only." in jumped.text
    assert "Sum then divide." in b.hint().text
    last = b.hint()
    assert "last hint" in last.text and "solution()" in last.text
    assert b.hint(99).text and b.hint(-1).text  # never raises
    assert b.store.last("t.aov")["hints"] == 3
    out = b.check(1834.2)
    assert "Solved with 3 hints." in out.message


def test_no_hints_message():
    ex = Exercise(id="t.nh", title="n", prompt="p", kind=Number(), reference=1, hints_after=0)
    assert bound(ex).hint().text == "Sorry, no hints available for this question."


def test_solution_needs_confirmation_and_is_recorded():
    b = bound()
    ask = b.solution()
    assert "confirm=True" in ask.text and "revenue / orders" not in ask.text
    assert not (b.store.last("t.aov") or {}).get("solution")
    shown = b.solution(confirm=True)
    assert "aov = revenue / orders" in shown.text and "```python" in shown._repr_markdown_()
    assert b.store.last("t.aov")["solution"] is True
    assert "after viewing the solution" in b.check(1834.2).message


def test_first_try_success_is_praised():
    assert "without hints" in bound().check("₹1,834.20").message


def test_lesson_namespace():
    ex = lesson("start_here", ctx=ctx())
    assert ex.q2.id == "start_here.aov" and ex["start_here.aov"] is ex.q2 and ex["aov"] is ex.q2
    assert [b.handle for b in ex][:2] == ["ex.q1", "ex.q2"]
    assert len(ex) == len({b.id for b in ex})
    with pytest.raises(KeyError, match="no exercise"):
        ex["nope"]
    with pytest.raises(KeyError, match="no lesson"):
        lesson("no_such_lesson", ctx=ctx())


def test_reprs_show_prompt_and_last_outcome():
    b = bound()
    assert "AOV?" in repr(b) and "Not attempted" in repr(b)
    b.check(2000)
    assert "You used all orders" in repr(b)
    assert "ex.q1" in b._repr_markdown_() and "You used all orders" in b._repr_html_()


def test_store_never_holds_the_expected_value_of_an_unsolved_exercise(tmp_path):
    b = bound()
    b.check("2000")  # wrong: the learner's answer is kept, the reference is not
    b.hint()
    b.check(____)
    raw = b.store.log_path.read_text() + b.store.summary_path.read_text()
    assert "1834" not in raw
    assert isinstance(b.store, ProgressStore)


def test_a_solved_answer_is_kept_as_data_the_grader_can_recheck(tmp_path):
    from pm_toolkit.exercises.answer_codec import decode_answer

    b = bound()
    b.check("₹1,834.20")
    entry = b.store.last("t.aov")
    assert entry["status"] == "correct" and entry["scale"] == "tiny"
    assert "answer" not in entry  # no display copy of a correct answer
    # The raw submission, decoded and re-checked outside the widget, is still correct.
    assert AOV.evaluate(decode_answer(entry["raw"]), ctx()).status == "correct"


def test_an_untouched_placeholder_records_no_raw_answer(tmp_path):
    b = bound()
    b.check(____)
    assert "raw" not in (b.store.last("t.aov") or {})


def test_a_computed_wrong_value_is_worked_out_once_per_learner_like_the_reference():
    calls = {"reference": 0, "wrong": 0}

    def reference(c):
        calls["reference"] += 1
        return 1834.2

    def wrong(c):
        calls["wrong"] += 1
        return 2000.0

    ex = Exercise(
        id="t.counted",
        title="AOV",
        prompt="AOV?",
        variable="aov",
        kind=Number(abs=0.5),
        reference=reference,
        hints=["Revenue over orders."],
        wrong_answers=[WrongAnswer(value=wrong, message="You used all orders.")],
    )
    c = ctx()
    outcomes = [ex.evaluate(x, c) for x in (2000.0, 1500.0, 2000.0, 1834.2)]
    assert [o.status for o in outcomes] == ["incorrect", "incorrect", "incorrect", "correct"]
    named = ["You used all orders." in o.message for o in outcomes]
    assert named == [True, False, True, False]
    assert calls == {"reference": 1, "wrong": 1}
    ex.evaluate(2000.0, ctx())  # another learner's context works it out for them
    assert calls == {"reference": 2, "wrong": 2}
