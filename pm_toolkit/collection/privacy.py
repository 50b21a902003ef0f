"""Privacy by design: pseudonymise ids, coarsen quasi-identifiers, check k-anonymity, suppress small cells.

India's Digital Personal Data Protection Act 2023 asks for consent and purpose limitation:
collect what a stated purpose needs, keep it no longer, and protect it. For analytics that
usually means four steps before data leaves the production system:

1. **Pseudonymise** ids with a *keyed* hash (HMAC-SHA256 with a secret kept by the data team).
   A bare SHA-256 of ``C000123`` is not private: anyone can hash every possible id and look
   the answer up (see :func:`dictionary_attack`).
2. **Coarsen quasi-identifiers**: columns that are harmless alone but identify people together
   (PIN code + signup date + device). PIN 560034 → ``560`` (the sorting district), exact time →
   hour, a date → month, an age → a 10-year band.
3. **Check k-anonymity**: every combination of quasi-identifiers must be shared by at least
   k people (k ≥ 5 is a common floor), otherwise a row can be singled out.
4. **Aggregate with a minimum cell size**: suppress any count built from fewer people.

>>> p = Pseudonymiser("bazaar-analytics-2025-rotate-me")
>>> p("C000123") == p("C000123"), p("C000123") == Pseudonymiser("another-long-secret-key")("C000123")
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pm_toolkit.collection._display import html_card

MIN_SECRET_LENGTH = 16
MIN_K = 2
MIN_CELL = 5

#: Secrets people type when asked for one; refused because an attacker tries them first.
WEAK_SECRETS = frozenset(
    {
        "secret",
        "password",
        "changeme",
        "change_me",
        "default",
        "pm_toolkit",
        "bazaar",
        "salt",
        "123456",
        "1234567890",
        "qwerty",
        "admin",
        "test",
        "key",
        "your-secret-here",
    }
)


def _check_secret(secret: object) -> bytes:
    if not isinstance(secret, (str, bytes)) or not secret:
        raise ValueError(
            "set a secret for pseudonymisation, e.g. Pseudonymiser(secret=os.environ['BAZAAR_ID_KEY']); "
            "an empty secret would be a bare hash, which anyone can reverse by hashing every id"
        )
    raw = secret.encode() if isinstance(secret, str) else secret
    if raw.decode(errors="ignore").strip().lower() in WEAK_SECRETS or len(set(raw)) < 4:
        raise ValueError(
            "that secret is a well-known default that an attacker would try first; "
            "use a long random one, e.g. secrets.token_hex(16)"
        )
    if len(raw) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"the secret must be at least {MIN_SECRET_LENGTH} characters; got {len(raw)}. "
            "Use a long random one, e.g. secrets.token_hex(16)"
        )
    return raw


class Pseudonymiser:
    """Replace ids by HMAC-SHA256(secret, id): the same id → the same token, irreversible without the secret.

    Tokens are the first ``length`` hex characters of the MAC (16 by default: 64 bits, so a
    collision among a million customers has odds of about 1 in 36 million).

    >>> p = Pseudonymiser("a-long-random-secret-for-docs")
    >>> len(p("C000001")), p("C000001") != p("C000002")
    (16, True)
    """

    def __init__(self, secret: str | bytes, *, length: int = 16) -> None:
        self._key = _check_secret(secret)
        if not 8 <= length <= 64:
            raise ValueError(f"length must be between 8 and 64 hex characters; got {length}")
        self.length = length

    def __repr__(self) -> str:
        # Never print the secret, not even in a traceback.
        return f"Pseudonymiser(secret=<hidden>, length={self.length})"

    def __call__(self, value: object) -> str:
        return hmac.new(self._key, str(value).encode(), hashlib.sha256).hexdigest()[: self.length]

    def series(self, values: pd.Series) -> pd.Series:
        """Pseudonymise a column; missing values stay missing."""
        uniques = values.dropna().unique()
        mapping = {u: self(u) for u in uniques}
        return values.map(mapping)

    def frame(self, df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """A copy of ``df`` with ``columns`` pseudonymised (use the same key for every table you join)."""
        out = df.copy()
        for col in columns:
            out[col] = self.series(df[col])
        return out


def bare_hash(value: object) -> str:
    """SHA-256 of an id without a key: shown only to demonstrate why it is *not* private."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:16]


def dictionary_attack(
    tokens: Iterable[str], candidates: Iterable[object], hasher: Callable[[object], str] = bare_hash
) -> float:
    """Share of tokens an attacker recovers by hashing every candidate id with ``hasher``.

    >>> ids = [f"C{i:06d}" for i in range(50)]
    >>> dictionary_attack([bare_hash(i) for i in ids], [f"C{i:06d}" for i in range(1000)])
    1.0
    """
    table = {hasher(c) for c in candidates}
    tokens = list(tokens)
    return sum(t in table for t in tokens) / len(tokens) if tokens else 0.0


def coarsen_pin(pin: pd.Series, digits: int = 3) -> pd.Series:
    """Keep the first ``digits`` of a 6-digit PIN (3 digits = the postal sorting district).

    >>> coarsen_pin(pd.Series(["560034", 110001])).tolist()
    ['560', '110']
    """
    if not 1 <= digits <= 5:
        raise ValueError(f"keep between 1 and 5 PIN digits (6 would not coarsen); got {digits}")
    text = pin.astype("string").str.replace(r"\D", "", regex=True)
    return text.str[:digits].astype(object).where(pin.notna(), None)


