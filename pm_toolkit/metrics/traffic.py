"""Human traffic: the raw sessions and events with bots and retried clicks removed, once.

Lesson 3 teaches the cleaning; the metrics lesson and its checker only need its result, so both
start from :func:`human_traffic` (one place, the same tables). It keeps the cleaned frames and
the counts, never the intermediate copies, so a notebook holds the raw events and one clean copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pm_toolkit.findings import Finding

__all__ = ["HumanTraffic", "human_traffic"]


@dataclass(frozen=True)
class HumanTraffic:
    """Sessions and events of people: bot sessions and duplicated clicks removed."""

    sessions: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    bot_session_ids: tuple = field(repr=False)
    duplicate_events: int
    bot_sessions: int
    raw_sessions: int
    raw_events: int

    @property
    def finding(self) -> Finding:
        """What the cleaning removed, in one sentence."""
        text = (
            f"Dropped {self.duplicate_events:,} duplicated events and {self.bot_sessions:,} "
            f"bot sessions ({self.bot_sessions / self.raw_sessions:.1%} of sessions, "
            f"{self.bot_event_share:.0%} of events). {len(self.sessions):,} human sessions remain."
        )
        return Finding(
            text,
            {
                "duplicate_events": self.duplicate_events,
                "bot_sessions": self.bot_sessions,
                "human_sessions": len(self.sessions),
                "bot_event_share": self.bot_event_share,
            },
        )

    @property
    def bot_event_share(self) -> float:
        """Share of raw events that came from bot sessions."""
        bot_events = self.raw_events - self.duplicate_events - len(self.events)
        return bot_events / self.raw_events if self.raw_events else 0.0

    def __repr__(self) -> str:
        return f"HumanTraffic({self.finding.text})"

    def _repr_markdown_(self) -> str:
        return self.finding.text


def human_traffic(sessions_raw: pd.DataFrame, events_raw: pd.DataFrame) -> HumanTraffic:
    """Remove duplicated events, then bot sessions (Lesson 3's checks, in that order).

    >>> from pm_toolkit import data
    >>> t = human_traffic(data.load("sessions", scale="tiny", seed=1),
    ...                   data.load("events", scale="tiny", seed=1))
    >>> bool(t.bot_sessions > 0 and not t.events["session_id"].isin(t.bot_session_ids).any())
    True
    """
    from pm_toolkit import collection  # the cleaning lives with Lesson 3

    dupes = collection.find_duplicates(events_raw)
    bots = collection.find_bots(dupes.cleaned)
    ids = tuple(bots.ids)
    sessions = sessions_raw[~sessions_raw["session_id"].isin(ids)]
    return HumanTraffic(
        sessions=sessions,
        events=bots.cleaned,
        bot_session_ids=ids,
        duplicate_events=int(dupes.found),
        bot_sessions=int(bots.found),
        raw_sessions=len(sessions_raw),
        raw_events=len(events_raw),
    )
