"""Reading numbers the way product managers write them.

Accepts ``0.125``, ``"12.5%"``, ``"₹1,200"``, ``"Rs. 12,00,000"``, ``"INR 1.2e3"``, ``"−4"``
(Unicode minus), ``"3/8"``, numpy and pandas scalars. Anything else raises ``InvalidInput``
with a message that says what was read and which forms work.

>>> from pm_toolkit.exercises.parsing import parse_number
>>> parse_number("₹12,00,000"), parse_number("1,200,000"), parse_number("12.5%")
(1200000.0, 1200000.0, 0.125)
>>> parse_number("3/8"), parse_number("−1.5e3")
(0.375, -1500.0)
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import Any

from pm_toolkit.exercises.units import (
    UNITS,
    Unit,
    convert,
    describe_dimension,
    read_suffix,
    unit_of,
)

NUMBER_FORMATS = "0.125, 12.5%, ₹1,200, Rs 12,00,000, 1.2 lakh, 3 crore, 1.2e3, 3/8"


class InvalidInput(ValueError):
    """The answer could not be read as the expected kind; the message says what works."""


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from learner input, remembering whether it was written with ``%``."""

    value: float
    had_percent: bool = False
    text: str = ""
    #: The unit typed after the number ("ms", "₹", "users"), not yet converted.
    unit: Unit | None = None


# Western grouping (1,200,000) or Indian lakh/crore grouping (12,00,000); validated, not just stripped
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^\d{1,2}(?:,\d{2})*,\d{3}(?:\.\d*)?$")
_PLAIN = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$", re.I)
_MINUSES = "\u2212\u2012\u2013\u2014\ufe63\uff0d"


def _to_float(x: Any) -> float | None:
    """A real number from a Python/numpy/pandas scalar, or None if it is not one.

    Types are read with ``type(x)``, never ``isinstance``: an object can fake ``__class__``.
    """
    t = type(x)
    if t is bool:
        return None  # True is not an answer of 1
    try:
        import numpy as np

        if issubclass(t, np.bool_):
            return None
        if issubclass(t, np.ndarray):
            return _to_float(x.item()) if x.shape == () else None
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if issubclass(t, numbers.Real):
        try:
            return float(x)
        except Exception:  # an odd subclass whose __float__ fails is not a number
            return None
    return None


def is_a(x: Any, types: type | tuple[type, ...]) -> bool:
    """``isinstance`` judged by the real type: an object that fakes ``__class__`` is not fooled into it.

    >>> class Liar:
    ...     __class__ = float
    >>> isinstance(Liar(), float), is_a(Liar(), float)
    (True, False)
    """
    return issubclass(type(x), types)


def is_text(x: Any) -> bool:
    """True for text (``str`` and its subclasses), judged by the real type, not ``__class__``."""
    return issubclass(type(x), str)


def describe(x: Any, limit: int = 60) -> str:
    """A short, safe description of a learner value for messages ("the text 'abc'")."""
    try:
        if is_text(x):
            x = str.__str__(x)
            s = x if len(x) <= limit else x[: limit - 1] + "…"
            return f"the text {s!r}"
        f = _to_float(x)
        if f is not None:
            return format_number(f)
        r = repr(x)
    except Exception:
        r = f"<{type(x).__name__}>"
    return r if len(r) <= limit else r[: limit - 1] + "…"


def short_value(x: Any, limit: int = 40) -> str:
    """``describe`` without its "the text" prefix, for table cells.

    >>> short_value("pune"), short_value(1834.2)
    ("'pune'", '1,834.2')
    """
    s = describe(x, limit=limit)
    return s[len("the text ") :] if s.startswith("the text ") else s


def format_number(x: float) -> str:
    """Readable number: 1834.2 -> '1,834.2'; keeps small numbers' digits."""
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e15 or abs(x) < 1e-4):
        return f"{x:.6g}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def _clean_text(s: str) -> str:
    s = s.strip()
    for m in _MINUSES:
        s = s.replace(m, "-")
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("_", "")
    return " ".join(s.split())  # one pass, whatever the whitespace: no regex backtracking on it


def parse_number(answer: Any, *, formats: str = NUMBER_FORMATS, unit: str | None = None) -> float:
    """The float value of a learner's number; ``"12.5%"`` reads as 0.125.

    With ``unit`` (as in ``Number(unit="ms")``) a typed unit of the same dimension is converted:
    ``parse_number("4.2 s", unit="ms") == 4200.0``; another dimension is ``InvalidInput``.
    """
    return in_unit(parse_number_detail(answer, formats=formats), unit_of(unit), formats)


