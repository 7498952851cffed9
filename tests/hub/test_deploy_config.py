"""deploy/jupyterhub_config.py: every setting names a real option of the class it configures.

The hub test runs this file with LocalProcessSpawner (no systemd on test machines), so the
SystemdSpawner part is checked here: a misspelt option would be ignored by JupyterHub with
only a warning in its log, and the limits would silently not apply.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config():
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy"))
    return loader.load_config()


def _classes():
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator, LocalAuthenticator, PAMAuthenticator
    from jupyterhub.spawner import Spawner
    from systemdspawner import SystemdSpawner

    return {
        c.__name__: c
        for c in (JupyterHub, Authenticator, LocalAuthenticator, PAMAuthenticator, Spawner)
    } | {"SystemdSpawner": SystemdSpawner}


def test_every_setting_is_a_real_option(config):
    classes = _classes()
    assert set(config) <= set(classes), f"unknown sections: {set(config) - set(classes)}"
    for section, values in config.items():
        traits = classes[section].class_traits(config=True)
        unknown = set(values) - set(traits)
        assert not unknown, f"{section} has no option(s) {unknown}"


def test_limits_culler_and_access(config):
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert config.SystemdSpawner.mem_limit and config.SystemdSpawner.cpu_limit
    culler = next(s for s in config.JupyterHub.services if s["name"] == "idle-culler")
    assert "jupyterhub_idle_culler" in culler["command"]
    role = next(r for r in config.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert "delete:servers" in role["scopes"]
    assert config.PAMAuthenticator.allowed_groups
    assert config.LocalAuthenticator.create_system_users is False
