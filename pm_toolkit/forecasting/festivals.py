"""The festival calendar as forecasters use it: dates that move, and features known in advance.

Diwali fell on 12 Nov 2023, 31 Oct 2024 and 20 Oct 2025: "the same week last year" points at
an ordinary week in exactly the season that matters. :func:`aligned_last_year` maps a date to
the same position inside last year's festival window instead.

>>> import pandas as pd
>>> str(aligned_last_year(pd.Timestamp("2025-10-10")).date())  # 10 days before Diwali
'2024-10-21'
>>> str((pd.Timestamp("2025-10-10") - pd.Timedelta(days=364)).date())  # same weekday, 2024
'2024-10-11'
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pm_toolkit.data.demand import FESTIVAL_DATES, FESTIVAL_WINDOW, SALE_WEEKS

__all__ = [
    "FESTIVALS",
    "aligned_last_year",
    "calendar_features",
    "event_windows",
    "festival_table",
]

#: Festivals in the data, in the order features are built.
FESTIVALS = tuple(FESTIVAL_DATES)


def festival_table() -> pd.DataFrame:
    """One row per festival and year: the date and the shopping window before it."""
    rows = []
    for name, days in FESTIVAL_DATES.items():
        a, b = FESTIVAL_WINDOW[name]
        for d in days:
            rows.append((name, d, d + dt.timedelta(days=a), d + dt.timedelta(days=b)))
    for s, e in SALE_WEEKS:
        rows.append(("sale_week", s, s, e))
    out = pd.DataFrame(rows, columns=["event", "date", "window_start", "window_end"])
    for c in ("date", "window_start", "window_end"):
        out[c] = pd.to_datetime(out[c])
    return out.sort_values("date", kind="mergesort").reset_index(drop=True)


def event_windows() -> dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """Event → its windows in date order (the sale week first: it wins where they overlap)."""
    t = festival_table()
    order = ["sale_week", *FESTIVALS]
    return {
        e: list(
            zip(t.loc[t.event == e, "window_start"], t.loc[t.event == e, "window_end"], strict=True)
        )
        for e in order
    }


#: Events a forecast aligns on: the national ones. Aligning on a regional festival too would
#: drag last year's sale week into this year's Durga Puja (they fell together in 2024).
ALIGN_ON = ("sale_week", "diwali")


def aligned_last_year(day: pd.Timestamp, events: tuple[str, ...] = ALIGN_ON) -> pd.Timestamp:
    """The date a year earlier at the same place in the same event's window (the sale week or
    Diwali's shopping window), or 364 days earlier (same weekday) outside them."""
    day = pd.Timestamp(day)
    windows_by_event = event_windows()
    for windows in (windows_by_event[e] for e in events):
        for i, (s, e) in enumerate(windows):
            if s <= day <= e and i > 0:
                ps, pe = windows[i - 1]
                return min(ps + (day - s), pe)
    return day - pd.Timedelta(days=364)


def _days_to(dates: pd.DatetimeIndex, events: list[pd.Timestamp], cap: int = 30) -> np.ndarray:
    """Days until the next event date (negative just after it), capped at ``cap``."""
    ev = np.array([np.datetime64(e, "D") for e in events])
    d = dates.values.astype("datetime64[D]")
    diff = (ev[None, :] - d[:, None]).astype(int)  # positive: event ahead
    ahead = np.where(diff >= -3, diff, 10_000).min(axis=1)
    return np.clip(ahead, -3, cap)


def calendar_features(dates) -> pd.DataFrame:
    """Features known in advance for each date: trend, weekday, season, days to each festival,
    the sale week. Index = the dates."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates))
    out = pd.DataFrame(index=idx)
    out["t"] = (idx - pd.Timestamp("2023-01-01")).days
    out["dow"] = idx.day_of_week
    out["doy"] = idx.day_of_year
    for name in FESTIVALS:
        out[f"days_to_{name}"] = _days_to(idx, [pd.Timestamp(d) for d in FESTIVAL_DATES[name]])
    sale = np.zeros(len(idx), dtype=int)
    for s, e in SALE_WEEKS:
        sale |= (idx >= pd.Timestamp(s)) & (idx <= pd.Timestamp(e))
    out["sale_week"] = sale
    return out
