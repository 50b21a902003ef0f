"""Self-tests generated from every registered exercise, plus a garbage fuzz per answer kind.

A new exercise is covered by adding its definition to ``pm_toolkit/course/<lesson>.py``:
its reference must pass, the placeholder must be "not attempted", every declared wrong answer
must fail with its own message, no failure may show the expected value, hints and solution must
render, and hypothesis-generated garbage must never raise and never pass.
"""

from __future__ import annotations

import contextlib
import html
import os
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pm_toolkit.course import LESSONS, all_exercises, lesson_keys
from pm_toolkit.exercises import (
    STATUSES,
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    Judgement,
    LearnerContext,
    MultiChoice,
    Number,
    Ordering,
    Percent,
    SQLAnswer,
    ____,
)
from pm_toolkit.exercises.bound import BoundExercise

# Inputs per kind; CI may raise them with PM_TOOLKIT_FUZZ_SCALE (e.g. 3 for a nightly run).
_SCALE = float(os.environ.get("PM_TOOLKIT_FUZZ_SCALE", "1"))
EXERCISES = all_exercises()
IDS = [e.id for e in EXERCISES]
_CTX: dict[str, LearnerContext] = {}


def ctx_for(ex: Exercise) -> LearnerContext:
    """One tiny-scale context per lesson for the default learner (cached: data loads once)."""
    if ex.lesson not in _CTX:
        _CTX[ex.lesson] = LearnerContext(scale="tiny", learner="default")
    return _CTX[ex.lesson]


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)


@contextlib.contextmanager
def short_time_limits(ex: Exercise, seconds: float = 0.05):
    """Garbage includes endless loops: give learner functions a short leash while fuzzing."""
    kind = ex.kind
    if isinstance(kind, FunctionAnswer):
        old = kind.time_limit
        kind.time_limit = min(old, seconds)
        try:
            yield
        finally:
            kind.time_limit = old
    else:
        yield


# -- registry ------------------------------------------------------------------------------------
def test_registry_is_consistent():
    assert "start_here" in lesson_keys()
    assert len(IDS) == len(set(IDS)), "exercise ids must be unique across the course"
    known = {k for k, *_ in LESSONS}
    for ex in EXERCISES:
        assert ex.lesson in known and ex.id.startswith(ex.lesson + "."), ex.id
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", ex.id), f"{ex.id}: use lower_snake_case ids"


# -- per exercise --------------------------------------------------------------------------------
@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_reference_is_correct(ex):
    ctx = ctx_for(ex)
    out = ex.evaluate(ex.reference_answer(ctx), ctx)
    assert out.status == "correct", out.text


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_placeholder_is_not_attempted(ex):
    ctx = ctx_for(ex)
    for blank in (____, ..., None, "", "   "):
        out = ex.evaluate(blank, ctx)
        assert out.status == "not_attempted", (blank, out.text)
        assert out.text.startswith("○ Not attempted")


def _wrong_cases(ex: Exercise, ctx: LearnerContext) -> list[tuple[object, str]]:
    cases = [(w.example(ctx), w.message) for w in ex.wrong_answers]
    cases += ex.kind.implicit_wrong_answers(ex.resolve_reference(ctx), ctx)
    return cases


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_each_wrong_answer_fails_with_its_own_message(ex):
    ctx = ctx_for(ex)
    with short_time_limits(ex, 2.0):
        for answer, message in _wrong_cases(ex, ctx):
            out = ex.evaluate(answer, ctx)
            assert out.status == "incorrect", f"{message!r}: {out.text}"
            if message not in out.text:
                # Two mistakes can give the same number on one learner's data (a daily-mean AOV
                # within ₹0.50 of the gross AOV): then the first matching message is right too.
                parsed = ex.kind.parse(answer, ctx)
                twins = [w.message for w in ex.wrong_answers if w.matches(parsed, ex.kind, ctx)]
                assert twins and twins[0] in out.text, f"expected {message!r} in {out.text!r}"


def _leaks(ex: Exercise, ctx: LearnerContext) -> list[str]:
    strings = ex.kind.expected_strings(ex.expected(ctx))
    out = []
    for s in strings:
        digits = re.sub(r"\D", "", s)
        if len(digits) >= 3 and digits.strip("0"):  # skip tiny values: "5" appears everywhere
            out.append(s)
    return out


