"""Data-quality checks on raw clickstream events: what is dirty, and how much it moves a metric.

Raw events are never clean. A flaky network makes the app retry ``add_to_cart`` so the same
click lands twice; scrapers and bots click faster than any person; a logged-out screen sends no
``customer_id``; a phone that was offline uploads yesterday's events today. Each check below
returns a :class:`QualityCheck`: what it found (count and ids), the cleaned events, and the three
headline metrics before and after, so a PM sees which decisions the dirt would have changed.

Metrics (per session, the unit a visitor experiences):

* session conversion = sessions with a ``purchase`` / all sessions
* cart abandonment   = 1 − sessions with a purchase and an ``add_to_cart`` / sessions with an ``add_to_cart``
* events per session = events / sessions

>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "event_id": ["e1", "e2", "e3", "e4"],
...     "session_id": ["s1", "s1", "s1", "s2"],
...     "customer_id": ["c1", "c1", "c1", "c2"],
...     "event_type": ["page_view", "add_to_cart", "add_to_cart", "page_view"],
...     "product_id": [None, "P1", "P1", None],
...     "ts": pd.to_datetime(["2025-10-01 10:00"] + ["2025-10-01 10:01"] * 2 + ["2025-10-01 11:00"]),
... })
>>> check = find_duplicates(ev)
>>> check.found, check.ids
(1, ('e3',))
>>> check.after.events_per_session
1.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial

import pandas as pd

from pm_toolkit.collection._display import html_card
from pm_toolkit.formatting import format_pct

#: GA4 keeps accepting events for a day's export for up to 3 days, then drops them.
GA4_LATENESS = pd.Timedelta(days=3)

DUPLICATE_KEYS = ("session_id", "event_type", "product_id", "ts")


@dataclass(frozen=True)
class FunnelMetrics:
    """The three session-level metrics the checks report on."""

    sessions: int
    session_conversion: float
    cart_abandonment: float
    events_per_session: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def funnel_metrics(events: pd.DataFrame) -> FunnelMetrics:
    """Session conversion, cart abandonment and events per session of an event log.

    >>> import pandas as pd
    >>> ev = pd.DataFrame({"session_id": ["a", "a", "b", "b", "c"],
    ...                    "event_type": ["add_to_cart", "purchase", "add_to_cart", "page_view", "page_view"]})
    >>> m = funnel_metrics(ev)
    >>> round(m.session_conversion, 4), m.cart_abandonment, round(m.events_per_session, 4)
    (0.3333, 0.5, 1.6667)
    """
    if events.empty:
        return FunnelMetrics(0, float("nan"), float("nan"), float("nan"))
    kind = events["event_type"]
    session = events["session_id"]
    bought = set(session[kind == "purchase"].dropna())
    carted = set(session[kind == "add_to_cart"].dropna())
    n_sessions = session.nunique()
    abandon = 1 - len(carted & bought) / len(carted) if carted else float("nan")
    return FunnelMetrics(
        sessions=int(n_sessions),
        session_conversion=len(bought) / n_sessions,
        cart_abandonment=abandon,
        events_per_session=len(events) / n_sessions,
    )


@dataclass(frozen=True)
class QualityCheck:
    """What one check found, the cleaned events, and how the metrics moved."""

    name: str
    found: int
    ids: tuple = field(repr=False)
    id_kind: str
    rule: str
    before: FunnelMetrics
    after: FunnelMetrics
    cleaned: pd.DataFrame = field(repr=False)
    flagged: pd.DataFrame = field(repr=False)

    def moved(self) -> pd.DataFrame:
        """Each metric before and after cleaning, and the change (after − before)."""
        before, after = self.before.as_dict(), self.after.as_dict()
        return pd.DataFrame(
            {
                "metric": list(before),
                "before": list(before.values()),
                "after": list(after.values()),
                "change": [after[k] - before[k] for k in before],
            }
        )

    def __repr__(self) -> str:
        return (
            f"QualityCheck({self.name!r}: {self.found:,} {self.id_kind}s flagged; conversion "
            f"{format_pct(self.before.session_conversion, 2)} → "
            f"{format_pct(self.after.session_conversion, 2)}, "
            f"cart abandonment {format_pct(self.before.cart_abandonment, 2)} → "
            f"{format_pct(self.after.cart_abandonment, 2)})"
        )

    def _repr_html_(self) -> str:
        table = self.moved()
        for col in ("before", "after", "change"):
            table[col] = [
                f"{v:,.0f}"
                if m == "sessions"
                else (f"{v:.2f}" if m == "events_per_session" else format_pct(v, 2))
                for m, v in zip(table["metric"], table[col], strict=True)
            ]
        facts = [
            ("rule", self.rule),
            (f"{self.id_kind}s flagged", f"{self.found:,}"),
            ("rows kept", f"{len(self.cleaned):,}"),
        ]
        return html_card(f"Data-quality check: {self.name}", facts, table)

    def summary(self) -> StepSummary:
        """The check without its frames: what a step table needs.

        >>> import pandas as pd
        >>> ev = pd.DataFrame({"event_id": [1, 2], "session_id": [7, 7], "product_id": [3, 3],
        ...                    "event_type": ["page_view"] * 2, "ts": [pd.Timestamp(0)] * 2})
        >>> find_duplicates(ev).summary().rows  # the retried copy is dropped
        1
        """
        return StepSummary(
            self.name,
            self.found,
            self.id_kind,
            self.rule,
            self.before,
            self.after,
            len(self.cleaned),
        )


@dataclass(frozen=True)
class StepSummary:
    """One step of :func:`clean_events`: what it flagged and the metrics around it.

    The step's own cleaned copy of the events is not kept: four copies of a day's clickstream
    would sit in every learner's kernel for one table of counts.
    """

    name: str
    found: int
    id_kind: str
    rule: str
    before: FunnelMetrics
    after: FunnelMetrics
    rows: int


def _event_ids(events: pd.DataFrame, rows: pd.Series) -> list:
    """The flagged events' ``event_id`` (their row labels when the log has no such column)."""
    return list(events.loc[rows, "event_id"] if "event_id" in events else events.index[rows])


