"""How much memory does a learner's kernel hold after each lesson, against a bare kernel?

Executes every lesson under lessons/ (and, with ``--exercises``, every solution edition under
exercises/solutions/: a learner who answered every question) at ``small`` scale in a fresh
kernel (nbclient), then asks that kernel for its memory from /proc: resident now (RSS), at its
peak (``VmHWM``) and private (``RssAnon``: pages no other process shares; on a hub the
libraries' pages are shared by every learner, the private ones are each learner's own).

Each notebook runs twice in the same run: with the allocator settings the course starts
kernels with (``pm_toolkit.config.KERNEL_MEMORY_ENV``, as ``make lab``, the hub and the grader
do) and without them (the interpreter's defaults), so the ratios show what they buy (memory)
and cost (time: memory handed back is faulted in again when a later step needs it). The
baseline, also in the same run, is a kernel that only imports pandas and numpy. The hosting
sizing (docs/hosting.md) is for the heaviest notebook; issue 18's target is a kernel RSS of at
most 300 MiB after it.

Each notebook is also set against its **library floor**, measured in the same run: a kernel
with no learner data that loads the same heavy libraries the notebook's kernel ended up with
(matplotlib, DuckDB, scikit-learn; the probe reports which) and uses each once (a Parquet
file read, a figure drawn, a SQL query run, a model fitted). RSS counts the pages of library
code a kernel has touched, so no notebook can end below its floor; "above floor" is what the
lesson's own data and work hold.

    python benchmarks/bench_memory.py                  # every lesson, both settings
    python benchmarks/bench_memory.py 03 07            # lessons whose file name starts so
    python benchmarks/bench_memory.py --exercises      # lessons and solution editions
    python benchmarks/bench_memory.py --course-only    # only the course's settings (half time)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pm_toolkit.config import KERNEL_MEMORY_ENV  # noqa: E402

#: The heavy libraries a notebook's kernel may end up with (name → module to look for); the
#: probe reports which, and the notebook is set against a floor loading the same ones.
PROBED_LIBS = {"matplotlib": "matplotlib.pyplot", "duckdb": "duckdb", "sklearn": "sklearn"}

#: Appended to each notebook: what the kernel holds once the learner has reached the end.
PROBE = f"""
import gc, json, sys
gc.collect()
_mem = {{l.split(':')[0]: int(l.split()[1]) / 1024 for l in open('/proc/self/status')
        if l.startswith(('VmRSS', 'VmHWM', 'RssAnon'))}}
_mem["libs"] = [k for k, m in {PROBED_LIBS!r}.items() if m in sys.modules]
print('PM_MEMORY', json.dumps(_mem))
"""

#: The floor's cells: every kernel reads a Parquet file with pandas (as ``data.load`` does);
#: each heavy library is then used once, so its code is in memory as after a lesson.
FLOOR_CELLS = {
    "pandas": "import numpy, pandas\npandas.read_parquet({parquet!r}).groupby('b')['a'].sum()",
    "matplotlib": (
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.bar(['a', 'b'], [3, 4])\nax.set_title('₹ 1,00,000')\nplt.show()"
    ),
    "duckdb": (
        "import duckdb\ncon = duckdb.connect()\ncon.execute(\"SET TimeZone = 'Asia/Kolkata'\")\n"
        'con.execute("SELECT b, COUNT(*) AS n, AVG(a), MAX(t) FROM read_parquet({parquet!r}) '
        'GROUP BY b").df()'
    ),
    "sklearn": (
        "from sklearn.ensemble import HistGradientBoostingClassifier\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "X = numpy.random.default_rng(0).normal(size=(500, 3))\ny = X[:, 0] > 0\n"
        "LogisticRegression().fit(X, y).predict_proba(X)\n"
        "HistGradientBoostingClassifier(max_iter=5).fit(X, y).predict_proba(X)[:1]"
    ),
}


def kernel_memory(nb: nbformat.NotebookNode, cwd: Path, env: dict[str, str]) -> dict[str, float]:
    """Run ``nb`` plus the probe in a fresh kernel started with ``env``; return MiB by key, and
    the run's wall time (``seconds``, kernel start included)."""
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    t0 = time.perf_counter()
    client.execute(env=env)
    seconds = time.perf_counter() - t0
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
    line = next(x for x in text.splitlines() if x.startswith("PM_MEMORY"))
    return {**json.loads(line.split(" ", 1)[1]), "seconds": seconds}


