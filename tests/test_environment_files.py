"""pyproject.toml is the only list of dependencies; environment.yml must only install it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
CONDA_TOOLCHAIN = {"python", "pip"}  # conda needs these to install the package; they are not deps


def disagreements(env: dict, pyproject: dict) -> list[str]:
    """Every way environment.yml strays from pyproject.toml, as sentences."""
    found = []
    project = pyproject["project"]
    extras = set(project.get("optional-dependencies", {}))
    pip_lines: list[str] = []
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            pip_lines.extend(dep.get("pip", []))
            continue
        name = re.split(r"[<>=!~ ]", str(dep), maxsplit=1)[0]
        if name not in CONDA_TOOLCHAIN:
            found.append(f"conda lists {name!r}; add it to pyproject.toml instead")
        if name == "python":
            version = str(dep).split("=", 1)[1] if "=" in str(dep) else ""
            if version and not SpecifierSet(project["requires-python"]).contains(version + ".0"):
                found.append(
                    f"python={version} is outside requires-python {project['requires-python']}"
                )
    if not pip_lines:
        found.append("the pip section does not install the package")
    for line in pip_lines:
        match = re.fullmatch(r"-e \.(?:\[([\w,-]+)\])?", line.strip())
        if not match:
            found.append(f"pip installs {line!r}; only '-e .[extras]' is allowed")
            continue
        for extra in filter(None, (match.group(1) or "").split(",")):
            if extra not in extras:
                found.append(f"extra {extra!r} is not defined in pyproject.toml")
    if "channels" in env and env["channels"] != ["conda-forge"]:
        found.append(f"channels are {env['channels']}, expected ['conda-forge']")
    return found


def load():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return env, pyproject


def test_environment_yml_only_installs_what_pyproject_lists():
    assert disagreements(*load()) == []


def test_a_stray_conda_dependency_is_caught():
    env, pyproject = load()
    env["dependencies"].insert(0, "pandas=2.2")
    assert any("'pandas'" in d for d in disagreements(env, pyproject))


def test_an_unknown_extra_is_caught():
    env, pyproject = load()
    env["dependencies"] = ["python=3.11", "pip", {"pip": ["-e .[gpu]"]}]
    assert disagreements(env, pyproject) == ["extra 'gpu' is not defined in pyproject.toml"]


def test_a_pinned_pip_package_is_caught():
    env, pyproject = load()
    env["dependencies"] = ["python=3.11", "pip", {"pip": ["-e .[dev]", "scipy==1.11"]}]
    assert any("scipy" in d for d in disagreements(env, pyproject))


def test_the_makefile_installs_the_same_extra():
    assert "-e '.[dev]'" in (ROOT / "Makefile").read_text(encoding="utf-8")