def _echo(ex: Exercise, ctx: LearnerContext, answer: object) -> str:
    try:
        return ex.kind.echo(ex.kind.parse(answer, ctx))
    except Exception:
        return ""


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_no_failure_shows_the_expected_value(ex):
    ctx = ctx_for(ex)
    leaks = _leaks(ex, ctx)
    answers = [a for a, _ in _wrong_cases(ex, ctx)] + ["about ten", 0, -1, 10**6, "12..5", [], {}]
    with short_time_limits(ex):
        for answer in answers:
            out = ex.evaluate(answer, ctx)
            if out.correct:
                continue
            echo = _echo(ex, ctx, answer)  # the learner's own value may be shown (e.g. -x for x)
            for fmt in (out.text, out.html(), out._repr_markdown_()):
                fmt = fmt.replace(echo, "") if echo else fmt
                for s in leaks:
                    assert s not in fmt, f"{ex.id}: {answer!r} -> {out.text!r} shows {s!r}"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_prompt_and_hints_do_not_give_the_answer_away(ex):
    ctx = ctx_for(ex)
    leaks = _leaks(ex, ctx)
    for text in (ex.prompt, *ex.hints):
        for s in leaks:
            assert not re.search(rf"(?<![\d.,]){re.escape(s)}(?![\d])", text), (
                f"{ex.id}: {s!r} in {text!r}"
            )
    if isinstance(ex.kind, Percent):
        assert "%" in ex.prompt, f"{ex.id}: say in the prompt which forms are accepted, e.g. 12.5%"


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hints_solution_and_prompt_render(ex):
    b = BoundExercise(ex, ctx_for(ex), handle="ex.q1")
    assert ex.title.strip() and ex.prompt.strip()
    for n in range(0, len(ex.hints) + 3):
        assert ex.hint_text(n, "ex.q1").strip()
    for note in (b.solution(), b.solution(confirm=True)):
        assert note.text and note.html() and note._repr_markdown_()
    if ex.solution:
        assert ex.solution.strip() in b.solution(confirm=True).text
    assert html.escape(ex.title) in b._repr_html_() and ex.title in repr(b)
    assert b._repr_markdown_().strip()


# -- garbage ---------------------------------------------------------------------------------------
def _raises(*args, **kwargs):
    raise RuntimeError("learner bug")


def _loops(*args, **kwargs):
    while True:
        pass


def _returns_none(*args, **kwargs):
    return None


def _returns_args(*args, **kwargs):
    return args


def _wrong_frame(rows: int, cols: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(4,)))
    return pd.DataFrame({f"c{j}": rng.normal(size=rows) for j in range(cols)})


_scalars = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(-float("inf")),
    st.booleans(),
    st.integers(min_value=10**300, max_value=10**400),
    st.integers(max_value=-(10**300), min_value=-(10**400)),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, float("-inf")]),
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=25),
    st.binary(max_size=10),
    st.complex_numbers(allow_nan=True),
    st.sampled_from([np.float64("nan"), np.int8(1), np.bool_(True), np.array([1, 2]), object()]),
)
GARBAGE = st.one_of(
    st.recursive(
        _scalars,
        lambda kids: (
            st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=4), kids, max_size=3)
        ),
        max_leaves=6,
    ),
    st.builds(_wrong_frame, st.integers(0, 4), st.integers(0, 3), st.integers(0, 2**16)),
    st.sampled_from([_raises, _loops, _returns_none, _returns_args, str, print, pd.DataFrame]),
    st.text(max_size=40).map(lambda s: "SELECT " + s),
    st.text(max_size=40).map(lambda s: "WITH " + s),
)


def assert_garbage_handled(ex: Exercise, ctx: LearnerContext, value: object) -> None:
    out = ex.evaluate(value, ctx)  # must not raise
    assert out.status in STATUSES
    assert out.status != "could_not_check", f"checker bug on {value!r}: {out.text}"
    assert not out.correct, f"garbage {value!r} passed {ex.id}"
    assert out.text and out.html()


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_garbage_never_raises_or_passes(ex):
    ctx = ctx_for(ex)

    @settings(
        max_examples=int(25 * _SCALE),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=GARBAGE)
    def run(value):
        assert_garbage_handled(ex, ctx, value)

    with short_time_limits(ex):
        run()


# -- per-kind fuzz with thousands of inputs ----------------------------------------------------------
# Hypothesis explores (and shrinks) a few hundred inputs per kind; a seeded corpus adds thousands
# more cheaply (hypothesis' own overhead is ~3 ms per example, too slow for thousands per kind).
_ALPHABET = "abc xyz₹%,.-−/eE0123456789_()[]{}<>'\"\\;:\n\t€日本éñ🙂"


def _random_text(rng: np.random.Generator, n: int) -> str:
    return "".join(rng.choice(list(_ALPHABET), size=n))


