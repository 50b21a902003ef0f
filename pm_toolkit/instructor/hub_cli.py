"""``pm-toolkit hub …``, ``pm-toolkit stamp`` and ``pm-toolkit submit``: running a cohort on a hub.

The whole workflow is in ``docs/hosting.md``; each command says what it did in one line.

>>> import argparse
>>> sub = argparse.ArgumentParser().add_subparsers()
>>> register(sub)
>>> sorted(sub.choices)
['hub', 'stamp', 'submit']
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pm_toolkit.instructor.hubspace import DEFAULT_GROUP, DEFAULT_ROOT


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``hub`` (setup, learner-space, handout, link, collect, room), ``stamp`` and ``submit``."""
    h = subparsers.add_parser(
        "hub",
        help="run the course for a cohort on a JupyterHub (instructor)",
        description="Set up a hub's shared folders, hand out the course, collect work and watch "
        "the room. Step by step: docs/hosting.md.",
    )
    hsub = h.add_subparsers(dest="hub_command", metavar="ACTION")

    def root_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--root",
            default=str(DEFAULT_ROOT),
            help="the hub's shared folder (default %(default)s)",
        )

    s = hsub.add_parser(
        "setup",
        help="create the shared folders with safe permissions (run as root)",
        description="Create ROOT/data, course.git, learners and instructor with the owners and "
        "modes that keep learners apart (docs/hosting.md, 'Who can read what').",
    )
    root_arg(s)
    s.add_argument("--instructor", required=True, metavar="USER", help="the instructor account")
    s.add_argument("--group", default=DEFAULT_GROUP, help="the instructors' group (%(default)s)")
    s.set_defaults(func=_setup)

    ls = hsub.add_parser(
        "learner-space",
        help="make one learner's private folder (the hub runs this before each server starts)",
        description="Create ROOT/learners/USER (the learner writes, the instructors' group "
        "reads) and make the learner's home private. Run as root.",
    )
    ls.add_argument("user", metavar="USER")
    root_arg(ls)
    ls.add_argument("--group", default=DEFAULT_GROUP)
    ls.set_defaults(func=_learner_space)

    ho = hsub.add_parser(
        "handout",
        help="publish the learners' copy of the course (git) and print the link to share",
        description="Copy lessons and learner editions (never solutions) from CHECKOUT into the "
        "git repository ROOT/course.git and commit if anything changed. Learners get it, and "
        "later fixes, by opening the printed nbgitpuller link.",
    )
    root_arg(ho)
    ho.add_argument("--checkout", default=".", help="the course checkout (default: here)")
    ho.add_argument("--repo", help="the repository to write (default: ROOT/course.git)")
    ho.add_argument("--hub-url", help="the hub's address, to print the learners' link")
    ho.add_argument("-m", "--message", help="the commit message (default: 'Course <version>')")
    ho.set_defaults(func=_handout)

    lk = hsub.add_parser(
        "link",
        help="print the nbgitpuller link for a notebook",
        description="Print the link that logs a learner in, pulls the course and opens NOTEBOOK.",
    )
    lk.add_argument("--hub-url", required=True, help="e.g. https://hub.example.in")
    lk.add_argument("--repo", default=f"file://{DEFAULT_ROOT}/course.git", help="%(default)s")
    lk.add_argument("--notebook", default="lessons/00_start_here.ipynb", help="%(default)s")
    lk.set_defaults(func=_link)

    co = hsub.add_parser(
        "collect",
        help="gather every roster learner's progress and hand-ins (then grade them)",
        description="Write <learner>__progress.json and <learner>__<notebook>.ipynb for each "
        "roster learner into OUT, from ROOT/learners. With --grade, run pm-toolkit grade on OUT.",
    )
    co.add_argument("roster", metavar="ROSTER")
    root_arg(co)
    co.add_argument("--out", required=True, metavar="DIR")
    co.add_argument("--grade", metavar="GRADES_DIR", help="grade into this folder afterwards")
    co.set_defaults(func=_collect)

    rm = hsub.add_parser(
        "room",
        help="a live view of where the room is stuck (an HTML page that refreshes itself)",
        description="Summarise every learner's progress under ROOT/learners: stuck questions, "
        "common wrong answers, hint use. Without --out, print one summary and stop.",
    )
    root_arg(rm)
    rm.add_argument("--roster", help="only these learners (default: every learner folder)")
    rm.add_argument("--out", metavar="FILE", help="write an HTML page here")
    rm.add_argument(
        "--every", type=float, default=30.0, help="seconds between refreshes (%(default)s)"
    )
    rm.add_argument("--once", action="store_true", help="write the page once and stop")
    rm.add_argument(
        "--names", action="store_true", help="list who is stuck (do not project this page)"
    )
    rm.set_defaults(func=_room)
    h.set_defaults(func=_hub_help, hub_parser=h)

    st = subparsers.add_parser(
        "stamp",
        help="stamp every course notebook with the course version (maintainers)",
        description="Set metadata.pm_toolkit.course_version in lessons/ and exercises/ "
        "(source, learner and solution editions) to the toolkit's version. Idempotent. "
        "With --check, change nothing and exit 1 if a notebook is not stamped.",
    )
    st.add_argument("--root", default=".", help="the course checkout (default: here)")
    st.add_argument("--check", action="store_true")
    st.set_defaults(func=_stamp)

    sb = subparsers.add_parser(
        "submit",
        help="hand in notebooks to your instructor (on a course hub)",
        description="Copy NOTEBOOK(s) into your hand-in folder on the hub; handing in again "
        "replaces the earlier copy.",
    )
    sb.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    sb.set_defaults(func=_submit)


