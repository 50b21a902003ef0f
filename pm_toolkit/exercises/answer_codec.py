"""Raw answers as plain JSON, so the grader can re-check them outside the learner's kernel.

Only data crosses from a learner's run to the grader: numbers, text, choices, tables (as
Parquet bytes), judgement text, and functions as *source code*. Decoding never runs learner
code and never unpickles anything, so an answer object with a rigged ``__eq__`` arrives as
plain data or as an ``Unreadable`` marker that no checker accepts.

>>> import json
>>> decode_answer(json.loads(json.dumps(encode_answer({"a": (1, 2.5)}))))
{'a': (1, 2.5)}
>>> decode_answer(encode_answer(float("nan")))
nan
"""

from __future__ import annotations

import base64
import inspect
import io
import math
import textwrap
import types
from dataclasses import dataclass, field
from typing import Any

TAG = "$t"
#: Tables above this many bytes (as Parquet) are not carried; the answer becomes unreadable.
MAX_TABLE_BYTES = 20_000_000
_MAX_DEPTH = 20


@dataclass(frozen=True)
class Unreadable:
    """An answer the codec could not carry (an exotic object); checkers treat it as invalid."""

    type_name: str
    text: str = ""

    def __repr__(self) -> str:
        return f"<unreadable {self.type_name}>"


@dataclass(frozen=True)
class FunctionSource:
    """A learner function as source, with what its body needs from the notebook's globals.

    ``imports``: ``(alias, module)`` pairs; ``helpers``: source of other notebook functions it
    calls; ``constants``: simple values (encoded) it reads.
    """

    name: str
    source: str
    imports: tuple[tuple[str, str], ...] = ()
    helpers: tuple[str, ...] = ()
    constants: tuple[tuple[str, Any], ...] = field(default=())


def encode_answer(value: Any, _depth: int = 0) -> Any:
    """A JSON-able form of ``value`` (tagged dicts for anything JSON cannot say exactly)."""
    if _depth > _MAX_DEPTH:
        return {TAG: "unreadable", "type": "nested too deep"}
    try:
        return _encode(value, _depth)
    except Exception as exc:  # never let an odd learner object break the recording
        return {TAG: "unreadable", "type": type(value).__name__, "text": f"{type(exc).__name__}"}


def _encode(value: Any, depth: int) -> Any:
    from pm_toolkit.exercises.placeholder import _Blank

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, _Blank):
        return {TAG: "blank"}
    if value is Ellipsis:
        return {TAG: "ellipsis"}
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {TAG: "bigint", "v": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
    mod = type(value).__module__.split(".")[0]
    if mod == "numpy":
        import numpy as np

        if isinstance(value, np.ndarray):
            if value.ndim == 0:
                return _encode(value.item(), depth)
            return {TAG: "ndarray", "v": [_encode(x, depth + 1) for x in value.tolist()]}
        if isinstance(value, np.generic):
            return {TAG: "npscalar", "v": _encode(value.item(), depth + 1)}
    if mod == "pandas":
        return _encode_pandas(value, depth)
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {TAG: kind, "v": [encode_answer(x, depth + 1) for x in value]}
    if isinstance(value, (set, frozenset)):
        return {TAG: "set", "v": [encode_answer(x, depth + 1) for x in value]}
    if isinstance(value, dict):
        return {
            TAG: "dict",
            "v": [
                [encode_answer(k, depth + 1), encode_answer(v, depth + 1)] for k, v in value.items()
            ],
        }
    if type(value).__name__ == "JudgementAnswer":
        out = {
            TAG: "judgement",
            "text": encode_answer(value.text),
            "ticks": encode_answer(value.ticks),
        }
        if value.structured:
            out["call"] = encode_answer(value.call)
            out["evidence"] = encode_answer(list(value.evidence))
            out["numbers"] = encode_answer(dict(value.numbers))
        return out
    if isinstance(value, types.FunctionType):
        return _encode_function(value)
    import datetime as dt

    if isinstance(value, (dt.datetime, dt.date)):
        return {
            TAG: "datetime" if isinstance(value, dt.datetime) else "date",
            "v": value.isoformat(),
        }
    return {TAG: "unreadable", "type": type(value).__name__, "text": _safe_repr(value)}


def _encode_pandas(value: Any, depth: int) -> Any:
    import pandas as pd

    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        payload = _frame_bytes(frame)
        out = {TAG: "series" if isinstance(value, pd.Series) else "dataframe", "parquet": payload}
        if isinstance(value, pd.Series):
            out["name"] = encode_answer(value.name)
        return out
    if isinstance(value, pd.Timestamp):
        return {TAG: "timestamp", "v": value.isoformat()}
    if value is pd.NA or value is pd.NaT:
        return {TAG: "na"}
    return {TAG: "unreadable", "type": type(value).__name__, "text": _safe_repr(value)}


def _frame_bytes(frame: Any) -> str:
    buf = io.BytesIO()
    frame = frame.copy()
    # Parquet needs text column names (learner tables almost always have them already).
    names = list(frame.columns)
    frame.columns = [str(c) for c in names]
    if len(set(frame.columns)) != len(names):
        raise ValueError("duplicate column names")
    frame.to_parquet(buf, index=True)
    data = buf.getvalue()
    if len(data) > MAX_TABLE_BYTES:
        raise ValueError("table too large")
    return base64.b64encode(data).decode("ascii")


def _encode_function(fn: types.FunctionType) -> dict[str, Any]:
    helpers = _helper_functions(fn)
    everyone = [fn, *helpers]
    src = FunctionSource(
        name=fn.__name__,
        source=_source(fn),
        imports=tuple(sorted({p for f in everyone for p in _imports(f)})),
        helpers=tuple(s for s in (_source(h) for h in helpers) if s),
        constants=tuple(sorted({k: v for f in everyone for k, v in _constants(f)}.items())),
    )
    return encode_function_source(src)


def encode_function_source(src: FunctionSource) -> dict[str, Any]:
    """The JSON form of a ``FunctionSource`` (what ``decode_answer`` turns back into one).

    Its ``constants`` are already encoded values, so a decoded ``FunctionSource`` re-encodes
    to the same data (the grader sends it on to the function sandbox this way).

    >>> src = FunctionSource("f", "def f(x): return x * K", constants=(("K", 2),))
    >>> decode_answer(encode_function_source(src)) == src
    True
    """
    return {
        TAG: "function",
        "name": src.name,
        "source": src.source,
        "imports": [list(p) for p in src.imports],
        "helpers": list(src.helpers),
        "constants": [[k, v] for k, v in src.constants],
    }


def _source(fn: types.FunctionType) -> str:
    # For a lambda this is the whole line it sits on; the sandbox picks the lambda out of it.
    try:
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return ""


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _imports(fn: types.FunctionType) -> list[tuple[str, str]]:
    out = []
    for name in sorted(_global_names(fn.__code__)):
        val = fn.__globals__.get(name)
        if isinstance(val, types.ModuleType):
            out.append((name, val.__name__))
    return out


def _helper_functions(fn: types.FunctionType) -> list[types.FunctionType]:
    """Other notebook functions this one calls, directly or not, callees first (max 20)."""
    seen = {fn.__name__}
    out: list[types.FunctionType] = []

    def visit(f: types.FunctionType) -> None:
        for name in sorted(_global_names(f.__code__)):
            val = f.__globals__.get(name)
            if (
                isinstance(val, types.FunctionType)
                and name not in seen
                and val.__module__ == fn.__module__
                and len(seen) < 20
            ):
                seen.add(name)
                visit(val)
                out.append(val)

    visit(fn)
    return out


def _constants(fn: types.FunctionType) -> list[tuple[str, Any]]:
    out = []
    for name in sorted(_global_names(fn.__code__)):
        val = fn.__globals__.get(name, None)
        if isinstance(val, (bool, int, float, str)) and not name.startswith("__"):
            out.append((name, encode_answer(val)))
    return out


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:200]
    except Exception:
        return "?"


