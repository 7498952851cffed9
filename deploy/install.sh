#!/usr/bin/env bash
# Install the collection once for every user of a JupyterHub server (run as root).
#
#   sudo deploy/install.sh                      # from a checkout; installs into /opt/rapprochement
#   sudo PREFIX=/srv/course deploy/install.sh   # somewhere else
#
# What it does (each step is idempotent; run it again after `git pull`):
#   1. copies the checkout's files to $PREFIX (skipped when the checkout *is* $PREFIX);
#   2. creates one environment, $PREFIX/.venv-hub, from requirements-hub.lock (the student
#      packages + nbgrader + JupyterHub, pinned) and installs the collection into it;
#   3. makes solutions/ (answer keys, hidden tests) readable only by root and the instructors
#      group; everything else is read-only for everyone;
#   4. creates nbgrader's exchange, $EXCHANGE, owned by root, writable by all, as nbgrader's
#      documentation asks, and writes the nbgrader settings every user shares
#      ($PREFIX/.venv-hub/etc/jupyter/nbgrader_config.py);
#   5. hides nbgrader's instructor panels (formgrader, Create Assignment, courses) from
#      students; instructors turn them on for themselves (docs/course-runbook.md).
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${PREFIX:-/opt/rapprochement}"
EXCHANGE="${EXCHANGE:-/srv/nbgrader/exchange}"
INSTRUCTORS="${INSTRUCTORS:-rapprochement-instructors}"
COURSE_ID="${COURSE_ID:-rapprochement}"
PYTHON="${PYTHON:-python3}"
ENV="$PREFIX/.venv-hub"

umask 022   # everything created here is readable by all, writable by root only
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (it sets owners and permissions)"; exit 1; }
getent group "$INSTRUCTORS" >/dev/null || groupadd --system "$INSTRUCTORS"

# 1. files
mkdir -p "$PREFIX"
if [ "$(realpath "$SRC")" != "$(realpath "$PREFIX")" ]; then
  echo "copying $SRC to $PREFIX"
  (cd "$SRC" && git ls-files -z --cached --others --exclude-standard \
     | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$PREFIX"
fi

# 2. one environment for everyone (uv when available: seconds instead of minutes)
UV="$(command -v uv || { python3 -m uv --version >/dev/null 2>&1 && echo "python3 -m uv"; } || true)"
if [ ! -x "$ENV/bin/python" ]; then
  if [ -n "$UV" ]; then
    $UV venv --quiet --seed --python "$(command -v "$PYTHON")" "$ENV"
  else
    "$PYTHON" -m venv "$ENV"
  fi
fi
# Compiled bytecode is written now, as root: users cannot write into this environment, so
# without it every server, kernel and nbgrader command would compile its imports again
# (pip does this by default; uv needs --compile-bytecode).
if [ -n "$UV" ]; then
  # UV_EXCLUDE: packages left out although a dependency asks for them (see the file)
  UV_EXCLUDE="$PREFIX/requirements-excluded.txt" \
    $UV pip install --quiet --compile-bytecode --python "$ENV/bin/python" -r "$PREFIX/requirements-hub.lock"
  $UV pip install --quiet --python "$ENV/bin/python" --no-deps -e "$PREFIX"
else
  "$ENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$PREFIX/requirements-hub.lock"
  "$ENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$PREFIX"
fi
"$ENV/bin/python" -m compileall -q "$PREFIX/src"   # the collection's own modules, likewise
"$ENV/bin/python" -c 'import rapprochement, jupyterhub, nbgrader, jupyterhub_idle_culler'
# every user must be able to run it: a Python under /root or a private home would not do
if ! runuser -u nobody -- "$ENV/bin/python" -c 'import rapprochement' 2>/dev/null; then
  echo "install.sh: other users cannot run $ENV/bin/python (it links to $(readlink -f "$ENV/bin/python"));"
  echo "use a system-wide Python, e.g. PYTHON=/usr/bin/python3 (3.11+)"; exit 1
fi

# 3. permissions: everything readable, nothing writable by users; answer keys for instructors only
# (the environment was created just now by root with umask 022: no need to walk its files)
find "$PREFIX" -path "$ENV" -prune -o -exec chown root:root {} + -exec chmod u+rwX,go+rX,go-w {} +
chgrp -R "$INSTRUCTORS" "$PREFIX/solutions"
chmod -R o-rwx "$PREFIX/solutions"
chmod -R g+rX,g-w "$PREFIX/solutions"

# 4. the exchange (nbgrader: root-owned, `chmod ugo+rw`) and the settings everyone shares
mkdir -p "$EXCHANGE"
chown root:root "$EXCHANGE"
chmod 0777 "$EXCHANGE"
mkdir -p "$ENV/etc/jupyter"
cat > "$ENV/etc/jupyter/nbgrader_config.py" <<PY
# Written by deploy/install.sh: the nbgrader settings every user of this hub shares.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "$COURSE_ID"
c.Exchange.root = "$EXCHANGE"
# formgrader and feedback pages clean student HTML in outputs (rapprochement.grading also
# sanitises the graded copies themselves: rapprochement.grading.sanitize)
c.HTMLExporter.sanitize_html = True
PY

# 5. students see the Assignments tab (fetch, validate, submit) but no instructor panels
"$ENV/bin/jupyter" labextension disable --level=sys_prefix \
  @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment @jupyter/nbgrader:course-list >/dev/null
"$ENV/bin/jupyter" server extension disable --sys-prefix \
  nbgrader.server_extensions.formgrader nbgrader.server_extensions.course_list >/dev/null 2>&1

echo "installed: $ENV (collection in $PREFIX, exchange $EXCHANGE, instructors group $INSTRUCTORS)"
