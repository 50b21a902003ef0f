"""What a check returns: an ``Outcome`` in one of five states, shown as icon + words.

The same record is rendered three ways (HTML in JupyterLab, Markdown for nbconvert/GitHub,
plain text for consoles and CI logs), so a learner sees the same words everywhere.

>>> from pm_toolkit.exercises.outcome import Outcome
>>> o = Outcome("incorrect", "You gave ₹1,834.20.", exercise_id="metrics.aov")
>>> o.text
'❌ Not yet: You gave ₹1,834.20.'
>>> o.correct
False
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["correct", "incorrect", "not_attempted", "invalid_input", "could_not_check"]

STATUSES: tuple[str, ...] = (
    "correct",
    "incorrect",
    "not_attempted",
    "invalid_input",
    "could_not_check",
)

#: Icon + words for each state: never colour alone (accessibility).
LABELS: dict[str, str] = {
    "correct": "✅ Correct",
    "incorrect": "❌ Not yet",
    "not_attempted": "○ Not attempted",
    "invalid_input": "⚠ Could not read that",
    "could_not_check": "⚠ Could not check",
}

#: Outcomes that count as an attempt in the progress view (the learner committed to an answer).
ATTEMPT_STATUSES = frozenset({"correct", "incorrect"})


class ExerciseNotCorrect(AssertionError):
    """Raised by ``check()`` in strict mode (``PM_TOOLKIT_STRICT=1``) for any outcome but correct.

    It subclasses AssertionError so that nbval and pytest report it as a failed check.
    """


@dataclass(frozen=True)
class Outcome:
    """The result of checking one answer.

    ``status`` is one of ``STATUSES``; ``message`` is plain text for the learner and never
    contains the expected value unless ``status == "correct"``. ``table`` holds optional rows
    (e.g. the per-case table of a function exercise), already free of expected values for
    checked cases.
    """

    status: Status
    message: str = ""
    exercise_id: str = ""
    explanation: str = ""
    table: tuple[tuple[str, ...], ...] = field(default=())
    table_header: tuple[str, ...] = field(default=())
    #: Shown whatever the state, e.g. the model answer once a judgement answer is written.
    reveal: str = ""
    #: The bound exercise that made it (set by ``check``), so its cell output stays current.
    live: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.status not in LABELS:
            raise ValueError(f"unknown outcome status {self.status!r}; use one of {STATUSES}")

    @property
    def correct(self) -> bool:
        """True only for a correct answer."""
        return self.status == "correct"

    @property
    def label(self) -> str:
        """Icon and words, e.g. "✅ Correct"."""
        return LABELS[self.status]

    @property
    def counts_as_attempt(self) -> bool:
        """Whether this outcome counts as "tried" in progress (not for unread or unchecked input)."""
        return self.status in ATTEMPT_STATUSES

    @property
    def text(self) -> str:
        """One line (or a few) of plain text: label, message and explanation."""
        parts = [self.label + (f": {self.message}" if self.message else "")]
        if self.table:
            parts.append(_text_table(self.table_header, self.table))
        if self.explanation and self.correct:
            parts.append(self.explanation)
        if self.reveal:
            parts.append(self.reveal)
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.label}**" + (f": {_md_escape(self.message)}" if self.message else "")]
        if self.table:
            header = self.table_header or tuple("" for _ in self.table[0])
            lines.append("")
            lines.append("| " + " | ".join(_md_escape(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            for row in self.table:
                lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
        if self.explanation and self.correct:
            lines += ["", _md_escape(self.explanation)]
        if self.reveal:
            lines += ["", _md_escape(self.reveal)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.html()

    def _ipython_display_(self) -> None:
        # A checked outcome is shown as an updatable output: when the same question is checked
        # again (in the widget, say), this output changes with it. One status per question.
        if self.live is not None:
            self.live.show_in_cell(self)
            return
        from pm_toolkit.exercises.render import show_live

        show_live(self, keep=False)

    def html(self) -> str:
        """HTML for the feedback area: learner values are escaped, theme colours are CSS vars."""
        body = f"<strong>{html.escape(self.label)}</strong>"
        if self.message:
            body += ": " + _html_lines(self.message)
        if self.table:
            body += _html_table(self.table_header, self.table)
        if self.explanation and self.correct:
            body += f"<div class='pm-explanation'>{_html_lines(self.explanation)}</div>"
        if self.reveal:
            body += f"<div class='pm-reveal'>{_html_lines(self.reveal)}</div>"
        # data-exercise: which question this status belongs to (the browser test checks that
        # every face of one question shows one status). An id, never an answer.
        return (
            f"<div class='pm-outcome pm-outcome-{self.status}' role='status' "
            f"data-exercise='{html.escape(self.exercise_id, quote=True)}' "
            f"style='color: var(--jp-content-font-color1, inherit)'>{body}</div>"
        )


def _html_lines(text: str) -> str:
    # Messages are written in Markdown (`column`, **word**); learner values in them are escaped.
    from pm_toolkit.exercises.render import markdown_html

    return markdown_html(text)


def _md_escape(text: str) -> str:
    # Learner values like "<class 'str'>" or "|" must not break the Markdown rendering.
    out = html.escape(str(text), quote=False)
    for ch in ("|", "*", "_", "`", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "  \n")


def _html_table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    thead = f"<thead><tr>{head}</tr></thead>" if header else ""
    return f"<table class='pm-case-table'>{thead}<tbody>{body}</tbody></table>"


def _text_table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    all_rows = [header, *rows] if header else list(rows)
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in all_rows
    )
