"""The generator's fast paths give exactly what the slow, obvious code gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pm_toolkit.data.arrowutil import categorical, plain, table, write_table
from pm_toolkit.data.streams import Guide, bernoulli_hits, cum_choice


def test_guide_table_equals_searchsorted_on_skewed_weights_and_prefixes():
    rng = np.random.default_rng(5)
    for n in (1, 7, 1000, 50_000):
        w = rng.pareto(1.2, n) * (rng.random(n) > 0.2)  # heavy tail and zero weights
        w[-1] += 1.0
        cum = np.cumsum(w)
        guide = Guide(cum)
        u = rng.random(20_000)
        x = u * cum[-1]
        assert (guide.search(x) == np.searchsorted(cum, x, side="right")).all()
        # a prefix of the cumulative array can use the guide of the whole array
        k = max(1, n // 3)
        assert (cum_choice(cum[:k], u, guide) == cum_choice(cum[:k], u)).all()


def test_dictionary_text_columns_are_plain_strings_for_readers(tmp_path):
    tab = pa.table({"event_type": categorical(np.array([2, 0, 2]), ("a", "b", "c"))})
    write_table(tab, tmp_path / "t.parquet")
    back = plain(pq.read_table(tmp_path / "t.parquet"))
    assert back.schema.field("event_type").type == pa.string()
    assert back.column("event_type").to_pylist() == ["c", "a", "c"]
    write_table(tab, tmp_path / "t.csv", "csv")
    assert (tmp_path / "t.csv").read_text().split() == ['"event_type"', '"c"', '"a"', '"c"']


def test_guide_walk_falls_back_on_long_runs_of_tiny_weights():
    # 5,000 near-zero weights between two heavy ones: some buckets hold thousands of entries,
    # so queries there must leave the step-by-step walk for a binary search
    w = np.concatenate([[1.0], np.full(5000, 1e-9), [1.0], np.full(100, 0.01)])
    cum = np.cumsum(w)
    guide = Guide(cum)
    assert guide.walk > Guide.STEPS  # the adaptive path is the one under test
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.random(20_000) * cum[-1], cum, [0.0, cum[-1]]])
    assert (guide.search(x) == np.searchsorted(cum, x, side="right")).all()
    # a small table takes the branch-free path and still equals searchsorted
    small = Guide(np.cumsum([0.2, 0.0, 0.5, 0.3]))
    assert small.walk <= Guide.STEPS
    u = rng.random(10_000)
    assert (small.pick(u) == cum_choice(small.cum, u)).all()


def test_choice_by_row_equals_a_search_in_each_row():
    from pm_toolkit.data.clickstream import _choice_by_row

    rng = np.random.default_rng(4)
    weights = rng.random((4, 10)) * (rng.random((4, 10)) > 0.3)
    weights[:, -1] += 0.1
    cum = np.cumsum(weights, axis=1)
    row = rng.integers(0, 4, 50_000)
    u = rng.random(50_000)
    got = _choice_by_row(cum, row, u)
    for r in range(4):
        m = row == r
        assert (got[m] == cum_choice(cum[r], u[m])).all()


def test_bernoulli_hits_is_a_bernoulli_process():
    from scipy import stats

    n, p, reps = 2_000, 0.01, 3_000
    g = np.random.default_rng(6)
    counts = np.empty(reps)
    per_index = np.zeros(n)
    for i in range(reps):
        hits = bernoulli_hits(g, n, p)
        assert (np.diff(hits) > 0).all() and (hits >= 0).all() and (hits < n).all()
        counts[i] = len(hits)
        per_index[hits] += 1
    # the count of hits is Binomial(n, p): compare the observed counts' distribution with scipy's
    k = np.arange(0, 50)
    expected = stats.binom.pmf(k, n, p) * reps
    observed = np.bincount(counts.astype(int), minlength=50)[:50]
    keep = expected > 5
    chi2 = (((observed[keep] - expected[keep]) ** 2) / expected[keep]).sum()
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-4
    # every index is equally likely: early and late halves get the same share of hits
    assert stats.binomtest(int(per_index[: n // 2].sum()), int(per_index.sum()), 0.5).pvalue > 1e-4
    assert len(bernoulli_hits(g, 0, 0.5)) == 0 and len(bernoulli_hits(g, 10, 0.0)) == 0
    assert bernoulli_hits(g, 10, 1.0).tolist() == list(range(10))
    # deterministic: the same stream gives the same hits
    a = bernoulli_hits(np.random.default_rng(9), 100_000, 0.003)
    assert np.array_equal(a, bernoulli_hits(np.random.default_rng(9), 100_000, 0.003))


def test_required_columns_and_standard_encodings(tmp_path):
    from pm_toolkit.data.clickstream import World, make_part

    for t in ("sessions", "events", "orders", "order_items", "support_contacts"):
        (tmp_path / t).mkdir()
    part = make_part(World.build(3, "tiny"), (5, 0), tmp_path)
    ev = pq.ParquetFile(next((tmp_path / "events").iterdir()))
    schema = ev.schema_arrow
    optional = {f.name for f in schema if f.nullable}
    assert optional == {"customer_id", "product_id", "price", "order_id"}
    standard = {"PLAIN", "RLE", "RLE_DICTIONARY", "PLAIN_DICTIONARY", "DELTA_BINARY_PACKED"}
    meta = ev.metadata.row_group(0)
    for i in range(meta.num_columns):
        col = meta.column(i)
        assert set(col.encodings) <= standard, (col.path_in_schema, col.encodings)
        # statistics only where they let a reader skip row groups: the sorted columns
        sorted_cols = {"event_id", "session_id", "ts", "order_id"}
        assert col.is_stats_set == (col.path_in_schema in sorted_cols)
    assert part.rows["events"] == ev.metadata.num_rows
    with pytest.raises(KeyError, match="not in the table"):
        table({"a": pa.array([1])}, optional=["b"])


def test_event_rows_follow_the_funnel_within_each_session():
    from pm_toolkit.data.clickstream import World, make_day

    part = make_day(World.build(2026, "small"), 40)
    ev = part.tables["events"].to_pandas()
    ev["event_type"] = ev["event_type"].astype(str)
    assert ev["event_id"].is_monotonic_increasing and ev["session_id"].is_monotonic_increasing
    bots = ev[
        ev["customer_id"].isna() & (ev.groupby("session_id")["event_type"].transform("size") >= 30)
    ]
    rank = {
        "page_view": 0,
        "search": 1,
        "product_view": 2,
        "add_to_cart": 2,
        "remove_from_cart": 3,
        "begin_checkout": 4,
        "purchase": 5,
    }
    for sid, s in ev.groupby("session_id", sort=False):
        types = s["event_type"].tolist()
        assert s["ts"].is_monotonic_increasing, sid
        if sid in bots["session_id"].values:  # bots: product views exactly 2 s apart
            assert set(types) == {"product_view"}
            assert (s["ts"].diff().dropna() == pd.Timedelta("2s")).all()
            continue
        assert types[0] == "page_view" and types.count("page_view") == 1, sid
        assert [rank[t] for t in types] == sorted(rank[t] for t in types), (sid, types)
        for i, t in enumerate(types):  # every add_to_cart follows a view (or its own retry)
            if t == "add_to_cart":
                prev = s.iloc[i - 1]
                assert prev["event_type"] in ("product_view", "add_to_cart")
                assert prev["product_id"] == s.iloc[i]["product_id"]
                if prev["event_type"] == "add_to_cart":  # a logged retry: same timestamp
                    assert prev["ts"] == s.iloc[i]["ts"]
