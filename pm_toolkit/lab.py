"""``pm-toolkit lab``: prepare the data, check the setup, and open the course in JupyterLab.

``make lab`` calls this after installing; extra arguments go straight to ``jupyter lab``
(``pm-toolkit lab --no-browser --port 8888``), so it also runs headless.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pm_toolkit import config

START_NOTEBOOK = Path("lessons") / "00_start_here.ipynb"


def course_dir(start: Path | None = None) -> Path:
    """The folder holding ``lessons/``: the current folder, or the checkout this package is in."""
    candidates = [start or Path.cwd(), Path(__file__).resolve().parents[1]]
    for folder in candidates:
        if (folder / START_NOTEBOOK).is_file():
            return folder
    from pm_toolkit.cli import CommandError

    raise CommandError(
        f"cannot find {START_NOTEBOOK}; run this from the course folder (the one with lessons/)"
    )


def jupyter_command(root: Path, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command line that opens the start notebook."""
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        str(START_NOTEBOOK),
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not any("allow_root" in a for a in extra):
        # Containers and CI run as root; Jupyter refuses that unless told it is deliberate.
        cmd.append("--ServerApp.allow_root=True")
    return cmd + extra


def _run(args) -> int:
    from pm_toolkit import data, doctor

    root = course_dir()
    if not args.skip_data:
        data.ensure(scale=args.scale, progress=True)
    report = doctor.run_checks(scale=args.scale)
    print(report)
    if not report.ok:
        print("Starting JupyterLab anyway; fix the failed checks above if a lesson misbehaves.")
    cmd = jupyter_command(root, list(getattr(args, "passthrough_args", [])))
    print("Starting:", " ".join(cmd), flush=True)
    # the kernels JupyterLab starts inherit this environment
    return subprocess.call(cmd, cwd=root, env=config.with_kernel_memory_env(dict(os.environ)))


def register(subparsers) -> None:
    """Add ``pm-toolkit lab``."""
    p = subparsers.add_parser(
        "lab",
        help="prepare data, check the setup and open the course in JupyterLab",
        description="Generate the default course data if missing (with a progress bar), run the "
        "doctor, then start JupyterLab on lessons/00_start_here.ipynb. Any other option is "
        "passed to `jupyter lab`, e.g. `pm-toolkit lab --no-browser --port 8888`.",
    )
    p.add_argument("--scale", default="small", help="dataset scale to prepare (default: small)")
    p.add_argument("--skip-data", action="store_true", help="do not generate data first")
    p.set_defaults(func=_run, passthrough=True)  # any other option goes to `jupyter lab`
