"""The folders a course hub shares, and the file permissions that keep learners apart.

One machine, real system users (The Littlest JupyterHub's model). Everything the course shares
lives under one root, ``/srv/pm-toolkit`` by default::

    <root>/                 root:root          0755  anyone may enter
      data/                 instructor         0755  prepared worlds; files 0644: read, never write
      course.git/           instructor         0755  the learners' hand-out (nbgitpuller pulls it)
      learners/             root:<group>       0751  instructors list it; a learner only enters own
        <user>/             <user>:<group>    2770  the learner writes, instructors read; no one else
          progress/                                   the learner's progress store
          handed-in/                                  notebooks handed in with ``pm-toolkit submit``
      instructor/           instructor         0700  rosters, solution editions, answer sheets, grades
      gitconfig             root               0644  marks course.git safe for git (GIT_CONFIG_GLOBAL)

and each learner's home is ``0700``. Why that is enough: a learner can list and read only what
the "other" permission bits allow. ``learners/`` gives others ``--x``, so ``learners/ravi`` can
be entered by name but not listed, and ``learners/ravi`` itself gives others nothing, so Asha
cannot read Ravi's progress or hand-ins. The set-group-id bit makes every file a learner creates
there belong to ``<group>``, so instructors (members of it) read them with the ordinary group
bits. ``data/`` and ``course.git/`` belong to the instructor with no write bit for others, so a
learner reads the shared worlds and pulls the course but cannot change or delete either.
``instructor/`` and the learners' homes give others nothing at all.

These functions run as root (the hub's pre-spawn hook and ``pm-toolkit hub setup``).

>>> layout(Path("/srv/pm-toolkit")).learners
PosixPath('/srv/pm-toolkit/learners')
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("/srv/pm-toolkit")
DEFAULT_GROUP = "pm-instructors"
LEARNER_DIR_MODE = 0o2770
HANDED_IN = "handed-in"
PROGRESS = "progress"


@dataclass(frozen=True)
class Layout:
    """Where each shared folder of a hub root is."""

    root: Path
    data: Path
    course: Path
    learners: Path
    instructor: Path
    gitconfig: Path

    def learner(self, username: str) -> Path:
        """A learner's folder (progress store and hand-ins) under ``learners/``."""
        if not username or "/" in username or username in (".", ".."):
            raise ValueError(f"not a user name: {username!r}")
        return self.learners / username


def layout(root: str | os.PathLike[str] = DEFAULT_ROOT) -> Layout:
    """The folders under a hub root (nothing is created)."""
    r = Path(root)
    return Layout(
        r, r / "data", r / "course.git", r / "learners", r / "instructor", r / "gitconfig"
    )


def _ids(user: str, group: str) -> tuple[int, int]:
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        raise ValueError(f"there is no system user {user!r} on this machine") from None
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise ValueError(
            f"there is no group {group!r}; create it with: groupadd {group}, "
            f"and add the instructors: usermod -aG {group} <instructor>"
        ) from None
    return uid, gid


def _put(path: Path, uid: int, gid: int, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)  # after chown: chown clears the set-group-id bit


def setup_root(root: str | os.PathLike[str], instructor: str, group: str = DEFAULT_GROUP) -> Layout:
    """Create (or repair) the shared folders with the owners and modes in the module docstring.

    Run as root once per hub; running it again resets the permissions and keeps the contents.
    """
    where = layout(root)
    uid, gid = _ids(instructor, group)
    _put(where.root, 0, 0, 0o755)
    _put(where.data, uid, gid, 0o755)
    _put(where.learners, 0, gid, 0o751)
    write_gitconfig(where)
    _put(where.instructor, uid, gid, 0o700)
    if any(where.course.iterdir()) if where.course.is_dir() else False:
        make_readable(where.course, uid, gid)
    else:
        _put(where.course, uid, gid, 0o755)  # `pm-toolkit hub handout` fills it
    return where


def write_gitconfig(where: Layout) -> Path:
    """A git config for learners' servers naming the hand-out repository safe.

    Git refuses to read a repository that another account owns ("dubious ownership"), and the
    hand-out belongs to the instructor. The hub points ``GIT_CONFIG_GLOBAL`` here; the file
    includes the learner's own ``~/.gitconfig``, so nothing of theirs is lost.
    """
    text = f"[safe]\n\tdirectory = {where.course}\n[include]\n\tpath = ~/.gitconfig\n"
    where.gitconfig.write_text(text, encoding="utf-8")
    os.chmod(where.gitconfig, 0o644)
    return where.gitconfig


def learner_space(root: str | os.PathLike[str], username: str, group: str = DEFAULT_GROUP) -> Path:
    """Make ``learners/<username>`` (the learner's, readable by ``group``) and close their home.

    The hub runs this before each server starts, so a new learner gets it on first login and a
    folder whose modes were changed by hand is repaired.
    """
    where = layout(root)
    uid, gid = _ids(username, group)
    folder = where.learner(username)
    _put(folder, uid, gid, LEARNER_DIR_MODE)
    for sub in (PROGRESS, HANDED_IN):
        _put(folder / sub, uid, gid, LEARNER_DIR_MODE)
    home = Path(pwd.getpwnam(username).pw_dir)
    if home.is_dir():
        os.chmod(home, 0o700)  # Debian's useradd leaves homes world-readable (HOME_MODE unset)
    return folder


def make_readable(
    path: str | os.PathLike[str], uid: int | None = None, gid: int | None = None
) -> None:
    """Give everyone read access, and nobody but the owner write access, under ``path``.

    Folders become 0755 and files 0644 (executables 0755); with ``uid``/``gid`` the owner is
    set too (when run as root).
    """
    for top, dirs, files in os.walk(path):
        for name in [top, *(os.path.join(top, d) for d in dirs)]:
            if uid is not None:
                os.chown(name, uid, -1 if gid is None else gid)
            os.chmod(name, 0o755)
        for f in files:
            name = os.path.join(top, f)
            if uid is not None:
                os.chown(name, uid, -1 if gid is None else gid)
            executable = os.stat(name).st_mode & stat.S_IXUSR
            os.chmod(name, 0o755 if executable else 0o644)
