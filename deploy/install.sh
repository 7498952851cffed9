#!/usr/bin/env bash
# Install the collection once for every user of a JupyterHub server (run as root).
#
#   sudo deploy/install.sh                      # from a checkout; installs into /opt/rapprochement
#   sudo PREFIX=/srv/course deploy/install.sh   # somewhere else
#
# Every step is idempotent: run it again after `git pull`, and after any failure or interruption
# (an error, Ctrl-C, a lost ssh session); it finishes what the earlier run left undone.
#   0. creates the course's groups, $STUDENTS, $INSTRUCTORS (the staff: instructors and TAs)
#      and $AUTHORS (the instructors who change and release problem sets; TAs are not in it);
#   1. copies the checkout's files to $PREFIX (skipped when the checkout *is* $PREFIX);
#   2. creates one environment, $PREFIX/.venv-hub, from requirements-hub.lock (the student
#      packages + nbgrader + JupyterHub, pinned) and installs the collection into it; an
#      environment an earlier run left half-made (no completion mark) is removed and rebuilt;
#   3. makes solutions/ (answer keys, hidden tests) readable only by root and the instructors
#      group; everything else is read-only for everyone;
#   4. creates nbgrader's exchange, $EXCHANGE: root-owned, mode 1777 (world-writable with the
#      sticky bit, so that no account can rename or replace what another one made there), and
#      in it the course folder, owned by root and the instructors group, with the modes nbgrader
#      gives a group-shared course; writes the nbgrader settings every user shares
#      ($PREFIX/.venv-hub/etc/jupyter/nbgrader_config.py);
#   5. creates the staff's shared folders, $STAFF/course (nbgrader: releases, collected
#      submissions, deadlines) and $STAFF/grading (the grading command's output and gradebook):
#      group $INSTRUCTORS, setgid, no access for others; and the course's deadlines file,
#      $STAFF/course/deadlines.toml (zone $COURSE_TIMEZONE), which everything reads;
#   6. hides nbgrader's instructor panels (formgrader, Create Assignment, courses) from
#      students, and writes the staff's server settings ($PREFIX/.venv-hub/etc/jupyter-staff:
#      formgrader, group-writable files) that jupyterhub_config.py gives to $INSTRUCTORS only;
#   7. publishes the notebooks (deploy/bin/publish-notebooks): each user's copy is a clone of
#      $PREFIX/.notebooks.git, updated by nbgitpuller at their next server start.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${PREFIX:-/opt/rapprochement}"
EXCHANGE="${EXCHANGE:-/srv/nbgrader/exchange}"
STAFF="${STAFF:-/srv/nbgrader/staff}"
STUDENTS="${STUDENTS:-rapprochement-students}"
INSTRUCTORS="${INSTRUCTORS:-rapprochement-instructors}"
AUTHORS="${AUTHORS:-rapprochement-authors}"
COURSE_ID="${COURSE_ID:-rapprochement}"
# the zone nbgrader records and shows submission times in (step 4; UTC unless the zone's
# abbreviations are read back right by nbgrader: see there)
TIMEZONE="${TIMEZONE:-UTC}"
# the course's zone: due dates without a zone are read in it, formgrader and the grades show
# times in it (the first `timezone` of the staff's deadlines file, step 5; any IANA name: these
# times are stored in UTC or with numeric offsets, never read back from an abbreviation)
COURSE_TIMEZONE="${COURSE_TIMEZONE:-$TIMEZONE}"
PYTHON="${PYTHON:-python3}"
ENV="$PREFIX/.venv-hub"
DONE="$ENV/.install-complete"   # written at the end of step 2; absent = a half-made environment

umask 022   # everything created here is readable by all, writable by root only
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (it sets owners and permissions)"; exit 1; }

# 0. the groups (the runbook's account commands put people into them)
for g in "$STUDENTS" "$INSTRUCTORS" "$AUTHORS"; do
  getent group "$g" >/dev/null || { groupadd --system "$g" && echo "created group $g"; }
done

