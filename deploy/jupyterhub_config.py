"""JupyterHub for one server: local system users, limits per user, idle culler, nbgrader.

Install the collection first (``sudo deploy/install.sh``), then run the hub as root from the
same environment:

    cd /opt/rapprochement
    sudo .venv-hub/bin/jupyterhub -f deploy/jupyterhub_config.py

(deploy/README.md has the systemd unit and the TLS front end.) Settings an administrator may
change are read from the environment so that this file stays as shipped:

RAPPROCHEMENT_PREFIX   where install.sh put the collection (/opt/rapprochement)
RAPPROCHEMENT_STUDENTS group of the students (rapprochement-students)
RAPPROCHEMENT_INSTRUCTORS group of the instructors (rapprochement-instructors)
RAPPROCHEMENT_STAFF    the staff's shared folders made by install.sh (/srv/nbgrader/staff)
RAPPROCHEMENT_ADMINS   comma-separated hub administrators (none)
RAPPROCHEMENT_MEM      memory per user server, kernels included (2G; docs/hub-sizing.md)
RAPPROCHEMENT_CPU      CPU cores per user server (1.0)
RAPPROCHEMENT_CULL     seconds of inactivity before a server is stopped (3600)
RAPPROCHEMENT_LTI      an LTI 1.3 settings file: log in from Canvas or Moodle (lti_config.py)
"""

from __future__ import annotations

import asyncio
import grp
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

PREFIX = Path(os.environ.get("RAPPROCHEMENT_PREFIX", "/opt/rapprochement"))
ENV = PREFIX / ".venv-hub"
STUDENTS = os.environ.get("RAPPROCHEMENT_STUDENTS", "rapprochement-students")
INSTRUCTORS = os.environ.get("RAPPROCHEMENT_INSTRUCTORS", "rapprochement-instructors")
STAFF = Path(os.environ.get("RAPPROCHEMENT_STAFF", "/srv/nbgrader/staff"))
ADMINS = {a for a in os.environ.get("RAPPROCHEMENT_ADMINS", "").split(",") if a}
MEM = os.environ.get("RAPPROCHEMENT_MEM", "2G")
CPU = float(os.environ.get("RAPPROCHEMENT_CPU", "1.0"))
CULL = int(os.environ.get("RAPPROCHEMENT_CULL", "3600"))

# --- where the hub listens and keeps its state --------------------------------------------
# Plain HTTP on localhost; a TLS front end (Caddy or nginx, deploy/README.md) faces the world.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"

# --- who may log in: local system accounts (PAM) in the course's two groups -----------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
c.Authenticator.admin_users = ADMINS
# accounts are created by the course team (docs/course-runbook.md), never by the hub
c.LocalAuthenticator.create_system_users = False

# LTI 1.3 login from the learning system instead (deploy/lti_config.py), when configured
if os.environ.get("RAPPROCHEMENT_LTI"):
    load_subconfig(str(Path(__file__).with_name("lti_config.py")))  # noqa: F821

# --- each user's server: the shared environment, memory and CPU limits ----------------------
# SystemdSpawner runs every server as a systemd unit of its user, with cgroup limits on memory
# (kernels included: a runaway kernel is killed, not the machine) and CPU, and private /tmp.
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.mem_limit = MEM
c.SystemdSpawner.cpu_limit = CPU
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}-singleuser"
c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.environment = {
    # the shared environment first, so that terminals, nbgrader and kernels all use it
    "PATH": f"{ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_PATH": str(ENV / "share" / "jupyter"),
    # JupyterLab's notification defaults: no "Jupyter news" question, no update check
    # (as make lab and start.py: rapprochement.launch.LAB_CONFIG)
    "JUPYTER_CONFIG_PATH": str(PREFIX / "src" / "rapprochement" / "jupyter_config"),
}
# Quiz answers kept in students' saved notebooks, for the class report (off by default; the start
# page says what is kept when it is on; docs/instructor-grading.md, "Quiz answers"). To turn it on:
# c.Spawner.environment["RAPPROCHEMENT_KEEP_QUIZ_ANSWERS"] = "1"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/rapprochement/notebooks/00-start-here.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90


# The course's notebooks: a git repository kept by deploy/bin/publish-notebooks (run by
# install.sh), which every user's ~/rapprochement/notebooks is a clone of.
NOTEBOOKS_REPO = PREFIX / ".notebooks.git"
NOTEBOOKS_GITCONFIG = PREFIX / ".notebooks.gitconfig"
ADOPT_COPY = """set -e
git init -q -b main
git remote add origin "$1"
git fetch -q origin main
git reset -q "$(git rev-list --max-parents=0 origin/main | tail -n 1)"
"""
"""Turns a plain copy of the notebooks (made by an older version of this file) into a clone,
without changing a file. The copy is taken to be of the first published version (the one the
install that introduced the repository published): where it differs, the user changed it and
the pull keeps it; the rest gets every later correction."""


