"""Function answers: the learner's function is run on cases and shown as a per-case table.

Each case gets fresh copies of its inputs (so an in-place edit can't spoil the next case),
runs under a time limit, and a learner exception becomes one friendly line, never a
traceback. Only the first ``show_expected`` cases (worked examples) show the expected result.

>>> from pm_toolkit.exercises.kinds.functions import FunctionAnswer
>>> k = FunctionAnswer(cases=[(100.0, 0.1), (250.0, 0.2)], reference_fn=lambda p, d: p * (1 - d))
>>> k.compare(lambda p, d: p - d, k.expected(None, None), None).message  # 99.9 vs 90.0 ...
'2 of 2 cases wrong.'
"""

from __future__ import annotations

import copy
import math
import signal
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.context import trusted
from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict
from pm_toolkit.exercises.parsing import InvalidInput, describe, is_a, short_value

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext


class TimeLimitExceeded(BaseException):
    """Raised inside learner code when it runs past its time limit.

    A BaseException, so a learner's ``except Exception`` cannot swallow it.
    """


def run_with_time_limit(fn: Callable[..., Any], args: tuple, seconds: float) -> Any:
    """Call ``fn(*args)``; raise ``TimeLimitExceeded`` after ``seconds``.

    In the main thread on Unix a SIGALRM timer interrupts even ``while True: pass``; elsewhere
    (Windows, widget threads) the call runs in a daemon thread that is abandoned on timeout.
    """
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _run_with_alarm(fn, args, seconds)
    return _run_in_thread(fn, args, seconds)


def _run_with_alarm(fn: Callable[..., Any], args: tuple, seconds: float) -> Any:
    def _raise(signum: int, frame: Any) -> None:
        raise TimeLimitExceeded

    previous_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    old = signal.signal(signal.SIGALRM, _raise)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if previous_delay > 0:  # someone else (e.g. pytest-timeout) had a timer: give it back
            remaining = max(previous_delay - (time.monotonic() - start), 0.001)
            signal.setitimer(signal.ITIMER_REAL, remaining)


def _run_in_thread(fn: Callable[..., Any], args: tuple, seconds: float) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True, name="pm-toolkit-learner-fn")
    t.start()
    t.join(seconds)
    if t.is_alive():
        raise TimeLimitExceeded
    if "error" in box:
        raise box["error"]
    return box.get("value")


