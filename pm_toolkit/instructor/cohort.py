"""Cohorts: a named list of learners, each with the dataset seed their own laptop will use.

An instructor writes one email (or id) per line, or a CSV with an ``email``/``id`` column and
an optional ``name`` column, and gets a roster. The seed comes from ``pm_toolkit.learner.seed_for``,
so a learner who runs ``pm_toolkit.set_learner("asha@example.in")`` works on exactly the data
the instructor grades against.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "learners.txt").write_text("asha@example.in\\nRavi@Example.in\\nasha@EXAMPLE.in\\n")
>>> roster = create_cohort("pm-batch-7", folder / "learners.txt", out_dir=folder)
>>> [m.learner_id for m in roster.members]
['asha@example.in', 'ravi@example.in']
>>> roster.duplicates
('line 3: asha@EXAMPLE.in is the same learner as line 1',)
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pm_toolkit import learner as learner_mod

#: Learner ids become file-name prefixes (``asha@example.in__02_web_metrics.ipynb``), so they
#: keep to characters every file system accepts.
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._+@-]*$")
_EMAIL_RE = re.compile(r"^[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ID_COLUMNS = ("learner_id", "email", "id", "learner", "e-mail", "mail")
_NAME_COLUMNS = ("name", "full_name", "full name", "learner_name")
ROSTER_CSV = "roster.csv"
ROSTER_JSON = "roster.json"


class RosterError(ValueError):
    """A learners file or roster the instructor has to fix; the message names the line."""


@dataclass(frozen=True)
class Member:
    """One learner of a cohort: display name, normalised id and dataset seed."""

    name: str
    learner_id: str
    seed: int


@dataclass(frozen=True)
class Roster:
    """A cohort: its name, when it was created, its members, and where it was saved."""

    cohort: str
    created: str
    members: tuple[Member, ...]
    duplicates: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"Roster(cohort={self.cohort!r}, learners={len(self.members)}, created={self.created!r})"

    def __len__(self) -> int:
        return len(self.members)

    def get(self, learner_id: str) -> Member | None:
        """The member with this id (any case, surrounding spaces ignored), or None."""
        try:
            wanted = learner_mod.normalise(learner_id)
        except ValueError:
            return None
        return next((m for m in self.members if m.learner_id == wanted), None)

    def ids(self) -> list[str]:
        """Every member's learner id, in roster order."""
        return [m.learner_id for m in self.members]

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(m.name)}</td><td>{html.escape(m.learner_id)}</td>"
            f"<td>{m.seed}</td></tr>"
            for m in self.members
        )
        return (
            f"<div class='pm-roster'><strong>Cohort {html.escape(self.cohort)}</strong> "
            f"({len(self.members)} learners, created {html.escape(self.created)})"
            f"<table><thead><tr><th>name</th><th>learner id</th><th>seed</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def validate_learner_id(raw: str, where: str = "") -> str:
    """Normalise an id and check it is usable; raise ``RosterError`` naming ``where`` if not.

    >>> validate_learner_id("  Asha@Example.IN ")
    'asha@example.in'
    """
    prefix = f"{where}: " if where else ""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise RosterError(f"{prefix}no learner id; write an email or id such as asha@example.in")
    lid = text.lower()
    if "@" in lid and not _EMAIL_RE.match(lid):
        raise RosterError(f"{prefix}{text!r} is not a valid email (expected name@domain.in)")
    if not _ID_RE.match(lid) or "__" in lid:
        raise RosterError(
            f"{prefix}{text!r} is not a valid learner id: use letters, digits and . _ + - @ "
            "(no spaces, no slashes, no double underscore), e.g. asha@example.in"
        )
    return learner_mod.normalise(lid)


def parse_learners(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Read a learners file: returns ``([(name, id), ...], duplicate notes)``.

    Accepts a CSV with a header naming an id column (``email``, ``id``, ``learner_id``) and
    optionally ``name``, or plain text with one id per line (``Asha Rao <asha@example.in>``
    also works). Blank lines and lines starting with ``#`` are skipped. Duplicates (ignoring
    case) keep the first and are reported; anything else unusable raises ``RosterError``.

    >>> parse_learners("email,name\\nasha@example.in,Asha Rao\\n")
    ([('Asha Rao', 'asha@example.in')], [])
    """
    lines = text.splitlines()
    numbered = [
        (i, ln) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not numbered:
        raise RosterError("the learners file has no learners (one email or id per line)")
    first_no, first = numbered[0]
    entries: list[tuple[int, str, str]] = []  # (line number, name, raw id)
    header = [h.strip().lower() for h in next(csv.reader([first]))]
    id_col = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    if id_col is not None:
        name_col = next((header.index(c) for c in _NAME_COLUMNS if c in header), None)
        for no, ln in numbered[1:]:
            row = next(csv.reader([ln]))
            raw_id = row[id_col] if id_col < len(row) else ""
            if not raw_id.strip():
                raise RosterError(
                    f"line {no}: no value in the {header[id_col]!r} column ({ln.strip()!r})"
                )
            name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
            entries.append((no, name, raw_id))
    elif "," in first or "\t" in first or ";" in first:
        raise RosterError(
            f"line {first_no}: a CSV needs a header row with an 'email' or 'id' column "
            f"(and optionally 'name'); got {first.strip()!r}"
        )
    else:
        for no, ln in numbered:
            m = re.match(r"^\s*(.*?)\s*<\s*([^<>]+?)\s*>\s*$", ln)
            name, raw_id = (m.group(1), m.group(2)) if m else ("", ln)
            entries.append((no, name, raw_id))
    seen: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    dupes: list[str] = []
    for no, name, raw_id in entries:
        lid = validate_learner_id(raw_id, f"line {no}")
        if lid in seen:
            dupes.append(f"line {no}: {raw_id.strip()} is the same learner as line {seen[lid]}")
            continue
        seen[lid] = no
        out.append((name or lid, lid))
    if not out:
        raise RosterError("the learners file has no learners (one email or id per line)")
    return out, dupes


def make_roster(
    cohort: str, learners: Iterable[tuple[str, str]], *, created: str | None = None
) -> Roster:
    """A roster from ``(name, learner id)`` pairs; seeds from ``learner.seed_for``."""
    name = validate_cohort_name(cohort)
    members = tuple(
        Member(n, validate_learner_id(lid), learner_mod.seed_for(lid)) for n, lid in learners
    )
    ids = [m.learner_id for m in members]
    if len(set(ids)) != len(ids):
        raise RosterError("a roster cannot list the same learner twice")
    stamp = created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Roster(name, stamp, members)


def validate_cohort_name(name: str) -> str:
    """A cohort name is used as a folder name: lower-case letters, digits, ``-`` and ``_``."""
    text = (name or "").strip().lower()
    if not _NAME_RE.match(text):
        raise RosterError(
            f"cohort name {name!r} must be letters, digits, '-' or '_' (e.g. pm-batch-7)"
        )
    return text


def create_cohort(
    name: str, learners_file: str | Path, out_dir: str | Path | None = None
) -> Roster:
    """Read a learners file and write ``<out_dir>/<name>/roster.csv`` and ``roster.json``.

    ``out_dir`` defaults to ``./cohorts``. Returns the saved ``Roster`` (its ``path`` is the CSV).
    """
    path = Path(learners_file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"no learners file at {path}") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not a text file (save it as UTF-8 CSV or text)") from None
    pairs, dupes = parse_learners(text)
    roster = replace(make_roster(name, pairs), duplicates=tuple(dupes))
    folder = Path(out_dir if out_dir is not None else "cohorts") / roster.cohort
    return save_roster(roster, folder)


def save_roster(roster: Roster, folder: str | Path) -> Roster:
    """Write the roster as CSV (for spreadsheets) and JSON (for tools) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["cohort", "name", "learner_id", "seed", "created"])
    for m in roster.members:
        writer.writerow([roster.cohort, m.name, m.learner_id, m.seed, roster.created])
    (folder / ROSTER_CSV).write_text(buf.getvalue(), encoding="utf-8")
    doc = {
        "cohort": roster.cohort,
        "created": roster.created,
        "learners": [
            {"name": m.name, "learner_id": m.learner_id, "seed": m.seed} for m in roster.members
        ],
    }
    (folder / ROSTER_JSON).write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return replace(roster, path=folder / ROSTER_CSV)


