"""Issue 19, "What adversarial tests broke": each item, as a test that failed before the fix.

The store's corruption and disk-full cases live in ``test_exercises_store_recovery.py``.
"""

from __future__ import annotations

import logging
import time

import pandas as pd
import pytest

from pm_toolkit.exercises import (
    Choice,
    DataFrameAnswer,
    Exercise,
    FunctionAnswer,
    LearnerContext,
    MultiChoice,
    Number,
    Ordering,
    SQLAnswer,
    WrongAnswer,
    lesson,
)
from pm_toolkit.exercises.bound import BoundExercise, Note
from pm_toolkit.exercises.parsing import InvalidInput, parse_number

ORDERS = pd.DataFrame(
    {"payment_method": ["upi", "cod", "upi", "card"], "net_value": [100.0, 250.0, 80.0, 40.0]}
)
RIGHT_SQL = "SELECT payment_method, COUNT(*) AS orders FROM orders GROUP BY payment_method"
# Half an hour of work (little memory) unless something stops it.
RUNAWAY = (
    "SELECT 'upi' AS payment_method, COUNT(*) AS orders FROM range(100000000000) t "
    "WHERE hash(t.range) % 1000003 = 17"
)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.delenv("PM_TOOLKIT_STRICT", raising=False)


def ctx() -> LearnerContext:
    return LearnerContext(seed=1, scale="tiny", learner="adversary", tables={"orders": ORDERS})


# -- 1. the SQL time limit holds for every run of the learner's query ------------------------------
def sql_exercise(predicate, time_limit: float = 0.5) -> Exercise:
    return Exercise(
        id="adv.sql",
        title="SQL",
        prompt="Orders per payment method.",
        kind=SQLAnswer(time_limit=time_limit),
        reference=RIGHT_SQL,
        wrong_answers=[WrongAnswer(predicate=predicate, example="SELECT 1", message="Mistake.")],
    )


@pytest.mark.timeout(60, method="thread")  # a hang (the old behaviour) ends the run as a failure
def test_a_predicate_rerunning_the_learners_query_stays_inside_the_time_limit():
    """The matcher wraps the learner's query in another one (no cache can help): the check
    must still end near the limit, not run the cross join to the end."""

    def counts_rows(query, c):
        return int(c.sql(f"SELECT COUNT(*) AS n FROM ({query})")["n"][0]) == 3

    start = time.monotonic()
    out = sql_exercise(counts_rows).evaluate(RUNAWAY, ctx())
    assert out.status == "incorrect" and "more than 0.5 s" in out.message
    assert time.monotonic() - start < 20  # a generous bound; unbounded it runs for minutes


def test_a_predicate_reuses_the_learners_result_instead_of_running_it_again(monkeypatch):
    from pm_toolkit.data import query as query_mod

    runs: list[str] = []
    real = query_mod.run_query

    def counting(con, query, timeout=None):
        runs.append(" ".join(query.split()))
        return real(con, query, timeout)

    monkeypatch.setattr(query_mod, "run_query", counting)
    wrong = "SELECT payment_method, COUNT(*) + 1 AS orders FROM orders GROUP BY 1"
    out = sql_exercise(lambda q, c: len(c.sql(q)) == 3).evaluate(wrong, ctx())
    assert out.status == "incorrect" and "Mistake." in out.message
    assert runs.count(" ".join(wrong.split())) == 1


# -- 2. the function time limit is not multiplied by the declared wrong functions -------------------
def test_an_endless_function_runs_once_per_case_whatever_the_wrong_functions():
    calls = []

    def endless(mrp, pct):
        calls.append((mrp, pct))
        while True:
            pass

    ex = Exercise(
        id="adv.fn",
        title="Function",
        prompt="Discounted price.",
        kind=FunctionAnswer(
            cases=[(100.0, 10.0), (200.0, 0.0)],
            reference_fn=lambda m, p: m * (1 - p / 100),
            time_limit=0.2,
        ),
        wrong_answers=[
            WrongAnswer(fn=lambda m, p: m - p, message="Rupees, not per cent."),
            WrongAnswer(fn=lambda m, p: m * p, message="Multiplied."),
            WrongAnswer(fn=lambda m, p: m, message="No discount."),
        ],
    )
    out = ex.evaluate(endless, ctx())
    assert out.status == "incorrect" and "longer than 0.2 s" in out.text
    assert len(calls) == 2  # once per case; before, once per case per wrong function (8)


