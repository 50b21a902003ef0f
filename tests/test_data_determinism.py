"""Same (seed, scale, version) → byte-identical files, whatever the worker count."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from pm_toolkit.data.clickstream import World, make_day
from pm_toolkit.data.generate import generate_world
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
    assert len(a) == 11 and a == b
    ma = (tmp_path / "a" / "manifest.json").read_text()
    assert ma == (tmp_path / "b" / "manifest.json").read_text()


def test_different_seeds_differ(tmp_path):
    generate_world(7, "tiny", tmp_path / "a", progress=False)
    generate_world(8, "tiny", tmp_path / "b", progress=False)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    # the experiment registry is fixed; every generated table differs
    assert all(a[k] != b[k] for k in a if k != "experiments.parquet")


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
