from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pm_toolkit import cli

SUBCOMMANDS = [
    "doctor",
    "lab",
    "data",
    "progress",
    "build",
    "course",
    "cohort",
    "grade",
    "hub",
    "stamp",
    "submit",
]


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    missing = [name for name in SUBCOMMANDS if name not in out]
    assert missing == []


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([name, "--help"])
    assert exc.value.code == 0
    assert "usage: pm-toolkit" in capsys.readouterr().out


def test_unknown_subcommand_is_an_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["fly"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_runs():
    done = subprocess.run(
        [sys.executable, "-m", "pm_toolkit.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("pm-toolkit ")


def test_lab_passes_unknown_options_to_jupyter(monkeypatch, tmp_path):
    from pm_toolkit import lab

    seen = {}
    monkeypatch.setattr(lab, "course_dir", lambda: tmp_path)
    monkeypatch.setattr(
        lab.subprocess, "call", lambda cmd, cwd, env: seen.update(cmd=cmd, env=env) or 0
    )
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")  # the learner's own choice
    from pm_toolkit.doctor import Report

    monkeypatch.setattr("pm_toolkit.doctor.run_checks", lambda scale: Report(()))
    assert cli.main(["lab", "--skip-data", "--no-browser", "--port", "8899"]) == 0
    assert seen["cmd"][-3:] == ["--no-browser", "--port", "8899"]
    assert "lessons/00_start_here.ipynb" in " ".join(seen["cmd"])
    # kernels get the course's memory settings, and the learner's own environment still wins
    assert seen["env"]["MALLOC_MMAP_THRESHOLD_"] == "131072"
    assert seen["env"]["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    assert seen["env"]["PATH"] == os.environ["PATH"]


def test_other_commands_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["doctor", "--no-browser"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --no-browser" in capsys.readouterr().err
