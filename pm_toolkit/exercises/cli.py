"""``pm-toolkit progress`` and ``pm-toolkit build``.

>>> import argparse
>>> from pm_toolkit.exercises.cli import register
>>> sub = argparse.ArgumentParser().add_subparsers()
>>> register(sub)
>>> sorted(sub.choices)
['build', 'progress']
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

#: Other parts may add options to ``build`` (e.g. ``--instructor DIR``): a module listed here
#: provides ``add_arguments(parser)`` and ``run(args, results) -> int``; a missing one is skipped.
BUILD_EXTENSIONS: tuple[str, ...] = ("pm_toolkit.instructor.build",)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "progress",
        help="show your exercise progress (or export it for an instructor)",
        description="Per lesson: exercises done, tried and not started, hints and solutions used.",
    )
    p.add_argument("--export", metavar="FILE", help="write the progress as JSON to FILE")
    p.add_argument("--learner", metavar="ID", help="whose progress (default: the current learner)")
    p.set_defaults(func=_progress)

    b = subparsers.add_parser(
        "build",
        help="write learner and solution editions of the exercise notebooks",
        description=(
            "Read exercises/source/*.ipynb and write exercises/*.ipynb (learner edition) and "
            "exercises/solutions/*.ipynb (solution edition)."
        ),
    )
    b.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an edition is out of date"
    )
    b.add_argument(
        "--root", default=".", metavar="DIR", help="the course folder (default: current folder)"
    )
    b.set_defaults(func=_build, build_extensions=[])
    for ext in _extensions():
        ext_add = getattr(ext, "add_arguments", None)
        if callable(ext_add):
            ext_add(b)
            b.get_default("build_extensions").append(ext)


def _extensions() -> list[object]:
    from importlib import import_module

    out = []
    for name in BUILD_EXTENSIONS:
        try:
            out.append(import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue
            raise
    return out


def _progress(args: argparse.Namespace) -> int:
    import sys
    import warnings

    from pm_toolkit.cli import CommandError
    from pm_toolkit.exercises.progress_view import progress
    from pm_toolkit.exercises.store import ProgressStore

    # A damaged store is repaired with warnings: print them as plain lines, not Python's
    # "file:line: UserWarning" form, and turn anything unreadable into one sentence.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            store = ProgressStore(learner=args.learner)
            view = progress(store=store)
            exported = store.export() if args.export else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                f"could not read your progress ({exc.strerror or exc}); "
                "check the folder in PM_TOOLKIT_PROGRESS_DIR (or ~/.pm_toolkit/progress)"
            ) from None
    for w in caught:
        print(f"note: {w.message}", file=sys.stderr)
    if args.export:
        data = {"course": view.to_dict(), "store": exported}
        path = Path(args.export)
        try:
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"could not write {path}: {exc.strerror}; choose another file"
            ) from None
        print(f"Progress of {view.learner} written to {path}")
        return 0
    print(view.text)
    return 0


def _build(args: argparse.Namespace) -> int:
    from pm_toolkit.cli import CommandError
    from pm_toolkit.exercises.editions import EditionError, build

    root = Path(args.root)
    if not (root / "exercises" / "source").is_dir():
        raise CommandError(
            f"no exercises/source folder under {root.resolve()}; run from the course folder or pass --root"
        )
    try:
        results = build(root, check=args.check)
    except EditionError as exc:
        raise CommandError(str(exc)) from None
    bad = [r for r in results if r.status in ("out of date", "missing")]
    for r in results:
        if r.status != "unchanged" or args.check:
            print(f"{r.status:12} {r.target.relative_to(root)}")
    if not results:
        print("no source notebooks in exercises/source")
    code = 0
    if args.check and bad:
        print(f"{len(bad)} edition(s) out of date: run `pm-toolkit build` and commit the result.")
        code = 1
    run_ext: list[Callable[..., int]] = [e.run for e in args.build_extensions if hasattr(e, "run")]
    for run in run_ext:
        code = max(code, int(run(args, results) or 0))
    return code
