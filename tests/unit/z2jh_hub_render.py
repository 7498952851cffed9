"""Run the chart's hub configuration on manifests from `helm template`, then build one user's pod.

Run with the chart's hub packages (build/z2jh/venv, made by deploy/z2jh/test-tools.sh), not
with the course's environments:

    build/z2jh/venv/bin/python tests/unit/z2jh_hub_render.py MANIFESTS.yaml USERNAME POD.json

It does what the hub container does at start: the hub Secret's values and the hub ConfigMap are
written where the chart mounts them (here a temporary folder instead of /usr/local/etc/jupyterhub),
the chart's own files/hub/jupyterhub_config.py runs (with every hub.extraConfig entry), then a
KubeSpawner is made from that configuration for USERNAME, its pre_spawn_hook runs, and the pod
KubeSpawner would create is written to POD.json (the Kubernetes API's field names).
Used by tests/unit/test_deploy_z2jh.py; nothing here talks to a cluster.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import yaml
from traitlets.config import Config

CHART_HUB_FILES = Path(__file__).resolve().parents[2] / "deploy/z2jh/chart/jupyterhub/files/hub"

KUBECONFIG = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
    "users": [{"name": "none", "user": {"token": "none"}}],
    "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}],
    "current-context": "none",
}


def _hub_objects(manifests: str) -> tuple[dict, dict]:
    secret = configmap = None
    for doc in yaml.safe_load_all(manifests):
        if not doc or doc.get("metadata", {}).get("name") != "hub":
            continue
        if doc["kind"] == "Secret":
            secret = doc
        elif doc["kind"] == "ConfigMap":
            configmap = doc
    if secret is None or configmap is None:
        raise SystemExit("the manifests have no hub Secret or hub ConfigMap")
    return secret, configmap


def _write_mounts(root: Path, secret: dict, configmap: dict) -> None:
    (root / "secret").mkdir(parents=True)
    (root / "config").mkdir()
    for key, value in secret.get("data", {}).items():
        (root / "secret" / key).write_bytes(base64.b64decode(value))
    for key, value in secret.get("stringData", {}).items():
        (root / "secret" / key).write_text(value)
    for key, value in configmap.get("data", {}).items():
        (root / "config" / key).write_text(value)
        if not re.fullmatch(r"[a-z0-9-]+", value):
            continue
        # a resource name: the Services' environment variables Kubernetes gives the hub pod
        env = value.upper().replace("-", "_")
        os.environ.setdefault(f"{env}_SERVICE_HOST", "10.0.0.1")
        os.environ.setdefault(f"{env}_SERVICE_PORT", "8001")


def load_hub_config(manifests: str, root: Path) -> Config:
    secret, configmap = _hub_objects(manifests)
    _write_mounts(root / "etc", secret, configmap)
    hub = root / "hub"
    shutil.copytree(CHART_HUB_FILES, hub)
    z2jh = hub / "z2jh.py"
    z2jh.write_text(z2jh.read_text().replace("/usr/local/etc/jupyterhub/", f"{root / 'etc'}/"))
    # the hub image has pycurl (tornado's curl client); it plays no part in what is checked
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure = classmethod(lambda cls, *a, **k: None)  # type: ignore[method-assign]
    c = Config()
    path = hub / "jupyterhub_config.py"
    code = compile(path.read_text(), str(path), "exec")
    exec(code, {"get_config": lambda: c, "__file__": str(path), "__name__": "__config__"})
    return c


async def pod_for(c: Config, username: str) -> dict:
    from kubernetes_asyncio.client import ApiClient
    from kubespawner import KubeSpawner

    user = SimpleNamespace(name=username, id=7, url=f"/user/{username}/", escaped_name=username)
    spawner = KubeSpawner(_mock=True, config=c, user=user)
    spawner.api_token = "token"
    if spawner.pre_spawn_hook is not None:
        result = spawner.pre_spawn_hook(spawner)
        if asyncio.iscoroutine(result):
            await result
    pod = await spawner.get_pod_manifest()
    return ApiClient().sanitize_for_serialization(pod)


def main() -> None:
    manifests = Path(sys.argv[1]).read_text()
    username = sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        # KubeSpawner reads a cluster's address when it is made (and only then); this one is
        # never contacted
        kubeconfig = Path(tmp) / "kubeconfig"
        kubeconfig.write_text(json.dumps(KUBECONFIG))
        os.environ["KUBECONFIG"] = str(kubeconfig)
        c = load_hub_config(manifests, Path(tmp))
        pod = asyncio.run(pod_for(c, username))
    Path(sys.argv[3]).write_text(json.dumps(pod, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
