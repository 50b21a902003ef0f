"""The blank a learner fills in, and how to tell an untouched answer from a wrong one.

Learner editions write ``aov = ____  # your answer``; checking that is "not attempted", never
"incorrect", so running a fresh notebook top to bottom shows only neutral nudges.

>>> from pm_toolkit.exercises.placeholder import ____, is_placeholder
>>> is_placeholder(____), is_placeholder(...), is_placeholder("  "), is_placeholder(0)
(True, True, True, False)
>>> def my_fn(orders):
...     pass
>>> is_placeholder(my_fn)
True
"""

from __future__ import annotations

from typing import Any


class _Blank:
    """The ``____`` placeholder: a singleton that prints as four underscores."""

    _instance: _Blank | None = None

    def __new__(cls) -> _Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "____"


#: Write ``answer = ____`` in a learner edition; checking it is "not attempted".
____ = _Blank()


def install_blank() -> None:
    """Make ``____`` a built-in name, so an answer cell needs no import line for it.

    A setup cell then reads ``from pm_toolkit.exercises import lesson``: the blank appears
    only where the learner replaces it. Harmless to repeat; never replaces another ``____``.
    """
    import builtins

    if getattr(builtins, "____", ____) is ____:
        builtins.____ = ____  # type: ignore[attr-defined]


def _noop_pass(*args: Any, **kwargs: Any) -> None:
    pass


def _noop_ellipsis(*args: Any, **kwargs: Any) -> None: ...


def _noop_doc_pass(*args: Any, **kwargs: Any) -> None:
    """Docstring."""


_EMPTY_CODES = {
    _noop_pass.__code__.co_code,
    _noop_ellipsis.__code__.co_code,
    _noop_doc_pass.__code__.co_code,
}


def is_empty_function(fn: Any) -> bool:
    """True for a function whose body is only ``pass``, ``...`` or a docstring.

    Compared by bytecode, which ignores argument names and the docstring text.
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    try:
        return code.co_code in _EMPTY_CODES
    except Exception:  # an exotic object pretending to be a function
        return False


def is_placeholder(answer: Any) -> bool:
    """True when the learner has not replaced the blank yet.

    ``____``, ``...``, ``None``, blank text, and a function still ending in ``pass`` all count.
    """
    if answer is ____ or answer is Ellipsis or answer is None:
        return True
    if issubclass(type(answer), str):  # the real type: an object can fake __class__
        s = str.__str__(answer).strip()
        return s in {"", "____", "...", "None"} or (set(s) == {"_"} and len(s) >= 2)
    return bool(callable(answer) and is_empty_function(answer))
