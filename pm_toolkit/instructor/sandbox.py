"""Running a learner's function answer away from the grader, and replaying its results.

A learner function is arbitrary code: called inside the grader it could patch the checker
while it runs. So the grader sends the function's source and the case arguments to a fresh
Python process (``python -m pm_toolkit.instructor.sandbox``) with a throwaway home, gets back
only the results as plain data, and hands the engine a ``Replay`` that returns those results.
The comparison itself happens in the clean grader process, with the original definitions.

>>> r = Replay("double", [((2,), {"value": 4}), ((3,), {"raised": "KeyError", "message": "'x'"})])
>>> r(2)
4
>>> try:
...     r(3)
... except Exception as exc:
...     print(type(exc).__name__, exc)
KeyError 'x'
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pm_toolkit import config
from pm_toolkit.exercises.answer_codec import (
    FunctionSource,
    decode_answer,
    encode_answer,
    encode_function_source,
)
from pm_toolkit.instructor.executor import clean_env

_PRELUDE = ("import math", "import numpy as np", "import pandas as pd")


class SandboxError(RuntimeError):
    """The sandbox process itself failed (not the learner's function)."""


class Replay:
    """Stands in for a learner function: returns what it returned in the sandbox, case by case."""

    def __init__(self, name: str, results: Sequence[tuple[tuple, dict[str, Any]]]) -> None:
        self.__name__ = name
        self._results = list(results)
        self._calls = 0

    def __repr__(self) -> str:
        return f"<function {self.__name__} (replayed)>"

    def __call__(self, *args: Any) -> Any:
        from pm_toolkit.exercises.kinds.functions import values_equal

        found = None
        for case_args, result in self._results:
            if len(case_args) == len(args) and all(
                values_equal(a, b) for a, b in zip(args, case_args, strict=True)
            ):
                found = result
                break
        if found is None:  # the engine asked for a case we did not run: fall back to order
            found = self._results[self._calls % len(self._results)][1]
        self._calls += 1
        return _produce(found)


def _produce(result: dict[str, Any]) -> Any:
    from pm_toolkit.exercises.kinds.functions import TimeLimitExceeded

    if result.get("timeout"):
        raise TimeLimitExceeded
    if "raised" in result:
        name = re.sub(r"\W", "", str(result["raised"])) or "Exception"
        if name[0].isdigit():
            name = "E" + name
        # Same class name and message as in the sandbox: the engine words its feedback from them.
        raise type(name, (Exception,), {"__module__": "builtins"})(str(result.get("message", "")))
    return result.get("value")


def run_function(
    fn: FunctionSource,
    cases: Sequence[tuple],
    *,
    time_limit: float,
    python: str = sys.executable,
) -> Replay | None:
    """Run ``fn`` on ``cases`` in a fresh process; a ``Replay`` of the results, or None if its
    body is still empty (the learner edition's ``pass``)."""
    with tempfile.TemporaryDirectory(prefix="pm-sandbox-") as tmp:
        request = {
            "function": encode_function_source(fn),
            "cases": [encode_answer(tuple(c)) for c in cases],
            "time_limit": time_limit,
            "out": os.path.join(tmp, "result.json"),
        }
        env = clean_env(Path(tmp) / "user")
        env.update({config.HOME_ENV: os.path.join(tmp, "home"), "MPLBACKEND": "Agg"})
        budget = time_limit * len(cases) + 60
        try:
            done = subprocess.run(
                [python, "-m", "pm_toolkit.instructor.sandbox"],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp,
                timeout=budget,
            )
        except subprocess.TimeoutExpired:
            raise SandboxError(f"the function sandbox ran past {budget:g} s") from None
        try:
            with open(request["out"], encoding="utf-8") as fh:
                reply = json.load(fh)
        except (OSError, ValueError):
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise SandboxError(f"the function sandbox failed: {tail[0][:200]}") from None
    if reply.get("empty"):
        return None
    if "error" in reply:
        # Defining the function failed (syntax error, missing helper): every case raises it.
        results = [{"raised": reply["error"], "message": reply.get("message", "")}] * len(cases)
    else:
        results = [_decode_result(r) for r in reply["results"]]
    if len(results) != len(cases):
        raise SandboxError(f"the sandbox returned {len(results)} results for {len(cases)} cases")
    return Replay(fn.name, list(zip([tuple(c) for c in cases], results, strict=True)))


def _decode_result(r: dict[str, Any]) -> dict[str, Any]:
    if "value" in r:
        return {"value": decode_answer(r["value"])}
    return r


def _define(fn: FunctionSource) -> Any:
    """Execute the function's definition (and its helpers) in a fresh namespace."""
    import importlib

    ns: dict[str, Any] = {"__name__": "__learner__"}
    exec("\n".join(_PRELUDE), ns)
    for alias, module in fn.imports:
        with contextlib.suppress(Exception):
            ns[alias] = importlib.import_module(module)
    for name, value in fn.constants:
        ns[name] = decode_answer(value)
    for helper in fn.helpers:
        exec(compile(helper, "<helper>", "exec"), ns)
    if fn.name == "<lambda>":
        # The source is the whole line ("ex.q7.check(lambda p, d: p * 0.9)"): evaluate just the
        # lambda expression, not the line around it.
        import ast

        lambdas = [n for n in ast.walk(ast.parse(fn.source)) if isinstance(n, ast.Lambda)]
        if not lambdas:
            raise NameError("the lambda could not be found in its source line")
        return eval(compile(ast.Expression(body=lambdas[0]), "<lambda>", "eval"), ns)
    exec(compile(fn.source, f"<{fn.name}>", "exec"), ns)
    if fn.name not in ns:
        raise NameError(f"name {fn.name!r} is not defined by its source")
    return ns[fn.name]


def _serve(request: dict[str, Any]) -> dict[str, Any]:
    from pm_toolkit.exercises.kinds.functions import TimeLimitExceeded, run_with_time_limit
    from pm_toolkit.exercises.placeholder import is_empty_function

    spec = decode_answer(request["function"])
    if not isinstance(spec, FunctionSource) or not spec.source.strip():
        return {"error": "SourceUnavailable", "message": "the function's source was not recorded"}
    try:
        fn = _define(spec)
    except BaseException as exc:
        return {"error": type(exc).__name__, "message": str(exc)[:300]}
    if is_empty_function(fn):
        return {"empty": True}
    results = []
    limit = float(request["time_limit"])
    for case in request["cases"]:
        if results and results[-1].get("timeout"):
            # One endless loop is enough to judge; don't spend the time limit on every case.
            results.append({"timeout": True})
            continue
        args = decode_answer(case)
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # learner prints stay here
                value = run_with_time_limit(fn, copy.deepcopy(tuple(args)), limit)
            results.append({"value": encode_answer(value)})
        except TimeLimitExceeded:
            results.append({"timeout": True})
        except BaseException as exc:
            results.append({"raised": type(exc).__name__, "message": str(exc)[:300]})
    return {"results": results}


def main() -> int:
    request = json.loads(sys.stdin.read())
    out = request["out"]
    reply = _serve(request)
    # The reply goes to a file named by the grader: anything the learner prints cannot forge it.
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(reply, fh)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
