"""Small inline SVG charts for dashboards that must redraw in well under 100 ms.

A matplotlib redraw costs tens to hundreds of milliseconds on a small machine; writing a few
hundred points as SVG text costs well under one (see benchmarks/). These charts follow the
course style of :mod:`pm_toolkit.viz`: a title that states the finding, labelled axes with
units, round ("nice") ticks, a legend, Okabe–Ito colours (:data:`pm_toolkit.viz.PALETTE`),
and ``role='img'`` with a ``<title>`` for screen readers. All text is escaped.

- :func:`line_chart`: several series over one x axis (solid, dashed, or as steps);
- :func:`bar_chart`: signed horizontal bars, e.g. a gain or loss against a baseline;
- :func:`nice_ticks`: the round tick values both use.

>>> svg = line_chart([1, 2, 3], [Series([10, 20, 15], "orders")], title="Orders peak on day 2",
...                  xlabel="Day", ylabel="Orders")
>>> svg.startswith("<svg") and "<title>Orders peak on day 2</title>" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from typing import NamedTuple

import numpy as np

__all__ = ["Series", "bar_chart", "line_chart", "nice_ticks"]

_FONT = "font-family:sans-serif;font-size:11px;background:white"
_CHAR_PX = 6.2  # rough width of one 11 px sans-serif character, for layout
_TITLE_CHAR_PX = 7.2  # the same for the 12 px bold title


def _text_px(text: str) -> float:
    """Estimated width of a label in pixels (digits, ₹ and letters are all about this wide)."""
    return _CHAR_PX * len(text)


def _wrap(text: str, max_chars: int) -> list[str]:
    """Words in lines of at most ``max_chars`` (a long word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class Series(NamedTuple):
    """One line of a :func:`line_chart`. A plain tuple ``(values, colour, label, dashed)``
    works too; ``colour=None`` takes the next colour of the palette."""

    values: Sequence[float]
    label: str
    colour: str | None = None
    dashed: bool = False


def nice_ticks(lo: float, hi: float, n: int = 4, *, integer: bool = False) -> list[float]:
    """About ``n`` round tick values covering [lo, hi]: 1, 2, 2.5 or 5 × a power of ten.

    ``integer=True`` keeps the step a whole number (for days, weeks, counts).

    >>> nice_ticks(0, 97)
    [0.0, 25.0, 50.0, 75.0, 100.0]
    >>> nice_ticks(0.012, 0.031)
    [0.01, 0.015, 0.02, 0.025, 0.03, 0.035]
    >>> nice_ticks(1, 3, integer=True)
    [1.0, 2.0, 3.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"ticks need finite limits; got {lo!r} to {hi!r}")
    if not hi > lo:
        pad = max(abs(lo) * 0.05 or 1.0, 1.0 if integer else 0.0)
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, float(round(step))) if step >= 1 else 1.0
    digits = max(0, 2 - math.floor(math.log10(step)))
    first = math.floor(lo / step + 1e-9) * step
    count = math.ceil((hi - first) / step - 1e-9)
    return [round(first + k * step, digits) + 0.0 for k in range(count + 1)]


def _default_fmt(ticks: Sequence[float]) -> Callable[[float], str]:
    """Thousands separators, and just enough decimals to tell the ticks apart."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0 if step >= 1 or step == 0 else min(6, -math.floor(math.log10(step)) + 1)
    if decimals and all(round(t, decimals - 1) == t for t in ticks):
        decimals -= 1
    return lambda v: f"{v:,.{decimals}f}"


def _title_lines(width: int, title: str) -> list[str]:
    return _wrap(title, max(int((width - 8) / _TITLE_CHAR_PX), 10))


def _open(width: int, height: int, title: str, desc: str) -> list[str]:
    """The SVG's opening, with the title wrapped to the width (a title is never cut off)."""
    heads = "".join(
        f"<text x='4' y='{16 + 15 * k}' font-weight='bold' font-size='12'>{escape(line)}</text>"
        for k, line in enumerate(_title_lines(width, title))
    )
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' style='{_FONT}'>",
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        heads,
    ]


