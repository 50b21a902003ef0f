from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from pm_toolkit import cli, config, doctor


def by_name(report):
    return {c.name: c for c in report.checks}


def test_healthy_machine_passes_every_check(monkeypatch):
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: True)
    report = doctor.run_checks()
    assert report.ok, str(report)
    assert list(by_name(report)) == [
        "Python",
        "Packages",
        "Widgets in JupyterLab",
        "Notebook kernel",
        "Course version",
        "Course data",
        "Progress store",
    ]


def test_missing_data_is_announced_for_first_use_not_failed(monkeypatch, tmp_path, capsys):
    # Issue 19: lesson 00 must not show a red cross for data that is created on first use.
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    check = by_name(doctor.run_checks())["Course data"]
    assert check.ok
    assert "will be created on first use (a few seconds)" in check.detail
    assert cli.main(["doctor"]) == 0
    assert "❌" not in capsys.readouterr().out


def test_large_data_not_ready_says_how_to_prepare_it_ahead(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: False)
    check = by_name(doctor.run_checks(scale="large"))["Course data"]
    assert check.ok and "pm-toolkit data prepare --scale large" in check.detail


def test_data_that_cannot_be_created_fails_with_a_fix(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(config.DATA_ENV, str(blocker / "data"))
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: False)
    check = by_name(doctor.run_checks())["Course data"]
    assert not check.ok and config.DATA_ENV in check.fix


def test_shared_data_is_reported_as_prepared_by_the_instructor(monkeypatch, tmp_path):
    from pm_toolkit import data

    shared = tmp_path / "shared"
    data.ensure("tiny", seed=5, progress=False, base=shared)
    monkeypatch.setenv(config.SHARED_DATA_ENV, str(shared))
    monkeypatch.setenv(config.LEARNER_ENV, "shared-learner")
    monkeypatch.setattr(doctor.learner, "current_seed", lambda: 5)
    check = doctor._check_data("tiny")
    assert check.ok and "prepared by your instructor" in check.detail


def test_course_version_agrees_with_stamped_notebooks(tmp_path):
    from pm_toolkit.instructor.stamp import course_version, with_stamp

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (lessons / "00_start_here.ipynb").write_text(json.dumps(with_stamp(nb, course_version())))
    check = doctor._check_course_version(lessons)
    assert check.ok and course_version() in check.detail
    (lessons / "01_old.ipynb").write_text(json.dumps(with_stamp(nb, "0.0.1")))
    check = doctor._check_course_version(lessons)
    assert not check.ok and "0.0.1" in check.detail and "01_old.ipynb" in check.detail
    assert "course link again" in check.fix


def test_progress_readable_by_other_hub_users_fails(monkeypatch):
    # pytest's tmp_path sits in a private folder; this test needs a path others could walk
    base = Path(tempfile.mkdtemp(prefix="pm-doctor-"))
    try:
        folder = base / "open" / "progress"
        folder.mkdir(parents=True)
        for p in (base, base / "open", folder):
            p.chmod(0o755)
        monkeypatch.setenv(config.PROGRESS_ENV, str(folder))
        monkeypatch.setenv("JUPYTERHUB_USER", "asha")
        assert not by_name(doctor.run_checks(check_data=False))["Progress store"].ok
        (base / "open").chmod(0o750)  # others can no longer enter the folder above it
        assert by_name(doctor.run_checks(check_data=False))["Progress store"].ok
    finally:
        shutil.rmtree(base)


def test_fix_flag_generates_missing_data(monkeypatch, capsys):
    state = {"ready": False}
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: state["ready"])

    class FakeData:
        @staticmethod
        def ensure(scale, progress):
            state["ready"] = True

    monkeypatch.setitem(__import__("sys").modules, "pm_toolkit.data", FakeData)
    monkeypatch.setattr("pm_toolkit.data", FakeData, raising=False)
    assert cli.main(["doctor", "--fix"]) == 0
    assert "All checks passed" in capsys.readouterr().out


def test_unwritable_progress_store_is_reported(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(config.PROGRESS_ENV, str(blocker / "progress"))
    check = by_name(doctor.run_checks(check_data=False))["Progress store"]
    assert not check.ok
    assert config.PROGRESS_ENV in check.fix


def test_a_broken_data_package_is_a_failed_check_not_a_crash(monkeypatch):
    def boom(scale, seed):
        raise RuntimeError("cache index unreadable")

    monkeypatch.setattr(doctor, "data_ready", boom)
    check = by_name(doctor.run_checks())["Course data"]
    assert not check.ok and "cache index unreadable" in check.detail


def test_report_renders_as_html_without_colour_alone(monkeypatch):
    monkeypatch.setattr(doctor, "data_ready", boom_ready)
    html = doctor.run_checks()._repr_html_()
    assert "❌ fail" in html and "✅ ok" in html and "Course data" in html


def boom_ready(scale, seed):
    raise RuntimeError("cache index unreadable")


@pytest.mark.parametrize("python", [(3, 9, 18), (3, 10, 0)])
def test_python_version_floor(monkeypatch, python):
    monkeypatch.setattr("sys.version_info", python)
    assert doctor._check_python().ok is (python >= (3, 10))
