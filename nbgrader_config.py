"""nbgrader configuration for the instructor (run nbgrader commands from the repository root).

Layout: solutions/source/<assignment>/<assignment>.ipynb is the instructor source (nbgrader
format); `nbgrader generate_assignment <assignment>` writes the student version to
exercises/<assignment>/. Grading (`make grade`) works in its own course folder under
grading-output/, with a config written there by rapprochement.grading; the settings shared by
both come from rapprochement.grading.settings.
"""

from pathlib import Path

from rapprochement.grading.settings import apply_common

ROOT = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions/source"
c.CourseDirectory.release_directory = "exercises"
# Generating the student versions records the assignments in a scratch gradebook, kept out of git.
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'grading-output' / 'generate.db'}"
c.Exchange.root = str(ROOT / "grading-output" / "exchange")
# apply_common also sets the late-work settings: nbgrader's AssignLatePenalties uses the
# course's penalty (rapprochement.grading.latepenalty.PercentPerDay) and formgrader shows times
# in the course's zone, both read from deadlines.toml (docs/instructor-grading.md, "Late work").
apply_common(c)
# Student code never runs outside the sandbox: `nbgrader autograde` here stops with a message
# that points to `make grade` (rapprochement.grading), which sandboxes every submission.
c.Autograde.autograde_preprocessors = ["rapprochement.grading.preprocessors.ReplayOutcomes"]
