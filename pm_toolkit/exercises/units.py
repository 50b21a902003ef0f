"""Units a PM types after a number: read them, and convert to the unit the answer is in.

A unit has a *dimension* (time, money, percentage points, or a counted noun such as "users")
and a factor to that dimension's base unit. Magnitude words (thousand, lakh, crore, million)
scale any number. A unit of another dimension than the answer's is refused with a message,
never silently dropped.

>>> unit_of("ms"), unit_of("weeks").dimension, unit_of("users")
(Unit(dimension='time', factor=0.001, name='ms'), 'time', Unit(dimension='noun:user', factor=1.0, name='users'))
>>> convert(4.2, unit_of("s"), unit_of("ms"))
4200.0
>>> MAGNITUDES["crore"]
10000000.0
"""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    """A unit: its dimension, its size in the dimension's base unit, and how it is written."""

    dimension: str
    factor: float
    name: str


#: Words that scale a number, whatever its unit ("1.2 lakh", "₹3 crore", "12k users").
MAGNITUDES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "lakhs": 1e5,
    "lakh": 1e5,
    "lacs": 1e5,
    "lac": 1e5,
    "l": 1e5,
    "million": 1e6,
    "mn": 1e6,
    "crores": 1e7,
    "crore": 1e7,
    "cr": 1e7,
    "billion": 1e9,
    "bn": 1e9,
}

_TIME = {
    ("milliseconds", "millisecond", "msec", "ms"): 1e-3,
    ("seconds", "second", "secs", "sec", "s"): 1.0,
    ("minutes", "minute", "mins", "min"): 60.0,
    ("hours", "hour", "hrs", "hr", "h"): 3600.0,
    ("days", "day"): 86400.0,
    ("weeks", "week", "wks", "wk"): 604800.0,
}
#: Every unit word we know, lower-case; anything else alphabetic is a counted noun.
UNITS: dict[str, Unit] = {
    **{w: Unit("time", f, w) for words, f in _TIME.items() for w in words},
    **{w: Unit("money", 1.0, "₹") for w in ("₹", "rs.", "rs", "inr", "rupees", "rupee", "/-")},
    **{w: Unit("points", 1.0, "pp") for w in ("pp", "points", "point", "percentagepoints")},
}
#: How each dimension is named in a message.
DIMENSION_WORDS = {"time": "a time", "money": "rupees (₹)", "points": "percentage points"}


def unit_of(text: str | None) -> Unit | None:
    """The unit an author wrote in ``Number(unit=...)`` (or a learner typed), or None.

    Unknown words are counted nouns ("users", "orders"), singular and plural alike.
    """
    if text is None:
        return None
    key = "".join(str(text).split()).casefold()
    if not key:
        return None
    if key in UNITS:
        return UNITS[key]
    noun = key[:-1] if key.endswith("s") and len(key) > 2 else key
    return Unit(f"noun:{noun}", 1.0, str(text).strip())


def describe_dimension(unit: Unit) -> str:
    """Words for a unit's dimension: 'a time', 'rupees (₹)', "'users'"."""
    if unit.dimension.startswith("noun:"):
        return repr(unit.name)
    return DIMENSION_WORDS.get(unit.dimension, unit.dimension)


def convert(value: float, typed: Unit, answer: Unit) -> float:
    """``value`` in ``typed`` units expressed in ``answer`` units (same dimension)."""
    if typed.dimension != answer.dimension:
        raise ValueError(f"cannot convert {typed.name} to {answer.name}")
    return value * typed.factor / answer.factor


def read_suffix(suffix: str) -> tuple[float, Unit | None, bool, str]:
    """Read the words after a number: (magnitude, unit, had %, the part that could not be read).

    ``suffix`` is lower-case with single spaces, e.g. ``"lakh"``, ``"ms"``, ``"%"``, ``"lakh users"``.
    Each part may appear once. The scan is linear in the length of the text.

    >>> read_suffix("lakh users")
    (100000.0, Unit(dimension='noun:user', factor=1.0, name='users'), False, '')
    >>> read_suffix("ms")[1].name, read_suffix("%")[2], read_suffix("xyz!")[3]
    ('ms', True, 'xyz!')
    """
    magnitude, unit, percent = 1.0, None, False
    for word in suffix.split():
        rest = word
        while rest:
            if rest[0] == "%" and not percent:
                percent, rest = True, rest[1:]
                continue
            found = _prefix(rest, _MAGNITUDE_WORDS)
            if found and magnitude == 1.0 and unit is None:
                magnitude, rest = MAGNITUDES[found], rest[len(found) :]
                continue
            found = _prefix(rest, _UNIT_WORDS)
            if found and unit is None:
                unit, rest = UNITS[found], rest[len(found) :]
                continue
            if unit is None and rest.isalpha():
                unit, rest = unit_of(rest), ""
                continue
            return magnitude, unit, percent, rest
    return magnitude, unit, percent, ""


_MAGNITUDE_WORDS = sorted(MAGNITUDES, key=len, reverse=True)
_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)


def _prefix(text: str, words: list[str]) -> str:
    """The longest word that starts ``text`` and ends where a letter run ends ("s" ≠ "sessions")."""
    for w in words:
        if text.startswith(w):
            after = text[len(w) : len(w) + 1]
            if w[-1].isalpha() and after.isalpha():
                continue
            return w
    return ""
