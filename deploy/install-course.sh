#!/usr/bin/env bash
# Install (or update) the course into a hub's shared user environment: one Python environment
# that every learner's server runs from, readable by every account, writable by root only.
#
#   sudo deploy/install-course.sh [PREFIX]        # default PREFIX: /opt/pm-toolkit/venv
#
# `--seed-from VENV` (used by `make hub` for the project's own test) first fills a new
# environment with the packages of an existing one, e.g. `make lab`'s .venv, as hard links,
# so that pip finds them installed and the test does not fetch ~150 packages again; the
# result holds exactly the versions `make lab` installed.
#
# It is built from Debian's system Python (/usr/bin/python3, package python3-venv), not from a
# Python inside root's home (pyenv, conda in /root), which learner accounts cannot read: their
# servers would fail with "Permission denied". It installs this checkout with the `hub` extra,
# i.e. the dependencies of `make lab` from pyproject.toml plus jupyterhub (the single-user
# server) and nbgitpuller (the hand-out links). Re-run it after `git pull` to update the course.
set -euo pipefail
SEED=""
if [ "${1:-}" = "--seed-from" ]; then SEED="$2"; shift 2; fi
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
SITE="$("$PREFIX/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
if [ -n "$SEED" ] && [ ! -e "$PREFIX/.pm-toolkit-deps" ]; then
  FROM="$("$SEED/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
  [ "$(basename "$(dirname "$FROM")")" = "$(basename "$(dirname "$SITE")")" ] \
    || { echo "$SEED has another Python version than $PYTHON" >&2; exit 1; }
  # every package but the course itself (installed as an editable link there) and pip
  # (what the new environment already has, e.g. its own setuptools, is kept)
  for item in "$FROM"/*; do
    name="$(basename "$item")"
    [ -e "$SITE/$name" ] && continue
    case "$name" in
      pm_toolkit*|__editable__*|_pm_toolkit*|pip|pip-*|setuptools*|_distutils_hack) ;;
      *) cp -al "$item" "$SITE/" ;;
    esac
  done
  for data in share etc; do
    [ -d "$SEED/$data" ] && cp -al "$SEED/$data" "$PREFIX/"
  done
  # console scripts are not part of site-packages: reinstall the packages whose scripts run
  scripts="$("$PREFIX/bin/python" -m pip freeze 2>/dev/null | grep -iE '^(jupyterhub|nbgitpuller|jupyter[-_]core)==')"
  # shellcheck disable=SC2086
  "${PIP[@]}" install --no-deps --force-reinstall $scripts
fi
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
