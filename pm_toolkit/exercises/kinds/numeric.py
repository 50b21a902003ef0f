"""Number and percent answers with explicit tolerances.

>>> from pm_toolkit.exercises.kinds.numeric import Number
>>> Number(abs=0.5).compare(1834.4, 1834.2, None).correct
True
>>> Number(sig_digits=3).compare(0.1249, 0.125, None).correct
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict
from pm_toolkit.exercises.parsing import (
    NUMBER_FORMATS,
    InvalidInput,
    format_number,
    in_unit,
    parse_number_detail,
)
from pm_toolkit.exercises.units import unit_of

if TYPE_CHECKING:
    from pm_toolkit.exercises.context import LearnerContext

#: Used when an author gives no tolerance at all: effectively exact, but float-noise safe.
DEFAULT_REL = 1e-6


def _tolerance(
    expected: float, abs_: float | None, rel: float | None, sig_digits: int | None
) -> float:
    tols = []
    if abs_ is not None:
        tols.append(abs_)
    if rel is not None:
        tols.append(rel * math.fabs(expected))
    if sig_digits is not None and expected != 0:
        # Half a unit in the last significant digit: 0.125 with 2 digits accepts 0.12 .. 0.13.
        tols.append(0.5 * 10 ** (math.floor(math.log10(math.fabs(expected))) - sig_digits + 1))
    if not tols:
        tols.append(DEFAULT_REL * math.fabs(expected) + 1e-12)
    return max(tols)


class Number(AnswerKind):
    """A number compared within a tolerance.

    ``abs``: absolute tolerance (₹0.5); ``rel``: relative (0.01 = 1 %); ``sig_digits``: agrees
    to that many significant digits. Several may be given; the loosest applies. With none,
    the answer must match to about six significant digits. ``unit`` ("₹", "ms", "weeks",
    "pp", "users") is shown next to the input and in messages; a learner may type any unit of
    the same dimension ("4.2 s" for an answer in ms, "1.2 lakh" for ₹) and it is converted.
    A wrong answer that matches no declared mistake still gets a direction (too high or too
    low, roughly how far, a likely unit slip), never the value.
    """

    kind_name = "number"
    input_style = "text"

    def __init__(
        self,
        abs: float | None = None,
        rel: float | None = None,
        sig_digits: int | None = None,
        unit: str | None = None,
    ) -> None:
        for name, v in (("abs", abs), ("rel", rel)):
            if v is not None and (not isinstance(v, (int, float)) or v < 0 or math.isnan(v)):
                raise ValueError(f"Number({name}=...) must be a number ≥ 0; got {v!r}")
        if sig_digits is not None and (not isinstance(sig_digits, int) or sig_digits < 1):
            raise ValueError(
                f"Number(sig_digits=...) must be a whole number ≥ 1; got {sig_digits!r}"
            )
        self.abs, self.rel, self.sig_digits, self.unit = abs, rel, sig_digits, unit
        self.accepted_forms = NUMBER_FORMATS
        if unit is not None and unit_of(unit).dimension == "time":
            self.accepted_forms = f"4,198 {unit}, 4.2 s, 1.2e3"

    def __repr__(self) -> str:
        args = [
            f"{k}={v!r}" for k, v in vars(self).items() if k != "accepted_forms" and v is not None
        ]
        return f"{type(self).__name__}({', '.join(args)})"

    def validate(self, reference: Any) -> None:
        if reference is None:
            raise ValueError("a number exercise needs reference=<a number or a function of ctx>")

    def expected(self, reference: Any, ctx: LearnerContext) -> float:
        value = _as_float(reference)
        if value is None or not math.isfinite(value):
            raise TypeError(
                f"the reference of a number exercise must be a finite number; got {reference!r}"
            )
        return value

    def parse(self, answer: Any, ctx: LearnerContext) -> float:
        parsed = parse_number_detail(answer, formats=self.accepted_forms)
        return in_unit(parsed, unit_of(self.unit), self.accepted_forms)

    def compare(self, parsed: float, expected: float, ctx: LearnerContext) -> Verdict:
        tol = _tolerance(expected, self.abs, self.rel, self.sig_digits)
        ok = math.fabs(parsed - expected) <= tol * (1 + 1e-12)
        return Verdict(ok, "" if ok else self.direction(parsed, expected))

    def direction(self, parsed: float, expected: float) -> str:
        """Which way a wrong number is off, in words that never give the value away."""
        return direction_hint(parsed, expected, rate=False, unit=self.unit)

    def matches(self, parsed, value, ctx, *, abs=None, rel=None) -> bool:
        target = _as_float(value)
        if target is None or not math.isfinite(target):
            return False
        if abs is None and rel is None:
            tol = _tolerance(target, self.abs, self.rel, self.sig_digits)
        else:
            tol = _tolerance(target, abs, rel, None)
        return math.fabs(parsed - target) <= tol * (1 + 1e-12)

    def echo(self, parsed: float) -> str:
        text = format_number(parsed)
        if self.unit == "₹":
            return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"
        return f"{text} {self.unit}" if self.unit else text

    def expected_strings(self, expected: float) -> list[str]:
        return _number_strings(expected)


#: Factors a unit slip produces, per dimension of the answer, with the likely slip named.
_SLIPS: dict[str, tuple[tuple[float, str], ...]] = {
    "rate": ((100, "a percentage typed as a fraction, or the other way round?"),),
    "time": (
        (1000, "milliseconds versus seconds?"),
        (60, "minutes versus seconds (or hours versus minutes)?"),
    ),
    "money": (
        (100_000, "a lakh is 1,00,000: check the lakh/crore step."),
        (10_000_000, "a crore is 1,00,00,000: check the lakh/crore step."),
        (100, "a share typed as a percentage, or paise versus rupees?"),
    ),
    "": ((100, "check the units or a % sign."), (1000, "check the units (thousands?).")),
}


def direction_hint(parsed: float, expected: float, *, rate: bool, unit: str | None) -> str:
    """A direction for a wrong number: too high or low, roughly how far, a likely slip.

    Never the value: "about 10 times too high" says the order of magnitude only.

    >>> direction_hint(120.0, 100.0, rate=False, unit=None)
    'Too high: check which rows you kept and what you divided by.'
    >>> direction_hint(0.5, 0.005, rate=True, unit=None)
    'About 100 times too high: a percentage typed as a fraction, or the other way round?'
    """
    if not (math.isfinite(parsed) and math.isfinite(expected)):
        return ""
    what = "share" if rate else "number"
    if rate and math.fabs(parsed) > 1 >= math.fabs(expected):
        return "A share above 100% is not possible here: did you divide the wrong way round?"
    if expected == 0:
        return "Too high." if parsed > 0 else "Too low."
    if parsed == 0:
        return f"Zero is too low: check that you kept the rows the {what} needs."
    if (parsed > 0) != (expected > 0):
        return "The sign is wrong: check which way round you subtracted."
    ratio = parsed / expected
    big = max(ratio, 1 / ratio) if ratio > 0 else math.inf
    dim = "rate" if rate else (unit_of(unit).dimension if unit else "")
    for factor, slip in _SLIPS.get(dim, _SLIPS[""]):
        if math.isclose(big, factor, rel_tol=0.03):
            way = "high" if ratio > 1 else "low"
            return f"About {factor:,} times too {way}: {slip}"
    way = "high" if ratio > 1 else "low"
    fix = (
        "check the denominator: what counts as one try (sessions, visitors, orders)?"
        if rate
        else "check which rows you kept and what you divided by."
    )
    if not math.isfinite(big) or big >= 1e12:
        return f"Far too {way}, by many orders of magnitude: {fix}"
    if big >= 9.5:
        power = 10 ** round(math.log10(big))
        return f"Far too {way}, about {power:,} times: {fix}"
    if big >= 2:
        size = "more than double" if ratio > 1 else "less than half"
        return f"Much too {way} ({size}): {fix}"
    if big < 1.05:
        return f"A little too {way}: check your rounding and which rows you kept."
    return f"Too {way}: {fix}"


def _as_float(x: Any) -> float | None:
    from pm_toolkit.exercises.parsing import _to_float

    return _to_float(x)


def _number_strings(expected: float) -> list[str]:
    out = {format_number(expected), repr(float(expected))}
    if math.isfinite(expected):
        out.add(f"{expected:,.2f}")
        out.add(f"{expected:.2f}")
        if float(expected).is_integer():
            out.add(str(int(expected)))
    return [s for s in out if s]


class Percent(Number):
    """A rate or share, stored as a fraction (0.125) and accepted in the forms you choose.

    ``accept="both"`` (default): ``"12.5%"``, ``0.125`` and ``12.5`` are all 12.5 %; a bare
    number ≤ 1 is read as a fraction, larger ones as per cent. When the true rate is under 1 %,
    a bare number ≤ 1 is ambiguous (is ``0.5`` 50 % or 0.5 %?), so it is "could not read that"
    and the learner is asked for the ``%`` sign. ``accept="percent_sign"``: only ``"12.5%"``.
    ``accept="fraction"``: bare numbers are fractions. ``accept="points"``: bare numbers are per
    cent. Tolerances (``abs``, ``rel``) are on the fraction: ``abs=0.001`` is ±0.1 pp.
    Put ``Percent().forms_sentence()`` (or your own words) in the prompt.
    """

    kind_name = "percent"
    _MODES = ("both", "percent_sign", "fraction", "points")

    def __init__(
        self,
        abs: float | None = None,
        rel: float | None = None,
        sig_digits: int | None = None,
        accept: str = "both",
    ) -> None:
        super().__init__(abs=abs, rel=rel, sig_digits=sig_digits, unit=None)
        if accept not in self._MODES:
            raise ValueError(f"Percent(accept=...) must be one of {self._MODES}; got {accept!r}")
        self.accept = accept
        self.accepted_forms = {
            "both": "12.5%, 0.125 or 12.5",
            "percent_sign": "12.5% (with the % sign)",
            "fraction": "12.5% or the fraction 0.125",
            "points": "12.5% or 12.5 (meaning per cent)",
        }[accept]

    def forms_sentence(self) -> str:
        """Words for the prompt, e.g. "Type it as 12.5%, 0.125 or 12.5."."""
        return f"Type it as {self.accepted_forms}."

    def parse(self, answer: Any, ctx: LearnerContext) -> Any:
        p = parse_number_detail(answer, formats=self.accepted_forms)
        if p.unit is not None:
            raise InvalidInput(
                f"A rate has no unit: type {p.text!r} as a share, e.g. {self.accepted_forms}."
            )
        if p.had_percent:
            return p.value
        if self.accept == "percent_sign":
            raise InvalidInput(
                f"Read {p.text!r} without a % sign. Type the rate with the sign, e.g. 12.5%."
            )
        if self.accept == "fraction":
            return p.value
        if self.accept == "points":
            return p.value / 100
        # "both": resolved in compare(), where the true rate's size tells us if it is ambiguous.
        return _Bare(p.value, p.text)

    def compare(self, parsed: Any, expected: float, ctx: LearnerContext) -> Verdict:
        value = self._resolve(parsed, expected)
        return super().compare(value, expected, ctx)

    def direction(self, parsed: float, expected: float) -> str:
        return direction_hint(parsed, expected, rate=True, unit=None)

    def matches(self, parsed, value, ctx, *, abs=None, rel=None) -> bool:
        target = _as_float(value)
        if target is None:
            return False
        try:
            resolved = self._resolve(parsed, target)
        except InvalidInput:
            return False
        if super().matches(resolved, target, ctx, abs=abs, rel=rel):
            return True
        # A known mistake can exceed 100 % (growth over a whole period): a bare 2.3 from code
        # then means 230 %, not 2.3 %. Only the targeted message depends on this reading; the
        # answer is still marked wrong either way.
        if isinstance(parsed, _Bare) and math.fabs(parsed.value) > 1 and math.fabs(target) > 1:
            return super().matches(parsed.value, target, ctx, abs=abs, rel=rel)
        return False

    def _resolve(self, parsed: Any, expected: float) -> float:
        if not isinstance(parsed, _Bare):
            return float(parsed)
        x = parsed.value
        if math.fabs(x) > 1:
            return x / 100
        if math.fabs(expected) < 0.01 and x != 0:
            raise InvalidInput(
                f"{parsed.text!r} could mean {format_number(x * 100)}% or {format_number(x)}%. "
                "Add the % sign, e.g. 0.5%."
            )
        return x

    def echo(self, parsed: Any) -> str:
        if isinstance(parsed, _Bare):
            return parsed.text
        return format_number(round(float(parsed) * 100, 10)) + "%"

    def expected_strings(self, expected: float) -> list[str]:
        pct = round(expected * 100, 10)
        return sorted(
            {*_number_strings(expected), format_number(pct) + "%", f"{pct:.1f}%", f"{pct:.2f}%"}
        )


class _Bare:
    """A bare number given to a Percent("both") exercise, read once the scale is known."""

    __slots__ = ("text", "value")

    def __init__(self, value: float, text: str) -> None:
        self.value, self.text = value, text

    def __repr__(self) -> str:
        return self.text
