"""Run every benchmark in this folder (``make bench``), or the ones named on the command line.

Each ``bench_*.py`` is a standalone script that measures its target against a baseline taken in
the same run and prints ratios; this runner only starts them one after another and reports
which ones failed to run. No benchmark asserts anything: compare ratios, not seconds.

    python benchmarks/run.py                 # all
    python benchmarks/run.py course data     # bench_course.py and bench_data.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in argv}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
        if not scripts:
            print(
                f"no benchmark matches {argv}; available: "
                f"{[s.stem.removeprefix('bench_') for s in sorted(HERE.glob('bench_*.py'))]}"
            )
            return 2
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(
            f"--- {script.name}: exit {code}, {time.perf_counter() - start:.1f} s wall", flush=True
        )
        if code:
            failed.append(script.name)
    if failed:
        print(f"\nbenchmarks that did not run to the end: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
