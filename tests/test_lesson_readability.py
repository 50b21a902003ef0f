"""A lesson reads like a PM's notebook, not an analyst's scratchpad (STYLE.md, teaching.md).

A code cell (in a lesson or an exercise source) shows one idea in at most 12 lines a reader has
to read; plotting and plumbing live in ``pm_toolkit``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.ipynb"))
SOURCES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "exercises" / "source").glob("*.ipynb")
)
MAX_LINES = 12


def code_lines(source: str) -> int:
    """Lines a reader has to read: not blank, not a lone comment, not an nbval marker."""
    return sum(
        1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#")
    )


def long_cells(path: str) -> list[str]:
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            n = code_lines("".join(cell["source"]))
            if n > MAX_LINES:
                out.append(f"cell {i}: {n} lines")
    return out


@pytest.mark.parametrize("path", LESSONS + SOURCES)
def test_code_cells_are_short(path):
    assert long_cells(path) == [], f"{path}: move the plumbing into pm_toolkit"


def test_the_line_count_ignores_blank_lines_and_comments():
    assert code_lines("# why\n\nx = 1\n  # note\ny = 2\n") == 2
