# JupyterHub configuration for running the course for a cohort on ONE server, with real system
# users (the model of The Littlest JupyterHub): each learner's server runs as their own Unix
# account from one shared, world-readable user environment. Step by step: docs/hosting.md.
#
#   sudo jupyterhub -f deploy/jupyterhub_config.py
#
# Every setting a workshop changes is an environment variable (defaults in brackets), so the
# same file serves a real workshop and the project's own test (tests/hub), which starts it on
# 127.0.0.1 with a test authenticator:
#
#   PM_HUB_ROOT         the course's shared folder, see `pm-toolkit hub setup` [/srv/pm-toolkit]
#   PM_HUB_USER_ENV     the learners' Python environment (deploy/install-course.sh) [/opt/pm-toolkit/venv]
#   PM_HUB_INSTRUCTORS  comma-separated hub admins; they must be in PM_HUB_GROUP  [instructor]
#   PM_HUB_GROUP        the instructors' Unix group, which reads learners' progress [pm-instructors]
#   PM_HUB_LEARNERS     comma-separated allowed learners; empty = any system user may log in
#   PM_HUB_AUTH         "pam" (system passwords) or "dummy" (tests only: any password) [pam]
#   PM_HUB_IP, PM_HUB_PORT  where the hub listens [0.0.0.0, 8000]; put HTTPS in front of it
#   PM_HUB_INTERNAL_PORT  the hub's own API port on 127.0.0.1 [8081]; the proxy's is PORT + 1
#   PM_HUB_STATE        the hub's database, cookie secret and proxy token [/srv/pm-toolkit-hub]
#   PM_HUB_PROXY        configurable-http-proxy [deploy/node_modules/.bin/configurable-http-proxy]
#   PM_HUB_SERVICE_TOKEN  optional: an admin API token for scripts (tests, bench_hub.py)
#   PM_HUB_MEM_LIMIT    optional: memory per learner, e.g. 1G (enforced by SystemdSpawner only)
#   PM_HUB_KERNEL_IDLE  seconds after which an unused kernel is stopped [2400]
#   PM_HUB_SPAWNER      "local" (LocalProcessSpawner) or "systemd" (jupyterhub-systemdspawner,
#                       which The Littlest JupyterHub uses and which enforces memory limits) [local]
# ruff: noqa: F821  (`c` is given by JupyterHub when it reads this file)

import os
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def setting(name, default=""):
    return os.environ.get(name, default).strip() or default


def names(text):
    return {n.strip().lower() for n in text.split(",") if n.strip()}


ROOT = Path(setting("PM_HUB_ROOT", "/srv/pm-toolkit"))
USER_ENV = Path(setting("PM_HUB_USER_ENV", "/opt/pm-toolkit/venv"))
GROUP = setting("PM_HUB_GROUP", "pm-instructors")
INSTRUCTORS = names(setting("PM_HUB_INSTRUCTORS", "instructor"))
LEARNERS = names(setting("PM_HUB_LEARNERS"))
STATE = Path(setting("PM_HUB_STATE", "/srv/pm-toolkit-hub"))
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)