def coarsen_time(ts: pd.Series, unit: str = "h") -> pd.Series:
    """Round timestamps down to the hour (``"h"``), day (``"D"``) or month (``"M"``)."""
    if unit == "M":
        return ts.dt.strftime("%Y-%m")
    return ts.dt.floor(unit)


def to_band(values: pd.Series, width: float = 10) -> pd.Series:
    """Numbers into bands of ``width``: an age of 34 → ``'30-39'``.

    >>> to_band(pd.Series([34, 40, 7])).tolist()
    ['30-39', '40-49', '0-9']
    """
    if width <= 0:
        raise ValueError(f"band width must be positive; got {width}")
    low = (np.floor(values / width) * width).astype("Int64")
    return (low.astype(str) + "-" + (low + int(width) - 1).astype(str)).where(values.notna(), None)


@dataclass(frozen=True)
class KAnonymityReport:
    """How well a released table hides individuals among its quasi-identifiers."""

    quasi_identifiers: tuple[str, ...]
    k_target: int
    k: int
    n_rows: int
    n_groups: int
    rows_at_risk: int
    offending: pd.DataFrame = field(repr=False)

    @property
    def satisfied(self) -> bool:
        """True when every combination is shared by at least ``k_target`` rows."""
        return self.k >= self.k_target

    def __repr__(self) -> str:
        verdict = "meets" if self.satisfied else "fails"
        return (
            f"KAnonymityReport(k={self.k} {verdict} k≥{self.k_target} on "
            f"{list(self.quasi_identifiers)}; {self.rows_at_risk:,} of {self.n_rows:,} rows in "
            f"{len(self.offending):,} small groups)"
        )

    def _repr_html_(self) -> str:
        facts = [
            ("quasi-identifiers", ", ".join(self.quasi_identifiers)),
            ("smallest group (k)", f"{self.k:,}"),
            ("target", f"k ≥ {self.k_target}: {'met' if self.satisfied else 'NOT met'}"),
            ("rows in groups smaller than the target", f"{self.rows_at_risk:,} of {self.n_rows:,}"),
        ]
        return html_card("k-anonymity check", facts, self.offending)


def k_anonymity(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int = 5) -> KAnonymityReport:
    """The smallest group size over ``quasi_identifiers`` and the combinations below ``k``.

    >>> t = pd.DataFrame({"pin3": ["560", "560", "110"], "device": ["app", "app", "app"]})
    >>> r = k_anonymity(t, ["pin3", "device"], k=2)
    >>> r.k, r.satisfied, r.offending["rows"].tolist()
    (1, False, [1])
    """
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}: k=1 lets every row be unique; got {k}")
    qi = list(quasi_identifiers)
    if not qi:
        raise ValueError(
            "name at least one quasi-identifier column, e.g. ['pin_code', 'signup_date']"
        )
    missing = [c for c in qi if c not in df.columns]
    if missing:
        raise ValueError(f"no column(s) {missing} in the table; it has {list(df.columns)}")
    if df.empty:
        raise ValueError("the table is empty: there is nothing to check")
    sizes = df.groupby(qi, dropna=False, observed=True).size().rename("rows").reset_index()
    small = (
        sizes[sizes["rows"] < k].sort_values(["rows", *qi], kind="stable").reset_index(drop=True)
    )
    return KAnonymityReport(
        quasi_identifiers=tuple(qi),
        k_target=k,
        k=int(sizes["rows"].min()),
        n_rows=len(df),
        n_groups=len(sizes),
        rows_at_risk=int(small["rows"].sum()),
        offending=small,
    )


def safe_aggregate(
    df: pd.DataFrame,
    by: Sequence[str],
    *,
    value: str | None = None,
    agg: str = "sum",
    min_group_size: int = 10,
    person: str | None = "customer_id",
) -> pd.DataFrame:
    """Group and aggregate, blanking every cell built from fewer than ``min_group_size`` people.

    The size is counted in distinct ``person`` values when that column exists (ten orders from
    one customer still describe one person), else in rows. Suppressed cells are NaN and flagged.

    >>> t = pd.DataFrame({"city": ["Pune"] * 6 + ["Agra"], "customer_id": list("abcdefg"),
    ...                   "net_value": [100.0] * 7})
    >>> safe_aggregate(t, ["city"], value="net_value", min_group_size=5)[["city", "value", "suppressed"]].values.tolist()
    [['Agra', nan, True], ['Pune', 600.0, False]]
    """
    if min_group_size < MIN_CELL:
        raise ValueError(
            f"min_group_size must be at least {MIN_CELL}: smaller cells can single out a person; "
            f"got {min_group_size}"
        )
    groups = df.groupby(list(by), dropna=False, observed=True)
    people = groups[person].nunique() if person and person in df.columns else groups.size()
    values = groups[value].agg(agg) if value is not None else groups.size()
    out = pd.DataFrame({"people": people, "value": values.astype(float)}).reset_index()
    out["suppressed"] = out["people"] < min_group_size
    out.loc[out["suppressed"], ["value", "people"]] = np.nan
    return out
