"""Learner and solution editions of exercise notebooks, built from one source notebook.

Markers in a code cell of ``exercises/source/NN_topic.ipynb``::

    # BEGIN SOLUTION
    aov = delivered["net_value"].sum() / len(delivered)
    # END SOLUTION
    # LEARNER: aov = ____  # your answer

The learner edition drops the lines between the markers and un-comments ``# LEARNER:`` lines;
the solution edition keeps the solution and drops the markers and ``# LEARNER:`` lines. A cell
tagged ``solution`` (or whose first line is ``# SOLUTION CELL``) appears only in the solution
edition; in Markdown cells ``<!-- BEGIN SOLUTION -->``/``<!-- END SOLUTION -->`` work alike.
Outputs are clean (no outputs, execution counts or widget state) and byte-stable.

>>> from pm_toolkit.exercises.editions import transform_source
>>> src = "# BEGIN SOLUTION\\nx = 1\\n# END SOLUTION\\n# LEARNER: x = ____\\nex.q1.check(x)"
>>> print(transform_source(src, "learner"))
x = ____
ex.q1.check(x)
>>> print(transform_source(src, "solution"))
x = 1
ex.q1.check(x)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Edition = Literal["learner", "solution"]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
_BEGIN = re.compile(r"^\s*(#|<!--)\s*BEGIN SOLUTION\s*(-->)?\s*$")
_END = re.compile(r"^\s*(#|<!--)\s*END SOLUTION\s*(-->)?\s*$")
_LEARNER = re.compile(r"^(\s*)# LEARNER: ?(.*)$")
_SOLUTION_CELL = re.compile(r"^\s*# SOLUTION CELL\s*$")
_ENGINE_IMPORT = re.compile(r"^(\s*from pm_toolkit\.exercises import )(.+?)(\s*#.*)?$")


def drop_blank_import(source: str) -> str:
    """Take ``____`` out of ``from pm_toolkit.exercises import ...`` lines.

    The blank is a built-in once ``pm_toolkit.exercises`` is imported, so it only ever shows
    in the cells where a learner replaces it (a setup line naming it puzzles non-programmers).

    >>> drop_blank_import("from pm_toolkit.exercises import ____, lesson")
    'from pm_toolkit.exercises import lesson'
    """
    out = []
    for line in source.splitlines():
        m = _ENGINE_IMPORT.match(line)
        if m and "(" not in m.group(2):
            names = [n.strip() for n in m.group(2).split(",") if n.strip() and n.strip() != "____"]
            if not names:
                continue
            line = m.group(1) + ", ".join(names) + (m.group(3) or "")
        out.append(line)
    return "\n".join(out)


class EditionError(ValueError):
    """A source notebook's markers don't pair up; the message names the cell."""


def transform_source(source: str, edition: Edition, *, where: str = "cell") -> str:
    """One cell's text in the given edition."""
    out: list[str] = []
    inside = False
    for n, line in enumerate(source.splitlines(), 1):
        if _BEGIN.match(line):
            if inside:
                raise EditionError(
                    f"{where}, line {n}: BEGIN SOLUTION inside another solution block"
                )
            inside = True
            continue
        if _END.match(line):
            if not inside:
                raise EditionError(f"{where}, line {n}: END SOLUTION without a BEGIN SOLUTION")
            inside = False
            continue
        m = _LEARNER.match(line)
        if m:
            if edition == "learner":
                out.append(m.group(1) + m.group(2))
            continue
        if inside and edition == "learner":
            continue
        out.append(line)
    if inside:
        raise EditionError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out)


def _is_solution_cell(cell: Any) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    first = cell.get("source", "").splitlines()[:1]
    return "solution" in tags or bool(first and _SOLUTION_CELL.match(first[0]))


def _course_stamp(source_nb: Any) -> dict[str, str]:
    # an edition carries its source's course-version stamp (see pm_toolkit.instructor.stamp)
    version = source_nb.get("metadata", {}).get("pm_toolkit", {}).get("course_version")
    return {"course_version": version} if version else {}


def make_edition(source_nb: Any, edition: Edition, *, stem: str, source_name: str = "") -> Any:
    """A new, clean notebook object for one edition of a source notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "pm_toolkit": {"edition": edition, "source": source_name, **_course_stamp(source_nb)},
    }
    index = 0
    for i, cell in enumerate(source_nb.cells):
        where = f"{source_name or stem}, cell {i}"
        if cell.cell_type not in ("code", "markdown", "raw"):
            continue
        if _is_solution_cell(cell):
            if edition == "learner":
                continue
            lines = cell.source.splitlines()
            if lines and _SOLUTION_CELL.match(lines[0]):
                lines = lines[1:]
            text = transform_source("\n".join(lines), edition, where=where)
        else:
            text = transform_source(cell.source, edition, where=where)
        if cell.cell_type == "code":
            text = drop_blank_import(text)
        if cell.cell_type == "code" and not text.strip() and cell.source.strip():
            continue  # e.g. a cell of "# LEARNER:" lines only: nothing to show in this edition
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != "solution"]
        meta = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(text, metadata=meta)
            new.outputs, new.execution_count = [], None
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(text, metadata=meta)
        else:
            new = nbformat.v4.new_raw_cell(text, metadata=meta)
        new.id = f"{stem[:40]}-{edition[0]}{index:03d}"  # deterministic: byte-stable rebuilds
        index += 1
        nb.cells.append(new)
    return nb


def render(nb: Any) -> str:
    """The exact text written to disk (nbformat's layout plus a final newline)."""
    import nbformat

    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class BuildResult:
    """What happened to one edition file: ``written``, ``unchanged`` or ``out of date``."""

    source: Path
    target: Path
    edition: str
    status: str


def edition_paths(source: Path, root: Path) -> dict[str, Path]:
    return {
        "learner": root / "exercises" / source.name,
        "solution": root / "exercises" / "solutions" / source.name,
    }


def sources(root: Path) -> list[Path]:
    """Source notebooks under ``<root>/exercises/source``, sorted by name."""
    folder = root / "exercises" / "source"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def build(root: str | Path = ".", *, check: bool = False) -> list[BuildResult]:
    """Write (or with ``check=True`` only compare) every edition of every source notebook."""
    import nbformat

    root = Path(root)
    results: list[BuildResult] = []
    for src in sources(root):
        source_nb = nbformat.read(src, as_version=4)
        for edition, target in edition_paths(src, root).items():
            nb = make_edition(
                source_nb, edition, stem=src.stem, source_name=f"exercises/source/{src.name}"
            )
            text = render(nb)
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == text:
                status = "unchanged"
            elif check:
                status = "out of date" if current is not None else "missing"
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8", newline="\n")
                status = "written"
            results.append(BuildResult(src, target, edition, status))
    return results
