"""The course's grading settings, in one place for every grading step.

Read by the repository's nbgrader_config.py (``make exercises``: the student versions), by the
configuration of a grading folder (:func:`course_settings`: formgrader, the Autograde pass that
replays outcomes computed in the sandbox, feedback) and by the sandboxed runs themselves
(:data:`CELL_TIMEOUT`, the stubs). Student code never runs under nbgrader's own executor: the
sandbox (:mod:`rapprochement.grading.sandbox`) runs it, and nbgrader records the outcomes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

COURSE_ID = "rapprochement"
CELL_TIMEOUT = 30
"""Seconds one cell of a student's notebook may run in the sandbox before it is stopped
(``make grade TIMEOUT=...``); also the limit the replayed outcomes report. 30 is nbgrader's own
default for its executor."""
MAX_OUTPUT_CHARS = 20_000
"""Longest text kept per output when grading (after nbgrader's line limit)."""
CODE_STUB = (
    "# YOUR CODE HERE: replace None above with code that computes the answer\n"
    "# (add lines here if you need them), then run this cell."
)
"""The stub does not raise: each answer cell sets its names to None above the solution region,
so Run All goes through a partly answered notebook, the visible tests report "not answered
yet" and the hidden tests fail with that message (rapprochement.grading.checks)."""
TEXT_STUB = "YOUR ANSWER HERE"


def prepare_environment() -> None:
    """Process settings for grading runs; call before importing nbgrader (idempotent)."""
    # skip jsonschema's slow optional grammars, as the notebooks do (see rapprochement.data)
    from rapprochement.data import import_jsonschema_quickly

    import_jsonschema_quickly()
    # nbformat validates every notebook it reads or writes; fastjsonschema (installed with
    # nbformat) does it several times faster than jsonschema. Kernels and workers inherit this.
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    # nbgrader calls the `alembic` command when it creates a gradebook: it must be on PATH.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def repo_root() -> Path:
    """The repository holding ``solutions/`` and ``exercises/``."""
    return Path(__file__).resolve().parents[3]


def source_root() -> Path:
    """``solutions/source``: one folder per assignment, in nbgrader format."""
    return repo_root() / "solutions" / "source"


def release_root() -> Path:
    """``exercises``: the student versions generated from :func:`source_root`."""
    return repo_root() / "exercises"


def assignments() -> list[str]:
    """Assignment ids: the folders of ``solutions/source`` holding a notebook of the same name."""
    root = source_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def apply_common(c: Any, *, timeout: int = CELL_TIMEOUT) -> None:
    """Set what every nbgrader run of this course shares on the traitlets config ``c``."""
    c.CourseDirectory.course_id = COURSE_ID
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = TEXT_STUB
    # Deleted test cells come back from the source when grading.
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = timeout
    c.Execute.interrupt_on_timeout = True
    # nbgrader's default for Python kernels, plus a quieter kernel log
    c.Execute.extra_arguments = [
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
    ]
    c.LimitOutput.max_lines = 1000
    c.LimitOutput.max_traceback = 100
    # Feedback never shows hidden tests, nor the tracebacks of failed tests that quote them;
    # the list is derived from nbgrader's default (rapprochement.grading.preprocessors)
    from rapprochement.grading.steps import apply_steps

    apply_steps(c, "GenerateFeedback.preprocessors")
    # Student HTML is made inert in the graded copy and again before feedback
    # (rapprochement.grading.sanitize, a step of both lists); nbconvert's own cleaning of
    # outputs on formgrader and feedback pages is a second layer.
    c.HTMLExporter.sanitize_html = True
    # Late work: nbgrader's AssignLatePenalties step with the course's policy (deadlines.toml,
    # rapprochement.grading.late); nbgrader's gradebook holds due dates and extensions.
    from rapprochement.grading.late import load_deadlines
    from rapprochement.grading.latepenalty import configure

    configure(c, load_deadlines())


def course_settings(
    c: Any, course: Path, *, timeout: int = CELL_TIMEOUT, outcomes_dir: str = ""
) -> None:
    """Settings for a grading course folder (``grading-output/course`` by default).

    Autograding replays outcomes computed in a sandbox
    (:class:`~rapprochement.grading.preprocessors.ReplayOutcomes`, from ``outcomes_dir``);
    without them it refuses, so formgrader's or a hand-run ``nbgrader autograde`` never runs
    student code outside the sandbox.
    """
    course = Path(course).resolve()
    c.CourseDirectory.root = str(course)
    c.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    c.Exchange.root = str(course / "exchange")
    apply_common(c, timeout=timeout)
    from rapprochement.grading.steps import apply_steps

    apply_steps(c)  # every list: Autograde replays sandboxed outcomes
    c.GenerateFeedback.exporter_class = "rapprochement.grading.preprocessors.FeedbackHTMLExporter"
    c.LimitOutputSize.max_chars = MAX_OUTPUT_CHARS
    c.ReplayOutcomes.outcomes_dir = outcomes_dir
    c.ReplayOutcomes.cell_timeout = float(timeout)


COURSE_CONFIG_TEMPLATE = '''"""nbgrader settings for this grading folder.

Written by rapprochement.grading (docs/instructor-grading.md). Run formgrader from here with
../../.venv-grading/bin/jupyter lab
"""

from rapprochement.grading.settings import course_settings

c = get_config()  # noqa: F821
course_settings(c, {course!r}, timeout={timeout!r})
'''
