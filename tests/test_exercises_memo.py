"""Judgements with a checked structured part: the call, the points that belong, the numbers."""

from __future__ import annotations

import pytest

from pm_toolkit.exercises import (
    Exercise,
    Judgement,
    JudgementAnswer,
    LearnerContext,
    MemoKey,
    Number,
    Percent,
    ____,
)
from pm_toolkit.exercises.answer_codec import decode_answer, encode_answer
from pm_toolkit.exercises.bound import BoundExercise

CALLS = {
    "Ship the banner": "",
    "Do not ship": "Look again at the conversion interval: which side of zero is it on?",
    "Run it longer": "The test already reached its planned size.",
}
EVIDENCE = {
    "The lift's 95% interval excludes zero": (True, ""),
    "Returns did not rise": (True, ""),
    "The p-value is the chance the idea works": (False, "a p-value is not that probability"),
}


def memo_exercise(**kw) -> Exercise:
    kind = Judgement(
        model_answer=lambda ctx: f"Ship it (learner seed {ctx.seed}).",
        rubric=["States the call", "Quotes the lift with its interval"],
        calls=CALLS,
        evidence=EVIDENCE,
        numbers={"conversion lift": Percent(abs=0.001), "orders per day": Number(rel=0.05)},
    )
    key = MemoKey(
        call="Ship the banner", numbers={"conversion lift": 0.012, "orders per day": 140.0}
    )
    return Exercise(
        id="fake.memo",
        title="Memo",
        prompt="Write the memo.",
        kind=kind,
        reference=kw.get("reference", lambda ctx: key),
    )


RIGHT = dict(
    call="ship the banner",  # case and spacing do not matter
    evidence=["The lift's 95% interval excludes zero", "Returns did not rise"],
    numbers={"conversion lift": "1.2%", "Orders per day": "141"},
)
TEXT = "The banner lifts conversion and returns held, so ship it."


