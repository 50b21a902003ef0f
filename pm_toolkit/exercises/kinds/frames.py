"""Table answers: a DataFrame compared with a diagnostic ladder.

The ladder, first failure wins: type → missing/extra columns → column order (if asked) →
row count → index (unless ignored) → column types (int vs float is fine) → values within
tolerance, naming the first differing cell by row and column with the learner's value.

>>> import pandas as pd
>>> from pm_toolkit.exercises.kinds.frames import DataFrameAnswer
>>> ref = pd.DataFrame({"city": ["pune", "delhi"], "orders": [3, 5]})
>>> DataFrameAnswer(ignore_order=True).compare(ref[::-1], ref, None).correct
True
>>> print(DataFrameAnswer().compare(ref.assign(orders=[3, 6]), ref, None).message)
Row 1, column 'orders': you have 6.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pm_toolkit.exercises.kinds.base import AnswerKind, Verdict
from pm_toolkit.exercises.parsing import describe, is_a, short_value

if TYPE_CHECKING:
    import pandas as pd

    from pm_toolkit.exercises.context import LearnerContext


def compare_frames(
    got: Any,
    want: pd.DataFrame,
    *,
    ignore_order: bool = False,
    ignore_index: bool = True,
    check_column_order: bool = False,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    noun: str = "table",
) -> Verdict:
    """Compare a learner's table with the reference; the message never shows reference values."""
    import numpy as np
    import pandas as pd

    if is_a(got, pd.Series):
        return Verdict(
            False,
            f"Expected a {noun} (DataFrame), but you gave a Series. "
            "Turn it into a table with .reset_index() or .to_frame().",
        )
    if not is_a(got, pd.DataFrame):
        return Verdict(False, f"Expected a {noun} (DataFrame), but got {describe(got)}.")
    gcols = [str(c) for c in got.columns]
    wcols = [str(c) for c in want.columns]
    if len(set(gcols)) != len(gcols):
        return Verdict(False, f"Your {noun} has repeated column names: {gcols}.")
    missing = [c for c in wcols if c not in gcols]
    extra = [c for c in gcols if c not in wcols]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(repr(c) for c in missing))
        if extra:
            parts.append("extra column(s) " + ", ".join(repr(c) for c in extra))
        return Verdict(False, f"Your {noun} has " + " and ".join(parts) + ".")
    if check_column_order and gcols != wcols:
        return Verdict(False, f"Right columns, wrong order: put them as {wcols}.")
    g = got.copy()
    g.columns = gcols
    g = g[wcols]
    w = want.copy()
    w.columns = wcols
    if len(g) != len(w):
        more = "too many" if len(g) > len(w) else "too few"
        return Verdict(False, f"Your {noun} has {len(g):,} rows: {more}.")
    if not ignore_index and not ignore_order:
        try:
            same_index = g.index.equals(w.index)
        except Exception:
            same_index = False
        if not same_index:
            return Verdict(
                False,
                f"The row labels (index) of your {noun} differ; check what you grouped or set as index.",
            )
    for c in wcols:
        if pd.api.types.is_complex_dtype(g[c]) or _holds_complex(g[c]):
            # numpy would drop the imaginary part when comparing as floats: 100+1e9j is not 100
            return Verdict(
                False, f"Column {c!r} holds complex numbers (with a j part); use real numbers."
            )
        gn = pd.api.types.is_numeric_dtype(g[c]) and not pd.api.types.is_bool_dtype(g[c])
        wn = pd.api.types.is_numeric_dtype(w[c]) and not pd.api.types.is_bool_dtype(w[c])
        if wn and not gn:
            return Verdict(
                False, f"Column {c!r} should hold numbers, but yours has type {g[c].dtype}."
            )
        if gn and not wn and not pd.api.types.is_bool_dtype(w[c]):
            return Verdict(
                False, f"Column {c!r} should not be numbers; yours has type {g[c].dtype}."
            )
    if ignore_order:
        g, w = _sorted(g), _sorted(w)
    if ignore_order or ignore_index:
        g = g.reset_index(drop=True)
        w = w.reset_index(drop=True)
    labels = g.index
    for c in wcols:
        bad = _first_mismatch(g[c], w[c], rtol, atol, np, pd)
        if bad is not None:
            return Verdict(
                False, f"Row {labels[bad]}, column {c!r}: you have {short_value(g[c].iloc[bad])}."
            )
    return Verdict(True)


def _holds_complex(s: Any) -> bool:
    if s.dtype != object:
        return False
    return any(issubclass(type(v), complex) for v in s.head(1000))