async def _as_user(user: pwd.struct_passwd, cmd: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``cmd`` as ``user`` (the hub runs as root), with the pulls' git settings."""
    env = {
        "HOME": user.pw_dir,
        "USER": user.pw_name,
        "PATH": f"{ENV / 'bin'}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": str(NOTEBOOKS_GITCONFIG),
        "GIT_TERMINAL_PROMPT": "0",
    }
    proc = await asyncio.create_subprocess_exec(
        "runuser", "-u", user.pw_name, "--", "env", "-i",
        *[f"{k}={v}" for k, v in env.items()], *cmd,
        cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


async def pull_notebooks(spawner) -> None:  # type: ignore[no-untyped-def]
    """Before a server starts: bring its user's copy of the notebooks up to date (nbgitpuller).

    The shared install is read-only; students edit and save their own copy in
    ~/rapprochement/notebooks, a git clone of the course's notebook repository made at their
    first start. At every start, nbgitpuller merges the newest published version into it, as
    the user: an untouched notebook gets the correction, a new notebook appears, a deleted
    one comes back, and a notebook the user changed stays as they left it (publish-notebooks'
    merge driver). A failed pull is logged and the server starts with the copy as it was.
    Data and the library stay shared ($PREFIX/data, the package).
    """
    user = pwd.getpwnam(spawner.user.name)
    home = Path(user.pw_dir)
    course = home / "rapprochement"
    target = course / "notebooks"
    if not course.exists():
        course.mkdir()
        os.chown(course, user.pw_uid, user.pw_gid)
    # the notebooks' citations link to ../docs/reading-list.md: the shared docs, read-only,
    # beside the copy
    docs = course / "docs"
    if not docs.exists() and not docs.is_symlink():
        docs.symlink_to(PREFIX / "docs", target_is_directory=True)
        os.lchown(docs, user.pw_uid, user.pw_gid)
    url = NOTEBOOKS_REPO.as_uri()
    if target.is_dir() and not (target / ".git").exists():
        code, out = await _as_user(user, ["sh", "-c", ADOPT_COPY, "sh", url], target)
        if code:
            spawner.log.warning("notebooks of %s: not made a clone: %s", user.pw_name, out)
            return
    code, out = await _as_user(
        user, ["python", "-m", "nbgitpuller.pull", url, "main", str(target)], home
    )
    if code:
        spawner.log.warning(
            "notebooks of %s: pull failed, copy left as it was: %s", user.pw_name, out
        )


def is_staff(name: str) -> bool:
    """Whether account ``name`` is in the instructors' group (instructors and TAs)."""
    try:
        group = grp.getgrnam(INSTRUCTORS)
    except KeyError:
        return False
    return name in group.gr_mem or pwd.getpwnam(name).pw_gid == group.gr_gid


def staff_settings(spawner) -> None:  # type: ignore[no-untyped-def]
    """Before a server starts: the staff's servers read install.sh's staff settings first.

    $ENV/etc/jupyter-staff (written by deploy/install.sh) turns on nbgrader's formgrader
    (at /user/<name>/formgrader, in a browser tab of its own) with the grading gradebook, and
    makes the files the server, its terminals and kernels create group-writable (umask 002),
    so that instructors and TAs share the folders under $STAFF. Students' servers never get
    it: formgrader stays off for them (install.sh, step 6). Formgrader only serves a course
    inside the server's root (the home folder), so each member of the staff gets a link
    ~/staff -> $STAFF (made once, never replaced).
    """
    if not is_staff(spawner.user.name):
        return
    # first on the path (highest priority), before the settings every server gets
    paths = [str(ENV / "etc" / "jupyter-staff")]
    if spawner.environment.get("JUPYTER_CONFIG_PATH"):
        paths.append(spawner.environment["JUPYTER_CONFIG_PATH"])
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}
    user = pwd.getpwnam(spawner.user.name)
    link = Path(user.pw_dir) / "staff"
    if not link.exists() and not link.is_symlink():
        link.symlink_to(STAFF)
        os.lchown(link, user.pw_uid, user.pw_gid)


async def before_spawn(spawner) -> None:  # type: ignore[no-untyped-def]
    await pull_notebooks(spawner)
    staff_settings(spawner)


c.Spawner.pre_spawn_hook = before_spawn

# --- stop idle servers (jupyterhub-idle-culler, run by the hub as a service) ----------------
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL}"],
    }
]
# servers also stop themselves when idle, e.g. if the culler is not running
c.Spawner.args = [
    f"--ServerApp.shutdown_no_activity_timeout={CULL}",
    f"--MappingKernelManager.cull_idle_timeout={CULL}",
    "--MappingKernelManager.cull_interval=300",
    # as in make lab (rapprochement.launch.LAB_SERVER_FLAGS): no jupytext pairing on save,
    # no news feed or update check fetched from the internet
    "--ServerApp.jpserver_extensions",
    "jupyterlab_jupytext=False",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
