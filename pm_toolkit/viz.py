"""The few plotting and dashboard helpers every lesson shares: one look, colour-blind safe.

Plots: :func:`new_axes` gives a styled figure, :func:`finish` titles, labels and shows it, and
returns ``None`` so that no ``<Figure ...>`` or ``Text(...)`` repr leaks into a notebook.

Dashboards: :class:`Dashboard` ties a few controls (sliders, dropdowns) to a render function
whose output is redrawn *in place*. Every change goes through :meth:`Dashboard.update`, a
plain method, so tests and benchmarks drive a dashboard exactly as a learner's slider does.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> fig, ax = new_axes()
>>> ax.plot([1, 2, 3], [10, 20, 15], color=PALETTE[0])  # doctest: +ELLIPSIS
[...]
>>> finish(ax, title="Orders peak on day 2", xlabel="Day", ylabel="Orders", show=False)
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# Re-exported: callers keep writing ``viz.format_inr`` / ``viz.format_pct``.
from pm_toolkit.formatting import format_inr, format_pct

#: Okabe–Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

_STYLE = {
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "figure.dpi": 100,
}


#: Axis formatters: ``ax.yaxis.set_major_formatter(viz.RUPEES)``.
RUPEES = FuncFormatter(lambda v, _pos: format_inr(v))
PERCENT = FuncFormatter(lambda v, _pos: format_pct(v, 0 if abs(v) >= 0.1 else 1))


def new_axes(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None
) -> tuple[Figure, Any]:
    """A figure in the course style; returns ``(fig, ax)`` (or an array of axes)."""
    with plt.rc_context(_STYLE):
        size = figsize or (6.4 * ncols if ncols > 1 else 7.0, 3.8 * nrows)
        fig, ax = plt.subplots(nrows, ncols, figsize=size, squeeze=True)
    for a in fig.axes:
        a.set_prop_cycle(color=PALETTE)
        a.grid(True, alpha=0.3)
        a.spines["top"].set_visible(False)
        a.spines["right"].set_visible(False)
    return fig, ax


def finish(
    ax: Axes,
    *,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    legend: bool | None = None,
    show: bool = True,
) -> None:
    """Title (a finding, not a topic), label the axes with units, and show the figure.

    Returns ``None`` on purpose so a notebook cell ending with it prints no repr.
    """
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend or (legend is None and ax.get_legend_handles_labels()[0]):
        ax.legend(frameon=False)
    fig = ax.figure
    fig.tight_layout()
    if show:
        plt.show()
    else:
        plt.close(fig)


def _in_kernel() -> bool:
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Dashboard:
    """Controls plus a render function whose output is replaced in place on every change.

    ``render(**values)`` draws with matplotlib and/or returns something displayable (a
    DataFrame, Markdown, a result record). The last value returned is kept in ``.result`` so
    tests can assert on it without a browser; ``.timings`` keeps how long each update took.
    A line ``render`` prints that the returned record already shows is not printed again
    (a verdict shown once in the card, not twice). Every control shows its whole label and
    keeps a usable slider beside it: labels are never cut ("Sequentia…").

    >>> import ipywidgets as w
    >>> seen = []
    >>> dash = Dashboard(lambda price: seen.append(price * 2), price=w.IntSlider(value=100, max=500))
    >>> dash.update(price=250).values, seen
    ({'price': 250}, [500])
    """

    def __init__(self, render: Callable[..., Any], **controls: Any) -> None:
        import ipywidgets as widgets

        self._render = render
        self.controls: dict[str, Any] = controls
        self.output = widgets.Output()
        self.result: Any = None
        self.timings: list[float] = []
        for name, control in controls.items():
            # Redraw only when the learner lets go of a slider, never on every pixel of a drag.
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
            if not getattr(control, "description", None):
                control.description = name.replace("_", " ")
            fit_label(control)
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                self.output,
            ]
        )
        self.widget.add_class("pm-dashboard")

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values: Any) -> Dashboard:
        """Set some controls (as a learner would) and redraw once; returns ``self``."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this dashboard has {sorted(self.controls)}"
            )
        for name, value in values.items():
            control = self.controls[name]
            control.unobserve(self._on_change, names="value")
            try:
                control.value = value
            finally:
                control.observe(self._on_change, names="value")
        self.redraw()
        return self

    def result_for(self, **values: Any) -> Any:
        """What the dashboard would show for these values, *without* moving its controls.

        A later cell that asks "and at ₹999?" uses this, so the widget above keeps the values
        the learner set (``update`` moves the sliders, as a learner would).
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this dashboard has {sorted(self.controls)}"
            )
        return self._render(**{**self.values, **values})

    def redraw(self) -> None:
        """Re-run the render function with the current values and replace the output."""
        from IPython.display import display

        start = time.perf_counter()
        if _in_kernel():
            self.output.clear_output(wait=True)  # wait=True: no flicker between old and new plot
        else:
            self.output.outputs = ()  # outside a kernel clear_output would print escape codes
        with self.output:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                result = self._render(**self.values)
            extra = _not_shown_by(result, printed.getvalue())
            if extra:
                print(extra)
            if result is not None:
                display(result)
        self.result = result
        plt.close("all")
        self.timings.append(time.perf_counter() - start)

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self.redraw()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        self.redraw()
        display(self.widget)


#: Rough width of one character of a control label (13 px JupyterLab UI font), for layout.
_LABEL_CHAR_PX = 7.5
#: Room kept for the slider track, dropdown or box beside a label.
_CONTROL_PX = 260


def fit_label(control: Any) -> None:
    """Show a control's whole label and keep its slider usable (ipywidgets cuts labels at about
    80 px and, given ``description_width="initial"``, squeezes the slider instead).

    An author's own ``layout.width`` and ``style.description_width`` are kept.
    """
    description = getattr(control, "description", "") or ""
    style = getattr(control, "style", None)
    if style is not None and hasattr(style, "description_width") and not style.description_width:
        style.description_width = "initial"
    layout = getattr(control, "layout", None)
    if layout is not None and not layout.width and description:
        width = int(len(description) * _LABEL_CHAR_PX + 16 + _CONTROL_PX)
        layout.width = f"{width}px"
        layout.max_width = "100%"


def _not_shown_by(result: Any, printed: str) -> str:
    """The printed lines that ``result``'s display does not already show (empty if none)."""
    if not printed.strip():
        return ""
    shown = _display_text(result)
    keep = [ln for ln in printed.rstrip("\n").splitlines() if " ".join(ln.split()) not in shown]
    return "\n".join(keep).strip("\n")


def _display_text(result: Any) -> str:
    """The words a learner sees when ``result`` is displayed (HTML tags and spacing removed)."""
    if result is None:
        return ""
    texts = []
    for method in ("_repr_html_", "_repr_markdown_", "__repr__"):
        with contextlib.suppress(Exception):
            out = getattr(result, method)()
            if isinstance(out, str):
                plain = html.unescape(re.sub(r"<[^>]+>", " ", out))
                texts.append(plain.replace("**", "").replace("`", ""))
    return " ".join(" ".join(texts).split())


def show_dashboard(render: Callable[..., Any], **controls: Any) -> Dashboard:
    """Build a :class:`Dashboard`, display it, and return it for later ``.update(...)`` calls."""
    from IPython.display import display

    dash = Dashboard(render, **controls)
    display(dash)
    return dash


# The inline SVG charts of the fast dashboards (see pm_toolkit.viz_svg), re-exported here.
from pm_toolkit.viz_svg import Series, bar_chart, line_chart, nice_ticks  # noqa: E402, F401
