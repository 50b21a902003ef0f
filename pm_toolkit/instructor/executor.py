"""Running submitted notebooks in separate kernels, with a time limit per cell and per notebook.

Each notebook runs in its own kernel (the grader's Python), with its own temporary
``PM_TOOLKIT_HOME``, the learner's id in ``PM_TOOLKIT_LEARNER`` and strict mode off. A first,
injected cell installs ``pm_toolkit.instructor.capture`` so every answer checked is written
to a file the grader reads afterwards. A cell that runs past ``cell_timeout`` is interrupted
and the notebook goes on; a notebook that runs past ``notebook_timeout`` (or ignores the
interrupt) has its kernel killed. At most ``max_kernels`` run at once.

>>> import pathlib, tempfile
>>> spec = RunSpec("1", None, "asha@example.in", pathlib.Path(tempfile.mkdtemp()))
>>> env = kernel_env(spec)
>>> env["PM_TOOLKIT_LEARNER"], "PM_TOOLKIT_STRICT" in env
('asha@example.in', False)
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pm_toolkit import config
from pm_toolkit.instructor.capture import CAPTURE_ENV

KERNEL_NAME = "pm-toolkit-grader"
_TIMEOUT_ENAME = "CellTimeLimit"
#: Kernels started per notebook when one dies before running a cell (a start-up failure, such
#: as a port taken by another process in between, is not the learner's doing).
KERNEL_START_ATTEMPTS = 3

#: Injected before the learner's first cell; it only records answers (see capture.py).
SETUP_SOURCE = (
    "import pm_toolkit.instructor.capture as _pm_grader_capture\n_pm_grader_capture.install()"
)


@dataclass(frozen=True)
class RunSpec:
    """One notebook to run: which file, for which learner, where its temporary home goes."""

    key: str
    notebook: Any  # an nbformat NotebookNode (already read and validated)
    learner: str
    workdir: Path
    kernel_data_dir: Path | None = None


@dataclass(frozen=True)
class RunResult:
    """What came out of a run: a status, the recorded answers, and the run's progress store."""

    key: str
    status: str  # "ran" | "timed_out" | "kernel_died" | "failed"
    message: str
    seconds: float
    answers: tuple[dict[str, Any], ...] = ()
    progress_dir: Path | None = None
    cells_with_errors: tuple[int, ...] = ()
    cells_timed_out: tuple[str, ...] = ()
    first_error: str = ""


def write_kernelspec(folder: Path) -> Path:
    """A kernelspec that runs the grader's own interpreter, whatever Jupyter has installed."""
    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pm-toolkit grader",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder / "kernels"


#: The only variables of the instructor's environment a learner's code gets to see.
_PASSED_ENV = {
    "PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "COMSPEC",
    "PATHEXT", "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "LD_LIBRARY_PATH",
}  # fmt: skip


def clean_env(home: Path) -> dict[str, str]:
    """A minimal environment for running learner code: no tokens or keys of the instructor's
    shell leak in, and ``HOME`` is a throwaway folder."""
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ENV or k.startswith("LC_")}
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    return env


def kernel_env(spec: RunSpec) -> dict[str, str]:
    """The environment of a grading kernel: the learner's id, a private pm_toolkit home."""
    env = clean_env(spec.workdir.resolve() / "user")
    home = spec.workdir.resolve() / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            config.HOME_ENV: str(home),
            config.PROGRESS_ENV: str(home / "progress"),
            config.LEARNER_ENV: spec.learner,
            CAPTURE_ENV: str(spec.workdir.resolve() / "answers.jsonl"),
            "IPYTHONDIR": str(spec.workdir.resolve() / "ipython"),
            "MPLBACKEND": "Agg",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            # Several grading kernels run at once: an OpenMP pool per kernel (boosted models)
            # on a shared few cores spins and runs many times slower, so each kernel gets one.
            "OMP_NUM_THREADS": "1",
        }
    )
    if spec.kernel_data_dir is not None:
        env[config.DATA_ENV] = str(spec.kernel_data_dir.resolve())
    return config.with_kernel_memory_env(env)


