"""SQL answers: the learner's query runs on DuckDB over their own data; results compared as tables.

The reference is the right query (text, or a function of ``ctx`` returning it), so the
expected table is computed from the learner's data, never stored.

>>> import pandas as pd
>>> from pm_toolkit.exercises.kinds.sql import SQLAnswer
>>> orders = pd.DataFrame({"city": ["pune", "pune", "delhi"], "net_value": [100.0, 50.0, 80.0]})
>>> k = SQLAnswer(tables=lambda ctx: {"orders": orders})
>>> want = k.expected("SELECT city, SUM(net_value) AS revenue FROM orders GROUP BY city", None)
>>> k.compare("select city, sum(net_value) revenue from orders group by 1", want, None).correct
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.context import trusted
from pm_toolkit.exercises.kinds.base import Verdict
from pm_toolkit.exercises.kinds.frames import TableKind
from pm_toolkit.exercises.parsing import InvalidInput, describe, is_text

if TYPE_CHECKING:
    import pandas as pd

    from pm_toolkit.exercises.context import LearnerContext

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_STARTS = ("select", "with", "from", "values", "(")


def _clean_sql(query: str) -> str:
    q = _COMMENTS.sub(" ", query).strip()
    while q.endswith(";"):
        q = q[:-1].rstrip()
    return q


class SQLAnswer(TableKind):
    """A SQL query answer. Results are compared like ``DataFrameAnswer`` (same options).

    ``tables``: optional function of ``ctx`` returning ``{name: DataFrame}`` to query instead
    of the learner's data set (used by the demo lesson, and handy for small worked examples).
    ``time_limit``: seconds a learner's query may run before it is stopped (the reference
    query is trusted and runs without one).
    """

    kind_name = "sql"
    input_style = "textarea"
    accepted_forms = (
        "one SELECT query, e.g. SELECT city, COUNT(*) AS orders FROM orders GROUP BY city"
    )

    def __init__(
        self,
        ignore_order: bool = True,
        ignore_index: bool = True,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        check_column_order: bool = False,
        tables: Callable[[Any], Mapping[str, pd.DataFrame]] | None = None,
        time_limit: float = 20.0,
    ) -> None:
        super().__init__(ignore_order, ignore_index, rtol, atol, check_column_order)
        if not (isinstance(time_limit, (int, float)) and time_limit > 0):
            raise ValueError(f"SQLAnswer(time_limit=...) must be seconds > 0; got {time_limit!r}")
        self.tables = tables
        self.time_limit = time_limit

    def __repr__(self) -> str:
        return f"SQLAnswer(ignore_order={self.ignore_order})"

    def run(self, query: str, ctx: LearnerContext, timeout: float | None = None) -> pd.DataFrame:
        """Run a query on the learner's data (or on ``tables``), returning a DataFrame.

        Inside a check (``ctx.learner_run``) the query shares the check's time budget and its
        result is reused by the wrong-answer matchers.
        """
        if self.tables is None:
            return ctx.sql(query, timeout=timeout)
        from pm_toolkit.data.query import run_query

        con = _connection(ctx, ("sql-tables", id(self)), lambda: self.tables(ctx))
        if ctx is None:
            return run_query(con, query, timeout)
        key = ("sql-tables", id(self), " ".join(query.split()))
        return ctx.limited(key, lambda t: run_query(con, query, t), timeout)

    def time_budget(self, expected: Any) -> float | None:
        return self.time_limit

    def well_typed(self, parsed: Any) -> bool:
        return is_text(parsed)

    def matches(self, parsed, value, ctx, *, abs=None, rel=None) -> bool:
        """True when the learner's query gives the same table as the wrong query ``value``."""
        if not is_text(value):
            return False
        with trusted(ctx):  # the wrong query is the author's: it runs without the budget
            want = self.expected(_clean_sql(value), ctx)
        return self.compare(parsed, want, ctx).correct

    def expected(self, reference: Any, ctx: LearnerContext) -> pd.DataFrame:
        if not isinstance(reference, str):
            raise TypeError("an SQL exercise's reference must be the right query (text)")
        return self.run(_clean_sql(reference), ctx)

    def parse(self, answer: Any, ctx: LearnerContext) -> str:
        if not is_text(answer):
            raise InvalidInput(
                f"Expected a query as text, got {describe(answer)}. Write {self.accepted_forms}."
            )
        q = _clean_sql(str.__str__(answer))
        if not q.lower().startswith(_STARTS):
            raise InvalidInput(f"A query here starts with SELECT or WITH; yours starts {q[:20]!r}.")
        if ";" in q:
            raise InvalidInput("Write one query at a time (no ';' in the middle).")
        return q

    def compare(self, parsed: str, expected: pd.DataFrame, ctx: LearnerContext) -> Verdict:
        import duckdb

        try:
            got = self.run(parsed, ctx, timeout=self.time_limit)
        except TimeoutError:
            return Verdict(
                False,
                f"Your query ran for more than {self.time_limit:g} s, so it was stopped. A join "
                "without an ON condition pairs every row with every row; check each JOIN.",
            )
        except duckdb.ParserException as exc:
            raise InvalidInput(f"DuckDB could not read your query: {_first_line(exc)}") from None
        except duckdb.Error as exc:
            return Verdict(False, f"DuckDB stopped with: {_first_line(exc)}")
        return self.compare_table(got, expected, noun="result")

    def echo(self, parsed: str) -> str:
        q = " ".join(parsed.split())
        return q if len(q) <= 80 else q[:79] + "…"


def _first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    s = lines[0] if lines else type(exc).__name__
    return s if len(s) <= 160 else s[:159] + "…"


def _connection(ctx: Any, key: tuple, tables: Callable[[], Mapping[str, Any]]) -> Any:
    """A DuckDB cursor over in-memory tables, made once per context (connecting costs ~ms)."""
    import duckdb

    cache = ctx.cache if ctx is not None else {}
    con = cache.get(key)
    if con is None:
        con = duckdb.connect(":memory:")
        for name, frame in tables().items():
            con.register(name, frame)
        cache[key] = con
    return con