def _no_data(width: int, height: int, title: str, message: str) -> str:
    return "".join(
        [
            *_open(width, height, title, message),
            f"<text x='{width / 2:.0f}' y='{height / 2:.0f}' text-anchor='middle' "
            f"fill='#666'>{escape(message)}</text></svg>",
        ]
    )


def _legend(
    items: Sequence[tuple[str, str, bool]], x0: float, x1: float, y: float
) -> tuple[list[str], float]:
    """A legend laid out in rows between x0 and x1 from height y; returns (SVG, rows height)."""
    out: list[str] = []
    x, row = x0, 0
    for label, colour, dashed in items:
        need = 26 + _CHAR_PX * len(label) + 12
        if x > x0 and x + need > x1:
            x, row = x0, row + 1
        ly = y + 14 * row
        dash = " stroke-dasharray='5,4'" if dashed else ""
        out.append(
            f"<line x1='{x:.0f}' x2='{x + 20:.0f}' y1='{ly}' y2='{ly}' stroke='{escape(colour)}' "
            f"stroke-width='{1.2 if dashed else 2.2}'{dash}/>"
            f"<text x='{x + 24:.0f}' y='{ly + 4}'>{escape(label)}</text>"
        )
        x += need
    return out, 14 * row


def line_chart(
    x: Sequence[float],
    series: Sequence[Series | tuple],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    yfmt: Callable[[float], str] | None = None,
    xfmt: Callable[[float], str] | None = None,
    step: bool = False,
    width: int = 440,
    height: int = 260,
) -> str:
    """A line chart as inline SVG (a string: wrap it in ``IPython.display.HTML`` to show it).

    ``series`` are :class:`Series` or tuples ``(values, colour, label, dashed)``, each as long
    as ``x``. ``step=True`` holds each value until the next x (prices, stock levels). NaN
    values break a line (days without data are not drawn as zero); a series with no number at
    all is kept in the legend as "(no data)"; with no number anywhere, the chart says so.
    The y axis starts at zero when the data sit well above it. ``yfmt``/``xfmt`` format the
    tick labels (e.g. :func:`pm_toolkit.viz.format_inr`).

    >>> svg = line_chart([0, 1, 2], [([1, 3, 2], "#0072B2", "this run", False),
    ...                               Series([2, 2, 2], "default", dashed=True)],
    ...                  title="Peak in week 1", xlabel="Week", ylabel="Orders")
    >>> svg.count("<polyline"), "stroke-dasharray" in svg, "role='img'" in svg
    (2, True, True)
    >>> "No data" in line_chart([0, 1], [Series([math.nan] * 2, "x")], title="t", xlabel="",
    ...                         ylabel="")
    True
    """
    from pm_toolkit.viz import PALETTE

    xs = np.asarray(x, dtype=float).ravel()
    lines: list[tuple[np.ndarray, str, str, bool]] = []
    for k, s in enumerate(series):
        s = _as_series(s)
        vals = np.asarray(s.values, dtype=float).ravel()
        if vals.size != xs.size:
            raise ValueError(
                f"series {s.label!r} has {vals.size} values but x has {xs.size}; "
                "give one value per x"
            )
        lines.append((vals, s.colour or PALETTE[k % len(PALETTE)], str(s.label), bool(s.dashed)))
    finite = [v[np.isfinite(v) & np.isfinite(xs)] for v, *_ in lines]
    if not any(f.size for f in finite):
        return _no_data(width, height, title, "No data to chart for this choice")

    right, bottom = 12, 42
    top = 40 + 15 * (len(_title_lines(width, title)) - 1)
    lo = min(float(f.min()) for f in finite if f.size)
    hi = max(float(f.max()) for f in finite if f.size)
    lo = min(lo, 0.0) if lo >= 0 and lo < 0.5 * hi else lo
    yt = nice_ticks(lo, hi)
    y0, y1 = yt[0], yt[-1]
    fx = xs[np.isfinite(xs)]
    x0, x1 = float(fx.min()), float(fx.max())
    if not x1 > x0:
        x0, x1 = x0 - 0.5, x0 + 0.5
    # Margins from the labels themselves, so "₹2,00,000" is never cut to "₹2,00,0".
    yfmt = yfmt or _default_fmt(yt)
    integer = bool(np.all(fx == np.round(fx)))
    xt = [t for t in nice_ticks(x0, x1, 5, integer=integer) if x0 <= t <= x1]
    xfmt = xfmt or _default_fmt(xt)
    left = max(62, int(24 + max(_text_px(yfmt(t)) for t in yt)))
    if xt and x1 > x0:
        right = max(right, int(_text_px(xfmt(xt[-1])) / 2 + 4))
    legend_items = [(lab if f.size else f"{lab} (no data)", c, d)
                    for (_, c, lab, d), f in zip(lines, finite, strict=True)]  # fmt: skip
    legend, extra = _legend(legend_items, left, width - right, top - 10)
    top += extra
    pw, ph = width - left - right, height - top - bottom

    def px(v: np.ndarray) -> np.ndarray:
        return left + (v - x0) / (x1 - x0) * pw

    def py(v: np.ndarray) -> np.ndarray:
        return top + ph - (v - y0) / (y1 - y0) * ph

    desc = f"Line chart of {ylabel} against {xlabel}: " + ", ".join(i[0] for i in legend_items)
    out = _open(width, height, title, desc)
    for t in yt:
        y = float(py(np.float64(t)))
        out.append(
            f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
            f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end'>{escape(yfmt(t))}</text>"
        )
    for t in xt:
        out.append(
            f"<text x='{float(px(np.float64(t))):.1f}' y='{top + ph + 15}' "
            f"text-anchor='middle'>{escape(xfmt(t))}</text>"
        )
    out.append(
        f"<line x1='{left}' x2='{left}' y1='{top}' y2='{top + ph}' stroke='#444'/>"
        f"<line x1='{left}' x2='{left + pw}' y1='{top + ph}' y2='{top + ph}' stroke='#444'/>"
        f"<text x='{left + pw / 2:.0f}' y='{height - 6}' text-anchor='middle'>"
        f"{escape(xlabel)}</text>"
        f"<text transform='translate(12,{top + ph / 2:.0f}) rotate(-90)' "
        f"text-anchor='middle'>{escape(ylabel)}</text>"
    )
    for vals, colour, _label, dashed in lines:
        dash = " stroke-dasharray='5,4'" if dashed else ""
        style = f"stroke='{escape(colour)}' stroke-width='{1.2 if dashed else 2.2}'{dash}"
        for a, b in _runs(xs, vals, step):
            if a.size == 1:
                out.append(
                    f"<circle cx='{float(px(a)[0]):.1f}' cy='{float(py(b)[0]):.1f}' r='2' "
                    f"fill='{escape(colour)}'/>"
                )
                continue
            pts = " ".join(f"{p:.1f},{q:.1f}" for p, q in zip(px(a), py(b), strict=True))
            out.append(f"<polyline fill='none' {style} points='{pts}'/>")
    out.extend(legend)
    out.append("</svg>")
    return "".join(out)


