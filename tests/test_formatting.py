"""pm_toolkit.formatting: rupees in Indian grouping, rates as percentages, no heavy imports."""

from __future__ import annotations

import math
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from pm_toolkit import formatting, viz
from pm_toolkit.formatting import MISSING, format_inr, format_pct


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "₹0"),
        (7, 0, "₹7"),
        (999, 0, "₹999"),
        (1000, 0, "₹1,000"),
        (99_999, 0, "₹99,999"),
        (1_00_000, 0, "₹1,00,000"),  # one lakh: Western would be ₹100,000
        (12_34_567, 0, "₹12,34,567"),
        (99_99_999, 0, "₹99,99,999"),
        (1_00_00_000, 0, "₹1,00,00,000"),  # one crore
        (12_34_56_78_901, 0, "₹12,34,56,78,901"),
        (12345678.9, 1, "₹1,23,45,678.9"),
        (1234567.891, 2, "₹12,34,567.89"),
        (np.float64(250000.0), 0, "₹2,50,000"),
        (np.int64(150000), 0, "₹1,50,000"),
        (Decimal("100000.50"), 2, "₹1,00,000.50"),
    ],
)
def test_format_inr_groups_lakh_and_crore(value, decimals, expected):
    assert format_inr(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (-1500, 0, "-₹1,500"),
        (-1234567, 0, "-₹12,34,567"),
        (-950.25, 2, "-₹950.25"),
        (-0.4, 0, "₹0"),  # rounds to zero: no sign
        (-0.004, 2, "₹0.00"),
        (-0.0, 0, "₹0"),
    ],
)
def test_format_inr_puts_the_sign_before_the_rupee(value, decimals, expected):
    assert format_inr(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567.5, 0, "₹12,34,568"),
        (99999.6, 0, "₹1,00,000"),  # rounding carries into a new group
        (999.995, 2, "₹1,000.00"),  # 999.995 is stored a hair above: rounds up
        (0.125, 2, "₹0.12"),  # exact binary half: round half to even, like f"{x:.2f}"
        (1234.5678, 3, "₹1,234.568"),
    ],
)
def test_format_inr_rounds_like_python_format(value, decimals, expected):
    assert format_inr(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.0234, 1, "2.3%"),
        (0.0234, 2, "2.34%"),
        (0.5, 0, "50%"),
        (1.0, 1, "100.0%"),
        (12.5, 0, "1250%"),
        (-0.031, 1, "-3.1%"),
        (-0.0001, 1, "0.0%"),  # rounds to zero: no sign
        (0.00125, 2, "0.12%"),
        (np.float64(0.031), 2, "3.10%"),
    ],
)
def test_format_pct(value, decimals, expected):
    assert format_pct(value, decimals) == expected


def test_format_pct_default_is_one_decimal():
    assert format_pct(0.12345) == "12.3%"


@pytest.mark.parametrize(
    "missing", [math.nan, np.nan, float("inf"), -math.inf, None, pd.NA, np.float64("nan")]
)
def test_missing_values_print_as_n_a_rather_than_nan_or_an_error(missing):
    assert MISSING == "n/a"
    assert format_inr(missing) == "n/a"
    assert format_inr(missing, 2) == "n/a"
    assert format_pct(missing) == "n/a"


def test_a_non_number_is_still_a_clear_error():
    with pytest.raises(TypeError):
        format_inr("1000")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_pct("0.1")  # type: ignore[arg-type]


def test_viz_re_exports_the_same_functions():
    assert viz.format_inr is formatting.format_inr
    assert viz.format_pct is formatting.format_pct
    assert viz.RUPEES(1234567, 0) == "₹12,34,567"
    assert viz.PERCENT(0.25, 0) == "25%"


def test_formatting_and_light_modules_do_not_import_matplotlib():
    code = (
        "import sys, pm_toolkit.formatting, pm_toolkit.collection; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