def run_notebooks(
    specs: Sequence[RunSpec],
    *,
    cell_timeout: float = 120.0,
    notebook_timeout: float = 900.0,
    max_kernels: int = 2,
    on_done: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run every notebook (at most ``max_kernels`` at a time); results in the order given.

    Runs its own event loop in a helper thread, so it also works from inside Jupyter.
    """
    if cell_timeout <= 0 or notebook_timeout <= 0:
        raise ValueError(
            f"time limits must be > 0 seconds; got cell {cell_timeout}, notebook {notebook_timeout}"
        )
    if not specs:
        return []
    kernel_dirs = write_kernelspec(specs[0].workdir.parent)

    async def main() -> list[RunResult]:
        gate = asyncio.Semaphore(max(1, int(max_kernels)))

        async def one(spec: RunSpec) -> RunResult:
            async with gate:
                result = await _run_one(spec, kernel_dirs, cell_timeout, notebook_timeout)
            if on_done is not None:
                on_done(result)
            return result

        return list(await asyncio.gather(*(one(s) for s in specs)))

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def _run_one(
    spec: RunSpec, kernel_dirs: Path, cell_timeout: float, notebook_timeout: float
) -> RunResult:
    import nbformat

    start = time.monotonic()
    nb = nbformat.from_dict(spec.notebook)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE)
    nb.cells.insert(0, setup)
    cwd = spec.workdir / "cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    (spec.workdir / "answers.jsonl").touch()
    errors: list[int] = []
    timed_out: list[str] = []
    first_error: list[str] = []
    setup_failed: list[bool] = []

    def executed(cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        content = (execute_reply or {}).get("content", {})
        if content.get("status") != "error":
            return
        if cell_index == 0:
            setup_failed.append(True)
            return
        # cell_index counts every cell from 1 (the injected cell is 0), as a learner would.
        errors.append(cell_index)
        if not first_error:
            first_error.append(f"{content.get('ename', '')}: {content.get('evalue', '')}"[:160])
        if content.get("ename") == _TIMEOUT_ENAME:
            first_line = (cell.get("source", "").strip().splitlines() or [""])[0][:40]
            timed_out.append(f"{cell_index} ({first_line!r})")

    # The kernel's own log (start-up warnings, crashes) goes to a file next to the run.
    log = open(spec.workdir / "kernel.log", "ab")  # noqa: SIM115 - closed in finally
    try:
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            started: list[bool] = []
            status, message = await _execute(
                spec, nb, cwd, kernel_dirs, cell_timeout, notebook_timeout, log, executed, started
            )
            # A kernel that never came up (e.g. a port another process took between being
            # chosen and bound) says nothing about the notebook: try a fresh kernel.
            if status != "failed" or started or attempt == KERNEL_START_ATTEMPTS:
                break
    finally:
        log.close()
    if status == "ran" and setup_failed:
        status, message = "failed", "the grader's setup cell failed (is pm_toolkit installed?)"
    if status == "ran" and timed_out:
        status = "timed_out"
        cells = ", ".join(timed_out)
        message = f"cell {cells} ran past {cell_timeout:g} s and was stopped; the rest ran"
    return RunResult(
        key=spec.key,
        status=status,
        message=message,
        seconds=round(time.monotonic() - start, 2),
        answers=tuple(read_answers(spec.workdir / "answers.jsonl")),
        progress_dir=spec.workdir / "home" / "progress",
        cells_with_errors=tuple(errors),
        cells_timed_out=tuple(timed_out),
        first_error=first_error[0] if first_error else "",
    )


async def _execute(
    spec: RunSpec,
    nb: Any,
    cwd: Path,
    kernel_dirs: Path,
    cell_timeout: float,
    notebook_timeout: float,
    log: Any,
    executed: Callable[..., None],
    started: list[bool],
) -> tuple[str, str]:
    """One kernel, one run of ``nb``: its status and message. ``started`` gets an entry once
    the kernel is up and the first cell is about to run."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    km = AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=KernelSpecManager(
            kernel_dirs=[str(kernel_dirs)], ensure_native_kernel=False
        ),
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": _TIMEOUT_ENAME,
            "evalue": f"cell ran longer than {cell_timeout:g} s and was stopped",
            "traceback": [],
        },
        allow_errors=True,
        startup_timeout=60,
        shutdown_kernel="immediate",
        iopub_timeout=4,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
        on_cell_executed=executed,
        on_notebook_start=lambda **_: started.append(True),
    )
    status, message = "ran", ""
    task = asyncio.ensure_future(client.async_execute(env=kernel_env(spec), stdout=log, stderr=log))
    try:
        finished, _ = await asyncio.wait({task}, timeout=notebook_timeout)
        if not finished:
            # Past the notebook limit: stop waiting, whatever the kernel is doing.
            task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 10)
            status = "timed_out"
            message = (
                f"stopped after {notebook_timeout:g} s (the notebook time limit); kernel killed"
            )
        else:
            task.result()
    except DeadKernelError:
        status = "kernel_died"
        message = "the kernel died while running the notebook (crash or out of memory)"
    except Exception as exc:  # a broken kernel start, a bad cell type: report, grade the rest
        status = "failed"
        message = f"could not run the notebook: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        await _kill(km, client)
        # nbclient leaves its exit-time clean-up registered when the kernel fails to start;
        # the kernel is already handled here, and that hook would only print a traceback
        atexit.unregister(client._cleanup_kernel)
    return status, message


async def _kill(km: Any, client: Any) -> None:
    """Make sure no kernel outlives its run, whatever state it is in."""
    try:
        if client.kc is not None:
            client.kc.stop_channels()
    except Exception:
        pass
    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    except Exception:
        with contextlib.suppress(Exception):
            await km.kill_kernel()
    with contextlib.suppress(Exception):
        await km.cleanup_resources()


def read_answers(path: Path) -> list[dict[str, Any]]:
    """The recorded answer lines, skipping any damaged line (a killed kernel may cut one)."""
    out = []
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for ln in raw.splitlines():
        try:
            rec = json.loads(ln)
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("exercise"), str) and "answer" in rec:
            out.append(rec)
    return out
