"""How many learners one machine holds: a real JupyterHub, N learners at once (root only).

    sudo .venv/bin/python benchmarks/bench_hub.py                  # N = 1 (baseline), 5, 10, 20
    sudo .venv/bin/python benchmarks/bench_hub.py --sizes 1,3      # a quick look
    sudo .venv/bin/python benchmarks/bench_hub.py --lesson 07      # the heaviest lesson

For each N, on the hub of ``deploy/jupyterhub_config.py`` with real system users (the harness
of ``tests/hub``): N learners log in at once (time to a running server), pull the course,
open a lesson (``--lesson``, 02 by default) and run it top to bottom at the same time (Run-All
time), then each answers every exercise of that lesson's set a few times (check-feedback time, measured in the kernel from
the call to the outcome, the learner's wait after pressing Check; each learner pauses 1-4 s
before each press, as a person reading the next question does), and the memory of each
learner's kernel and server is read from /proc (RSS, and PSS: RSS with pages shared between
learners, such as the libraries of the one user environment, divided among them).
Every figure is printed as a ratio to N = 1 measured in the same run. Nothing is asserted.
Targets (issue 18): kernel RSS after the heaviest lesson ≤ 300 MiB; check p95 ≤ 100 ms at N = 10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HANDOUT = ("lessons/*.ipynb", "exercises/*.ipynb", "datasets/README.md")

CHECKS = """
import json, random, time
from pm_toolkit.exercises import lesson as _lesson
_ex = _lesson("{key}")
_times, _pause = [], random.Random({seed})
for _round in range({rounds}):
    for _q in _ex:
        time.sleep(_pause.uniform({think_lo}, {think_hi}))  # reading, thinking, typing
        _kind = _q.exercise.kind.kind_name
        _answer = "SELECT COUNT(*) AS n FROM orders" if _kind == "sql" else "1"
        _t = time.perf_counter()
        _q.check(_answer)
        _times.append(time.perf_counter() - _t)
print("@@CHECKS" + json.dumps(_times))
"""

MEMORY = """
import gc, json, os
gc.collect()
def _mem(pid):
    out = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[key] = int(rest.split()[0]) / 1024
    return out
