"""The ``pm-toolkit`` command: one entry point, a subcommand per job, ``--help`` on each.

Each area of the package registers its own subcommands through a ``register(subparsers)``
function, so this file only lists where they live. Handlers import heavy libraries lazily,
which keeps ``pm-toolkit --help`` quick.

>>> from pm_toolkit.cli import build_parser
>>> "doctor" in build_parser().format_help()
True
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from pm_toolkit import __version__

# Modules that contribute subcommands, in the order --help lists them.
COMMAND_MODULES = (
    "pm_toolkit.doctor",  # doctor
    "pm_toolkit.lab",  # lab
    "pm_toolkit.data.cli",  # data generate | describe | prepare
    "pm_toolkit.exercises.cli",  # progress, build
    "pm_toolkit.course.cli",  # course catalog
    "pm_toolkit.instructor.cli",  # cohort, grade
)


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pm-toolkit",
        description="Tools for the data-science course for product managers.",
    )
    parser.add_argument("--version", action="version", version=f"pm-toolkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            # Only tolerate the command module itself being absent, never a broken import inside it.
            if exc.name is not None and name.startswith(exc.name):
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    # Some commands (``lab``) hand unknown options on to another program, e.g. ``--no-browser``.
    args, extra = parser.parse_known_args(argv)
    if extra:
        if not getattr(args, "passthrough", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.passthrough_args = [a for a in extra if a != "--"]
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"pm-toolkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
