"""The preprocessor lists of every nbgrader run of a grading course, derived from nbgrader's
own defaults: the one place where they are built.

``tests/grading/test_units.py`` pins the result, so a step that a new nbgrader adds shows up as
a difference there instead of being dropped. The steps themselves are in
:mod:`.preprocessors` and :mod:`.sanitize`; this module imports neither (nor anything else of
the package), so that the settings (:mod:`.settings`) can use it without a cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["apply_steps", "nbgrader_defaults", "nbgrader_steps"]

OURS = "rapprochement.grading.preprocessors."
SANITIZE = "rapprochement.grading.sanitize.SanitizeStudentContent"

# How our lists differ from nbgrader's defaults: {step: replacement ("" drops it)},
# {step: steps after it} and {step: steps before it}. The one place where the lists are changed.
REPLACE = {
    "Autograde.autograde_preprocessors": {
        "Execute": OURS + "ReplayOutcomes",
        # the sanitize pass just checked the same metadata (about 70 ms a notebook), and the
        # replay changes outputs only; last, after SaveAutoGrades has read the answer cells as
        # handed in, student content is made inert: the graded copy is what formgrader shows
        "CheckCellMetadata": SANITIZE,
    },
}
# {step: steps before it}
BEFORE = {
    # first, before GetGrades writes the instructor's scores and comments into the copy
    "GenerateFeedback.preprocessors": {"GetGrades": [SANITIZE]},
}
AFTER = {
    "Autograde.autograde_preprocessors": {"LimitOutput": [OURS + "LimitOutputSize"]},
    "GenerateFeedback.preprocessors": {
        "GetGrades": [
            OURS + "NeutraliseMarkers",
            "nbgrader.preprocessors.ClearHiddenTests",
            OURS + "HideTestTracebacks",
            "rapprochement.grading.latepenalty.LateNotice",
        ]
    },
}


def _dotted(step: Any) -> str:
    """``nbgrader.preprocessors.ClearOutput`` for the class (the package's public name)."""
    if isinstance(step, str):
        return step
    module, name = step.__module__, step.__name__
    package = module.rsplit(".", 1)[0]
    try:
        if getattr(importlib.import_module(package), name, None) is step:
            return f"{package}.{name}"
    except ImportError:
        pass
    return f"{module}.{name}"


def nbgrader_defaults() -> dict[str, list[Any]]:
    """nbgrader's own default preprocessor lists, read from its classes."""
    from nbgrader.converters import Autograde, GenerateFeedback

    classes = {"Autograde": Autograde, "GenerateFeedback": GenerateFeedback}
    out = {}
    for key in (
        "Autograde.sanitize_preprocessors",
        "Autograde.autograde_preprocessors",
        "GenerateFeedback.preprocessors",
    ):
        owner, trait = key.split(".")
        out[key] = list(classes[owner].class_traits()[trait].default())
    return out


def nbgrader_steps(defaults: dict[str, list[Any]] | None = None) -> dict[str, list[str]]:
    """{"Class.trait": [dotted step names]} for every nbgrader run of a grading course,
    derived from ``defaults`` (nbgrader's own, :func:`nbgrader_defaults`)."""
    out: dict[str, list[str]] = {}
    for key, given in (defaults or nbgrader_defaults()).items():
        defaults_ = [_dotted(s) for s in given]
        replace, after = REPLACE.get(key, {}), AFTER.get(key, {})
        before = BEFORE.get(key, {})
        short = [d.rsplit(".", 1)[1] for d in defaults_]
        for wanted in [*(k for k, v in replace.items() if v), *after, *before]:
            if wanted not in short:
                raise RuntimeError(
                    f"nbgrader's default {key} has no {wanted} step any more ({short}); "
                    "rapprochement.grading.steps must be updated for this nbgrader"
                )
        steps: list[str] = []
        for dotted, name in zip(defaults_, short, strict=True):
            kept = replace.get(name, dotted)
            steps.extend(before.get(name, []))
            if kept:
                steps.append(kept)
            steps.extend(after.get(name, []))
        out[key] = steps
    return out


def apply_steps(c: Any, *only: str) -> None:
    """Set the lists of :func:`nbgrader_steps` (all, or ``only`` these) on the config ``c``."""
    for key, steps in nbgrader_steps().items():
        if only and key not in only:
            continue
        owner, trait = key.split(".")
        setattr(c[owner], trait, list(steps))
