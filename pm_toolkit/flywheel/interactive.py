"""The interactive wheel: sliders for the main knobs, and the run they produce.

:func:`dashboard` redraws two inline SVG charts (:func:`svg_chart`) and a
:class:`RunSummary` each time a slider is let go (the shared
:mod:`pm_toolkit.viz_svg` charts); ``chart="matplotlib"`` keeps the slower
matplotlib variant for the benchmark's comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from pm_toolkit.flywheel._format import _html_table, _inr
from pm_toolkit.flywheel.model import FlywheelParams, simulate
from pm_toolkit.viz_svg import line_chart


@dataclass(frozen=True)
class RunSummary:
    """Where one run of the wheel ends, against the default run."""

    weeks: int
    customers: float
    customers_vs_default: float
    third_party_share: float
    weekly_orders: float
    price_vs_competitor: float
    margin: float

    def _rows(self) -> list[tuple[str, str]]:
        return [
            (f"customers after {self.weeks} weeks", f"{self.customers / 1e5:,.1f} lakh "
             f"({100 * self.customers_vs_default:+.1f} % vs default)"),
            ("orders per week at the end", f"{self.weekly_orders:,.0f}"),
            ("third-party share of selection", f"{100 * self.third_party_share:.0f} %"),
            ("our price vs competitor at the end", f"{100 * self.price_vs_competitor:+.1f} %"),
            ("gross margin over the run", _inr(self.margin)),
        ]  # fmt: skip

    def __str__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self._rows())

    def _repr_html_(self) -> str:
        return _html_table(self._rows(), "This run (all parameters illustrative [A])")


def summarise_run(frame: pd.DataFrame, default: pd.DataFrame) -> RunSummary:
    """The few numbers a PM reads off one run, compared with the default run."""
    last = frame.iloc[-1]
    return RunSummary(
        weeks=len(frame),
        customers=float(last["customers"]),
        customers_vs_default=float(last["customers"] / default["customers"].iloc[-1] - 1),
        third_party_share=float(last["third_party_share"]),
        weekly_orders=float(last["orders"]),
        price_vs_competitor=float(last["price"] / last["competitor_price"] - 1),
        margin=float(frame["gross_margin"].sum()),
    )


#: The sliders of :func:`dashboard`: name -> (min, max, step, description).
SLIDERS: dict[str, tuple[float, float, float, str]] = {
    "markup": (0.0, 0.8, 0.05, "markup μ"),
    "scale_economies": (0.0, 0.3, 0.02, "scale economies θ"),
    "selection_weight": (0.0, 0.6, 0.05, "value of choice w_N"),
    "competitor_response": (0.0, 0.6, 0.05, "competitor response"),
    "capacity_build": (0.02, 0.5, 0.02, "capacity build-up"),
}


class _RunFigure:
    """One figure, drawn once and then updated in place: re-laying out a figure on every
    slider move costs several times more than moving the lines (see benchmarks/)."""

    def __init__(self, default: pd.DataFrame) -> None:
        from matplotlib.ticker import MaxNLocator

        from pm_toolkit import viz

        self.fig, (left, right) = viz.new_axes(1, 2, figsize=(10.0, 3.6))
        self.fig.set_dpi(_DASH_DPI)
        weeks = default["period"]
        left.plot(weeks, default["customers"] / 1e5, color=viz.PALETTE[7], lw=1, ls="--",
                  label="default settings")  # fmt: skip
        (self.customers,) = left.plot(weeks, default["customers"] / 1e5, color=viz.PALETTE[0],
                                      lw=2, label="this run")  # fmt: skip
        (self.price,) = right.plot(weeks, default["price"], color=viz.PALETTE[0], lw=2,
                                   label="our price")  # fmt: skip
        (self.comp,) = right.plot(weeks, default["competitor_price"], color=viz.PALETTE[5],
                                  lw=1.5, label="competitor price")  # fmt: skip
        left.set_xlabel("Week")
        left.set_ylabel("Customers (lakh)")
        right.set_xlabel("Week")
        right.set_ylabel("Price of an average order (₹)")
        right.yaxis.set_major_formatter(viz.RUPEES)
        for ax in (left, right):  # few ticks: text layout is most of the drawing time
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.legend(frameon=False, loc="lower right")
        self.left, self.right, self.default = left, right, default
        self.fig.tight_layout()

    def draw(self, frame: pd.DataFrame) -> None:
        self.customers.set_ydata(frame["customers"] / 1e5)
        self.price.set_ydata(frame["price"])
        self.comp.set_ydata(frame["competitor_price"])
        customers_title, price_title = _run_titles(frame, self.default)
        self.left.set_title(customers_title, loc="left")
        self.right.set_title(price_title, loc="left")
        for ax in (self.left, self.right):
            ax.relim()
            ax.autoscale_view()
        self.right.set_ylim(bottom=0)


_DASH_DPI = 80


def _run_titles(frame: pd.DataFrame, default: pd.DataFrame) -> tuple[str, str]:
    """The two charts' findings, the same whether drawn as SVG or with matplotlib."""
    change = frame["customers"].iloc[-1] / default["customers"].iloc[-1] - 1
    gap = frame["price"].iloc[-1] / frame["competitor_price"].iloc[-1] - 1
    return (
        f"{100 * change:+.0f} % customers vs default after {len(frame)} weeks",
        f"Our price ends {100 * abs(gap):.0f} % {'below' if gap < 0 else 'above'} the competitor's",
    )