def _as_series(s: Series | tuple) -> Series:
    if isinstance(s, Series):
        return s
    if len(s) == 4:  # (values, colour, label, dashed), as the flywheel lesson writes them
        values, colour, label, dashed = s
        return Series(values, label, colour, dashed)
    return Series(*s)


def _runs(xs: np.ndarray, ys: np.ndarray, step: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """The unbroken stretches of finite points, as step outlines if ``step``."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    if ok.all():
        bounds = [(0, xs.size)]
    else:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], ok.astype(np.int8), [0]))))
        bounds = list(zip(edges[::2], edges[1::2], strict=True))
    out = []
    for i, j in bounds:
        a, b = xs[i:j], ys[i:j]
        if step and a.size > 1:  # corners only where the value changes, then the last x
            at = np.flatnonzero(b[1:] != b[:-1]) + 1
            a = np.concatenate(([a[0]], np.repeat(a[at], 2), [a[-1]]))
            b = np.concatenate(([b[0]], np.column_stack((b[at - 1], b[at])).ravel(), [b[-1]]))
        out.append((a, b))
    return out


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    fmt: Callable[[float], str] | None = None,
    colours: tuple[str, str] | None = None,
    width: int = 440,
    height: int | None = None,
) -> str:
    """Horizontal bars from a zero line, as inline SVG: gains to the right, losses to the left.

    ``colours`` are (gain, loss); by default blue and vermillion from the palette, so the sign
    also shows without colour (bars point left or right, and each carries its value). NaN
    values are left out with a "no data" note.

    >>> svg = bar_chart(["every 1 h", "every 1 h + guardrails"], [1200.0, -300.0],
    ...                 title="Hourly pricing gains most", xlabel="margin vs static (₹)")
    >>> svg.count("<rect"), "every 1 h + guardrails" in svg
    (2, True)
    """
    from pm_toolkit.viz import PALETTE

    vals = np.asarray(values, dtype=float).ravel()
    if vals.size != len(labels):
        raise ValueError(f"{len(labels)} labels but {vals.size} values; give one per bar")
    height = height or 40 + 30 * max(len(labels), 1) + 42
    if not np.isfinite(vals).any():
        return _no_data(width, height, title, "No data to chart for this choice")
    gain, loss = colours or (PALETTE[0], PALETTE[5])
    extra = 15 * (len(_title_lines(width, title)) - 1)
    height += extra
    finite = vals[np.isfinite(vals)]
    reach = max(float(np.abs(finite).max()), 1e-12) * 1.15
    xt = nice_ticks(min(-reach, float(finite.min())), max(reach, float(finite.max())), 4)
    x0, x1 = xt[0], xt[-1]
    fmt = fmt or _default_fmt(xt)
    # The edge tick labels are centred on the edges: keep half of each inside the picture.
    edge = max(_text_px(fmt(xt[0])), _text_px(fmt(xt[-1]))) / 2 + 4
    left = max(12 + _text_px(max((str(lab) for lab in labels), key=len, default="")), edge)
    right, top, bottom = max(16, edge), 40 + extra, 42
    pw, ph = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + (v - x0) / (x1 - x0) * pw

    desc = f"Bar chart of {xlabel}: " + ", ".join(
        f"{lab} {fmt(v) if math.isfinite(v) else 'no data'}"
        for lab, v in zip(labels, vals, strict=True)
    )
    out = _open(width, height, title, desc)
    for t in xt:
        out.append(
            f"<line x1='{px(t):.1f}' x2='{px(t):.1f}' y1='{top}' y2='{top + ph}' stroke='#ddd'/>"
            f"<text x='{px(t):.1f}' y='{top + ph + 15}' text-anchor='middle'>"
            f"{escape(fmt(t))}</text>"
        )
    band = ph / max(len(labels), 1)
    zero = px(0.0)
    for k, (lab, v) in enumerate(zip(labels, vals, strict=True)):
        yc = top + band * (k + 0.5)
        out.append(
            f"<text x='{left - 6:.0f}' y='{yc + 4:.1f}' text-anchor='end'>{escape(str(lab))}</text>"
        )
        if not math.isfinite(v):
            out.append(f"<text x='{zero + 4:.1f}' y='{yc + 4:.1f}' fill='#666'>no data</text>")
            continue
        a, b = sorted((zero, px(float(v))))
        colour = gain if v >= 0 else loss
        out.append(
            f"<rect x='{a:.1f}' y='{yc - band * 0.3:.1f}' width='{max(b - a, 0.5):.1f}' "
            f"height='{band * 0.6:.1f}' fill='{escape(colour)}'/>"
        )
        need = _CHAR_PX * (len(fmt(v)) + 1)
        room = (width - 2 - b) if v >= 0 else (a - left)  # outside the bar, inside the picture
        inside = b - a > need or room < need
        tx, anchor, fill = (
            ((b - 4, "end", "white") if v >= 0 else (a + 4, "start", "white"))
            if inside
            else ((b + 4, "start", "#222") if v >= 0 else (a - 4, "end", "#222"))
        )
        out.append(
            f"<text x='{tx:.1f}' y='{yc + 4:.1f}' text-anchor='{anchor}' fill='{fill}'>"
            f"{escape(fmt(float(v)))}</text>"
        )
    out.append(
        f"<line x1='{zero:.1f}' x2='{zero:.1f}' y1='{top}' y2='{top + ph}' stroke='#444'/>"
        f"<text x='{left + pw / 2:.0f}' y='{height - 6}' text-anchor='middle'>"
        f"{escape(xlabel)}</text></svg>"
    )
    return "".join(out)
