"""The capstone memo as the engine's structured judgement: nothing pre-selected, checkbox lists,
the rubric and model answer only after the learner submits, the right call and the numbers from
the learner's own simulation, and feedback that never gives them away."""

from __future__ import annotations

import pytest

from pm_toolkit.course import exercises_for
from pm_toolkit.exercises import JudgementAnswer, LearnerContext
from pm_toolkit.exercises.bound import BoundExercise
from pm_toolkit.pricing import memo

TEXT = "A guarded pilot with geo-clusters for weeks, caps on changes, and stop rules on trust."


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path_factory.mktemp("progress")))
        yield LearnerContext(scale="tiny", learner="default")


@pytest.fixture(scope="module")
def ex():
    return next(e for e in exercises_for("pricing") if e.id == "pricing.decision_memo")


def right_parts(ex, ctx) -> dict:
    ref = ex.reference_answer(ctx)
    return {"call": ref.call, "evidence": list(ref.evidence), "numbers": dict(ref.numbers)}


def test_the_memo_is_a_structured_judgement_with_the_debriefs_three_calls(ex):
    assert ex.kind.structured and ex.tags == ("judgement",)
    assert set(ex.kind.calls) == set(memo.CALLS) and len(memo.CALLS) == 3
    assert list(ex.kind.numbers) == list(memo.NUMBERS)
    belongs = [p for p, (ok, _why) in memo.POINTS.items() if ok]
    wrong = {p: why for p, (ok, why) in memo.POINTS.items() if not ok}
    assert len(belongs) >= 6 and len(wrong) >= 3 and all(wrong.values())
    assert any("MRP" in p for p in belongs) and any("false urgency" in p for p in belongs)
    assert any("DPDP" in why for why in wrong.values())


def test_the_widget_starts_empty_with_checkboxes_and_no_rubric(ex, ctx):
    widget = BoundExercise(ex, ctx, handle="ex.q13").widget()
    assert widget._call.value is None  # no call pre-selected
    assert [type(c).__name__ for c in widget._evidence] == ["Checkbox"] * len(memo.POINTS)
    assert not any(c.value for c in widget._evidence)
    assert all(t.value == "" for t in widget._numbers.values())
    assert widget._rubric_box.layout.display == "none"  # no rubric, no score before submitting


def test_rubric_and_data_built_model_answer_appear_only_after_the_structure_is_right(ex, ctx):
    parts = right_parts(ex, ctx)
    first = ex.evaluate(JudgementAnswer(TEXT, **parts), ctx)
    assert first.status == "not_attempted"
    assert "Rubric" in first.reveal and memo.RUBRIC[0] in first.reveal
    assert "Decision:" in first.reveal
    done = ex.evaluate(JudgementAnswer(TEXT, ticks=[1, 2], **parts), ctx)
    assert done.status == "correct"


def test_text_alone_asks_for_the_call_first(ex, ctx):
    out = ex.evaluate(TEXT, ctx)
    assert out.status == "invalid_input" and "Pick your call" in out.text
    assert "Rubric" not in (out.reveal or "")


@pytest.mark.parametrize("call", [memo.APPROVE, memo.REJECT])
def test_a_wrong_call_is_answered_from_the_learners_numbers_without_giving_them_away(ex, ctx, call):
    parts = right_parts(ex, ctx)
    out = ex.evaluate(JudgementAnswer(TEXT, **{**parts, "call": call}), ctx)
    assert out.status == "incorrect"
    assert call in out.text and parts["call"] not in out.text
    for s in ex.kind.expected_strings(ex.expected(ctx)):
        assert s not in out.text


def test_a_point_that_does_not_belong_is_named_with_why(ex, ctx):
    parts = right_parts(ex, ctx)
    bad = next(p for p, (ok, _why) in memo.POINTS.items() if not ok and "pseudonymised" in p)
    out = ex.evaluate(
        JudgementAnswer(TEXT, **{**parts, "evidence": [*parts["evidence"], bad]}), ctx
    )
    assert out.status == "incorrect" and "still personal data" in out.text


def test_a_wrong_number_gets_a_direction(ex, ctx):
    parts = right_parts(ex, ctx)
    label = memo.NUMBERS[1]
    numbers = {**parts["numbers"], label: f"{100 * parts['numbers'][label] * 3:.4f}%"}
    out = ex.evaluate(JudgementAnswer(TEXT, **{**parts, "numbers": numbers}), ctx)
    assert out.status == "incorrect" and "too high" in out.text


def test_the_right_call_and_numbers_differ_between_learners(ex):
    a = ex.expected(LearnerContext(scale="tiny", learner="default"))
    b = ex.expected(LearnerContext(scale="tiny", learner="asha@example.in"))
    assert a.numbers != b.numbers


def test_right_call_follows_the_gain_and_model_answer_says_it():
    assert memo.right_call(hourly_gain=0.003) == memo.PILOT
    assert memo.right_call(hourly_gain=0.0) == memo.REJECT
    kw = dict(
        naive_elasticity=0.8,
        test_elasticity=2.0,
        break_even=0.0003,
        changes_per_day=3.0,
        guarded_gain=0.001,
        carryover_day=0.094,
        orders_needed=12_300_000,
    )
    pilot = memo.model_answer(hourly_gain=0.0026, **kw)
    assert pilot.facts["call"] == memo.PILOT and "guarded pilot" in pilot.text
    assert "0.26%" in pilot.text and "0.030%" in pilot.text and "1.23 crore" in pilot.text
    assert "lower than the randomised test's" in pilot.text
    reject = memo.model_answer(hourly_gain=-0.001, **kw)
    assert reject.facts["call"] == memo.REJECT and "reject hourly pricing" in reject.text
