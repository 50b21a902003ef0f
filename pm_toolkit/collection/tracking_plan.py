"""A tracking plan: which events the product may send and what each must carry.

A tracking plan is the contract between the app team and the analysts. Checking live events
against it catches broken instrumentation before it silently skews a dashboard: an event name
nobody declared (``addToCart`` next to ``add_to_cart``), a purchase without its ``order_id``, a
price sent as text, or timestamps that go backwards inside one session.

>>> import pandas as pd
>>> plan = TrackingPlan.from_dict({"page_view": {}, "add_to_cart": {"product_id": "str"}})
>>> events = pd.DataFrame({
...     "session_id": ["s1", "s1", "s1"],
...     "event_type": ["page_view", "add_to_cart", "addToCart"],
...     "ts": pd.to_datetime(["2025-10-01 10:00", "2025-10-01 10:01", "2025-10-01 10:02"]),
...     "product_id": [None, None, "P1"],
... })
>>> report = plan.validate(events)
>>> report.counts()
{'missing_property': 1, 'unknown_event': 1}
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from pm_toolkit.collection._display import html_card

#: The property types a plan may declare, and what a value must be to count as that type.
TYPES = ("str", "int", "float", "bool", "timestamp")

RULES = ("unknown_event", "missing_property", "wrong_type", "out_of_order")


def _is_type(value: object, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        # A float like 2.0 is accepted: pandas stores an int column with gaps as float.
        if isinstance(value, bool):
            return False
        return isinstance(value, numbers.Integral) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "float":
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if kind == "timestamp":
        return isinstance(value, datetime)
    raise ValueError(f"unknown property type {kind!r}; use one of {', '.join(TYPES)}")


@dataclass(frozen=True)
class EventSpec:
    """One event in the plan: its name and the properties it must carry (name → type)."""

    name: str
    required: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        for prop, kind in self.required.items():
            if kind not in TYPES:
                raise ValueError(
                    f"property {prop!r} of event {self.name!r} has type {kind!r}; "
                    f"use one of {', '.join(TYPES)}"
                )


@dataclass(frozen=True)
class PlanReport:
    """The result of checking events against a plan: one row per violation."""

    n_events: int
    violations: pd.DataFrame = field(repr=False)

    @property
    def ok(self) -> bool:
        """True when no event broke the plan."""
        return self.violations.empty

    def counts(self) -> dict[str, int]:
        """Violations per rule, e.g. ``{'unknown_event': 3}``."""
        return {
            str(k): int(v) for k, v in self.violations["rule"].value_counts().sort_index().items()
        }

    def __repr__(self) -> str:
        return f"PlanReport(n_events={self.n_events:,}, violations={self.counts()})"

    def _repr_html_(self) -> str:
        facts = [("events checked", f"{self.n_events:,}")]
        facts += [(rule.replace("_", " "), f"{n:,}") for rule, n in self.counts().items()]
        if self.ok:
            facts.append(("verdict", "every event follows the plan"))
        return html_card("Tracking-plan check", facts, self.violations)


@dataclass(frozen=True)
class TrackingPlan:
    """The events a product may send, with required properties, checked by :meth:`validate`."""

    events: tuple[EventSpec, ...]
    event_col: str = "event_type"
    session_col: str = "session_id"
    time_col: str = "ts"

    @classmethod
    def from_dict(cls, spec: Mapping[str, Mapping[str, str]], **kwargs: str) -> TrackingPlan:
        """Build a plan from ``{event_name: {property: type}}``."""
        return cls(tuple(EventSpec(name, dict(props)) for name, props in spec.items()), **kwargs)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.events)

    def validate(self, events: pd.DataFrame) -> PlanReport:
        """Check every event, in the order received, against the plan.

        Rules: ``unknown_event`` (name not in the plan), ``missing_property`` (required column
        absent or empty), ``wrong_type`` (value of the wrong type), ``out_of_order`` (timestamp
        earlier than the previous event of the same session, in arrival order).
        """
        for col in (self.event_col, self.session_col, self.time_col):
            if col not in events.columns:
                raise ValueError(
                    f"events have no {col!r} column; a tracking plan needs "
                    f"{self.event_col!r}, {self.session_col!r} and {self.time_col!r}"
                )
        frames = []
        position = pd.Series(range(len(events)), index=events.index)
        name = events[self.event_col]
        known = name.isin(self.names)
        frames.append(self._rows(events, position, ~known, "unknown_event", None, "not in plan"))

        for spec in self.events:
            of_type = name == spec.name
            if not of_type.any():
                continue
            for prop, kind in spec.required.items():
                if prop not in events.columns:
                    frames.append(
                        self._rows(events, position, of_type, "missing_property", prop, "no column")
                    )
                    continue
                missing = of_type & events[prop].isna()
                frames.append(
                    self._rows(events, position, missing, "missing_property", prop, "empty")
                )
                present = events.loc[of_type & ~missing, prop]
                wrong = present.map(lambda v, k=kind: not _is_type(v, k)).astype(bool)
                bad = events.index.isin(wrong[wrong].index) & (of_type & ~missing).to_numpy()
                frames.append(
                    self._rows(
                        events,
                        position,
                        pd.Series(bad, index=events.index),
                        "wrong_type",
                        prop,
                        f"expected {kind}",
                    )
                )

        # Arrival order is the row order; a later row with an earlier time went backwards.
        ts = pd.to_datetime(events[self.time_col])
        running_max = ts.groupby(events[self.session_col], sort=False).cummax()
        previous_max = running_max.groupby(events[self.session_col], sort=False).shift(1)
        backwards = (ts < previous_max).fillna(False).astype(bool)
        frames.append(
            self._rows(
                events,
                position,
                backwards,
                "out_of_order",
                self.time_col,
                "earlier than a previous event",
            )
        )
        violations = pd.concat([f for f in frames if len(f)] or [frames[0]], ignore_index=True)
        violations = violations.sort_values(["row", "rule"], kind="stable").reset_index(drop=True)
        return PlanReport(n_events=len(events), violations=violations)

    def _rows(
        self,
        events: pd.DataFrame,
        position: pd.Series,
        mask: pd.Series,
        rule: str,
        prop: str | None,
        detail: str,
    ) -> pd.DataFrame:
        hit = events.loc[mask]
        return pd.DataFrame(
            {
                "row": position[mask].to_numpy(),
                "event_type": hit[self.event_col].to_numpy(),
                "session_id": hit[self.session_col].to_numpy(),
                "rule": rule,
                "property": prop,
                "detail": detail,
            }
        )


def bazaar_tracking_plan() -> TrackingPlan:
    """The Bazaar app's tracking plan: the seven funnel events and what each must carry.

    >>> bazaar_tracking_plan().names[:3]
    ('page_view', 'search', 'product_view')
    """
    # Bazaar's ids are whole numbers; money is in rupees.
    product = {"product_id": "int", "price": "float"}
    return TrackingPlan.from_dict(
        {
            "page_view": {},
            "search": {},
            "product_view": product,
            "add_to_cart": product,
            "remove_from_cart": {"product_id": "int"},
            "begin_checkout": {},
            "purchase": {"order_id": "int", "price": "float"},
        }
    )
