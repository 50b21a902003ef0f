"""Timing helpers shared by the ``bench_*.py`` scripts in this folder.

The scripts are run as ``python benchmarks/bench_x.py``, so this folder is on ``sys.path`` and
they import it as ``from _timing import ...`` (each also inserts its own folder, for other ways
of loading them). Samples are seconds in numpy arrays; what is printed is milliseconds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import numpy as np


def timed(
    fn: Callable[..., object], repeats: int, *, warmup: int = 0, indexed: bool = False
) -> tuple[np.ndarray, object]:
    """Call ``fn`` ``warmup`` times untimed, then ``repeats`` times timed with
    ``time.perf_counter``; return the wall seconds of each timed call and the last result.
    With ``indexed``, ``fn`` is called as ``fn(i)`` with the 0-based call number."""
    for i in range(warmup):
        fn(*((i,) if indexed else ()))
    samples, result = [], None
    for i in range(repeats):
        args = (i,) if indexed else ()
        start = time.perf_counter()
        result = fn(*args)
        samples.append(time.perf_counter() - start)
    return np.array(samples), result


def time_calls(
    fn: Callable[..., object], repeats: int, *, warmup: int = 0, indexed: bool = False
) -> np.ndarray:
    """Wall seconds of ``repeats`` calls of ``fn``, as :func:`timed` without the result."""
    return timed(fn, repeats, warmup=warmup, indexed=indexed)[0]


class Clock:
    """Times blocks: ``with clock(): ...`` appends the block's wall seconds to ``clock.wall``
    and its process CPU seconds (``time.process_time``) to ``clock.cpu``. On a shared machine
    wall time is CPU time plus waiting for a core; the gap shows the waiting."""

    def __init__(self) -> None:
        self._wall: list[float] = []
        self._cpu: list[float] = []

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        w, c = time.perf_counter(), time.process_time()
        yield
        self._wall.append(time.perf_counter() - w)
        self._cpu.append(time.process_time() - c)

    @property
    def wall(self) -> np.ndarray:
        """Wall seconds of each block so far."""
        return np.array(self._wall)

    @property
    def cpu(self) -> np.ndarray:
        """Process CPU seconds of each block so far."""
        return np.array(self._cpu)


def percentiles_ms(samples: np.ndarray | list[float]) -> tuple[float, float]:
    """(p50, p95) of samples in seconds, in milliseconds."""
    p50, p95 = np.percentile(np.asarray(samples) * 1000, [50, 95])
    return float(p50), float(p95)


def report_row(
    name: str,
    samples: np.ndarray,
    baseline: np.ndarray | None = None,
    *,
    width: int = 40,
    cpu: np.ndarray | None = None,
) -> str:
    """One line: ``name``, p50 and p95 in ms; with ``cpu``, the p50 CPU ms of the same calls;
    with ``baseline``, the ratio of the two p95s (this / baseline)."""
    p50, p95 = percentiles_ms(samples)
    text = f"{name:<{width}} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
    if cpu is not None:
        text += f"   (CPU p50 {percentiles_ms(cpu)[0]:7.1f} ms)"
    if baseline is not None:
        text += f"   p95 ratio vs baseline: {p95 / percentiles_ms(baseline)[1]:.2f}×"
    return text


def print_vs_baseline(
    baseline: tuple[str, np.ndarray], rows: dict[str, np.ndarray], *, width: int = 40
) -> None:
    """Print the baseline's :func:`report_row`, then each of ``rows`` with its p95 ratio to it."""
    name, base = baseline
    print(report_row(name, base, width=width))
    for label, samples in rows.items():
        print(report_row(label, samples, base, width=width))


def meets_p95(samples: np.ndarray, target_ms: float = 100.0) -> str:
    """``"meets"`` if the p95 of ``samples`` is under ``target_ms``, else ``"MISSES"``."""
    return "meets" if percentiles_ms(samples)[1] < target_ms else "MISSES"
