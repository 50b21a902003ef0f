"""``pm-toolkit data``: generate, describe and prepare Bazaar worlds from the command line.

>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
>>> register(sub)
>>> p.parse_args(["data", "generate", "--scale", "tiny", "--seed", "1", "--out", "x"]).scale
'tiny'
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _error(msg: str):
    from pm_toolkit.cli import CommandError

    return CommandError(msg)


def _scale(value: str) -> str:
    from pm_toolkit.data.scales import get_scale

    try:
        return get_scale(value).name
    except ValueError as exc:
        raise _error(str(exc)) from None


def _seed(value: int | None) -> int | None:
    from pm_toolkit.data.scales import check_seed

    try:
        return None if value is None else check_seed(value)
    except ValueError as exc:
        raise _error(str(exc)) from None


def register(subparsers) -> None:
    p = subparsers.add_parser("data", help="generate, describe or prepare the Bazaar datasets")
    sub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda a: (p.print_help(), 0)[1])

    g = sub.add_parser("generate", help="write every table of one world to a folder")
    g.add_argument("--scale", default="small", help="tiny | small | large | xlarge")
    g.add_argument("--seed", type=int, default=None, help="dataset seed (default: the learner's)")
    g.add_argument("--out", required=True, help="a new or empty folder to write into")
    g.add_argument("--format", default="parquet", help="parquet (default) or csv")
    g.add_argument(
        "--workers", type=int, default=None, help="processes for the clickstream (default: auto)"
    )
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    g.set_defaults(func=_generate)

    d = sub.add_parser("describe", help="list tables, rows, columns and where the files are")
    d.add_argument("--scale", default="small")
    d.add_argument("--seed", type=int, default=None)
    d.set_defaults(func=_describe)

    r = sub.add_parser("prepare", help="make sure the learner's dataset is cached (for make lab)")
    r.add_argument("--scale", default="small")
    r.set_defaults(func=_prepare)


def _generate(args: argparse.Namespace) -> int:
    from pm_toolkit.data.generate import FORMATS, generate_world

    scale, seed = _scale(args.scale), _seed(args.seed)
    if args.format not in FORMATS:
        raise _error(f"unknown format {args.format!r}; use one of: {', '.join(FORMATS)}")
    if args.workers is None:
        from pm_toolkit.data.store import auto_workers

        args.workers = auto_workers(scale)
    if args.workers < 1:
        raise _error(f"--workers must be 1 or more; got {args.workers}")
    if seed is None:
        from pm_toolkit.learner import current_seed

        seed = current_seed()
    out = Path(args.out).expanduser()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise _error(f"{out} exists and is not an empty folder; give a new folder with --out")
    parent = out.parent if out.parent != Path("") else Path(".")
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        raise _error(f"cannot write to {parent}; choose a folder you can write to with --out")
    try:
        m = generate_world(
            seed,
            scale,
            out,
            fmt=args.format,
            workers=args.workers,
            progress=not args.no_progress and sys.stderr.isatty(),
        )
    except OSError as exc:
        # permission denied, read-only or virtual file systems, full disks: all fixable by --out
        raise _error(
            f"cannot write to {out}: {exc.strerror or exc}; choose another --out"
        ) from None
    rows = sum(t["rows"] for t in m["tables"].values())
    print(f"wrote {len(m['tables'])} tables ({rows:,} rows) of {scale} seed {seed} to {out}")
    return 0


def _describe(args: argparse.Namespace) -> int:
    from pm_toolkit.data.store import ensure, manifest

    scale, seed = _scale(args.scale), _seed(args.seed)
    path = ensure(scale, seed, progress=sys.stderr.isatty())
    m = manifest(scale, seed)
    print(f"Bazaar world: scale {m['scale']}, seed {m['seed']}, generator {m['generator_version']}")
    print(f"folder: {path}")
    for name, t in m["tables"].items():
        print(f"\n{name}: {t['rows']:,} rows  ({t['path']})")
        for col, typ in t["columns"].items():
            print(f"  {col:<22} {typ}")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from pm_toolkit.data.store import ensure
    from pm_toolkit.learner import current_learner, current_seed

    scale = _scale(args.scale)
    path = ensure(scale, None, progress=True)
    print(f"data ready for learner {current_learner()!r} (seed {current_seed()}): {path}")
    return 0