@pytest.mark.timeout(30, method="thread")  # the old behaviour: an endless predicate call
def test_a_predicate_calling_the_learners_function_shares_the_budget():
    def endless(x):
        while True:
            pass

    ex = Exercise(
        id="adv.fn2",
        title="Function",
        prompt="Double it.",
        kind=FunctionAnswer(cases=[(1,), (2,)], reference_fn=lambda x: 2 * x, time_limit=0.2),
        wrong_answers=[
            WrongAnswer(predicate=lambda fn, c: fn(3) == 3, example=lambda x: x, message="Same.")
        ],
    )
    start = time.monotonic()
    assert ex.evaluate(endless, ctx()).status == "incorrect"
    assert time.monotonic() - start < 5  # the predicate got what was left of 0.4 s, not forever


# -- 3. invalid-input messages never spell out the answer ----------------------------------------
def test_ordering_lists_items_in_neither_the_right_order_nor_its_reverse():
    items = ["Apples", "Bananas", "Cherries", "Dates"]  # the right order is alphabetical here
    kind = Ordering(items=items)
    for bad in (["Apples", "Figs"], "Apples > Bananas", 42):
        with pytest.raises(InvalidInput) as info:
            kind.parse(bad, None)
        msg = str(info.value)
        for order in (items, items[::-1]):
            assert " ".join(repr(i) for i in order) not in msg.replace(";", "").replace(",", "")
    assert repr(items) not in repr(kind) and repr(items[::-1]) not in repr(kind)


def test_multichoice_format_example_is_never_the_right_set():
    kind = MultiChoice({"Return rate": "", "Page load time": "", "Conversion": "x", "Banner": "y"})
    with pytest.raises(InvalidInput) as info:
        kind.parse(42, None)
    assert "Return rate" not in str(info.value) and "Page load time" not in str(info.value)
    with pytest.raises(InvalidInput) as info:
        kind.parse(["Return rate", "nope"], None)
    names = ["Banner", "Conversion", "Page load time", "Return rate"]  # alphabetical
    assert "; ".join(repr(n) for n in names) in str(info.value)


def test_choice_lists_options_alphabetically_not_right_one_first():
    kind = Choice({"Zebra (right)": "", "Apple": "no", "Mango": "no"})
    with pytest.raises(InvalidInput) as info:
        kind.parse("kiwi", None)
    assert str(info.value).index("'Apple'") < str(info.value).index("'Zebra (right)'")


# -- 7. complex numbers are not a table of numbers --------------------------------------------------
def test_complex_revenue_is_refused_in_a_dataframe_answer():
    want = pd.DataFrame({"city": ["pune", "delhi"], "revenue": [100.0, 80.0]})
    kind = DataFrameAnswer()
    fake = want.assign(revenue=want["revenue"] + 1e9j)
    verdict = kind.compare(fake, want, None)
    assert not verdict.correct and "complex" in verdict.message
    zero_j = want.assign(revenue=want["revenue"] + 0j)
    assert not kind.compare(zero_j, want, None).correct
    objects = want.assign(revenue=pd.Series([100 + 1e9j, 80.0], dtype=object))
    assert not kind.compare(objects, want, None).correct


# -- 8. number parsing is linear on long whitespace -------------------------------------------------
@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "text", ["1" + " " * 20_000 + "2", "₹" + " \t" * 10_000 + "x", " " * 50_000]
)
def test_long_whitespace_is_read_in_linear_time(text):
    start = time.monotonic()
    with pytest.raises(InvalidInput):
        parse_number(text)
    assert time.monotonic() - start < 1  # was 16-23 s for 20,000 characters


