"""Find the submissions in a folder, a zip from a learning system, or an nbgrader tree.

Every notebook found becomes a :class:`Submission` with a student id taken from its name:

* Canvas: ``doejane_12345_67890_ps1-trade-statistics.ipynb`` (also ``doejane_LATE_12345_...``)
  gives student id ``12345`` and name ``doejane``;
* Moodle: ``Jane Doe_12345_assignsubmission_file_/ps1.ipynb`` (folder or flat file name) gives
  ``12345`` and ``Jane Doe``;
* nbgrader: ``submitted/<student>/<assignment>/<notebook>.ipynb`` (the ``submitted`` level is
  optional) gives ``<student>``;
* anything else: ``<student>.ipynb``, or ``<student>/<any name>.ipynb``, gives ``<student>``.

Student ids keep their letters in any script (``José``, ``张伟``, ``Иван``), normalised to
Unicode NFC; only characters that cannot be part of a folder name are replaced. Two names that
would still land on the same id, or that differ only in case, get distinct ids and a reason
that says so: no two students are ever merged silently.

Files that are not notebooks are listed as rejected, with the reason. A zip is extracted into a
working folder within limits (entry count, total size, size of one file, compression ratio);
every entry it skips (a path leaving the archive, a symbolic link, a zip inside the zip, an
entry over a limit) is listed with the reason. Nothing is modified: notebooks are only read.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["Intake", "Submission", "collect", "safe_student_id"]

CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:LATE_)?(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(
    r"^(?P<name>[^/]+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file>.*)$"
)
IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}

MAX_ENTRIES = 2000
"""Most entries extracted from one zip."""
MAX_TOTAL_BYTES = 500 * 1024**2
"""Most bytes extracted from one zip, in all."""
MAX_FILE_BYTES = 50 * 1024**2
"""Largest single file extracted from a zip."""
MAX_RATIO = 200
"""Largest compression ratio accepted for an entry over 1 MB (zip bombs compress ~1000x)."""
MAX_LISTED = 200
"""Skipped entries listed one by one; the rest are counted in one line."""


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
    """A student id usable as a folder name, keeping every letter and digit of any script.

    NFC-normalised; path separators, control characters and other characters that break
    folder names become ``-``; runs of spaces become one ``_``.
    """
    text = unicodedata.normalize("NFC", raw).strip()
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            out.append("_")
        elif char in '/\\:*?"<>|' or category[0] == "C":
            out.append("-")
        else:
            out.append(char)
    cleaned = re.sub(r"_+", "_", re.sub(r"-+", "-", "".join(out))).strip("-._")
    return cleaned or "unknown"


def _extract(archive: Path, into: Path, rejected: list[tuple[str, str]]) -> Path:
    """Extract within limits; every skipped entry goes to ``rejected`` with its reason."""
    into.mkdir(parents=True, exist_ok=True)
    total = 0
    skipped_quietly = 0

    def skip(name: str, reason: str) -> None:
        nonlocal skipped_quietly
        if len(rejected) < MAX_LISTED:
            rejected.append((name, reason))
        else:
            skipped_quietly += 1

    with zipfile.ZipFile(archive) as zf:
        entries = zf.infolist()
        for count, info in enumerate(entries):
            name = info.filename
            target = PurePosixPath(name)
            if info.is_dir():
                continue
            if count >= MAX_ENTRIES:
                skip(name, f"not extracted: the zip has more than {MAX_ENTRIES} entries")
                continue
            if target.is_absolute() or ".." in target.parts or "\\" in name or ":" in name:
                skip(name, "not extracted: its path leaves the archive (absolute or ../)")
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                skip(name, "not extracted: a symbolic link")
                continue
            if target.suffix.lower() == ".zip":
                skip(name, "not extracted: a zip inside the zip (unpack it and grade it apart)")
                continue
            if info.file_size > MAX_FILE_BYTES:
                skip(name, f"not extracted: larger than {MAX_FILE_BYTES // 1024**2} MB")
                continue
            if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                skip(name, f"not extracted: compressed more than {MAX_RATIO}x (a zip bomb?)")
                continue
            if total + info.file_size > MAX_TOTAL_BYTES:
                skip(
                    name, f"not extracted: the zip holds more than {MAX_TOTAL_BYTES // 1024**2} MB"
                )
                continue
            dest = into.joinpath(*target.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            # the header's sizes may lie: count what really comes out
            written = 0
            too_big = False
            with zf.open(info) as src, open(dest, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_FILE_BYTES or total + written > MAX_TOTAL_BYTES:
                        too_big = True
                        break
                    out.write(chunk)
            if too_big:
                dest.unlink()
                skip(name, "not extracted: it unpacks to more than the zip's size limits")
                continue
            total += written
    if skipped_quietly:
        rejected.append(
            (f"({skipped_quietly} more entries)", "not extracted: see the limits above")
        )
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
    rejected: list[tuple[str, str]] = []
    if path.is_file():
        if not zipfile.is_zipfile(path):
            if path.suffix == ".ipynb":
                return Intake([Submission(safe_student_id(path.stem), path, path.stem)], [])
            raise ValueError(f"{path} is neither a folder, a zip file nor a notebook")
        path = _extract(path, workdir / "extracted", rejected)
        origin_prefix = "zip:"

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
        return Intake(_distinct(found), rejected)

    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = PurePosixPath(file.relative_to(path).as_posix())
        if IGNORED_PARTS.intersection(rel.parts) or rel.name.startswith("."):
            continue
        if file.is_symlink():
            rejected.append((str(rel), "a symbolic link; not graded"))
            continue
        if file.suffix != ".ipynb":
            rejected.append((str(rel), "not a notebook (.ipynb); not graded"))
            continue
        student, name, origin, file_name = _identify(rel)
        found.append(
            Submission(safe_student_id(student), file, name, origin_prefix + origin, file_name)
        )
    return Intake(_distinct(found), rejected)


def _distinct(found: list[Submission]) -> list[Submission]:
    """Give different students different ids when their names collide after cleaning.

    Submissions are the same student only when their raw names are equal (after NFC); names
    that clean to the same id, or ids equal up to case, get ``~2``, ``~3``... and a reason.
    """
    owner: dict[str, str] = {}
    folded: dict[str, str] = {}
    renamed: dict[tuple[str, str], str] = {}  # (cleaned id, raw name) -> id used
    for sub in sorted(found, key=lambda s: (s.student_id, str(s.path))):
        raw = unicodedata.normalize("NFC", sub.name or sub.student_id)
        key = (sub.student_id, raw)
        if key in renamed:
            sub.student_id = renamed[key]
            continue
        sid = sub.student_id
        clash = (sid in owner and owner[sid] != raw) or (
            sid.casefold() in folded and folded[sid.casefold()] != sid
        )
        if clash:
            n = 2
            while f"{sid}~{n}" in owner:
                n += 1
            new = f"{sid}~{n}"
            sub.notes.append(
                f"name {raw!r} looks like another student's ({sid}) but is not the same; "
                f"graded separately as {new}: check who is who"
            )
            renamed[key] = new
            sub.student_id = new
            sid = new
        else:
            renamed[key] = sid
        owner[sid] = raw
        folded.setdefault(sid.casefold(), sid)
    return found
