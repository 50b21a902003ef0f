"""Committed notebooks must be clean: no outputs, counts, widget state or absolute paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("lessons", "exercises")
    for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
# A home folder, a root-owned checkout or a Windows drive in a notebook breaks it for everyone else.
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/home/|/root/|/work/|/Users/|/tmp/|[A-Za-z]:\\\\)")


def problems(nb: dict) -> list[str]:
    """Everything that makes a notebook unfit to commit, as readable sentences."""
    found = []
    if "widgets" in nb.get("metadata", {}):
        found.append("saved widget state in metadata")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec is {kernel!r}, not 'python3'")
    for i, cell in enumerate(nb.get("cells", [])):
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                found.append(f"cell {i} has outputs")
            if cell.get("execution_count") is not None:
                found.append(f"cell {i} has an execution count")
        match = ABSOLUTE_PATH.search(source)
        if match:
            found.append(f"cell {i} contains an absolute path ({match.group(0)!r})")
    return found


def test_there_are_notebooks_to_check():
    assert "lessons/00_start_here.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_committed_notebook_is_clean(path):
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    assert nb.get("nbformat") == 4
    assert problems(nb) == []


def test_the_check_catches_a_dirty_notebook():
    dirty = {
        "metadata": {"kernelspec": {"name": "pm"}, "widgets": {}},
        "cells": [
            {
                "cell_type": "code",
                "source": "open('/home/asha/x.csv')",
                "outputs": [{}],
                "execution_count": 3,
            },
        ],
    }
    text = " | ".join(problems(dirty))
    for expected in ("widget state", "kernelspec", "outputs", "execution count", "absolute path"):
        assert expected in text


def test_relative_paths_and_urls_are_fine():
    nb = {
        "metadata": {"kernelspec": {"name": "python3"}},
        "cells": [
            {"cell_type": "markdown", "source": "See ../datasets/README.md and https://x.in/a"}
        ],
    }
    assert problems(nb) == []
