"""How long does the whole course take to execute, against the bare cost of starting kernels?

Executes every notebook under lessons/ and the learner editions in exercises/ with nbclient (one
fresh kernel each, in order), then the same number of empty notebooks, in the same run. The
ratio says how much of a course run is the course itself rather than kernel start-up.

    python benchmarks/bench_course.py [--include-solutions]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import time_calls

ROOT = Path(__file__).resolve().parents[1]


def run_notebook(nb: nbformat.NotebookNode, cwd: Path) -> float:
    """Wall seconds to execute ``nb`` in a fresh kernel, kernel start-up included."""

    def execute() -> None:
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
        ).execute()

    return float(time_calls(execute, 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--include-solutions", action="store_true")
    args = parser.parse_args()
    paths = sorted((ROOT / "lessons").glob("*.ipynb")) + sorted(
        (ROOT / "exercises").glob("*.ipynb")
    )
    if args.include_solutions:
        paths += sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as home:
        # A private home, so the benchmark neither reads nor pollutes the learner's progress.
        os.environ["PM_TOOLKIT_HOME"] = home
        from pm_toolkit import data

        data_s = float(time_calls(lambda: data.ensure(scale="small", progress=False), 1)[0])
        course = {}
        for path in paths:
            course[path.relative_to(ROOT).as_posix()] = run_notebook(
                nbformat.read(path, as_version=4), path.parent
            )
        empty = [
            run_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")]), ROOT)
            for _ in paths
        ]
    total, baseline = sum(course.values()), sum(empty)
    print(f"data generation (small, default learner): {data_s:6.1f} s")
    for name, seconds in course.items():
        print(f"  {name:55s} {seconds:6.1f} s")
    print(f"course: {len(paths)} notebooks in {total:.1f} s")
    print(f"baseline: {len(paths)} empty notebooks in {baseline:.1f} s")
    print(f"ratio course / empty-kernel baseline: {total / baseline:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
