"""How the course writes money and rates: rupees in Indian digit grouping, rates as percentages.

Standard library only, so light modules (results records, HTML cards) can import it without
pulling in matplotlib; :mod:`pm_toolkit.viz` re-exports both functions for its callers.

Indian grouping puts the first comma after the thousands and then every two digits
(₹12,34,567 is twelve lakh thirty-four thousand five hundred and sixty-seven); a Western
``f"{x:,}"`` would print ₹1,234,567, which is not how the course writes rupees.

A missing value (NaN, ``None``, ``pd.NA``) or an infinite one prints as :data:`MISSING`
(``'n/a'``), the same text the result cards already show for "no value", rather than
``'₹nan'`` or raising in the middle of a notebook display.

>>> format_inr(12345678)
'₹1,23,45,678'
>>> format_pct(0.0234)
'2.3%'
>>> format_inr_compact(66021344.26)
'₹6.6 crore'
>>> format_inr(float("nan")), format_pct(float("nan"))
('n/a', 'n/a')
"""

from __future__ import annotations

import math

__all__ = ["MISSING", "format_inr", "format_inr_compact", "format_pct"]

#: What :func:`format_inr` and :func:`format_pct` print for NaN, ``None``, ``pd.NA`` or ±inf.
MISSING = "n/a"


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(value)  # type: ignore[arg-type]
    except TypeError:  # pd.NA and friends refuse float(); anything else is a caller's bug
        if type(value).__name__ in {"NAType", "NaTType"}:
            return True
        raise


def _drop_negative_zero(text: str) -> str:
    """``'-0.00'`` → ``'0.00'``: a value that rounds to zero has no sign."""
    if text.startswith("-") and not text.strip("-0.").strip():
        return text[1:]
    return text


def format_inr(value: float, decimals: int = 0) -> str:
    """Rupees with Indian digit grouping (lakh, crore).

    The sign goes before the rupee symbol; a value that rounds to zero has no sign.
    NaN, ``None`` and ±inf give ``'n/a'`` (see :data:`MISSING`).

    >>> format_inr(1234567.5)
    '₹12,34,568'
    >>> format_inr(-950.25, decimals=2)
    '-₹950.25'
    >>> format_inr(-0.2)
    '₹0'
    """
    if _is_missing(value):
        return MISSING
    text = _drop_negative_zero(f"{value:.{decimals}f}")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.removeprefix("-").partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{sign}₹{whole}" + (f".{frac}" if frac else "")


def format_inr_compact(value: float, digits: int = 3) -> str:
    """Large rupee amounts the way an Indian finance team says them: in lakh or crore.

    One lakh is ₹1,00,000 and one crore is ₹1,00,00,000 (100 lakh). Amounts under a lakh keep
    full Indian grouping. ``digits`` is the number of significant digits kept (at least the whole
    part).

    >>> format_inr_compact(66021344.26)
    '₹6.6 crore'
    >>> format_inr_compact(250000)
    '₹2.5 lakh'
    >>> format_inr_compact(-1834.2)
    '-₹1,834'
    >>> format_inr_compact(float("nan"))
    'n/a'
    """
    if _is_missing(value):
        return MISSING
    size = abs(value)
    for unit, scale in (("crore", 1e7), ("lakh", 1e5)):
        amount = size / scale
        decimals = max(digits - len(str(int(amount))), 0)
        # 99.96 lakh rounds to "100.0 lakh": that is a crore, so try the bigger unit first
        if round(amount, decimals) >= 1:
            whole = format_inr(amount, decimals).removeprefix("₹")
            if "." in whole:
                whole = whole.rstrip("0").rstrip(".")
            sign = "-" if value < 0 else ""
            return f"{sign}₹{whole} {unit}"
    return format_inr(value)


def format_pct(value: float, decimals: int = 1) -> str:
    """A rate as a percentage: ``format_pct(0.0234)`` → ``'2.3%'``.

    A value that rounds to zero has no sign; NaN, ``None`` and ±inf give ``'n/a'``.

    >>> format_pct(0.0234)
    '2.3%'
    >>> format_pct(0.0234, decimals=2)
    '2.34%'
    >>> format_pct(-0.125, decimals=0)
    '-12%'
    """
    if _is_missing(value):
        return MISSING
    return _drop_negative_zero(f"{100 * value:.{decimals}f}") + "%"
