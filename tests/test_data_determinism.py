"""Same (seed, scale, version) → byte-identical files, whatever the worker count."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from pm_toolkit.data.clickstream import World, make_day
from pm_toolkit.data.generate import generate_world
from pm_toolkit.data.scales import TABLES
from pm_toolkit.data.streams import stream


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_same_seed_same_bytes_with_one_or_two_workers(tmp_path):
    generate_world(7, "tiny", tmp_path / "a", progress=False, workers=1)
    generate_world(7, "tiny", tmp_path / "b", progress=False, workers=2)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert len(a) == len(TABLES) and a == b
    ma = (tmp_path / "a" / "manifest.json").read_text()
    assert ma == (tmp_path / "b" / "manifest.json").read_text()


def test_different_seeds_differ(tmp_path):
    generate_world(7, "tiny", tmp_path / "a", progress=False)
    generate_world(8, "tiny", tmp_path / "b", progress=False)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    # the experiment registry and the warehouse lanes are fixed; every generated table differs
    fixed = {"experiments.parquet", "warehouses.parquet"}
    assert all(a[k] != b[k] for k in a if k not in fixed)


def test_a_day_partition_does_not_depend_on_other_days():
    """Generating day 40 alone, or after others, in a fresh World, gives the same tables."""
    w1 = World.build(3, "tiny")
    alone = make_day(w1, 40)
    w2 = World.build(3, "tiny")
    for d in (39, 2, 41):
        make_day(w2, d)
    after = make_day(w2, 40)
    for name, tab in alone.tables.items():
        assert tab.equals(after.tables[name]), name
    assert alone.stats == after.stats


def test_busy_days_split_into_bounded_blocks_with_unique_ids():
    from pm_toolkit.data import clickstream as cs

    sizes = cs.block_sizes("xlarge", 45)  # a festive day at the largest scale
    assert len(sizes) > 1 and max(sizes) <= cs.SESSIONS_PER_BLOCK
    assert sum(sizes) == cs.sessions_on_day("xlarge", 45)
    assert cs.partitions("small") == [(d, 0) for d in range(90)]
    for kind, (per_day, per_block) in cs._ID_LAYOUT.items():
        assert per_block * 100 <= per_day, kind


def test_streams_are_keyed_not_shared():
    a = stream(5, "clickstream", 3, 0).random(4)
    assert np.array_equal(a, stream(5, "clickstream", 3, 0).random(4))
    assert not np.array_equal(a, stream(5, "clickstream", 4, 0).random(4))
    assert not np.array_equal(a, stream(5, "customers", 3, 0).random(4))
    # chunked draws of one column equal a one-shot draw (what makes partitions composable)
    g = stream(5, "clickstream", 3, 0)
    chunked = np.concatenate([g.random(3), g.random(5)])
    assert np.array_equal(chunked, stream(5, "clickstream", 3, 0).random(8))


def test_large_layout_writes_one_file_per_day(tmp_path, monkeypatch):
    """The streaming layout (used by large/xlarge) holds the same rows as the one-file layout."""
    import pyarrow.parquet as pq

    from pm_toolkit.data import scales

    tiny = scales.SCALES["tiny"]
    monkeypatch.setitem(
        scales.SCALES, "tiny", scales.Scale(**{**tiny.__dict__, "layout": "folder"})
    )
    generate_world(9, "tiny", tmp_path / "folder", progress=False)
    monkeypatch.setitem(scales.SCALES, "tiny", tiny)
    generate_world(9, "tiny", tmp_path / "file", progress=False)
    parts = sorted((tmp_path / "folder" / "events").glob("part-*.parquet"))
    assert len(parts) == 90 and parts[0].name == "part-000-00.parquet"
    whole = pq.read_table(tmp_path / "file" / "events.parquet")
    streamed = pa.concat_tables(pq.read_table(p) for p in parts)
    assert whole.equals(streamed)
    # the small tables are gathered over days into few files, in day order
    for t in ("orders", "order_items", "support_contacts"):
        files = sorted((tmp_path / "folder" / t).glob("part-*.parquet"))
        assert [f.name for f in files] == ["part-000.parquet"], t
        assert pq.read_table(files[0]).equals(pq.read_table(tmp_path / "file" / f"{t}.parquet"))


def test_collected_tables_flush_into_several_files_in_order_with_any_workers(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from pm_toolkit.data import generate, scales

    tiny = scales.SCALES["tiny"]
    monkeypatch.setitem(
        scales.SCALES, "tiny", scales.Scale(**{**tiny.__dict__, "layout": "folder"})
    )
    monkeypatch.setattr(generate, "COLLECT_ROWS", 20)  # tiny has ≈ 80 orders: several files
    m = generate_world(9, "tiny", tmp_path / "w", progress=False)
    files = sorted((tmp_path / "w" / "orders").glob("part-*.parquet"))
    assert len(files) >= 3 and all(pq.read_metadata(f).num_rows >= 20 for f in files[:-1])
    ids = pa.concat_tables(pq.read_table(f) for f in files).column("order_id").to_numpy()
    assert len(ids) == m["tables"]["orders"]["rows"] and (ids[1:] > ids[:-1]).all()
    # worker processes send their small tables back; the files are the same byte for byte
    generate_world(9, "tiny", tmp_path / "w2", progress=False, workers=2)
    assert _digests(tmp_path / "w") == _digests(tmp_path / "w2")
