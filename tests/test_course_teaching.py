"""Every lesson makes the learner do the work (``shared/reference/teaching.md``).

Each exercise declares what it asks of the learner with one *task* tag in ``tags``:

- ``"lookup"``: read a named attribute or a value the lesson printed (at most two per lesson);
- ``"compute"``: compute from the learner's own tables (pandas or SQL);
- ``"calculate"``: work out a number from figures given in the prompt (not from their data);
- ``"decide"``: pick a decision or an interpretation, graded from the learner's data;
- ``"judgement"``: a memo with a checked structured part and self-assessed free text.

A ``"decide"`` exercise may also be tagged ``"compute"`` when the learner must compute first.
The quotas per lesson: at least half ``compute``; at least three ``decide``/``judgement``; at most
two ``lookup``; at least one SQL answer and one DataFrame answer.
"""

from __future__ import annotations

import re
import sys

import pytest

from pm_toolkit.course import exercises_for, lesson_keys
from pm_toolkit.exercises import DataFrameAnswer, LearnerContext, SQLAnswer

TASKS = {"lookup", "compute", "calculate", "decide", "judgement"}
LESSON_KEYS = lesson_keys()
#: A prompt that names the toolkit function doing the work turns a computation into a look-up.
TOOLKIT_CALL = re.compile(
    r"\b(?:metrics|experiments|pricing|flywheel|collection|forecasting|ml)\.[a-z_]+\("
)


def tasks_of(ex) -> set[str]:
    return set(ex.tags) & TASKS


@pytest.mark.parametrize("key", LESSON_KEYS)
def test_every_exercise_says_what_it_asks(key):
    for ex in exercises_for(key):
        tasks = tasks_of(ex)
        assert tasks, f"{ex.id}: add a task tag, one of {sorted(TASKS)}"
        assert tasks <= {"compute", "decide"} or len(tasks) == 1, f"{ex.id}: tags {tasks} clash"


@pytest.mark.parametrize("key", LESSON_KEYS)
def test_lesson_meets_the_teaching_quotas(key):
    exercises = exercises_for(key)
    count = {t: sum(t in tasks_of(e) for e in exercises) for t in TASKS}
    assert count["lookup"] <= 2, f"{key}: {count['lookup']} look-ups (at most 2)"
    assert 2 * count["compute"] >= len(exercises), f"{key}: only {count['compute']} compute"
    assert count["decide"] + count["judgement"] >= 3, f"{key}: fewer than 3 decisions"
    kinds = {type(e.kind) for e in exercises}
    assert SQLAnswer in kinds, f"{key}: no SQL exercise"
    assert DataFrameAnswer in kinds, f"{key}: no DataFrame exercise"


@pytest.mark.parametrize("key", LESSON_KEYS)
def test_compute_prompts_do_not_name_the_function_that_does_it(key):
    for ex in exercises_for(key):
        if "compute" in tasks_of(ex):
            match = TOOLKIT_CALL.search(ex.prompt)
            assert match is None, f"{ex.id}: the prompt names {match.group(0)}; make it a hint"


def _expected_key(ex, ctx):
    value = ex.expected(ctx)
    to_csv = getattr(value, "to_csv", None)
    return to_csv() if to_csv else repr(value)


@pytest.mark.parametrize("key", LESSON_KEYS)
def test_compute_answers_come_from_the_learners_own_data(key):
    """A computed answer differs between learners: it cannot be typed into the definition.

    Small counts can coincide for two learners by chance on the tiny data, so three are asked.
    """
    learners = [
        LearnerContext(scale="tiny", learner=name)
        for name in ("default", "asha@example.in", "ravi@example.in")
    ]
    for ex in exercises_for(key):
        if tasks_of(ex) == {"compute"}:
            answers = {_expected_key(ex, ctx) for ctx in learners}
            assert len(answers) > 1, f"{ex.id}: the same for three learners"


def test_the_quota_check_catches_a_lesson_of_look_ups(monkeypatch):
    from pm_toolkit.exercises import Exercise, Number

    lookups = [
        Exercise(
            id=f"fake.q{i}", title="t", prompt="p", kind=Number(), reference=1.0, tags=["lookup"]
        )
        for i in range(3)
    ]
    monkeypatch.setattr(sys.modules[__name__], "exercises_for", lambda key: lookups)
    with pytest.raises(AssertionError, match="look-ups"):
        test_lesson_meets_the_teaching_quotas("fake")
