from __future__ import annotations

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
        "Course data",
        "Progress store",
    ]


def test_missing_data_fails_with_a_fix_and_exit_code_1(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "❌ FAIL Course data" in out
    assert "fix: pm-toolkit data prepare --scale small" in out


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
    monkeypatch.setattr(doctor, "data_ready", lambda scale, seed: False)
    html = doctor.run_checks()._repr_html_()
    assert "❌ fail" in html and "✅ ok" in html and "Course data" in html


@pytest.mark.parametrize("python", [(3, 9, 18), (3, 10, 0)])
def test_python_version_floor(monkeypatch, python):
    monkeypatch.setattr("sys.version_info", python)
    assert doctor._check_python().ok is (python >= (3, 10))