def _first_mismatch(gs: Any, ws: Any, rtol: float, atol: float, np: Any, pd: Any) -> int | None:
    """Position of the first differing cell, vectorised for numbers (tables can be large)."""
    numeric = all(
        pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (gs, ws)
    )
    if numeric:
        try:
            a = gs.to_numpy(dtype="float64", na_value=np.nan)
            b = ws.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore", over="ignore"):
                same = (
                    (np.abs(a - b) <= atol + rtol * np.abs(b))
                    | (np.isnan(a) & np.isnan(b))
                    | (a == b)
                )
            bad = np.flatnonzero(~same)
            return int(bad[0]) if bad.size else None
        except (TypeError, ValueError):
            pass  # fall back to cell by cell
    gv, wv = gs.to_numpy(dtype=object), ws.to_numpy(dtype=object)
    try:  # equal cells are skipped in one vectorised step; only the rest are looked at closely
        candidates = np.flatnonzero(~np.asarray(gv == wv, dtype=bool))
    except Exception:
        candidates = range(len(gv))
    for i in candidates:
        if not _cell_equal(gv[i], wv[i], rtol, atol, np):
            return int(i)
    return None


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    try:
        return df.sort_values(list(df.columns), kind="mergesort", na_position="last")
    except Exception:  # mixed types in a column: order by text instead
        key = df.astype(str).agg("\x1f".join, axis=1)
        return df.loc[key.sort_values(kind="mergesort").index]


def _cell_equal(a: Any, b: Any, rtol: float, atol: float, np: Any) -> bool:
    a_na = _is_na(a)
    b_na = _is_na(b)
    if a_na or b_na:
        return a_na and b_na
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        try:
            return bool(a == b)
        except Exception:
            return False
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError, OverflowError):
        try:
            return bool(a == b)
        except Exception:
            return False
    if not (math.isfinite(fa) and math.isfinite(fb)):
        return fa == fb
    return math.fabs(fa - fb) <= atol + rtol * math.fabs(fb)


def _is_na(v: Any) -> bool:
    import pandas as pd

    try:
        r = pd.isna(v)
        return bool(r) if not hasattr(r, "__len__") else False
    except Exception:
        return False


class TableKind(AnswerKind):
    """The options of ``compare_frames``, shared by the kinds whose answer is a table."""

    def __init__(
        self,
        ignore_order: bool,
        ignore_index: bool,
        rtol: float,
        atol: float,
        check_column_order: bool,
    ) -> None:
        self.ignore_order, self.ignore_index = bool(ignore_order), bool(ignore_index)
        self.rtol, self.atol = float(rtol), float(atol)
        self.check_column_order = bool(check_column_order)

    def compare_table(self, got: Any, want: pd.DataFrame, noun: str = "table") -> Verdict:
        """``compare_frames`` with this kind's options."""
        return compare_frames(
            got,
            want,
            ignore_order=self.ignore_order,
            ignore_index=self.ignore_index,
            check_column_order=self.check_column_order,
            rtol=self.rtol,
            atol=self.atol,
            noun=noun,
        )


class DataFrameAnswer(TableKind):
    """A table (pandas DataFrame) answer, checked with a diagnostic ladder.

    ``ignore_order``: rows may come in any order. ``ignore_index``: row labels don't matter
    (default). ``check_column_order``: columns must be in the reference's order.
    ``rtol``/``atol``: tolerance for numeric cells. The reference is a function of ``ctx``
    returning the right DataFrame.
    """

    kind_name = "dataframe"
    input_style = "variable"
    accepted_forms = "a pandas DataFrame"

    def __init__(
        self,
        ignore_order: bool = False,
        ignore_index: bool = True,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        check_column_order: bool = False,
    ) -> None:
        super().__init__(ignore_order, ignore_index, rtol, atol, check_column_order)

    def __repr__(self) -> str:
        return (
            f"DataFrameAnswer(ignore_order={self.ignore_order}, ignore_index={self.ignore_index}, "
            f"rtol={self.rtol})"
        )

    def expected(self, reference: Any, ctx: LearnerContext) -> pd.DataFrame:
        import pandas as pd

        if isinstance(reference, pd.Series):
            reference = reference.to_frame()
        if not isinstance(reference, pd.DataFrame):
            raise TypeError(
                f"a DataFrame exercise's reference must be a DataFrame; got {type(reference)}"
            )
        return reference

    def compare(self, parsed: Any, expected: pd.DataFrame, ctx: LearnerContext) -> Verdict:
        return self.compare_table(parsed, expected)

    def well_typed(self, parsed: Any) -> bool:
        import pandas as pd

        return is_a(parsed, pd.DataFrame)

    def echo(self, parsed: Any) -> str:
        import pandas as pd

        if is_a(parsed, pd.DataFrame):
            return f"a table with {len(parsed):,} rows and columns {[str(c) for c in parsed.columns][:8]}"
        return describe(parsed)
