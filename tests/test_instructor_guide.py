"""The facilitator guide stays true: a 6.5-hour agenda covering every lesson, and every
command it tells an instructor to type exists with those options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from pm_toolkit import cli

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "facilitator.md"


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_agenda_adds_up_to_six_and_a_half_hours(guide):
    rows = re.findall(r"^\| (\d\d):(\d\d)–(\d\d):(\d\d) \| (\d+) \|", guide, flags=re.M)
    assert rows, "the agenda table is missing"
    total = 0
    for h1, m1, h2, m2, minutes in rows:
        span = (int(h2) * 60 + int(m2)) - (int(h1) * 60 + int(m1))
        assert span == int(minutes), f"{h1}:{m1}–{h2}:{m2} is {span} min, not {minutes}"
        total += span
    assert total == 390
    starts = [int(r[0]) * 60 + int(r[1]) for r in rows]
    ends = [int(r[2]) * 60 + int(r[3]) for r in rows]
    assert starts[1:] == ends[:-1], "the agenda has gaps or overlaps"


@pytest.mark.parametrize(
    "title",
    ["00 Start here", "01 The data flywheel", "02 Web metrics", "03 Data collection",
     "04 Experimentation", "05 Dynamic pricing", "06 Forecast and place", "07 Machine learning"],
)  # fmt: skip
def test_every_lesson_has_a_block_with_prompts(guide, title):
    section = guide.split(f"### {title}", 1)
    assert len(section) == 2, f"no section for {title}"
    body = section[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    assert "Prompt" in body or "Ask:" in body
    if not title.startswith("05"):
        assert "Common mistakes" in body


def test_capstone_debrief_covers_the_three_calls_and_stop_conditions(guide):
    debrief = guide.split("## Capstone debrief", 1)[1].split("\n## ", 1)[0]
    for phrase in (
        "Approve as proposed",
        "Guarded pilot",
        "Reject",
        "Guardrails",
        "Stop conditions",
        "MRP",
    ):
        assert phrase in debrief


def test_every_command_in_the_guide_parses(guide):
    parser = cli.build_parser()
    commands = re.findall(r"^\s*(pm-toolkit [^#\n`]+)", guide, flags=re.M)
    commands += re.findall(r"`(pm-toolkit [^`]+)`", guide)
    assert len(commands) >= 6
    for line in commands:
        argv = shlex.split(line.replace("<", "").replace(">", ""))[1:]
        try:
            parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits on an unknown option or command
            raise AssertionError(f"the guide's command does not parse: {line}") from exc
