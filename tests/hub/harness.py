"""A workshop server in a box, for the hub test and ``benchmarks/bench_hub.py``.

Creates real Unix accounts (learners and an instructor in the instructors' group), lays out the
hub's shared folders with ``pm-toolkit hub setup``, and starts JupyterHub from
``deploy/jupyterhub_config.py`` on 127.0.0.1 with the proxy from ``deploy/node_modules``.
``Workshop.close()`` stops the hub's process group, kills by process id whatever still runs as
the accounts it made, and deletes those accounts and their folders.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.hub.remote import Hub

REPO = Path(__file__).resolve().parents[2]
USER_ENV = Path(os.environ.get("PM_HUB_USER_ENV", "/opt/pm-toolkit/hub-test-env"))
PROXY = REPO / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
PMT = str(USER_ENV / "bin" / "pm-toolkit")


def missing() -> str:
    """Why this machine cannot run a real hub ("" when it can)."""
    if not sys.platform.startswith("linux"):
        return "needs Linux (system users and LocalProcessSpawner)"
    if os.geteuid() != 0:
        return "needs root to create the test's system users (run `sudo make hub`)"
    for tool in ("useradd", "runuser", "git"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if not (USER_ENV / "bin" / "jupyterhub-singleuser").exists():
        return f"no hub user environment at {USER_ENV}: run deploy/install-course.sh {USER_ENV}"
    if not PROXY.exists():
        return "no configurable-http-proxy: run `npm ci` in deploy/ (node and npm needed)"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed in this environment (pip install -e '.[dev]')"
    return ""


def run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ports() -> tuple[int, int]:
    """A free port P whose neighbour P+1 is free too (the proxy's API), and one more."""
    for _ in range(50):
        p = _free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p + 1))
            except OSError:
                continue
        return p, _free_port()
    raise RuntimeError("no two adjacent free ports")


def kill_processes_of(user: str) -> None:
    """Stop, by process id, whatever still runs as one of the accounts made here."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid == uid:
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


class Workshop:
    """Accounts, shared folders and a running hub; ``close()`` undoes all of it."""

    def __init__(self, learners: int = 3) -> None:
        tag = secrets.token_hex(2)
        self.base = Path(tempfile.mkdtemp(prefix="pmhub-"))
        self.base.chmod(0o755)
        (self.base / "home").mkdir(mode=0o755)
        self.root = self.base / "srv"
        self.teach = self.root / "instructor"
        self.group = f"pmt{tag}-teach"
        self.learners = [f"pmt{tag}-l{i}" for i in range(1, learners + 1)]
        self.instructor = f"pmt{tag}-t"
        self.made: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.hub: Hub | None = None

    def home(self, user: str) -> Path:
        return self.base / "home" / user

    def create_accounts(self) -> None:
        run("groupadd", self.group)
        for user in [*self.learners, self.instructor]:
            extra = ["-G", self.group] if user == self.instructor else []
            run("useradd", "-m", "-d", str(self.home(user)), "-s", "/bin/sh", *extra, user)
            self.made.append(user)
        run(
            PMT,
            "hub",
            "setup",
            "--root",
            str(self.root),
            "--instructor",
            self.instructor,
            "--group",
            self.group,
        )

    def run_as(self, user: str, *cmd: str, env: dict[str, str] | None = None, check=True):
        """Run a command as one of the accounts, with a clean environment of its own."""
        base_env = {
            "HOME": str(self.home(user)),
            "PATH": f"{USER_ENV / 'bin'}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        pairs = [f"{k}={v}" for k, v in base_env.items()]
        full = ["runuser", "-u", user, "--", "env", "-i", *pairs, *cmd]
        return subprocess.run(full, capture_output=True, text=True, check=check, cwd="/")

    def give_instructor(self, patterns: tuple[str, ...], into: str = "course") -> Path:
        """Copy files of this checkout into the instructor's folder, owned by the instructor."""
        checkout = self.teach / into
        for pattern in patterns:
            for p in REPO.glob(pattern):
                dest = checkout / p.relative_to(REPO)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)
        run("chown", "-R", f"{self.instructor}:{self.group}", str(checkout))
        return checkout

    def roster(self, learners: list[str], scales: tuple[str, ...] = ("small",)) -> Path:
        """The instructor makes a roster and prepares its learners' shared data."""
        listing = self.teach / "learners.txt"
        listing.write_text("\n".join(learners) + "\n", encoding="utf-8")
        run("chown", self.instructor, str(listing))
        self.run_as(
            self.instructor,
            PMT,
            "cohort",
            "create",
            "workshop",
            "--learners",
            str(listing),
            "--out",
            str(self.teach / "cohorts"),
        )
        roster = self.teach / "cohorts" / "workshop"
        scale_args = [a for s in scales for a in ("--scale", s)]
        self.run_as(
            self.instructor,
            PMT,
            "cohort",
            "prepare",
            str(roster),
            "--into",
            str(self.root / "data"),
            "--no-default",
            *scale_args,
        )
        return roster

    def handout(self, checkout: Path) -> str:
        """The instructor publishes the learners' copy of the course; returns what it said."""
        done = self.run_as(
            self.instructor,
            PMT,
            "hub",
            "handout",
            "--root",
            str(self.root),
            "--checkout",
            str(checkout),
        )
        return done.stdout + done.stderr

    def start_hub(self, **extra_env: str) -> Hub:
        port, internal = ports()
        token = secrets.token_hex(16)
        env = dict(
            os.environ,
            PM_HUB_ROOT=str(self.root),
            PM_HUB_USER_ENV=str(USER_ENV),
            PM_HUB_INSTRUCTORS=self.instructor,
            PM_HUB_GROUP=self.group,
            PM_HUB_LEARNERS=",".join(self.learners),
            PM_HUB_AUTH="dummy",
            PM_HUB_IP="127.0.0.1",
            PM_HUB_PORT=str(port),
            PM_HUB_INTERNAL_PORT=str(internal),
            PM_HUB_STATE=str(self.base / "state"),
            PM_HUB_PROXY=str(PROXY),
            PM_HUB_SERVICE_TOKEN=token,
            **extra_env,
        )
        log = (self.base / "hub.log").open("w")
        hub_cmd = [
            str(Path(sys.executable).with_name("jupyterhub")),
            "-f",
            str(REPO / "deploy" / "jupyterhub_config.py"),
        ]
        self.proc = subprocess.Popen(
            hub_cmd,
            cwd=self.base,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.hub = Hub(f"http://127.0.0.1:{port}", token)
        self.hub.wait_up()
        return self.hub

    def close(self, keep: bool = False) -> None:
        if self.proc is not None:
            for user in self.learners:
                # the hub may already be gone; the kills below cover that
                with contextlib.suppress(Exception):
                    self.hub.stop_server(user)
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for user in self.made:
            kill_processes_of(user)
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        subprocess.run(["groupdel", self.group], capture_output=True)
        if keep:
            print(f"hub folder kept at {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)
