"""A finished data build ends its progress bar at 100 % (issue 19: a red bar stuck at 95/96).

tqdm's notebook bar turns red ("danger") when it is closed short of its total, so a bar that
counts one step too many looks like a failure although the data was built.
"""

from __future__ import annotations

import pytest
import tqdm.auto

from pm_toolkit.data import generate

BARS: list = []


class RecordingBar(tqdm.std.tqdm):
    """A real tqdm bar that remembers where it was when closed."""

    def __init__(self, *args, **kwargs):
        kwargs["disable"] = False
        kwargs["file"] = open("/dev/null", "w")  # noqa: SIM115 - closed with the bar
        super().__init__(*args, **kwargs)
        self.closed_at: tuple[int, int] | None = None
        self.steps: list[int] = []
        BARS.append(self)

    def update(self, n=1):
        self.steps.append(n)
        return super().update(n)

    def close(self):
        if self.closed_at is None:
            self.closed_at = (self.n, self.total)
            fh = self.fp
            super().close()
            fh.close()


@pytest.fixture
def recording(monkeypatch):
    BARS.clear()
    monkeypatch.setattr(tqdm.auto, "tqdm", RecordingBar)
    monkeypatch.setattr(generate, "_interactive", lambda: True)
    return BARS


def test_a_finished_build_ends_at_its_total(recording, tmp_path):
    generate.generate_world(3, "tiny", tmp_path / "w", progress=True)
    (bar,) = recording
    n, total = bar.closed_at
    steps = len(generate.partitions("tiny")) + generate.PROGRESS_STEPS + len(generate.ML_TABLES)
    assert n == total == steps
    assert set(bar.steps) == {1}, "each real step counts once; no catch-up jump was needed"


def test_a_failed_build_stays_short_of_its_total(recording, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(generate, "make_pricing_panel", broken)
    with pytest.raises(OSError):
        generate.generate_world(3, "tiny", tmp_path / "w", progress=True)
    (bar,) = recording
    n, total = bar.closed_at
    assert n < total  # red is the truth when a step failed
