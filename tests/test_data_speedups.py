"""The generator's fast paths give exactly what the slow, obvious code gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pm_toolkit.data.arrowutil import categorical, plain, write_table
from pm_toolkit.data.streams import Guide, cum_choice


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
