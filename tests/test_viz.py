from __future__ import annotations

import ipywidgets as w
import matplotlib
import pytest

from pm_toolkit import viz

matplotlib.use("Agg")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "₹0"),
        (999, 0, "₹999"),
        (1000, 0, "₹1,000"),
        (100000, 0, "₹1,00,000"),
        (12345678.9, 1, "₹1,23,45,678.9"),
        (-1500, 0, "-₹1,500"),
    ],
)
def test_format_inr_uses_indian_grouping(value, decimals, expected):
    assert viz.format_inr(value, decimals) == expected


def test_dashboard_update_redraws_once_with_new_values():
    calls = []
    dash = viz.Dashboard(
        lambda price, qty: calls.append((price, qty)) or price * qty,
        price=w.IntSlider(value=100, max=1000),
        qty=w.IntSlider(value=1, max=10),
    )
    dash.update(price=499, qty=3)
    assert calls == [(499, 3)]
    assert dash.result == 1497
    assert len(dash.timings) == 1


def test_moving_a_slider_redraws_like_a_learner_would():
    dash = viz.Dashboard(lambda price: price + 1, price=w.IntSlider(value=1, max=10))
    dash.controls["price"].value = 7
    assert dash.result == 8
    assert dash.controls["price"].continuous_update is False


def test_unknown_control_is_a_clear_error():
    dash = viz.Dashboard(lambda price: price, price=w.IntSlider())
    with pytest.raises(ValueError, match="unknown control"):
        dash.update(prize=3)
