"""Issue 19, "What a learner sees", the engine's part: directions for wrong numbers, units,
Markdown prompts, one status per question, the blank only in answer cells, and the memo widget.
(The browser checks the same on screen: tests/ui.)"""

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
)
from pm_toolkit.exercises.bound import BoundExercise


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)


def ctx() -> LearnerContext:
    return LearnerContext(seed=1, scale="tiny", learner="viewer", tables={})


def number(kind, reference, variable="value", **kw) -> BoundExercise:
    ex = Exercise(
        id="view.n",
        title="N",
        prompt="How much?",
        kind=kind,
        reference=reference,
        variable=variable,
        **kw,
    )
    return BoundExercise(ex, ctx(), handle="ex.q1")


# -- 5. a direction for every wrong number, never the value ---------------------------------------
@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("0.50", "Far too high, about 10 times"),
        ("5%", "Much too high (more than double)"),
        ("2.2%", "Too high"),
        ("2.02%", "A little too high"),
        ("1.5%", "Too low"),
        ("0.4%", "Much too low (less than half)"),
        ("0.0002", "About 100 times too low: a percentage typed as a fraction"),
        ("-2%", "The sign is wrong"),
        ("0", "Zero is too low"),
    ],
)
def test_a_wrong_rate_gets_a_direction(given, words):
    b = number(Percent(abs=0.0001), 0.02)
    out = b.check(given)
    assert out.status == "incorrect" and words in out.message, out.message
    direction = out.message.split(". ", 1)[1]  # after "You gave … for `value`."
    assert "2%" not in direction and "0.02" not in direction


@pytest.mark.parametrize(
    ("kind", "reference", "given", "slip"),
    [
        (Percent(), 0.023, "0.23", "10 times"),  # a share typed as ten times too big
        (Number(unit="ms"), 4198.0, "4.198", "milliseconds versus seconds"),
        (Number(unit="₹"), 1_50_000.0, "1.5", "lakh"),
        (Number(unit="₹"), 3_00_00_000.0, "3", "crore"),
    ],
)
def test_unit_slips_are_named(kind, reference, given, slip):
    out = number(kind, reference).check(given)
    assert out.status == "incorrect" and slip in out.message, out.message


def test_typed_in_the_box_the_message_names_no_code_variable():
    b = number(Number(unit="₹"), 1834.2, variable="aov")
    w = b.widget()
    w.set_answer("999")
    assert "`aov`" not in w.click_check().message
    assert "`aov`" in b.check("999").message  # answered in code: the variable is named


# -- 7. units of the answer's dimension are read and converted ------------------------------------
@pytest.mark.parametrize(
    ("kind", "reference", "typed"),
    [
        (Number(unit="ms", abs=1), 4198.0, "4,198 ms"),
        (Number(unit="ms", abs=1), 4200.0, "4.2 s"),
        (Number(unit="s", rel=0.001), 4.198, "4198 ms"),
        (Number(unit="₹", abs=1), 1200.0, "₹1,200"),
        (Number(unit="₹", abs=1), 1_20_000.0, "1.2 lakh"),
        (Number(unit="₹", abs=1), 1_20_000.0, "₹1.2 lakh"),
        (Number(unit="₹", abs=1), 3_00_00_000.0, "3 crore"),
        (Number(unit="₹", abs=1), 3_00_00_000.0, "Rs 3 cr"),
        (Number(unit="weeks", abs=0.01), 3.0, "21 days"),
        (Number(unit="users", abs=1), 12_000.0, "12k users"),
        (Number(unit="pp", abs=0.01), 1.2, "1.2%"),
        (Percent(abs=0.0001), 0.125, "12.5%"),
    ],
)
def test_units_are_accepted_and_converted(kind, reference, typed):
    assert number(kind, reference).check(typed).correct


@pytest.mark.parametrize(
    ("kind", "typed", "words"),
    [
        (Number(unit="₹"), "4.2 s", "a time"),
        (Number(unit="ms"), "₹1,200", "rupees"),
        (Number(unit="ms"), "12%", "percentage"),
        (Number(unit="users"), "12 orders", "'orders'"),
        (Percent(), "12 ms", "A rate has no unit"),
        (Number(), "4 s", "plain number"),
    ],
)
def test_a_unit_of_another_dimension_is_invalid_input_with_a_message(kind, typed, words):
    out = number(kind, 1.0).check(typed)
    assert out.status == "invalid_input" and words in out.message, out.message


# -- 6. prompts are Markdown -----------------------------------------------------------------------
def test_prompts_render_markdown_in_the_widget_and_the_html_face():
    ex = Exercise(
        id="view.md",
        title="Markdown",
        prompt="Sum `net_value` of **delivered** orders, in ₹. <script>x</script>",
        kind=Number(),
        reference=1.0,
    )
    b = BoundExercise(ex, ctx(), handle="ex.q1")
    for html in (b.widget().prompt.value, b._repr_html_()):
        assert "<code>net_value</code>" in html and "<strong>delivered</strong>" in html
        assert "`" not in html and "**" not in html and "<script>" not in html
    assert "`net_value`" in b._repr_markdown_()  # Markdown stays Markdown where it renders


# -- 8. one truth per question ----------------------------------------------------------------------
def test_the_code_cell_blank_shows_the_answer_given_in_the_widget():
    b = number(Number(), 42.0)
    w = b.widget()
    w.set_answer("42")
    assert w.click_check().correct
    out = b.check()  # the code cell below, blank still in place
    assert out.status == "correct" and "saved result" in out.message
    assert "Correct" in w.feedback.value  # and the widget was not reset by the blank


