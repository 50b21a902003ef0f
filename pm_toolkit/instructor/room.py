"""A live view of the room for the instructor: where the cohort is stuck, right now.

Built from the learners' progress stores on the hub (readable by the instructors' group only,
see ``hubspace``), refreshed while the workshop runs: ``pm-toolkit hub room`` rewrites an HTML
page every N seconds (the page reloads itself), and ``watch_room`` updates a notebook output.

What it shows, per question in course order: how many learners started and solved it, how many
are stuck (two or more wrong tries and not solved), hints and solutions opened, and the most
common wrong answers, grouped by the feedback they got (two learners' numbers differ because
their data differ, but "you divided by visitors, not sessions" is the same mistake). The page is
safe to project: no names and no right answers, only counts and wrong-answer feedback. With
``names=True`` it lists who is stuck where, for the instructor's eyes only.

>>> room = room_from({"asha": {"metrics.aov": {"status": "incorrect", "tries": 2, "hints": 1}}})
>>> room.most_stuck().exercise, room.most_stuck().stuck
('metrics.aov', 1)
"""

from __future__ import annotations

import html
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pm_toolkit.instructor.collect import events, store_folder, summary_of
from pm_toolkit.instructor.hubspace import layout

#: Wrong tries (incorrect or unreadable answers) after which an unsolved question counts as stuck.
STUCK_AFTER = 2


@dataclass(frozen=True)
class QuestionStats:
    """One question across the room."""

    exercise: str
    title: str
    started: int
    solved: int
    stuck: int
    wrong_tries: int
    hints: int
    learners_with_hints: int
    solutions: int
    common_wrong: tuple[tuple[str, int], ...]  # (feedback, learners who got it)
    stuck_learners: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Room:
    """A snapshot of the room: per-question stats, learners seen, when it was taken."""

    questions: tuple[QuestionStats, ...]
    learners: int
    active: int
    taken: str
    names: bool = False

    def most_stuck(self) -> QuestionStats | None:
        """The question most learners are stuck on (ties: the most wrong tries), or None."""
        stuck = [q for q in self.questions if q.stuck]
        return max(stuck, key=lambda q: (q.stuck, q.wrong_tries), default=None)

    def __str__(self) -> str:
        top = self.most_stuck()
        head = f"{self.active} of {self.learners} learners active ({self.taken})"
        if top is None:
            return head + "; nobody is stuck"
        return f"{head}; most stuck: {top.exercise} ({top.stuck} learners)"

    def _repr_html_(self) -> str:
        return room_html(self, full_page=False)


def _lesson_order() -> dict[str, int]:
    from pm_toolkit.course import LESSONS

    return {key: i for i, (key, *_rest) in enumerate(LESSONS)}