def _hub_help(args: argparse.Namespace) -> int:
    args.hub_parser.print_help()
    return 2


def _error(exc: Exception) -> Exception:
    from pm_toolkit.cli import CommandError

    return CommandError(str(exc))


def _setup(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.hubspace import setup_root

    try:
        where = setup_root(args.root, args.instructor, args.group)
    except (ValueError, PermissionError) as exc:
        raise _error(exc) from None
    print(
        f"hub folders ready under {where.root} (instructor {args.instructor}, group {args.group})"
    )
    return 0


def _learner_space(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.hubspace import learner_space

    try:
        folder = learner_space(args.root, args.user, args.group)
    except (ValueError, PermissionError) as exc:
        raise _error(exc) from None
    print(f"{folder} ready")
    return 0


def _handout(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.handout import HandoutError, build_handout, nbgitpuller_link

    repo = Path(args.repo or Path(args.root) / "course.git")
    try:
        done = build_handout(args.checkout, repo, args.message)
    except HandoutError as exc:
        raise _error(exc) from None
    what = "published" if done.changed else "unchanged"
    print(f"course {done.version} {what}: {done.files} files in {repo} (commit {done.commit[:10]})")
    if args.hub_url:
        print("Learners open:", nbgitpuller_link(args.hub_url, f"file://{repo.resolve()}"))
    return 0


def _link(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.handout import nbgitpuller_link

    try:
        print(nbgitpuller_link(args.hub_url, args.repo, args.notebook))
    except ValueError as exc:
        raise _error(exc) from None
    return 0


def _collect(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.cli import _roster
    from pm_toolkit.instructor.collect import collect

    roster = _roster(args.roster)
    result = collect(roster, args.root, args.out)
    print(result)
    if args.grade:
        from pm_toolkit.cli import main

        return main(["grade", args.out, "--roster", args.roster, "--out", args.grade])
    return 0


def _room(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.room import room_snapshot, write_room

    learners = None
    if args.roster:
        from pm_toolkit.instructor.cli import _roster

        learners = _roster(args.roster).ids()
    if args.every <= 0:
        raise _error(ValueError("--every must be more than 0 seconds"))
    try:
        room = room_snapshot(args.root, learners, names=args.names)
        if not args.out:
            print(room)
            return 0
        while True:
            write_room(room, args.out, refresh=max(5, int(args.every)))
            print(f"{room} -> {args.out}", flush=True)
            if args.once:
                return 0
            time.sleep(args.every)
            room = room_snapshot(args.root, learners, names=args.names)
    except PermissionError as exc:
        raise _error(
            PermissionError(
                f"cannot read {exc.filename}: only the instructors' group may watch the room"
            )
        ) from None
    except FileNotFoundError as exc:
        raise _error(
            ValueError(f"no hub folder at {exc.filename}; see pm-toolkit hub setup")
        ) from None


def _stamp(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.stamp import course_notebooks, course_version, stamp_notebooks

    paths = list(course_notebooks(args.root))
    if not paths:
        raise _error(ValueError(f"no course notebooks under {args.root}"))
    results = stamp_notebooks(paths, check=args.check)
    changed = [r for r in results if r.changed]
    if args.check:
        for r in changed:
            print(f"not stamped {course_version()}: {r.path} (has {r.before})", file=sys.stderr)
        print(f"{len(results) - len(changed)} of {len(results)} notebooks carry {course_version()}")
        return 1 if changed else 0
    print(
        f"stamped {len(changed)} notebook(s) with course version {course_version()}; "
        f"{len(results) - len(changed)} already had it"
    )
    return 0


def _submit(args: argparse.Namespace) -> int:
    from pm_toolkit.instructor.collect import hand_in

    try:
        done = hand_in(args.notebooks)
    except (ValueError, PermissionError) as exc:
        raise _error(exc) from None
    for p in done:
        print(f"handed in: {p.name} (hand it in again to replace it)")
    return 0
