"""The grader's notebook runner survives a kernel that dies before it starts."""

from __future__ import annotations

import json
import sys
import textwrap

import nbformat

from pm_toolkit.instructor import executor
from pm_toolkit.instructor.executor import RunSpec, run_notebooks

# Stands in for the kernel: fails while the file "fail" holds a number above 0 (counting
# down), then becomes a real kernel. Every launch is counted in "launches".
FLAKY = textwrap.dedent(
    """
    import os, sys
    here = os.path.dirname(os.path.abspath(__file__))
    def bump(name, step):
        path = os.path.join(here, name)
        n = int(open(path).read()) if os.path.exists(path) else 0
        open(path, "w").write(str(n + step))
        return n
    bump("launches", 1)
    if bump("fail", -1) > 0:
        sys.exit(3)  # dies before replying to kernel_info
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", sys.argv[1]])
    """
)


def _flaky_kernelspec(tmp_path, failures: int, monkeypatch):
    wrapper = tmp_path / "flaky" / "kernel.py"
    wrapper.parent.mkdir()
    wrapper.write_text(FLAKY, encoding="utf-8")
    (wrapper.parent / "fail").write_text(str(failures))

    def write_kernelspec(folder):
        spec_dir = folder / "kernels" / executor.KERNEL_NAME
        spec_dir.mkdir(parents=True, exist_ok=True)
        spec = {"argv": [sys.executable, str(wrapper), "{connection_file}"], "language": "python"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        return folder / "kernels"

    monkeypatch.setattr(executor, "write_kernelspec", write_kernelspec)
    return wrapper.parent


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)")]
    return nb


def test_a_kernel_that_dies_at_start_up_is_replaced(tmp_path, monkeypatch):
    state = _flaky_kernelspec(tmp_path, failures=1, monkeypatch=monkeypatch)
    spec = RunSpec("0", _notebook(), "asha@example.in", tmp_path / "run")
    (result,) = run_notebooks([spec], cell_timeout=30, notebook_timeout=120)
    assert result.status == "ran", result.message
    assert (state / "launches").read_text() == "2"  # one dead start, one that ran the notebook


def test_a_kernel_that_never_starts_fails_after_the_set_attempts(tmp_path, monkeypatch):
    state = _flaky_kernelspec(tmp_path, failures=99, monkeypatch=monkeypatch)
    spec = RunSpec("0", _notebook(), "asha@example.in", tmp_path / "run")
    (result,) = run_notebooks([spec], cell_timeout=30, notebook_timeout=120)
    assert result.status == "failed" and "could not run the notebook" in result.message
    assert (state / "launches").read_text() == str(executor.KERNEL_START_ATTEMPTS)
