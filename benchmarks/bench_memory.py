"""How much memory does a learner's kernel hold after each lesson, against a bare kernel?

Executes every lesson under lessons/ at ``small`` scale in a fresh kernel (nbclient), then asks
that kernel for its resident memory now (RSS) and at its peak (the kernel's high-water mark,
``VmHWM``), both read from /proc. The baseline, in the same run, is a kernel that only imports
pandas and numpy. The hosting sizing (docs/hosting.md) is for the heaviest lesson; the target of
issue 18 is a kernel RSS of at most 300 MiB after it.

    python benchmarks/bench_memory.py              # every lesson
    python benchmarks/bench_memory.py 02 06        # lessons whose file name starts so
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

#: Appended to each notebook: what the kernel holds once the learner has reached the end.
PROBE = """
import gc, json
gc.collect()
_mem = {l.split(':')[0]: int(l.split()[1]) / 1024 for l in open('/proc/self/status')
        if l.startswith(('VmRSS', 'VmHWM'))}
print('PM_MEMORY', json.dumps(_mem))
"""


def kernel_memory(nb: nbformat.NotebookNode, cwd: Path) -> dict[str, float]:
    """Run ``nb`` plus the probe in a fresh kernel; return {'VmRSS': MiB, 'VmHWM': MiB}."""
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
    line = next(x for x in text.splitlines() if x.startswith("PM_MEMORY"))
    return json.loads(line.split(" ", 1)[1])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prefixes", nargs="*", help="lesson file-name prefixes, e.g. 02 06")
    args = ap.parse_args(argv)
    lessons = [
        p
        for p in sorted((ROOT / "lessons").glob("*.ipynb"))
        if not args.prefixes or p.name.startswith(tuple(args.prefixes))
    ]
    if sys.platform != "linux":
        print("bench_memory reads /proc: Linux only")
        return 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["PM_TOOLKIT_HOME"] = home  # the learner's own progress stays untouched
        from pm_toolkit import data

        data.ensure(scale="small", progress=False)
        bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy, pandas")])
        base = kernel_memory(bare, ROOT)
        print(f"{'notebook':32s} {'RSS MiB':>8s} {'peak MiB':>9s} {'RSS / bare':>11s}")
        print(f"{'bare kernel (numpy, pandas)':32s} {base['VmRSS']:8.0f} {base['VmHWM']:9.0f}")
        for path in lessons:
            mem = kernel_memory(nbformat.read(path, as_version=4), path.parent)
            ratio = mem["VmRSS"] / base["VmRSS"]
            print(f"{path.name:32s} {mem['VmRSS']:8.0f} {mem['VmHWM']:9.0f} {ratio:10.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