print("@@MEM" + json.dumps({"kernel": _mem(os.getpid()), "server": _mem(os.getppid())}))
"""


def _tagged(text: str, tag: str):
    line = next(ln for ln in text.splitlines() if ln.startswith(tag))
    return json.loads(line[len(tag) :])


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def lesson_of(prefix: str) -> tuple[str, str]:
    """(course key, notebook path in the learner's checkout) of the lesson ``prefix`` (e.g. 07)."""
    from pm_toolkit.course import LESSONS

    for key, _mod, notebook, _title in LESSONS:
        if Path(notebook).name.startswith(prefix):
            return key, f"pm-course/{notebook}"
    raise SystemExit(f"no lesson starts with {prefix!r}; see lessons/")


def one_round(
    shop, users: list[str], rounds: int, think: tuple[float, float], lesson: str = "02"
) -> dict:
    hub = shop.hub
    key, notebook = lesson_of(lesson)
    with ThreadPoolExecutor(len(users)) as pool:
        start = list(pool.map(hub.start_server, users))

    def work(user: str) -> dict:
        server = hub.server(user)
        server.git_pull(f"file://{shop.root / 'course.git'}", "pm-course")
        kernel = server.kernel(notebook)
        t0 = time.monotonic()
        kernel.run_notebook(server.notebook(notebook))
        run_all = time.monotonic() - t0
        mem = _tagged(kernel.run(MEMORY).text, "@@MEM")  # after the lesson, as issue 18 asks
        code = CHECKS.format(
            key=key, rounds=rounds, seed=users.index(user), think_lo=think[0], think_hi=think[1]
        )
        checks = _tagged(kernel.run(code).text, "@@CHECKS")
        kernel.close()
        return {"run_all": run_all, "checks": checks, "mem": mem}

    def attempt(user: str) -> dict:
        try:
            return work(user)
        except Exception as exc:  # one learner's broken connection must not hide the others
            return {"failed": f"{user}: {type(exc).__name__}: {exc}"}

    with ThreadPoolExecutor(len(users)) as pool:
        everyone = list(pool.map(attempt, users))
    results = [r for r in everyone if "failed" not in r]
    failed = [r["failed"] for r in everyone if "failed" in r]
    for user in users:
        hub.stop_server(user)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the next round starts on an idle machine
        states = [hub.api("GET", f"/hub/api/users/{u}").json().get("servers", {}) for u in users]
        if not any(states):
            break
        time.sleep(0.5)

    def uss(m: dict) -> float:
        return m["Private_Clean"] + m["Private_Dirty"]

    if not results:
        raise RuntimeError(f"every learner's session broke: {failed}")
    checks = [t for r in results for t in r["checks"]]
    per_round = len(results[0]["checks"]) // max(1, rounds)
    # the first check of a question computes its expected value from the learner's data;
    # later ones reuse it (the learner's second and later presses of Check)
    warm = [t for r in results for t in r["checks"][per_round:]] or checks
    return {
        "n": len(users),
        "failed": len(failed),
        "failures": failed,
        "start_median": statistics.median(start),
        "start_max": max(start),
        "run_all_median": statistics.median(r["run_all"] for r in results),
        "run_all_max": max(r["run_all"] for r in results),
        "check_p50": statistics.median(checks) * 1000,
        "check_p95": p95(checks) * 1000,
        "check_p95_warm": p95(warm) * 1000,
        "kernel_rss": statistics.median(r["mem"]["kernel"]["Rss"] for r in results),
        "kernel_pss": statistics.median(r["mem"]["kernel"]["Pss"] for r in results),
        "kernel_uss": statistics.median(uss(r["mem"]["kernel"]) for r in results),
        "server_pss": statistics.median(r["mem"]["server"]["Pss"] for r in results),
        "learner_pss": statistics.median(
            r["mem"]["kernel"]["Pss"] + r["mem"]["server"]["Pss"] for r in results
        ),
    }


ROWS = [
    ("learners whose session broke", "failed", "{:d}"),
    ("time to a running server, median (s)", "start_median", "{:.1f}"),
    ("time to a running server, slowest (s)", "start_max", "{:.1f}"),
    ("Run-All of the lesson, median (s)", "run_all_median", "{:.1f}"),
    ("Run-All of the lesson, slowest (s)", "run_all_max", "{:.1f}"),
    ("check feedback p50 (ms)", "check_p50", "{:.0f}"),
    ("check feedback p95, every press (ms)", "check_p95", "{:.0f}"),
    ("check feedback p95, after the first press (ms)", "check_p95_warm", "{:.0f}"),
    ("kernel RSS after the lesson (MiB)", "kernel_rss", "{:.0f}"),
    ("kernel PSS (MiB, shared pages split)", "kernel_pss", "{:.0f}"),
    ("kernel private memory (MiB)", "kernel_uss", "{:.0f}"),
    ("server PSS (MiB)", "server_pss", "{:.0f}"),
    ("per learner: kernel + server PSS (MiB)", "learner_pss", "{:.0f}"),
]


def report(results: list[dict]) -> str:
    base = results[0]
    head = "| | " + " | ".join(f"N = {r['n']}" for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]
    for label, key, fmt in ROWS:
        cells = []
        for r in results:
            if key == "failed" or r is base or not base[key]:
                cells.append(fmt.format(r[key]))
            else:
                cells.append(fmt.format(r[key]) + f" ({r[key] / base[key]:.2f}×)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from tests.hub.harness import Workshop, missing

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,5,10,20", help="learner counts (first is the baseline)")
    ap.add_argument("--rounds", type=int, default=3, help="checks of each exercise per learner")
    ap.add_argument(
        "--think",
        default="1,4",
        help="seconds a learner pauses before each check, drawn between these (0,0: all at once)",
    )
    ap.add_argument("--lesson", default="02", help="the lesson run, by file-name prefix (07)")
    args = ap.parse_args(argv)
    lesson_of(args.lesson)  # a wrong name stops here, before any account is made
    sizes = [int(x) for x in args.sizes.split(",")]
    lo, hi = (float(x) for x in args.think.split(","))
    why = missing()
    if why:
        print(f"bench_hub skipped: {why}")
        return 0
    shop = Workshop(learners=max(sizes))
    results = []
    try:
        t0 = time.monotonic()
        shop.create_accounts()
        checkout = shop.give_instructor(HANDOUT)
        shop.roster(shop.learners)
        shop.handout(checkout)
        print(
            f"set-up for {max(sizes)} learners (accounts, data, hand-out): "
            f"{time.monotonic() - t0:.0f} s",
            flush=True,
        )
        shop.start_hub()
        for n in sizes:
            t = time.monotonic()
            results.append(one_round(shop, shop.learners[:n], args.rounds, (lo, hi), args.lesson))
            print(f"N = {n}: {time.monotonic() - t:.0f} s  {json.dumps(results[-1])}", flush=True)
    finally:
        shop.close()
    print(f"\nlesson {args.lesson}, learners pausing {lo:g}-{hi:g} s before each check\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
