"""``pm-toolkit doctor``: is this laptop ready for the course? One line per check, a fix for each.

An instructor runs it on every laptop before a workshop; ``lessons/00_start_here.ipynb`` shows
the same report. Exit code 0 when everything is fine, 1 otherwise.

>>> report = run_checks(check_data=False)
>>> report.checks[0].name
'Python'

Course data that is not generated yet is not a failure: it is created on first use (and on a
hub it is usually prepared by the instructor, read-only). ``--fix`` creates it now.
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from pm_toolkit import config, learner

MIN_PYTHON = (3, 10)
DIST_NAME = "pm-toolkit"
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
DEFAULT_SCALE = "small"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it passed, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        icon = "✅ ok  " if self.ok else "❌ FAIL"
        text = f"{icon} {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text}\n         fix: {self.fix}"


@dataclass(frozen=True)
class Report:
    """All checks; ``ok`` is True only when every check passed."""

    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def __str__(self) -> str:
        lines = [c.line() for c in self.checks]
        verdict = (
            "All checks passed: ready for the course."
            if self.ok
            else (f"{sum(not c.ok for c in self.checks)} check(s) failed: apply the fixes above.")
        )
        return "\n".join([*lines, verdict])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr><td>{}</td><td><b>{}</b></td><td>{}</td><td>{}</td></tr>".format(
                "✅ ok" if c.ok else "❌ fail",
                html.escape(c.name),
                html.escape(c.detail),
                html.escape(c.fix) if not c.ok else "",
            )
            for c in self.checks
        )
        verdict = (
            "✅ Ready for the course."
            if self.ok
            else "❌ Something needs fixing (see the fix column)."
        )
        return (
            f"<div class='pm-doctor'><p><b>{verdict}</b></p><table>"
            "<tr><th>result</th><th>check</th><th>found</th><th>fix</th></tr>"
            f"{rows}</table></div>"
        )


def _check_python() -> Check:
    found = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Check(
        "Python",
        ok,
        f"{found} at {sys.executable}",
        f"install Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer, then run `make lab` again",
    )


def _check_packages() -> Check:
    from packaging.requirements import Requirement

    try:
        requirements = metadata.requires(DIST_NAME) or []
    except metadata.PackageNotFoundError:
        return Check(
            "Packages",
            False,
            "pm-toolkit is not installed in this Python",
            "run `make lab` (or `pip install -e .` in the course folder)",
        )
    problems, count = [], 0
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # dev-only extras are not needed to take the course
        count += 1
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{req.name} missing")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name} {version} (needs {req.specifier})")
    if problems:
        return Check(
            "Packages",
            False,
            "; ".join(problems),
            "run `make lab` again, or `pip install -e .` in the course folder",
        )
    return Check("Packages", True, f"{count} required packages installed at suitable versions")


def _check_widgets_frontend() -> Check:
    from jupyter_core.paths import jupyter_path

    try:
        ipywidgets_version = metadata.version("ipywidgets")
        lab_widgets_version = metadata.version("jupyterlab_widgets")
    except metadata.PackageNotFoundError as exc:
        return Check(
            "Widgets in JupyterLab",
            False,
            f"{exc.name} is not installed",
            "pip install 'ipywidgets>=8' (it brings the JupyterLab front end)",
        )
    for base in jupyter_path("labextensions"):
        if (Path(base) / WIDGETS_EXTENSION / "package.json").is_file():
            major = int(ipywidgets_version.split(".")[0])
            # ipywidgets 8 talks to jupyterlab_widgets 3; a mismatch shows blank widgets.
            if major >= 8 and not lab_widgets_version.startswith("3."):
                return Check(
                    "Widgets in JupyterLab",
                    False,
                    f"ipywidgets {ipywidgets_version} with jupyterlab_widgets "
                    f"{lab_widgets_version}",
                    "pip install -U 'ipywidgets>=8' 'jupyterlab_widgets>=3,<4'",
                )
            return Check(
                "Widgets in JupyterLab",
                True,
                f"ipywidgets {ipywidgets_version}, front end {WIDGETS_EXTENSION} "
                f"{lab_widgets_version} installed",
            )
    return Check(
        "Widgets in JupyterLab",
        False,
        f"the {WIDGETS_EXTENSION} extension is not where JupyterLab looks",
        "pip install --force-reinstall jupyterlab_widgets, then restart JupyterLab",
    )


def _check_kernel() -> Check:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return Check(
            "Notebook kernel",
            False,
            "no 'python3' kernel is registered",
            "python -m ipykernel install --user --name python3",
        )
    return Check("Notebook kernel", True, f"'python3' runs {spec.argv[0]}")


def data_ready(scale: str = DEFAULT_SCALE, seed: int | None = None) -> bool:
    """True when the dataset for this scale and learner seed is already generated."""
    from pm_toolkit import data

    return data.is_cached(scale=scale, seed=seed)


def _check_data(scale: str) -> Check:
    seed = learner.current_seed()
    try:
        ready = data_ready(scale, seed)
        from pm_toolkit.data.store import shared_folder

        shared = ready and shared_folder(scale, seed) is not None
    except Exception as exc:  # a broken data package must show up as a failed check, not a crash
        return Check(
            "Course data",
            False,
            f"could not inspect the data cache ({exc})",
            "reinstall with `make lab`",
        )
    who = learner.current_learner()
    if ready:
        where = " (prepared by your instructor, read-only)" if shared else ""
        return Check("Course data", True, f"'{scale}' data for learner '{who}' is ready{where}")
    # Data is created on first use anyway: only a cache folder that cannot be written is a problem.
    target = config.data_dir()
    if not _writable(target):
        return Check(
            "Course data",
            False,
            f"'{scale}' data for learner '{who}' cannot be created: {target} is not writable",
            f"make {target} writable, or set {config.DATA_ENV} to a folder you own",
        )
    slow = scale not in ("tiny", "small")
    when = (
        f"a few minutes; `pm-toolkit data prepare --scale {scale}` does it ahead of time"
        if slow
        else "a few seconds"
    )
    return Check(
        "Course data",
        True,
        f"'{scale}' data for learner '{who}' will be created on first use ({when})",
    )


def _writable(folder: Path) -> bool:
    """Whether ``folder`` exists and is writable, or could be created (its nearest parent is)."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def _course_notebooks(start: Path) -> list[Path]:
    """The course notebooks beside the one running (a lesson's folder or the checkout)."""
    from pm_toolkit.instructor.stamp import course_notebooks

    found: list[Path] = []
    for base in (start, start.parent):
        found += [p for p in course_notebooks(base) if p not in found]
    return found or sorted(start.glob("*.ipynb"))


