"""Small Arrow helpers: codes → strings without per-row Python, IST timestamps.

>>> import numpy as np
>>> decode(np.array([1, 0, 1]), ("a", "b")).to_pylist()
['b', 'a', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pyarrow as pa

from pm_toolkit.data.scales import TZ

TS_TYPE = pa.timestamp("ms", tz=TZ)


@lru_cache(maxsize=64)
def _vocab(vocab: tuple[str, ...]) -> pa.Array:
    return pa.array(list(vocab), type=pa.string())


def decode(codes: np.ndarray, vocab: Sequence[str]) -> pa.Array:
    """Turn integer codes into a string array by an Arrow ``take`` (no Python loop)."""
    return _vocab(tuple(vocab)).take(pa.array(np.asarray(codes, dtype=np.int32)))


def categorical(codes: np.ndarray, vocab: Sequence[str]) -> pa.DictionaryArray:
    """Integer codes as a dictionary-encoded string column over the fixed ``vocab``: no text is
    copied (≈ 50× faster than :func:`decode` on 100 k rows), every partition shares one
    dictionary, and Parquet stores it as ordinary text with dictionary pages, so DuckDB, Spark
    and Trino read plain strings. :func:`plain` turns it back into a string column.

    >>> categorical(np.array([1, 0, 1]), ("a", "b")).cast(pa.string()).to_pylist()
    ['b', 'a', 'b']
    """
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)), _vocab(tuple(vocab))
    )


def plain_type(t: pa.DataType) -> pa.DataType:
    """The value type of a dictionary type; any other type unchanged."""
    return t.value_type if pa.types.is_dictionary(t) else t


def plain(table: pa.Table) -> pa.Table:
    """``table`` with dictionary-encoded columns cast to their value type (the public schema)."""
    if not any(pa.types.is_dictionary(f.type) for f in table.schema):
        return table
    return table.cast(pa.schema([f.with_type(plain_type(f.type)) for f in table.schema]))


def table(columns: dict[str, pa.Array], optional: Sequence[str] = ()) -> pa.Table:
    """A table whose columns are all required (never null) except those named in ``optional``.

    Parquet writes no definition levels for a required column, which makes writing the
    clickstream about a quarter faster; a null in a required column is an error, not data.

    >>> t = table({"id": pa.array([1, 2]), "note": pa.array(["a", None])}, optional=["note"])
    >>> [f.nullable for f in t.schema]
    [False, True]
    """
    unknown = set(optional) - set(columns)
    if unknown:
        raise KeyError(f"optional columns not in the table: {sorted(unknown)}")
    fields = [pa.field(k, v.type, nullable=k in optional) for k, v in columns.items()]
    return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields))


def ts(ms: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """IST-aware millisecond timestamps from UTC epoch milliseconds."""
    return pa.array(np.asarray(ms, dtype=np.int64), type=TS_TYPE, mask=mask)


def money(x: np.ndarray) -> np.ndarray:
    """Rupees with two decimals."""
    return np.round(np.asarray(x, dtype=np.float64), 2)


#: Parquet settings, chosen per column kind (``parquet_options``); one row group per 1 M rows.
#: Large write batches: the writer's per-batch bookkeeping, not the bytes, dominated at 1024.
PARQUET_OPTS = {"row_group_size": 1_000_000, "write_batch_size": 65_536}
PARQUET_OPTS_STREAM = {"write_batch_size": 65_536}
#: Columns sorted (or nearly) within a file: the only ones whose min/max statistics let a
#: reader skip row groups, so the only ones that get statistics (the rest cost write time
#: for nothing).
SORTED_COLUMNS = frozenset(
    ("event_id", "session_id", "order_id", "contact_id", "ts", "start_ts", "order_ts", "hour_ts")
)


def parquet_options(schema: pa.Schema) -> dict:
    """Per-column Parquet settings, all standard encodings every engine (DuckDB, Spark, Trino)
    reads. Measured on a ``large`` events partition, they write in about half the time of
    zstd everywhere for a file ~15 % larger (``benchmarks/bench_data.py``):

    * integers and timestamps: DELTA_BINARY_PACKED and no codec: bit-packing the differences
      is the compression (sorted ids shrink to a few bits; random ids to their range), and
      running zstd over it saves little for a lot of time;
    * code columns (Arrow dictionary arrays over a small fixed vocabulary, see
      :func:`categorical`): dictionary pages and no codec, their bit-packed indices are tiny;
    * other text and floats (names, prices that repeat across rows): dictionary pages, zstd.

    >>> o = parquet_options(pa.schema([("ts", pa.int64()), ("city", pa.string())]))
    >>> o["column_encoding"], o["compression"], o["write_statistics"]
    ({'ts': 'DELTA_BINARY_PACKED'}, {'ts': 'none', 'city': 'zstd'}, ['ts'])
    """
    delta, codec, use_dict = {}, {}, []
    for f in schema:
        t = plain_type(f.type)
        if pa.types.is_integer(t) or pa.types.is_timestamp(t):
            delta[f.name], codec[f.name] = "DELTA_BINARY_PACKED", "none"
        else:
            use_dict.append(f.name)
            codec[f.name] = "none" if pa.types.is_dictionary(f.type) else "zstd"
    return {
        "use_dictionary": use_dict,
        "column_encoding": delta or None,
        "compression": codec,
        "write_statistics": [f.name for f in schema if f.name in SORTED_COLUMNS],
    }


def write_table(table: pa.Table, path, fmt: str = "parquet") -> None:
    """Write one table as Parquet or CSV (CSV via pyarrow: pandas tz-aware CSV is ~10× slower)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, **parquet_options(table.schema), **PARQUET_OPTS)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(plain(table), path)