def decode_answer(data: Any, _depth: int = 0) -> Any:
    """The answer back from ``encode_answer`` output (functions come back as ``FunctionSource``)."""
    if _depth > _MAX_DEPTH:
        return Unreadable("nested too deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):  # plain JSON lists (hand-written exports) stay lists
        return [decode_answer(x, _depth + 1) for x in data]
    if not isinstance(data, dict) or TAG not in data:
        return Unreadable(type(data).__name__)
    tag = data[TAG]
    try:
        return _decode(tag, data, _depth)
    except Exception as exc:
        return Unreadable(str(tag), f"could not decode: {type(exc).__name__}")


def _decode(tag: str, data: dict[str, Any], depth: int) -> Any:
    sub = lambda v: decode_answer(v, depth + 1)  # noqa: E731
    if tag == "blank":
        from pm_toolkit.exercises.placeholder import ____

        return ____
    if tag == "ellipsis":
        return ...
    if tag == "bigint":
        return int(data["v"])
    if tag == "float":
        return float(data["v"])
    if tag == "npscalar":
        import numpy as np

        v = sub(data["v"])
        return np.asarray(v)[()] if isinstance(v, (int, float, bool)) else v
    if tag == "ndarray":
        import numpy as np

        return np.asarray([sub(x) for x in data["v"]])
    if tag == "list":
        return [sub(x) for x in data["v"]]
    if tag == "tuple":
        return tuple(sub(x) for x in data["v"])
    if tag == "set":
        return {sub(x) for x in data["v"]}
    if tag == "dict":
        return {sub(k): sub(v) for k, v in data["v"]}
    if tag in ("dataframe", "series"):
        import pandas as pd

        frame = pd.read_parquet(io.BytesIO(base64.b64decode(data["parquet"])))
        if tag == "series":
            s = frame.iloc[:, 0]
            s.name = sub(data.get("name"))
            return s
        return frame
    if tag == "timestamp":
        import pandas as pd

        return pd.Timestamp(data["v"])
    if tag in ("datetime", "date"):
        import datetime as dt

        return (dt.datetime if tag == "datetime" else dt.date).fromisoformat(data["v"])
    if tag == "na":
        import pandas as pd

        return pd.NA
    if tag == "judgement":
        from pm_toolkit.exercises.kinds.judgement import JudgementAnswer

        return JudgementAnswer(
            sub(data["text"]),
            sub(data["ticks"]),
            sub(data["call"]) if "call" in data else None,
            sub(data["evidence"]) if "evidence" in data else (),
            sub(data["numbers"]) if "numbers" in data else {},
        )
    if tag == "function":
        return FunctionSource(
            name=str(data["name"]),
            source=str(data["source"]),
            imports=tuple((str(a), str(m)) for a, m in data.get("imports", [])),
            helpers=tuple(str(h) for h in data.get("helpers", [])),
            constants=tuple((str(k), v) for k, v in data.get("constants", [])),
        )
    if tag == "unreadable":
        return Unreadable(str(data.get("type", "?")), str(data.get("text", "")))
    return Unreadable(str(tag))
