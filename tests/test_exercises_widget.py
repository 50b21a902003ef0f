"""The widget without a browser: a click and check() share one path; classes for the UI test."""

from __future__ import annotations

import pytest

from pm_toolkit.exercises import LearnerContext, lesson
from pm_toolkit.exercises.widget import display_options


@pytest.fixture
def ex(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path))
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)
    return lesson("start_here", ctx=LearnerContext(seed=9, scale="tiny", learner="widget"))


def test_css_classes_for_the_browser_test(ex):
    w = ex.q1.widget()
    assert "pm-exercise" in w.box._dom_classes
    assert "pm-answer" in w.answer._dom_classes
    assert "pm-check" in w.check_button._dom_classes
    assert "pm-hint" in w.hint_button._dom_classes
    assert "pm-solution" in w.solution_button._dom_classes
    assert "pm-feedback" in w.feedback._dom_classes
    assert w.answer.continuous_update is False and w.answer.description.startswith("Your answer")


def test_click_is_the_check_path(ex):
    w = ex.q1.widget()
    w.set_answer("12")
    out = w.click_check()
    assert out.status == "incorrect" and "Not yet" in w.feedback.value
    assert ex.q1.store.last("start_here.three_orders")["checks"] == 1  # recorded like check()
    correct = ex.q1.exercise.reference_answer(ex.q1.ctx)
    ex.q1.check(correct)  # code path updates the same feedback area
    assert "Correct" in w.feedback.value
    assert ex.q1.store.last("start_here.three_orders")["checks"] == 2


def test_enter_submits_once(ex):
    w = ex.q1.widget()
    w.answer.value = "850"  # Enter / leaving the box syncs the value
    w.click_check()  # the click that caused the blur arrives right after: not a second check
    assert ex.q1.store.last("start_here.three_orders")["checks"] == 1
    assert "median" in w.feedback.value


def test_hint_and_solution_buttons(ex):
    w = ex.q1.widget()
    assert "unlock" in w.click_hint().lower()
    w.set_answer("1")
    w.click_check()
    assert "Hint 1" in w.click_hint()
    assert (
        "confirm" in w.click_solution().lower() and w.solution_button.description == "Yes, show it"
    )
    assert "1200" in w.click_solution()  # now shown
    assert ex.q1.store.last("start_here.three_orders")["solution"] is True


def test_restored_outcome_on_a_new_widget(ex, tmp_path):
    ex.q1.check(ex.q1.exercise.reference_answer(ex.q1.ctx))
    again = lesson("start_here", ctx=LearnerContext(seed=9, scale="tiny", learner="widget"))
    assert "Correct" in again.q1.widget().feedback.value


def test_choice_radio_multichoice_ordering(ex):
    choice, multi, order = (ex[n] for n in ("nudge_target", "guardrails", "funnel_order"))
    q3, q4, q5 = choice.widget(), multi.widget(), order.widget()
    right = choice.exercise.reference_answer(choice.ctx)
    q3.answer.value = next(o for o in choice.exercise.kind.options if o != right)
    assert "compare those shares" in q3.click_check().message
    q3.answer.value = right
    assert q3.click_check().correct
    q4.set_answer(["Return rate", "Page load time"])
    assert q4.click_check().correct
    items = order.exercise.kind.items
    q5.set_answer(items)
    assert q5.click_check().correct
    q5.set_answer([items[1], items[0], *items[2:]])
    assert q5.click_check().status == "incorrect"


def test_option_order_is_stable_per_learner_and_differs_across_learners(ex):
    a = display_options(ex["guardrails"])
    assert a == display_options(
        lesson("start_here", ctx=LearnerContext(seed=9, scale="tiny", learner="w"))["guardrails"]
    )
    orders = {
        tuple(
            display_options(
                lesson("start_here", ctx=LearnerContext(seed=s, scale="tiny", learner="w"))[
                    "guardrails"
                ]
            )
        )
        for s in range(12)
    }
    assert len(orders) > 1 and sorted(a) == sorted(ex["guardrails"].exercise.kind.options)


def test_judgement_widget_reveals_rubric_then_counts_as_done(ex):
    memo = ex["device_memo"]
    w = memo.widget()
    right = memo.exercise.reference_answer(memo.ctx)
    w.set_answer({"text": "Mobile web loses the most orders, so fix it first", "call": right.call,
                  "evidence": right.evidence, "numbers": {k: f"{v:.4%}" for k, v in right.numbers.items()}})  # fmt: skip
    first = w.click_check()
    assert first.status == "not_attempted" and w._rubric_box.layout.display is None
    assert "Model answer" in w.feedback.value
    w._ticks[0].value = True
    assert w.click_check().correct


def test_variable_widgets_look_up_the_learner_namespace(ex, monkeypatch):
    w = ex["revenue_by_payment"].widget()
    w.answer.value = "not_defined_yet"
    out = w.click_check()
    assert out.status == "invalid_input" and "not_defined_yet" in out.message


def test_display_bundle_has_widget_and_text_fallback(ex):
    import IPython.display as ipd

    captured = {}
    orig = ipd.display

    def fake_display(obj, raw=False, **kw):
        captured.update(obj)

    ipd.display = fake_display
    try:
        ex.q1._ipython_display_()
    finally:
        ipd.display = orig
    assert "application/vnd.jupyter.widget-view+json" in captured
    assert "Three orders" in captured["text/html"] and "Three orders" in captured["text/plain"]