class TableSink:
    """Append tables with one schema to one file, piece by piece (bounded memory).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> with TableSink(path) as sink:
    ...     sink.write(pa.table({"x": [1, 2]})); sink.write(pa.table({"x": [3]}))
    >>> sink.rows
    3
    """

    def __init__(self, path, fmt: str = "parquet") -> None:
        self.path, self.fmt, self.rows, self.schema = path, fmt, 0, None
        self._writer = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self.schema = table.schema
            if self.fmt == "parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(
                    self.path,
                    table.schema,
                    **parquet_options(table.schema),
                    **PARQUET_OPTS_STREAM,
                )
            else:
                import pyarrow.csv as pacsv

                self._writer = pacsv.CSVWriter(self.path, plain(table).schema)
        self._writer.write_table(plain(table) if self.fmt != "parquet" else table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> TableSink:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _validity(mask: np.ndarray) -> tuple[pa.Buffer | None, int]:
    """Arrow validity bitmap (1 = present) from a boolean "is missing" mask, via packbits:
    an order of magnitude faster than ``pa.array(..., mask=...)`` on 100k-row columns."""
    mask = np.asarray(mask, dtype=bool)
    nulls = int(mask.sum())
    if nulls == 0:
        return None, 0
    return pa.py_buffer(np.packbits(~mask, bitorder="little")), nulls


def _nullable(x: np.ndarray, mask: np.ndarray, dtype: type, arrow_type: pa.DataType) -> pa.Array:
    data = np.ascontiguousarray(x, dtype=dtype)
    bitmap, nulls = _validity(mask)
    return pa.Array.from_buffers(arrow_type, len(data), [bitmap, pa.py_buffer(data)], nulls)


def nullable_int(x: np.ndarray, mask: np.ndarray) -> pa.Array:
    """int64 array with nulls where ``mask`` is True.

    >>> nullable_int(np.array([4, -1]), np.array([False, True])).to_pylist()
    [4, None]
    """
    return _nullable(x, mask, np.int64, pa.int64())


def nullable_float(x: np.ndarray, mask: np.ndarray) -> pa.Array:
    """float64 array with nulls where ``mask`` is True."""
    return _nullable(x, mask, np.float64, pa.float64())