# -- 9. the reference answer is behind the solution gate; reprs do not show it ----------------------
def test_reference_answer_asks_first_and_records_the_view():
    ex = lesson("start_here", ctx=LearnerContext(scale="tiny", learner="peeker"))
    gate = ex.q1.reference_answer()
    assert isinstance(gate, Note) and "confirm=True" in gate.text
    assert not (ex.q1.store.last(ex.q1.id) or {}).get("solution")
    out = ex.q1.check(gate)
    assert out.status == "invalid_input" and "reference_answer(confirm=True)" in out.message
    right = ex.q1.reference_answer(confirm=True)
    assert ex.q1.store.last(ex.q1.id)["solution"] is True
    assert "after viewing the solution" in ex.q1.check(right).message


def test_strict_mode_answers_at_once_for_the_solution_editions(monkeypatch):
    monkeypatch.setenv("PM_TOOLKIT_STRICT", "1")
    ex = lesson("start_here", ctx=LearnerContext(scale="tiny", learner="ci"))
    assert ex.q1.check(ex.q1.reference_answer()).correct


def test_reprs_never_show_the_right_order_reference_or_solution():
    items = ["Visit", "Search", "View", "Cart", "Pay"]
    ex = Exercise(
        id="adv.order", title="Funnel", prompt="Order it.", kind=Ordering(items=items),
        solution="Visit > Search > View > Cart > Pay",
    )  # fmt: skip
    for text in (repr(ex), repr(ex.kind), str(ex)):
        assert "Visit', 'Search', 'View', 'Cart', 'Pay" not in text
        assert "Pay', 'Cart', 'View', 'Search', 'Visit" not in text
        assert "Visit > Search" not in text
    choice = Exercise(
        id="adv.pick", title="Pick", prompt="Pick.", kind=Choice({"A": "", "B": "no"}),
        reference="A", solution="A, because",
    )  # fmt: skip
    assert "reference" not in repr(choice) and "because" not in repr(choice)


# -- 11. the low ones -------------------------------------------------------------------------------
def table_exercise(**kw) -> Exercise:
    return Exercise(
        id="adv.table",
        title="Table",
        prompt="Revenue per city.",
        kind=DataFrameAnswer(),
        reference=lambda c: pd.DataFrame({"city": ["pune"], "revenue": [1.0]}),
        **kw,
    )


def test_a_lone_surrogate_in_an_answer_is_still_saved(tmp_path):
    b = lesson("start_here", ctx=LearnerContext(scale="tiny", learner="surrogate")).q1
    out = b.check("12\ud800")
    assert out.status == "invalid_input" and "Not saved" not in out.message
    entry = b.store.last(b.id)
    assert entry["status"] == "invalid_input" and "\ufffd" in entry["answer"]


def test_a_predicate_for_tables_is_not_asked_about_a_list_and_logs_nothing(caplog, tmp_path):
    ex = table_exercise(
        wrong_answers=[
            WrongAnswer(
                predicate=lambda df, c: "net_value" in df.columns,
                example=pd.DataFrame({"city": ["pune"], "net_value": [1.0]}),
                message="Rename the column.",
            )
        ],
    )
    with caplog.at_level(logging.ERROR, logger="pm_toolkit.exercises"):
        for answer in ([1, 2], "text", 42, {"city": "pune"}):
            assert ex.evaluate(answer, ctx()).status == "incorrect"
    assert not caplog.records
    log = tmp_path / "progress" / "checker-errors.log"
    assert not log.exists()


def test_orphan_temp_files_of_a_killed_writer_are_removed(tmp_path):
    from pm_toolkit.exercises.store import ProgressStore

    store = ProgressStore(tmp_path, learner="killed")
    store.record({"action": "check", "exercise": "m.a", "status": "incorrect"})
    orphan = store.folder / ".tmp-abc123.json"
    orphan.write_text("{half")
    ProgressStore(tmp_path, learner="killed").record(
        {"action": "check", "exercise": "m.a", "status": "correct"}
    )
    assert not orphan.exists()
    assert not list(store.folder.glob(".tmp-*"))


