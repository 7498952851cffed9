"""SystemdSpawner's memory and CPU limits, where systemd runs (skipped, with why, elsewhere).

The term (test_term.py) runs with plain processes: containers and CI machines have no systemd
as PID 1. Here, where systemd is PID 1, a second hub keeps the shipped SystemdSpawner, and a
student's server must run in its own unit with the configured MemoryMax and CPUQuota (which
the kernel's cgroups then enforce; a kernel allocating past the limit is not tried here).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rapprochement_support import hubctl

pytestmark = pytest.mark.hub


def _systemd_missing() -> str | None:
    if not Path("/run/systemd/system").is_dir():
        pid1 = Path("/proc/1/comm").read_text(encoding="utf-8").strip()
        return (
            f"systemd is not running as PID 1 here (PID 1 is {pid1!r}): SystemdSpawner's limits "
            "(MemoryMax, CPUQuota) were NOT tested; the term ran with plain processes"
        )
    return None


def test_systemd_spawner_limits(hub_available, request):
    reason = _systemd_missing()
    if reason:
        pytest.skip(reason)
    course = request.getfixturevalue("course")  # only now: it installs and starts a hub
    student = course.students["good"]
    with hubctl.hub(
        course.install,
        students_group=course.groups["students"],
        instructors_group=course.groups["instructors"],
        mem="300M",
        systemd=True,
    ) as hub:
        hub.start_server(student.name)
        unit = f"jupyter-{student.name}-singleuser"
        show = subprocess.run(
            ["systemctl", "show", unit, "-p", "MemoryMax", "-p", "CPUQuotaPerSecUSec"],
            capture_output=True,
            text=True,
        ).stdout
        assert f"MemoryMax={300 * 1024 * 1024}" in show, show
        assert "CPUQuotaPerSecUSec=1s" in show, show
        status, user = hub.api("GET", f"/hub/api/users/{student.name}")
        assert (user.get("servers") or {}).get("", {}).get("ready"), user
