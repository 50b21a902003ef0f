"""``pm-toolkit build --instructor DIR [--roster FILE]``: the engine's build, plus the pack.

The exercise engine's ``build`` command loads this module as an extension
(``pm_toolkit.exercises.cli.BUILD_EXTENSIONS``): ``add_arguments`` adds the options and
``run`` is called after the editions are built.

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_arguments(p)
>>> p.parse_args(["--instructor", "kit"]).instructor
'kit'
"""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--instructor``, ``--roster``, ``--answers-scale`` and ``--lessons`` to
    ``pm-toolkit build``."""
    parser.add_argument(
        "--instructor",
        metavar="DIR",
        help="also write the instructor pack (editions, guide, answer sheets) into DIR",
    )
    parser.add_argument(
        "--roster",
        metavar="FILE",
        help="with --instructor: the cohort roster, for one answer sheet per learner",
    )
    parser.add_argument(
        "--answers-scale",
        default="small",
        choices=("tiny", "small", "large"),
        metavar="SCALE",
        help="with --instructor: the data scale the answer sheets use (default: small)",
    )
    parser.add_argument(
        "--lessons",
        metavar="KEYS",
        help="with --instructor: answer sheets only for these lessons, comma-separated "
        "(e.g. start_here,metrics; default: every lesson), for a workshop that covers a few",
    )


def run(args: argparse.Namespace, results: Any = None) -> int:
    """Build the pack when ``--instructor`` was given; 0 on success."""
    from pm_toolkit.cli import CommandError

    if not getattr(args, "instructor", None):
        if getattr(args, "roster", None):
            raise CommandError("--roster only makes sense with --instructor DIR")
        return 0
    from pm_toolkit.course import lesson_keys
    from pm_toolkit.instructor.cohort import RosterError
    from pm_toolkit.instructor.pack import build_pack

    lessons = None
    if getattr(args, "lessons", None):
        lessons = [k.strip() for k in args.lessons.split(",") if k.strip()]
        unknown = [k for k in lessons if k not in lesson_keys()]
        if unknown or not lessons:
            raise CommandError(
                f"--lessons: no lesson {', '.join(unknown) or repr(args.lessons)}; "
                f"the lessons are {', '.join(lesson_keys())}"
            )
    try:
        pack = build_pack(
            args.instructor,
            args.roster,
            root=args.root,
            scale=args.answers_scale,
            lessons=lessons,
            say=print,
        )
    except RosterError as exc:
        raise CommandError(str(exc)) from None
    print(f"instructor pack written to {pack.out_dir}")
    print(f"  {len(pack.learner_files)} learner files, {len(pack.solution_files)} solution files")
    if pack.answer_sheets:
        print(f"  answer sheets: {pack.answer_sheets}")
    for note in pack.notes:
        print(f"  note: {note}")
    return 0
