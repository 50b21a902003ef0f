"""Answer kinds: tolerances, choices, tables, functions, SQL and judgement, one by one."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pm_toolkit.exercises import (
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
)
from pm_toolkit.exercises.kinds.functions import TimeLimitExceeded, run_with_time_limit

CTX = LearnerContext(seed=11, scale="tiny", learner="kinds-test")


def _ex(kind, reference, **kw):
    return Exercise(id="t.x", title="t", prompt="p", kind=kind, reference=reference, **kw)


def status(kind, reference, answer, **kw):
    return _ex(kind, reference, **kw).evaluate(
        answer, LearnerContext(seed=11, scale="tiny", learner="k")
    )


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "expected", "answer", "ok"),
    [
        (Number(abs=0.5), 1834.2, "₹1,834", True),
        (Number(abs=0.5), 1834.2, 1833.6, False),
        (Number(rel=0.01), 200.0, 201.9, True),
        (Number(rel=0.01), 200.0, 202.1, False),
        (Number(sig_digits=2), 0.125, 0.13, True),  # 0.125 to 2 s.f. spans 0.12 .. 0.13
        (Number(sig_digits=2), 0.125, 0.131, False),
        (Number(sig_digits=3), 123456.0, "1.23e5", True),
        (Number(), 1 / 3, 0.333333, True),  # default: ~6 significant digits
        (Number(), 1 / 3, 0.3333, False),
        (Number(abs=0.0), 0.0, "0", True),
    ],
)
def test_number_tolerances(kind, expected, answer, ok):
    assert (status(kind, expected, answer).status == "correct") is ok


def test_number_tolerance_matches_math_isclose():
    # Cross-check the rel/abs rule against the standard library's definition.
    kind = Number(abs=0.01, rel=0.001)
    for got in (99.9, 99.89, 100.1, 100.11, 100.2):
        want = math.isclose(got, 100.0, rel_tol=0.001, abs_tol=0.01)
        assert kind.compare(got, 100.0, CTX).correct is want


def test_number_unit_slip_is_named_without_the_value():
    out = status(Number(abs=0.5, unit="₹"), 1834.2, 183420)
    assert out.status == "incorrect" and "100 times" in out.message and "1,834" not in out.text


@pytest.mark.parametrize(
    "bad", [{"abs": -1}, {"rel": float("nan")}, {"sig_digits": 0}, {"sig_digits": 1.5}]
)
def test_number_rejects_bad_tolerances(bad):
    with pytest.raises(ValueError):
        Number(**bad)


# -- percent ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "expected", "answer", "status_"),
    [
        ("both", 0.125, "12.5%", "correct"),
        ("both", 0.125, 0.125, "correct"),
        ("both", 0.125, 12.5, "correct"),
        ("both", 0.125, "0.125", "correct"),
        ("both", 0.005, 0.5, "invalid_input"),  # 0.5 could be 50 % or 0.5 %
        ("both", 0.005, "0.5%", "correct"),
        ("percent_sign", 0.125, 12.5, "invalid_input"),
        ("percent_sign", 0.125, "12.5%", "correct"),
        ("fraction", 0.125, 12.5, "incorrect"),
        ("points", 0.125, 12.5, "correct"),
        ("points", 0.125, 0.125, "incorrect"),
    ],
)
def test_percent_forms(accept, expected, answer, status_):
    assert status(Percent(abs=1e-4, accept=accept), expected, answer).status == status_


def test_percent_ambiguity_message_names_both_readings():
    out = status(Percent(), 0.005, 0.5)
    assert "50%" in out.message and "0.5%" in out.message


def test_percent_mistake_above_100_percent_matches_a_bare_fraction_from_code():
    kind = Percent(abs=0.002)
    parsed = kind.parse(2.303, CTX)  # whole-period growth of 230 %, computed as a fraction
    assert kind.matches(parsed, 2.303, CTX)
    assert kind.matches(kind.parse("230.3%", CTX), 2.303, CTX)
    assert kind.matches(kind.parse(230.3, CTX), 2.303, CTX)
    # below 100 % nothing changes: a bare 2.3 is 2.3 %, not 230 %
    assert not kind.matches(kind.parse(2.303, CTX), 0.5, CTX)
    assert not kind.matches(kind.parse(0.9, CTX), 2.303, CTX)
    # and the mistake is still graded wrong against the right answer
    assert kind.compare(parsed, 0.04, CTX).correct is False


# -- choices ---------------------------------------------------------------------------------
CHOICE = Choice({"AOV": "Right.", "ARPU": "Per user, not per order.", "GMV": "Total value."})


def test_choice_feedback_per_option():
    out = status(CHOICE, "AOV", " arpu ")
    assert out.status == "incorrect" and "Per user" in out.message
    assert status(CHOICE, "AOV", "aov").status == "correct"
    assert status(CHOICE, "AOV", "Median").status == "invalid_input"


def test_choice_reference_must_be_an_option():
    with pytest.raises(ValueError, match="not one of the options"):
        _ex(CHOICE, "CAC")


def test_multichoice_counts_without_naming_missing():
    kind = MultiChoice(
        {"Return rate": "Yes.", "Page load": "Yes.", "Conversion": "Primary metric."}
    )
    ref = ["Return rate", "Page load"]
    out = status(kind, ref, ["Return rate"])
    assert out.status == "incorrect" and "[1/2]" in out.message and "Page load" not in out.message
    out = status(kind, ref, ["Return rate", "Conversion"])
    assert "Primary metric" in out.message
    assert status(kind, ref, ["page load", "return rate"]).status == "correct"
    assert status(kind, ref, []).status == "not_attempted"


def test_ordering():
    kind = Ordering(items=["visit", "view", "cart", "pay"])
    assert status(kind, None, ["visit", "view", "cart", "pay"]).status == "correct"
    assert status(kind, None, "visit > view > cart > pay").status == "correct"
    out = status(kind, None, ["visit", "cart", "view", "pay"])
    assert out.status == "incorrect" and "2 of 4" in out.message and "position 2" in out.message
    assert status(kind, None, ["visit", "view", "pay"]).status == "invalid_input"
    assert status(kind, None, ["visit", "visit", "cart", "pay"]).status == "invalid_input"


# -- data frames -----------------------------------------------------------------------------
REF = pd.DataFrame(
    {"city": ["pune", "delhi", "kochi"], "orders": [3, 5, 2], "revenue": [10.0, 20.5, 7.25]}
)


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (REF["orders"], "Series"),
        ([1, 2], "DataFrame"),
        (REF.drop(columns="revenue"), "missing column(s) 'revenue'"),
        (REF.assign(extra=1), "extra column(s) 'extra'"),
        (REF.iloc[:2], "2 rows: too few"),
        (REF.assign(orders=REF["orders"].astype(str)), "should hold numbers"),
        (REF.assign(revenue=[10.0, 20.4, 7.25]), "Row 1, column 'revenue': you have 20.4"),
    ],
)
def test_dataframe_ladder(answer, fragment):
    out = status(DataFrameAnswer(), lambda ctx: REF, answer)
    assert out.status == "incorrect"
    assert fragment in out.message
    assert "20.5" not in out.message  # never the expected cell


def test_dataframe_options():
    shuffled = REF.iloc[[2, 0, 1]]
    assert status(DataFrameAnswer(ignore_order=True), lambda c: REF, shuffled).status == "correct"
    assert (
        status(DataFrameAnswer(ignore_order=False), lambda c: REF, shuffled).status == "incorrect"
    )
    as_float = REF.assign(orders=REF["orders"].astype(float))  # int vs float is tolerated
    assert status(DataFrameAnswer(), lambda c: REF, as_float).status == "correct"
    reordered_cols = REF[["revenue", "city", "orders"]]
    assert status(DataFrameAnswer(), lambda c: REF, reordered_cols).status == "correct"
    assert (
        status(DataFrameAnswer(check_column_order=True), lambda c: REF, reordered_cols).status
        == "incorrect"
    )
    indexed = REF.set_index(pd.Index([10, 11, 12]))
    assert status(DataFrameAnswer(ignore_index=True), lambda c: REF, indexed).status == "correct"
    assert status(DataFrameAnswer(ignore_index=False), lambda c: REF, indexed).status == "incorrect"
    near = REF.assign(revenue=REF["revenue"] * (1 + 1e-9))
    assert status(DataFrameAnswer(rtol=1e-6), lambda c: REF, near).status == "correct"


# -- functions -------------------------------------------------------------------------------
def _price(mrp, pct):
    return round(mrp * (1 - pct / 100), 2)


FN = FunctionAnswer(
    cases=[(1000.0, 10.0), (499.0, 0.0), (250.0, 100.0)], reference_fn=_price, time_limit=0.5
)


def test_function_right_and_table():
    out = status(FN, None, lambda mrp, pct: mrp * (100 - pct) / 100)
    assert out.status == "correct" and len(out.table) == 3 and all(r[-1] == "✓" for r in out.table)


def test_function_case_table_hides_checked_expected_values():
    out = status(FN, None, lambda mrp, pct: mrp - pct)
    assert out.status == "incorrect"
    assert out.table[0][2] == "900" and out.table[1][2] == "—" and out.table[2][2] == "—"
    assert "2 of 3 cases wrong" in out.message


def test_function_learner_exception_is_one_friendly_line():
    def broken(mrp, pct):
        return {}["payment_mode"]

    out = status(FN, None, broken)
    assert out.status == "incorrect" and "KeyError: 'payment_mode'" in out.message
    assert "Traceback" not in out.text


def test_function_returning_none_is_named():
    def forgot(mrp, pct):
        mrp * 2

    out = status(FN, None, forgot)
    assert "Did you forget `return`" in out.message


def test_function_time_limit_stops_endless_loops():
    def spin(mrp, pct):
        while True:
            pass

    out = status(
        FunctionAnswer(cases=[(1.0, 1.0)], reference_fn=_price, time_limit=0.2), None, spin
    )
    assert out.status == "incorrect" and "longer than 0.2 s" in out.message


def test_function_in_place_edits_do_not_leak_between_cases():
    frame = pd.DataFrame({"x": [1, 2, 3]})

    def total(df):
        return int(df["x"].sum())

    def mutating(df):
        s = int(df["x"].sum())
        df["x"] = 0  # would spoil the next case and the checker without copies
        return s

    kind = FunctionAnswer(cases=[(frame,), (frame,)], reference_fn=total)
    assert status(kind, None, mutating).status == "correct"
    assert frame["x"].tolist() == [1, 2, 3]


def test_time_limit_in_worker_threads():
    import threading

    box = {}

    def run():
        try:
            run_with_time_limit(lambda: __import__("time").sleep(2), (), 0.1)
        except TimeLimitExceeded:
            box["stopped"] = True

    t = threading.Thread(target=run)
    t.start()
    t.join(5)
    assert box.get("stopped")


def test_not_a_function_is_invalid_input():
    assert status(FN, None, 42).status == "invalid_input"
    assert status(FN, None, ...).status == "not_attempted"

    def todo(mrp, pct):
        pass

    assert status(FN, None, todo).status == "not_attempted"


# -- SQL -------------------------------------------------------------------------------------
ORDERS = pd.DataFrame(
    {
        "city": ["pune", "pune", "kochi"],
        "payment_method": ["upi", "cod", "upi"],
        "net_value": [100.0, 50.0, 80.0],
    }
)
SQL = SQLAnswer(tables=lambda ctx: {"orders": ORDERS})
REF_Q = "SELECT payment_method, COUNT(*) AS orders FROM orders GROUP BY payment_method"


def test_sql_right_query_in_other_words():
    q = "select payment_method, count(order_id_missing_is_fine_here) as orders from orders group by 1"
    assert status(SQL, REF_Q, q.replace("order_id_missing_is_fine_here", "*")).status == "correct"


@pytest.mark.parametrize(
    ("query", "status_", "fragment"),
    [
        ("SELEC payment_method FROM orders", "invalid_input", "SELECT"),
        ("SELECT FROM WHERE", "invalid_input", "could not read"),
        (
            "SELECT payment_mode, COUNT(*) AS orders FROM orders GROUP BY 1",
            "incorrect",
            "DuckDB stopped",
        ),
        (
            "SELECT payment_method, COUNT(*) AS n FROM orders GROUP BY 1",
            "incorrect",
            "missing column(s) 'orders'",
        ),
        ("SELECT 1; DROP TABLE orders", "invalid_input", "one query"),
        (
            "SELECT city AS payment_method, COUNT(*) AS orders FROM orders GROUP BY 1",
            "incorrect",
            "Row",
        ),
    ],
)
def test_sql_feedback(query, status_, fragment):
    out = status(SQL, REF_Q, query)
    assert out.status == status_ and fragment in out.message


def test_sql_over_context_tables():
    ctx = LearnerContext(seed=1, scale="tiny", tables={"orders": ORDERS})
    ex = _ex(SQLAnswer(), REF_Q)
    assert ex.evaluate(
        "SELECT payment_method, COUNT(*) orders FROM orders GROUP BY ALL", ctx
    ).correct


RUNAWAY = (
    "SELECT payment_method, COUNT(*) AS orders FROM orders, range(100000000) a, "
    "range(100000000) b GROUP BY 1"
)


def test_sql_runaway_query_is_stopped_with_a_message_and_the_next_one_runs():
    import time

    kind = SQLAnswer(tables=lambda ctx: {"orders": ORDERS}, time_limit=0.3)
    start = time.perf_counter()
    out = status(kind, REF_Q, RUNAWAY)
    assert time.perf_counter() - start < 10
    assert out.status == "incorrect" and "ran for more than 0.3 s" in out.message
    assert status(kind, REF_Q, REF_Q).status == "correct"  # the connection still works
    # the same limit holds over the learner's own data (a context with tables)
    ctx = LearnerContext(seed=1, scale="tiny", tables={"orders": ORDERS})
    with pytest.raises(TimeoutError, match=r"0\.2 s"):
        ctx.sql(RUNAWAY, timeout=0.2)
    assert len(ctx.sql(REF_Q, timeout=5)) == 2


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "5"])
def test_sql_time_limit_must_be_positive(bad):
    with pytest.raises(ValueError, match="time_limit"):
        SQLAnswer(time_limit=bad)


# -- judgement -------------------------------------------------------------------------------
def test_judgement_flow():
    from pm_toolkit.exercises import JudgementAnswer

    kind = Judgement(
        model_answer="Compare cohorts by revenue per customer.", rubric=["metric", "cohort"]
    )
    first = status(kind, None, "I would compare revenue per customer by city tier")
    assert (
        first.status == "not_attempted"
        and "Compare cohorts" in first.text
        and "tick" in first.message
    )
    done = status(
        kind, None, JudgementAnswer("I would compare revenue per customer by tier", ticks=[2])
    )
    assert done.status == "correct" and "1 of 2" in done.message
    assert status(kind, None, "idk").status == "invalid_input"
    assert status(kind, None, JudgementAnswer("a b c d e", ticks=[7])).status == "invalid_input"