def svg_chart(
    x: Sequence[float],
    series: Sequence[tuple[Sequence[float], str, str, bool]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    fmt: Callable[[float], str] | None = None,
    width: int = 440,
    height: int = 260,
) -> str:
    """A small line chart as inline SVG: ``series`` are ``(values, colour, label, dashed)``.

    The course's shared :func:`pm_toolkit.viz_svg.line_chart` under the lesson's name; ``fmt``
    formats the y ticks. Drawing a few hundred points as SVG text takes well under a
    millisecond, where a matplotlib redraw takes tens to hundreds (benchmarks/bench_flywheel.py).

    >>> svg = svg_chart([0, 1, 2], [([1, 3, 2], "#0072B2", "demo", False)], title="Peak in week 1",
    ...                 xlabel="Week", ylabel="Orders")
    >>> svg.startswith("<svg") and "Peak in week 1" in svg
    True
    """
    return line_chart(x, series, title=title, xlabel=xlabel, ylabel=ylabel, yfmt=fmt,
                      width=width, height=height)  # fmt: skip


@dataclass(frozen=True)
class FlywheelView:
    """What the dashboard shows after a move: two charts and the run's summary.

    Its HTML face (two inline SVG charts plus the summary table) is what JupyterLab, VS Code and
    an HTML export display; its text face is the summary alone, for logs and tests.
    """

    summary: RunSummary
    frame: pd.DataFrame = field(repr=False, compare=False)
    default: pd.DataFrame = field(repr=False, compare=False)

    def charts(self) -> tuple[str, str]:
        from pm_toolkit import viz

        f, d = self.frame, self.default
        weeks = f["period"].to_numpy()
        customers_title, price_title = _run_titles(f, d)
        customers = svg_chart(
            weeks,
            [(d["customers"] / 1e5, viz.PALETTE[7], "default settings", True),
             (f["customers"] / 1e5, viz.PALETTE[0], "this run", False)],
            title=customers_title,
            xlabel="Week", ylabel="Customers (lakh)", fmt=lambda v: f"{v:,.0f}",
        )  # fmt: skip
        prices = svg_chart(
            weeks,
            [(f["price"], viz.PALETTE[0], "our price", False),
             (f["competitor_price"], viz.PALETTE[5], "competitor price", False)],
            title=price_title,
            xlabel="Week", ylabel="Price of an average order (₹)", fmt=viz.format_inr,
        )  # fmt: skip
        return customers, prices

    def __str__(self) -> str:
        return str(self.summary)

    def _repr_html_(self) -> str:
        customers, prices = self.charts()
        return (f"<div style='display:flex;flex-wrap:wrap;gap:8px'>{customers}{prices}</div>"
                f"{self.summary._repr_html_()}")  # fmt: skip


@dataclass(frozen=True)
class _FigureView:
    """The matplotlib variant of :class:`FlywheelView` (kept for the benchmark's comparison)."""

    summary: RunSummary
    figure: object = field(repr=False, compare=False)

    def _repr_html_(self) -> str:
        import base64
        import io

        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=_DASH_DPI, pil_kwargs={"compress_level": 1})
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        return f"<img src='data:image/png;base64,{data}'/>{self.summary._repr_html_()}"


def dashboard(
    params: FlywheelParams | None = None, periods: int = 260, *, chart: str = "svg"
) -> object:
    """The interactive wheel: sliders for the main knobs, the charts redrawn in place.

    Returns a :class:`pm_toolkit.viz.Dashboard`; ``dash.update(markup=0.4)`` does what moving
    the slider does, and ``dash.result`` is the :class:`FlywheelView` of the last run (its
    ``.summary`` holds the numbers). ``chart="matplotlib"`` draws with matplotlib instead of
    SVG (slower; kept to measure the difference).
    """
    import ipywidgets as w

    from pm_toolkit import viz

    if chart not in ("svg", "matplotlib"):
        raise ValueError(f"chart must be 'svg' or 'matplotlib'; got {chart!r}")
    base = params if params is not None else FlywheelParams()
    default = simulate(base, periods)
    picture = _RunFigure(default) if chart == "matplotlib" else None
    controls: dict[str, object] = {
        name: w.FloatSlider(value=getattr(base, name), min=lo, max=hi, step=step,
                            description=label, continuous_update=False,
                            style={"description_width": "initial"})
        for name, (lo, hi, step, label) in SLIDERS.items()
    }  # fmt: skip
    controls["seller_link"] = w.Checkbox(value=base.seller_link,
                                         description="new sellers add selection")  # fmt: skip

    def render(**values: object) -> FlywheelView | _FigureView:
        frame = simulate(replace(base, **values), periods)
        summary = summarise_run(frame, default)
        if picture is not None:
            picture.draw(frame)
            return _FigureView(summary, picture.fig)
        return FlywheelView(summary, frame, default)

    return viz.Dashboard(render, **controls)