def test_orphan_learner_temp_files_are_removed(tmp_path, monkeypatch):
    import os

    from pm_toolkit import learner

    monkeypatch.setenv("PM_TOOLKIT_HOME", str(tmp_path))
    monkeypatch.delenv("PM_TOOLKIT_LEARNER", raising=False)
    orphan = tmp_path / ".learner-dead.json"
    orphan.write_text("{")
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    learner.set_learner("asha@example.in")
    assert not orphan.exists() and learner.current_learner() == "asha@example.in"


class _LyingStr:
    """Claims to be text (``isinstance(x, str)`` is True) and breaks every method it has."""

    __class__ = str  # type: ignore[assignment]

    def __getattr__(self, name):
        raise RuntimeError(f"no {name}")

    def __str__(self):
        raise RuntimeError("no str")

    __repr__ = __str__

    def __eq__(self, other):
        raise RuntimeError("no eq")

    __hash__ = None  # type: ignore[assignment]


class _LyingFrame:
    """Claims to be a DataFrame and hands the checker a copy of the right table."""

    __class__ = pd.DataFrame  # type: ignore[assignment]
    columns = pd.Index(["city", "revenue"])

    def copy(self):
        return pd.DataFrame({"city": ["pune"], "revenue": [1.0]})


class _LyingFloat:
    __class__ = float  # type: ignore[assignment]

    def __float__(self):
        return 42.0


def test_objects_that_fake_their_class_get_feedback_and_never_pass():
    assert isinstance(_LyingStr(), str) and isinstance(_LyingFrame(), pd.DataFrame)
    c = ctx()
    table = table_exercise()
    assert table.evaluate(_LyingFrame(), c).status == "incorrect"
    number = Exercise(id="adv.n", title="N", prompt="N?", kind=Number(), reference=42.0)
    assert number.evaluate(_LyingFloat(), c).status == "invalid_input"
    for kind in (Number(), SQLAnswer(), Choice({"A": "", "B": ""}), Ordering(["a", "b"])):
        ex = Exercise(
            id="adv.k", title="K", prompt="K?", kind=kind,
            reference="A" if isinstance(kind, Choice) else (RIGHT_SQL if isinstance(kind, SQLAnswer) else (1.0 if isinstance(kind, Number) else None)),
        )  # fmt: skip
        assert ex.evaluate(_LyingStr(), c).status in ("invalid_input", "incorrect")


def test_check_records_and_returns_for_a_lying_object():
    b = BoundExercise(
        Exercise(id="adv.n2", title="N", prompt="N?", kind=Number(), reference=42.0), ctx()
    )
    out = b.check(_LyingStr())  # before: the raw-answer encoding raised out of check()
    assert out.status == "invalid_input"
    assert b.store.last("adv.n2")["status"] == "invalid_input"


# -- 10. what the store keeps: the learner's own submission, never an unsolved answer ---------------
def test_raw_is_the_learners_own_answer_and_no_unsolved_answer_is_stored():
    import json

    from pm_toolkit.exercises import store as store_mod
    from pm_toolkit.exercises.answer_codec import decode_answer

    ex = lesson("start_here", ctx=LearnerContext(scale="tiny", learner="keeper"))
    solved, open_ = ex["three_orders"], ex["conversion"]
    assert solved.check("₹833.33").correct
    assert decode_answer(solved.store.last(solved.id)["raw"]) == "₹833.33"  # kept, as promised
    assert open_.check("99%").status == "incorrect"
    expected = open_.exercise.kind.expected_strings(open_.exercise.expected(open_.ctx))
    kept = json.dumps([open_.store.events(), open_.store.summary()], ensure_ascii=False)
    assert not [s for s in expected if len(s) > 3 and s in kept]
    promise = " ".join(store_mod.__doc__.split())
    assert "correct answers included" in promise and "No expected value is ever written" in promise
