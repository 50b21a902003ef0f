"""SQL over the Bazaar tables with DuckDB: every table is a view named after it.

Keep queries to plain ANSI SQL (``SELECT … FROM orders JOIN customers USING (customer_id)``):
the same text then runs in Spark or Trino over the exported Parquet files. Timestamps are
shown in IST (the session time zone is set to Asia/Kolkata).

>>> import os, tempfile
>>> os.environ["PM_TOOLKIT_DATA_DIR"] = tempfile.mkdtemp()
>>> int(sql("SELECT COUNT(*) AS n FROM products", scale="tiny", seed=1)["n"][0])
120
"""

from __future__ import annotations

import threading
from pathlib import Path

from pm_toolkit.data.scales import TABLES, TZ
from pm_toolkit.data.store import _resolve, ensure

_connections: dict[Path, object] = {}
_lock = threading.Lock()


def _quote(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def connect(scale: str = "small", seed: int | None = None):
    """A DuckDB connection with every table registered as a view (cached per world)."""
    import duckdb

    sc, sd = _resolve(scale, seed)
    path = ensure(sc, sd)
    with _lock:
        con = _connections.get(path)
        if con is None:
            con = duckdb.connect(":memory:")
            con.execute(f"SET TimeZone = '{TZ}'")
            for t in TABLES:
                f = path / f"{t}.parquet"
                src = _quote(f) if f.exists() else _quote(path / t / "*.parquet")
                con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet({src})")
            _connections[path] = con
    return con


def run_query(con, query: str, timeout: float | None = None):
    """Run ``query`` on a DuckDB connection or cursor and return a DataFrame; with ``timeout``
    (seconds), stop it then and raise ``TimeoutError`` (a join without a condition can
    otherwise run for hours and freeze the notebook).

    >>> import duckdb
    >>> slow = "SELECT COUNT(*) FROM range(100000000) a, range(100000000) b WHERE a.range = -b.range"
    >>> run_query(duckdb.connect(), slow, timeout=0.2)
    Traceback (most recent call last):
    TimeoutError: the query ran for more than 0.2 s and was stopped
    """
    import duckdb

    if timeout is None:
        return con.execute(query).df()
    # interrupting an idle connection does nothing, so a late timer cannot hit the next query
    timer = threading.Timer(timeout, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        return con.execute(query).df()
    except duckdb.InterruptException:
        raise TimeoutError(f"the query ran for more than {timeout:g} s and was stopped") from None
    finally:
        timer.cancel()


def sql(query: str, scale: str = "small", seed: int | None = None, timeout: float | None = None):
    """Run ``query`` over the learner's tables and return a pandas DataFrame (``timeout``: see
    :func:`run_query`)."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be SQL text, e.g. 'SELECT COUNT(*) FROM orders'")
    con = connect(scale, seed)
    with _lock:
        # DuckDB connections are not safe to share across threads without a cursor.
        df = run_query(con.cursor(), query, timeout)
    # DuckDB hands tz-aware results back in UTC; show them in IST like load() does.
    for col in df.columns:
        dtype = df[col].dtype
        if getattr(dtype, "tz", None) is not None:
            df[col] = df[col].dt.tz_convert(TZ)
    return df
