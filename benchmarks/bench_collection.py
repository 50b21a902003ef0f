"""How fast are lesson 3's pipeline steps, and what does vectorising the stream buy?

Measures, on the learner-scale data (``small`` by default):

* ``window_metrics`` (one groupby per window size) against a per-event Python loop that
  replays the same events one by one into per-window dictionaries, the way a naive streaming
  consumer would. Both must give the same table; the loop is the baseline of the ratio.
* ``clean_events`` (all four checks) and ``TrackingPlan.validate``, in events per second,
  against a plain ``DataFrame.copy()`` of the same events (the floor of touching every row).

Prints p50/p95 and ratios; never asserts.

    python benchmarks/bench_collection.py [--scale small] [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import percentiles_ms, time_calls, timed


def loop_window_metrics(events: pd.DataFrame, window: str) -> pd.DataFrame:
    """The naive consumer: one Python step per event, state in dictionaries."""
    width = pd.Timedelta(window).value
    sessions: dict[int, set] = defaultdict(set)
    carts: dict[int, set] = defaultdict(set)
    buys: dict[int, set] = defaultdict(set)
    for ts, sid, kind in zip(
        # Wall-clock IST, as pandas floors tz-aware times: days start at midnight in India.
        events["ts"].dt.tz_localize(None).to_numpy().astype("datetime64[ns]").astype(np.int64),
        events["session_id"].to_numpy(),
        events["event_type"].to_numpy(),
        strict=True,
    ):
        w = ts - ts % width
        sessions[w].add(sid)
        if kind == "add_to_cart":
            carts[w].add(sid)
        elif kind == "purchase":
            buys[w].add(sid)
    rows = [
        {"sessions": len(s), "carts": len(carts[w]), "purchases": len(buys[w])}
        for w, s in sorted(sessions.items())
    ]
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    from pm_toolkit import collection, data

    events = data.load("events", scale=args.scale)
    sessions = data.load("sessions", scale=args.scale)
    n = len(events)
    print(f"scale={args.scale}: {n:,} raw events")

    floor = time_calls(lambda: events.copy(), args.repeats)
    f50, _ = percentiles_ms(floor)
    print(f"\nbaseline DataFrame.copy(): p50 {f50:.1f} ms")
    for name, fn in (
        ("clean_events (4 checks)", lambda: collection.clean_events(events, sessions=sessions)),
        ("tracking plan validate", lambda: collection.bazaar_tracking_plan().validate(events)),
    ):
        samples = time_calls(fn, args.repeats)
        p50, p95 = percentiles_ms(samples)
        print(
            f"{name:<26} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  "
            f"{n / (p50 / 1000):12,.0f} events/s  {p50 / f50:6.1f}× the copy"
        )

    clean = collection.clean_events(events, sessions=sessions).cleaned
    print("\nwindowed metrics: vectorised groupby vs a per-event Python loop")
    for window in ("15min", "1h", "1D"):
        fast, table = timed(lambda w=window: collection.window_metrics(clean, w), args.repeats)
        slow, loop = timed(
            lambda w=window: loop_window_metrics(clean, w), max(1, args.repeats // 3)
        )
        live = table[table["sessions"] > 0].reset_index(drop=True)
        same = live[["sessions", "carts", "purchases"]].equals(loop.astype(live["sessions"].dtype))
        v50, v95 = percentiles_ms(fast)
        l50, _ = percentiles_ms(slow)
        print(
            f"{window:>6}: groupby p50 {v50:7.1f} ms (p95 {v95:7.1f})  loop p50 {l50:8.1f} ms  "
            f"speed-up {l50 / v50:6.1f}×  same result: {same}"
        )


if __name__ == "__main__":
    main()