def _result(
    name: str,
    rule: str,
    events: pd.DataFrame,
    bad_rows: pd.Series,
    ids: Sequence,
    id_kind: str,
    cleaned: pd.DataFrame | None = None,
) -> QualityCheck:
    kept = events.loc[~bad_rows] if cleaned is None else cleaned
    return QualityCheck(
        name=name,
        found=len(ids),
        ids=tuple(ids),
        id_kind=id_kind,
        rule=rule,
        before=funnel_metrics(events),
        after=funnel_metrics(kept),
        cleaned=kept.reset_index(drop=True),
        flagged=events.loc[bad_rows].reset_index(drop=True),
    )


def find_duplicates(events: pd.DataFrame, keys: Sequence[str] = DUPLICATE_KEYS) -> QualityCheck:
    """Events repeating an earlier event's keys (same session, type, product and timestamp).

    A retry after a timeout resends the same click with the same client timestamp, so the
    copies share every key but the ``event_id``. The first copy is kept, later ones flagged.
    """
    missing = [k for k in keys if k not in events.columns]
    if missing:
        raise ValueError(
            f"events have no column(s) {missing}; duplicates are judged on {list(keys)}"
        )
    dup = events.duplicated(subset=list(keys), keep="first")
    return _result(
        "duplicate events",
        f"same {', '.join(keys)} as an earlier event",
        events,
        dup,
        _event_ids(events, dup),
        "event",
    )