def _same_seed(saved: str | int, seed: int) -> bool:
    try:
        return int(saved) == seed
    except (TypeError, ValueError):  # "abc" typed into the seed column is a wrong seed too
        return False


def load_roster(path: str | Path) -> Roster:
    """Read a roster written by ``create_cohort`` (its folder, ``roster.csv`` or ``roster.json``).

    Seeds are recomputed from the ids and must match the saved ones: a roster edited by hand
    with a wrong seed would otherwise grade learners against someone else's data.
    """
    p = Path(path)
    if p.is_dir():
        p = p / ROSTER_JSON if (p / ROSTER_JSON).exists() else p / ROSTER_CSV
    if not p.exists():
        raise RosterError(
            f"no roster at {p}; create one with: pm-toolkit cohort create NAME --learners FILE"
        )
    text = p.read_text(encoding="utf-8-sig")
    rows: list[dict[str, str]]
    if p.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
            cohort, created = doc["cohort"], doc.get("created", "")
            rows = [dict(r) for r in doc["learners"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise RosterError(
                f"{p} is not a roster written by pm-toolkit cohort create ({exc})"
            ) from None
    else:
        reader = list(csv.DictReader(io.StringIO(text)))
        if not reader or "learner_id" not in reader[0]:
            raise RosterError(f"{p} is not a roster (expected a 'learner_id' column)")
        rows = reader
        cohort, created = reader[0].get("cohort", p.parent.name), reader[0].get("created", "")
    pairs = []
    for i, r in enumerate(rows, 1):
        lid = validate_learner_id(str(r.get("learner_id", "")), f"{p.name} entry {i}")
        seed, saved = learner_mod.seed_for(lid), r.get("seed")
        if saved not in (None, "") and not _same_seed(saved, seed):
            raise RosterError(
                f"{p.name} entry {i}: seed {saved} does not belong to {lid} (it should be {seed}); "
                "recreate the roster instead of editing seeds"
            )
        pairs.append((str(r.get("name") or lid), lid))
    return replace(make_roster(cohort, pairs, created=created), path=p)


@dataclass(frozen=True)
class PrepareResult:
    """What ``prepare_cohort`` did: worlds generated now, found ready, and where they are."""

    folder: Path
    generated: tuple[str, ...]
    already: tuple[str, ...]
    seconds: float

    def __str__(self) -> str:
        total = len(self.generated) + len(self.already)
        return (
            f"{total} learner world(s) ready in {self.folder}: {len(self.generated)} generated now, "
            f"{len(self.already)} already there ({self.seconds:.0f} s)"
        )


def prepare_cohort(
    roster: Roster,
    into: str | Path,
    *,
    scales: Iterable[str] = ("small",),
    include_default: bool = True,
    progress: bool = True,
) -> PrepareResult:
    """Generate every roster learner's world once into a shared folder that learners only read.

    Resumable: a world already complete there is skipped, and an interrupted one leaves nothing
    half-written (the data store writes elsewhere and renames into place), so running the same
    command again after a crash or for a grown roster does only the missing work. Each world
    is made readable by everyone and writable by its owner only (folders 0755, files 0644).

    >>> import tempfile
    >>> r = make_roster("demo", [("Asha", "asha@example.in")])
    >>> out = prepare_cohort(r, tempfile.mkdtemp(), scales=["tiny"], include_default=False, progress=False)
    >>> out.generated
    ('asha@example.in/tiny',)
    """
    import time

    from tqdm.auto import tqdm

    from pm_toolkit.data import store
    from pm_toolkit.instructor.hubspace import make_readable

    started = time.monotonic()
    base = Path(into)
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)
    people = [(m.learner_id, m.seed) for m in roster.members]
    if include_default:
        people.append(
            (learner_mod.DEFAULT_LEARNER, learner_mod.seed_for(learner_mod.DEFAULT_LEARNER))
        )
    jobs = [(lid, seed, sc) for lid, seed in people for sc in scales]
    generated: list[str] = []
    already: list[str] = []
    bar = tqdm(jobs, desc="Preparing learners' data", unit="world", disable=not progress)
    for lid, seed, sc in bar:
        bar.set_postfix_str(lid, refresh=False)
        label = f"{lid}/{sc}"
        path = store._world(base, store.get_scale(sc).name, seed)
        if store._complete(path):
            already.append(label)
            continue
        store.ensure(sc, seed, progress=False, base=base)
        make_readable(path)
        generated.append(label)
    bar.close()
    for sc in {store.get_scale(s).name for s in scales}:
        if (base / sc).is_dir():
            os.chmod(base / sc, 0o755)
    return PrepareResult(base, tuple(generated), tuple(already), time.monotonic() - started)
