"""What a learner sees of the shared charts and dashboards (issue 19, items 9, 10 and 12):
nothing clipped, nothing said twice, and a later cell never moves a widget above it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import ipywidgets as w
import pytest

from pm_toolkit import viz
from pm_toolkit.formatting import format_inr
from pm_toolkit.viz_svg import _CHAR_PX, _TITLE_CHAR_PX, Series, bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"


def _extents(svg: str) -> list[tuple[str, float, float]]:
    """(text, left, right) of every label, by the same width estimate the layout uses."""
    root = ET.fromstring(svg)
    out = []
    for t in root.iter(f"{NS}text"):
        if t.get("transform"):  # the rotated axis title
            continue
        text, x = t.text or "", float(t.get("x"))
        px = (_TITLE_CHAR_PX if t.get("font-weight") == "bold" else _CHAR_PX) * len(text)
        anchor = t.get("text-anchor", "start")
        left = x - px if anchor == "end" else x - px / 2 if anchor == "middle" else x
        out.append((text, left, left + px))
    return out


def _clipped(svg: str) -> list[str]:
    width = float(ET.fromstring(svg).get("width"))
    return [t for t, a, b in _extents(svg) if a < -0.5 or b > width + 0.5]


def test_rupee_axis_labels_are_not_clipped():
    svg = line_chart(
        list(range(0, 200_001, 20_000)),
        [Series([x * 1.1 for x in range(0, 200_001, 20_000)], "revenue")],
        title="Revenue",
        xlabel="Budget (₹)",
        ylabel="Revenue (₹)",
        yfmt=format_inr,
        xfmt=format_inr,
    )
    assert _clipped(svg) == []
    assert "₹2,00,000" in svg


def test_bar_chart_edge_ticks_and_values_fit():
    svg = bar_chart(
        ["every 1 h", "every 24 h + guardrails"],
        [1_85_000.0, -2_00_000.0],
        title="Hourly pricing gains most",
        xlabel="margin vs static (₹)",
        fmt=format_inr,
    )
    assert _clipped(svg) == []


def test_a_long_title_wraps_instead_of_running_off_the_chart():
    title = "Mobile-web shoppers in tier-2 cities convert at half the desktop rate " * 2
    svg = line_chart([1, 2], [Series([1, 2], "x")], title=title, xlabel="x", ylabel="y")
    assert _clipped(svg) == []
    bold = [t.text for t in ET.fromstring(svg).iter(f"{NS}text") if t.get("font-weight")]
    assert len(bold) >= 2 and " ".join(bold) == " ".join(title.split())


class _Card:
    """A result record that shows its verdict (like the experiment results)."""

    verdict = "Peeking 5 times turns 14% of no-effect tests into wins."

    def _repr_html_(self):
        return f"<div><table></table><p>ℹ️ {self.verdict}</p></div>"


def test_a_printed_sentence_the_card_shows_is_not_printed_twice(capsys):
    def render(looks):
        card = _Card()
        print(card.verdict)  # the dashboards print it, then return the card that shows it
        print(f"Looks: {looks}")  # a line the card does not show stays
        return card

    dash = viz.Dashboard(render, looks=w.IntSlider(value=5, min=1, max=20))
    dash.redraw()
    out = capsys.readouterr().out
    assert _Card.verdict not in out and "Looks: 5" in out


@pytest.mark.parametrize(
    "control",
    [
        w.FloatSlider(description="Sequential testing plan (looks)"),
        w.IntSlider(description="Ideas that really work (%)"),
        w.SelectionSlider(options=[1, 2, 24], description="hours between price changes"),
        w.Dropdown(options=["a", "b"], description="Sequential plan"),
    ],
)
def test_controls_show_their_whole_label_and_keep_room_to_slide(control):
    viz.Dashboard(lambda **kw: None, x=control)
    assert control.style.description_width == "initial"  # never cut to "Sequentia…"
    width = int(re.match(r"(\d+)px", control.layout.width).group(1))
    label = len(control.description) * 7.5
    assert width - label >= 250  # the track keeps its room beside the label


def test_an_authors_own_width_is_kept():
    slider = w.IntSlider(description="Quantity", layout=w.Layout(width="200px"))
    viz.Dashboard(lambda q: None, q=slider)
    assert slider.layout.width == "200px"


def test_result_for_does_not_move_the_widget_above():
    seen = []
    dash = viz.Dashboard(
        lambda mrp, qty: seen.append((mrp, qty)) or mrp * qty,
        mrp=w.IntSlider(value=1299, max=5000),
        qty=w.IntSlider(value=2, max=10),
    )
    assert dash.result_for(mrp=999) == 1998
    assert dash.values == {"mrp": 1299, "qty": 2}  # the learner's sliders stay where they were
    with pytest.raises(ValueError, match="unknown control"):
        dash.result_for(price=1)


def _track_px(control) -> float:
    width = int(re.match(r"(\d+)px", control.layout.width).group(1))
    label = control.style.description_width
    label_px = int(label[:-2]) if label.endswith("px") else len(control.description) * 7.5
    return width - label_px


def test_lesson_4_sliders_keep_room_beside_their_long_labels():
    """The MDE slider was squeezed to 96 px by a fixed 440 px width (seen in the browser)."""
    from pm_toolkit.experiments import charts

    dashboards = (
        charts.sample_size_dashboard(0.04, 5_000),
        charts.peeking_dashboard(seed=1, n_sims=200),
        charts.portfolio_dashboard(seed=1, n_experiments=100),
    )
    for dash in dashboards:
        for control in dash.controls.values():
            assert _track_px(control) >= 250, control.description
