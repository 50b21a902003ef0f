"""A real JupyterHub with real system users: the course as a cohort meets it on a shared server.

Started from ``deploy/jupyterhub_config.py`` (JupyterHub from PyPI, configurable-http-proxy from
npm in ``deploy/node_modules``) on 127.0.0.1, with three learners and an instructor created as
Unix accounts for this test (``harness.Workshop``). Each learner logs in through the REST API,
pulls the course with nbgitpuller, runs lesson 00 to the end in their own kernel and answers
exercises; then the test checks, as those accounts, who can read and write what, and lets the
instructor account collect, grade and watch the room. Every process and account it made is
removed at the end.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hub.harness import PMT, USER_ENV, Workshop, missing
from tests.hub.remote import UserServer

LESSON = "pm-course/lessons/00_start_here.ipynb"
HANDOUT = (
    "lessons/*.ipynb",
    "exercises/*.ipynb",
    "exercises/solutions/*.ipynb",
    "datasets/README.md",
)


@pytest.fixture(scope="module")
def machine():
    why = missing()
    if why:
        if os.environ.get("CI", "").lower() == "true" and os.geteuid() == 0:
            pytest.fail(f"the hub test must run in CI: {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def hub(machine) -> Iterator[dict]:
    shop = Workshop(learners=3)
    try:
        shop.create_accounts()
        # The instructor's checkout: what they hand out, and the solutions they keep to themselves.
        checkout = shop.give_instructor(HANDOUT)
        roster = shop.roster(shop.learners[:2])  # the third learner is not on the roster
        out = shop.handout(checkout)
        assert "published" in out, out
        h = shop.start_hub()
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(h.start_server, shop.learners))
        yield {
            "hub": h,
            "shop": shop,
            "learners": shop.learners,
            "root": shop.root,
            "roster": roster,
            "teach": shop.teach,
            "checkout": checkout,
            "shared_env": {"PM_TOOLKIT_SHARED_DATA": str(shop.root / "data")},
        }
    finally:
        shop.close(keep=bool(os.environ.get("PM_TOOLKIT_HUB_KEEP")))


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
        results = dict(zip(hub["learners"], pool.map(run, hub["learners"]), strict=True))
    yield results
    for _server, kernel, _ in results.values():
        kernel.close()


def test_lesson_00_runs_to_the_end_with_every_readiness_check_green(hub, lesson_runs):
    for user, (_server, _kernel, outcomes) in lesson_runs.items():
        doctor = next(o for o in outcomes if "pm-doctor" in o.html)
        assert "✅ Ready for the course." in doctor.html, (user, doctor.html)
        assert "❌" not in doctor.html
        assert "Course version" in doctor.html
    l1, _l2, l3 = hub["learners"]
    assert "prepared by your instructor, read-only" in next(
        o.html for o in lesson_runs[l1][2] if "pm-doctor" in o.html
    )
    assert "will be created on first use" in next(
        o.html for o in lesson_runs[l3][2] if "pm-doctor" in o.html
    )


def test_each_learner_works_on_their_own_data_and_progress(hub, lesson_runs):
    l1, l2, l3 = hub["learners"]
    root = hub["root"]
    k1, k2, k3 = (lesson_runs[u][1] for u in (l1, l2, l3))
    assert "Correct" in k1.run("print(ex.q1.check(833.33))").text
    # Lesson 00's AOV is on each learner's own data: the engine's internal path gives l1 theirs.
    assert (
        "Correct" in k1.run("print(ex.q2.check(ex.q2.exercise.reference_answer(ex.q2.ctx)))").text
    )
    for _ in range(2):
        assert "Not yet" in k2.run("print(ex.q3.check(84 / 3000))").text
    k2.run("ex.q3.hint()")
    # On the roster: the prepared data is read in place; nothing lands in the learner's home.
    r1 = k1.run(
        "from pm_toolkit import data; print(data.folder()); print(len(data.load('orders')))"
    )
    assert str(root / "data") in r1.text
    assert not (hub["shop"].home(l1) / ".pm_toolkit" / "data").exists()
    # Not on the roster: generated in their own home on first use (lesson 00's first data cell),
    # with a message saying so.
    said = "\n".join(o.text + o.html for o in lesson_runs[l3][2])
    assert "not among the course data your instructor prepared" in said, said[-2000:]
    assert "not among the course data" not in "\n".join(o.text for o in lesson_runs[l1][2])
    assert k3.run("from pm_toolkit import data; print(len(data.load('orders')))").text.strip()
    assert (hub["shop"].home(l3) / ".pm_toolkit" / "data").is_dir()
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
    l1, l2, _l3 = hub["learners"]
    root, _teach = hub["root"], hub["teach"]
    world = next((root / "data" / "small").iterdir())
    other_progress = next((root / "learners" / l2 / "progress").rglob("events.jsonl"))
    solution = next((hub["checkout"] / "exercises" / "solutions").glob("*.ipynb"))
    checks = {
        "read another learner's progress": f"open({str(other_progress)!r}).read()",
        "list another learner's folder": f"os.listdir({str(root / 'learners' / l2)!r})",
        "list every learner's folder": f"os.listdir({str(root / 'learners')!r})",
        "read another learner's notebook": f"open({str(hub['shop'].home(l2) / LESSON)!r}).read()",
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
    denied = hub["shop"].run_as(l1, PMT, "hub", "room", "--root", str(root), check=False)
    assert denied.returncode == 2 and "only the instructors' group" in denied.stderr


def test_an_update_keeps_the_learners_answers(hub, lesson_runs):
    l1 = hub["learners"][0]
    server = lesson_runs[l1][0]
    nb = server.notebook(LESSON)
    cell = next(c for c in nb["cells"] if "conversion = ____" in c["source"])
    cell["source"] = cell["source"].replace(
        "conversion = ____", "conversion = 84 / 2400  # my answer"
    )
    server.save_notebook(LESSON, nb)
    # The instructor fixes a typo in another cell and publishes it.
    lesson = hub["checkout"] / "lessons" / "00_start_here.ipynb"
    t = hub["shop"].instructor
    fix = (
        "import json,sys; p=sys.argv[1]; nb=json.load(open(p)); "
        "c=[c for c in nb['cells'] if 'How to use a notebook' in ''.join(c['source'])][0]; "
        "c['source']=[s.replace('explain;','explain (fixed);') for s in c['source']]; "
        "open(p,'w').write(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)+'\\n')"
    )
    hub["shop"].run_as(t, str(USER_ENV / "bin" / "python"), "-c", fix, str(lesson))
    assert "published" in hub["shop"].handout(hub["checkout"])
    _course(hub, l1)  # the learner clicks the link again
    text = json.dumps(server.notebook(LESSON))
    assert "84 / 2400  # my answer" in text and "explain (fixed);" in text


def test_the_instructor_collects_grades_and_watches_the_room(hub, lesson_runs):
    l1, l2, l3 = hub["learners"]
    t, teach, root = hub["shop"].instructor, hub["teach"], hub["root"]
    pmt = PMT
    lesson_runs[l1][0].api  # noqa: B018 (servers stay up while the instructor works)
    done = hub["shop"].run_as(
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
    room = hub["shop"].run_as(
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
