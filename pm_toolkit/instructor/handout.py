"""Handing out the course on a hub: a learners-only git repository and its nbgitpuller link.

``build_handout`` copies what learners work in (the lessons, the learner editions of the
exercises and the data dictionary; never ``exercises/source`` or ``exercises/solutions``) into a
git repository and commits it when something changed. nbgitpuller, installed in the hub's user
environment, clones that repository into a learner's home the first time they open the link
and merges later commits into it, keeping the learner's own edits where both touched the same
lines. Re-run ``build_handout`` after a fix and ask learners to click the link again.

>>> nbgitpuller_link("https://hub.example.in", "file:///srv/pm-toolkit/course.git")
'https://hub.example.in/hub/user-redirect/git-pull?repo=file%3A%2F%2F%2Fsrv%2Fpm-toolkit%2Fcourse.git&branch=main&targetpath=pm-course&urlpath=lab%2Ftree%2Fpm-course%2Flessons%2F00_start_here.ipynb'
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from pm_toolkit.instructor.stamp import course_version, stamp_of

BRANCH = "main"
TARGET = "pm-course"
#: What a learner's copy holds, relative to the course checkout (glob patterns).
HANDOUT_FILES = ("lessons/*.ipynb", "exercises/*.ipynb", "datasets/README.md")
_GIT_ID = ["-c", "user.name=pm-toolkit", "-c", "user.email=pm-toolkit@localhost"]


class HandoutError(ValueError):
    """The checkout cannot be handed out as it is; the message says what to do."""


@dataclass(frozen=True)
class Handout:
    """The result of ``build_handout``: the repository, its commit and whether it changed."""

    repo: Path
    commit: str
    changed: bool
    files: int
    version: str


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise HandoutError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout}")
    return done.stdout.strip()


def handout_files(checkout: str | os.PathLike[str]) -> list[Path]:
    """The files of a checkout that learners get, checked: learner editions only, stamped."""
    base = Path(checkout)
    files = sorted({p for pattern in HANDOUT_FILES for p in base.glob(pattern)})
    if not any(p.parent.name == "lessons" for p in files):
        raise HandoutError(f"{base} has no lessons/*.ipynb: give the course checkout")
    for p in files:
        if p.suffix != ".ipynb":
            continue
        nb = json.loads(p.read_text(encoding="utf-8"))
        meta = nb.get("metadata", {}).get("pm_toolkit", {})
        if p.parent.name == "exercises" and meta.get("edition") != "learner":
            raise HandoutError(
                f"{p} is not a learner edition (edition={meta.get('edition')!r}); "
                "run `pm-toolkit build` first"
            )
        if stamp_of(nb) != course_version():
            raise HandoutError(
                f"{p} is stamped {stamp_of(nb)!r}, not course version {course_version()}; "
                "run `pm-toolkit stamp` (and `pm-toolkit build`) first"
            )
    return files


def build_handout(
    checkout: str | os.PathLike[str], repo: str | os.PathLike[str], message: str | None = None
) -> Handout:
    """Create or update the bare git repository ``repo`` with the learners' files.

    Idempotent: when nothing changed no commit is made. The repository is world-readable
    (``git init --shared=0644``), so every learner account can pull it.
    """
    base, target = Path(checkout), Path(repo)
    files = handout_files(base)
    if not (target / "HEAD").exists():
        target.mkdir(parents=True, exist_ok=True)
        _git(
            "init", "--quiet", "--bare", "--shared=0644", f"--initial-branch={BRANCH}", str(target)
        )
    work = Path(tempfile.mkdtemp(prefix="pm-handout-"))
    try:
        _git("clone", "--quiet", str(target), str(work / "c"))
        clone = work / "c"
        _git("checkout", "--quiet", "-B", BRANCH, cwd=clone)
        for old in _git("ls-files", cwd=clone).splitlines():
            (clone / old).unlink()  # a file dropped from the course disappears for learners too
        for p in files:
            dest = clone / p.relative_to(base)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        _git("add", "--all", cwd=clone)
        changed = bool(_git("status", "--porcelain", cwd=clone))
        if changed:
            text = message or f"Course {course_version()}"
            _git(*_GIT_ID, "commit", "--quiet", "-m", text, cwd=clone)
            _git("push", "--quiet", "origin", f"HEAD:{BRANCH}", cwd=clone)
        commit = _git("rev-parse", "HEAD", cwd=clone)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Handout(target, commit, changed, len(files), course_version())


def nbgitpuller_link(
    hub_url: str,
    repo_url: str,
    notebook: str = "lessons/00_start_here.ipynb",
    *,
    branch: str = BRANCH,
    targetpath: str = TARGET,
) -> str:
    """The link a learner clicks: log in, pull (or update) the course, open ``notebook``.

    The same format as nbgitpuller's own link generator: ``<hub>/hub/user-redirect/git-pull``
    with ``repo``, ``branch``, ``targetpath`` (the folder in the learner's home) and
    ``urlpath`` (what JupyterLab opens afterwards).
    """
    if not hub_url.startswith(("http://", "https://")):
        raise ValueError(f"the hub address must start with http:// or https://; got {hub_url!r}")
    query = urlencode(
        {
            "repo": repo_url,
            "branch": branch,
            "targetpath": targetpath,
            "urlpath": f"lab/tree/{targetpath}/{notebook}",
        }
    )
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"