def _titles(ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each known exercise's (position in its lesson, title): the room lists questions in the
    order learners meet them (q1, q2, …)."""
    titles: dict[str, tuple[int, str]] = {}
    try:
        from pm_toolkit.course import exercises_for

        for lesson in sorted({i.split(".", 1)[0] for i in ids}):
            try:
                titles.update({e.id: (n, e.title) for n, e in enumerate(exercises_for(lesson))})
            except Exception:
                continue  # a lesson under construction: show ids without titles
    except Exception:
        pass
    return titles


def mistake_of(message: str, answer: str = "") -> str:
    """The feedback of a wrong answer without the learner's own answer echoed in it.

    >>> mistake_of("You gave 84 / 3000 for `conversion`. That is per session.", "84 / 3000")
    'That is per session.'
    """
    text = " ".join(str(message).split())
    if answer:
        text = text.replace(" ".join(str(answer).split()), "…")
    # the engine opens with "You gave <answer> for `x`." (or similar): keep what follows it
    first, sep, rest = text.partition(". ")
    if sep and "…" in first and rest:
        text = rest
    return text.replace("…", "(their answer)")


def _mistakes_from(evs: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for ev in evs:
        wrong = ev.get("status") in ("incorrect", "invalid_input")
        if ev.get("action") == "check" and wrong and ev.get("message"):
            msg = mistake_of(ev["message"], ev.get("answer") or "")
            out.setdefault(ev["exercise"], set()).add(msg)
    return out


def room_from(
    progress: dict[str, dict[str, dict[str, Any]]],
    *,
    mistakes: dict[str, dict[str, set[str]]] | None = None,
    names: bool = False,
) -> Room:
    """A room from ``{learner: {exercise id: summary entry}}`` (the progress store's summary).

    ``mistakes``: ``{learner: {exercise id: feedback of every wrong try}}``; without it only
    each learner's last feedback counts.
    """
    if mistakes is None:
        mistakes = {
            lr: {
                ex: {mistake_of(e["message"], e.get("answer") or "")}
                for ex, e in exs.items()
                if e.get("status") in ("incorrect", "invalid_input") and e.get("message")
            }
            for lr, exs in progress.items()
        }
    per_ex: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    active = 0
    for learner, exercises in progress.items():
        active += any(e.get("tries", 0) or e.get("hints", 0) for e in exercises.values())
        for ex_id, entry in exercises.items():
            per_ex.setdefault(ex_id, []).append((learner, entry))
    order = _lesson_order()
    titles = _titles(per_ex)
    rows = []
    for ex_id, entries in per_ex.items():
        started = [(lr, e) for lr, e in entries if e.get("tries", 0) > 0]
        solved = [lr for lr, e in entries if e.get("status") == "correct"]
        stuck = [
            lr
            for lr, e in started
            if e.get("status") != "correct" and _wrong_tries(e) >= STUCK_AFTER
        ]
        wrong = Counter(m for lr, _e in entries for m in mistakes.get(lr, {}).get(ex_id, ()))
        rows.append(
            QuestionStats(
                exercise=ex_id,
                title=titles.get(ex_id, (0, ""))[1],
                started=len(started),
                solved=len(solved),
                stuck=len(stuck),
                wrong_tries=sum(_wrong_tries(e) for _lr, e in entries),
                hints=sum(int(e.get("hints", 0) or 0) for _lr, e in entries),
                learners_with_hints=sum(bool(e.get("hints")) for _lr, e in entries),
                solutions=sum(bool(e.get("solution")) for _lr, e in entries),
                common_wrong=tuple(wrong.most_common(3)),
                stuck_learners=tuple(sorted(stuck)) if names else (),
            )
        )
    rows.sort(
        key=lambda q: (
            order.get(q.exercise.split(".", 1)[0], 99),
            titles.get(q.exercise, (999, ""))[0],
            q.exercise,
        )
    )
    taken = datetime.now(timezone.utc).astimezone().strftime("%H:%M:%S")
    return Room(tuple(rows), len(progress), active, taken, names)


def _wrong_tries(entry: dict[str, Any]) -> int:
    """Wrong tries of one learner: every try but the one that solved it."""
    tries = int(entry.get("tries", 0) or 0)
    return max(0, tries - (entry.get("status") == "correct"))


def room_snapshot(
    root: str | os.PathLike[str], learners: Iterable[str] | None = None, *, names: bool = False
) -> Room:
    """Read every learner's progress under a hub root (or only ``learners``) into a ``Room``."""
    where = layout(root)
    if learners is None:
        learners = sorted(p.name for p in where.learners.iterdir() if p.is_dir())
    progress, mistakes = {}, {}
    for lid in learners:
        evs = events(store_folder(where.learner(lid), lid))
        progress[lid], mistakes[lid] = summary_of(evs), _mistakes_from(evs)
    return room_from(progress, mistakes=mistakes, names=names)


def room_html(room: Room, *, full_page: bool = True, refresh: int | None = None) -> str:
    """The room as HTML; a full page reloads itself every ``refresh`` seconds."""
    top = room.most_stuck()
    if top is None:
        headline = "Nobody is stuck right now."
    else:
        label = html.escape(top.title or top.exercise)
        headline = (
            f"Most of the room is stuck on <b>{label}</b> "
            f"(<code>{html.escape(top.exercise)}</code>): {top.stuck} of {top.started} "
            "who started it."
        )
    body = [
        f"<p class='pm-room-head'>{room.active} of {room.learners} learners active · "
        f"as of {html.escape(room.taken)}</p>",
        f"<p><b>{'⚠ ' if top else '✅ '}</b>{headline}</p>",
        "<table><thead><tr><th>question</th><th>started</th><th>solved</th><th>stuck</th>"
        "<th>wrong tries</th><th>hints (learners)</th><th>solutions seen</th>"
        "<th>most common wrong answers (learners)</th>"
        + ("<th>stuck</th>" if room.names else "")
        + "</tr></thead><tbody>",
    ]
    for q in room.questions:
        wrong = "<br>".join(f"{html.escape(m)} ({n})" for m, n in q.common_wrong) or "–"
        mark = (
            " style='background:#fff3cd'" if top is not None and q.exercise == top.exercise else ""
        )
        name = html.escape(q.title) + f"<br><code>{html.escape(q.exercise)}</code>"
        body.append(
            f"<tr{mark}><td>{name}</td><td>{q.started}</td><td>{q.solved}</td>"
            f"<td>{q.stuck}</td><td>{q.wrong_tries}</td>"
            f"<td>{q.hints} ({q.learners_with_hints})</td><td>{q.solutions}</td><td>{wrong}</td>"
            + (f"<td>{html.escape(', '.join(q.stuck_learners))}</td>" if room.names else "")
            + "</tr>"
        )
    body.append("</tbody></table>")
    inner = "<div class='pm-room'>" + "\n".join(body) + "</div>"
    if not full_page:
        return inner
    meta = f"<meta http-equiv='refresh' content='{int(refresh)}'>" if refresh else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"{meta}<title>Room view</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:.3em .6em;vertical-align:top;text-align:left}"
        "</style></head><body><h1>The room</h1>"
        f"{inner}</body></html>\n"
    )


def write_room(room: Room, path: str | os.PathLike[str], refresh: int | None = 30) -> Path:
    """Write the page atomically (a browser reloading it never sees half a page)."""
    out = Path(path)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(room_html(room, refresh=refresh), encoding="utf-8")
    os.replace(tmp, out)
    return out


def watch_room(
    root: str | os.PathLike[str],
    learners: Iterable[str] | None = None,
    *,
    every: float = 30.0,
    rounds: int | None = None,
    names: bool = False,
    show: Callable[[Room], None] | None = None,
) -> Room:
    """Refresh the room every ``every`` seconds (``rounds`` times; forever when None).

    In a notebook the view updates in place; ``show`` receives each snapshot instead.
    Interrupt the kernel (■) to stop; the last snapshot is returned.
    """
    ids = list(learners) if learners is not None else None
    handle = None
    if show is None:
        from IPython.display import HTML, display

        def show(r: Room) -> None:
            nonlocal handle
            if handle is None:
                handle = display(HTML(room_html(r, full_page=False)), display_id=True)
            else:
                handle.update(HTML(room_html(r, full_page=False)))

    done = 0
    room = room_snapshot(root, ids, names=names)
    try:
        while True:
            show(room)
            done += 1
            if rounds is not None and done >= rounds:
                return room
            time.sleep(every)
            room = room_snapshot(root, ids, names=names)
    except KeyboardInterrupt:
        return room