# 1. files
mkdir -p "$PREFIX"
if [ "$(realpath "$SRC")" != "$(realpath "$PREFIX")" ]; then
  echo "copying $SRC to $PREFIX"
  (cd "$SRC" && git ls-files -z --cached --others --exclude-standard \
     | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$PREFIX"
fi

# 2. one environment for everyone (uv when available: seconds instead of minutes)
UV="$(command -v uv || { python3 -m uv --version >/dev/null 2>&1 && echo "python3 -m uv"; } || true)"
if [ -e "$ENV" ] && [ ! -f "$DONE" ] \
   && "$ENV/bin/python" -c 'import rapprochement, jupyterhub, nbgrader' >/dev/null 2>&1; then
  # made by an install.sh from before the marker existed, and whole: keep it (the hub may be
  # running on it), only mark it
  touch "$DONE"
fi
if [ -e "$ENV" ] && [ ! -f "$DONE" ]; then
  echo "install.sh: $ENV is half-made (an earlier run stopped before finishing it); rebuilding it"
  rm -rf "$ENV"
fi
if [ ! -x "$ENV/bin/python" ]; then
  if [ -n "$UV" ]; then
    $UV venv --quiet --seed --python "$(command -v "$PYTHON")" "$ENV"
  else
    "$PYTHON" -m venv "$ENV"
  fi
fi
# every user must be able to run it: a Python under /root or a private home would not do
if ! runuser -u nobody -- "$ENV/bin/python" -c 'pass' 2>/dev/null; then
  echo "install.sh: other users cannot run $ENV/bin/python (it links to $(readlink -f "$ENV/bin/python"));"
  echo "use a system-wide Python, e.g. PYTHON=/usr/bin/python3 (3.11+), and run install.sh again"
  rm -rf "$ENV"   # the next run starts from a clean environment
  exit 1
fi
rm -f "$DONE"   # until the end of this step, an interruption leaves a half-made environment
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
touch "$DONE"

# 3. permissions: everything readable, nothing writable by users; answer keys for instructors only
# (the environment was created just now by root with umask 022: no need to walk its files)
find "$PREFIX" -path "$ENV" -prune -o -exec chown root:root {} + -exec chmod u+rwX,go+rX,go-w {} +
chgrp -R "$INSTRUCTORS" "$PREFIX/solutions"
chmod -R o-rwx "$PREFIX/solutions"
chmod -R g+rX,g-w "$PREFIX/solutions"
runuser -u nobody -- "$ENV/bin/python" -c 'import rapprochement' \
  || { echo "install.sh: other users cannot import the collection from $ENV"; exit 1; }

# 4. the exchange. nbgrader asks for a world-writable root; with the sticky bit (1777, as
# /tmp) a student still creates entries there but cannot rename or delete the course folder.
# The course folder is made here, owned by root and the instructors group, before any student
# could make one of that name, with the modes nbgrader gives a group-shared course
# (CourseDirectory.groupshared, set for the staff in step 5): outbound 2775 (students read
# the releases), inbound 2773 (students hand in but cannot list it; the staff read it),
# feedback 2771 (a student opens only the file whose name their own submission gives).
# Releasing is for $AUTHORS only: outbound belongs to that group, so that a TA (in
# $INSTRUCTORS only) reads the releases but cannot change or replace them; the course folder
# has the sticky bit as well (3775), so that no member of the staff renames outbound, inbound
# or feedback away and puts a folder of their own in its place.
COURSE_X="$EXCHANGE/$COURSE_ID"
mkdir -p "$COURSE_X/outbound" "$COURSE_X/inbound" "$COURSE_X/feedback"
chown root:root "$EXCHANGE"
chmod 1777 "$EXCHANGE"
chown root:"$INSTRUCTORS" "$COURSE_X" "$COURSE_X/inbound" "$COURSE_X/feedback"
chown root:"$AUTHORS" "$COURSE_X/outbound"
chgrp -R "$AUTHORS" "$COURSE_X/outbound"   # releases made before this group existed, too
chmod 3775 "$COURSE_X"
chmod 2775 "$COURSE_X/outbound"
chmod 2773 "$COURSE_X/inbound"
chmod 2771 "$COURSE_X/feedback"
# nbgrader writes a submission's time with the zone's abbreviation ("CET", "CEST") and reads
# it back with dateutil, which knows some abbreviations and reads the others (CEST, BST, EDT,
# MSK, CST, ...) as UTC without a warning: a submission would be hours early or late. A zone is
# accepted only if a winter and a summer time come back unchanged.
"$ENV/bin/python" - "$TIMEZONE" <<'PY' || exit 1
import sys
from datetime import datetime

from dateutil.tz import gettz
from nbgrader.utils import parse_utc

name = sys.argv[1]
zone = gettz(name)
if zone is None:
    sys.exit(f"install.sh: TIMEZONE={name} is not a time zone name")
for month in (1, 7):
    local = datetime(2026, month, 15, 12, 0, tzinfo=zone)
    shown = local.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    back = parse_utc(shown)
    if back != local.astimezone(gettz("UTC")).replace(tzinfo=None):
        sys.exit(
            f"install.sh: nbgrader reads the time {shown!r} back as {back} UTC (wrong): it does not"
            f" know the abbreviation of TIMEZONE={name}; use TIMEZONE=UTC (the default)"
        )
PY
mkdir -p "$ENV/etc/jupyter"
cat > "$ENV/etc/jupyter/nbgrader_config.py" <<EOF
# Written by deploy/install.sh: the nbgrader settings every user of this hub shares.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "$COURSE_ID"
c.Exchange.root = "$EXCHANGE"
# submission times: recorded and listed in the Assignments tab in this zone, with its
# abbreviation (install.sh accepts only a zone whose abbreviations nbgrader reads back right)
c.Exchange.timezone = "$TIMEZONE"
# formgrader and feedback pages clean student HTML in outputs (rapprochement.grading also
# sanitises the graded copies themselves: rapprochement.grading.sanitize)
c.HTMLExporter.sanitize_html = True
EOF

# 5. the staff's shared folders: setgid (what is made inside belongs to the instructors group)
# and no access for others. The staff's servers and nbgrader commands in the course folder run
# with umask 002, so that what one member of the staff makes, the others can change.
# The folders with the problem sets' source (release/, source/ of the course folder) belong to
# $AUTHORS: TAs read them but cannot change them. The shared folders above them have the
# sticky bit (3770), so that nobody renames away a folder someone else made (a TA cannot put
# a release/ of their own in place of the instructors'); below them, the staff share freely.
mkdir -p "$STAFF/course/release" "$STAFF/course/source" "$STAFF/grading/course"
chown root:root "$STAFF"
chmod 0755 "$STAFF"
chown root:"$INSTRUCTORS" "$STAFF/course" "$STAFF/grading" "$STAFF/grading/course"
chmod 3770 "$STAFF/course" "$STAFF/grading" "$STAFF/grading/course"
chown root:"$AUTHORS" "$STAFF/course/release" "$STAFF/course/source"
chgrp -R "$AUTHORS" "$STAFF/course/release" "$STAFF/course/source"   # and what is in them
chmod 2775 "$STAFF/course/release" "$STAFF/course/source"
# The two gradebooks (nbgrader's deadlines; the grading command's scores, which formgrader
# edits): SQLite makes a new database file 0644 whatever the umask, so that only its creator
# could write it. An empty file is a valid empty database: made here group-writable, it
# stays so. A gradebook made earlier (by an older install) is made group-writable.
for db in "$STAFF/course/gradebook.db" "$STAFF/grading/course/gradebook.db"; do
  if [ -e "$db" ]; then
    chmod g+rw "$db"
  else
    install -m 0664 -o root -g "$INSTRUCTORS" /dev/null "$db"
  fi
done
# The course's deadlines: one file, $STAFF/course/deadlines.toml, which deploy/bin/set-deadline
# writes (and copies into this course's gradebook for `nbgrader collect --before-duedate`),
# and the grading command, its feedback and formgrader read, through the environment's link
# etc/rapprochement/deadlines.toml (rapprochement.grading.late.deadlines_path). Made once from
# the shipped file with timezone = $COURSE_TIMEZONE; later runs keep the staff's file.
"$ENV/bin/python" -c 'import sys, zoneinfo; zoneinfo.ZoneInfo(sys.argv[1])' "$COURSE_TIMEZONE" \
  2>/dev/null || { echo "install.sh: COURSE_TIMEZONE=$COURSE_TIMEZONE is not a time zone name"; exit 1; }
DEADLINES="$STAFF/course/deadlines.toml"
if [ ! -e "$DEADLINES" ]; then
  sed "s|^timezone = .*|timezone = \"$COURSE_TIMEZONE\"|" "$PREFIX/deadlines.toml" > "$DEADLINES.new"
  chown root:"$AUTHORS" "$DEADLINES.new"   # instructors set due dates; TAs read them
  chmod 0664 "$DEADLINES.new"
  mv "$DEADLINES.new" "$DEADLINES"
fi
mkdir -p "$ENV/etc/rapprochement"
ln -sfn "$DEADLINES" "$ENV/etc/rapprochement/deadlines.toml"
cat > "$STAFF/course/nbgrader_config.py" <<EOF
# Written by deploy/install.sh: the staff's nbgrader course folder (docs/course-runbook.md).
import os

c = get_config()  # noqa: F821
c.CourseDirectory.root = "$STAFF/course"
c.CourseDirectory.db_url = "sqlite:///$STAFF/course/gradebook.db"
# the exchange's course folder belongs to root and the instructors group (install.sh, step 4):
# every member of the staff releases, collects and returns feedback there
c.CourseDirectory.groupshared = True
c.Exchange.root = "$EXCHANGE"
# what nbgrader makes here is group-writable, also from an ssh session with umask 022
os.umask(0o002)
EOF
chown root:root "$STAFF/course/nbgrader_config.py"
chmod 0644 "$STAFF/course/nbgrader_config.py"

# 6. students see the Assignments tab (fetch, validate, submit) but no instructor panels
"$ENV/bin/jupyter" labextension disable --level=sys_prefix \
  @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment @jupyter/nbgrader:course-list >/dev/null
"$ENV/bin/jupyter" server extension disable --sys-prefix \
  nbgrader.server_extensions.formgrader nbgrader.server_extensions.course_list >/dev/null 2>&1
# The staff's servers: jupyterhub_config.py puts this folder first on their JUPYTER_CONFIG_PATH.
# Formgrader is served at /user/<name>/formgrader and opened in a browser tab of its own:
# JupyterHub forbids framing a server's pages (so that no other user's page can frame them),
# which is why the lab's formgrader tab, an iframe, stays off.
STAFF_CONFIG="$ENV/etc/jupyter-staff"
mkdir -p "$STAFF_CONFIG"
cat > "$STAFF_CONFIG/jupyter_server_config.json" <<EOF
{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": true}}}
EOF
cat > "$STAFF_CONFIG/jupyter_server_config.py" <<EOF
# Written by deploy/install.sh: for the staff's servers only.
import os

# files made by the server, its terminals and kernels are group-writable: in the staff's
# shared folders ($STAFF, group $INSTRUCTORS) the whole staff can change them
os.umask(0o002)
EOF
cat > "$STAFF_CONFIG/nbgrader_config.py" <<EOF
# Written by deploy/install.sh: the staff's nbgrader settings (formgrader's course).
import os

from rapprochement.grading.settings import course_settings

c = get_config()  # noqa: F821
course_settings(c, "$STAFF/grading/course")  # formgrader shows the grading gradebook
# times in formgrader: in the course's zone, the deadlines file's `timezone` (course_settings
# sets NbGraderAPI.timezone from it; display only, nbgrader stores UTC)
# formgrader serves only a course inside the server's root (the home folder): through the
# link ~/staff -> $STAFF that jupyterhub_config.py makes for the staff
c.CourseDirectory.root = os.path.expanduser("~/staff/grading/course")
c.Exchange.root = "$EXCHANGE"  # but the exchange stays the hub's
c.CourseDirectory.groupshared = True
EOF

# 7. the notebooks users' copies are pulled from: a new version after every `git pull`
PREFIX="$PREFIX" "$PREFIX/deploy/bin/publish-notebooks"

echo "installed: $ENV (collection in $PREFIX, exchange $EXCHANGE, staff folders $STAFF," \
  "groups $STUDENTS, $INSTRUCTORS and $AUTHORS)"
