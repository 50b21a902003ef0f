"""The shared inline SVG charts (pm_toolkit.viz_svg): structure, escaping, ticks, missing data."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from pm_toolkit import viz
from pm_toolkit.viz_svg import Series, bar_chart, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the SVG is well-formed XML


def _points(el: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in el.get("points").split()]


def test_line_chart_has_title_axes_legend_and_palette_colours():
    svg = line_chart(
        [1, 2, 3, 4],
        [Series([5, 20, 15, 12], "this run"), Series([11, 11, 11, 11], "default", dashed=True)],
        title="Orders peak in week 2",
        xlabel="Week",
        ylabel="Orders per week",
    )
    root = _parse(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root[0].tag == f"{NS}title" and root[0].text == "Orders peak in week 2"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"Orders peak in week 2", "Week", "Orders per week", "this run", "default"} <= set(texts)
    lines = root.findall(f"{NS}polyline")
    assert [p.get("stroke") for p in lines] == [viz.PALETTE[0], viz.PALETTE[1]]
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    # y ticks are round numbers and start at zero when the data sit well above it.
    assert {"0", "5", "10", "15", "20"} <= set(texts)


def test_flywheel_tuples_and_explicit_colours_are_accepted():
    svg = line_chart([0, 1], [([1, 2], "#CC79A7", "a", True)], title="t", xlabel="x", ylabel="y")
    line = _parse(svg).find(f"{NS}polyline")
    assert line.get("stroke") == "#CC79A7" and line.get("stroke-dasharray")


def test_points_are_scaled_into_the_plot_area():
    svg = line_chart([0, 10], [Series([0.0, 100.0], "line")], title="t", xlabel="x", ylabel="y",
                     width=200, height=100)  # fmt: skip
    assert _points(_parse(svg).find(f"{NS}polyline")) == [(62.0, 58.0), (188.0, 40.0)]


def test_text_is_escaped():
    evil = "<script>alert('x')</script> & co"
    svg = line_chart([0, 1], [Series([1, 2], evil)], title=evil, xlabel=evil, ylabel=evil,
                     yfmt=lambda v: f"<{v}>")  # fmt: skip
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)
    assert root.find(f"{NS}title").text == evil
    bars = bar_chart([evil], [5.0], title=evil, xlabel=evil)
    assert "<script>" not in bars
    assert _parse(bars).find(f"{NS}title").text == evil


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 97, [0, 25, 50, 75, 100]),
        (0, 1, [0, 0.25, 0.5, 0.75, 1]),
        (-3, 7, [-5, -2.5, 0, 2.5, 5, 7.5]),
        (1200, 1300, [1200, 1225, 1250, 1275, 1300]),
        (0.1, 0.3, [0.1, 0.15, 0.2, 0.25, 0.3]),
    ],
)
def test_nice_ticks_are_round_and_cover_the_range(lo, hi, expected):
    ticks = nice_ticks(lo, hi)
    assert ticks == expected
    assert ticks[0] <= lo and ticks[-1] >= hi


def test_nice_ticks_handle_flat_data_and_whole_numbers():
    flat = nice_ticks(5.0, 5.0)
    assert flat[0] < 5.0 < flat[-1]
    assert nice_ticks(0, 0)[0] <= 0 <= nice_ticks(0, 0)[-1]
    assert all(t == int(t) for t in nice_ticks(1, 3, integer=True))
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0, math.inf)


def test_x_tick_labels_for_whole_numbers_are_whole_and_unique():
    svg = line_chart([1, 2, 3], [Series([1, 2, 3], "s")], title="t", xlabel="Day", ylabel="y")
    root = _parse(svg)
    xlabels = [t.text for t in root.iter(f"{NS}text") if t.get("y") == str(40 + 178 + 15)]
    assert xlabels == ["1", "2", "3"]


def test_nan_breaks_the_line_instead_of_drawing_zero():
    svg = line_chart([0, 1, 2, 3, 4], [Series([1, 2, math.nan, 3, 4], "s")], title="t",
                     xlabel="x", ylabel="y")  # fmt: skip
    lines = _parse(svg).findall(f"{NS}polyline")
    assert [len(_points(p)) for p in lines] == [2, 2]
    # An isolated point between gaps is drawn as a dot.
    dot = line_chart([0, 1, 2], [Series([math.nan, 2, math.nan], "s")], title="t", xlabel="x",
                     ylabel="y")  # fmt: skip
    assert _parse(dot).find(f"{NS}circle") is not None


def test_series_without_data_is_kept_in_the_legend_and_empty_charts_say_so():
    svg = line_chart([0, 1], [Series([1, 2], "real"), Series([math.nan, math.nan], "ghost")],
                     title="t", xlabel="x", ylabel="y")  # fmt: skip
    root = _parse(svg)
    assert len(root.findall(f"{NS}polyline")) == 1
    assert "ghost (no data)" in [t.text for t in root.iter(f"{NS}text")]
    for empty in (
        line_chart([], [Series([], "s")], title="Nothing yet", xlabel="x", ylabel="y"),
        line_chart([0, 1], [Series([math.nan] * 2, "s")], title="Nothing yet", xlabel="x",
                   ylabel="y"),
        bar_chart(["a"], [math.nan], title="Nothing yet", xlabel="x"),
    ):  # fmt: skip
        root = _parse(empty)
        assert root.get("role") == "img" and root.find(f"{NS}title").text == "Nothing yet"
        assert any("No data" in (t.text or "") for t in root.iter(f"{NS}text"))


def test_mismatched_lengths_fail_with_a_clear_message():
    with pytest.raises(ValueError, match="'s' has 2 values but x has 3"):
        line_chart([0, 1, 2], [Series([1, 2], "s")], title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="one per bar"):
        bar_chart(["a", "b"], [1.0], title="t", xlabel="x")


def test_step_chart_holds_each_value_until_the_next_x():
    svg = line_chart([0, 1, 2, 3], [Series([5, 5, 7, 7], "price")], title="t", xlabel="x",
                     ylabel="y", step=True)  # fmt: skip
    pts = _points(_parse(svg).find(f"{NS}polyline"))
    assert len(pts) == 4  # start, the corner at x=2 (two points), end
    assert pts[1][0] == pts[2][0] and pts[0][1] == pts[1][1] and pts[2][1] == pts[3][1]


def test_bar_chart_draws_gains_and_losses_from_a_zero_line():
    svg = bar_chart(["gain", "loss"], [1000.0, -400.0], title="Hourly wins", xlabel="₹ vs static",
                    fmt=viz.format_inr)  # fmt: skip
    root = _parse(svg)
    assert root.get("role") == "img"
    rects = root.findall(f"{NS}rect")
    assert [r.get("fill") for r in rects] == [viz.PALETTE[0], viz.PALETTE[5]]
    zero = float(re.search(r"<line x1='([\d.]+)' x2='\1' y1='40' y2='\d+' stroke='#444'", svg)[1])
    assert float(rects[0].get("x")) == pytest.approx(zero)  # the gain starts at zero
    loss_end = float(rects[1].get("x")) + float(rects[1].get("width"))
    assert loss_end == pytest.approx(zero, abs=0.1)  # the loss ends at zero
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"₹1,000", "-₹400", "gain", "loss", "₹ vs static"} <= set(texts)


def test_viz_re_exports_the_svg_charts():
    assert viz.line_chart is line_chart and viz.bar_chart is bar_chart
