"""Reading learner numbers: PM formats in, plain floats out, clear errors for the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pm_toolkit.exercises.parsing import (
    InvalidInput,
    format_number,
    parse_number,
    parse_number_detail,
)
from pm_toolkit.formatting import format_inr


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.125", 0.125),
        ("12.5%", 0.125),
        ("₹1,200", 1200.0),
        ("Rs 1,200", 1200.0),
        ("Rs. 1,200", 1200.0),
        ("INR 1200", 1200.0),
        ("₹ 1,200 /-", 1200.0),
        ("1,200,000", 1_200_000.0),
        ("12,00,000", 1_200_000.0),
        ("1,00,00,000", 10_000_000.0),
        ("1.2e3", 1200.0),
        ("1.2E-2", 0.012),
        ("−4", -4.0),  # Unicode minus
        ("–4.5", -4.5),  # en dash typed as minus
        ("-₹200", -200.0),
        ("₹-200", -200.0),
        ("3/8", 0.375),
        (" 42 ", 42.0),
        (".5", 0.5),
        ("1\u00a0234", 1234.0),  # non-breaking space from a copied spreadsheet cell
        ("₹1,834.20", 1834.2),
    ],
)
def test_accepts_pm_formats(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    ["about ten", "12..5", "1,2,3", "12,00", "1,0000", "₹", "%", "1/0", "nan", "1e999", "", "3/x"],
)
def test_rejects_with_accepted_forms(text):
    with pytest.raises(InvalidInput) as info:
        parse_number(text)
    msg = str(info.value)
    assert "%" in msg or "number" in msg  # says what works


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.int64(3), 3.0),
        (np.float32(1.5), 1.5),
        (np.float64(2.25), 2.25),
        (7, 7.0),
        (np.array(4.0), 4.0),
    ],
)
def test_numpy_scalars_are_numbers(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    "value", [True, np.bool_(False), float("nan"), float("inf"), [1], {"a": 1}, None]
)
def test_non_numbers_are_invalid(value):
    with pytest.raises(InvalidInput):
        parse_number(value)


def test_percent_flag_is_reported():
    assert parse_number_detail("12.5 %").had_percent
    assert not parse_number_detail("12.5").had_percent


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_round_trip_through_written_forms(x):
    # Whatever we print for a learner, we can read back.
    for text in (format_number(x), f"{x:.6e}", f"₹{format_number(x)}"):
        if text.startswith("₹-"):
            text = "-₹" + text[2:]
        assert math.isclose(
            parse_number(text), float(text.replace("₹", "").replace(",", "")), rel_tol=1e-12
        )


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_any_text_parses_or_is_invalid(text):
    try:
        v = parse_number(text)
    except InvalidInput:
        return
    assert math.isfinite(v)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**12))
def test_indian_and_western_grouping_agree(n):
    western = f"{n:,}"
    indian = format_inr(n).removeprefix("₹")  # lakh/crore grouping, tested in test_formatting
    assert parse_number(western) == parse_number(indian) == float(n)
