"""The instructor pack: everything to hand out or keep for a workshop, in one folder.

``build_pack(out_dir, roster)`` writes::

    learner/               hand out: lesson notebooks + exercise learner editions
    solutions/             keep: exercise solution editions (the engine's one-source build)
    facilitator.md         the facilitator guide (agenda, checklist, prompts, debrief)
    answer_sheets/         keep: <cohort>.html (one printed page per learner, their own answers)
                           and <cohort>/<learner id>.html
    roster.csv             the cohort, when a roster is given
    README.md              what each part is for

>>> import tempfile, pathlib
>>> pack = build_pack(pathlib.Path(tempfile.mkdtemp()) / "kit", root=tempfile.mkdtemp())
>>> sorted(p.name for p in pack.out_dir.iterdir())
['README.md', 'learner', 'solutions']
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pm_toolkit.instructor.cohort import Roster, load_roster


@dataclass(frozen=True)
class Pack:
    """What ``build_pack`` wrote."""

    out_dir: Path
    learner_files: tuple[Path, ...]
    solution_files: tuple[Path, ...]
    answer_sheets: Path | None = None
    facilitator: Path | None = None
    notes: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        return (
            f"Pack({str(self.out_dir)!r}: {len(self.learner_files)} learner files, "
            f"{len(self.solution_files)} solution files, "
            f"answer sheets {'yes' if self.answer_sheets else 'no'})"
        )


def build_pack(
    out_dir: str | Path,
    roster: Roster | str | Path | None = None,
    *,
    root: str | Path = ".",
    scale: str = "small",
    lessons: Sequence[str] | None = None,
    say: Callable[[str], None] | None = None,
) -> Pack:
    """Write the pack for the course at ``root`` into ``out_dir`` (see the module docstring).

    ``roster``: a ``Roster`` or its file; without one there are no answer sheets.
    ``scale``: the data scale the workshop uses (answer sheets depend on it).
    ``lessons``: lesson keys for the answer sheets (default: every lesson with exercises).
    ``say``: called with a line of progress per answer sheet (they take a few seconds each).
    """
    import nbformat

    from pm_toolkit.exercises.editions import make_edition, render, sources

    root, out = Path(root), Path(out_dir)
    if isinstance(roster, (str, Path)):
        roster = load_roster(roster)
    notes: list[str] = []
    learner_dir, solution_dir = out / "learner", out / "solutions"
    learner_dir.mkdir(parents=True, exist_ok=True)
    solution_dir.mkdir(parents=True, exist_ok=True)
    learner_files: list[Path] = []
    solution_files: list[Path] = []
    for nb_path in sorted((root / "lessons").glob("*.ipynb")):
        target = learner_dir / "lessons" / nb_path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb_path, target)
        learner_files.append(target)
    srcs = sources(root)
    if not srcs:
        notes.append("no exercises/source/*.ipynb found: no exercise editions in this pack")
    for src in srcs:
        source_nb = nbformat.read(src, as_version=4)
        for edition, folder, bucket in (
            ("learner", learner_dir / "exercises", learner_files),
            ("solution", solution_dir, solution_files),
        ):
            nb = make_edition(
                source_nb, edition, stem=src.stem, source_name=f"exercises/source/{src.name}"
            )
            target = folder / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(nb), encoding="utf-8", newline="\n")
            bucket.append(target)
    guide = None
    if (root / "docs" / "facilitator.md").exists():
        guide = out / "facilitator.md"
        shutil.copyfile(root / "docs" / "facilitator.md", guide)
    else:
        notes.append("docs/facilitator.md not found under the course folder: guide not copied")
    sheets_path = None
    if roster is not None:
        from pm_toolkit.instructor.answersheet import answer_sheet, sheet_document, sheets_document

        sheets = []
        for i, member in enumerate(roster.members, 1):
            if say is not None:
                say(f"  answer sheet {i}/{len(roster)}: {member.learner_id}")
            sheets.append(answer_sheet(member, lessons, scale))
        sheets_path = out / "answer_sheets" / f"{roster.cohort}.html"
        sheets_path.parent.mkdir(parents=True, exist_ok=True)
        title = f"Answer sheets, cohort {roster.cohort} (instructor only)"
        sheets_path.write_text(sheets_document(sheets, title), encoding="utf-8")
        # One file per learner as well, to print or open just the one you need.
        for sheet in sheets:
            one = sheets_path.parent / roster.cohort / f"{sheet.member.learner_id}.html"
            one.parent.mkdir(parents=True, exist_ok=True)
            one.write_text(sheet_document(sheet), encoding="utf-8")
        if roster.path is not None and roster.path.exists():
            shutil.copyfile(roster.path, out / "roster.csv")
    else:
        notes.append("no roster given: no answer sheets (pass --roster FILE)")
    (out / "README.md").write_text(_readme(roster, notes), encoding="utf-8")
    return Pack(out, tuple(learner_files), tuple(solution_files), sheets_path, guide, tuple(notes))


def _readme(roster: Roster | None, notes: list[str]) -> str:
    lines = [
        "# Instructor pack",
        "",
        "- `learner/`: hand this out (lesson notebooks and exercise notebooks with blanks).",
        "- `solutions/`: keep this; the worked solution of every exercise notebook.",
        "- `facilitator.md`: the day's agenda, checklist, discussion prompts and debrief.",
    ]
    if roster is not None:
        lines += [
            f"- `answer_sheets/{roster.cohort}.html`: keep this; each learner's own expected "
            "answers (print one page per learner).",
            f"- `roster.csv`: cohort {roster.cohort}, {len(roster)} learners.",
        ]
    lines += [
        "",
        "Grade hand-ins with `pm-toolkit grade SUBMISSIONS_DIR --roster roster.csv`.",
    ]
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"
