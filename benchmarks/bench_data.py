"""Benchmark the Bazaar generator against the raw floor and a per-row Faker loop.

    python benchmarks/bench_data.py                 # large (≈ 10 M events)
    python benchmarks/bench_data.py --scale small --workers 2

Prints events per second, peak memory and two ratios (no assertions; domain-facts §5.6 targets:
within 3× of the raw floor, ≥ 200× faster per row than Faker, peak RSS < 1 GiB):

* raw floor, measured in the same run: draw as many random numbers as the clickstream has cells
  (one per cell, §5.6) and write a Parquet file of the same size as the clickstream files;
* Faker loop: build a sample of event-like rows one at a time with a seeded ``Faker("en_IN")``.

Run-to-run noise on a shared machine is 30–50 %; compare ratios from one run, not seconds.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Clock

from pm_toolkit.data.scales import PARTITIONED as CLICKSTREAM  # the day-partitioned tables


def cpu_seconds() -> float:
    """CPU time of this process plus its finished children (workers): on a shared machine this
    is steadier than wall time, which also counts time spent waiting for other people's jobs."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def generate(scale: str, seed: int, workers: int, out: Path) -> tuple[dict, dict]:
    """Generate one world; return its manifest and {stage: (wall s, CPU s)}."""
    from pm_toolkit.data.generate import generate_world

    marks: list[tuple[str, float, float]] = [("start", time.perf_counter(), cpu_seconds())]

    def mark(stage: str) -> None:
        marks.append((stage, time.perf_counter(), cpu_seconds()))

    m = generate_world(seed, scale, out, workers=workers, progress=False, on_step=mark)
    mark("end")
    stages = {a[0]: (b[1] - a[1], b[2] - a[2]) for a, b in pairwise(marks[1:])}
    stages["total"] = (marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2])
    return m, stages


def clickstream_size(m: dict, out: Path) -> tuple[int, int]:
    cells = sum(m["tables"][t]["rows"] * len(m["tables"][t]["columns"]) for t in CLICKSTREAM)
    size = 0
    for t in CLICKSTREAM:
        p = out / m["tables"][t]["path"]
        size += sum(f.stat().st_size for f in p.rglob("*")) if p.is_dir() else p.stat().st_size
    return cells, size


def raw_floor(cells: int, nbytes: int, folder: Path) -> tuple[float, float, float]:
    """Wall seconds to draw ``cells`` random numbers and to write a ``nbytes`` Parquet file,
    and the CPU seconds of both together."""
    rng = np.random.default_rng(0)
    chunk = 10_000_000
    clock = Clock()
    with clock():  # draw
        left = cells
        while left > 0:
            rng.random(min(chunk, left))
            left -= chunk
    # incompressible float64, no compression: file size ≈ 8 bytes per value
    n = max(nbytes // 8, 1)
    with clock():  # write
        schema = pa.schema([("x", pa.float64())])
        with pq.ParquetWriter(folder / "floor.parquet", schema, compression="none") as w:
            left = n
            while left > 0:
                k = min(chunk, left)
                w.write_table(pa.table({"x": rng.random(k)}))
                left -= k
    draw, write = clock.wall
    return float(draw), float(write), float(clock.cpu.sum())


def faker_rows_per_s(n: int = 3000) -> float:
    """A per-row loop building event-like rows with Faker en_IN (the slow way, §5.2)."""
    from faker import Faker

    fake = Faker("en_IN")
    fake.seed_instance(0)
    kinds = ["page_view", "search", "product_view", "add_to_cart", "begin_checkout", "purchase"]
    clock = Clock()
    rows = []
    with clock():
        for i in range(n):
            rows.append(
                {
                    "event_id": i,
                    "session_id": fake.pyint(1, 10**7),
                    "customer": fake.name(),
                    "city": fake.city(),
                    "ts": fake.date_time_between(start_date="-90d", end_date="now"),
                    "event_type": fake.random_element(kinds),
                    "product_id": fake.pyint(1, 10_000),
                    "price": fake.pyfloat(right_digits=2, min_value=49, max_value=9999),
                }
            )
    return n / clock.cpu[0]  # CPU time, comparable with the generator's CPU time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="large")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="bench_data-"))
    try:
        m, stages = generate(args.scale, args.seed, args.workers, root / "world")
        rss_self, rss_kids = peak_rss_mib()
        events = m["tables"]["events"]["rows"]
        click_wall, click_cpu = stages.get("clickstream", stages["total"])
        cells, nbytes = clickstream_size(m, root / "world")
        draw_s, write_s, floor_cpu = raw_floor(cells, nbytes, root)
        floor_s = draw_s + write_s
        fk = faker_rows_per_s()
        rows = sum(m["tables"][t]["rows"] for t in CLICKSTREAM)

        print(f"scale {args.scale}, seed {args.seed}, workers {args.workers}")
        print(
            "stage seconds (wall / CPU): "
            + ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in stages.items())
        )
        print(
            f"clickstream: {events:,} events, {rows:,} rows, {cells:,} cells, "
            f"{nbytes / 2**20:,.0f} MiB Parquet"
        )
        print(
            f"  wall {click_wall:.2f} s -> {events / click_wall:,.0f} events/s; "
            f"CPU {click_cpu:.2f} s -> {events / click_cpu:,.0f} events per CPU-second"
        )
        print(
            f"raw floor (same run): draw {draw_s:.2f} s + write {write_s:.2f} s = {floor_s:.2f} s "
            f"wall, {floor_cpu:.2f} s CPU"
        )
        print(
            f"ratio to raw floor: {click_wall / floor_s:.1f}x wall, "
            f"{click_cpu / floor_cpu:.1f}x CPU   (target <= 3x)"
        )
        print(
            f"Faker en_IN per-row loop: {fk:,.0f} rows per CPU-second; ours "
            f"{rows / click_cpu:,.0f} -> {rows / click_cpu / fk:,.0f}x faster per row "
            f"(target >= 200x)"
        )
        print(
            f"peak RSS: main {rss_self:,.0f} MiB, largest worker {rss_kids:,.0f} MiB   "
            f"(target < 1024 MiB)"
        )
        if args.keep:
            print(f"files kept in {root / 'world'}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
