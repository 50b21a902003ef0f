#!/usr/bin/env bash
# Install (or update) the course into a hub's shared user environment: one Python environment
# that every learner's server runs from, readable by every account, writable by root only.
#
#   sudo deploy/install-course.sh [PREFIX]        # default PREFIX: /opt/pm-toolkit/venv
#
# It is built from Debian's system Python (/usr/bin/python3, package python3-venv), not from a
# Python inside root's home (pyenv, conda in /root), which learner accounts cannot read: their
# servers would fail with "Permission denied". It installs this checkout with the `hub` extra,
# i.e. the dependencies of `make lab` from pyproject.toml plus jupyterhub (the single-user
# server) and nbgitpuller (the hand-out links). Re-run it after `git pull` to update the course.
set -euo pipefail
PREFIX="${1:-/opt/pm-toolkit/venv}"
PYTHON="${PM_HUB_PYTHON:-/usr/bin/python3}"
COURSE="$(cd "$(dirname "$0")/.." && pwd)"
umask 022

if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  echo "$PYTHON cannot create environments: apt-get install python3-venv" >&2
  exit 1
fi
if [ ! -x "$PREFIX/bin/python" ]; then
  mkdir -p "$(dirname "$PREFIX")"
  "$PYTHON" -m venv "$PREFIX"
fi
PIP=("$PREFIX/bin/python" -m pip --disable-pip-version-check --quiet)
# The dependencies (pyproject.toml), again only when pyproject.toml changed.
want="$(sha256sum "$COURSE/pyproject.toml" | cut -d' ' -f1)"
if [ "$(cat "$PREFIX/.pm-toolkit-deps" 2>/dev/null)" != "$want" ]; then
  "${PIP[@]}" install --upgrade pip
  "${PIP[@]}" install "$COURSE[hub]"
  echo "$want" > "$PREFIX/.pm-toolkit-deps"
fi
# This checkout's code, as a copy (learners never read the checkout itself).
"${PIP[@]}" install --no-deps --force-reinstall "$COURSE"
chmod -R a+rX "$PREFIX"

# A learner must be able to run it: check as an account that owns nothing here.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  runuser -u nobody -- "$PREFIX/bin/python" -c 'import pm_toolkit, jupyterhub, nbgitpuller' \
    || { echo "$PREFIX is not usable by other accounts" >&2; exit 1; }
fi
echo "course $("$PREFIX/bin/pm-toolkit" --version) installed in $PREFIX"