def _random_garbage(rng: np.random.Generator, depth: int = 0) -> object:
    pick = int(rng.integers(0, 16 if depth < 2 else 12))
    if pick == 0:
        return None
    if pick == 1:
        return float(rng.choice([np.nan, np.inf, -np.inf]))
    if pick == 2:
        return (
            int(rng.integers(1, 10**6))
            * 10 ** int(rng.integers(300, 400))
            * int(rng.choice([-1, 1]))
        )
    if pick == 3:
        return _random_text(rng, int(rng.integers(0, 30)))
    if pick == 4:
        return "SELECT " + _random_text(rng, int(rng.integers(0, 40)))
    if pick == 5:
        return bytes(rng.integers(0, 256, size=int(rng.integers(0, 8))).tolist())
    if pick == 6:
        return complex(float(rng.normal()), float(rng.normal()))
    if pick == 7:
        return _wrong_frame(
            int(rng.integers(0, 5)), int(rng.integers(0, 4)), int(rng.integers(0, 2**16))
        )
    if pick == 8:
        return [_raises, _returns_none, _returns_args, str, pd.DataFrame][int(rng.integers(0, 5))]
    if pick == 9:
        return rng.choice([np.float64("nan"), np.int8(1), np.bool_(True), True, False, object()])
    if pick == 10:
        return pd.Series(rng.normal(size=int(rng.integers(0, 4))))
    if pick == 11:
        return {"SELECT": 1, "value": float("nan")}
    if pick in (12, 13):
        return [_random_garbage(rng, depth + 1) for _ in range(int(rng.integers(0, 4)))]
    return {
        _random_text(rng, 3): _random_garbage(rng, depth + 1)
        for _ in range(int(rng.integers(0, 3)))
    }


def garbage_corpus(n: int, seed: int) -> list[object]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    return [_random_garbage(rng) for _ in range(n)] + [_loops]  # one endless loop per corpus


def _frames(c):
    return pd.DataFrame({"city": ["pune", "kochi"], "revenue": [10.5, 3.0]})


_ORDERS = pd.DataFrame({"city": ["pune", "kochi", "pune"], "net_value": [10.0, 3.0, 5.5]})
KIND_SAMPLES = {
    "number": Exercise(
        id="fz.number", title="n", prompt="p", kind=Number(abs=0.5), reference=1834.2
    ),
    "percent": Exercise(
        id="fz.percent", title="p", prompt="p", kind=Percent(abs=1e-4), reference=0.0351
    ),
    "choice": Exercise(
        id="fz.choice",
        title="c",
        prompt="p",
        kind=Choice({"AOV": "a", "GMV": "b"}),
        reference="AOV",
    ),
    "multi_choice": Exercise(
        id="fz.multi",
        title="m",
        prompt="p",
        kind=MultiChoice({"a": "x", "b": "y", "c": "z"}),
        reference=["a", "b"],
    ),
    "ordering": Exercise(
        id="fz.order", title="o", prompt="p", kind=Ordering(items=["x", "y", "z"])
    ),
    "dataframe": Exercise(
        id="fz.frame", title="d", prompt="p", kind=DataFrameAnswer(), reference=_frames
    ),
    "function": Exercise(
        id="fz.fn",
        title="f",
        prompt="p",
        kind=FunctionAnswer(
            cases=[(2.0,), (3.5,)], reference_fn=lambda x: x * 1.18, time_limit=0.02
        ),
    ),
    "sql": Exercise(
        id="fz.sql",
        title="s",
        prompt="p",
        kind=SQLAnswer(tables=lambda c: {"orders": _ORDERS}),
        reference="SELECT city, SUM(net_value) AS revenue FROM orders GROUP BY city",
    ),
    "judgement": Exercise(
        id="fz.judge",
        title="j",
        prompt="p",
        kind=Judgement(model_answer="m a b", rubric=["r1", "r2"]),
    ),
}
HYPOTHESIS_EXAMPLES = int(250 * _SCALE)
CORPUS_SIZE = int(2000 * _SCALE)


@pytest.mark.parametrize("kind_name", list(KIND_SAMPLES))
def test_kind_fuzz_thousands(kind_name):
    ex = KIND_SAMPLES[kind_name]
    ctx = LearnerContext(seed=1, scale="tiny", learner="fuzz")
    assert ex.evaluate(ex.reference_answer(ctx), ctx).correct
    corpus = garbage_corpus(CORPUS_SIZE, seed=len(kind_name))
    for value in corpus:
        assert_garbage_handled(ex, ctx, value)

    @settings(
        max_examples=HYPOTHESIS_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=GARBAGE)
    def run(value):
        assert_garbage_handled(ex, ctx, value)

    run()
    assert len(corpus) + HYPOTHESIS_EXAMPLES >= 2000 * _SCALE