def parse_number_detail(answer: Any, *, formats: str = NUMBER_FORMATS) -> ParsedNumber:
    """Read a number with its sign, ``%``, magnitude word (lakh, crore…) and unit, if any.

    The unit is reported, not applied: :func:`in_unit` converts it to the answer's unit.
    """
    f = _to_float(answer)
    if f is not None:
        if math.isnan(f):
            raise InvalidInput(f"That is NaN (not a number). Enter a number such as {formats}.")
        if math.isinf(f):
            raise InvalidInput(f"That is infinite. Enter a finite number such as {formats}.")
        return ParsedNumber(f, False, format_number(f))
    if not is_text(answer):
        kind = type(answer).__name__
        raise InvalidInput(
            f"Expected a number, but got {describe(answer)} (a {kind}). "
            f"Enter a number such as {formats}."
        )
    answer = str.__str__(answer)  # plain text, whatever a str subclass overrides
    raw = answer.strip()
    s = _clean_text(answer).casefold()
    if len(s) > _MAX_CHARS:
        raise InvalidInput(
            f"That is {len(s):,} characters: too long to be a number. Enter a number such as {formats}."
        )
    m = _HEAD.match(s)
    value = _number(m.group("num")) if m else None
    if value is None:
        raise InvalidInput(f"Could not read {raw[:60]!r} as a number. Try a form like {formats}.")
    magnitude, unit, percent, unread = read_suffix(s[m.end() :])
    if unread:
        raise InvalidInput(
            f"Could not read {unread[:30]!r} after the number in {raw[:60]!r}. "
            f"Try a form like {formats}."
        )
    if m.group("pre") or m.group("pre2"):
        if unit is not None and unit.dimension != "money":
            raise InvalidInput(f"{raw[:60]!r} has both ₹ and {unit.name!r}: use one unit.")
        unit = UNITS["₹"]
    value *= magnitude * (-1.0 if m.group("sign") == "-" else 1.0)
    if percent:
        value /= 100.0
    if not math.isfinite(value):
        raise InvalidInput(f"Could not read {raw[:60]!r} as a number. Try a form like {formats}.")
    return ParsedNumber(value, percent, raw, unit)


def in_unit(p: ParsedNumber, answer_unit: Unit | None, formats: str = NUMBER_FORMATS) -> float:
    """A parsed number in the unit the answer is in; a unit of another dimension is refused.

    >>> in_unit(parse_number_detail("4,198 ms"), unit_of("s"))
    4.198
    >>> in_unit(parse_number_detail("1.2 lakh"), unit_of("₹"))
    120000.0
    """
    typed = p.unit
    points = answer_unit is not None and answer_unit.dimension == "points"
    if p.had_percent and typed is None:
        if points:  # "1.2%" for an answer in percentage points means 1.2 pp
            return p.value * 100.0
        if answer_unit is not None:
            raise InvalidInput(
                f"{p.text!r} is a percentage, but this answer is in {answer_unit.name}. "
                f"Type it in {answer_unit.name}."
            )
    if typed is None:
        return p.value
    if p.had_percent:
        raise InvalidInput(f"{p.text!r} has both % and {typed.name!r}: use one unit.")
    if answer_unit is None:
        if typed.dimension == "money":  # "₹1,200" is read for any amount, as before
            return p.value
        raise InvalidInput(
            f"This answer is a plain number: type it without {typed.name!r} "
            f"(e.g. {_example(None)})."
        )
    if typed.dimension == answer_unit.dimension:
        return convert(p.value, typed, answer_unit)
    raise InvalidInput(
        f"You typed {describe_dimension(typed)} ({typed.name!r}), but this answer is in "
        f"{answer_unit.name}. Type it in {answer_unit.name}, e.g. {_example(answer_unit)}."
    )


def _example(unit: Unit | None) -> str:
    if unit is None:
        return "1,200 or 12.5"
    if unit.dimension == "money":
        return "₹1,200 or 1.2 lakh"
    return f"12 {unit.name}"


#: Longer text cannot be a number; refusing it early keeps every later step cheap.
_MAX_CHARS = 120
_AMOUNT = r"(?:\d[\d,]*(?:\.\d*)?|\.\d+)"
# Anchored, and no two repeats can match the same characters, so matching is linear.
_HEAD = re.compile(
    r"(?P<pre>(?:₹|rs\.?|inr|rupees?) ?)?(?P<sign>[-+])? ?(?P<pre2>(?:₹|rs\.?|inr) ?)?"
    rf"(?P<num>{_AMOUNT}(?: \d[\d,]*(?:\.\d*)?)*(?:e[-+]?\d+)?(?: ?/ ?{_AMOUNT})?)"
)


def _number(text: str) -> float | None:
    # A space between digits groups them like a comma ("1 234" from a spreadsheet), so it must
    # be valid grouping too: "1 2" is not twelve.
    text = text.replace(" /", "/").replace("/ ", "/").replace(" ", ",")
    if "/" in text:
        num, den = text.split("/")
        n, d = _plain(num), _plain(den)
        if n is None or d is None:
            return None
        if d == 0:
            raise InvalidInput(
                f"{text!r} divides by zero. Enter a number such as {NUMBER_FORMATS}."
            )
        return n / d
    return _plain(text)


def _plain(s: str) -> float | None:
    if "," in s:
        mant, _, exp = s.partition("e")
        if not _GROUPED.match(mant):
            return None
        s = mant.replace(",", "") + ("e" + exp if exp else "")
    if not _PLAIN.match(s):
        return None
    try:
        return float(s)
    except (ValueError, OverflowError):
        return None
