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


def agendas(guide: str) -> dict[str, tuple[float, list[tuple[int, int, int]]]]:
    """Each "## … at a glance (H hours)" section: its stated hours and its (start, end, min) rows."""
    out = {}
    for title, hours, body in re.findall(
        r"^## (.+?) at a glance \(([\d.]+) hours\)\n(.*?)(?=^## |\Z)", guide, flags=re.M | re.S
    ):
        rows = [
            (int(h1) * 60 + int(m1), int(h2) * 60 + int(m2), int(minutes))
            for h1, m1, h2, m2, minutes in re.findall(
                r"^\| (\d\d):(\d\d)–(\d\d):(\d\d) \| (\d+) \|", body, flags=re.M
            )
        ]
        out[title] = (float(hours), rows)
    return out


def test_each_days_agenda_adds_up_to_its_hours_without_gaps(guide):
    days = agendas(guide)
    assert set(days) == {"Day one", "Day two"}, "the agenda tables are missing"
    assert days["Day one"][0] == 6.5  # the one-day workshop of lessons 00-05 stays a day
    for title, (hours, rows) in days.items():
        assert rows, f"{title}: no agenda rows"
        for start, end, minutes in rows:
            assert end - start == minutes, f"{title}: a row spans {end - start} min, not {minutes}"
        assert sum(m for *_, m in rows) == hours * 60, title
        assert [s for s, *_ in rows[1:]] == [e for _, e, _ in rows[:-1]], f"{title}: gaps"


def test_every_lesson_is_on_an_agenda(guide):
    tables = re.findall(r"^## .+? at a glance .*?(?=^## |\Z)", guide, flags=re.M | re.S)
    on_agenda = set(re.findall(r"^\| [\d:–]+ \| \d+ \| \*\*(\d\d) ", "".join(tables), flags=re.M))
    assert on_agenda == {"00", "01", "02", "03", "04", "05", "06", "07"}


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