def test_after_a_restart_widget_and_code_cell_agree():
    number(Number(), 42.0).check("41")
    again = number(Number(), 42.0)  # a new kernel: new objects, same store
    assert again.check().status == "incorrect"
    assert "Not yet" in again.widget().feedback.value


def test_a_checked_output_is_updated_when_the_widget_checks(monkeypatch):
    import IPython.display as d

    shown, updated = [], []
    monkeypatch.setattr(d, "display", lambda obj, **kw: shown.append((obj, kw)))
    monkeypatch.setattr(d, "update_display", lambda obj, **kw: updated.append((obj, kw)))
    b = number(Number(), 42.0)
    b.check("41")._ipython_display_()  # what Jupyter does with a cell's result
    (bundle, kw), = shown  # fmt: skip
    assert "Not yet" in bundle["text/plain"] and kw["display_id"] == "pm-outcome-view.n"
    w = b.widget()
    w.set_answer("42")
    w.click_check()
    assert updated and "Correct" in updated[-1][0]["text/plain"]
    assert updated[-1][1]["display_id"] == "pm-outcome-view.n"


def test_strict_mode_still_refuses_a_blank(monkeypatch):
    b = number(Number(), 42.0)
    b.check("42")
    monkeypatch.setenv("PM_TOOLKIT_STRICT", "1")
    with pytest.raises(AssertionError):
        b.check()


# -- 11. the blank belongs in answer cells only ------------------------------------------------------
def test_the_blank_needs_no_import():
    import builtins

    import pm_toolkit.exercises as engine

    assert builtins.____ is engine.____
    scope: dict = {}
    exec("answer = ____", scope)  # an answer cell in a fresh namespace
    assert engine.is_placeholder(scope["answer"])


def test_learner_editions_import_only_lesson():
    import nbformat

    from pm_toolkit.exercises.editions import make_edition

    src = nbformat.v4.new_notebook()
    src.cells = [
        nbformat.v4.new_code_cell(
            "from pm_toolkit.exercises import ____, lesson\nex = lesson('x')"
        ),
        nbformat.v4.new_code_cell(
            "# BEGIN SOLUTION\naov = 1\n# END SOLUTION\n# LEARNER: aov = ____\nex.q1.check(aov)"
        ),
    ]
    for edition in ("learner", "solution"):
        nb = make_edition(src, edition, stem="demo")
        assert nb.cells[0].source == "from pm_toolkit.exercises import lesson\nex = lesson('x')"
    assert "aov = ____" in make_edition(src, "learner", stem="demo").cells[1].source


# -- C. the memo widget --------------------------------------------------------------------------------
CALLS = {
    "Approve a guarded pilot (test first, with guardrails such as a price-change cap)": "",
    "Reject hourly pricing": "Your numbers show a gain worth testing.",
    "Approve the hourly model as proposed": "What about the trust cost?",
}
EVIDENCE = {
    "The gain holds when competitors react, in your simulation of the next 90 days": (True, ""),
    "Cap price changes at a few per day": (True, ""),
    "Hourly pricing can never lose trust": (False, "customers notice frequent changes"),
}


def memo() -> BoundExercise:
    ex = Exercise(
        id="view.memo",
        title="Memo",
        prompt="Write the memo.",
        kind=Judgement(
            model_answer=lambda c: f"Pilot it (seed {c.seed}).",
            rubric=["States the call", "Names a guardrail"],
            calls=CALLS,
            evidence=EVIDENCE,
            numbers={"margin gain": Percent(abs=0.001)},
        ),
        reference=lambda c: MemoKey(call=next(iter(CALLS)), numbers={"margin gain": 0.004}),
    )
    return BoundExercise(ex, ctx(), handle="ex.q9")


def test_memo_widget_starts_empty_with_no_score_or_rubric():
    w = memo().widget()
    assert w._call.value is None and not any(c.value for c in w._evidence)
    assert w._rubric_box.layout.display == "none" and w.feedback.value == ""
    classes = {c for child in w.box.children for c in child._dom_classes}
    assert {"pm-style", "pm-prompt", "pm-memo"} <= classes
    memo_box = next(c for c in w.box.children if "pm-memo" in c._dom_classes)
    inner = {c for child in memo_box.children for c in child._dom_classes}
    assert {"pm-memo-call", "pm-memo-evidence", "pm-memo-number"} <= inner
    assert "Rubric" not in w.box.children[1].value and "score" not in w.feedback.value.lower()


def test_memo_set_answer_fills_every_part_and_reaches_done():
    b = memo()
    w = b.widget()
    right = b.exercise.reference_answer(b.ctx)
    w.set_answer(JudgementAnswer("We pilot it with a cap on changes.", None, right.call,
                                 right.evidence, {"margin gain": "0.4%"}))  # fmt: skip
    assert w._call.value == right.call and sum(c.value for c in w._evidence) == 2
    assert w.click_check().status == "not_attempted"
    assert w._rubric_box.layout.display is None and "Rubric" in w.feedback.value
    w.set_answer({**vars(w.read_answer()), "ticks": True})
    assert all(t.value for t in w._ticks)
    assert w.click_check().correct


def test_long_options_are_wrapped_by_the_shipped_style():
    from pm_toolkit.exercises.widget import WIDGET_CSS

    w = memo().widget()
    style = w.box.children[0]
    assert "pm-style" in style._dom_classes and WIDGET_CSS in style.value
    for rule in ("white-space: normal", "height: auto", "flex: 0 0 auto"):
        assert rule in WIDGET_CSS
    assert w._call.layout.width == "100%"
