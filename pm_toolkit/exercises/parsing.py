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

NUMBER_FORMATS = "0.125, 12.5%, ₹1,200, Rs 12,00,000, 1.2e3, 3/8"


class InvalidInput(ValueError):
    """The answer could not be read as the expected kind; the message says what works."""


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from learner input, remembering whether it was written with ``%``."""

    value: float
    had_percent: bool = False
    text: str = ""


_CURRENCY = re.compile(r"^(?:₹|rs\.?|inr|rupees?)\s*|\s*(?:₹|rs\.?|inr|rupees?|/-)$", re.I)
# Western grouping (1,200,000) or Indian lakh/crore grouping (12,00,000); validated, not just stripped
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$|^\d{1,2}(?:,\d{2})*,\d{3}(?:\.\d*)?$")
_PLAIN = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$", re.I)
_MINUSES = "\u2212\u2012\u2013\u2014\ufe63\uff0d"


def _to_float(x: Any) -> float | None:
    """A real number from a Python/numpy/pandas scalar, or None if it is not one."""
    if isinstance(x, bool):
        return None  # True is not an answer of 1
    try:
        import numpy as np

        if isinstance(x, np.bool_):
            return None
        if isinstance(x, np.ndarray) and x.shape == ():
            return _to_float(x.item())
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except (OverflowError, ValueError, TypeError):
            return None
    return None


def describe(x: Any, limit: int = 60) -> str:
    """A short, safe description of a learner value for messages ("the text 'abc'")."""
    try:
        if isinstance(x, str):
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
    return s


def parse_number(answer: Any, *, formats: str = NUMBER_FORMATS) -> float:
    """The float value of a learner's number; ``"12.5%"`` reads as 0.125."""
    return parse_number_detail(answer, formats=formats).value


def parse_number_detail(answer: Any, *, formats: str = NUMBER_FORMATS) -> ParsedNumber:
    """Like ``parse_number`` but also reports whether a ``%`` sign was used."""
    f = _to_float(answer)
    if f is not None:
        if math.isnan(f):
            raise InvalidInput(f"That is NaN (not a number). Enter a number such as {formats}.")
        if math.isinf(f):
            raise InvalidInput(f"That is infinite. Enter a finite number such as {formats}.")
        return ParsedNumber(f, False, format_number(f))
    if not isinstance(answer, str):
        kind = type(answer).__name__
        raise InvalidInput(
            f"Expected a number, but got {describe(answer)} (a {kind}). "
            f"Enter a number such as {formats}."
        )
    raw = answer
    s = _clean_text(answer)
    sign = 1.0
    if s.startswith(("-", "+")):
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].strip()
    s = _CURRENCY.sub("", s).strip()
    s = _CURRENCY.sub("", s).strip()  # "₹ 1,200 /-" has two
    if s.startswith(("-", "+")) and sign == 1.0:  # "₹-200"
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    s = s.replace(" ", "")
    value: float | None = None
    if "/" in s and s.count("/") == 1:
        num, den = s.split("/")
        n, d = _plain(num), _plain(den)
        if n is not None and d is not None:
            if d == 0:
                raise InvalidInput(
                    f"{raw.strip()!r} divides by zero. Enter a number such as {formats}."
                )
            value = n / d
    else:
        value = _plain(s)
    if value is None or not math.isfinite(value):
        raise InvalidInput(
            f"Could not read {raw.strip()[:60]!r} as a number. Try a form like {formats}."
        )
    value *= sign
    if percent:
        value /= 100.0
    return ParsedNumber(value, percent, raw.strip())


def _plain(s: str) -> float | None:
    if "," in s:
        mant, _, exp = s.partition("e") if "e" in s.lower() else (s, "", "")
        if not _GROUPED.match(mant):
            return None
        s = mant.replace(",", "") + ("e" + exp if exp else "")
    if not _PLAIN.match(s):
        return None
    try:
        return float(s)
    except (ValueError, OverflowError):
        return None