# -- where the hub listens; the proxy from npm (deploy/package.json) -------------------------
c.JupyterHub.ip = setting("PM_HUB_IP", "0.0.0.0")
c.JupyterHub.port = int(setting("PM_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("PM_HUB_INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.command = [
    setting("PM_HUB_PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))
]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(setting('PM_HUB_PORT', '8000')) + 1}"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# -- who may log in --------------------------------------------------------------------------
if setting("PM_HUB_AUTH", "pam") == "dummy":
    # Tests only: any password is accepted, so it must never face a network.
    c.JupyterHub.authenticator_class = "dummy"
else:
    c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = INSTRUCTORS
if LEARNERS:
    c.Authenticator.allowed_users = LEARNERS | INSTRUCTORS
else:
    c.Authenticator.allow_all = True  # any account on this machine (PAM checks the password)

# -- each learner's server: their own account, the shared user environment ---------------------
if setting("PM_HUB_SPAWNER", "local") == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = False  # real accounts: homes and groups must stay theirs
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.unit_name_template = "pm-course-{USERNAME}"
else:
    c.JupyterHub.spawner_class = "localprocess"
if setting("PM_HUB_MEM_LIMIT"):
    c.Spawner.mem_limit = setting("PM_HUB_MEM_LIMIT")
c.Spawner.cmd = [str(USER_ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# A kernel nobody used for 40 minutes is stopped (its learner re-runs the notebook; answers and
# progress are saved): JupyterLab keeps every opened notebook's kernel, ≈ 330 MiB each.
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={int(setting('PM_HUB_KERNEL_IDLE', '2400'))}",
    "--MappingKernelManager.cull_interval=120",
]


def _learner_env(key):
    """An environment value computed per learner (JupyterHub calls it with the spawner)."""

    def value(spawner):
        user = spawner.user.name
        mine = ROOT / "learners" / user
        return {
            "PM_TOOLKIT_LEARNER": user,
            "PM_TOOLKIT_PROGRESS_DIR": str(mine / "progress"),
            "PM_TOOLKIT_EXCHANGE": str(mine),
        }[key]

    return value


c.Spawner.environment = {
    # who the learner is comes from their login, so nobody works on (or is graded on)
    # another learner's data by mistake
    "PM_TOOLKIT_LEARNER": _learner_env("PM_TOOLKIT_LEARNER"),
    # progress and hand-ins: the learner writes, the instructors' group reads, nobody else
    "PM_TOOLKIT_PROGRESS_DIR": _learner_env("PM_TOOLKIT_PROGRESS_DIR"),
    "PM_TOOLKIT_EXCHANGE": _learner_env("PM_TOOLKIT_EXCHANGE"),
    # the worlds the instructor prepared, read-only (pm-toolkit cohort prepare)
    "PM_TOOLKIT_SHARED_DATA": str(ROOT / "data"),
    # the course's commands (pm-toolkit submit, ...) first in a learner's terminal
    "PATH": f"{USER_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    # many kernels share few cores: one maths thread each avoids oversubscription
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    # what a lesson frees goes back to the machine: 25-45 MiB less per learner's kernel
    # (pm_toolkit.config.KERNEL_MEMORY_ENV says why; benchmarks/bench_memory.py measures it)
    "MALLOC_MMAP_THRESHOLD_": "131072",
    "MALLOC_TRIM_THRESHOLD_": "131072",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    # git refuses to pull from a repository another account owns unless it is named safe;
    # the hand-out belongs to the instructor. This file (pm-toolkit hub setup) says so and
    # includes the learner's own ~/.gitconfig.
    "GIT_CONFIG_GLOBAL": str(ROOT / "gitconfig"),
}


def prepare_learner(spawner):
    """Before a server starts: the learner's private folders exist, with the right modes."""
    cmd = [
        str(USER_ENV / "bin" / "pm-toolkit"),
        "hub",
        "learner-space",
        spawner.user.name,
        "--root",
        str(ROOT),
        "--group",
        GROUP,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {done.stderr.strip()}")


c.Spawner.pre_spawn_hook = prepare_learner

# -- services: an admin token for scripts, and the idle culler when it is installed ----------------
services, roles = [], []
if setting("PM_HUB_SERVICE_TOKEN"):
    # the project's hub test and benchmark drive the hub through its REST API with this token
    services.append({"name": "pm-toolkit-admin", "api_token": setting("PM_HUB_SERVICE_TOKEN")})
    roles.append(
        {
            "name": "pm-toolkit-admin",
            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"],
            "services": ["pm-toolkit-admin"],
        }
    )
try:  # stop servers nobody used for an hour: pip install jupyterhub-idle-culler (hub's env)
    import jupyterhub_idle_culler  # noqa: F401

    services.append(
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
        }
    )
    roles.append(
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    )
except ImportError:
    pass
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