@pytest.fixture
def ctx(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    return LearnerContext(scale="tiny", learner="default")


def check(ex, ctx, text=TEXT, **parts):
    return ex.evaluate(JudgementAnswer(text, **parts), ctx)


def test_right_structure_reveals_the_data_built_model_answer_then_ticks_finish(ctx):
    ex = memo_exercise()
    first = check(ex, ctx, **RIGHT)
    assert first.status == "not_attempted"
    assert f"learner seed {ctx.seed}" in first.reveal and "Rubric" in first.reveal
    done = check(ex, ctx, ticks=[1], **RIGHT)
    assert done.status == "correct" and "1 of 2" in done.text


def test_wrong_call_names_the_call_and_its_feedback_only(ctx):
    out = check(ex := memo_exercise(), ctx, **{**RIGHT, "call": "Do not ship"})
    assert out.status == "incorrect"
    assert "Do not ship" in out.text and "which side of zero" in out.text
    assert "Ship the banner" not in out.text
    assert ex.evaluate(JudgementAnswer(TEXT, **{**RIGHT, "call": "Run it longer"}), ctx).status == (
        "incorrect"
    )


def test_evidence_that_does_not_belong_is_named_with_why(ctx):
    wrong = [*RIGHT["evidence"], "The p-value is the chance the idea works"]
    out = check(memo_exercise(), ctx, **{**RIGHT, "evidence": wrong})
    assert out.status == "incorrect" and "not that probability" in out.text


def test_missing_evidence_is_counted_not_named(ctx):
    out = check(memo_exercise(), ctx, **{**RIGHT, "evidence": ["Returns did not rise"]})
    assert out.status == "incorrect" and "1 more" in out.text
    assert "interval excludes zero" not in out.text


@pytest.mark.parametrize(("typed", "word"), [("0.5%", "too low"), ("3%", "too high")])
def test_a_wrong_number_gets_a_direction_and_never_the_value(ctx, typed, word):
    out = check(
        memo_exercise(), ctx, **{**RIGHT, "numbers": {**RIGHT["numbers"], "conversion lift": typed}}
    )
    assert out.status == "incorrect" and word in out.text
    assert "1.2" not in out.text


@pytest.mark.parametrize(
    "parts",
    [
        {**RIGHT, "call": None},
        {**RIGHT, "call": "Launch everywhere"},
        {**RIGHT, "evidence": "nothing"},
        {**RIGHT, "evidence": []},
        {**RIGHT, "numbers": {"conversion lift": "1.2%"}},
        {**RIGHT, "numbers": {"conversion lift": "about one", "orders per day": "140"}},
        {**RIGHT, "numbers": ["1.2%", "140"]},
    ],
)
def test_incomplete_or_garbled_structure_is_invalid_input_and_lists_calls_alphabetically(
    ctx, parts
):
    out = check(memo_exercise(), ctx, **parts)
    assert out.status == "invalid_input", out.text
    if "calls:" in out.text or "one of" in out.text:
        listed = out.text[out.text.index("'") :]
        names = [c for c in sorted(CALLS, key=str.casefold) if c in listed]
        assert names == sorted(names, key=str.casefold)


def test_text_alone_is_not_enough_when_a_structure_is_asked(ctx):
    out = memo_exercise().evaluate(TEXT, ctx)
    assert out.status == "invalid_input" and "Pick your call" in out.text


def test_blank_memo_is_not_attempted(ctx):
    assert memo_exercise().evaluate(JudgementAnswer(""), ctx).status == "not_attempted"


def test_the_learner_editions_blanks_are_not_attempted_then_asked_for(ctx):
    """`ex.qN.check(text, call=____, evidence=[____], numbers=____)` as the learner edition has it."""
    blanks = {"call": ____, "evidence": [____], "numbers": ____}
    assert check(memo_exercise(), ctx, text=____, **blanks).status == "not_attempted"
    out = check(memo_exercise(), ctx, **blanks)
    assert out.status == "invalid_input" and "Pick your call" in out.text
    out = check(memo_exercise(), ctx, **{**RIGHT, "evidence": [____]})
    assert out.status == "invalid_input" and "Tick the points" in out.text
    numbers = {"conversion lift": ____, "orders per day": "140"}
    out = check(memo_exercise(), ctx, **{**RIGHT, "numbers": numbers})
    assert out.status == "invalid_input" and "conversion lift" in out.text


def test_reference_answer_is_correct_and_round_trips_through_the_codec(ctx):
    ex = memo_exercise()
    ref = ex.reference_answer(ctx)
    assert ref.call == "Ship the banner" and ex.evaluate(ref, ctx).status == "correct"
    back = decode_answer(encode_answer(ref))
    assert back == ref and ex.evaluate(back, ctx).status == "correct"


def test_a_bad_reference_is_could_not_check_not_the_learners_fault(ctx):
    ex = memo_exercise(reference=lambda ctx: MemoKey(call="Launch", numbers={}))
    assert check(ex, ctx, **RIGHT).status == "could_not_check"


def test_definition_errors_are_caught_early():
    with pytest.raises(ValueError, match="two options"):
        Judgement(model_answer="m", rubric=["r"], calls={"only": ""})
    with pytest.raises(ValueError, match="Number or Percent"):
        Judgement(model_answer="m", rubric=["r"], numbers={"x": Judgement("m", ["r"])})
    with pytest.raises(ValueError, match="MemoKey"):
        Exercise(
            id="f.m",
            title="t",
            prompt="p",
            kind=Judgement("m", ["r"], calls=CALLS),
            reference="Ship",
        )


def test_bound_check_takes_the_parts_as_keywords_and_the_widget_starts_empty(ctx):
    b = BoundExercise(memo_exercise(), ctx, handle="ex.q1")
    assert b.check(TEXT, **RIGHT).status == "not_attempted"
    assert b.check(TEXT, ticks=True, **RIGHT).status == "correct"
    widget = b.widget()
    assert widget._call.value is None and not any(c.value for c in widget._evidence)
    assert all(t.value == "" for t in widget._numbers.values())


def test_the_widget_submits_the_structured_parts(ctx):
    widget = BoundExercise(memo_exercise(), ctx, handle="ex.q1").widget()
    widget._call.value = "Ship the banner"
    for box in widget._evidence:
        box.value = EVIDENCE[box.description][0]
    widget._numbers["conversion lift"].value = "1.2%"
    widget._numbers["orders per day"].value = "140"
    widget.answer.value = TEXT
    assert widget.click_check().status == "not_attempted"
    assert widget._rubric_box.layout.display is None  # the rubric shows only now
    widget._ticks[0].value = True
    assert widget.click_check().status == "correct"