def floor_notebook(libs: tuple[str, ...], parquet: Path) -> nbformat.NotebookNode:
    """A kernel with no learner data that loads and uses ``libs`` (see ``FLOOR_CELLS``)."""
    cells = [FLOOR_CELLS[k].format(parquet=str(parquet)) for k in ("pandas", *libs)]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


def write_floor_parquet(folder: Path) -> Path:
    """A small Parquet file with the column kinds the course's tables have."""
    import pandas as pd

    path = folder / "floor.parquet"
    ts = pd.date_range("2025-01-01", periods=2000, freq="h", tz="Asia/Kolkata")
    pd.DataFrame({"a": range(2000), "b": ["mobile", "desktop"] * 1000, "t": ts}).to_parquet(path)
    return path


def settings(course_only: bool) -> dict[str, dict[str, str]]:
    """The kernel environments compared: the course's allocator settings, and none."""
    plain = {k: v for k, v in os.environ.items() if k not in KERNEL_MEMORY_ENV}
    course = {**plain, **KERNEL_MEMORY_ENV}
    return {"course": course} if course_only else {"course": course, "default": plain}


def notebooks(prefixes: list[str], exercises: bool) -> list[Path]:
    folders = [ROOT / "lessons"] + ([ROOT / "exercises" / "solutions"] if exercises else [])
    return [
        p
        for folder in folders
        for p in sorted(folder.glob("*.ipynb"))
        if not prefixes or p.name.startswith(tuple(prefixes))
    ]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prefixes", nargs="*", help="notebook file-name prefixes, e.g. 02 06")
    ap.add_argument("--exercises", action="store_true", help="also the solution editions")
    ap.add_argument("--course-only", action="store_true", help="skip the default-allocator runs")
    args = ap.parse_args(argv)
    if sys.platform != "linux":
        print("bench_memory reads /proc: Linux only")
        return 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["PM_TOOLKIT_HOME"] = home  # the learner's own progress stays untouched
        from pm_toolkit import data

        data.ensure(scale="small", progress=False)
        envs = settings(args.course_only)
        parquet = write_floor_parquet(Path(home))
        floors: dict[tuple[str, ...], float] = {}

        def floor(libs: tuple[str, ...]) -> float:
            if libs not in floors:
                floors[libs] = kernel_memory(floor_notebook(libs, parquet), ROOT, envs["course"])[
                    "VmRSS"
                ]
            return floors[libs]

        bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy, pandas")])
        base = kernel_memory(bare, ROOT, envs["course"])
        head = f"{'notebook':40s} {'RSS':>5s} {'peak':>5s} {'private':>7s} {'/ bare':>6s}"
        head += f" {'floor':>5s} {'above floor':>11s}"
        if "default" in envs:
            head += (
                f" {'RSS default':>11s} {'course / default':>16s} {'time course / default':>21s}"
            )
        print(head + "   (MiB)")
        print(f"{'bare kernel (numpy, pandas)':40s} {base['VmRSS']:5.0f} {base['VmHWM']:5.0f}")
        for path in notebooks(args.prefixes, args.exercises):
            name = f"{path.parent.name}/{path.name}"
            mem = {k: kernel_memory(nbformat.read(path, as_version=4), path.parent, env)
                   for k, env in envs.items()}  # fmt: skip
            c = mem["course"]
            low = floor(tuple(c["libs"]))
            row = f"{name:40s} {c['VmRSS']:5.0f} {c['VmHWM']:5.0f} {c['RssAnon']:7.0f}"
            row += f" {c['VmRSS'] / base['VmRSS']:5.1f}x {low:5.0f} {c['VmRSS'] - low:11.0f}"
            if "default" in mem:
                d = mem["default"]["VmRSS"]
                row += f" {d:11.0f} {c['VmRSS'] / d:15.2f}x"
                row += f" {c['seconds'] / mem['default']['seconds']:20.2f}x"
            print(row, flush=True)
        print("\nlibrary floors (no learner data; course settings):")
        for libs, rss in floors.items():
            print(f"  pandas + {' + '.join(libs) or 'nothing else':38s} {rss:5.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
