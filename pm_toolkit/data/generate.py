"""Build a whole Bazaar world into a folder: every table, then ``manifest.json``.

Writing goes to a hidden temporary sibling folder that is renamed into place only when complete,
so an interrupted run never leaves a folder that a later ``load`` would trust.

The clickstream is generated one day at a time (optionally in worker processes) and streamed to
disk; results are consumed in day order, so 1 or N workers give byte-identical files.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "w"
>>> m = generate_world(1, "tiny", out, progress=False)
>>> (out / "manifest.json").exists(), m["scale"]
(True, 'tiny')
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa

from pm_toolkit.data import catalog as C
from pm_toolkit.data.arrowutil import TableSink, plain_type, write_table
from pm_toolkit.data.clickstream import (
    COLLECT_ROWS,
    DayPart,
    World,
    day_in_worker,
    init_worker,
    make_part,
    partitions,
    planted,
)
from pm_toolkit.data.demand import make_demand_daily, make_warehouses
from pm_toolkit.data.dimensions import make_customers, make_products
from pm_toolkit.data.experiments import assignment_parts, registry
from pm_toolkit.data.inventory import inventory_parts
from pm_toolkit.data.ml_tables import ML_TABLES
from pm_toolkit.data.pricing import make_pricing_panel
from pm_toolkit.data.scales import (
    FORMATS,
    GENERATOR_VERSION,
    PARTITIONED,
    TABLES,
    check_seed,
    get_scale,
)


def _days(world: World, workers: int, folder: Path | None, fmt: str) -> Iterator[DayPart]:
    """Partitions in (day, block) order. With ``folder`` set, each is written as it is made."""
    keys = partitions(world.scale)
    if workers <= 1:
        for key in keys:
            yield make_part(world, key, folder, fmt)
        return
    # spawn, not fork: forking a process that already runs Arrow threads can deadlock.
    # Workers import only clickstream (numpy + pyarrow), which keeps spawning cheap, and
    # write their own part files so that only counts come back through the pipe.
    ctx = get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=init_worker, initargs=(world, folder, fmt)
    ) as ex:
        # map() yields in partition order whatever finishes first
        yield from ex.map(day_in_worker, keys, chunksize=1)


#: Progress-bar steps besides the clickstream partitions and the lesson-7 tables (one each):
#: customers and products, the partitioned tables, experiments, the pricing panel, inventory,
#: the lesson-6 demand tables.
PROGRESS_STEPS = 6


def _interactive() -> bool:
    """A terminal or a Jupyter kernel: where a progress bar helps rather than clutters logs."""
    import sys

    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def generate_world(
    seed: int,
    scale: str,
    out: Path | str,
    fmt: str = "parquet",
    workers: int = 1,
    progress: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> dict:
    """Generate every table of ``(seed, scale)`` into folder ``out``; return the manifest."""
    seed = check_seed(seed)
    sc = get_scale(scale)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} already exists and is not empty; choose a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    ext = "parquet" if fmt == "parquet" else "csv"
    try:
        manifest = _generate_into(tmp, seed, sc.name, fmt, ext, workers, progress, on_step)
        with open(tmp / "manifest.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, sort_keys=False)
        try:
            if out.exists():
                out.rmdir()  # only ever an empty folder (checked above)
            os.replace(tmp, out)  # atomic on one file system: the folder appears complete or not
        except OSError as exc:
            if out.exists() and any(out.iterdir()):
                # another process finished the same world first
                raise FileExistsError(f"{out} was created by another process") from exc
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _generate_into(tmp, seed, scale, fmt, ext, workers, progress, on_step) -> dict:
    from tqdm.auto import tqdm

    sc = get_scale(scale)
    files: dict[str, dict] = {}

    def record(name: str, schema: pa.Schema, rows: int, path: Path) -> None:
        files[name] = {
            "rows": int(rows),
            "path": _rel(path, tmp),
            "columns": {f.name: str(plain_type(f.type)) for f in schema},
        }

    def emit(name: str, table: pa.Table) -> None:
        path = tmp / f"{name}.{ext}"
        write_table(table, path, fmt)
        record(name, table.schema, table.num_rows, path)

    def emit_parts(name: str, parts: Iterator[pa.Table]) -> None:
        path = tmp / f"{name}.{ext}"
        with TableSink(path, fmt) as sink:
            for tab in parts:
                sink.write(tab)
        record(name, sink.schema, sink.rows, path)

    # One step per clickstream partition plus the table steps below; a finished run is
    # always shown at 100 % (tqdm's notebook bar turns red when closed short of its total).
    bar = tqdm(
        total=len(partitions(scale)) + PROGRESS_STEPS + len(ML_TABLES),
        desc=f"Bazaar {scale} seed {seed}",
        unit="step",
        disable=not progress or not _interactive(),
        leave=False,
    )
    try:
        step = on_step or (lambda s: None)
        step("customers")
        cust, cust_hidden = make_customers(seed, scale)
        emit("customers", cust)
        # The written table (names, cities: ≈ 400 MB at xlarge) is not needed again, only the
        # hidden arrays: drop it from the cache too, so the streaming stages start light.
        del cust
        make_customers.cache_clear()
        prod, prod_hidden = make_products(seed, scale)
        emit("products", prod)
        bar.update(1)

        step("clickstream")
        world = World.build(seed, scale, cust_hidden, prod_hidden)
        stats: Counter = Counter()
        rows: Counter = Counter()  # folder layout: parts are on disk, only counts come back
        schemas: dict[str, pa.Schema] = {}
        buffers: dict[str, list[pa.Table]] = {t: [] for t in PARTITIONED}
        streamed = sc.layout == "folder"
        files_written: Counter = Counter()

        def flush(t: str) -> None:  # a collected table's buffer → its next part file
            tab = pa.concat_tables(buffers[t])
            buffers[t] = []
            write_table(tab, tmp / t / f"part-{files_written[t]:03d}.{ext}", fmt)
            files_written[t] += 1
            rows[t] += tab.num_rows
            schemas[t] = tab.schema

        if streamed:
            for t in PARTITIONED:
                (tmp / t).mkdir()
        for part in _days(world, workers, tmp if streamed else None, fmt):
            stats.update(part.stats)
            # the one-file layout keeps every table in memory; the streamed one only the
            # small collected tables, flushed every COLLECT_ROWS rows
            for t, tab in part.tables.items():
                buffers[t].append(tab)
                if streamed and sum(b.num_rows for b in buffers[t]) >= COLLECT_ROWS:
                    flush(t)
            rows.update(part.rows)
            schemas.update(part.schemas)
            del part
            bar.update(1)
        for t in PARTITIONED:
            if streamed:
                if buffers[t]:
                    flush(t)
                record(t, schemas[t], rows[t], tmp / t)
            else:
                emit(t, pa.concat_tables(buffers.pop(t)))
        bar.update(1)

        step("experiments")
        emit("experiments", registry())
        exp_truth: dict = {}
        emit_parts("assignments", assignment_parts(seed, scale, exp_truth))
        bar.update(1)

        step("pricing_panel")
        panel, price_truth = make_pricing_panel(seed, scale)
        emit("pricing_panel", panel)
        bar.update(1)

        step("inventory")
        inv_truth: dict = {}
        emit_parts("inventory", inventory_parts(seed, scale, inv_truth))
        bar.update(1)

        ml_truth: dict = {}  # the machine-learning case tables (lesson 07)
        for name, make in ML_TABLES.items():
            step(name)
            table, ml_truth[name] = make(seed, scale, customers=cust_hidden, products=prod_hidden)
            emit(name, table)
            bar.update(1)

        step("demand_daily")  # lesson 6: same size at every scale
        demand, demand_truth = make_demand_daily(seed, scale)
        emit("demand_daily", demand)
        emit("warehouses", make_warehouses())
        bar.update(1)

        if bar.n < bar.total:  # never leave a finished job short of 100 %
            bar.update(bar.total - bar.n)
    finally:
        bar.close()  # short of the total only when a step failed: then red is the truth

    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "format": fmt,
        "layout": sc.layout,
        "versions": {"numpy": np.__version__, "pyarrow": pa.__version__},
        "note": "Ground truth for tests and checkers; lessons show it only to reveal answers.",
        "tables": {t: files[t] for t in TABLES},
        "clickstream": {**planted(scale), "realised": _realised(stats)},
        "experiments": exp_truth,
        "pricing_panel": price_truth,
        "inventory": inv_truth,
        "ml": ml_truth,
        "demand_daily": demand_truth,
        "warehouses": {"lanes": "road km = great-circle km x 1.25; promise and cost from km [A]"},
        "products": {
            "elasticity": "hidden column products.elasticity (magnitude, > 0)",
            "inelastic_products": int((prod.column("elasticity").to_numpy() < 1).sum()),
            "categories": list(C.CATEGORIES),
        },
    }


def _realised(s: Counter) -> dict:
    """Exact counts and clean (bot-free, de-duplicated) rates of what was generated."""
    humans = s["sessions"]
    out = {
        "dirt_counts": {
            "bot_sessions": s["bot_sessions"],
            "bot_events": s["bot_events"],
            "duplicate_events": s["duplicate_events"],
            "missing_customer_id_events": s["missing_customer_id_events"],
            "late_events_over_1h": s["late_events_over_1h"],
            "late_events_over_3d": s["late_events_over_3d"],
        },
        "counts": {
            k: s[k]
            for k in (
                "sessions",
                "events_raw",
                "human_events",
                "product_views",
                "bounced_sessions",
                "cart_sessions",
                "checkout_sessions",
                "purchase_sessions",
                "orders",
                "orders_returned",
                "sales",
            )
        },
        "clean_rates": {
            "session_conversion": s["purchase_sessions"] / humans,
            "bounce_rate": s["bounced_sessions"] / humans,
            "cart_abandonment": 1 - s["purchase_sessions"] / max(s["cart_sessions"], 1),
            "checkout_given_cart": s["checkout_sessions"] / max(s["cart_sessions"], 1),
            "purchase_given_checkout": s["purchase_sessions"] / max(s["checkout_sessions"], 1),
            "return_rate": s["orders_returned"] / max(s["orders"], 1),
            "net_value_per_placed_order": s["gmv_net"] / max(s["orders"], 1),
            "aov_of_sales": s["revenue_of_sales"] / max(s["sales"], 1),
        },
        "conversion_by_month_device": {
            f"2025-{m:02d}": {
                d: {
                    "sessions": s[f"sessions_{m}_{d}"],
                    "purchases": s[f"purchases_{m}_{d}"],
                    "conversion": s[f"purchases_{m}_{d}"] / max(s[f"sessions_{m}_{d}"], 1),
                }
                for d in C.DEVICES
            }
            for m in (9, 10, 11)
        },
    }
    return out
