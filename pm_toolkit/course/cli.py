"""``pm-toolkit course``: maintainer commands for the exercise definitions.

>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
>>> register(sub)
>>> p.parse_args(["course", "catalog", "--check"]).check
True
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "course",
        help="maintain the course's exercise definitions (refresh the exercise catalog)",
        description="Commands for whoever edits pm_toolkit/course/<lesson>.py.",
    )
    sub = p.add_subparsers(dest="course_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda a: (p.print_help(), 0)[1])

    c = sub.add_parser(
        "catalog",
        help="refresh pm_toolkit/course/catalog.json after editing exercises",
        description=(
            "Import every lesson module and write pm_toolkit/course/catalog.json: each lesson's "
            "exercise ids and titles, and a fingerprint of the lesson sources. progress() reads "
            "it instead of importing the lessons (and their scikit-learn, SciPy, ...) while the "
            "fingerprint matches. Commit the file with your exercise changes."
        ),
    )
    c.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file is out of date"
    )
    c.set_defaults(func=_catalog)


def _catalog(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.course.catalog import refresh

    try:
        fresh, message = refresh(check=args.check)
    except OSError as exc:
        raise CommandError(f"could not write the catalog: {exc.strerror or exc}") from None
    print(message)
    return 1 if args.check and not fresh else 0
