"""Find the submissions in a folder, a zip from a learning system, or an nbgrader tree.

Every notebook found becomes a :class:`Submission` with a student id taken from its name:

* Canvas: ``doejane_12345_67890_ps1-trade-statistics.ipynb`` (also ``doejane_LATE_12345_...``)
  gives student id ``12345`` and name ``doejane``;
* Moodle: ``Jane Doe_12345_assignsubmission_file_/ps1.ipynb`` (folder or flat file name) gives
  ``12345`` and ``Jane Doe``;
* nbgrader: ``submitted/<student>/<assignment>/<notebook>.ipynb`` (the ``submitted`` level is
  optional) gives ``<student>``;
* anything else: ``<student>.ipynb``, or ``<student>/<any name>.ipynb``, gives ``<student>``.

Files that are not notebooks are listed as rejected, with the reason. Nothing is modified: a
zip is extracted into a working folder and every notebook is only read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["Intake", "Submission", "collect", "safe_student_id"]

CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:LATE_)?(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(
    r"^(?P<name>[^/]+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file>.*)$"
)
IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}


@dataclass
class Submission:
    """One student's notebook, as found."""

    student_id: str
    path: Path
    name: str = ""
    origin: str = "folder"
    file_name: str = ""
    """The notebook's own file name, without any learning-system prefix."""
    notes: list[str] = field(default_factory=list)


@dataclass
class Intake:
    """What :func:`collect` found: submissions and the files it set aside."""

    submissions: list[Submission]
    rejected: list[tuple[str, str]]
    """(file, reason) for files that cannot be graded as notebooks."""


def safe_student_id(raw: str) -> str:
    """A student id usable as a folder name: letters, digits, ``-``, ``_`` and ``.``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", raw.strip()).strip("-.")
    return cleaned or "unknown"


def _extract(archive: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = PurePosixPath(info.filename)
            if target.is_absolute() or ".." in target.parts or info.is_dir():
                continue
            dest = into.joinpath(*target.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as out:
                out.write(src.read())
    return into


def _nbgrader_layout(root: Path) -> Path | None:
    """The folder holding <student>/<assignment>/*.ipynb, if ``root`` is laid out that way."""
    base = root / "submitted" if (root / "submitted").is_dir() else root
    children = [p for p in base.iterdir() if p.is_dir() and p.name not in IGNORED_PARTS]
    if not children:
        return None
    for child in children:
        subdirs = [p for p in child.iterdir() if p.is_dir() and p.name not in IGNORED_PARTS]
        if not any(any(s.glob("*.ipynb")) for s in subdirs):
            return None
        if any(child.glob("*.ipynb")):
            return None
    return base


def _identify(rel: PurePosixPath) -> tuple[str, str, str, str]:
    """(student id, name, origin, file name) from a path relative to the submissions folder."""
    text = str(rel)
    moodle = MOODLE.match(text)
    if moodle:
        return moodle["id"], moodle["name"], "moodle", PurePosixPath(moodle["file"]).name
    canvas = CANVAS.match(rel.name)
    if canvas:
        return canvas["id"], canvas["name"], "canvas", canvas["file"]
    if len(rel.parts) > 1:
        return rel.parts[0], rel.parts[0], "folder", rel.name
    # named after the student: the notebook's own name is unknown
    return rel.stem, rel.stem, "folder", ""


def collect(path: Path, workdir: Path) -> Intake:
    """Find the submissions under ``path`` (a folder or a .zip); extract zips into ``workdir``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    origin_prefix = ""
    if path.is_file():
        if not zipfile.is_zipfile(path):
            if path.suffix == ".ipynb":
                return Intake([Submission(safe_student_id(path.stem), path, path.stem)], [])
            raise ValueError(f"{path} is neither a folder, a zip file nor a notebook")
        path = _extract(path, workdir / "extracted")
        origin_prefix = "zip:"

    rejected: list[tuple[str, str]] = []
    found: list[Submission] = []
    layout = _nbgrader_layout(path)
    if layout is not None:
        for student_dir in sorted(p for p in layout.iterdir() if p.is_dir()):
            if student_dir.name in IGNORED_PARTS:
                continue
            for nb in sorted(student_dir.glob("*/*.ipynb")):
                found.append(
                    Submission(
                        safe_student_id(student_dir.name),
                        nb,
                        student_dir.name,
                        origin_prefix + "nbgrader",
                        nb.name,
                    )
                )
        return Intake(found, rejected)

    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = PurePosixPath(file.relative_to(path).as_posix())
        if IGNORED_PARTS.intersection(rel.parts) or rel.name.startswith("."):
            continue
        if file.suffix != ".ipynb":
            rejected.append((str(rel), "not a notebook (.ipynb); not graded"))
            continue
        student, name, origin, file_name = _identify(rel)
        found.append(
            Submission(safe_student_id(student), file, name, origin_prefix + origin, file_name)
        )
    return Intake(found, rejected)