def session_speed(events: pd.DataFrame) -> pd.DataFrame:
    """Per session: events, median and longest gap between events (s), and purchases."""
    ordered = events.sort_values(["session_id", "ts"], kind="stable")
    gaps = ordered.groupby("session_id", sort=False)["ts"].diff().dt.total_seconds()
    out = (
        pd.DataFrame(
            {
                "session_id": ordered["session_id"],
                "gap_s": gaps,
                "purchase": ordered["event_type"].eq("purchase"),
            }
        )
        .groupby("session_id")
        .agg(
            events=("gap_s", "size"),
            median_gap_s=("gap_s", "median"),
            longest_gap_s=("gap_s", "max"),
            purchases=("purchase", "sum"),
        )
    )
    return out.reset_index()


def find_bots(
    events: pd.DataFrame, *, min_events: int = 10, max_dwell_s: float = 5.0
) -> QualityCheck:
    """Sessions with no human pause: many events and never more than a few seconds between two.

    People stop to read a product page ("dwell") for tens of seconds at least once in a long
    visit; a scraper fires request after request. A session is flagged when it has at least
    ``min_events`` events and its *longest* gap is at most ``max_dwell_s`` seconds. All its
    events are removed.

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-10-14 02:00")
    >>> bot = pd.DataFrame({"session_id": "b1", "event_type": "product_view",
    ...                     "ts": [t + pd.Timedelta(seconds=2 * i) for i in range(12)]})
    >>> find_bots(bot).ids
    ('b1',)
    """
    if min_events < 2:
        raise ValueError(f"min_events must be at least 2 to measure a gap; got {min_events}")
    if max_dwell_s <= 0:
        raise ValueError(f"max_dwell_s must be positive seconds; got {max_dwell_s}")
    speed = session_speed(events)
    bots = speed.loc[
        (speed["events"] >= min_events) & (speed["longest_gap_s"] <= max_dwell_s), "session_id"
    ]
    rows = events["session_id"].isin(bots)
    return _result(
        "bot sessions",
        f">= {min_events} events, never more than {max_dwell_s:g} s between two",
        events,
        rows,
        sorted(bots),
        "session",
    )


def find_missing_ids(
    events: pd.DataFrame, column: str = "customer_id", *, sessions: pd.DataFrame | None = None
) -> QualityCheck:
    """Events with no ``customer_id``; repaired from the same session where possible.

    A session belongs to one customer, so a gap is filled from the session's other events (or
    from the ``sessions`` table when given); only events whose session has no id at all are
    dropped.
    """
    if column not in events.columns:
        raise ValueError(f"events have no {column!r} column to check")
    blank = events[column].isna()
    if sessions is not None:
        known = sessions.dropna(subset=[column]).drop_duplicates("session_id")
        known = known.set_index("session_id")[column]
    else:
        known = events.loc[~blank].groupby("session_id")[column].first()
    repaired = events.copy()
    repaired.loc[blank, column] = events.loc[blank, "session_id"].map(known)
    still = repaired[column].isna()
    return _result(
        "missing ids",
        f"{column} is empty (filled from the same session where possible)",
        events,
        blank,
        _event_ids(events, blank),
        "event",
        cleaned=repaired.loc[~still],
    )


def find_late_events(
    events: pd.DataFrame,
    *,
    allowed_lateness: pd.Timedelta | str = GA4_LATENESS,
    ingested_col: str = "ingested_ts",
) -> QualityCheck:
    """Events that reached the server after the watermark: ``ingested − ts > allowed_lateness``.

    A pipeline must decide when a period is "closed". A watermark of 3 days (as in GA4's
    daily export) keeps a phone that was offline for a weekend, and drops anything later.

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-10-14 21:00")
    >>> ev = pd.DataFrame({"event_id": [1, 2], "session_id": ["s", "s"],
    ...     "event_type": ["page_view", "purchase"], "ts": [t, t],
    ...     "ingested_ts": [t + pd.Timedelta("2h"), t + pd.Timedelta("4D")]})
    >>> find_late_events(ev).ids, find_late_events(ev, allowed_lateness="1h").found
    ((2,), 2)
    """
    if ingested_col not in events.columns:
        raise ValueError(f"events have no {ingested_col!r} column: cannot tell when they arrived")
    allowed = pd.Timedelta(allowed_lateness)
    if allowed < pd.Timedelta(0):
        raise ValueError(f"allowed_lateness must be zero or more; got {allowed}")
    late = (events[ingested_col] - events["ts"]) > allowed
    return _result(
        "late events",
        f"arrived more than {allowed} after they happened",
        events,
        late,
        _event_ids(events, late),
        "event",
    )


