"""A real JupyterHub with real system users: the course as a cohort meets it on a shared server.

Started from ``deploy/jupyterhub_config.py`` (JupyterHub from PyPI, configurable-http-proxy from
npm in ``deploy/node_modules``) on 127.0.0.1, with three learners and an instructor created as
Unix accounts for this test. Each learner logs in through the REST API, pulls the course with
nbgitpuller, runs lesson 00 to the end in their own kernel and answers exercises; then the test
checks, as those accounts, who can read and write what, and lets the instructor account collect,
grade and watch the room. Every process and account it made is removed at the end.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hub.remote import Hub, UserServer

REPO = Path(__file__).resolve().parents[2]
USER_ENV = Path(os.environ.get("PM_HUB_USER_ENV", "/opt/pm-toolkit/hub-test-env"))
PROXY = REPO / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
LESSON = "pm-course/lessons/00_start_here.ipynb"


def _missing() -> str:
    """Why this machine cannot run a real hub ("" when it can)."""
    if not sys.platform.startswith("linux"):
        return "needs Linux (system users and LocalProcessSpawner)"
    if os.geteuid() != 0:
        return "needs root to create the test's system users (run `sudo make hub`)"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "needs useradd and runuser"
    if shutil.which("git") is None:
        return "needs git (nbgitpuller)"
    if not (USER_ENV / "bin" / "jupyterhub-singleuser").exists():
        return f"no hub user environment at {USER_ENV}: run deploy/install-course.sh {USER_ENV}"
    if not PROXY.exists():
        return "no configurable-http-proxy: run `npm ci` in deploy/ (node and npm needed)"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed in this environment (pip install -e '.[dev]')"
    return ""


@pytest.fixture(scope="module")
def machine():
    why = _missing()
    if why:
        if os.environ.get("CI", "").lower() == "true" and os.geteuid() == 0:
            pytest.fail(f"the hub test must run in CI: {why}")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ports() -> tuple[int, int]:
    """Two free ports P and P+1 (the proxy's API listens next to the public port)."""
    for _ in range(50):
        p = _free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p + 1))
            except OSError:
                continue
        return p, _free_port()
    raise RuntimeError("no two adjacent free ports")


def _run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Accounts:
    """The Unix users and group this test creates, and running commands as them."""

    def __init__(self, base: Path) -> None:
        tag = secrets.token_hex(2)
        self.base = base
        self.group = f"pmt{tag}-teach"
        self.learners = [f"pmt{tag}-l{i}" for i in (1, 2, 3)]
        self.instructor = f"pmt{tag}-t"
        self.made: list[str] = []

    def home(self, user: str) -> Path:
        return self.base / "home" / user

    def create(self) -> None:
        _run("groupadd", self.group)
        for user in [*self.learners, self.instructor]:
            extra = ["-G", self.group] if user == self.instructor else []
            _run("useradd", "-m", "-d", str(self.home(user)), "-s", "/bin/sh", *extra, user)
            self.made.append(user)

    def run_as(self, user: str, *cmd: str, env: dict[str, str] | None = None, check: bool = True):
        base_env = {
            "HOME": str(self.home(user)),
            "PATH": f"{USER_ENV / 'bin'}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        full = [
            "runuser",
            "-u",
            user,
            "--",
            "env",
            "-i",
            *(f"{k}={v}" for k, v in base_env.items()),
            *cmd,
        ]
        return subprocess.run(full, capture_output=True, text=True, check=check, cwd="/")

    def remove(self) -> None:
        for user in self.made:
            _kill_processes_of(user)
            subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        subprocess.run(["groupdel", self.group], capture_output=True)


def _kill_processes_of(user: str) -> None:
    """Stop, by process id, whatever is still running as one of this test's accounts."""
    import pwd

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


