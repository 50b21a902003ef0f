"""Writing a graded cohort: ``gradebook.csv``, ``submissions.csv`` and a one-page ``summary.html``.

The summary is what an instructor looks at after the workshop: per exercise how many solved it
and which declared mistakes were most common (from the exercises' own wrong-answer messages),
per learner their totals, and every file that could not be graded and why.

>>> from pm_toolkit.instructor.grade import Gradebook, GradeRow
>>> book = Gradebook("demo", "2026-01-01", (GradeRow("a@x.in", "A", "start_here",
...     "start_here.aov", "AOV", "correct", 1),), ())
>>> "1 of 1" in summary_html(book)
True
"""

from __future__ import annotations

import csv
import dataclasses
import html
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pm_toolkit.exercises.outcome import LABELS

if TYPE_CHECKING:
    from pm_toolkit.instructor.grade import Gradebook

_EXTRA_LABELS = {
    "not_submitted": "— Not handed in",
    "unverified": "? Could not re-check",
    "graded": "✅ Graded",
    "timed_out": "⚠ Timed out",
    "kernel_died": "⚠ Kernel died",
    "failed": "⚠ Could not run",
    "invalid_json": "⚠ Not valid JSON",
    "invalid_notebook": "⚠ Not a notebook",
    "invalid_export": "⚠ Not a progress export",
    "no_learner": "? No learner on the roster",
    "not_a_submission": "· Skipped",
}


def label(status: str) -> str:
    """Icon and words for a status (never colour alone)."""
    return LABELS.get(status) or _EXTRA_LABELS.get(status, status)


def write_outputs(book: Gradebook, out_dir: Path) -> Gradebook:
    """Write the three files into ``out_dir``; return the gradebook with ``out_dir`` set."""
    from pm_toolkit.instructor.grade import GRADEBOOK_COLUMNS

    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "gradebook.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(GRADEBOOK_COLUMNS)
        for r in book.rows:
            w.writerow(r.as_csv())
    with open(out_dir / "submissions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "kind", "learner", "status", "seconds", "message"])
        for s in book.submissions:
            w.writerow([s.file, s.kind, s.learner, s.status, f"{s.seconds:.1f}", s.message])
    book = dataclasses.replace(book, out_dir=out_dir)
    (out_dir / "summary.html").write_text(summary_html(book), encoding="utf-8")
    return book


def _e(x: object) -> str:
    return html.escape(str(x))


def summary_html(book: Gradebook, *, full_page: bool = True) -> str:
    """The one-page summary (a whole HTML document, or a fragment for a notebook)."""
    rows = book.rows
    learners = list(dict.fromkeys(r.learner for r in rows))
    exercises = list(dict.fromkeys(r.exercise for r in rows))
    parts = [
        f"<h1>Gradebook: cohort {_e(book.cohort)}</h1>",
        f"<p>Generated {_e(book.created)} · {len(learners)} learners · {len(exercises)} exercises · "
        f"{len(book.submissions)} files handed in · {len(book.problems())} with problems"
        + (f" · graded in {book.seconds:.0f} s" if book.seconds else "")
        + ". Every answer was re-checked by the grader; statuses saved by learners were not used.</p>",
        "<h2>Per exercise</h2>",
        "<table><thead><tr><th>exercise</th><th>solved</th><th>tried, not solved</th>"
        "<th>most common mistakes (learners)</th></tr></thead><tbody>",
    ]
    for ex_id in exercises:
        ex_rows = [r for r in rows if r.exercise == ex_id]
        handed = [r for r in ex_rows if r.status != "not_submitted"]
        solved = sum(r.status == "correct" for r in ex_rows)
        tried = sum(r.status in ("incorrect", "invalid_input") for r in ex_rows)
        counts = Counter(m for r in ex_rows for m in set(r.mistakes))
        mistakes = "<br>".join(f"{n} × {_e(m)}" for m, n in counts.most_common(3)) or "—"
        parts.append(
            f"<tr><td><code>{_e(ex_id)}</code><br>{_e(ex_rows[0].title)}</td>"
            f"<td>{solved} of {len(handed)}</td><td>{tried}</td><td>{mistakes}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts += [
        "<h2>Per learner</h2>",
        "<table><thead><tr><th>learner</th><th>solved</th><th>tried, not solved</th>"
        "<th>not attempted</th><th>not handed in</th><th>hints</th><th>solutions viewed</th>"
        "</tr></thead><tbody>",
    ]
    for lid in learners:
        mine = [r for r in rows if r.learner == lid]
        c = Counter(r.status for r in mine)
        parts.append(
            f"<tr><td>{_e(mine[0].name)}"
            + (f"<br><small>{_e(lid)}</small>" if mine[0].name != lid else "")
            + "</td>"
            f"<td>{c['correct']} of {len(mine)}</td><td>{c['incorrect'] + c['invalid_input']}</td>"
            f"<td>{c['not_attempted']}</td><td>{c['not_submitted']}</td>"
            f"<td>{sum(r.hints_used for r in mine)}</td>"
            f"<td>{sum(r.solution_viewed for r in mine)}</td></tr>"
        )
    parts.append("</tbody></table>")
    problems = book.problems()
    parts.append("<h2>Problems with submissions</h2>")
    if problems:
        parts.append(
            "<table><thead><tr><th>file</th><th>learner</th><th>status</th><th>what happened</th>"
            "</tr></thead><tbody>"
        )
        for s in problems:
            parts.append(
                f"<tr><td>{_e(s.file)}</td><td>{_e(s.learner or '—')}</td>"
                f"<td>{_e(label(s.status))}</td><td>{_e(s.message)}</td></tr>"
            )
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None: every file was graded.</p>")
    body = "\n".join(parts)
    if not full_page:
        return f"<div class='pm-gradebook'>{body}</div>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Gradebook {_e(book.cohort)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1rem}"
        "th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top;"
        "font-size:.9rem}th{background:#eee}@media print{body{margin:0}h2{break-after:avoid}}"
        f"</style></head><body>\n{body}\n</body></html>\n"
    )