def lateness_profile(
    events: pd.DataFrame,
    allowances: Sequence[str] = ("5min", "1h", "1D", "3D", "7D"),
    ingested_col: str = "ingested_ts",
) -> pd.DataFrame:
    """Share of events a pipeline would drop for each allowed lateness (the watermark trade-off).

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-10-01 10:00")
    >>> ev = pd.DataFrame({"ts": [t] * 4,
    ...     "ingested_ts": [t, t + pd.Timedelta("2h"), t + pd.Timedelta("2D"), t + pd.Timedelta("5D")]})
    >>> lateness_profile(ev, ["1h", "3D"])["share_dropped"].tolist()
    [0.75, 0.25]
    """
    delay = events[ingested_col] - events["ts"]
    rows = [
        {
            "allowed_lateness": a,
            "events_dropped": int((delay > pd.Timedelta(a)).sum()),
            "share_dropped": float((delay > pd.Timedelta(a)).mean()),
        }
        for a in allowances
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CleaningReport:
    """All four checks run in sequence: a step table and the final cleaned events."""

    n_raw: int
    steps: tuple[StepSummary, ...] = field(repr=False)
    cleaned: pd.DataFrame = field(repr=False)

    @property
    def before(self) -> FunnelMetrics:
        return self.steps[0].before

    @property
    def after(self) -> FunnelMetrics:
        return self.steps[-1].after

    def table(self) -> pd.DataFrame:
        """One row per step: what it flagged and the metrics after it."""
        rows = [
            {"step": "raw", "flagged": 0, "unit": "", "rows": self.n_raw, **self.before.as_dict()}
        ]
        for s in self.steps:
            rows.append(
                {
                    "step": s.name,
                    "flagged": s.found,
                    "unit": s.id_kind,
                    "rows": s.rows,
                    **s.after.as_dict(),
                }
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        steps = ", ".join(f"{s.name}={s.found:,}" for s in self.steps)
        return (
            f"CleaningReport({steps}; conversion "
            f"{format_pct(self.before.session_conversion, 2)} → "
            f"{format_pct(self.after.session_conversion, 2)})"
        )

    def _repr_html_(self) -> str:
        t = self.table()
        for col in ("session_conversion", "cart_abandonment"):
            t[col] = t[col].map(lambda v: format_pct(v, 2))
        t["events_per_session"] = t["events_per_session"].map(lambda v: f"{v:.2f}")
        return html_card("Cleaning the raw events, step by step", [], t)


def clean_events(
    events: pd.DataFrame,
    *,
    sessions: pd.DataFrame | None = None,
    allowed_lateness: pd.Timedelta | str = GA4_LATENESS,
    min_events: int = 10,
    max_dwell_s: float = 5.0,
) -> CleaningReport:
    """Run the checks in order: duplicates → bots → missing ids → late events.

    Duplicates go first so a retried click cannot make a person look like a bot; bots before
    missing ids because bots never log in, and dropping them is the right fix, not a repair.
    Late events go last: they are real, but a pipeline with a watermark never counts them.
    """
    checks = [
        find_duplicates,
        partial(find_bots, min_events=min_events, max_dwell_s=max_dwell_s),
        partial(find_missing_ids, sessions=sessions),
    ]
    if "ingested_ts" in events.columns:
        checks.append(partial(find_late_events, allowed_lateness=allowed_lateness))
    steps, cleaned = [], events
    for check in checks:
        # each step's copy is dropped once the next step has it: only the summary stays
        result = check(cleaned)
        steps.append(result.summary())
        cleaned = result.cleaned
    return CleaningReport(n_raw=len(events), steps=tuple(steps), cleaned=cleaned)
