"""The course-level progress view: per lesson done / tried / not started, hints, what next.

>>> from pm_toolkit.exercises.progress_view import progress
>>> import tempfile
>>> from pm_toolkit.exercises.store import ProgressStore
>>> view = progress(store=ProgressStore(tempfile.mkdtemp(), learner="asha"))
>>> view.lessons[0].key, view.lessons[0].done
('start_here', 0)
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import Any

from pm_toolkit.exercises.store import ProgressStore


@dataclass(frozen=True)
class LessonProgress:
    """One lesson's counts. ``next_exercise`` is the first exercise not done yet ("" if all done)."""

    key: str
    title: str
    notebook: str
    total: int
    done: int
    tried: int
    not_started: int
    hints: int
    solutions: int
    next_exercise: str = ""

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class CourseProgress:
    """The whole course for one learner; shows as a table (HTML) or text."""

    learner: str
    lessons: tuple[LessonProgress, ...]
    next_step: str

    @property
    def done(self) -> int:
        return sum(lp.done for lp in self.lessons)

    @property
    def total(self) -> int:
        return sum(lp.total for lp in self.lessons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "done": self.done,
            "total": self.total,
            "next_step": self.next_step,
            "lessons": [asdict(lp) for lp in self.lessons],
        }

    @property
    def text(self) -> str:
        head = ("lesson", "done", "tried", "not started", "hints", "solutions")
        rows = [head] + [
            (
                f"{lp.title} ({lp.key})",
                f"{lp.done}/{lp.total}",
                str(lp.tried),
                str(lp.not_started),
                str(lp.hints),
                str(lp.solutions),
            )
            for lp in self.lessons
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = [f"Progress of {self.learner}: {self.done} of {self.total} exercises done"]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        lines.append(f"Next: {self.next_step}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        def mark(lp: LessonProgress) -> str:
            if lp.finished:
                return "✅ done"
            if lp.done or lp.tried:
                return "◐ in progress"
            return "○ not started"

        rows = "".join(
            f"<tr><td>{html.escape(lp.title)} <code>{html.escape(lp.key)}</code></td>"
            f"<td>{mark(lp)}</td><td>{lp.done}/{lp.total}</td><td>{lp.tried}</td>"
            f"<td>{lp.not_started}</td><td>{lp.hints}</td><td>{lp.solutions}</td></tr>"
            for lp in self.lessons
        )
        return (
            "<div class='pm-progress'>"
            f"<strong>Progress of {html.escape(self.learner)}: {self.done} of {self.total} exercises done"
            "</strong><table><thead><tr><th>lesson</th><th>status</th><th>done</th><th>tried</th>"
            "<th>not started</th><th>hints used</th><th>solutions seen</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>Next: {html.escape(self.next_step)}</p></div>"
        )


def progress(*, learner: str | None = None, store: ProgressStore | None = None) -> CourseProgress:
    """Build the progress view from the store and the registered exercises.

    The exercises' ids and titles come from the light exercise catalog
    (``pm_toolkit.course.catalog``), so a learner's kernel does not import every lesson.
    """
    from pm_toolkit.course import LESSONS
    from pm_toolkit.course.catalog import catalog

    store = store or ProgressStore(learner=learner)
    summary = store.summary()
    have = {entry.key: entry.exercises for entry in catalog()}
    lessons: list[LessonProgress] = []
    for key, _mod, notebook, title in LESSONS:
        if key not in have:
            continue
        exercises = have[key]
        done = tried = hints = solutions = 0
        next_ex = ""
        for i, ex in enumerate(exercises, 1):
            entry = summary.get(ex.id) or {}
            hints += int(entry.get("hints", 0))
            solutions += bool(entry.get("solution"))
            if entry.get("done"):
                done += 1
                continue
            if entry.get("tries", 0) or entry.get("attempts", 0):
                tried += 1
            if not next_ex:
                next_ex = f"q{i} {ex.title}"
        lessons.append(
            LessonProgress(
                key=key,
                title=title,
                notebook=notebook,
                total=len(exercises),
                done=done,
                tried=tried,
                not_started=len(exercises) - done - tried,
                hints=hints,
                solutions=solutions,
                next_exercise=next_ex,
            )
        )
    next_step = "All done: well played!"
    for lp in lessons:
        if not lp.finished and lp.total:
            next_step = f"{lp.title}: open {lp.notebook}, {lp.next_exercise}"
            break
    return CourseProgress(learner=store.learner, lessons=tuple(lessons), next_step=next_step)
