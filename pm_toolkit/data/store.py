"""The learner-facing cache: ``ensure`` a world exists, then ``load``, ``sql`` and ``manifest``.

Worlds live in ``config.data_dir()/<scale>/seed-<seed>/`` and are generated on first use. A
folder counts as complete only when it holds ``manifest.json`` with the current generator
version; generation writes elsewhere and renames into place, so a crash leaves nothing usable.

>>> import os, tempfile
>>> os.environ["PM_TOOLKIT_DATA_DIR"] = tempfile.mkdtemp()
>>> len(load("products", scale="tiny", seed=1)) > 0
True
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pm_toolkit import config
from pm_toolkit.data.generate import TABLES, generate_world
from pm_toolkit.data.scales import GENERATOR_VERSION, check_seed, get_scale

#: Integer columns that may hold missing values: loaded as pandas nullable integers (Int64),
#: whatever the seed, so code written against one learner's data works on every learner's.
NULLABLE_INT = {
    "events": ("customer_id", "product_id", "order_id"),
    "sessions": ("customer_id", "city_tier"),
    "support_contacts": ("order_id",),
}

_lock = threading.Lock()
_tables: dict[tuple[str, Path], pa.Table] = {}


def _resolve(scale: str, seed: int | None) -> tuple[str, int]:
    sc = get_scale(scale).name
    if seed is None:
        from pm_toolkit.learner import current_seed

        seed = current_seed()
    return sc, check_seed(seed)


def folder(scale: str = "small", seed: int | None = None) -> Path:
    """Where the world for (scale, seed) is (or will be) cached."""
    sc, sd = _resolve(scale, seed)
    return config.data_dir() / sc / f"seed-{sd}"


def _complete(path: Path) -> bool:
    try:
        m = json.loads((path / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return m.get("generator_version") == GENERATOR_VERSION and m.get("format") == "parquet"


def ensure(
    scale: str = "small", seed: int | None = None, progress: bool = True, workers: int | None = None
) -> Path:
    """Generate and cache the world for (scale, seed) if it is missing; return its folder."""
    sc, sd = _resolve(scale, seed)
    path = folder(sc, sd)
    with _lock:
        if _complete(path):
            return path
        for key in [k for k in _tables if k[1] == path]:
            del _tables[key]
        if path.exists():
            # an old generator version (or a foreign folder): move it aside, never trust it
            import shutil

            shutil.rmtree(path, ignore_errors=True)  # another process may race us here
        try:
            generate_world(sd, sc, path, progress=progress, workers=workers or auto_workers(sc))
        except FileExistsError:
            # another process finished the same world first: theirs is identical
            if not _complete(path):
                raise
    return path


def auto_workers(scale: str) -> int:
    """Worker processes worth starting: only the partitioned scales gain from more than one."""
    import os

    if get_scale(scale).layout != "folder":
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _check_table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; use one of: {', '.join(TABLES)}")
    return name


def _source(path: Path, name: str) -> Path:
    f = path / f"{name}.parquet"
    return f if f.exists() else path / name


def load_arrow(name: str, scale: str = "small", seed: int | None = None) -> pa.Table:
    """The table as an (immutable) Arrow table, cached in memory per (table, scale, seed)."""
    _check_table(name)
    sc, sd = _resolve(scale, seed)
    # keyed by folder too, so moving PM_TOOLKIT_DATA_DIR never serves another cache's table
    key = (name, folder(sc, sd))
    tab = _tables.get(key)
    if tab is None:
        import pyarrow.parquet as pq

        tab = pq.read_table(_source(ensure(sc, sd), name))
        _tables[key] = tab
    return tab


def load(name: str, scale: str = "small", seed: int | None = None):
    """One Bazaar table as a pandas DataFrame (a fresh copy: mutate it freely).

    ``seed=None`` uses the current learner's seed, so the same cell works for everyone.
    """
    import pandas as pd

    tab = load_arrow(name, scale, seed)
    df = tab.to_pandas()
    for col in NULLABLE_INT.get(name, ()):
        df[col] = tab.column(col).to_pandas(
            types_mapper={pa.int64(): pd.Int64Dtype(), pa.int8(): pd.Int8Dtype()}.get
        )
    return df


def manifest(scale: str = "small", seed: int | None = None) -> dict[str, Any]:
    """The planted ground truth of the world (a fresh dict each call)."""
    path = ensure(*_resolve(scale, seed), progress=False)
    return _read_manifest(str(path / "manifest.json"))


@lru_cache(maxsize=16)
def _manifest_text(path: str) -> str:
    return Path(path).read_text("utf-8")


def _read_manifest(path: str) -> dict:
    return json.loads(_manifest_text(path))


def clear_memory_cache() -> None:
    """Forget tables and connections held in memory (the files on disk stay)."""
    _tables.clear()
    _manifest_text.cache_clear()
    from pm_toolkit.data import query

    query._connections.clear()
