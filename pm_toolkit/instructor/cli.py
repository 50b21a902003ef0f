"""``pm-toolkit cohort`` and ``pm-toolkit grade``: the instructor's commands.

>>> import argparse
>>> sub = argparse.ArgumentParser().add_subparsers()
>>> register(sub)
>>> sorted(sub.choices)
['cohort', 'grade', 'hub', 'stamp', 'submit']
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``cohort`` (create, show, answers, prepare), ``grade`` and the hub commands."""
    c = subparsers.add_parser(
        "cohort",
        help="create a workshop cohort (each learner gets their own data) and look up answers",
        description="Create a cohort roster, show it, or recompute a learner's expected answers.",
    )
    csub = c.add_subparsers(dest="cohort_command", metavar="ACTION")
    create = csub.add_parser(
        "create",
        help="make a roster from a list of learners",
        description=(
            "Read FILE (one email or id per line, or a CSV with an 'email' or 'id' column and an "
            "optional 'name' column), give each learner their data seed, and write "
            "OUT/NAME/roster.csv and roster.json."
        ),
    )
    create.add_argument("name", metavar="NAME", help="the cohort name, e.g. pm-batch-7")
    create.add_argument("--learners", required=True, metavar="FILE", help="the list of learners")
    create.add_argument(
        "--out", default="cohorts", metavar="DIR", help="where (default: ./cohorts)"
    )
    create.set_defaults(func=_create)
    show = csub.add_parser("show", help="print a roster", description="Print a cohort roster.")
    show.add_argument("roster", metavar="ROSTER", help="roster.csv, roster.json or its folder")
    show.set_defaults(func=_show)
    ans = csub.add_parser(
        "answers",
        help="recompute one learner's expected answers (instructor only)",
        description="Print (or write as HTML) the expected answers computed from the learner's seed.",
    )
    ans.add_argument("roster", metavar="ROSTER", help="roster.csv, roster.json or its folder")
    ans.add_argument("learner", metavar="LEARNER", help="the learner's id or email")
    ans.add_argument(
        "--lesson", action="append", metavar="KEY", help="only this lesson (repeatable)"
    )
    ans.add_argument("--scale", default="small", choices=("tiny", "small", "large"))
    ans.add_argument("--html", metavar="FILE", help="write a printable HTML page instead")
    ans.set_defaults(func=_answers)
    prep = csub.add_parser(
        "prepare",
        help="generate every learner's data once into a shared, read-only folder (hub)",
        description="Generate each roster learner's world (and the default learner's) into "
        "DIR, made readable by everyone and writable by you only. Resumable: worlds already "
        "there are skipped. Learners on the hub read them through $PM_TOOLKIT_SHARED_DATA.",
    )
    prep.add_argument("roster", metavar="ROSTER", help="roster.csv, roster.json or its folder")
    prep.add_argument("--into", required=True, metavar="DIR", help="e.g. /srv/pm-toolkit/data")
    prep.add_argument(
        "--scale",
        action="append",
        choices=("tiny", "small", "large"),
        help="scale to prepare (repeatable; default: small)",
    )
    prep.add_argument(
        "--no-default", action="store_true", help="skip the shared 'default' learner's world"
    )
    prep.set_defaults(func=_prepare)
    c.set_defaults(func=_cohort_help, cohort_parser=c)

    g = subparsers.add_parser(
        "grade",
        help="run and re-check the learners' notebooks; write a gradebook",
        description=(
            "Run each notebook in SUBMISSIONS_DIR in its own kernel (two at a time) with its "
            "learner's data, re-check every answer, and write gradebook.csv, submissions.csv "
            "and summary.html. Name files <learner id>__<notebook>.ipynb; exported progress "
            "files (pm-toolkit progress --export) are accepted too."
        ),
    )
    g.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    g.add_argument("--roster", required=True, metavar="FILE", help="the cohort roster")
    g.add_argument("--out", metavar="DIR", help="where to write (default: ./grades-<cohort>)")
    g.add_argument(
        "--cell-timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds a cell may run before it is stopped (default 120)",
    )
    g.add_argument(
        "--notebook-timeout",
        type=float,
        default=900.0,
        metavar="S",
        help="seconds a notebook may run before its kernel is killed (default 900)",
    )
    g.add_argument(
        "--kernels", type=int, default=2, metavar="N", help="notebooks run at once (default 2)"
    )
    g.add_argument(
        "--check-timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds the grader may spend re-checking one answer (default 120)",
    )
    g.add_argument(
        "--scale",
        choices=("tiny", "small", "large"),
        help="re-check on this data scale (default: the one each notebook used)",
    )
    g.add_argument("--keep-work", metavar="DIR", help="keep each run's home and kernel log in DIR")
    g.set_defaults(func=_grade)

    from pm_toolkit.instructor import hub_cli

    hub_cli.register(subparsers)


