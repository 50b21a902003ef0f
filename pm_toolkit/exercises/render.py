"""HTML, Markdown and text faces of an exercise prompt, for when widgets are not live.

nbconvert, GitHub, VS Code after a reopen and CI logs all show these; the widget shows the
same prompt and the same Outcome text. Learner values are escaped; no expected value or
answer key is ever put in HTML attributes.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pm_toolkit.exercises.bound import BoundExercise
    from pm_toolkit.exercises.outcome import Outcome

# JupyterLab theme variables keep text readable in dark themes; fallbacks for other front ends.
_BOX_STYLE = (
    "border-left: 4px solid var(--jp-brand-color1, #1976d2); padding: 6px 10px; "
    "margin: 4px 0; color: var(--jp-content-font-color1, inherit)"
)


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


def markdown_html(text: str) -> str:
    """The Markdown authors write in prompts and messages, as HTML: `code`, **bold**, *italic*,
    paragraphs and "- " lists. Everything is escaped first, so no text can inject HTML.

    >>> markdown_html("Sum `net_value` for **delivered** orders")
    'Sum <code>net_value</code> for <strong>delivered</strong> orders'
    >>> markdown_html("<b>x</b> and city_tier")
    '&lt;b&gt;x&lt;/b&gt; and city_tier'
    """
    blocks = re.split(r"\n\s*\n", str(text).strip())
    out = []
    for block in blocks:
        lines = block.splitlines()
        if len(lines) > 1 and all(_LIST_ITEM.match(ln) for ln in lines):
            items = "".join(f"<li>{_inline(_LIST_ITEM.sub('', ln))}</li>" for ln in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append("<br>".join(_inline(ln) for ln in lines))
    return out[0] if len(out) == 1 else "".join(f"<p>{b}</p>" for b in out)


def _inline(text: str) -> str:
    codes: list[str] = []

    def keep(m: re.Match[str]) -> str:  # code spans are literal: no bold or italic inside
        codes.append(f"<code>{m.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    out = _CODE.sub(keep, html.escape(text, quote=False))
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], out)


def plain_label(text: str) -> str:
    """Option text without Markdown marks, for controls that show plain text (radio, checkbox).

    >>> plain_label("Sum `net_value` of **delivered** orders")
    'Sum net_value of delivered orders'
    """
    out = _CODE.sub(r"\1", str(text))
    out = _BOLD.sub(r"\1", out)
    return _ITALIC.sub(r"\1", out)


def _how_to(b: BoundExercise) -> str:
    style = b.exercise.kind.input_style
    if style in {"radio", "checkboxes", "ordering"}:
        return f"Answer: {b.handle}.check(...) with the option text, e.g. {b.handle}.check('…')"
    if style == "judgement":
        return f"Answer: {b.handle}.check('your words'), then tick the rubric: {b.handle}.check(text, ticks=[1, 2])"
    if style == "variable":
        name = b.exercise.variable or "answer"
        return f"Answer: {b.handle}.check({name})"
    return f"Answer: type it in the box and press Check, or run {b.handle}.check(your_answer)"


def _options_lines(b: BoundExercise) -> list[str]:
    from pm_toolkit.exercises.widget import display_options

    opts = display_options(b)
    return [f"- {o}" for o in opts] if opts else []


def prompt_markdown(b: BoundExercise) -> str:
    """The prompt as Markdown (with the last saved outcome)."""
    from pm_toolkit.exercises.outcome import _md_escape

    ex = b.exercise
    # The prompt is the author's Markdown: kept as Markdown, only HTML is neutralised.
    prompt = html.escape(ex.prompt, quote=False)
    lines = [f"**{_md_escape(b.handle)}: {_md_escape(ex.title)}**", "", prompt]
    opts = _options_lines(b)
    if opts:
        lines += ["", *[_md_escape(o) for o in opts]]
    lines += ["", f"_{_md_escape(_how_to(b))}_"]
    last = b.last_outcome()
    if last is not None:
        lines += ["", last._repr_markdown_()]
    return "\n".join(lines)


def prompt_html(b: BoundExercise) -> str:
    """The prompt alone as HTML (the top of the widget)."""
    ex = b.exercise
    body = markdown_html(ex.prompt)
    return (
        f"<div class='pm-prompt'><strong>{html.escape(b.handle)}: {html.escape(ex.title)}</strong>"
        f"<div>{body}</div></div>"
    )


def exercise_html(b: BoundExercise) -> str:
    """Prompt, options, how to answer and the last saved outcome, as one HTML block."""
    opts = _options_lines(b)
    opt_html = (
        "<ul>" + "".join(f"<li>{markdown_html(o[2:])}</li>" for o in opts) + "</ul>" if opts else ""
    )
    last = b.last_outcome()
    last_html = f"<div class='pm-feedback'>{last.html()}</div>" if last is not None else ""
    return (
        f"<div class='pm-exercise pm-static' style='{_BOX_STYLE}'>{prompt_html(b)}{opt_html}"
        f"<div><em>{html.escape(_how_to(b))}</em></div>{last_html}</div>"
    )


def show_live(outcome: Outcome, *, update: bool = False, keep: bool = True) -> bool:
    """Display an outcome in the cell output (or, with ``update``, replace every output shown
    for the same question). Returns whether an updatable output was made.

    All outputs of one question share one display id, so a later check updates them together.
    """
    try:
        from IPython.display import display, update_display
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    bundle = {
        "text/plain": outcome.text,
        "text/html": outcome.html(),
        "text/markdown": outcome._repr_markdown_(),
    }
    display_id = f"pm-outcome-{outcome.exercise_id}" if keep and outcome.exercise_id else None
    if update:
        if display_id:
            update_display(bundle, display_id=display_id, raw=True)
        return False
    if display_id:
        display(bundle, display_id=display_id, raw=True)
        return True
    display(bundle, raw=True)
    return False
