"""How long from pressing Check to the feedback being rendered, per answer kind?

Drives each exercise through the widget's own path (``ExerciseWidget.click_check`` for typed and
picked answers, ``BoundExercise.submit`` for code answers such as tables and functions, which is
what a click calls after reading the input) with the reference already cached, alternating a
right and a wrong answer. The timing includes parsing, comparing, the targeted message, saving
the event to the progress store and rendering the feedback HTML. Also measures the progress
store's write cost. Baselines from the same run: an empty Python call and a plain file append
(open, write one line, close).

Target: p95 under 50 ms for every kind on ``small`` data. Prints, never asserts.

    python benchmarks/bench_exercises.py [--scale small] [--repeats 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock, percentiles_ms, time_calls


def data_exercises():
    """Exercises whose references come from the learner's data (the costly kinds)."""
    from pm_toolkit.exercises import (
        DataFrameAnswer,
        Exercise,
        FunctionAnswer,
        Number,
        Percent,
        SQLAnswer,
    )

    def delivered(ctx):
        o = ctx.load("orders")
        return o[o["status"] == "delivered"]

    def revenue_by_customer(orders):
        return orders.groupby("customer_id", as_index=False)["net_value"].sum()

    def method_revenue(orders, method):
        return float(orders.loc[orders["payment_method"] == method, "net_value"].sum())

    return {
        "number": Exercise(
            id="bench.aov",
            title="AOV",
            prompt="p",
            kind=Number(abs=0.5, unit="₹"),
            reference=lambda ctx: float(delivered(ctx)["net_value"].mean()),
        ),
        "percent": Exercise(
            id="bench.upi_share",
            title="UPI share",
            prompt="p",
            kind=Percent(abs=1e-4),
            reference=lambda ctx: float((ctx.load("orders")["payment_method"] == "upi").mean()),
        ),
        "dataframe": Exercise(
            id="bench.by_customer",
            title="by customer",
            prompt="p",
            kind=DataFrameAnswer(ignore_order=True),
            reference=lambda ctx: revenue_by_customer(ctx.load("orders")),
        ),
        "function": Exercise(
            id="bench.method_revenue",
            title="fn",
            prompt="p",
            kind=FunctionAnswer(
                cases=lambda ctx: [
                    (ctx.load("orders"), m) for m in ("upi", "cod", "card", "wallet")
                ],
                reference_fn=method_revenue,
            ),
        ),
        "sql": Exercise(
            id="bench.sql",
            title="sql",
            prompt="p",
            kind=SQLAnswer(),
            reference="SELECT payment_method, SUM(net_value) AS revenue FROM orders GROUP BY 1",
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["tiny", "small"])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ["PM_TOOLKIT_PROGRESS_DIR"] = tempfile.mkdtemp(prefix="bench-progress-")

    from pm_toolkit.course import exercises_for
    from pm_toolkit.exercises import LearnerContext
    from pm_toolkit.exercises.bound import BoundExercise
    from pm_toolkit.exercises.store import ProgressStore

    ctx = LearnerContext(scale=args.scale)
    demo = {e.kind.kind_name: e for e in exercises_for("start_here")}
    clock = Clock()
    with clock():
        heavy = data_exercises()
        orders = ctx.load("orders")
    print(
        f"learner {ctx.learner!r}, seed {ctx.seed}, scale {args.scale}: {len(orders):,} orders "
        f"(loaded in {clock.wall[0]:.2f} s)"
    )

    def wrong_frame(df: pd.DataFrame) -> pd.DataFrame:
        bad = df.copy()
        bad.iloc[len(bad) // 2, 1] += 1.0
        return bad

    plans: dict[str, tuple[object, list[object], bool]] = {}  # kind -> (exercise, answers, typed)
    for kind, ex in heavy.items():
        b = BoundExercise(ex, ctx, handle="ex.q1")
        right = b.exercise.reference_answer(ctx)  # the internal path: records nothing
        if kind == "dataframe":
            wrong = wrong_frame(b.exercise.expected(ctx))
            plans[kind] = (b, [right, wrong], False)
        elif kind == "function":
            plans[kind] = (b, [right, lambda o, m: float(o["net_value"].sum())], False)
        elif kind == "sql":
            plans[kind] = (
                b,
                [right, "SELECT payment_method, COUNT(*) AS revenue FROM orders GROUP BY 1"],
                True,
            )
        else:
            plans[kind] = (b, [str(right), "12.5%" if kind == "percent" else "₹1,234"], True)
    for kind in ("choice", "multi_choice", "ordering", "judgement"):
        ex = demo[kind]
        b = BoundExercise(ex, ctx, handle="ex.q1")
        right = b.exercise.reference_answer(ctx)  # the internal path: records nothing
        if kind == "choice":
            wrong = next(k for k in ex.kind.options if k != right)
        elif kind == "multi_choice":
            wrong = list(ex.kind.options)[-1:]
        elif kind == "ordering":
            wrong = list(reversed(ex.kind.items))
        else:
            wrong = "I would check the numbers by city tier"
        plans[kind] = (b, [right, wrong], kind not in ("judgement",))

    print(f"\nCheck → rendered feedback, {args.repeats} checks per kind (right/wrong alternating)")
    print(f"{'kind':14} {'p50 ms':>8} {'p95 ms':>8}  target p95 < 50 ms")
    for kind, (b, answers, typed) in plans.items():
        widget = b.widget()
        b.submit(answers[0])  # warm-up: reference computed and cached, as after the first check

        def one(i: int, b=b, widget=widget, answers=answers, typed=typed) -> None:
            answer = answers[i % 2]
            if typed and not isinstance(answer, pd.DataFrame) and not callable(answer):
                widget.set_answer(answer)
                widget._last_submit = None  # not a double click: measure every press
                widget.click_check()
            else:
                b.submit(answer)  # what the click runs once the input is read
            assert widget.feedback.value  # rendered

        p50, p95 = percentiles_ms(time_calls(one, args.repeats, indexed=True))
        flag = "ok" if p95 < 50 else "SLOW"
        print(f"{kind:14} {p50:8.2f} {p95:8.2f}  {flag}")

    print("\nProgress store, one event per call")
    store = ProgressStore(tempfile.mkdtemp(prefix="bench-store-"), learner="bench")
    event = {
        "action": "check",
        "exercise": "bench.x",
        "status": "incorrect",
        "message": "m",
        "answer": "12",
    }
    rec = percentiles_ms(time_calls(lambda: store.record(event), args.repeats))
    path = Path(tempfile.mkdtemp(prefix="bench-append-")) / "plain.jsonl"

    def append() -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write('{"action": "check"}\n')

    app = percentiles_ms(time_calls(append, args.repeats))
    empty = percentiles_ms(time_calls(lambda: None, args.repeats))
    print(f"{'what':28} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'ProgressStore.record':28} {rec[0]:8.3f} {rec[1]:8.3f}")
    print(f"{'baseline: plain file append':28} {app[0]:8.3f} {app[1]:8.3f}")
    print(f"{'baseline: empty call':28} {empty[0]:8.4f} {empty[1]:8.4f}")
    print(f"store write / plain append (p50): {rec[0] / max(app[0], 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
