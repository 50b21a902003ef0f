"""The hub set-up files in deploy/, checked as far as a machine without Kubernetes can.

The one-server configuration is also started for real by tests/hub; here it is loaded the way
JupyterHub loads it, and every setting must name a real option. The Zero to JupyterHub values
must use only keys the chart documents, and the image recipe must install the course from
pyproject.toml, like `make lab`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pm_toolkit.config import KERNEL_MEMORY_ENV

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


@pytest.fixture()
def hub_config(tmp_path, monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("PM_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PM_HUB_ROOT", "/srv/course")
    monkeypatch.setenv("PM_HUB_USER_ENV", "/opt/course/venv")
    monkeypatch.setenv("PM_HUB_INSTRUCTORS", "Teacher, asha")
    monkeypatch.setenv("PM_HUB_SERVICE_TOKEN", "t0ken")
    return PyFileConfigLoader("jupyterhub_config.py", str(DEPLOY)).load_config()


def test_the_hub_config_loads_and_sets_what_a_workshop_needs(hub_config):
    c = hub_config
    assert c.Spawner.cmd == ["/opt/course/venv/bin/jupyterhub-singleuser"]
    assert c.JupyterHub.spawner_class == "localprocess" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Authenticator.admin_users == {"teacher", "asha"}
    assert c.JupyterHub.authenticator_class == "pam"
    spawner = SimpleNamespace(user=SimpleNamespace(name="ravi"))
    env = {k: (v(spawner) if callable(v) else v) for k, v in c.Spawner.environment.items()}
    assert env["PM_TOOLKIT_LEARNER"] == "ravi"
    assert env["PM_TOOLKIT_PROGRESS_DIR"] == "/srv/course/learners/ravi/progress"
    assert env["PM_TOOLKIT_SHARED_DATA"] == "/srv/course/data"
    assert env["GIT_CONFIG_GLOBAL"] == "/srv/course/gitconfig"
    assert KERNEL_MEMORY_ENV.items() <= env.items()  # the same allocator settings as make lab
    assert callable(c.Spawner.pre_spawn_hook)
    assert [s["name"] for s in c.JupyterHub.services][:1] == ["pm-toolkit-admin"]


def test_every_hub_setting_is_a_real_jupyterhub_option(hub_config):
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import LocalProcessSpawner, Spawner

    classes = {
        "JupyterHub": JupyterHub,
        "Spawner": Spawner,
        "LocalProcessSpawner": LocalProcessSpawner,
        "Authenticator": Authenticator,
        "ConfigurableHTTPProxy": ConfigurableHTTPProxy,
    }
    for section, values in hub_config.items():
        cls = classes[section]
        unknown = [k for k in values if not cls.class_traits(config=True).get(k)]
        assert unknown == [], f"{section} has no option(s) {unknown}"


def _paths(node, prefix=""):
    """Every key path of a YAML mapping (lists are not entered: their items are the chart's)."""
    for key, value in node.items():
        path = f"{prefix}{key}"
        yield path
        if isinstance(value, dict):
            yield from _paths(value, f"{path}.")


def _documented(path: str, keys: set[str]) -> bool:
    if path in keys:
        return True
    parts = path.split(".")
    return any(".".join(parts[:i]) + ".*" in keys for i in range(1, len(parts)))


def test_z2jh_values_use_only_keys_the_chart_documents():
    keys = {
        ln.strip()
        for ln in (DEPLOY / "z2jh" / "chart-keys.txt").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    }
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    unknown = [p for p in _paths(values) if not _documented(p, keys)]
    assert unknown == []
    # and a misspelt key would be caught
    assert not _documented("singleuser.memmory.limit", keys)
    assert _documented("singleuser.extraEnv.ANY_NAME", keys)
    assert KERNEL_MEMORY_ENV.items() <= values["singleuser"]["extraEnv"].items()
    snippet = values["hub"]["extraConfig"]["pm-course-profiles"]
    compile(snippet, "pm-course-profiles", "exec")
    assert [p["slug"] for p in values["singleuser"]["profileList"]] == ["learner", "instructor"]


def test_the_image_installs_the_course_from_pyproject_like_make_lab():
    recipe = (DEPLOY / "z2jh" / "Dockerfile").read_text(encoding="utf-8")
    installs = [i.strip() for i in re.findall(r"pip install[^\n\\]*", recipe)]
    assert installs == ['pip install --no-cache-dir "/opt/pm-course/src[hub]"']
    assert "COPY pyproject.toml" in recipe and "COPY pm_toolkit" in recipe
    script = (DEPLOY / "install-course.sh").read_text(encoding="utf-8")
    assert '"$COURSE[hub]"' in script and "/usr/bin/python3" in script
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    hub_extra = {re.split(r"[<>=!~ \[]", d)[0] for d in project["optional-dependencies"]["hub"]}
    assert hub_extra == {"jupyterhub", "nbgitpuller"}
    assert "pm-toolkit[hub]" in project["optional-dependencies"]["dev"]


def test_the_proxy_is_pinned_by_the_lock_file():
    pkg = json.loads((DEPLOY / "package.json").read_text())
    lock = json.loads((DEPLOY / "package-lock.json").read_text())
    assert pkg["dependencies"]["configurable-http-proxy"].startswith("^5")
    assert lock["packages"][""]["dependencies"] == pkg["dependencies"]
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"].startswith("5.")


@pytest.mark.parametrize(
    ("shell", "script"), [("bash", "install-course.sh"), ("sh", "z2jh/pm-course-start")]
)
def test_shell_scripts_parse(shell, script):
    subprocess.run([shell, "-n", str(DEPLOY / script)], check=True)


def test_hub_folders_refuse_odd_names_and_unknown_accounts(tmp_path):
    from pm_toolkit.instructor.hubspace import layout, make_readable, setup_root

    where = layout(tmp_path)
    for bad in ("", "../ravi", "a/b", ".."):
        with pytest.raises(ValueError):
            where.learner(bad)
    with pytest.raises(ValueError, match="no system user"):
        setup_root(tmp_path, "no-such-user-pmt", "no-such-group")
    f = tmp_path / "d" / "x.txt"
    f.parent.mkdir()
    f.write_text("x")
    f.chmod(0o600)
    f.parent.chmod(0o700)
    make_readable(tmp_path / "d")
    assert (f.stat().st_mode & 0o777, f.parent.stat().st_mode & 0o777) == (0o644, 0o755)