def _check_course_version(start: Path | None = None) -> Check:
    from pm_toolkit.instructor.stamp import course_version, read_stamp

    version = course_version()
    notebooks = _course_notebooks(start or Path.cwd())
    stamps = {p: read_stamp(p) for p in notebooks}
    stamped = {p: v for p, v in stamps.items() if v is not None}
    if not stamped:
        return Check("Course version", True, f"toolkit {version}")
    old = sorted(p.name for p, v in stamped.items() if v != version)
    if not old:
        return Check(
            "Course version", True, f"{version} (toolkit and {len(stamped)} notebooks here agree)"
        )
    found = sorted({v for v in stamped.values() if v != version})
    return Check(
        "Course version",
        False,
        f"toolkit {version}, but {len(old)} notebook(s) here are from {', '.join(found)} "
        f"(e.g. {old[0]})",
        "get the current notebooks: on a hub, open the course link again (your answers are kept); "
        "on a laptop, `git pull` in the course folder",
    )


def _check_progress_store() -> Check:
    folder = config.progress_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as fh:
            fh.write(b"ok")
    except OSError as exc:
        return Check(
            "Progress store",
            False,
            f"cannot write to {folder} ({exc.strerror})",
            f"make {folder} writable, or set {config.PROGRESS_ENV} to a folder you own",
        )
    if os.environ.get("JUPYTERHUB_USER") and _open_to_others(folder):
        return Check(
            "Progress store",
            False,
            f"{folder} can be read by other users of this hub",
            "tell your instructor: the hub must keep each learner's folders private "
            "(docs/hosting.md, 'Who can read what')",
        )
    return Check("Progress store", True, f"writable at {folder}")


def _open_to_others(folder: Path) -> bool:
    """True when users outside the owner and group can reach and read ``folder``."""
    import stat

    try:
        path = folder.resolve()
        if not path.stat().st_mode & stat.S_IROTH:
            return False
        # readable itself; still private if some folder on the way cannot be entered by others
        return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents)
    except OSError:
        return False  # cannot tell; the store itself was writable, which is what matters here


def run_checks(*, scale: str = DEFAULT_SCALE, check_data: bool = True) -> Report:
    """Run every check and return the :class:`Report` (shown as a table in a notebook)."""
    checks = [_check_python(), _check_packages(), _check_widgets_frontend(), _check_kernel()]
    checks.append(_check_course_version())
    if check_data:
        checks.append(_check_data(scale))
    checks.append(_check_progress_store())
    return Report(tuple(checks))


def _data_missing(scale: str) -> bool:
    try:
        return not data_ready(scale, learner.current_seed())
    except Exception:  # reported by the check itself
        return False


def _run(args) -> int:
    report = run_checks(scale=args.scale)
    if _data_missing(args.scale) and (
        args.fix or (sys.stdin.isatty() and _ask("Generate the course data now?"))
    ):
        from pm_toolkit import data

        data.ensure(scale=args.scale, progress=True)
        report = run_checks(scale=args.scale)
    print(report)
    return 0 if report.ok else 1


def _ask(question: str) -> bool:
    try:
        return input(f"{question} [Y/n] ").strip().lower() in {"", "y", "yes"}
    except EOFError:
        return False


def register(subparsers) -> None:
    """Add ``pm-toolkit doctor``."""
    p = subparsers.add_parser(
        "doctor",
        help="check that this machine is ready for the course",
        description="Check Python, packages, the widget front end, the notebook kernel, the "
        "course data and the progress store; print a fix for each failure. Exit code 1 if any fail.",
    )
    p.add_argument(
        "--scale",
        default=os.environ.get("PM_TOOLKIT_SCALE", DEFAULT_SCALE),
        help="dataset scale to check (default: %(default)s)",
    )
    p.add_argument("--fix", action="store_true", help="generate missing course data without asking")
    p.set_defaults(func=_run)