def _cohort_help(args: argparse.Namespace) -> int:
    args.cohort_parser.print_help()
    return 2


def _roster(path: str):  # -> Roster
    from pm_toolkit.cli import CommandError
    from pm_toolkit.instructor.cohort import RosterError, load_roster

    try:
        return load_roster(path)
    except RosterError as exc:
        raise CommandError(str(exc)) from None


def _create(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.instructor.cohort import RosterError, create_cohort

    try:
        roster = create_cohort(args.name, args.learners, args.out)
    except RosterError as exc:
        raise CommandError(f"{args.learners}: {exc}") from None
    for note in roster.duplicates:
        print(f"skipped duplicate, {note}")
    print(f"cohort {roster.cohort}: {len(roster)} learners written to {roster.path}")
    print("Each learner runs pm_toolkit.set_learner('<their id>') once to get their own data.")
    return 0


def _show(args: argparse.Namespace) -> int:
    roster = _roster(args.roster)
    print(f"cohort {roster.cohort} (created {roster.created}): {len(roster)} learners")
    width = max((len(m.learner_id) for m in roster.members), default=0)
    for m in roster.members:
        print(f"  {m.learner_id.ljust(width)}  seed {m.seed:<10}  {m.name}")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.instructor.cohort import prepare_cohort

    roster = _roster(args.roster)
    try:
        done = prepare_cohort(
            roster, args.into, scales=args.scale or ["small"], include_default=not args.no_default
        )
    except PermissionError as exc:
        raise CommandError(
            f"cannot write {exc.filename}: run this as the instructor account"
        ) from None
    print(done)
    return 0


def _answers(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.instructor.answersheet import answer_sheet, sheet_document

    roster = _roster(args.roster)
    member = roster.get(args.learner)
    if member is None:
        raise CommandError(
            f"{args.learner!r} is not in cohort {roster.cohort}; see: pm-toolkit cohort show {args.roster}"
        )
    try:
        sheet = answer_sheet(member, args.lesson, scale=args.scale)
    except KeyError as exc:
        raise CommandError(str(exc).strip("\"'")) from None
    if args.html:
        Path(args.html).write_text(sheet_document(sheet), encoding="utf-8")
        print(f"answer sheet of {member.learner_id} written to {args.html}")
    else:
        print(sheet.text)
    return 0


def _grade(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.instructor.grade import grade

    roster = _roster(args.roster)
    if not Path(args.submissions).is_dir():
        raise CommandError(f"no folder {args.submissions}; give the folder of handed-in notebooks")
    if min(args.cell_timeout, args.notebook_timeout, args.check_timeout) <= 0 or args.kernels < 1:
        raise CommandError("time limits must be > 0 seconds and --kernels at least 1")
    out = Path(args.out or f"grades-{roster.cohort}")
    book = grade(
        args.submissions,
        roster,
        out,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
        max_kernels=args.kernels,
        check_timeout=args.check_timeout,
        scale=args.scale,
        work_dir=args.keep_work,
        say=print,
    )
    solved = sum(r.status == "correct" for r in book.rows)
    print(
        f"graded {len(book.submissions) - len(book.problems())} of {len(book.submissions)} files "
        f"in {book.seconds:.0f} s: {solved} of {len(book.rows)} learner × exercise rows correct"
    )
    for p in book.problems():
        print(f"  problem: {p.file}: {p.status}: {p.message}")
    print(f"wrote {out / 'gradebook.csv'}, {out / 'submissions.csv'} and {out / 'summary.html'}")
    return 0
