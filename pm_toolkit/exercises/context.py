"""Whose data an exercise is checked against: the learner's seed and data scale.

Reference answers are functions of a ``LearnerContext``, so two learners get different
expected values and no answer key sits in the package. Loaded tables and computed references
are cached on the context, so the second check of an exercise is fast.

>>> from pm_toolkit.exercises.context import LearnerContext
>>> import pandas as pd
>>> ctx = LearnerContext(seed=7, scale="tiny", tables={"orders": pd.DataFrame({"net_value": [1.0, 3.0]})})
>>> float(ctx.sql("SELECT AVG(net_value) AS aov FROM orders")["aov"][0])
2.0
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

SCALES = ("tiny", "small", "large")

_T = TypeVar("_T")


class LearnerRun:
    """One check's run of learner code: a time budget shared by every execution, and the
    results already produced, so a wrong-answer matcher reuses them instead of running the
    learner's query or function again.
    """

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.deadline = None if budget is None else time.monotonic() + budget
        self.results: dict[Any, Any] = {}

    def time_left(self) -> float | None:
        """Seconds left of the budget (may be ≤ 0), or None when there is no limit."""
        return None if self.deadline is None else self.deadline - time.monotonic()


class LearnerContext:
    """The learner's data world as the checkers see it.

    ``seed``: the dataset seed (default: the current learner's). ``scale``: ``"small"`` in lessons,
    ``"tiny"`` in tests. ``tables``: optional ``{name: DataFrame}`` used instead of
    ``pm_toolkit.data`` (tests and data-free demos).
    """

    def __init__(
        self,
        seed: int | None = None,
        scale: str = "small",
        *,
        learner: str | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        from pm_toolkit import learner as learner_mod

        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
        # One spelling per learner: the progress folder and the data seed both use it.
        learner = learner_mod.normalise(
            learner if learner is not None else learner_mod.current_learner()
        )
        if seed is None:
            seed = learner_mod.seed_for(learner)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a whole number ≥ 0; got {seed!r}")
        self.seed, self.scale, self.learner = int(seed), scale, learner
        self._tables = dict(tables) if tables is not None else None
        self._loaded: dict[str, pd.DataFrame] = {}
        #: Per-exercise cache of resolved references and expected values (never persisted).
        self.cache: dict[str, Any] = {}
        self._run: LearnerRun | None = None

    @classmethod
    def current(cls, scale: str = "small") -> LearnerContext:
        """The context of the learner in force (``pm_toolkit.set_learner``)."""
        return cls(scale=scale)

    def __repr__(self) -> str:
        return f"LearnerContext(learner={self.learner!r}, seed={self.seed}, scale={self.scale!r})"

    def cached(self, key: str, make: Callable[[], _T]) -> _T:
        """``make()``, computed the first time ``key`` is asked for on this context, then reused.

        The value lives in ``self.cache`` under ``key`` (so keys are shared by every caller:
        prefix them, e.g. ``"pricing:market"``). ``make`` takes no arguments; it may itself
        call ``cached`` for other keys.

        >>> ctx = LearnerContext(seed=1, scale="tiny", tables={})
        >>> calls = []
        >>> ctx.cached("demo:answer", lambda: calls.append(1) or 42)
        42
        >>> ctx.cached("demo:answer", lambda: calls.append(1) or 0)
        42
        >>> len(calls), ctx.cache["demo:answer"]
        (1, 42)
        """
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    # -- running learner code -------------------------------------------------------------------
    @contextlib.contextmanager
    def learner_run(self, budget: float | None) -> Iterator[LearnerRun]:
        """The scope of one check: learner code run inside shares ``budget`` seconds in all.

        ``sql`` honours the budget and reuses results; see :class:`LearnerRun`.
        """
        outer, self._run = self._run, LearnerRun(budget)
        try:
            yield self._run
        finally:
            self._run = outer

    @contextlib.contextmanager
    def trusted(self) -> Iterator[None]:
        """Author code (a reference, a declared wrong value) runs outside the learner's budget."""
        outer, self._run = self._run, None
        try:
            yield
        finally:
            self._run = outer

    @property
    def run(self) -> LearnerRun | None:
        """The check in progress (None outside one, or inside :meth:`trusted`)."""
        return self._run

    def time_left(self) -> float | None:
        """Seconds left for learner code in this check, or None without a limit."""
        return None if self._run is None else self._run.time_left()

    def limited(self, key: Any, run: Callable[[float | None], _T], timeout: float | None) -> _T:
        """``run(timeout)`` within the check's budget, its result reused for the same ``key``.

        Raises ``TimeoutError`` at once when the budget is spent: a wrong-answer matcher must
        not run the learner's query again past the limit the learner was promised.
        """
        scope = self._run
        if scope is None:
            return run(timeout)
        if key in scope.results:
            return _copied(scope.results[key])
        left = scope.time_left()
        if left is not None:
            if left <= 0:
                raise TimeoutError("the time for this check ran out")
            timeout = left if timeout is None else min(timeout, left)
        result = run(timeout)
        scope.results[key] = result
        return _copied(result)

    def load(self, table: str) -> pd.DataFrame:
        """One table of the learner's data (a copy: checkers may modify it freely)."""
        if table not in self._loaded:
            if self._tables is not None:
                if table not in self._tables:
                    raise KeyError(
                        f"no table {table!r} in this context; have {sorted(self._tables)}"
                    )
                self._loaded[table] = self._tables[table]
            else:
                from pm_toolkit import data

                self._loaded[table] = data.load(table, scale=self.scale, seed=self.seed)
        return self._loaded[table].copy()

    def sql(self, query: str, timeout: float | None = None) -> pd.DataFrame:
        """Run a DuckDB query over the learner's data; returns a DataFrame. With ``timeout``
        (seconds) a longer query is stopped with ``TimeoutError``."""
        key = ("sql", " ".join(str(query).split()))
        if self._tables is None:
            from pm_toolkit import data

            return self.limited(
                key, lambda t: data.sql(query, scale=self.scale, seed=self.seed, timeout=t), timeout
            )
        from pm_toolkit.data.query import run_query
        from pm_toolkit.exercises.kinds.sql import _connection

        tables = self._tables
        con = _connection(self, ("ctx-tables",), lambda: tables)
        return self.limited(key, lambda t: run_query(con, query, t), timeout)

    def manifest(self) -> dict[str, Any]:
        """The planted parameters of the learner's data (ground truth for checkers)."""
        if self._tables is not None:
            return {}
        from pm_toolkit import data

        return data.manifest(scale=self.scale, seed=self.seed)


def trusted(ctx: LearnerContext | None) -> contextlib.AbstractContextManager[None]:
    """``ctx.trusted()``, or a no-op without a context (kinds are also used without one)."""
    return ctx.trusted() if ctx is not None else contextlib.nullcontext()


def _copied(value: Any) -> Any:
    # A reused table is handed out as a copy: a matcher may modify what it gets.
    copy = getattr(value, "copy", None)
    return copy() if callable(copy) and hasattr(value, "columns") else value
