"""Shared, read-only course data on a hub: read in place, never written, own data as fallback."""

from __future__ import annotations

import json

import pytest

from pm_toolkit import config, data
from pm_toolkit.data import store

SEED = 31


@pytest.fixture()
def hub(tmp_path, monkeypatch):
    shared, own = tmp_path / "shared", tmp_path / "own"
    data.ensure("tiny", SEED, progress=False, base=shared)
    monkeypatch.setenv(config.SHARED_DATA_ENV, str(shared))
    monkeypatch.setenv(config.DATA_ENV, str(own))
    data.clear_memory_cache()
    yield shared, own
    data.clear_memory_cache()


def _snapshot(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_a_prepared_world_is_read_in_place_and_never_written(hub):
    shared, own = hub
    before = _snapshot(shared)
    assert data.ensure("tiny", SEED) == shared / "tiny" / f"seed-{SEED}"
    assert data.is_cached("tiny", SEED) and store.shared_folder("tiny", SEED) is not None
    assert len(data.load("events", scale="tiny", seed=SEED)) > 0
    assert data.manifest(scale="tiny", seed=SEED)["generator_version"]
    assert _snapshot(shared) == before and not own.exists()


def test_a_learner_missing_from_the_shared_data_gets_their_own_with_a_message(hub, capsys):
    shared, own = hub
    path = data.ensure("tiny", SEED + 1, progress=True)
    assert path == own / "tiny" / f"seed-{SEED + 1}"
    out = capsys.readouterr().out
    assert "not among the course data your instructor prepared" in out and "once" in out
    assert not (shared / "tiny" / f"seed-{SEED + 1}").exists()


def test_a_shared_world_from_an_older_generator_is_ignored_not_deleted(hub):
    shared, own = hub
    world = shared / "tiny" / f"seed-{SEED}"
    manifest = json.loads((world / "manifest.json").read_text())
    manifest["generator_version"] = "0.0.1"
    (world / "manifest.json").write_text(json.dumps(manifest))
    assert data.ensure("tiny", SEED, progress=False) == own / "tiny" / f"seed-{SEED}"
    assert world.exists()  # the instructor's folder is theirs to fix, never the learner's to delete


def test_big_tables_are_not_kept_twice_in_memory(hub):
    store._tables.clear()
    data.load("events", scale="tiny", seed=SEED)
    data.load("products", scale="tiny", seed=SEED)
    cached = {name for name, _path in store._tables}
    sizes = {n: store.load_arrow(n, scale="tiny", seed=SEED).nbytes for n in ("events", "products")}
    assert ("products" in cached) == (sizes["products"] <= store.CACHE_MAX_BYTES)
    assert ("events" in cached) == (sizes["events"] <= store.CACHE_MAX_BYTES)


def test_arrow_uses_the_system_allocator_unless_asked_otherwise():
    import os

    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pytest.skip("ARROW_DEFAULT_MEMORY_POOL chooses the allocator in this environment")
    assert pa.default_memory_pool().backend_name == "system"