def values_equal(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Tolerant equality for function results: numbers, tables, sequences, dicts, anything."""
    import numpy as np
    import pandas as pd

    from pm_toolkit.exercises.kinds.frames import compare_frames
    from pm_toolkit.exercises.parsing import _to_float

    if isinstance(b, (pd.DataFrame, pd.Series)):
        if isinstance(b, pd.Series):
            if not is_a(a, pd.Series):
                return False
            a, b = a.to_frame("value"), b.to_frame("value")
        return compare_frames(a, b, ignore_index=False, rtol=rtol, atol=atol).correct
    fb = _to_float(b)
    if fb is not None:
        fa = _to_float(a)
        if fa is None:
            return False
        if math.isnan(fb) or math.isnan(fa):
            return math.isnan(fb) and math.isnan(fa)
        if not (math.isfinite(fa) and math.isfinite(fb)):
            return fa == fb
        return math.fabs(fa - fb) <= atol + rtol * math.fabs(fb)
    if isinstance(b, (list, tuple)) and not is_a(a, str):
        if not is_a(a, (list, tuple, np.ndarray)) or len(a) != len(b):
            return False
        return all(values_equal(x, y, rtol, atol) for x, y in zip(a, b, strict=False))
    if isinstance(b, dict):
        if not is_a(a, dict) or set(a) != set(b):
            return False
        return all(values_equal(a[k], b[k], rtol, atol) for k in b)
    try:
        return bool(a == b) and type(a) is not type(NotImplemented)
    except Exception:
        return False


def _short_arg(v: Any) -> str:
    try:
        import pandas as pd

        if is_a(v, pd.DataFrame):
            return f"<table: {len(v):,} rows>"
        if is_a(v, pd.Series):
            return f"<column: {len(v):,} values>"
    except ImportError:  # pragma: no cover
        pass
    return short_value(v, limit=30)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:119] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class FunctionAnswer(AnswerKind):
    """A function answer, run on ``cases`` and compared with ``reference_fn``.

    ``cases``: a list of argument tuples, or a function of ``ctx`` returning one (so cases can
    use the learner's data). ``reference_fn``: the right function. ``time_limit``: seconds per
    case. ``show_expected``: how many leading cases are worked examples whose expected result
    is shown; the rest show only ✓/✗. ``name``: the function name used in messages.
    """

    kind_name = "function"
    input_style = "variable"
    accepted_forms = "a function, e.g. def my_fn(orders): ..."

    def __init__(
        self,
        cases: Sequence[tuple] | Callable[[Any], Sequence[tuple]],
        reference_fn: Callable[..., Any],
        time_limit: float = 5.0,
        show_expected: int = 1,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        name: str | None = None,
    ) -> None:
        if not callable(reference_fn):
            raise ValueError("FunctionAnswer(reference_fn=...) must be a function")
        if not (isinstance(time_limit, (int, float)) and time_limit > 0):
            raise ValueError(
                f"FunctionAnswer(time_limit=...) must be seconds > 0; got {time_limit!r}"
            )
        self.cases, self.reference_fn = cases, reference_fn
        self.time_limit, self.show_expected = float(time_limit), int(show_expected)
        self.rtol, self.atol = float(rtol), float(atol)
        self.name = name or getattr(reference_fn, "__name__", "your_function")
        if self.name == "<lambda>":
            self.name = "your_function"

    def __repr__(self) -> str:
        return f"FunctionAnswer(name={self.name!r}, time_limit={self.time_limit})"

    def _cases(self, ctx: LearnerContext) -> list[tuple]:
        raw = self.cases(ctx) if callable(self.cases) else self.cases
        out = [c if isinstance(c, tuple) else (c,) for c in raw]
        if not out:
            raise ValueError("a FunctionAnswer needs at least one case")
        return out

    def expected(self, reference: Any, ctx: LearnerContext) -> list[tuple[tuple, Any]]:
        fn = reference if callable(reference) else self.reference_fn
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [(args, fn(*copy.deepcopy(args))) for args in self._cases(ctx)]

    def reference_answer(self, reference: Any, ctx: LearnerContext) -> Callable[..., Any]:
        return reference if callable(reference) else self.reference_fn

    def parse(self, answer: Any, ctx: LearnerContext) -> Callable[..., Any]:
        if not callable(answer) or is_a(answer, type):
            raise InvalidInput(
                f"Expected a function (def {self.name}(...): ...), but got {describe(answer)}."
            )
        return answer

    def time_budget(self, expected: Any) -> float | None:
        """The learner's function gets ``time_limit`` per case, once: matchers reuse its results."""
        return self.time_limit * max(len(expected), 1)

    def well_typed(self, parsed: Any) -> bool:
        return callable(parsed)

    def _learner_results(
        self, fn: Callable[..., Any], cases: list[tuple], ctx: LearnerContext | None
    ) -> list[tuple[str, Any]]:
        """``("ok", value)``, ``("error", exc)``, ``("timeout", None)`` or ``("skipped", None)`` per case.

        Each case runs once per check: inside ``ctx.learner_run`` the results are kept, so the
        declared wrong functions are compared with them instead of running the learner's
        function again (which would multiply its time limit).
        """
        scope = ctx.run if ctx is not None else None
        key = ("function", id(fn), len(cases))
        if scope is not None and key in scope.results:
            return scope.results[key]
        out: list[tuple[str, Any]] = []
        for args in cases:
            left = ctx.time_left() if ctx is not None else None
            limit = self.time_limit if left is None else min(self.time_limit, left)
            if limit <= 0:
                out.append(("skipped", None))
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # a FutureWarning must not sink a right answer
                    out.append(("ok", run_with_time_limit(fn, copy.deepcopy(args), limit)))
            except TimeLimitExceeded:
                out.append(("timeout", None))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # learner code: report, never propagate
                out.append(("error", exc))
        if scope is not None:
            scope.results[key] = out
        return out

    def compare(
        self, parsed: Callable[..., Any], expected: list[tuple[tuple, Any]], ctx: LearnerContext
    ) -> Verdict:
        results = self._learner_results(parsed, [args for args, _want in expected], ctx)
        rows: list[tuple[str, ...]] = []
        wrong = 0
        notes: list[str] = []
        fname = getattr(parsed, "__name__", self.name)
        fname = self.name if fname == "<lambda>" else fname
        for i, ((args, want), (how, got)) in enumerate(zip(expected, results, strict=True)):
            call = f"{fname}({', '.join(_short_arg(a) for a in args)})"
            shown = _short_arg(want) if i < self.show_expected else "—"
            if how == "timeout":
                wrong += 1
                rows.append((call, f"took longer than {self.time_limit:g} s", shown, "✗"))
                notes.append(
                    f"When we called {call}, it took longer than {self.time_limit:g} s; is there an endless loop?"
                )
                continue
            if how == "skipped":
                wrong += 1
                rows.append((call, "not run: the time ran out", shown, "✗"))
                continue
            if how == "error":
                wrong += 1
                rows.append((call, f"raised {type(got).__name__}", shown, "✗"))
                notes.append(f"When we called {call}, Python raised {_one_line(got)}")
                continue
            ok = values_equal(got, want, self.rtol, self.atol)
            if got is None and want is not None:
                notes.append("Your function returned None. Did you forget `return`?")
            if not ok:
                wrong += 1
            rows.append((call, _short_arg(got), shown, "✓" if ok else "✗"))
        header = ("call", "yours", "expected", "ok")
        if wrong == 0:
            return Verdict(True, f"All {len(expected)} cases right.", tuple(rows), header)
        seen = list(dict.fromkeys(notes))  # each note once, first-seen order
        msg = f"{wrong} of {len(expected)} cases wrong."
        if seen:
            msg += "\n" + "\n".join(seen[:3])
        return Verdict(False, msg, tuple(rows), header)

    def matches(self, parsed, value, ctx, *, abs=None, rel=None) -> bool:
        """True when the learner's function behaves like the wrong function ``value`` on every case.

        The wrong function is the author's (run without the learner's budget); the learner's
        results come from the check already made.
        """
        if not callable(value):
            return False
        with trusted(ctx):
            wrong = self.expected(value, ctx)
        return self.compare(parsed, wrong, ctx).correct

    def echo(self, parsed: Any) -> str:
        return f"the function {getattr(parsed, '__name__', '?')}"
