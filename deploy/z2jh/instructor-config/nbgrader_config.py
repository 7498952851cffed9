# The instructors' nbgrader settings on Zero to JupyterHub: values.yaml (10-instructors) puts
# this folder first on their servers' JUPYTER_CONFIG_PATH; students never have it.
c = get_config()  # noqa: F821
# The exchange's course folders belong to root (the Job in exchange-pvc.yaml), so that no user
# pod can rename or replace them. nbgrader releases, collects and returns feedback in folders
# it does not own only for a group-shared course, as the staff's course on one server
# (deploy/install.sh). Students need nothing: fetch and submit work without it.
c.CourseDirectory.groupshared = True