@pytest.fixture(scope="module")
def hub(machine) -> Iterator[dict]:
    base = Path(tempfile.mkdtemp(prefix="pmhub-"))
    base.chmod(0o755)
    (base / "home").mkdir(mode=0o755)
    accounts = Accounts(base)
    root = base / "srv"
    proc = None
    try:
        accounts.create()
        pmt = str(USER_ENV / "bin" / "pm-toolkit")
        _run(
            pmt,
            "hub",
            "setup",
            "--root",
            str(root),
            "--instructor",
            accounts.instructor,
            "--group",
            accounts.group,
        )
        t = accounts.instructor
        teach = root / "instructor"
        shared_env = {"PM_TOOLKIT_SHARED_DATA": str(root / "data")}

        # The instructor's checkout: what they hand out, and the solutions they keep to themselves.
        checkout = teach / "course"
        for pattern in (
            "lessons/*.ipynb",
            "exercises/*.ipynb",
            "exercises/solutions/*.ipynb",
            "datasets/README.md",
        ):
            for p in REPO.glob(pattern):
                dest = checkout / p.relative_to(REPO)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)
        _run("chown", "-R", f"{t}:{accounts.group}", str(checkout))
        (teach / "learners.txt").write_text("\n".join(accounts.learners[:2]) + "\n")
        _run("chown", t, str(teach / "learners.txt"))

        started = time.monotonic()
        accounts.run_as(
            t,
            pmt,
            "cohort",
            "create",
            "workshop",
            "--learners",
            str(teach / "learners.txt"),
            "--out",
            str(teach / "cohorts"),
        )
        roster = teach / "cohorts" / "workshop"
        prep = accounts.run_as(
            t, pmt, "cohort", "prepare", str(roster), "--into", str(root / "data"), "--no-default"
        )
        out = accounts.run_as(
            t, pmt, "hub", "handout", "--root", str(root), "--checkout", str(checkout)
        )
        assert "published" in out.stdout, out.stdout + out.stderr

        port, internal = _ports()
        token = secrets.token_hex(16)
        env = dict(
            os.environ,
            PM_HUB_ROOT=str(root),
            PM_HUB_USER_ENV=str(USER_ENV),
            PM_HUB_INSTRUCTORS=t,
            PM_HUB_GROUP=accounts.group,
            PM_HUB_LEARNERS=",".join(accounts.learners),
            PM_HUB_AUTH="dummy",
            PM_HUB_IP="127.0.0.1",
            PM_HUB_PORT=str(port),
            PM_HUB_INTERNAL_PORT=str(internal),
            PM_HUB_STATE=str(base / "state"),
            PM_HUB_PROXY=str(PROXY),
            PM_HUB_SERVICE_TOKEN=token,
        )
        log = (base / "hub.log").open("w")
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("jupyterhub")),
                "-f",
                str(REPO / "deploy" / "jupyterhub_config.py"),
            ],
            cwd=base,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        h = Hub(f"http://127.0.0.1:{port}", token)
        h.wait_up()
        with ThreadPoolExecutor(3) as pool:
            start_times = dict(
                zip(accounts.learners, pool.map(h.start_server, accounts.learners), strict=True)
            )
        yield {
            "hub": h,
            "accounts": accounts,
            "root": root,
            "roster": roster,
            "teach": teach,
            "checkout": checkout,
            "shared_env": shared_env,
            "start_times": start_times,
            "prep": prep.stdout,
            "setup_seconds": time.monotonic() - started,
            "base": base,
        }
    finally:
        if proc is not None:
            for user in accounts.learners:
                with contextlib.suppress(Exception):
                    Hub(f"http://127.0.0.1:{port}", token).stop_server(user)
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        accounts.remove()
        if os.environ.get("PM_TOOLKIT_HUB_KEEP"):
            print(f"hub test folder kept at {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def _course(hub: dict, user: str) -> UserServer:
    server = hub["hub"].server(user)
    server.git_pull(f"file://{hub['root'] / 'course.git'}", "pm-course")
    return server


@pytest.fixture(scope="module")
def lesson_runs(hub):
    """Each learner pulls the course and runs lesson 00 top to bottom, all at once."""

    def run(user: str):
        server = _course(hub, user)
        kernel = server.kernel(LESSON)
        outcomes = kernel.run_notebook(server.notebook(LESSON))
        return server, kernel, outcomes

    with ThreadPoolExecutor(3) as pool:
        results = dict(
            zip(hub["accounts"].learners, pool.map(run, hub["accounts"].learners), strict=True)
        )
    yield results
    for _server, kernel, _ in results.values():
        kernel.close()


def test_lesson_00_runs_to_the_end_with_every_readiness_check_green(hub, lesson_runs):
    for user, (_server, _kernel, outcomes) in lesson_runs.items():
        doctor = next(o for o in outcomes if "pm-doctor" in o.html)
        assert "✅ Ready for the course." in doctor.html, (user, doctor.html)
        assert "❌" not in doctor.html
        assert "Course version" in doctor.html
    l1, _l2, l3 = hub["accounts"].learners
    assert "prepared by your instructor, read-only" in next(
        o.html for o in lesson_runs[l1][2] if "pm-doctor" in o.html
    )
    assert "will be created on first use" in next(
        o.html for o in lesson_runs[l3][2] if "pm-doctor" in o.html
    )


def test_each_learner_works_on_their_own_data_and_progress(hub, lesson_runs):
    l1, l2, l3 = hub["accounts"].learners
    root = hub["root"]
    k1, k2, k3 = (lesson_runs[u][1] for u in (l1, l2, l3))
    assert "Correct" in k1.run("print(ex.q1.check(833.33))").text
    for _ in range(2):
        assert "Not yet" in k2.run("print(ex.q2.check('84/3000'))").text
    k2.run("ex.q2.hint()")
    # On the roster: the prepared data is read in place; nothing lands in the learner's home.
    r1 = k1.run(
        "from pm_toolkit import data; print(data.folder()); print(len(data.load('orders')))"
    )
    assert str(root / "data") in r1.text
    assert not (hub["accounts"].home(l1) / ".pm_toolkit" / "data").exists()
    # Not on the roster: generated in their own home on first use, with a message saying so.
    r3 = k3.run("from pm_toolkit import data; print(len(data.load('orders')))")
    assert "not among the course data your instructor prepared" in r3.text, r3.text
    assert (hub["accounts"].home(l3) / ".pm_toolkit" / "data").is_dir()
    # Separate progress per learner.
    from pm_toolkit.instructor.collect import events, store_folder

    for user, ids in ((l1, {"start_here.aov"}), (l2, {"start_here.conversion"})):
        evs = events(store_folder(root / "learners" / user, user))
        assert {e["learner"] for e in evs} == {user}
        answered = {e["exercise"] for e in evs if e.get("status") not in (None, "not_attempted")}
        assert ids <= answered


PROBE = """
import os, pathlib
def attempt(what, fn):
    try:
        fn()
        print(f"ALLOWED {what}")
    except PermissionError:
        print(f"DENIED {what}")
"""


def test_learners_cannot_read_each_other_or_the_answer_keys_nor_change_shared_data(
    hub, lesson_runs
):
    l1, l2, _l3 = hub["accounts"].learners
    root, _teach = hub["root"], hub["teach"]
    world = next((root / "data" / "small").iterdir())
    other_progress = next((root / "learners" / l2 / "progress").rglob("events.jsonl"))
    solution = next((hub["checkout"] / "exercises" / "solutions").glob("*.ipynb"))
    checks = {
        "read another learner's progress": f"open({str(other_progress)!r}).read()",
        "list another learner's folder": f"os.listdir({str(root / 'learners' / l2)!r})",
        "list every learner's folder": f"os.listdir({str(root / 'learners')!r})",
        "read another learner's notebook": f"open({str(hub['accounts'].home(l2) / LESSON)!r}).read()",
        "read a solution edition": f"open({str(solution)!r}).read()",
        "read the roster": f"open({str(hub['roster'] / 'roster.json')!r}).read()",
        "change shared data": f"open({str(world / 'manifest.json')!r}, 'a').write('x')",
        "delete shared data": f"os.remove({str(world / 'manifest.json')!r})",
        "add to shared data": f"open({str(world / 'mine.txt')!r}, 'w').write('x')",
        "change the hand-out": f"open({str(root / 'course.git' / 'HEAD')!r}, 'a').write('x')",
    }
    code = PROBE + "\n".join(f"attempt({k!r}, lambda: {v})" for k, v in checks.items())
    out = lesson_runs[l1][1].run(code).text
    assert all(f"DENIED {k}" in out for k in checks), out
    own = (
        lesson_runs[l1][1]
        .run(
            PROBE
            + f"attempt('read own progress', lambda: os.listdir({str(root / 'learners' / l1)!r}))"
        )
        .text
    )
    assert "ALLOWED read own progress" in own
    # The learners' environment holds no solution edition or answer sheet.
    assert not list(USER_ENV.rglob("solutions/*.ipynb"))
    # A learner cannot open the room view either.
    denied = hub["accounts"].run_as(
        l1, str(USER_ENV / "bin" / "pm-toolkit"), "hub", "room", "--root", str(root), check=False
    )
    assert denied.returncode == 2 and "only the instructors' group" in denied.stderr


def test_an_update_keeps_the_learners_answers(hub, lesson_runs):
    l1 = hub["accounts"].learners[0]
    server = lesson_runs[l1][0]
    nb = server.notebook(LESSON)
    cell = next(c for c in nb["cells"] if "conversion = ____" in c["source"])
    cell["source"] = "conversion = 84 / 2400  # my answer\nex.q2.check(conversion)"
    server.save_notebook(LESSON, nb)
    # The instructor fixes a typo in another cell and publishes it.
    lesson = hub["checkout"] / "lessons" / "00_start_here.ipynb"
    t = hub["accounts"].instructor
    fix = (
        "import json,sys; p=sys.argv[1]; nb=json.load(open(p)); "
        "c=[c for c in nb['cells'] if 'How to use a notebook' in ''.join(c['source'])][0]; "
        "c['source']=[s.replace('explain;','explain (fixed);') for s in c['source']]; "
        "open(p,'w').write(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)+'\\n')"
    )
    hub["accounts"].run_as(t, str(USER_ENV / "bin" / "python"), "-c", fix, str(lesson))
    out = hub["accounts"].run_as(
        t,
        str(USER_ENV / "bin" / "pm-toolkit"),
        "hub",
        "handout",
        "--root",
        str(hub["root"]),
        "--checkout",
        str(hub["checkout"]),
    )
    assert "published" in out.stdout
    _course(hub, l1)  # the learner clicks the link again
    text = json.dumps(server.notebook(LESSON))
    assert "84 / 2400  # my answer" in text and "explain (fixed);" in text


def test_the_instructor_collects_grades_and_watches_the_room(hub, lesson_runs):
    l1, l2, l3 = hub["accounts"].learners
    t, teach, root = hub["accounts"].instructor, hub["teach"], hub["root"]
    pmt = str(USER_ENV / "bin" / "pm-toolkit")
    lesson_runs[l1][0].api  # noqa: B018 (servers stay up while the instructor works)
    done = hub["accounts"].run_as(
        t,
        pmt,
        "hub",
        "collect",
        str(hub["roster"]),
        "--root",
        str(root),
        "--out",
        str(teach / "collected"),
        "--grade",
        str(teach / "grades"),
        env=hub["shared_env"],
    )
    assert "from 2 of 2 learners" in done.stdout, done.stdout + done.stderr
    with open(teach / "grades" / "gradebook.csv", encoding="utf-8") as fh:
        rows = {(r["learner"], r["exercise"]): r["status"] for r in csv.DictReader(fh)}
    assert rows[(l1, "start_here.aov")] == "correct"
    assert rows[(l2, "start_here.conversion")] == "incorrect"
    assert not any(lr == l3 for lr, _ in rows)  # not on the roster: not graded
    room = hub["accounts"].run_as(
        t,
        pmt,
        "hub",
        "room",
        "--root",
        str(root),
        "--roster",
        str(hub["roster"]),
        "--out",
        str(teach / "room.html"),
        "--once",
    )
    page = (teach / "room.html").read_text(encoding="utf-8")
    assert "start_here.conversion" in page and "Most of the room is stuck" in page, room.stdout
    assert l1 not in page and l2 not in page
